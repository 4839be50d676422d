using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent;

// Elementwise functions. Binary ones broadcast NumPy-style; double arguments take the tensor's dtype.
public static partial class Np
{

    /// <summary>A weakly typed literal: <paramref name="value"/> in <paramref name="like"/>'s dtype.</summary>
    /// <exception cref="ArgumentNullException">The tensor it takes its dtype from is null (every caller's operand).</exception>
    private static Tensor W(double value, Tensor like) =>
        ScalarCache.Get(value, (like ?? throw new ArgumentNullException(paramName: null, "A tensor operand is null; every operand must be a Tensor.")).DType);

    /// <summary>x + y.</summary>
    public static Tensor Add(Tensor x, Tensor y) => Lax.Add(x, y);

    /// <summary>x − y.</summary>
    public static Tensor Subtract(Tensor x, Tensor y) => Lax.Sub(x, y);

    /// <summary>x · y.</summary>
    public static Tensor Multiply(Tensor x, Tensor y) => Lax.Mul(x, y);

    /// <summary>x / y (for int32, truncating division).</summary>
    public static Tensor Divide(Tensor x, Tensor y) => Lax.Div(x, y);

    /// <summary>−x.</summary>
    public static Tensor Negative(Tensor x) => Lax.Neg(x);

    /// <summary>|x|.</summary>
    public static Tensor Abs(Tensor x) => Lax.Abs(x);

    /// <summary>sign(x) ∈ {−1, 0, 1}.</summary>
    public static Tensor Sign(Tensor x) => Lax.Sign(x);

    /// <summary>x² computed as x · x.</summary>
    public static Tensor Square(Tensor x) => Lax.Mul(x, x);

    /// <summary>1 / x.</summary>
    public static Tensor Reciprocal(Tensor x) => Lax.Div(W(1, x), x);

    /// <summary>√x.</summary>
    public static Tensor Sqrt(Tensor x) => Lax.Sqrt(x);

    /// <summary>1 / √x.</summary>
    public static Tensor Rsqrt(Tensor x) => Lax.Rsqrt(x);

    /// <summary>eˣ.</summary>
    public static Tensor Exp(Tensor x) => Lax.Exp(x);

    /// <summary>2ˣ, exact at integers.</summary>
    public static Tensor Exp2(Tensor x) => Lax.Exp2(x);

    /// <summary>ln x.</summary>
    public static Tensor Log(Tensor x) => Lax.Log(x);

    /// <summary>log₂ x, exact at powers of two.</summary>
    public static Tensor Log2(Tensor x) => Lax.Log2(x);

    /// <summary>log₁₀ x, exact at powers of ten.</summary>
    public static Tensor Log10(Tensor x) => Lax.Log10(x);

    /// <summary>ln(1 + x), accurate for small x.</summary>
    public static Tensor Log1p(Tensor x) => Lax.Log1p(x);

    /// <summary>eˣ − 1, accurate for small x.</summary>
    public static Tensor Expm1(Tensor x) => Lax.Expm1(x);

    /// <summary>sin x.</summary>
    public static Tensor Sin(Tensor x) => Lax.Sin(x);

    /// <summary>cos x.</summary>
    public static Tensor Cos(Tensor x) => Lax.Cos(x);

    /// <summary>tan x.</summary>
    public static Tensor Tan(Tensor x) => Lax.Tan(x);

    /// <summary>arcsin x.</summary>
    public static Tensor Asin(Tensor x) => Lax.Asin(x);

    /// <summary>arccos x.</summary>
    public static Tensor Acos(Tensor x) => Lax.Acos(x);

    /// <summary>arctan x.</summary>
    public static Tensor Atan(Tensor x) => Lax.Atan(x);

    /// <summary>The angle of the point (x, y): atan2(y, x), in (−π, π].</summary>
    public static Tensor Atan2(Tensor y, Tensor x) => Lax.Atan2(y, x);

    /// <summary>sinh x.</summary>
    public static Tensor Sinh(Tensor x) => Lax.Sinh(x);

    /// <summary>cosh x.</summary>
    public static Tensor Cosh(Tensor x) => Lax.Cosh(x);

    /// <summary>tanh x.</summary>
    public static Tensor Tanh(Tensor x) => Lax.Tanh(x);

    /// <summary>The logistic sigmoid σ(x) = 1 / (1 + e⁻ˣ).</summary>
    public static Tensor Sigmoid(Tensor x) => Lax.Logistic(x);

