using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Tests.ControlFlow;

/// <summary>
/// while_loop: values; forward mode; reverse mode (beyond JAX) through a loop whose trip count depends on the values —
/// a Newton solver differentiated against the implicit-function theorem; second order; staged use.
/// </summary>
public class WhileTests
{
    private static Tensor I(int v) => new(NDArray.Scalar(DType.Int32, v));

    [Fact]
    public void Eager_AndUnderATrace_GiveTheLoopsValue()
    {
        Func<Tensor, Tensor> f = x => Lax.WhileLoop(c => c[0] < 100.0, c => [c[0] * 3.0 + 1.0], x)[0];
        Assert.Equal(121.0, f(Tensor.Scalar(1.0)).ToDouble());   // 1 → 4 → 13 → 40 → 121
        Assert.Equal(121.0, Ad.MakeProgram(f, Tensor.Scalar(1.0)).Evaluate(Tensor.Scalar(1.0))[0].ToDouble());
        Assert.Equal(250.0, f(Tensor.Scalar(250.0)).ToDouble());  // no trip
        var counted = Lax.WhileLoop(c => c[0] < I(10), c => [Lax.Add(c[0], I(1)), c[1] * 2.0], I(0), Tensor.Scalar(1.0));
        Assert.Equal(1024.0, counted[1].ToDouble());
    }

    // Newton's method for x³ + a·x − b = 0 from x = 1, until the residual is below 1e-15 (at most 60 trips).
    private static Tensor Newton(Tensor a, Tensor b)
    {
        var r = Lax.WhileLoop(
            c => Lax.And(Np.Abs(c[1] * c[1] * c[1] + a * c[1] - b) > 1e-15, c[0] < I(60)),
            c =>
            {
                var x = c[1];
                return [Lax.Add(c[0], I(1)), x - ((x * x * x) + (a * x) - b) / ((3.0 * x * x) + a)];
            },
            I(0), Tensor.Scalar(1.0));
        return r[1];
    }

    [Theory]
    [InlineData(2.0, 5.0)]
    [InlineData(0.5, -3.0)]
    [InlineData(7.0, 1.0)]
    public void Newton_ReverseMode_EqualsTheImplicitFunctionDerivative(double a, double b)
    {
        var (ga, gb) = Ad.Grad<Tensor, Tensor>((p, q) => Newton(p, q), Wrt.Both)(Tensor.Scalar(a), Tensor.Scalar(b));
        double x = Newton(Tensor.Scalar(a), Tensor.Scalar(b)).ToDouble();
        Assert.True(Math.Abs((x * x * x) + (a * x) - b) < 1e-12);
        // F(x, a, b) = x³ + a·x − b = 0 ⇒ ∂x/∂a = −x / (3x² + a), ∂x/∂b = 1 / (3x² + a)
        double d = (3 * x * x) + a;
        Assert.Equal(-x / d, ga.ToDouble(), 1e-10);
        Assert.Equal(1 / d, gb.ToDouble(), 1e-10);
        // forward mode agrees
        var (_, t) = Ad.Jvp<(Tensor, Tensor), Tensor>(p => Newton(p.Item1, p.Item2), (Tensor.Scalar(a), Tensor.Scalar(b)), (Tensor.Scalar(1.0), Tensor.Scalar(0.0)));
        Assert.Equal(-x / d, t.ToDouble(), 1e-10);
    }

    [Fact]
    public void FixedTrips_DerivativesMatchFiniteDifferences_ToSecondOrder()
    {
        // Five trips of x ← sin(x)·w + x·0.5 (the count is an int carry), differentiated in x and w.
        Func<(Tensor X, Tensor W), Tensor> f = p => Np.Sum(Lax.WhileLoop(c => c[0] < I(5), c => [Lax.Add(c[0], I(1)), Lax.Sin(c[1]) * p.W + c[1] * 0.5], I(0), p.X)[1]);
        Ad.CheckGrads(f, (Tensor.FromArray([0.3, -0.8, 1.2]), Tensor.FromArray([0.9, 1.1, -0.4])), order: 2);
    }

