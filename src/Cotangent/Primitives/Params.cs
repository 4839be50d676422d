using System.Globalization;
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

    /// <summary>Printed as <c>(0,1)</c>.</summary>
    public override string ToString() => "(" + string.Join(",", (_values ?? []).Select(v => v.ToString(CultureInfo.InvariantCulture))) + ")";
}

/// <summary>Parameters naming a set of axes (reductions, rev).</summary>
/// <param name="Axes">Distinct axes in [0, rank).</param>
public sealed record AxesParams(Ints Axes)
{
    /// <inheritdoc/>
    public override string ToString() => $"axes={Axes}";
}

/// <summary>Parameters naming one axis (argmax, concatenate, gather).</summary>
/// <param name="Axis">The axis in [0, rank).</param>
public sealed record AxisParams(int Axis)
{
    /// <inheritdoc/>
    public override string ToString() => $"axis={Axis}";
}

/// <summary>Cumulative sum parameters.</summary>
/// <param name="Axis">The axis.</param>
/// <param name="Reverse">Accumulate from the end.</param>
public sealed record CumSumParams(int Axis, bool Reverse)
{
    /// <inheritdoc/>
    public override string ToString() => Reverse ? $"axis={Axis} reverse=True" : $"axis={Axis}";
}

/// <summary>A target shape (reshape).</summary>
/// <param name="Shape">The new shape.</param>
public sealed record ShapeParams(Shape Shape)
{
    /// <inheritdoc/>
    public override string ToString() => $"new_sizes={Shape}";
}

/// <summary>An axis permutation (transpose).</summary>
/// <param name="Permutation">Result axis i is input axis Permutation[i].</param>
public sealed record PermutationParams(Ints Permutation)
{
    /// <inheritdoc/>
    public override string ToString() => $"permutation={Permutation}";
}

/// <summary>broadcast_in_dim parameters.</summary>
/// <param name="Shape">The result shape.</param>
/// <param name="BroadcastDimensions">Result axis of each operand axis (strictly increasing).</param>
public sealed record BroadcastParams(Shape Shape, Ints BroadcastDimensions)
{
    /// <inheritdoc/>
    public override string ToString() => $"shape={Shape} broadcast_dimensions={BroadcastDimensions}";
}

/// <summary>Strided slice bounds.</summary>
/// <param name="Start">First index per axis.</param>
/// <param name="Limit">Exclusive end per axis.</param>
/// <param name="Strides">Step per axis (≥ 1).</param>
public sealed record SliceParams(Ints Start, Ints Limit, Ints Strides)
{
    /// <inheritdoc/>
    public override string ToString() => $"start_indices={Start} limit_indices={Limit} strides={Strides}";
}

/// <summary>Padding per axis.</summary>
/// <param name="Low">Elements added before.</param>
/// <param name="High">Elements added after.</param>
/// <param name="Interior">Elements added between neighbours.</param>
public sealed record PadParams(Ints Low, Ints High, Ints Interior)
{
    /// <inheritdoc/>
    public override string ToString() => $"low={Low} high={High} interior={Interior}";
}

/// <summary>dynamic_slice sizes.</summary>
/// <param name="Sizes">Extent of the slice per axis.</param>
public sealed record SizesParams(Ints Sizes)
{
    /// <inheritdoc/>
    public override string ToString() => $"slice_sizes={Sizes}";
}

/// <summary>convert_element_type target.</summary>
/// <param name="DType">The new element type.</param>
public sealed record ConvertParams(DType DType)
{
    /// <inheritdoc/>
    public override string ToString() => $"new_dtype={DType.ShortName()}";
}

/// <summary>iota parameters.</summary>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Result shape.</param>
/// <param name="Dimension">The axis whose index is the value.</param>
public sealed record IotaParams(DType DType, Shape Shape, int Dimension)
{
    /// <inheritdoc/>
    public override string ToString() => $"dtype={DType.ShortName()} shape={Shape} dimension={Dimension}";
}

/// <summary>dot_general dimension numbers.</summary>
/// <param name="ContractLhs">Contracted lhs axes.</param>
/// <param name="ContractRhs">Contracted rhs axes (pairwise with lhs).</param>
/// <param name="BatchLhs">Batch lhs axes.</param>
/// <param name="BatchRhs">Batch rhs axes.</param>
public sealed record DotParams(Ints ContractLhs, Ints ContractRhs, Ints BatchLhs, Ints BatchRhs)
{
    /// <inheritdoc/>
    public override string ToString() => $"dimension_numbers=(({ContractLhs}, {ContractRhs}), ({BatchLhs}, {BatchRhs}))";
}

/// <summary>triangular_solve parameters (JAX's lax.linalg.triangular_solve).</summary>
/// <param name="Left">Solve op(A)·X = B; false: X·op(A) = B.</param>
/// <param name="Lower">A is lower triangular (only that triangle is read).</param>
/// <param name="TransposeA">op(A) = Aᵀ.</param>
/// <param name="UnitDiagonal">The diagonal of A is taken as ones and not read.</param>
public sealed record TriangularSolveParams(bool Left, bool Lower, bool TransposeA, bool UnitDiagonal)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"left_side={(Left ? "True" : "False")} lower={(Lower ? "True" : "False")} transpose_a={(TransposeA ? "True" : "False")} unit_diagonal={(UnitDiagonal ? "True" : "False")}";
}
