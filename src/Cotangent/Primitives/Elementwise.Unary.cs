using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

// Elementwise unary primitives. Each states its derivative; the JVP ẏ = ẋ · f′(x) comes from
// SmoothUnary. Only neg is linear, so only neg has a transpose rule.

/// <summary>neg: y = −x. Linear.</summary>
public sealed class Neg() : ElementwiseUnary("neg", UnaryOp.Neg, floatOnly: false), ILinearPrimitive<NoParams>, ISimplifyRule
{
    /// <summary>−(−x) → x: exact (two sign flips, also of −0 and NaN; int32 negation wraps back).</summary>
    public Atom? Simplify(Equation equation, SimplifyContext context) =>
        context.DefinitionOf(equation.Inputs[0]) is { Primitive: Neg } inner ? inner.Inputs[0] : null;

    /// <inheritdoc/>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, NoParams p) => true;

    /// <summary>x̄ = −ȳ.</summary>
    public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, NoParams p, Span<Tensor?> result) => result[0] = Lax.Neg(cotangent);
}

/// <summary>exp: y = eˣ, y′ = y.</summary>
public sealed class Exp() : SmoothUnary("exp", UnaryOp.Exp)
{
    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => y;
}

/// <summary>log: y = ln x, y′ = 1/x.</summary>
public sealed class Log() : SmoothUnary("log", UnaryOp.Log)
{
    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Div(Lax.Scalar(1, x), x);
}

/// <summary>exp2: y = 2ˣ (exact at integers), y′ = ln 2 · y.</summary>
public sealed class Exp2() : SmoothUnary("exp2", UnaryOp.Exp2)
{
    private const double Ln2 = 0.69314718055994530942;

    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Mul(Lax.Scalar(Ln2, y), y);
}

/// <summary>log2: y = log₂ x (exact at powers of two), y′ = 1/(x ln 2).</summary>
public sealed class Log2() : SmoothUnary("log2", UnaryOp.Log2)
{
    private const double Ln2 = 0.69314718055994530942;

    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Div(Lax.Scalar(1, x), Lax.Mul(x, Lax.Scalar(Ln2, x)));
}

/// <summary>log10: y = log₁₀ x (exact at powers of ten), y′ = 1/(x ln 10).</summary>
public sealed class Log10() : SmoothUnary("log10", UnaryOp.Log10)
{
    private const double Ln10 = 2.30258509299404568402;

    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Div(Lax.Scalar(1, x), Lax.Mul(x, Lax.Scalar(Ln10, x)));
}

/// <summary>log1p: y = ln(1 + x), y′ = 1/(1 + x).</summary>
public sealed class Log1p() : SmoothUnary("log1p", UnaryOp.Log1p)
{
    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Div(Lax.Scalar(1, x), Lax.Add(x, Lax.Scalar(1, x)));
}

/// <summary>expm1: y = eˣ − 1, y′ = y + 1.</summary>
public sealed class Expm1() : SmoothUnary("expm1", UnaryOp.Expm1)
{
    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Add(y, Lax.Scalar(1, y));
}

/// <summary>sin: y′ = cos x.</summary>
public sealed class Sin() : SmoothUnary("sin", UnaryOp.Sin)
{
    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Cos(x);
}

/// <summary>cos: y′ = −sin x.</summary>
public sealed class Cos() : SmoothUnary("cos", UnaryOp.Cos)
{
    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Neg(Lax.Sin(x));
}

/// <summary>tan: y′ = 1 + y².</summary>
public sealed class Tan() : SmoothUnary("tan", UnaryOp.Tan)
{
    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Add(Lax.Scalar(1, y), Lax.Mul(y, y));
}

/// <summary>asin: y′ = 1/√(1 − x²).</summary>
public sealed class Asin() : SmoothUnary("asin", UnaryOp.Asin)
{
    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Rsqrt(Lax.Sub(Lax.Scalar(1, x), Lax.Mul(x, x)));
}

/// <summary>acos: y′ = −1/√(1 − x²).</summary>
public sealed class Acos() : SmoothUnary("acos", UnaryOp.Acos)
{
    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Neg(Lax.Rsqrt(Lax.Sub(Lax.Scalar(1, x), Lax.Mul(x, x))));
}

