using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent;

// Neural-network helpers, composed stably.
public static partial class Np
{
    private const double Sqrt2OverPi = 0.79788456080286535588;
    private const double InvSqrt2 = 0.70710678118654752440;

    /// <summary>
    /// softmax(x)ᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m) along <paramref name="axis"/>, with m = maxⱼ xⱼ subtracted for
    /// stability (the result does not depend on m, so gradients through m cancel).
    /// </summary>
    public static Tensor Softmax(Tensor x, int axis = -1) => Softmax(x, [axis]);

    /// <summary>softmax over several axes jointly.</summary>
    /// <exception cref="ArgumentNullException">axes is null.</exception>
    public static Tensor Softmax(Tensor x, int[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        ArgumentNullException.ThrowIfNull(x);
        var ax = AxisHelpers.NormalizeMany(axes, x.Rank, "softmax");
        var e = Lax.Exp(Shifted(x, ax));
        return Lax.Div(e, Sum(e, ax, keepDims: true));
    }

    /// <summary>log softmax(x)ᵢ = (xᵢ − m) − log Σⱼ exp(xⱼ − m) along <paramref name="axis"/>, m the maximum.</summary>
    public static Tensor LogSoftmax(Tensor x, int axis = -1) => LogSoftmax(x, [axis]);

    /// <summary>log softmax over several axes jointly.</summary>
    /// <exception cref="ArgumentNullException">axes is null.</exception>
    public static Tensor LogSoftmax(Tensor x, int[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        ArgumentNullException.ThrowIfNull(x);
        var ax = AxisHelpers.NormalizeMany(axes, x.Rank, "log_softmax");
        var shifted = Shifted(x, ax);
        return Lax.Sub(shifted, Lax.Log(Sum(Lax.Exp(shifted), ax, keepDims: true)));
    }

    /// <summary>
    /// x − max(x) over the axes (the maximum replaced by 0 where it is infinite). An empty tensor is returned as is:
    /// the maximum of an empty axis does not exist, and the result, like NumPy's and JAX's, is empty anyway.
    /// </summary>
    /// <remarks>The maximum is taken of stop_gradient(x): the result does not depend on the shift (its derivative through
    /// it is −1 + Σ softmax = 0), so differentiating the maximum would only add rounding and work (as JAX does).</remarks>
    private static Tensor Shifted(Tensor x, int[] axes) => x.Size == 0 ? x : Lax.Sub(x, FiniteOrZero(Max(Lax.StopGradient(x), axes, keepDims: true)));

    /// <summary>
    /// GELU. Approximate (the default, as in JAX): ½x(1 + tanh(√(2/π)(x + 0.044715x³))); exact: ½x·erfc(−x/√2) = ½x(1 + erf(x/√2)).
    /// </summary>
    public static Tensor Gelu(Tensor x, bool approximate = true)
    {
        var half = Lax.Mul(x, W(0.5, x));
        // Exact: ½x·erfc(−x/√2) (as JAX): 1 + erf(x/√2) would cancel to 0 for x below about −6.
        if (!approximate) return Lax.Mul(half, Lax.Erfc(Lax.Mul(x, W(-InvSqrt2, x))));
        var cube = Lax.Mul(Lax.Mul(x, x), x);
        var inner = Lax.Mul(W(Sqrt2OverPi, x), Lax.Add(x, Lax.Mul(W(0.044715, x), cube)));
        return Lax.Mul(half, Lax.Add(W(1, x), Lax.Tanh(inner)));
    }

    /// <summary>SiLU / swish: x · σ(x).</summary>
    public static Tensor Silu(Tensor x) => Lax.Mul(x, Lax.Logistic(x));

    /// <summary>Leaky ReLU: x for x ≥ 0, α·x otherwise.</summary>
    public static Tensor LeakyRelu(Tensor x, double negativeSlope = 0.01) => Lax.Select(Lax.Ge(x, W(0, x)), x, Lax.Mul(x, W(negativeSlope, x)));

    /// <summary>ELU: x for x &gt; 0, α(eˣ − 1) otherwise (eˣ − 1 evaluated on min(x, 0) so it never overflows).</summary>
    public static Tensor Elu(Tensor x, double alpha = 1)
    {
        // α·expm1 of (x > 0 ? 0 : x): a select, not min(x, 0), whose tie at 0 would halve the slope (JAX: elu′(0) = α).
        var positive = Lax.Gt(x, W(0, x));
        var neg = Lax.Mul(W(alpha, x), Lax.Expm1(Lax.Select(positive, W(0, x), x)));
        return Lax.Select(positive, x, neg);
    }

    /// <summary>log σ(x) = −softplus(−x), stable for large |x|.</summary>
    public static Tensor LogSigmoid(Tensor x) => Lax.Neg(Softplus(Lax.Neg(x)));

    /// <summary>
    /// One-hot encoding: result[…, j] = 1 where labels[…] = j, else 0, with a new trailing axis of extent
    /// <paramref name="numClasses"/>. Labels outside [0, numClasses) give all-zero rows.
    /// </summary>
    /// <exception cref="DTypeException">labels is not int32.</exception>
    /// <exception cref="ArgumentNullException">labels is null.</exception>
    public static Tensor OneHot(Tensor labels, int numClasses, DType dtype = DType.Float64)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.DType != DType.Int32) throw new DTypeException($"one_hot: labels must be int32, got {labels.DType.ShortName()}{labels.Shape}; convert with AsType(DType.Int32).");
        var classes = Lax.Reshape(Arange(numClasses), Shape.Of([.. Enumerable.Repeat(1, labels.Rank), numClasses]));
        var expanded = Lax.Reshape(labels, Shape.Of([.. labels.Shape.Dims, 1]));
        return Lax.Convert(Lax.Eq(expanded, classes), dtype);
    }
}