    [Fact]
    public void Hessian_ThroughAValueDependentLoop()
    {
        // Newton's root x(a, b): its Hessian in (a, b) by JacFwd of Grad against central differences of the gradient.
        Func<Tensor, Tensor> f = v => Newton(v[0], v[1]);
        var v0 = Tensor.FromArray([2.0, 5.0]);
        var h = Ad.JacFwd(Ad.Grad(f))(v0).ToArray<double>();
        const double step = 1e-5;
        for (int j = 0; j < 2; j++)
        {
            var e = new double[2];
            e[j] = step;
            var gp = Ad.Grad(f)(v0 + Tensor.FromArray(e)).ToArray<double>();
            var gm = Ad.Grad(f)(v0 - Tensor.FromArray(e)).ToArray<double>();
            for (int i = 0; i < 2; i++) Assert.Equal((gp[i] - gm[i]) / (2 * step), h[(i * 2) + j], 1e-7);
        }
    }

    [Fact]
    public void LinearProgram_IsAScanOverTheCountedTrips()
    {
        var (_, lin) = Ad.Linearize<(Tensor, Tensor), Tensor>(p => Newton(p.Item1, p.Item2), (Tensor.Scalar(2.0), Tensor.Scalar(5.0)));
        var scan = Assert.Single(lin.Program.Equations, e => e.Primitive.Name == "scan");
        var trips = ((ScanParams)scan.Parameters).Length;
        Assert.InRange(trips, 3, 60);
        Assert.DoesNotContain(lin.Program.Equations, e => e.Primitive.Name == "while");
    }

    [Fact]
    public void StagedGrad_WithAnUnusedWhileLoop_IgnoresIt()
    {
        // Grad keeps the linear program as recorded and skips pruning it; the untransposable staged loop here is dead
        // code, so the gradient must still come out (the pass prunes and retries), as it did when every program was
        // pruned first. The auxiliary output of GradWithAux is not differentiated either, so a loop there is fine too.
        Func<Tensor[], Tensor> loop = c => Lax.WhileLoop(d => Np.Sum(d[0]) < 100.0, d => [d[0] * d[0] + 1.5], c[0])[0];
        Func<Tensor, Tensor> f = x =>
        {
            _ = loop([x]);
            return Np.Sum(x * x);
        };
        var x0 = Tensor.FromArray([1.0, 2.0]);
        var program = Ad.MakeProgram(Ad.Grad(f), x0);
        Assert.Equal([2.0, 4.0], program.Evaluate(x0)[0].ToArray<double>());
        Assert.Equal([2.0, 4.0], Ad.Grad(f)(x0).ToArray<double>());

        Func<Tensor, (Tensor, Tensor)> withAux = x => (Np.Sum(x * x), loop([x]));
        var staged = Ad.MakeProgram((Tensor x) => Ad.GradWithAux(withAux)(x).Grad, x0);
        Assert.Equal([2.0, 4.0], staged.Evaluate(x0)[0].ToArray<double>());
    }

    [Fact]
    public void Staged_JvpWorks_AndReverseModeWithoutATripCount_RaisesLinearityException()
    {
        Func<Tensor, Tensor> f = x => Lax.WhileLoop(c => c[0] < 100.0, c => [c[0] * c[0] + 1.5], x)[0];
        Func<(Tensor, Tensor), Tensor> jvp = p => Ad.Jvp(f, p.Item1, p.Item2).Tangent;
        var program = Ad.MakeProgram(jvp, (Tensor.Scalar(1.0), Tensor.Scalar(1.0)));
        Assert.Contains("while", program.ToString(), StringComparison.Ordinal);
        Assert.Equal(jvp((Tensor.Scalar(1.0), Tensor.Scalar(1.0))).ToDouble(), program.Evaluate(Tensor.Scalar(1.0), Tensor.Scalar(1.0))[0].ToDouble(), 1e-12);
        Assert.Throws<LinearityException>(() => Ad.MakeProgram(Ad.Grad(f), Tensor.Scalar(1.0)));

        // Also when a later transposable equation reads the staged loop's primal result (found by the Jit properties:
        // the scan was transposed first and was handed a missing operand).
        Func<Tensor, Tensor> scanned = x => Np.Sum(Lax.Scan((c, xi) => ([c[0] * xi[0]], [Np.Sin(c[0])]), [Tensor.Scalar(1.0)], [f(x[0]) * x]).Ys[0]);
        var ex = Assert.Throws<LinearityException>(() => Ad.MakeProgram(Ad.Grad(scanned), Tensor.FromArray([1.0, 2.0])));
        Assert.Contains("'while'", ex.Message, StringComparison.Ordinal);
        Assert.Throws<LinearityException>(() => Ad.Jit(Ad.Grad(scanned)).Invoke(Tensor.FromArray([1.0, 2.0])));
        var text = program.ToString();
        Assert.Equal(text, Ad.ParseProgram(text, [.. ProgramParser.ConstantsOf(program)]).ToString());
    }

