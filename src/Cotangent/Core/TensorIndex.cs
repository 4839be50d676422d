namespace Cotangent;

/// <summary>What a <see cref="TensorIndex"/> selects.</summary>
public enum TensorIndexKind
{
    /// <summary>One position along an axis (the axis is removed).</summary>
    Int,

    /// <summary>A strided range <c>start:stop:step</c> along an axis (the axis is kept).</summary>
    Slice,

    /// <summary>A new axis of extent 1 (NumPy's <c>None</c> / <c>np.newaxis</c>).</summary>
    NewAxis,

    /// <summary>As many full slices as needed to index every remaining axis (NumPy's <c>...</c>).</summary>
    Ellipsis,

    /// <summary>An int32 index tensor (NumPy advanced integer-array indexing).</summary>
    Array,
}

/// <summary>
/// One item of a NumPy-style index expression <c>x[i, a:b:s, NewAxis, ..., idx]</c>. C# ints, <see cref="Index"/>
/// (<c>^1</c>), <see cref="Range"/> (<c>1..^1</c>) and int32 tensors convert implicitly, so <c>x[0, 1..3, ^1]</c> works.
/// Negative ints count from the end; slice bounds follow Python's rules (clamped to the axis, negative counting
/// from the end, omitted = the natural end for the step's direction).
/// </summary>
public readonly struct TensorIndex : IEquatable<TensorIndex>
{
    private TensorIndex(TensorIndexKind kind, int index, int? start, int? stop, int? step, Tensor? array)
    {
        Kind = kind;
        Index = index;
        Start = start;
        Stop = stop;
        Step = step;
        IndexArray = array;
    }

    /// <summary>What this item selects.</summary>
    public TensorIndexKind Kind { get; }

    /// <summary>The position for <see cref="TensorIndexKind.Int"/> (negative counts from the end).</summary>
    public int Index { get; }

    /// <summary>The slice start, or null for the natural start.</summary>
    public int? Start { get; }

    /// <summary>The slice stop (exclusive), or null for the natural end.</summary>
    public int? Stop { get; }

    /// <summary>The slice step, or null for 1. Never 0.</summary>
    public int? Step { get; }

    /// <summary>The int32 index tensor for <see cref="TensorIndexKind.Array"/>.</summary>
    public Tensor? IndexArray { get; }

    /// <summary>A new axis of extent 1 (<c>np.newaxis</c>).</summary>
    public static TensorIndex NewAxis { get; } = new(TensorIndexKind.NewAxis, 0, null, null, null, null);

    /// <summary>The ellipsis <c>...</c>: full slices for all axes not otherwise indexed.</summary>
    public static TensorIndex Ellipsis { get; } = new(TensorIndexKind.Ellipsis, 0, null, null, null, null);

    /// <summary>The full slice <c>:</c>.</summary>
    public static TensorIndex All { get; } = new(TensorIndexKind.Slice, 0, null, null, null, null);

    /// <summary>A single position (negative counts from the end).</summary>
    public static TensorIndex At(int index) => new(TensorIndexKind.Int, index, null, null, null, null);

    /// <summary>The slice <c>start:stop:step</c>; null parts take Python's defaults.</summary>
    /// <exception cref="ValueException">The step is 0.</exception>
    public static TensorIndex Slice(int? start = null, int? stop = null, int? step = null)
    {
        if (step == 0) throw new ValueException($"slice {start}:{stop}:0: a slice step cannot be zero.");
        return new(TensorIndexKind.Slice, 0, start, stop, step, null);
    }

    /// <summary>Integer-array indexing with an int32 tensor (negative entries count from the end).</summary>
    /// <exception cref="ArgumentNullException">indices is null.</exception>
    public static TensorIndex Take(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return new(TensorIndexKind.Array, 0, null, null, null, indices);
    }

    /// <summary>A single position.</summary>
    public static implicit operator TensorIndex(int index) => At(index);

    /// <summary>A single position; <c>^k</c> is −k.</summary>
    /// <exception cref="IndexBoundsException"><c>^0</c>, which is past the end.</exception>
    public static implicit operator TensorIndex(Index index)
    {
        if (index.IsFromEnd && index.Value == 0) throw new IndexBoundsException("index: ^0 is past the end of the axis and cannot be used as a position.");
        return At(index.IsFromEnd ? -index.Value : index.Value);
    }

    /// <summary>A unit-step slice: <c>a..b</c> is <c>a:b</c>, <c>^k</c> is −k, and <c>^0</c> as the end is the end of the axis.</summary>
    public static implicit operator TensorIndex(Range range)
    {
        int? start = range.Start.IsFromEnd ? (range.Start.Value == 0 ? int.MaxValue : -range.Start.Value) : range.Start.Value;
        int? stop = range.End.IsFromEnd ? (range.End.Value == 0 ? null : -range.End.Value) : range.End.Value;
        return new(TensorIndexKind.Slice, 0, start, stop, null, null);
    }

    /// <summary>Integer-array indexing with an int32 tensor.</summary>
    /// <exception cref="ArgumentNullException">indices is null.</exception>
    public static implicit operator TensorIndex(Tensor indices) => Take(indices);

    /// <inheritdoc/>
    public bool Equals(TensorIndex other) =>
        Kind == other.Kind && Index == other.Index && Start == other.Start && Stop == other.Stop && Step == other.Step && ReferenceEquals(IndexArray, other.IndexArray);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TensorIndex o && Equals(o);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Index, Start, Stop, Step, IndexArray);

    /// <summary>Value equality.</summary>
    public static bool operator ==(TensorIndex a, TensorIndex b) => a.Equals(b);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(TensorIndex a, TensorIndex b) => !a.Equals(b);

    /// <summary>NumPy spelling: <c>3</c>, <c>1:5:2</c>, <c>None</c>, <c>...</c>, or the index tensor's type.</summary>
    public override string ToString() => Kind switch
    {
        TensorIndexKind.Int => Index.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TensorIndexKind.Slice => $"{Start}:{Stop}" + (Step is { } s ? $":{s}" : ""),
        TensorIndexKind.NewAxis => "None",
        TensorIndexKind.Ellipsis => "...",
        _ => $"<{IndexArray!.Aval}>",
    };
}
