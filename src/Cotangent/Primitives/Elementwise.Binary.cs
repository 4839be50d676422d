using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

// Elementwise binary primitives with broadcasting. Transposes undo implicit broadcasting by summing
// the cotangent over the broadcast axes (Lax.Unbroadcast).

/// <summary>add: z = x + y. Linear in both operands.</summary>
public sealed class Add() : ElementwiseBinary("add", BinaryOp.Add), ITangentRule<NoParams>, ITransposeRule<NoParams>, ICommutative
{
    /// <summary>
    /// x + 0 → x and 0 + x → x when exact: for an integer zero, or a −0 (x + (−0) = x for every x, −0 included); a +0
    /// only when the context ignores the sign of zero, since −0 + (+0) = +0.
    /// </summary>
    public override Atom? Simplify(Equation equation, SimplifyContext context)
    {
        var (x, y, z) = (equation.Inputs[0], equation.Inputs[1], equation.Outputs[0].Aval);
        if (x.Aval == z && context.IsAdditiveIdentity(y)) return x;
        if (y.Aval == z && context.IsAdditiveIdentity(x)) return y;
        return base.Simplify(equation, context);
    }

    /// <summary>ż = ẋ + ẏ (each broadcast to z's shape).</summary>
    public Tensor? Tangent(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, NoParams p)
    {
        var (dx, dy) = (tangents[0], tangents[1]);
        return Lax.BroadcastTo(dx is null ? dy! : dy is null ? dx : Lax.Add(dx, dy), primalOut.Shape);
    }

    /// <summary>Linear only when both operands are (x + c with a nonzero constant c is affine).</summary>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, NoParams p) => linear[0] && linear[1];

    /// <summary>x̄ = Σ_broadcast z̄, ȳ = Σ_broadcast z̄.</summary>
    public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, NoParams p, Span<Tensor?> result)
    {
        if (args[0].IsLinear) result[0] = Lax.Unbroadcast(cotangent, args[0].Aval.Shape);
        if (args[1].IsLinear) result[1] = Lax.Unbroadcast(cotangent, args[1].Aval.Shape);
    }
}

/// <summary>sub: z = x − y. Linear in both operands.</summary>
public sealed class Sub() : ElementwiseBinary("sub", BinaryOp.Sub), ITangentRule<NoParams>, ITransposeRule<NoParams>
{
    /// <summary>x − 0 → x when exact: an integer zero or a +0 (x − (+0) = x + (−0) = x); a −0 only when the context ignores the sign of zero.</summary>
    public override Atom? Simplify(Equation equation, SimplifyContext context) =>
        equation.Inputs[0].Aval == equation.Outputs[0].Aval && context.IsSubtractiveIdentity(equation.Inputs[1])
            ? equation.Inputs[0] : base.Simplify(equation, context);

    /// <summary>ż = ẋ − ẏ.</summary>
    public Tensor? Tangent(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, NoParams p)
    {
        var (dx, dy) = (tangents[0], tangents[1]);
        return Lax.BroadcastTo(dx is null ? Lax.Neg(dy!) : dy is null ? dx : Lax.Sub(dx, dy), primalOut.Shape);
    }

    /// <summary>Linear only when both operands are (x + c with a nonzero constant c is affine).</summary>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, NoParams p) => linear[0] && linear[1];

    /// <summary>x̄ = Σ z̄, ȳ = −Σ z̄.</summary>
    public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, NoParams p, Span<Tensor?> result)
    {
        if (args[0].IsLinear) result[0] = Lax.Unbroadcast(cotangent, args[0].Aval.Shape);
        if (args[1].IsLinear) result[1] = Lax.Unbroadcast(Lax.Neg(cotangent), args[1].Aval.Shape);
    }
}

/// <summary>mul: z = x · y. Bilinear (the shared rule gives ż = ẋ · y + x · ẏ): linear in exactly one operand at a time.</summary>
public sealed class Mul() : ElementwiseBinary("mul", BinaryOp.Mul), IBilinearPrimitive<NoParams>, ICommutative
{
    /// <summary>
    /// x · 1 → x and 1 · x → x (exact: a product with one rounds nothing and keeps −0, ∞ and NaN); for int32, x · 0 → 0.
    /// A float x · 0 is kept: ∞ · 0 and NaN · 0 are NaN and (−x) · 0 is −0, so no zero replaces it.
    /// </summary>
    public override Atom? Simplify(Equation equation, SimplifyContext context)
    {
        var (x, y, z) = (equation.Inputs[0], equation.Inputs[1], equation.Outputs[0].Aval);
        if (x.Aval == z && context.IsOne(y)) return x;
        if (y.Aval == z && context.IsOne(x)) return y;
        if (z.DType == DType.Int32)
        {
            if (y.Aval == z && context.TryGetUniform(y, out var b) && b == 0) return y;
            if (x.Aval == z && context.TryGetUniform(x, out var a) && a == 0) return x;
        }

        return base.Simplify(equation, context);
    }

    /// <summary>x̄ = Σ_broadcast z̄ · y.</summary>
    public Tensor TransposeLhs(Tensor cotangent, Tensor y, Aval x, NoParams p) => Lax.Unbroadcast(Lax.Mul(cotangent, y), x.Shape);

