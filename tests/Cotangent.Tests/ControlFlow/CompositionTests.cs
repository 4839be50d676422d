using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Tests.ControlFlow;

/// <summary>Control flow composes with itself and with every transformation, at any nesting.</summary>
public class CompositionTests
{
    private static Tensor I(int v) => new(NDArray.Scalar(DType.Int32, v));

    // An outer scan whose body is a cond, one branch of which runs an inner scan over the same slice.
    private static Tensor Nested(Tensor w, Tensor xs)
    {
        var (c, ys) = Lax.Scan((c, x) =>
        {
            var h = Lax.Cond(Np.Sum(x[0]) > 0.0,
                o =>
                {
                    var (ic, _) = Lax.Scan((ic, e) => ([Lax.Tanh(ic[0] * w + e[0])], []), [o[0]], [o[1]]);
                    return [ic[0]];
                },
                o => [Lax.Sin(o[0] * w) + Np.Sum(o[1])],
                c[0], x[0]);
            return ([h[0]], [h[0] * h[0]]);
        }, [Tensor.Scalar(0.2)], [xs]);
        return Np.Sum(ys[0]) + c[0];
    }

    private static readonly Tensor s_xs = Tensor.FromArray([0.3, -0.1, 0.4, -0.9, -0.2, 0.1, 0.5, 0.6, -0.7, 0.2, 0.3, -0.4], 4, 3);

    [Fact]
    public void GradOfAScanInsideACondInsideAScan_MatchesFiniteDifferences_ToSecondOrder()
        => Ad.CheckGrads<(Tensor, Tensor), Tensor>(p => Nested(p.Item1, p.Item2), (Tensor.Scalar(0.7), s_xs), order: 2);

    [Fact]
    public void JvpOfGradOfAWhileLoop_EqualsTheHessianVectorProduct()
    {
        // f(x) = Σ the carry after five trips of c ← sin(c)·x + c/2, with x a vector.
        Func<Tensor, Tensor> f = x => Np.Sum(Lax.WhileLoop(c => c[0] < I(5), c => [Lax.Add(c[0], I(1)), Lax.Sin(c[1]) * x + c[1] * 0.5], I(0), x * 0.1)[1]);
        var x0 = Tensor.FromArray([0.3, -0.6, 1.1]);
        var v = Tensor.FromArray([1.0, 0.5, -2.0]);
        var (_, hv) = Ad.Jvp(Ad.Grad(f), x0, v);
        var h = Ad.JacFwd(Ad.Grad(f))(x0);
        var expected = Lax.DotGeneral(h, v, [1], [0], [], []).ToArray<double>();
        var actual = hv.ToArray<double>();
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], actual[i], 1e-12);
        // and both against central differences of the gradient
        const double step = 1e-5;
        var gp = Ad.Grad(f)(x0 + (v * step)).ToArray<double>();
        var gm = Ad.Grad(f)(x0 - (v * step)).ToArray<double>();
        for (int i = 0; i < 3; i++) Assert.Equal((gp[i] - gm[i]) / (2 * step), actual[i], 1e-7);
    }

    [Fact]
    public void Hessian_ThroughAScan_IsSymmetric_AndMatchesJacRevOfGrad()
    {
        Func<Tensor, Tensor> f = w => Nested(w[0], s_xs) + Nested(w[1] * 0.5, s_xs);
        var w0 = Tensor.FromArray([0.7, -0.3]);
        var fwd = Ad.JacFwd(Ad.Grad(f))(w0).ToArray<double>();
        var rev = Ad.JacRev(Ad.Grad(f))(w0).ToArray<double>();
        Assert.Equal(fwd[1], fwd[2], 1e-12);
        for (int i = 0; i < 4; i++) Assert.Equal(fwd[i], rev[i], 1e-12);
    }

    [Fact]
    public void Printing_ShowsNestedBodies()
    {
        var text = Ad.MakeProgram<(Tensor, Tensor), Tensor>(p => Nested(p.Item1, p.Item2), (Tensor.Scalar(0.7), s_xs)).ToString();
        int outer = text.IndexOf("scan[", StringComparison.Ordinal);
        int cond = text.IndexOf("cond[", outer, StringComparison.Ordinal);
        int inner = text.IndexOf("scan[", cond, StringComparison.Ordinal);
        Assert.True(outer >= 0 && cond > outer && inner > cond, text);
        // nested bodies are indented deeper than their equation
        int Indent(int at) => text.Skip(text.LastIndexOf('\n', at) + 1).TakeWhile(ch => ch == ' ').Count();
        Assert.True(Indent(inner) > Indent(outer));
    }
}
