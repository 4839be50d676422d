using System.Globalization;
using Cotangent.Core;
using Cotangent.Runtime;

namespace Cotangent.Primitives;

/// <summary>An immutable list of ints with value equality, for primitive parameters (axes, permutations, bounds).</summary>
public readonly struct Ints : IEquatable<Ints>
{
    private readonly int[]? _values;

    /// <summary>Wraps a copy of <paramref name="values"/>.</summary>
    public Ints(ReadOnlySpan<int> values) => _values = values.ToArray();

    private Ints(int[] values, bool _) => _values = values;

    /// <summary>Wraps an array the caller never mutates again.</summary>
    internal static Ints Own(int[] values) => new(values, true);

    /// <summary>The values.</summary>
    public ReadOnlySpan<int> Span => _values;

    /// <summary>Number of values.</summary>
    public int Length => _values?.Length ?? 0;

    /// <summary>Value at <paramref name="i"/>.</summary>
    public int this[int i] => _values![i];

    /// <summary>True when <paramref name="value"/> is in the list.</summary>
    public bool Contains(int value) => Span.Contains(value);

    /// <summary>A copy as an array.</summary>
    public int[] ToArray() => Span.ToArray();

    /// <inheritdoc/>
    public bool Equals(Ints other) => Span.SequenceEqual(other.Span);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Ints o && Equals(o);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var v in Span) h.Add(v);
        return h.ToHashCode();
    }

    /// <summary>Value equality.</summary>
    public static bool operator ==(Ints a, Ints b) => a.Equals(b);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(Ints a, Ints b) => !a.Equals(b);

    /// <summary>Wraps values read from program text.</summary>
    internal static Ints Read(int[] values) => new(values, true);

    /// <summary>Printed as <c>(0,1)</c>.</summary>
    public override string ToString() => "(" + string.Join(",", (_values ?? []).Select(v => v.ToString(CultureInfo.InvariantCulture))) + ")";
}

/// <summary>Parameters naming a set of axes (reductions, rev).</summary>
/// <param name="Axes">Distinct axes in [0, rank).</param>
public sealed record AxesParams(Ints Axes) : Params, IParams<AxesParams>
{
    /// <inheritdoc/>
    public override void Write(ParamWriter writer) => writer.Ints("axes", Axes.Span);

    /// <inheritdoc/>
    public static AxesParams Read(ParamReader reader) => new(Ints.Read(reader.Ints("axes")));
}

/// <summary>Parameters naming one axis (argmax, concatenate, gather).</summary>
/// <param name="Axis">The axis in [0, rank).</param>
public sealed record AxisParams(int Axis) : Params, IParams<AxisParams>
{
    /// <inheritdoc/>
    public override void Write(ParamWriter writer) => writer.Int("axis", Axis);

    /// <inheritdoc/>
    public static AxisParams Read(ParamReader reader) => new(reader.Int("axis"));
}

/// <summary>Cumulative sum parameters.</summary>
/// <param name="Axis">The axis.</param>
/// <param name="Reverse">Accumulate from the end.</param>
public sealed record CumSumParams(int Axis, bool Reverse) : Params, IParams<CumSumParams>
{
    /// <inheritdoc/>
    public override void Write(ParamWriter writer)
    {
        writer.Int("axis", Axis);
        writer.Bool("reverse", Reverse);
    }

    /// <inheritdoc/>
    public static CumSumParams Read(ParamReader reader) => new(reader.Int("axis"), reader.Bool("reverse"));
}

/// <summary>A target shape (reshape).</summary>
/// <param name="Shape">The new shape.</param>
public sealed record ShapeParams(Shape Shape) : Params, IParams<ShapeParams>
{
    /// <inheritdoc/>
    public override void Write(ParamWriter writer) => writer.Shape("new_sizes", Shape);

    /// <inheritdoc/>
    public static ShapeParams Read(ParamReader reader) => new(reader.Shape("new_sizes"));
}