    // 1000 trips of x ← sin(x)·0.5 + 0.4·x + a·0.01, counted by an int carry; checkpointed every k trips when k > 1.
    private static Tensor Long(Tensor x, Tensor a, int every) => Np.Sum(Lax.WhileLoop(
        c => c[0] < I(1000),
        c => [Lax.Add(c[0], I(1)), (Lax.Sin(c[1]) * 0.5) + (c[1] * 0.4) + (a * 0.01)],
        every, I(0), x)[1]);

    [Fact]
    public void Checkpointed_SameGradient_SquareRootResiduals()
    {
        var x = Tensor.FromArray([0.3, -0.7]);
        var a = Tensor.FromArray([1.5, -0.5]);
        var (gx, ga) = Ad.Grad<Tensor, Tensor>((p, q) => Long(p, q, 0), Wrt.Both)(x, a);
        var (cx, ca) = Ad.Grad<Tensor, Tensor>((p, q) => Long(p, q, 32), Wrt.Both)(x, a);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(gx.ToArray<double>()[i], cx.ToArray<double>()[i], 1e-13);
            Assert.Equal(ga.ToArray<double>()[i], ca.ToArray<double>()[i], 1e-13);
        }

        long Bytes(int every) => Ad.Residuals<(Tensor, Tensor)>(p => Long(p.Item1, p.Item2, every), (x, a)).Sum(r => r.Bytes);
        long plain = Bytes(0), checkpointed = Bytes(32);
        // 1000 trips × (a few 2-vectors) against ~31 kept carries plus one block's worth
        Assert.True(checkpointed * 10 < plain, $"{checkpointed} B with checkpointing, {plain} B without");
        // Newton's method checkpointed every 2 trips: the same implicit-function derivative
        Func<Tensor, Tensor, Tensor> newton = (p, q) => Lax.WhileLoop(
            c => Np.Abs(c[0] * c[0] * c[0] + p * c[0] - q) > 1e-15,
            c => [c[0] - (c[0] * c[0] * c[0] + p * c[0] - q) / (3.0 * c[0] * c[0] + p)],
            2, Tensor.Scalar(1.0))[0];
        var (na, nb) = Ad.Grad(newton, Wrt.Both)(Tensor.Scalar(2.0), Tensor.Scalar(5.0));
        double r = newton(Tensor.Scalar(2.0), Tensor.Scalar(5.0)).ToDouble();
        Assert.Equal(-r / ((3 * r * r) + 2), na.ToDouble(), 1e-10);
        Assert.Equal(1 / ((3 * r * r) + 2), nb.ToDouble(), 1e-10);
    }

    [Fact]
    public void BadLoops_RaiseTypedErrors()
    {
        Assert.Throws<ShapeException>(() => Lax.WhileLoop(c => c[0], c => c, Tensor.Scalar(1.0)));
        Assert.Throws<ShapeException>(() => Lax.WhileLoop(c => c[0] < 1.0, c => [Np.Reshape(c[0], [1])], Tensor.Scalar(1.0)));
    }
}