    /// <summary>softplus(x) = ln(1 + eˣ), computed stably as max(x, 0) + ln(1 + e^(−|x|)).</summary>
    public static Tensor Softplus(Tensor x)
    {
        // max(x, 0) + log1p(e^{−|x|}), with −|x| written as (x > 0 ? −x : x) so that its slope at 0 is +1: then
        // softplus′(0) = 0 + σ(0) = ½ and softplus″(0) = ¼, as for JAX's logaddexp(x, 0). Through abs (slope 1
        // at 0) and relu (slope 0) the derivative at 0 came out 0 and the Hessian there vanished.
        var negAbs = Lax.Select(Lax.Gt(x, W(0, x)), Lax.Neg(x), x);
        return Lax.Add(Relu(x), Lax.Log1p(Lax.Exp(negAbs)));
    }

    /// <summary>relu(x) = max(x, 0), with derivative 0 at 0 (as in JAX).</summary>
    public static Tensor Relu(Tensor x) => Lax.Select(Lax.Gt(x, W(0, x)), x, W(0, x));

    /// <summary>The error function erf x = (2/√π) ∫₀ˣ e^(−t²) dt.</summary>
    public static Tensor Erf(Tensor x) => Lax.Erf(x);

    /// <summary>⌊x⌋ (zero derivative).</summary>
    public static Tensor Floor(Tensor x) => Lax.Floor(x);

    /// <summary>⌈x⌉ (zero derivative).</summary>
    public static Tensor Ceil(Tensor x) => Lax.Ceil(x);

    /// <summary>x rounded to the nearest integer (zero derivative).</summary>
    public static Tensor Round(Tensor x) => Lax.Round(x);

    /// <summary>xʸ elementwise.</summary>
    public static Tensor Power(Tensor x, Tensor y) => Lax.Pow(x, y);

    /// <summary>xᵖ with a weakly typed exponent (p = 2 is computed as x · x, p = 1 as x).</summary>
    public static Tensor Power(Tensor x, double p) => p switch
    {
        1 => x,
        2 => Lax.Mul(x, x),
        _ => Lax.Pow(x, W(p, x)),
    };

    /// <summary>Remainder of x / y with the sign of x (C#'s %, NumPy's fmod).</summary>
    public static Tensor Fmod(Tensor x, Tensor y) => Lax.Rem(x, y);

    /// <summary>
    /// The remainder with the sign of the divisor (NumPy's mod and Python's %): r = fmod(x, y), plus y where r ≠ 0
    /// and r and y have opposite signs. x = FloorDivide(x, y)·y + Mod(x, y).
    /// </summary>
    public static Tensor Mod(Tensor x, Tensor y)
    {
        var r = Lax.Rem(x, y);
        var zero = W(0, r);
        var fix = Lax.And(Lax.Ne(r, zero), Lax.Ne(Lax.Lt(r, zero), Lax.Lt(y, W(0, y))));
        return Lax.Select(fix, Lax.Add(r, y), r);
    }

    /// <summary>Mod with a weakly typed divisor.</summary>
    public static Tensor Mod(Tensor x, double y) => Mod(x, W(y, x));

    /// <summary>⌊x / y⌋ (NumPy's floor_divide and Python's //), computed as (x − Mod(x, y)) / y so int32 is exact.</summary>
    /// <exception cref="ArgumentNullException">x or y is null.</exception>
    public static Tensor FloorDivide(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return x.DType.IsFloat() ? Lax.Floor(Lax.Div(x, y)) : Lax.Div(Lax.Sub(x, Mod(x, y)), y);
    }

    /// <summary>max(x, y) elementwise (on ties the derivative is split evenly).</summary>
    public static Tensor Maximum(Tensor x, Tensor y) => Lax.Max(x, y);

    /// <summary>max(x, c) with c in x's dtype.</summary>
    public static Tensor Maximum(Tensor x, double c) => Lax.Max(x, W(c, x));

    /// <summary>min(x, y) elementwise (on ties the derivative is split evenly).</summary>
    public static Tensor Minimum(Tensor x, Tensor y) => Lax.Min(x, y);

    /// <summary>min(x, c) with c in x's dtype.</summary>
    public static Tensor Minimum(Tensor x, double c) => Lax.Min(x, W(c, x));

    /// <summary>min(max(x, lo), hi): x limited to [lo, hi].</summary>
    public static Tensor Clip(Tensor x, Tensor lo, Tensor hi) => Lax.Min(Lax.Max(x, lo), hi);

    /// <summary>min(max(x, lo), hi) with bounds in x's dtype.</summary>
    public static Tensor Clip(Tensor x, double lo, double hi) => Lax.Min(Lax.Max(x, W(lo, x)), W(hi, x));