/// <summary>An axis permutation (transpose).</summary>
/// <param name="Permutation">Result axis i is input axis Permutation[i].</param>
public sealed record PermutationParams(Ints Permutation) : Params, IParams<PermutationParams>
{
    /// <inheritdoc/>
    public override void Write(ParamWriter writer) => writer.Ints("permutation", Permutation.Span);

    /// <inheritdoc/>
    public static PermutationParams Read(ParamReader reader) => new(Ints.Read(reader.Ints("permutation")));
}

/// <summary>broadcast_in_dim parameters.</summary>
/// <param name="Shape">The result shape.</param>
/// <param name="BroadcastDimensions">Result axis of each operand axis (strictly increasing).</param>
public sealed record BroadcastParams(Shape Shape, Ints BroadcastDimensions) : Params, IParams<BroadcastParams>
{
    /// <inheritdoc/>
    public override void Write(ParamWriter writer)
    {
        writer.Shape("shape", Shape);
        writer.Ints("broadcast_dimensions", BroadcastDimensions.Span);
    }

    /// <inheritdoc/>
    public static BroadcastParams Read(ParamReader reader) => new(reader.Shape("shape"), Ints.Read(reader.Ints("broadcast_dimensions")));
}

/// <summary>Strided slice bounds.</summary>
/// <param name="Start">First index per axis.</param>
/// <param name="Limit">Exclusive end per axis.</param>
/// <param name="Strides">Step per axis (≥ 1).</param>
public sealed record SliceParams(Ints Start, Ints Limit, Ints Strides) : Params, IParams<SliceParams>
{
    /// <inheritdoc/>
    public override void Write(ParamWriter writer)
    {
        writer.Ints("start_indices", Start.Span);
        writer.Ints("limit_indices", Limit.Span);
        writer.Ints("strides", Strides.Span);
    }

    /// <inheritdoc/>
    public static SliceParams Read(ParamReader reader) =>
        new(Ints.Read(reader.Ints("start_indices")), Ints.Read(reader.Ints("limit_indices")), Ints.Read(reader.Ints("strides")));
}

/// <summary>Padding per axis.</summary>
/// <param name="Low">Elements added before.</param>
/// <param name="High">Elements added after.</param>
/// <param name="Interior">Elements added between neighbours.</param>
public sealed record PadParams(Ints Low, Ints High, Ints Interior) : Params, IParams<PadParams>
{
    /// <inheritdoc/>
    public override void Write(ParamWriter writer)
    {
        writer.Ints("low", Low.Span);
        writer.Ints("high", High.Span);
        writer.Ints("interior", Interior.Span);
    }

    /// <inheritdoc/>
    public static PadParams Read(ParamReader reader) =>
        new(Ints.Read(reader.Ints("low")), Ints.Read(reader.Ints("high")), Ints.Read(reader.Ints("interior")));
}

/// <summary>dynamic_slice sizes.</summary>
/// <param name="Sizes">Extent of the slice per axis.</param>
public sealed record SizesParams(Ints Sizes) : Params, IParams<SizesParams>
{
    /// <inheritdoc/>
    public override void Write(ParamWriter writer) => writer.Ints("slice_sizes", Sizes.Span);

    /// <inheritdoc/>
    public static SizesParams Read(ParamReader reader) => new(Ints.Read(reader.Ints("slice_sizes")));
}

/// <summary>split sizes: the extents of the pieces along the axis.</summary>
/// <param name="Sizes">Extent of each piece; they sum to the operand's extent on <paramref name="Axis"/>.</param>
/// <param name="Axis">The axis split.</param>
public sealed record SplitParams(Ints Sizes, int Axis) : Params, IParams<SplitParams>
{
    /// <inheritdoc/>
    public override void Write(ParamWriter writer)
    {
        writer.Ints("sizes", Sizes.Span);
        writer.Int("axis", Axis);
    }

