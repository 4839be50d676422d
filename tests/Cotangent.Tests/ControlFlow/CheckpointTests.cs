using Cotangent.Primitives;

namespace Cotangent.Tests.ControlFlow;

/// <summary>
/// Checkpointing: a checkpointed region computes the same values and derivatives under every policy while keeping only
/// what the policy names (shown by the residual report); a scan checkpointed every k steps keeps O(n/k + k).
/// </summary>
public class CheckpointTests
{
    private static readonly Tensor s_w = Tensor.FromArray([0.5, -0.3, 0.2, 0.8, 0.1, -0.6, 0.4, 0.3, -0.2], 3, 3);

    private static Tensor[] Region(Tensor[] a)
    {
        var h = Lax.SaveName(Lax.DotGeneral(a[0], a[1], [1], [0], [], []), "pre");
        var t = Lax.Tanh(h);
        return [Lax.Sin(t) * t + Lax.Exp(h * 0.1)];
    }

    public static TheoryData<string> Policies => ["plain", "nothing", "dots", "names", "everything"];

    private static RematPolicy? Policy(string name) => name switch
    {
        "nothing" => RematPolicy.Nothing,
        "dots" => RematPolicy.Dots,
        "names" => RematPolicy.SaveNames("pre"),
        "everything" => RematPolicy.Everything,
        _ => null,
    };

    private static Func<(Tensor W, Tensor X), Tensor> Loss(string policy)
    {
        var region = Policy(policy) is { } p ? Lax.Checkpoint(Region, p) : Region;
        return a => Np.Sum(region([a.W, a.X])[0] * a.X);
    }

    private static readonly (Tensor, Tensor) s_point = (s_w, Tensor.FromArray([0.3, -0.7, 1.1]));

    [Theory]
    [MemberData(nameof(Policies))]
    public void EveryPolicy_SameValueAndGradient_AndSecondOrder(string policy)
    {
        var f = Loss(policy);
        Assert.Equal(Loss("plain")(s_point).ToDouble(), f(s_point).ToDouble(), 1e-15);
        var (gw, gx) = Ad.Grad(f)(s_point);
        var (pw, px) = Ad.Grad(Loss("plain"))(s_point);
        Assert.Equal(pw.ToArray<double>(), gw.ToArray<double>(), (a, b) => Math.Abs(a - b) <= 1e-14);
        Assert.Equal(px.ToArray<double>(), gx.ToArray<double>(), (a, b) => Math.Abs(a - b) <= 1e-14);
        Ad.CheckGrads(f, s_point, order: 2);
    }

    [Fact]
    public void ResidualReport_ShowsWhatEachPolicyKeeps()
    {
        var plain = Ad.Residuals(Loss("plain"), s_point);
        var nothing = Ad.Residuals(Loss("nothing"), s_point);
        var dots = Ad.Residuals(Loss("dots"), s_point);
        var names = Ad.Residuals(Loss("names"), s_point);
        // save nothing: only the region's inputs (shared with the caller, not copies) and its result, which the
        // product outside the region needs
        Assert.All(nothing, r => Assert.True(r.Source.StartsWith("input", StringComparison.Ordinal) || r.Source == "remat (a result of the region)", r.Source));
        Assert.DoesNotContain(nothing, r => r.Source.Contains("kept", StringComparison.Ordinal));
        // dots: the inputs and the product, nothing elementwise
        Assert.Contains(dots, r => r.Source.StartsWith("remat", StringComparison.Ordinal) && r.Aval.Shape.Dims.SequenceEqual([3]));
        Assert.DoesNotContain(dots, r => r.Source is "tanh" or "sin" or "cos" or "exp" or "mul");
        Assert.Equal(dots.Select(r => r.Bytes).Sum(), names.Select(r => r.Bytes).Sum());
        // no checkpoint keeps the elementwise intermediates, with their sources named
        Assert.Contains(plain, r => r.Source is "tanh" or "cos" or "exp" or "sin" or "mul");
        Assert.True(plain.Sum(r => r.Bytes) > dots.Sum(r => r.Bytes));
        Assert.True(dots.Sum(r => r.Bytes) > nothing.Sum(r => r.Bytes));
        Assert.All(plain, r => Assert.Equal(r.Aval.Shape.Size * 8L, r.Bytes));
    }

    private static Tensor Chain(Tensor x0, Tensor xs, int every, bool reverse = false)
    {
        var (c, ys) = Lax.Scan((c, x) =>
        {
            var h = Lax.Sin(c[0]) * 0.9 + Lax.Tanh(x[0]) * c[0];
            return ([h], [h * h]);
        }, [x0], [xs], reverse: reverse, checkpointEvery: every);
        return Np.Sum(ys[0]) + c[0];
    }

    private static Tensor Xs(int n)
    {
        var r = new Random(3);
        return Tensor.FromArray([.. Enumerable.Range(0, n).Select(_ => r.NextDouble() - 0.5)]);
    }

    [Theory]
    [InlineData(1000, 31, false)]
    [InlineData(1000, 31, true)]
    [InlineData(64, 8, false)]
    public void CheckpointedScan_SameGradient(int n, int every, bool reverse)
    {
        var xs = Xs(n);
        var (g0, gx) = Ad.Grad<Tensor, Tensor>((a, b) => Chain(a, b, every, reverse), Wrt.Both)(Tensor.Scalar(0.4), xs);
        var (p0, px) = Ad.Grad<Tensor, Tensor>((a, b) => Chain(a, b, 0, reverse), Wrt.Both)(Tensor.Scalar(0.4), xs);
        Assert.Equal(Chain(Tensor.Scalar(0.4), xs, 0, reverse).ToDouble(), Chain(Tensor.Scalar(0.4), xs, every, reverse).ToDouble(), 1e-12);
        Assert.Equal(p0.ToDouble(), g0.ToDouble(), 1e-12);
        var a = px.ToArray<double>();
        var b = gx.ToArray<double>();
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 1e-12);
    }

    [Fact]
    public void ResidualCounts_LinearInN_SquareRootWithCheckpointing()
    {
        long Elements(int n, int every) => Ad.Residuals<(Tensor, Tensor)>(p => Chain(p.Item1, p.Item2, every), (Tensor.Scalar(0.4), Xs(n))).Sum(r => r.Bytes) / 8;
        long plain1k = Elements(1000, 0), plain4k = Elements(4000, 0);
        long sqrt1k = Elements(1000, 32), sqrt4k = Elements(4000, 64);
        // O(n): four times the steps, four times the residuals (up to the inputs, which are n + 1 elements too)
        Assert.InRange((double)plain4k / plain1k, 3.9, 4.1);
        // O(√n) kept between the passes beyond the inputs themselves (which the caller holds anyway)
        long kept1k = sqrt1k - 1001, kept4k = sqrt4k - 4001;
        Assert.InRange((double)kept4k / kept1k, 1.5, 2.5);
        Assert.True(kept1k < 100, $"{kept1k} elements kept with checkpointing every 32 of 1000 steps");
    }
}