    /// <summary>
    /// cond ? a : b elementwise, with cond, a and b broadcast to their common shape. Differentiable in a and b
    /// (each receives the gradient where it was chosen), never in cond.
    /// </summary>
    /// <exception cref="DTypeException">cond is not bool, or a and b differ in dtype.</exception>
    /// <exception cref="ShapeException">The shapes do not broadcast.</exception>
    /// <exception cref="ArgumentNullException">cond or a or b is null.</exception>
    public static Tensor Where(Tensor cond, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(cond);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (cond.DType != DType.Bool) throw new DTypeException($"where: the condition must be bool, got {cond.DType.ShortName()}{cond.Shape}; compare with a value to get a bool mask.");
        if (a.DType != b.DType) throw new DTypeException($"where: the cases have different dtypes ({a.DType.ShortName()} and {b.DType.ShortName()}); convert one with AsType.");
        var shape = Shape.Broadcast(Shape.Broadcast(cond.Shape, a.Shape, "where"), b.Shape, "where");
        return Lax.Select(Lax.BroadcastTo(cond, shape), Lax.BroadcastTo(a, shape), Lax.BroadcastTo(b, shape));
    }

    /// <summary>cond ? a : c with c in a's dtype.</summary>
    public static Tensor Where(Tensor cond, Tensor a, double c) => Where(cond, a, W(c, a));

    /// <summary>cond ? c : b with c in b's dtype.</summary>
    public static Tensor Where(Tensor cond, double c, Tensor b) => Where(cond, W(c, b), b);

    /// <summary>x == y (bool).</summary>
    public static Tensor Equal(Tensor x, Tensor y) => Lax.Eq(x, y);

    /// <summary>x == c (bool).</summary>
    public static Tensor Equal(Tensor x, double c) => Lax.Eq(x, W(c, x));

    /// <summary>x ≠ y (bool).</summary>
    public static Tensor NotEqual(Tensor x, Tensor y) => Lax.Ne(x, y);

    /// <summary>x ≠ c (bool).</summary>
    public static Tensor NotEqual(Tensor x, double c) => Lax.Ne(x, W(c, x));

    /// <summary>x &lt; y (bool).</summary>
    public static Tensor Less(Tensor x, Tensor y) => Lax.Lt(x, y);

    /// <summary>x &lt; c (bool).</summary>
    public static Tensor Less(Tensor x, double c) => Lax.Lt(x, W(c, x));

    /// <summary>x ≤ y (bool).</summary>
    public static Tensor LessEqual(Tensor x, Tensor y) => Lax.Le(x, y);

    /// <summary>x ≤ c (bool).</summary>
    public static Tensor LessEqual(Tensor x, double c) => Lax.Le(x, W(c, x));

    /// <summary>x &gt; y (bool).</summary>
    public static Tensor Greater(Tensor x, Tensor y) => Lax.Gt(x, y);

    /// <summary>x &gt; c (bool).</summary>
    public static Tensor Greater(Tensor x, double c) => Lax.Gt(x, W(c, x));

    /// <summary>x ≥ y (bool).</summary>
    public static Tensor GreaterEqual(Tensor x, Tensor y) => Lax.Ge(x, y);

    /// <summary>x ≥ c (bool).</summary>
    public static Tensor GreaterEqual(Tensor x, double c) => Lax.Ge(x, W(c, x));

    /// <summary>x ∧ y for bool tensors.</summary>
    public static Tensor LogicalAnd(Tensor x, Tensor y) => Lax.And(x, y);

    /// <summary>x ∨ y for bool tensors.</summary>
    public static Tensor LogicalOr(Tensor x, Tensor y) => Lax.Or(x, y);

    /// <summary>¬x for a bool tensor.</summary>
    public static Tensor LogicalNot(Tensor x) => Lax.Not(x);

    /// <summary>x ⊕ y (exclusive or) for bool tensors: (x ∨ y) ∧ ¬(x ∧ y).</summary>
    public static Tensor LogicalXor(Tensor x, Tensor y) => Lax.And(Lax.Or(x, y), Lax.Not(Lax.And(x, y)));

    /// <summary>True where x is NaN (x ≠ x).</summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor IsNan(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.DType.IsFloat() ? Lax.Ne(x, x) : Full(x.Shape, 0, DType.Bool);
    }

    /// <summary>True where x is ±∞.</summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor IsInf(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.DType.IsFloat() ? Lax.Eq(Lax.Abs(x), W(double.PositiveInfinity, x)) : Full(x.Shape, 0, DType.Bool);
    }

    /// <summary>True where x is neither NaN nor ±∞ (|x| &lt; ∞).</summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor IsFinite(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.DType.IsFloat() ? Lax.Lt(Lax.Abs(x), W(double.PositiveInfinity, x)) : Full(x.Shape, 1, DType.Bool);
    }

    /// <summary>The elements converted to <paramref name="dtype"/> (float → int truncates; differentiable between float dtypes).</summary>
    public static Tensor AsType(Tensor x, DType dtype) => Lax.Convert(x, dtype);
}
