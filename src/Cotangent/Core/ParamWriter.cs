using System.Globalization;
using System.Text;
using Cotangent.Runtime;

namespace Cotangent.Core;

/// <summary>
/// Writes a parameter record as <c>key=value</c> pairs separated by spaces. Tuples are always written
/// <c>(1,2)</c> (one element: <c>(1)</c>, none: <c>()</c>), dtypes as <c>f64</c>, avals as <c>f64[3,4]</c>,
/// booleans as <c>True</c>/<c>False</c>, floats in their shortest round-trip form, and programs in the
/// program syntax, indented. <see cref="ParamReader"/> reads every form back.
/// </summary>
public sealed class ParamWriter
{
    private readonly StringBuilder _sb;
    private readonly ProgramPrinter.Context? _context;
    private readonly int _indent;

    internal ParamWriter(StringBuilder sb, ProgramPrinter.Context? context, int indent)
    {
        _sb = sb;
        _context = context;
        _indent = indent;
    }

    /// <summary>The text of <paramref name="parameters"/> on its own (nested programs named from a.).</summary>
    public static string Format(Params parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var sb = new StringBuilder();
        parameters.Write(new ParamWriter(sb, null, 0));
        return sb.ToString();
    }

    private StringBuilder Key(string key)
    {
        if (_sb.Length > 0 && _sb[^1] != '[') _sb.Append(' ');
        return _sb.Append(key).Append('=');
    }

    /// <summary>An integer.</summary>
    public void Int(string key, int value) => Key(key).Append(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A boolean, <c>True</c> or <c>False</c>.</summary>
    public void Bool(string key, bool value) => Key(key).Append(value ? "True" : "False");

    /// <summary>A float in its shortest round-trip form (<c>nan</c>, <c>inf</c>, <c>-inf</c> for the specials).</summary>
    public void Double(string key, double value) => Key(key).Append(FormatDouble(value));

    /// <summary>A tuple of integers.</summary>
    public void Ints(string key, ReadOnlySpan<int> values) => AppendInts(Key(key), values);

    /// <summary>A shape, written as the tuple of its extents.</summary>
    public void Shape(string key, Shape shape) => AppendInts(Key(key), shape.Dims);

    /// <summary>A dtype, e.g. <c>f32</c>.</summary>
    public void DType(string key, DType dtype) => Key(key).Append(dtype.ShortName());

    /// <summary>An identifier (letters, digits and '_', not starting with a digit), e.g. a policy name.</summary>
    public void Name(string key, string name) => Key(key).Append(name);

    /// <summary>A tuple of identifiers, e.g. <c>(h1,h2)</c>.</summary>
    public void Names(string key, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        Key(key).Append('(').Append(string.Join(",", names)).Append(')');
    }

    /// <summary>An aval, e.g. <c>f64[3,4]</c>.</summary>
    public void Aval(string key, Aval aval) => Key(key).Append(aval.ToString());

    /// <summary>A closed program, printed in the program syntax and indented under the equation.</summary>
    public void Program(string key, Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var sb = Key(key);
        var context = _context ?? new ProgramPrinter.Context();
        ProgramPrinter.Append(sb, program, context, _indent + 4);
    }

    private static StringBuilder AppendInts(StringBuilder sb, ReadOnlySpan<int> values)
    {
        sb.Append('(');
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(values[i].ToString(CultureInfo.InvariantCulture));
        }

        return sb.Append(')');
    }

    /// <summary>The shortest text that reads back as exactly <paramref name="value"/>, always with a '.' or exponent.</summary>
    public static string FormatDouble(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsPositiveInfinity(value)) return "inf";
        if (double.IsNegativeInfinity(value)) return "-inf";
        var s = value.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.', StringComparison.Ordinal) || s.Contains('E', StringComparison.Ordinal) ? s : s + ".0";
    }

    /// <summary>The shortest text that reads back as exactly the float32 <paramref name="value"/>.</summary>
    public static string FormatSingle(float value)
    {
        if (float.IsNaN(value)) return "nan";
        if (float.IsPositiveInfinity(value)) return "inf";
        if (float.IsNegativeInfinity(value)) return "-inf";
        var s = value.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.', StringComparison.Ordinal) || s.Contains('E', StringComparison.Ordinal) ? s : s + ".0";
    }
}