    /// <summary>ȳ = Σ_broadcast x · z̄.</summary>
    public Tensor TransposeRhs(Tensor cotangent, Tensor x, Aval y, NoParams p) => Lax.Unbroadcast(Lax.Mul(x, cotangent), y.Shape);
}
/// <summary>div: z = x / y. Linear in the numerator only.</summary>
public sealed class Div() : ElementwiseBinary("div", BinaryOp.Div), ITangentRule<NoParams>, ITransposeRule<NoParams>
{
    /// <summary>x / 1 → x (exact for every x, as x · 1).</summary>
    public override Atom? Simplify(Equation equation, SimplifyContext context) =>
        equation.Inputs[0].Aval == equation.Outputs[0].Aval && context.IsOne(equation.Inputs[1])
            ? equation.Inputs[0] : base.Simplify(equation, context);

    /// <summary>ż = ẋ / y − ẏ · z / y.</summary>
    public Tensor? Tangent(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, NoParams p)
    {
        var y = primals[1];
        Tensor? a = tangents[0] is { } dx ? Lax.Div(dx, y) : null;
        Tensor? b = tangents[1] is { } dy ? Lax.Mul(dy, Lax.Neg(Lax.Div(primalOut, y))) : null;
        return Lax.BroadcastTo(a is null ? b! : b is null ? a : Lax.Add(a, b), primalOut.Shape);
    }

    /// <inheritdoc/>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, NoParams p) => linear[0] && !linear[1];

    /// <summary>x̄ = Σ z̄ / y.</summary>
    public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, NoParams p, Span<Tensor?> result)
        => result[0] = Lax.Unbroadcast(Lax.Div(cotangent, args[1].Value!), args[0].Aval.Shape);
}

/// <summary>pow: z = xʸ.</summary>
public sealed class Pow() : SmoothBinary("pow", BinaryOp.Pow)
{
    /// <summary>∂z/∂x = y · x^(y−1), taken as 0 where y = 0 (so 0⁰ has derivative 0, as in JAX).</summary>
    protected override Tensor PartialX(Tensor x, Tensor y, Tensor z)
    {
        var zero = Lax.Scalar(0, y);
        var d = Lax.Mul(y, Lax.Pow(x, Lax.Sub(y, Lax.Scalar(1, y))));
        return Lax.Select(Lax.Eq(y, zero), Lax.BroadcastTo(zero, d.Shape), d);
    }

    /// <summary>∂z/∂y = ln x · z, taken as 0 where x = 0.</summary>
    protected override Tensor PartialY(Tensor x, Tensor y, Tensor z)
    {
        var zero = Lax.Scalar(0, x);
        var isZero = Lax.Eq(x, zero);
        var safeX = Lax.Select(isZero, Lax.BroadcastTo(Lax.Scalar(1, x), x.Shape), x);
        var d = Lax.Mul(Lax.Log(safeX), z);
        return Lax.Select(Lax.BroadcastTo(isZero, d.Shape), Lax.BroadcastTo(zero, d.Shape), d);
    }
}

/// <summary>max: ties split the tangent equally, as in JAX.</summary>
public sealed class Max() : SmoothBinary("max", BinaryOp.Max)
{
    /// <summary>1 where x &gt; y, ½ where x = y, 0 elsewhere.</summary>
    protected override Tensor PartialX(Tensor x, Tensor y, Tensor z) => Lax.Chooser(x, y, greater: true);

    /// <summary>1 where y &gt; x, ½ where x = y, 0 elsewhere.</summary>
    protected override Tensor PartialY(Tensor x, Tensor y, Tensor z) => Lax.Chooser(y, x, greater: true);
}

/// <summary>min: ties split the tangent equally, as in JAX.</summary>
public sealed class Min() : SmoothBinary("min", BinaryOp.Min)
{
    /// <summary>1 where x &lt; y, ½ where x = y, 0 elsewhere.</summary>
    protected override Tensor PartialX(Tensor x, Tensor y, Tensor z) => Lax.Chooser(x, y, greater: false);

    /// <summary>1 where y &lt; x, ½ where x = y, 0 elsewhere.</summary>
    protected override Tensor PartialY(Tensor x, Tensor y, Tensor z) => Lax.Chooser(y, x, greater: false);
}

/// <summary>atan2(x, y): the angle of the point (y, x).</summary>
public sealed class Atan2() : SmoothBinary("atan2", BinaryOp.Atan2)
{
    /// <summary>∂/∂x = y / (x² + y²).</summary>
    protected override Tensor PartialX(Tensor x, Tensor y, Tensor z) => Lax.Div(y, Lax.Add(Lax.Mul(x, x), Lax.Mul(y, y)));

    /// <summary>∂/∂y = −x / (x² + y²).</summary>
    protected override Tensor PartialY(Tensor x, Tensor y, Tensor z) => Lax.Neg(Lax.Div(x, Lax.Add(Lax.Mul(x, x), Lax.Mul(y, y))));
}

/// <summary>rem: z = x − y · trunc(x / y), the sign of x.</summary>
public sealed class Rem() : SmoothBinary("rem", BinaryOp.Rem)
{
    /// <summary>∂/∂x = 1.</summary>
    protected override Tensor PartialX(Tensor x, Tensor y, Tensor z) => Lax.BroadcastTo(Lax.Scalar(1, z), z.Shape);

    /// <summary>∂/∂y = −trunc(x / y) = −sign(q) ⌊|q|⌋.</summary>
    protected override Tensor PartialY(Tensor x, Tensor y, Tensor z)
    {
        var q = Lax.Div(x, y);
        return Lax.Neg(Lax.Mul(Lax.Sign(q), Lax.Floor(Lax.Abs(q))));
    }
}