/// <summary>atan: y′ = 1/(1 + x²).</summary>
public sealed class Atan() : SmoothUnary("atan", UnaryOp.Atan)
{
    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Div(Lax.Scalar(1, x), Lax.Add(Lax.Scalar(1, x), Lax.Mul(x, x)));
}

/// <summary>sinh: y′ = cosh x.</summary>
public sealed class Sinh() : SmoothUnary("sinh", UnaryOp.Sinh)
{
    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Cosh(x);
}

/// <summary>cosh: y′ = sinh x.</summary>
public sealed class Cosh() : SmoothUnary("cosh", UnaryOp.Cosh)
{
    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Sinh(x);
}

/// <summary>tanh: y′ = 1 − y².</summary>
public sealed class Tanh() : SmoothUnary("tanh", UnaryOp.Tanh)
{
    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Sub(Lax.Scalar(1, y), Lax.Mul(y, y));
}

/// <summary>logistic: y = 1/(1 + e⁻ˣ), y′ = y(1 − y).</summary>
public sealed class Logistic() : SmoothUnary("logistic", UnaryOp.Logistic)
{
    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Mul(y, Lax.Sub(Lax.Scalar(1, y), y));
}

/// <summary>sqrt: y′ = 1/(2y).</summary>
public sealed class Sqrt() : SmoothUnary("sqrt", UnaryOp.Sqrt)
{
    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Div(Lax.Scalar(0.5, y), y);
}

/// <summary>rsqrt: y = x^(−½), y′ = −½ y / x.</summary>
public sealed class Rsqrt() : SmoothUnary("rsqrt", UnaryOp.Rsqrt)
{
    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Div(Lax.Mul(Lax.Scalar(-0.5, y), y), x);
}

/// <summary>erf: y′ = (2/√π) e^(−x²).</summary>
public sealed class Erf() : SmoothUnary("erf", UnaryOp.Erf)
{
    private const double TwoOverSqrtPi = 1.1283791670955126;

    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Mul(Lax.Scalar(TwoOverSqrtPi, x), Lax.Exp(Lax.Neg(Lax.Mul(x, x))));
}

/// <summary>erfc = 1 − erf, accurate where it is tiny: y′ = −(2/√π) e^(−x²).</summary>
public sealed class Erfc() : SmoothUnary("erfc", UnaryOp.Erfc)
{
    private const double MinusTwoOverSqrtPi = -1.1283791670955126;

    /// <inheritdoc/>
    protected override Tensor Derivative(Tensor x, Tensor y) => Lax.Mul(Lax.Scalar(MinusTwoOverSqrtPi, x), Lax.Exp(Lax.Neg(Lax.Mul(x, x))));
}

/// <summary>abs: y′ = sign x (0 at 0, as in JAX). Accepts int32.</summary>
public sealed class Abs() : ElementwiseUnary("abs", UnaryOp.Abs, floatOnly: false), ITangentRule<NoParams>
{
    /// <summary>ẏ = ẋ · (x ≥ 0 ? 1 : −1): JAX's convention, so |x|′(0) = 1 (sign x would give 0 and stall
    /// anything started at 0, such as an L1 penalty's first step).</summary>
    public Tensor? Tangent(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, NoParams p)
    {
        var x = primals[0];
        var slope = Lax.Select(Lax.Ge(x, Lax.Scalar(0, x)), Lax.Scalar(1, x), Lax.Scalar(-1, x));
        return Lax.Mul(tangents[0]!, slope);
    }
}

/// <summary>sign: −1, 0 or 1. Zero derivative.</summary>
public sealed class Sign() : FlatUnary("sign", UnaryOp.Sign, floatOnly: false);

/// <summary>floor. Zero derivative.</summary>
public sealed class Floor() : FlatUnary("floor", UnaryOp.Floor, floatOnly: true);

/// <summary>ceil. Zero derivative.</summary>
public sealed class Ceil() : FlatUnary("ceil", UnaryOp.Ceil, floatOnly: true);

/// <summary>round (half to even). Zero derivative.</summary>
public sealed class Round() : FlatUnary("round", UnaryOp.Round, floatOnly: true);
