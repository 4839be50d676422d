using System.Text;

namespace Cotangent.Runtime;

/// <summary>
/// An immutable array shape: the extent of each dimension, row-major. Rank 0 is a scalar; zero-size
/// dimensions are allowed. Shapes compare by value, so they can key caches.
/// </summary>
public sealed class Shape : IEquatable<Shape>
{
    private readonly int[] _dims;
    private int[]? _strides;

    /// <summary>The rank-0 shape of a scalar.</summary>
    public static Shape Scalar { get; } = new([], 1);

    private Shape(int[] dims, int size)
    {
        _dims = dims;
        Size = size;
    }

    /// <summary>
    /// Creates a shape from dimension extents (copied). Each extent must be non-negative, and the element count
    /// must fit an int; a shape with a zero extent has no elements, however large its other extents.
    /// </summary>
    /// <exception cref="ShapeException">An extent is negative or the element count exceeds <see cref="int.MaxValue"/>.</exception>
    public static Shape Of(params ReadOnlySpan<int> dims)
    {
        if (dims.Length == 0) return Scalar;
        bool empty = false;
        foreach (var d in dims)
        {
            if (d < 0) throw new ShapeException($"Shape {Format(dims)} has a negative dimension.");
            empty |= d == 0;
        }

        // Only the product of non-zero extents can overflow, and only when it is the element count.
        long size = empty ? 0 : 1;
        for (int i = 0; i < dims.Length && !empty; i++)
        {
            size *= dims[i];
            if (size > int.MaxValue) throw new ShapeException($"Shape {Format(dims)} has {TotalSize(dims)} elements, more than {int.MaxValue}.");
        }

        return new Shape(dims.ToArray(), (int)size);
    }

    /// <summary>The exact element count as text (it may exceed any integer type).</summary>
    private static string TotalSize(ReadOnlySpan<int> dims)
    {
        var n = System.Numerics.BigInteger.One;
        foreach (var d in dims) n *= d;
        return n.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Wraps an array the caller promises never to mutate again (no copy).</summary>
    internal static Shape Wrap(int[] dims)
    {
        if (dims.Length == 0) return Scalar;
        return Of(dims);
    }

    /// <summary>Number of dimensions.</summary>
    public int Rank => _dims.Length;

    /// <summary>Total number of elements (1 for a scalar).</summary>
    public int Size { get; }

    /// <summary>The extent of dimension <paramref name="axis"/> (0 ≤ axis &lt; <see cref="Rank"/>).</summary>
    /// <exception cref="AxisException">The axis is outside [0, rank).</exception>
    public int this[int axis] => (uint)axis < (uint)_dims.Length
        ? _dims[axis]
        : throw new AxisException($"Shape {this} has rank {Rank}: axis {axis} is out of range; valid axes are 0..{Rank - 1}.");

    /// <summary>The extents as a read-only span.</summary>
    public ReadOnlySpan<int> Dims => _dims;

    /// <summary>The extents as a new array.</summary>
    public int[] ToArray() => (int[])_dims.Clone();

    /// <summary>Row-major element strides (stride of the last axis is 1). Cached; do not mutate.</summary>
    public ReadOnlySpan<int> Strides
    {
        get
        {
            if (_strides is null)
            {
                var s = new int[_dims.Length];
                long acc = 1;
                for (int i = _dims.Length - 1; i >= 0; i--)
                {
                    // Only an empty shape's strides can exceed an int; no element is ever addressed through them.
                    s[i] = (int)Math.Min(acc, int.MaxValue);
                    acc = Math.Min(acc * _dims[i], int.MaxValue);
                }

                _strides = s;
            }

            return _strides;
        }
    }

    /// <summary>Normalizes a possibly negative axis into [0, rank).</summary>
    /// <exception cref="AxisException">The axis is outside [-rank, rank).</exception>
    public int NormalizeAxis(int axis, string operation)
    {
        int r = Rank;
        if (axis < -r || axis >= r)
            throw new AxisException($"{operation}: axis {axis} is out of range for an array of rank {r} (shape {this}); valid axes are {-r}..{r - 1}.");
        return axis < 0 ? axis + r : axis;
    }

    /// <inheritdoc/>
    public bool Equals(Shape? other)
    {
        if (ReferenceEquals(this, other)) return true;
        return other is not null && _dims.AsSpan().SequenceEqual(other._dims);
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Shape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in _dims) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>Value equality.</summary>
    public static bool operator ==(Shape? a, Shape? b) => a is null ? b is null : a.Equals(b);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(Shape? a, Shape? b) => !(a == b);

    /// <summary>Formats as <c>(2, 3)</c>; a scalar is <c>()</c>.</summary>
    public override string ToString() => Format(_dims);

    /// <summary>Formats dimensions the way <see cref="ToString"/> does.</summary>
    public static string Format(ReadOnlySpan<int> dims)
    {
        var sb = new StringBuilder("(");
        for (int i = 0; i < dims.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(dims[i]);
        }

        if (dims.Length == 1) sb.Append(',');
        return sb.Append(')').ToString();
    }

    /// <summary>The NumPy broadcast of two shapes (trailing dimensions aligned, 1 stretches).</summary>
    /// <exception cref="ShapeException">The shapes do not broadcast.</exception>
    public static Shape Broadcast(Shape a, Shape b, string operation)
    {
        if (a.Equals(b)) return a;
        int r = Math.Max(a.Rank, b.Rank);
        var dims = new int[r];
        for (int i = 0; i < r; i++)
        {
            int da = i - (r - a.Rank) >= 0 ? a[i - (r - a.Rank)] : 1;
            int db = i - (r - b.Rank) >= 0 ? b[i - (r - b.Rank)] : 1;
            if (da == db || db == 1) dims[i] = da;
            else if (da == 1) dims[i] = db;
            else throw new ShapeException($"{operation}: shapes {a} and {b} do not broadcast (dimension {i} of the result: {da} vs {db}).");
        }

        return Wrap(dims);
    }

    /// <summary>Element strides of <paramref name="source"/> viewed as broadcast to <paramref name="target"/>: 0 on stretched axes.</summary>
    public static int[] BroadcastStrides(Shape source, Shape target)
    {
        var result = new int[target.Rank];
        var s = source.Strides;
        int offset = target.Rank - source.Rank;
        // A size-1 source axis always reads index 0, so stride 0 both stretches it and is harmless when not stretched.
        for (int i = 0; i < source.Rank; i++)
            result[i + offset] = source[i] == 1 ? 0 : s[i];
        return result;
    }
}