    /// <inheritdoc/>
    public static SplitParams Read(ParamReader reader) => new(Ints.Read(reader.Ints("sizes")), reader.Int("axis"));
}

/// <summary>convert_element_type target.</summary>
/// <param name="DType">The new element type.</param>
public sealed record ConvertParams(DType DType) : Params, IParams<ConvertParams>
{
    /// <inheritdoc/>
    public override void Write(ParamWriter writer) => writer.DType("new_dtype", DType);

    /// <inheritdoc/>
    public static ConvertParams Read(ParamReader reader) => new(reader.DType("new_dtype"));
}

/// <summary>iota parameters.</summary>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Result shape.</param>
/// <param name="Dimension">The axis whose index is the value.</param>
public sealed record IotaParams(DType DType, Shape Shape, int Dimension) : Params, IParams<IotaParams>
{
    /// <inheritdoc/>
    public override void Write(ParamWriter writer)
    {
        writer.DType("dtype", DType);
        writer.Shape("shape", Shape);
        writer.Int("dimension", Dimension);
    }

    /// <inheritdoc/>
    public static IotaParams Read(ParamReader reader) => new(reader.DType("dtype"), reader.Shape("shape"), reader.Int("dimension"));
}

/// <summary>dot_general dimension numbers.</summary>
/// <param name="ContractLhs">Contracted lhs axes.</param>
/// <param name="ContractRhs">Contracted rhs axes (pairwise with lhs).</param>
/// <param name="BatchLhs">Batch lhs axes.</param>
/// <param name="BatchRhs">Batch rhs axes.</param>
public sealed record DotParams(Ints ContractLhs, Ints ContractRhs, Ints BatchLhs, Ints BatchRhs) : Params, IParams<DotParams>
{
    /// <inheritdoc/>
    public override void Write(ParamWriter writer)
    {
        writer.Ints("lhs_contracting", ContractLhs.Span);
        writer.Ints("rhs_contracting", ContractRhs.Span);
        writer.Ints("lhs_batch", BatchLhs.Span);
        writer.Ints("rhs_batch", BatchRhs.Span);
    }

    /// <inheritdoc/>
    public static DotParams Read(ParamReader reader) =>
        new(Ints.Read(reader.Ints("lhs_contracting")), Ints.Read(reader.Ints("rhs_contracting")), Ints.Read(reader.Ints("lhs_batch")), Ints.Read(reader.Ints("rhs_batch")));
}

/// <summary>triangular_solve parameters (JAX's lax.linalg.triangular_solve).</summary>
/// <param name="Left">Solve op(A)·X = B; false: X·op(A) = B.</param>
/// <param name="Lower">A is lower triangular (only that triangle is read).</param>
/// <param name="TransposeA">op(A) = Aᵀ.</param>
/// <param name="UnitDiagonal">The diagonal of A is taken as ones and not read.</param>
public sealed record TriangularSolveParams(bool Left, bool Lower, bool TransposeA, bool UnitDiagonal) : Params, IParams<TriangularSolveParams>
{
    /// <inheritdoc/>
    public override void Write(ParamWriter writer)
    {
        writer.Bool("left_side", Left);
        writer.Bool("lower", Lower);
        writer.Bool("transpose_a", TransposeA);
        writer.Bool("unit_diagonal", UnitDiagonal);
    }

    /// <inheritdoc/>
    public static TriangularSolveParams Read(ParamReader reader) =>
        new(reader.Bool("left_side"), reader.Bool("lower"), reader.Bool("transpose_a"), reader.Bool("unit_diagonal"));
}

/// <summary>qr mode.</summary>
/// <param name="Complete">Complete mode (square Q); false: reduced (NumPy's default).</param>
public sealed record QrParams(bool Complete) : Params, IParams<QrParams>
{
    /// <inheritdoc/>
    public override void Write(ParamWriter writer) => writer.Bool("full_matrices", Complete);

    /// <inheritdoc/>
    public static QrParams Read(ParamReader reader) => new(reader.Bool("full_matrices"));
}
