using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Cotangent.Runtime;

namespace Cotangent;

/// <summary>
/// Tensors and trees in NumPy's files: <c>.npy</c> (one array, format version 1.0: the magic <c>\x93NUMPY</c>, a
/// little-endian header length, a Python-dict header padded so the data starts at a multiple of 64 bytes, then the
/// elements in C order, little-endian) and <c>.npz</c> (a zip of <c>name.npy</c> entries, stored uncompressed, as
/// <c>numpy.savez</c> writes). <c>numpy.load</c> reads what these write. Dtypes: float64 <c>&lt;f8</c>, float32
/// <c>&lt;f4</c>, int32 <c>&lt;i4</c>, bool <c>|b1</c>; reading also accepts int64 (<c>&lt;i8</c>, converted to int32 when it
/// fits) and uint8 (<c>|u1</c>, as int32).
/// </summary>
/// <example><code>
/// Npy.SaveTree("params.npz", parameters);
/// Mlp restored = Npy.LoadTree("params.npz", parameters);   // the same structure, the saved values
/// </code></example>
public static partial class Npy
{
    private static readonly byte[] s_magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes <paramref name="tensor"/> to <paramref name="path"/> as a <c>.npy</c> file.</summary>
    /// <exception cref="ArgumentNullException">path or tensor is null.</exception>
    /// <exception cref="ConcretizationException">tensor is an abstract tracer.</exception>
    public static void Save(string path, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensor);
        using var file = File.Create(path);
        Write(file, tensor);
    }

    /// <summary>Reads a <c>.npy</c> file.</summary>
    /// <exception cref="ArgumentNullException">path is null.</exception>
    /// <exception cref="FormatException">The file is not a .npy file of a supported dtype in C order.</exception>
    public static Tensor Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.OpenRead(path);
        return Read(file);
    }

    /// <summary>Writes <paramref name="tensor"/> in the <c>.npy</c> format to <paramref name="stream"/>.</summary>
    /// <exception cref="ArgumentNullException">stream or tensor is null.</exception>
    public static void Write(Stream stream, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensor);
        var value = tensor.Value;
        var dims = value.Shape.Dims.ToArray();
        string shape = dims.Length switch
        {
            0 => "()",
            1 => $"({dims[0]},)",
            _ => "(" + string.Join(", ", dims) + ")",
        };
        string header = $"{{'descr': '{Descr(value.DType)}', 'fortran_order': False, 'shape': {shape}, }}";
        // magic (6) + version (2) + length (2) + header + '\n', padded with spaces to a multiple of 64.
        int unpadded = 10 + header.Length + 1;
        int padding = (64 - (unpadded % 64)) % 64;
        var headerBytes = Encoding.ASCII.GetBytes(header + new string(' ', padding) + "\n");
        stream.Write(s_magic);
        stream.Write([1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, checked((ushort)headerBytes.Length));
        stream.Write(length);
        stream.Write(headerBytes);
        stream.Write(Bytes(value));
    }

    /// <summary>Reads one array in the <c>.npy</c> format from <paramref name="stream"/>.</summary>
    /// <exception cref="ArgumentNullException">stream is null.</exception>
    /// <exception cref="FormatException">The data is not a .npy array of a supported dtype in C order.</exception>
    public static Tensor Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var prefix = ReadExactly(stream, 8);
        if (!prefix.AsSpan(0, 6).SequenceEqual(s_magic))
            throw new FormatException("Not a .npy file: the magic string \\x93NUMPY is missing.");
        int major = prefix[6];
        int headerLength = major switch
        {
            1 => BinaryPrimitives.ReadUInt16LittleEndian(ReadExactly(stream, 2)),
            2 or 3 => checked((int)BinaryPrimitives.ReadUInt32LittleEndian(ReadExactly(stream, 4))),
            _ => throw new FormatException($"Unsupported .npy format version {major}.{prefix[7]}."),
        };
        var header = (major == 3 ? Encoding.UTF8 : Encoding.ASCII).GetString(ReadExactly(stream, headerLength));
        var descr = HeaderField(header, "descr", @"'([^']*)'");
        if (HeaderField(header, "fortran_order", "(True|False)") == "True")
            throw new FormatException("Fortran-ordered .npy arrays are not supported; save with numpy.ascontiguousarray.");
        var shapeText = HeaderField(header, "shape", @"\(([^)]*)\)");
        int[] dims = [.. shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.Parse(d.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture))];
        var shape = Shape.Of(dims);
        long count = shape.Size;
        var flat = descr switch
        {
            "<f8" => Tensor.FromArray(Floats<double>(stream, count, 8), dims),
            "<f4" => Tensor.FromArray(Floats<float>(stream, count, 4), dims),
            "<i4" => Tensor.FromArray(Floats<int>(stream, count, 4), dims),
            "|b1" => Tensor.FromArray([.. ReadExactly(stream, checked((int)count)).Select(b => b != 0)], dims),
            "|u1" => Tensor.FromArray([.. ReadExactly(stream, checked((int)count)).Select(b => (int)b)], dims),
            "<i8" => Tensor.FromArray([.. Floats<long>(stream, count, 8).Select(v => checked((int)v))], dims),
            _ => throw new FormatException($"Unsupported .npy dtype '{descr}'; supported: <f8, <f4, <i4, |b1 (and <i8, |u1 on reading)."),
        };

        // FromArray with no dimensions makes a vector; a rank-0 array is reshaped to ().
        return dims.Length == 0 ? Np.Reshape(flat, shape) : flat;
    }

    /// <summary>Writes named tensors to a <c>.npz</c> file (<c>numpy.savez</c>; <c>numpy.load(path)[name]</c> reads each back).</summary>
    /// <exception cref="ArgumentNullException">path or arrays, or one of the tensors, is null.</exception>
    public static void SaveArchive(string path, IReadOnlyDictionary<string, Tensor> arrays)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(arrays);
        foreach (var (name, tensor) in arrays) ArgumentNullException.ThrowIfNull(tensor, $"{nameof(arrays)}[{name}]");
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        foreach (var (name, tensor) in arrays)
        {
            var entry = zip.CreateEntry(name + ".npy", CompressionLevel.NoCompression);
            using var s = entry.Open();
            Write(s, tensor);
        }
    }

    /// <summary>Reads every array of a <c>.npz</c> file, by name (without the <c>.npy</c> suffix), in file order.</summary>
    /// <exception cref="ArgumentNullException">path is null.</exception>
    /// <exception cref="FormatException">An entry is not a supported .npy array.</exception>
    public static Dictionary<string, Tensor> LoadArchive(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var zip = ZipFile.OpenRead(path);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            using var s = entry.Open();
            var name = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
            result[name] = Read(s);
        }

        return result;
    }

    /// <summary>Writes the leaves of a tree to a <c>.npz</c> file as <c>leaf_0</c>, <c>leaf_1</c>, … in <see cref="Tree.Flatten"/>'s order.</summary>
    /// <exception cref="ArgumentNullException">path or tree is null.</exception>
    public static void SaveTree<T>(string path, T tree)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tree);
        var leaves = Tree.Flatten(tree).Leaves;
        SaveArchive(path, leaves.Select((l, i) => (l, i)).ToDictionary(p => $"leaf_{p.i}", p => p.l));
    }

    /// <summary>Reads a tree saved by <see cref="SaveTree{T}"/> into the structure of <paramref name="like"/>, checking each leaf's shape and dtype.</summary>
    /// <exception cref="ArgumentNullException">path or like is null.</exception>
    /// <exception cref="TreeStructureException">The file holds a different number of leaves, or a leaf of another shape or dtype.</exception>
    public static T LoadTree<T>(string path, T like)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(like);
        var (leaves, def) = Tree.Flatten(like);
        var arrays = LoadArchive(path);
        if (arrays.Count != leaves.Count)
            throw new TreeStructureException($"{path} holds {arrays.Count} arrays but the tree has {leaves.Count} leaves.");
        var loaded = new Tensor[leaves.Count];
        for (int i = 0; i < loaded.Length; i++)
        {
            if (!arrays.TryGetValue($"leaf_{i}", out var t))
                throw new TreeStructureException($"{path} has no array leaf_{i}.");
            if (t.Shape != leaves[i].Shape || t.DType != leaves[i].DType)
                throw new TreeStructureException($"{path}: leaf_{i} is {t.Aval} but the tree's leaf {i} is {leaves[i].Aval}.");
            loaded[i] = t;
        }

        return Tree.Unflatten<T>(def, loaded);
    }

    private static string Descr(DType dtype) => dtype switch
    {
        DType.Float64 => "<f8",
        DType.Float32 => "<f4",
        DType.Int32 => "<i4",
        _ => "|b1",
    };

    private static byte[] Bytes(NDArray value)
    {
        // The runtime's buffers are in C order; BitConverter.IsLittleEndian holds on every platform .NET 10 runs on,
        // and the reverse is handled by writing element by element.
        switch (value.Data)
        {
            case bool[] b:
                return [.. b.AsSpan(0, value.Size).ToArray().Select(v => v ? (byte)1 : (byte)0)];
            case double[] d:
                return LittleEndian<double>(d.AsSpan(0, value.Size), 8, static (s, v) => BinaryPrimitives.WriteDoubleLittleEndian(s, v));
            case float[] f:
                return LittleEndian<float>(f.AsSpan(0, value.Size), 4, static (s, v) => BinaryPrimitives.WriteSingleLittleEndian(s, v));
            case int[] n:
                return LittleEndian<int>(n.AsSpan(0, value.Size), 4, static (s, v) => BinaryPrimitives.WriteInt32LittleEndian(s, v));
            default:
                throw new DTypeException($"Cannot save {value.DType} data.");
        }
    }

    private delegate void Writer<T>(Span<byte> destination, T value);

    private static byte[] LittleEndian<T>(ReadOnlySpan<T> values, int size, Writer<T> write)
    {
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++) write(bytes.AsSpan(i * size, size), values[i]);
        return bytes;
    }

    private static T[] Floats<T>(Stream stream, long count, int size)
        where T : unmanaged
    {
        var bytes = ReadExactly(stream, checked((int)(count * size)));
        // The file is little-endian; on a big-endian machine swap each element's bytes before reinterpreting.
        if (!BitConverter.IsLittleEndian)
        {
            for (int i = 0; i < bytes.Length; i += size) bytes.AsSpan(i, size).Reverse();
        }

        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }

    private static byte[] ReadExactly(Stream stream, int count)
    {
        var buffer = new byte[count];
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new FormatException($"The .npy data ends early: {count} more bytes were expected.", e);
        }

        return buffer;
    }

    private static string HeaderField(string header, string key, string valuePattern)
    {
        var m = Regex.Match(header, $"'{key}'\\s*:\\s*{valuePattern}");
        return m.Success ? m.Groups[1].Value : throw new FormatException($"The .npy header has no '{key}': {header.Trim()}");
    }
}
