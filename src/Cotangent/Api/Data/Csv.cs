using System.Globalization;
using System.IO.Compression;

namespace Cotangent;

/// <summary>Numeric CSV files (optionally gzipped) into float64 tensors.</summary>
/// <example><code>
/// var (table, header) = Csv.Load("digits.csv.gz");          // f64[rows, columns]
/// var x = table[.., ..^1];  var y = Np.AsType(table[.., ^1], DType.Int32);
/// </code></example>
public static class Csv
{
    /// <summary>
    /// Reads a CSV file of numbers into a float64 matrix [rows, columns], with the header row's names (empty without a
    /// header). A path ending in <c>.gz</c> is decompressed. Numbers are parsed with the invariant culture; blank
    /// lines are skipped; fields are not quoted.
    /// </summary>
    /// <exception cref="ArgumentNullException">path is null.</exception>
    /// <exception cref="FormatException">A field is not a number, or a row has a different number of fields (the line is named).</exception>
    public static (Tensor Values, string[] Header) Load(string path, bool hasHeader = true, char separator = ',')
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream);
        return Read(reader, hasHeader, separator, path);
    }

    /// <summary>Reads CSV text of numbers, as <see cref="Load"/>.</summary>
    /// <exception cref="ArgumentNullException">reader is null.</exception>
    /// <exception cref="FormatException">A field is not a number, or a row has a different number of fields.</exception>
    public static (Tensor Values, string[] Header) Read(TextReader reader, bool hasHeader = true, char separator = ',')
    {
        ArgumentNullException.ThrowIfNull(reader);
        return Read(reader, hasHeader, separator, "the CSV text");
    }

    private static (Tensor Values, string[] Header) Read(TextReader reader, bool hasHeader, char separator, string source)
    {
        string[] header = [];
        var values = new List<double>();
        int columns = -1, rows = 0, lineNumber = 0;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var fields = line.Split(separator);
            if (hasHeader && header.Length == 0 && rows == 0)
            {
                header = [.. fields.Select(f => f.Trim())];
                columns = fields.Length;
                continue;
            }

            if (columns < 0) columns = fields.Length;
            if (fields.Length != columns)
                throw new FormatException($"{source}, line {lineNumber}: {fields.Length} fields, but the first row has {columns}.");
            foreach (var f in fields)
            {
                if (!double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    throw new FormatException($"{source}, line {lineNumber}: '{f}' is not a number.");
                values.Add(v);
            }

            rows++;
        }

        return (Tensor.FromArray([.. values], rows, Math.Max(columns, 0)), header);
    }
}
