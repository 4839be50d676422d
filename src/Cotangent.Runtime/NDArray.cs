using System.Globalization;
using System.Runtime.InteropServices;

namespace Cotangent.Runtime;

/// <summary>
/// A dense, contiguous, row-major n-dimensional array in managed memory. Immutable by convention:
/// kernels always write fresh arrays, so buffers may be shared (reshape shares its input's buffer).
/// A small struct over (dtype, shape, buffer): passing or returning one allocates nothing, so a
/// scalar result costs only its one-element buffer.
/// </summary>
public readonly struct NDArray
{
    private NDArray(DType dtype, Shape shape, Array data)
    {
        DType = dtype;
        Shape = shape;
        Data = data;
    }

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>The shape.</summary>
    public Shape Shape { get; }

    /// <summary>The backing buffer: <c>double[]</c>, <c>float[]</c>, <c>int[]</c> or <c>bool[]</c>, of at least <see cref="Size"/> elements.</summary>
    public Array Data { get; }

    /// <summary>Number of elements.</summary>
    public int Size => Shape.Size;

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Rank;

    /// <summary>
    /// Wraps a buffer without copying: the array (and any Tensor made from it) aliases <paramref name="data"/>.
    /// Tensors are immutable by contract: the library never writes into a buffer it did not allocate, and the caller
    /// must not mutate <paramref name="data"/> afterwards, since a traced or cached program may read it later. To hand
    /// over data you will keep changing, copy it first (<c>Tensor.FromArray</c> copies).
    /// </summary>
    /// <exception cref="ShapeException">The buffer has fewer elements than the shape needs.</exception>
    public static NDArray Wrap<T>(T[] data, Shape shape)
        where T : unmanaged
    {
        if (data.Length < shape.Size)
            throw new ShapeException($"A buffer of {data.Length} elements cannot hold shape {shape} ({shape.Size} elements).");
        return new NDArray(DTypes.Of<T>(), shape, data);
    }

    /// <summary>Wraps parts already known to be consistent (no checks); for the library's own hot paths.</summary>
    internal static NDArray Trusted(DType dtype, Shape shape, Array data) => new(dtype, shape, data);

    /// <summary>True for <c>default(NDArray)</c>, which holds no buffer.</summary>
    public bool IsDefault => Data is null;

    /// <summary>Wraps a buffer without copying; its element type must match <paramref name="dtype"/>.</summary>
    public static NDArray Wrap(DType dtype, Shape shape, Array data)
    {
        // Exact type tests (a method-table compare each; `is int[]` would also accept a uint[]), where reflecting on the
        // element type cost a few percent of eager scalar code: every kernel result comes through here.
        var type = data.GetType();
        bool matches = dtype switch
        {
            DType.Float64 => type == typeof(double[]),
            DType.Float32 => type == typeof(float[]),
            DType.Int32 => type == typeof(int[]),
            DType.Bool => type == typeof(bool[]),
            _ => false,
        };
        if (!matches)
            throw new DTypeException($"A {data.GetType().Name} buffer cannot hold {dtype.ShortName()} data.");
        if (data.Length < shape.Size)
            throw new ShapeException($"A buffer of {data.Length} elements cannot hold shape {shape} ({shape.Size} elements).");
        return new NDArray(dtype, shape, data);
    }

    /// <summary>A fresh zero-filled array.</summary>
    public static NDArray Zeros(DType dtype, Shape shape) => new(dtype, shape, Allocate(dtype, shape.Size));

    /// <summary>
    /// A fresh array whose contents are unspecified (NaN or a sentinel under <c>COTANGENT_POISON_ALLOC</c>), for a caller
    /// that writes every element before any is read (a scan's stacked outputs, one slice per step).
    /// </summary>
    public static NDArray Uninitialized(DType dtype, Shape shape) => new(dtype, shape, AllocateUninitialized(dtype, shape.Size));

    /// <summary>
    /// A fresh copy of block <paramref name="index"/> along the leading axis of <paramref name="source"/> — its
    /// <paramref name="blockShape"/>.Size elements from index · size — with shape <paramref name="blockShape"/> (a scan's
    /// per-step slice of its scanned input).
    /// </summary>
    public static NDArray CopyBlock(NDArray source, int index, Shape blockShape)
    {
        int size = blockShape.Size;
        var data = AllocateUninitialized(source.DType, size);   // overwritten whole by the copy
        Array.Copy(source.Data, index * size, data, 0, size);
        return new NDArray(source.DType, blockShape, data);
    }

    /// <summary>A fresh array of the given shape whose elements are all <paramref name="value"/> (converted to <paramref name="dtype"/>).</summary>
    /// <exception cref="DTypeException">dtype is int32 and the value is NaN, infinite or out of the int32 range.</exception>
    public static NDArray Full(DType dtype, Shape shape, double value)
    {
        var a = Zeros(dtype, shape);
        switch (dtype)
        {
            case DType.Float64: ((double[])a.Data).AsSpan().Fill(value); break;
            case DType.Float32: ((float[])a.Data).AsSpan().Fill((float)value); break;
            case DType.Int32: ((int[])a.Data).AsSpan().Fill(DTypes.ToInt32(value, "full")); break;
            default: ((bool[])a.Data).AsSpan().Fill(value != 0); break;
        }

        return a;
    }

    /// <summary>A rank-0 array holding <paramref name="value"/> converted to <paramref name="dtype"/>.</summary>
    /// <exception cref="DTypeException">dtype is int32 and the value is NaN, infinite or out of the int32 range.</exception>
    public static NDArray Scalar(DType dtype, double value) => dtype switch
    {
        DType.Float64 => new NDArray(dtype, Shape.Scalar, new[] { value }),
        DType.Float32 => new NDArray(dtype, Shape.Scalar, new[] { (float)value }),
        DType.Int32 => new NDArray(dtype, Shape.Scalar, new[] { DTypes.ToInt32(value, "scalar") }),
        _ => new NDArray(dtype, Shape.Scalar, new[] { value != 0 }),
    };

    /// <summary>A zero-filled buffer for <paramref name="size"/> elements of <paramref name="dtype"/>, owned by the caller.</summary>
    /// <remarks>Always cleared, every element. Large buffers may be recycled from arrays nothing references any more
    /// (see the architecture notes on memory); they are cleared just the same. Kernels that overwrite every element use
    /// the internal <see cref="AllocateUninitialized"/> instead.</remarks>
    public static Array Allocate(DType dtype, int size) => dtype switch
    {
        DType.Float64 => BufferPool.RentCleared<double>(size),
        DType.Float32 => BufferPool.RentCleared<float>(size),
        DType.Int32 => BufferPool.RentCleared<int>(size),
        _ => new bool[size],
    };

    /// <summary>
    /// A buffer whose contents are unspecified (large ones may be recycled, see <see cref="BufferPool"/>), for kernels that write every element before anyone reads it
    /// (skipping the clear saves a pass over large arrays). Under <see cref="RuntimeOptions.PoisonAllocations"/> it is
    /// filled with a sentinel, so a kernel that breaks the promise fails loudly in CI's poisoned run.
    /// </summary>
    internal static Array AllocateUninitialized(DType dtype, int size)
    {
        if (size == 0) return Allocate(dtype, 0);
        Array data = dtype switch
        {
            DType.Float64 => BufferPool.RentUninitialized<double>(size),
            DType.Float32 => BufferPool.RentUninitialized<float>(size),
            DType.Int32 => BufferPool.RentUninitialized<int>(size),
            _ => new bool[size], // uninitialized bytes other than 0/1 would be invalid bools
        };
        if (RuntimeOptions.PoisonAllocations) Poison(data);
        return data;
    }

    /// <summary><see cref="AllocateUninitialized"/> for a typed buffer.</summary>
    internal static T[] AllocateUninitialized<T>(int size)
        where T : unmanaged
    {
        var data = size == 0 ? [] : BufferPool.RentUninitialized<T>(size);
        if (RuntimeOptions.PoisonAllocations && size > 0) Poison(data);
        return data;
    }

    private static void Poison(Array data)
    {
        switch (data)
        {
            case double[] d: d.AsSpan().Fill(double.NaN); break;
            case float[] f: f.AsSpan().Fill(float.NaN); break;
            case int[] i: i.AsSpan().Fill(RuntimeOptions.PoisonInt32); break;
            case bool[] b: b.AsSpan().Fill(true); break;
            default: break;
        }
    }

    /// <summary>
    /// The elements as a writable span of <typeparamref name="T"/>, which must match <see cref="DType"/>. It aliases the
    /// buffer: write only into an array you just allocated and have not yet wrapped in a Tensor (tensors are immutable
    /// by contract); to read a tensor's elements use <see cref="ReadOnlySpan{T}"/>.
    /// </summary>
    public Span<T> Span<T>()
        where T : unmanaged
        => ((T[])Data).AsSpan(0, Size);

    /// <summary>The elements as a read-only span of <typeparamref name="T"/>.</summary>
    public ReadOnlySpan<T> ReadOnlySpan<T>()
        where T : unmanaged
        => ((T[])Data).AsSpan(0, Size);

    /// <summary>A copy of the elements as a new array of <typeparamref name="T"/>.</summary>
    public T[] ToArray<T>()
        where T : unmanaged
        => ReadOnlySpan<T>().ToArray();

    /// <summary>Element <paramref name="flatIndex"/> (row-major) converted to double.</summary>
    public double GetDouble(int flatIndex) => DType switch
    {
        DType.Float64 => ((double[])Data)[flatIndex],
        DType.Float32 => ((float[])Data)[flatIndex],
        DType.Int32 => ((int[])Data)[flatIndex],
        _ => ((bool[])Data)[flatIndex] ? 1.0 : 0.0,
    };

    /// <summary>The same buffer viewed with another shape of equal size (no copy).</summary>
    public NDArray WithShape(Shape shape)
    {
        if (shape.Size != Size)
            throw new ShapeException($"reshape: cannot view {Shape} ({Size} elements) as {shape} ({shape.Size} elements).");
        return new NDArray(DType, shape, Data);
    }

    /// <summary>A short description: dtype, shape and the first values.</summary>
    public override string ToString()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(DType.ShortName()).Append(Shape.ToString()).Append(" [");
        int n = Math.Min(Size, 8);
        for (int i = 0; i < n; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(GetDouble(i).ToString("G6", CultureInfo.InvariantCulture));
        }

        if (Size > n) sb.Append(", …");
        return sb.Append(']').ToString();
    }

    /// <summary>Raw bytes of the elements, for hashing and equality in tests.</summary>
    internal ReadOnlySpan<byte> Bytes => DType switch
    {
        DType.Float64 => MemoryMarshal.AsBytes(ReadOnlySpan<double>()),
        DType.Float32 => MemoryMarshal.AsBytes(ReadOnlySpan<float>()),
        DType.Int32 => MemoryMarshal.AsBytes(ReadOnlySpan<int>()),
        _ => MemoryMarshal.AsBytes(ReadOnlySpan<bool>()),
    };
}
