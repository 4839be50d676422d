using Cotangent.Primitives;

namespace Cotangent.Tests.ControlFlow;

/// <summary>The README's control-flow examples, verbatim inside each test, with what they claim checked.</summary>
public class ReadmeExamplesTests
{
    [Fact]
    public void ForiLoop_Example()
    {
        Tensor Run(Tensor x) => Lax.ForiLoop(0, 100_000, (i, c) => [Lax.Sin(c[0]) * 1.01 + 0.1], x)[0];
        Tensor g = Ad.Grad<Tensor>(Run)(Tensor.Scalar(0.5));
        // the derivative is Π (1.01·cos xᵢ) along the orbit, computed here by a plain loop
        double x = 0.5, d = 1;
        for (int i = 0; i < 100_000; i++)
        {
            d *= 1.01 * Math.Cos(x);
            x = (Math.Sin(x) * 1.01) + 0.1;
        }

        Assert.Equal(d, g.ToDouble(), 1e-12);
        Assert.Equal(x, Run(Tensor.Scalar(0.5)).ToDouble(), 1e-12);
    }

    [Fact]
    public void Scan_Example()
    {
        var w = Tensor.FromArray([0.5, -0.3, 0.2, 0.8, 0.1, -0.6, 0.4, 0.3, -0.2], 3, 3);
        var h0 = Tensor.FromArray([0.1, 0.2, 0.3]);
        var xs = Tensor.FromArray([0.3, -0.1, 0.4, -0.9, -0.2, 0.1], 2, 3);
        var (carry, ys) = Lax.Scan((c, x) => { var h = Lax.Tanh(Np.MatMul(w, c[0]) + x[0]); return ([h], [h * h]); }, [h0], [xs]);
        var h1 = Lax.Tanh(Np.MatMul(w, h0) + xs[0]);
        var h2 = Lax.Tanh(Np.MatMul(w, h1) + xs[1]);
        Assert.Equal(h2.ToArray<double>(), carry[0].ToArray<double>());
        Assert.Equal(Np.Stack([h1 * h1, h2 * h2]).ToArray<double>(), ys[0].ToArray<double>());
    }

    [Fact]
    public void WhileLoop_Example()
    {
        Tensor Root(Tensor a, Tensor b) => Lax.WhileLoop(
            c => Np.Abs(c[0] * c[0] * c[0] + a * c[0] - b) > 1e-15,
            c => [c[0] - (c[0] * c[0] * c[0] + a * c[0] - b) / (3.0 * c[0] * c[0] + a)],
            Tensor.Scalar(1.0))[0];
        var (da, db) = Ad.Grad<Tensor, Tensor>(Root, Wrt.Both)(Tensor.Scalar(2.0), Tensor.Scalar(5.0));   // = −x/(3x²+a), 1/(3x²+a)
        double x = Root(Tensor.Scalar(2.0), Tensor.Scalar(5.0)).ToDouble();
        Assert.Equal(-x / ((3 * x * x) + 2), da.ToDouble(), 1e-10);
        Assert.Equal(1 / ((3 * x * x) + 2), db.ToDouble(), 1e-10);
    }

    [Fact]
    public void Cond_Example()
    {
        foreach (var x in new[] { Tensor.FromArray([0.5, 1.0]), Tensor.FromArray([-0.5, -1.0]) })
        {
            Tensor y = Lax.Cond(Np.Sum(x) > 0.0, o => [Np.Sin(o[0])], o => [o[0] * o[0]], x)[0];
            Assert.Equal((Np.Sum(x).ToDouble() > 0 ? Np.Sin(x) : x * x).ToArray<double>(), y.ToArray<double>());
        }
    }

    [Fact]
    public void CustomRules_Examples()
    {
        var a = Tensor.FromArray([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3, 2);
        var log1pexp = Lax.CustomJvp(
            x => [Np.Log(Np.Exp(x[0]) + 1.0)],
            (x, t) => ([Np.Log(Np.Exp(x[0]) + 1.0)], [t[0] * Lax.Logistic(x[0])]));
        Tensor slope = Ad.Grad<Tensor>(v => log1pexp([v])[0])(Tensor.Scalar(1000.0));         // 1
        Assert.Equal(1.0, slope.ToDouble());

        var ste = Lax.CustomVjp(x => [Lax.Round(x[0])], x => ([Lax.Round(x[0])], []), (r, ct) => [ct[0]]);
        Tensor through = Ad.Grad<Tensor>(v => ste([v])[0])(Tensor.Scalar(1.7));                 // 1 (Round alone: 0)
        Assert.Equal(1.0, through.ToDouble());
        Assert.Throws<DifferentiationException>(() => Ad.Jvp<Tensor, Tensor>(v => ste([v])[0], Tensor.Scalar(1.7), Tensor.Scalar(1.0)));

        var op = Lax.CustomLinear(v => [Np.MatMul(a, v[0])], u => [Np.MatMul(Np.Transpose(a), u[0])]);
        Tensor aTu = Ad.LinearTranspose<Tensor, Tensor>(v => op([v])[0], Np.Zeros(2)).Apply(Np.Ones(3));
        Assert.Equal([9.0, 12.0], aTu.ToArray<double>());
    }
}
