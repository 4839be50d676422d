using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Tests.Api;

/// <summary>
/// Ad.CheckGrads itself: it passes on correct derivatives (trees, both dtypes, several orders) and fails,
/// with a typed exception naming the check and order, on primitives with deliberately wrong rules.
/// </summary>
public class CheckGradsTests
{
    /// <summary>sin with a wrong JVP rule: ẏ = 1.01·cos(x)·ẋ.</summary>
    private sealed class SloppySin() : Primitive<NoParams>("sloppy_sin"), ITangentRule<NoParams>
    {
        public override NDArray Impl(ReadOnlySpan<NDArray> args, NoParams p) => Kernels.Unary(UnaryOp.Sin, args[0]);

        public override Aval AbstractEval(ReadOnlySpan<Aval> args, NoParams p) => args[0];

        public Tensor? Tangent(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, NoParams p)
            => Lax.Mul(tangents[0]!, Lax.Mul(Lax.Scalar(1.01, primals[0]), Lax.Cos(primals[0])));
    }

    /// <summary>y = 2x with a correct JVP but a wrong transpose (x̄ = 3ȳ).</summary>
    private sealed class BadDouble() : Primitive<NoParams>("bad_double"), ITangentRule<NoParams>, ITransposeRule<NoParams>
    {
        public override NDArray Impl(ReadOnlySpan<NDArray> args, NoParams p) => Kernels.Binary(BinaryOp.Mul, args[0], NDArray.Scalar(args[0].DType, 2));

        public override Aval AbstractEval(ReadOnlySpan<Aval> args, NoParams p) => args[0];

        public Tensor? Tangent(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, NoParams p) => Bind(tangents[0]!);

        public bool AcceptsLinear(ReadOnlySpan<bool> linear, NoParams p) => true;

