using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent;

// Reductions. `axes` null reduces every axis; negative axes count from the end; keepDims keeps the
// reduced axes with extent 1 so the result broadcasts against the input.
public static partial class Np
{
    /// <summary>Σᵢ xᵢ over <paramref name="axes"/> (all when null).</summary>
    /// <exception cref="AxisException">An axis is out of range or repeated.</exception>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor Sum(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        var ax = AxisHelpers.NormalizeMany(axes, x.Rank, "sum");
        return Finish(Lax.ReduceSum(x, ax), x, ax, keepDims);
    }

    /// <summary>Σ over one axis.</summary>
    public static Tensor Sum(Tensor x, int axis, bool keepDims = false) => Sum(x, [axis], keepDims);

    /// <summary>
    /// The mean (1/N) Σᵢ xᵢ over <paramref name="axes"/>, N the number of reduced elements. An int32 input is
    /// converted to float64 first (as in NumPy).
    /// </summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor Mean(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        x = ToFloat(x, "mean");
        var ax = AxisHelpers.NormalizeMany(axes, x.Rank, "mean");
        int n = AxisHelpers.Count(x.Shape, ax);
        return Lax.Div(Sum(x, ax, keepDims), W(n, x));
    }

    /// <summary>The mean over one axis.</summary>
    public static Tensor Mean(Tensor x, int axis, bool keepDims = false) => Mean(x, [axis], keepDims);

    /// <summary>The variance (1/(N − ddof)) Σᵢ (xᵢ − x̄)² over <paramref name="axes"/>, by the corrected two-pass algorithm.</summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor Var(Tensor x, int[]? axes = null, int ddof = 0, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        x = ToFloat(x, "var");
        var ax = AxisHelpers.NormalizeMany(axes, x.Rank, "var");
        int n = AxisHelpers.Count(x.Shape, ax);
        // Corrected two-pass (Chan, Golub, LeVeque): Σd² − (Σd)²/n with d = x − x̄. The second term removes the
        // error of a rounded mean exactly (with f32 x̄ near 10⁷ the mean itself is only good to ±½).
        var d = Lax.Sub(x, Mean(x, ax, keepDims: true));
        var s1 = Sum(d, ax, keepDims);
        var s2 = Sum(Lax.Mul(d, d), ax, keepDims);
        return Lax.Div(Lax.Sub(s2, Lax.Div(Lax.Mul(s1, s1), W(n, x))), W(n - ddof, x));
    }

    /// <summary>The variance over one axis.</summary>
    public static Tensor Var(Tensor x, int axis, int ddof = 0, bool keepDims = false) => Var(x, [axis], ddof, keepDims);

    /// <summary>The standard deviation √Var(x).</summary>
    public static Tensor Std(Tensor x, int[]? axes = null, int ddof = 0, bool keepDims = false) => Lax.Sqrt(Var(x, axes, ddof, keepDims));

    /// <summary>The standard deviation over one axis.</summary>
    public static Tensor Std(Tensor x, int axis, int ddof = 0, bool keepDims = false) => Std(x, [axis], ddof, keepDims);

    /// <summary>maxᵢ xᵢ over <paramref name="axes"/> (all when null).</summary>
    /// <exception cref="ShapeException">A reduced axis is empty.</exception>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor Max(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        var ax = AxisHelpers.NormalizeMany(axes, x.Rank, "max");
        CheckNonEmpty(x, ax, "max");
        return Finish(Lax.ReduceMax(x, ax), x, ax, keepDims);
    }

    /// <summary>The maximum over one axis.</summary>
    public static Tensor Max(Tensor x, int axis, bool keepDims = false) => Max(x, [axis], keepDims);

    /// <summary>minᵢ xᵢ over <paramref name="axes"/> (all when null).</summary>
    /// <exception cref="ShapeException">A reduced axis is empty.</exception>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor Min(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        var ax = AxisHelpers.NormalizeMany(axes, x.Rank, "min");
        CheckNonEmpty(x, ax, "min");
        return Finish(Lax.ReduceMin(x, ax), x, ax, keepDims);
    }

    /// <summary>The minimum over one axis.</summary>
    public static Tensor Min(Tensor x, int axis, bool keepDims = false) => Min(x, [axis], keepDims);

    /// <summary>Πᵢ xᵢ over <paramref name="axes"/> (all when null).</summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor Prod(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        var ax = AxisHelpers.NormalizeMany(axes, x.Rank, "prod");
        return Finish(Lax.ReduceProd(x, ax), x, ax, keepDims);
    }

    /// <summary>The product over one axis.</summary>
    public static Tensor Prod(Tensor x, int axis, bool keepDims = false) => Prod(x, [axis], keepDims);

    /// <summary>The int32 index of the first maximum along <paramref name="axis"/>, or in the flattened tensor when null.</summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor ArgMax(Tensor x, int? axis = null, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        return ArgReduce(x, axis, keepDims, max: true);
    }

    /// <summary>The int32 index of the first minimum along <paramref name="axis"/>, or in the flattened tensor when null.</summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor ArgMin(Tensor x, int? axis = null, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        return ArgReduce(x, axis, keepDims, max: false);
    }

    /// <summary>
    /// log Σᵢ exp xᵢ over <paramref name="axes"/>, computed stably as m + log Σᵢ exp(xᵢ − m) with m the maximum
    /// (replaced by 0 where it is infinite, so all −∞ inputs give −∞ rather than NaN).
    /// </summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor LogSumExp(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        var ax = AxisHelpers.NormalizeMany(axes, x.Rank, "logsumexp");
        CheckNonEmpty(x, ax, "logsumexp");
        // m + log Σ exp(x − m) does not depend on m, so m is a constant for differentiation (stop_gradient).
        var m = FiniteOrZero(Max(Lax.StopGradient(x), ax, keepDims: true));
        var s = Lax.Log(Sum(Lax.Exp(Lax.Sub(x, m)), ax, keepDims: true));
        var r = Lax.Add(s, m);
        return keepDims ? r : Lax.Reshape(r, Lax.RemoveAxes(x.Shape, ax));
    }

    /// <summary>log Σ exp over one axis.</summary>
    public static Tensor LogSumExp(Tensor x, int axis, bool keepDims = false) => LogSumExp(x, [axis], keepDims);

    /// <summary>
    /// The cumulative sum yᵢ = Σ_{j ≤ i} xⱼ along <paramref name="axis"/> (over the flattened tensor when null).
    /// With <paramref name="reverse"/>, yᵢ = Σ_{j ≥ i} xⱼ.
    /// </summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor CumSum(Tensor x, int? axis = null, bool reverse = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (axis is null) return x.Rank == 0 ? Lax.Reshape(x, Shape.Of(1)) : Lax.CumSum(Ravel(x), 0, reverse);
        return Lax.CumSum(x, AxisHelpers.Normalize(axis.Value, x.Rank, "cumsum"), reverse);
    }

    /// <summary>True when every element of the bool tensor is true over <paramref name="axes"/> (an empty reduction is true).</summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor All(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        RequireBool(x, "all");
        var ax = AxisHelpers.NormalizeMany(axes, x.Rank, "all");
        var falses = Sum(Lax.Convert(Lax.Not(x), DType.Int32), ax, keepDims);
        return Lax.Eq(falses, ScalarOf(0, DType.Int32));
    }

    /// <summary>True when some element of the bool tensor is true over <paramref name="axes"/> (an empty reduction is false).</summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor Any(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        RequireBool(x, "any");
        var ax = AxisHelpers.NormalizeMany(axes, x.Rank, "any");
        var trues = Sum(Lax.Convert(x, DType.Int32), ax, keepDims);
        return Lax.Gt(trues, ScalarOf(0, DType.Int32));
    }

    /// <summary>The number of true elements (int32) over <paramref name="axes"/>.</summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor CountNonzero(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        var mask = x.DType == DType.Bool ? x : Lax.Ne(x, W(0, x));
        return Sum(Lax.Convert(mask, DType.Int32), axes, keepDims);
    }

    private static Tensor ScalarOf(double value, DType dtype) => Core.ScalarCache.Get(value, dtype);

    private static void RequireBool(Tensor x, string op)
    {
        if (x.DType != DType.Bool) throw new DTypeException($"{op}: expected a bool tensor, got {x.DType.ShortName()}{x.Shape}; compare with a value first.");
    }

    private static Tensor ToFloat(Tensor x, string op) => x.DType switch
    {
        DType.Float64 or DType.Float32 => x,
        DType.Int32 => Lax.Convert(x, DType.Float64),
        _ => throw new DTypeException($"{op}: bool tensors are not supported; convert with AsType first."),
    };

    private static Tensor FiniteOrZero(Tensor m) => Lax.Select(IsFinite(m), m, W(0, m));

    private static void CheckNonEmpty(Tensor x, int[] axes, string op)
    {
        foreach (var a in axes)
            if (x.Shape[a] == 0) throw new ShapeException($"{op}: cannot reduce the empty axis {a} of shape {x.Shape} (the reduction has no identity).");
    }

    /// <summary>Re-inserts reduced axes as extent 1 when <paramref name="keepDims"/>.</summary>
    private static Tensor Finish(Tensor reduced, Tensor x, int[] axes, bool keepDims) =>
        keepDims ? Lax.Reshape(reduced, AxisHelpers.KeepDimsShape(x.Shape, axes)) : reduced;

    private static Tensor ArgReduce(Tensor x, int? axis, bool keepDims, bool max)
    {
        string op = max ? "argmax" : "argmin";
        if (axis is null)
        {
            if (x.Size == 0) throw new ShapeException($"{op}: attempt to get the {op} of an empty tensor {x.Shape}.");
            var flat = Lax.Reshape(x, Shape.Of(x.Size));
            var r = max ? Lax.ArgMax(flat, 0) : Lax.ArgMin(flat, 0);
            return keepDims ? Lax.Reshape(r, AxisHelpers.KeepDimsShape(x.Shape, AxisHelpers.Iota(x.Rank))) : r;
        }

        int a = AxisHelpers.Normalize(axis.Value, x.Rank, op);
        var result = max ? Lax.ArgMax(x, a) : Lax.ArgMin(x, a);
        return keepDims ? Lax.Reshape(result, AxisHelpers.KeepDimsShape(x.Shape, [a])) : result;
    }

    /// <summary>
    /// Whether x and y have the same shape, dtype and elements (NumPy's <c>array_equal</c>; NaN equals nothing). A C# bool,
    /// so it needs concrete values; use it where you might have written <c>x == y</c>, which is elementwise.
    /// </summary>
    /// <exception cref="ArgumentNullException">x or y is null.</exception>
    /// <exception cref="ConcretizationException">x or y is an abstract tracer.</exception>
    public static bool ArrayEqual(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return x.Shape == y.Shape && x.DType == y.DType && All(Equal(x, y)).ToArray<bool>()[0];
    }

    /// <summary>
    /// Whether |x − y| ≤ atol + rtol·|y| everywhere, broadcasting (NumPy's <c>allclose</c>; NaN is close to nothing).
    /// A C# bool, so it needs concrete values.
    /// </summary>
    /// <exception cref="ArgumentNullException">x or y is null.</exception>
    /// <exception cref="DTypeException">x and y have different dtypes.</exception>
    /// <exception cref="ShapeException">x and y do not broadcast.</exception>
    public static bool AllClose(Tensor x, Tensor y, double rtol = 1e-5, double atol = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return All(LessEqual(Abs(x - y), (Abs(y) * rtol) + atol)).ToArray<bool>()[0];
    }
}