        public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, NoParams p, Span<Tensor?> result)
            => result[0] = Lax.Mul(cotangent, Lax.Scalar(3, cotangent));
    }

    /// <summary>sin whose derivative is bad_cos, a cos whose own JVP has the wrong sign: right at order 1, wrong at order 2.</summary>
    private sealed class SinWithBadCos() : Primitive<NoParams>("sin_bad_cos"), ITangentRule<NoParams>
    {
        public static readonly SinWithBadCos Instance = new();
        private static readonly BadCos s_cos = new();

        public override NDArray Impl(ReadOnlySpan<NDArray> args, NoParams p) => Kernels.Unary(UnaryOp.Sin, args[0]);

        public override Aval AbstractEval(ReadOnlySpan<Aval> args, NoParams p) => args[0];

        public Tensor? Tangent(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, NoParams p)
            => Lax.Mul(tangents[0]!, s_cos.Bind(primals[0]));

        private sealed class BadCos() : Primitive<NoParams>("bad_cos"), ITangentRule<NoParams>
        {
            public override NDArray Impl(ReadOnlySpan<NDArray> args, NoParams p) => Kernels.Unary(UnaryOp.Cos, args[0]);

            public override Aval AbstractEval(ReadOnlySpan<Aval> args, NoParams p) => args[0];

            // Wrong: d/dx cos x = −sin x.
            public Tensor? Tangent(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, NoParams p)
                => Lax.Mul(tangents[0]!, Lax.Sin(primals[0]));
        }
    }

    private static readonly SloppySin s_sloppySin = new();
    private static readonly BadDouble s_badDouble = new();

    private static Tensor Vec(params double[] v) => Tensor.FromArray(v);

    [Fact]
    public void PassesOnCorrectDerivatives_ToOrder3()
    {
        Ad.CheckGrads<Tensor, Tensor>(x => Lax.Sin(x) * x, Vec(0.3, -1.2, 2.0), order: 3);
        Ad.CheckGrads<Tensor, Tensor>(x => Lax.Exp(Lax.Tanh(x)) / (1.0 + (x * x)), Vec(0.3, -1.2, 2.0), order: 3);
    }

    [Fact]
    public void PassesOnTreesAndMultipleOutputs()
    {
        Func<(Tensor A, Tensor[] B), (Tensor, Tensor)> f = p =>
            (Lax.ReduceSum(p.A * p.B[0], [0]), Lax.Log(p.B[1]) * Lax.Cos(p.A));
        Ad.CheckGrads(f, (Vec(0.5, 1.5), new[] { Vec(2.0, -1.0), Vec(0.7, 1.3) }));
    }

    [Fact]
    public void PassesInFloat32()
    {
        var x = Tensor.FromArray([0.3f, -1.2f, 2.0f]);
        Ad.CheckGrads<Tensor, Tensor>(x => Lax.Sin(x) * Lax.Exp(x / 2.0), x, order: 2);
    }

    [Fact]
    public void PassesOnFunctionsWithIntegerOutputs()
    {
        Func<Tensor, (Tensor, Tensor)> f = x => (x * x, Lax.ArgMax(x, 0));
        Ad.CheckGrads(f, Vec(0.5, 2.5, -1.0));
    }

    [Fact]
    public void WrongJvp_FailsInForwardMode_NamingTheCheck()
    {
        var ex = Assert.Throws<GradientCheckException>(() =>
            Ad.CheckGrads<Tensor, Tensor>(x => s_sloppySin.Bind(x), Vec(0.3, 1.0), order: 1, modes: GradModes.Forward));
        Assert.Equal("JVP", ex.Check);
        Assert.Equal(1, ex.Order);
        Assert.Contains("central differences", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.MaxError > ex.Tolerance);
    }

    [Fact]
    public void WrongJvp_FailsInReverseModeToo()
    {
        // The VJP is the transpose of the (wrong) linearization, so the inner-product identity breaks.
        var ex = Assert.Throws<GradientCheckException>(() =>
            Ad.CheckGrads<Tensor, Tensor>(x => s_sloppySin.Bind(x), Vec(0.3, 1.0), order: 1, modes: GradModes.Reverse));
        Assert.Equal("VJP", ex.Check);
        Assert.Contains("⟨ȳ, J·ṫ⟩", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongTranspose_PassesForward_FailsReverse()
    {
        Func<Tensor, Tensor> f = x => s_badDouble.Bind(x);
        Ad.CheckGrads(f, Vec(0.3, 1.0), order: 1, modes: GradModes.Forward);
        var ex = Assert.Throws<GradientCheckException>(() => Ad.CheckGrads(f, Vec(0.3, 1.0), order: 1, modes: GradModes.Reverse));
        Assert.Equal("VJP", ex.Check);
        Assert.Equal(1, ex.Order);
    }

    [Fact]
    public void WrongSecondDerivative_PassesOrder1_FailsOrder2()
    {
        Func<Tensor, Tensor> f = x => SinWithBadCos.Instance.Bind(x);
        Ad.CheckGrads(f, Vec(0.3, 1.0), order: 1);
        var ex = Assert.Throws<GradientCheckException>(() => Ad.CheckGrads(f, Vec(0.3, 1.0), order: 2));
        Assert.Equal(2, ex.Order);
        Assert.Equal("JVP of JVP", ex.Check);
        var reverse = Assert.Throws<GradientCheckException>(() => Ad.CheckGrads(f, Vec(0.3, 1.0), order: 2, modes: GradModes.Reverse));
        Assert.Equal("VJP of VJP", reverse.Check);
    }

    [Fact]
    public void IntegerInputs_AreRejected()
    {
        var ex = Assert.Throws<DifferentiationException>(() => Ad.CheckGrads<Tensor, Tensor>(x => x, Tensor.FromArray([1, 2])));
        Assert.Contains("CheckGrads", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OrderBelowOne_IsRejected() =>
        Assert.Throws<ValueException>(() => Ad.CheckGrads<Tensor, Tensor>(x => x, Vec(1.0), order: 0));

    [Fact]
    public void ExplicitTolerances_AreHonoured()
    {
        // A 1% error passes with a 5% tolerance and fails with the default.
        Func<Tensor, Tensor> f = x => s_sloppySin.Bind(x);
        Ad.CheckGrads(f, Vec(0.3, 1.0), order: 1, modes: GradModes.Forward, atol: 0.05, rtol: 0.05);
        Assert.Throws<GradientCheckException>(() => Ad.CheckGrads(f, Vec(0.3, 1.0), order: 1, modes: GradModes.Forward));
    }

    [Fact]
    public void IsDeterministic()
    {
        Func<Tensor, Tensor> f = x => s_sloppySin.Bind(x);
        var a = Assert.Throws<GradientCheckException>(() => Ad.CheckGrads(f, Vec(0.3, 1.0), order: 1, modes: GradModes.Forward, seed: 7));
        var b = Assert.Throws<GradientCheckException>(() => Ad.CheckGrads(f, Vec(0.3, 1.0), order: 1, modes: GradModes.Forward, seed: 7));
        Assert.Equal(a.Message, b.Message);
    }
}
