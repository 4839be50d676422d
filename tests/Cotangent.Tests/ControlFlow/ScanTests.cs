using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Tests.ControlFlow;

/// <summary>
/// scan and fori_loop: values against plain loops; derivatives against finite differences to second order in both
/// modes (carries, scanned inputs, captured weights); Grad's linear program holds one scan whatever the length, with
/// residuals stacked per step; the transpose identity and transposing twice; DCE; the text form.
/// </summary>
public class ScanTests
{
    private static readonly Tensor s_w = Tensor.FromArray([0.5, -0.3, 0.2, 0.8, 0.1, -0.6, 0.4, 0.3, -0.2], 3, 3);

    // A small RNN: h ← tanh(W·h + x), y = sin(h)·h; loss = Σy + Σh_T.
    private static Tensor Rnn((Tensor W, Tensor H0, Tensor Xs) p, bool reverse = false)
    {
        var (carry, ys) = Lax.Scan((c, x) =>
        {
            var h = Lax.Tanh(Lax.DotGeneral(p.W, c[0], [1], [0], [], []) + x[0]);
            return ([h], [Lax.Sin(h) * h]);
        }, [p.H0], [p.Xs], reverse: reverse);
        return Np.Sum(ys[0]) + Np.Sum(carry[0]);
    }

    private static Tensor RnnUnrolled((Tensor W, Tensor H0, Tensor Xs) p, bool reverse = false)
    {
        var h = p.H0;
        var total = Tensor.Scalar(0.0);
        int n = p.Xs.Shape[0];
        for (int s = 0; s < n; s++)
        {
            int i = reverse ? n - 1 - s : s;
            h = Lax.Tanh(Lax.DotGeneral(p.W, h, [1], [0], [], []) + Np.Reshape(Lax.Slice(p.Xs, [i, 0], [i + 1, 3], [1, 1]), [3]));
            total = total + Np.Sum(Lax.Sin(h) * h);
        }

        return total + Np.Sum(h);
    }

    private static (Tensor, Tensor, Tensor) Point(int steps)
    {
        var r = new Random(7);
        var xs = new double[steps * 3];
        for (int i = 0; i < xs.Length; i++) xs[i] = r.NextDouble() - 0.5;
        return (s_w, Tensor.FromArray([0.1, -0.2, 0.3]), Tensor.FromArray(xs, steps, 3));
    }

    [Fact]
    public void Eager_MatchesThePlainLoop_ForwardAndReverse()
    {
        var p = Point(6);
        Assert.Equal(RnnUnrolled(p).ToDouble(), Rnn(p).ToDouble(), 1e-14);
        Assert.Equal(RnnUnrolled(p, true).ToDouble(), Rnn(p, true).ToDouble(), 1e-14);
        // cumulative sum with stacked outputs, and a reversed one
        var x = Tensor.FromArray([1.0, 2.0, 3.0, 4.0]);
        var (c, ys) = Lax.Scan((c, s) => ([c[0] + s[0]], [c[0] + s[0]]), [Tensor.Scalar(0.0)], [x]);
        Assert.Equal([1.0, 3.0, 6.0, 10.0], ys[0].ToArray<double>());
        Assert.Equal(10.0, c[0].ToDouble());
        var (_, rev) = Lax.Scan((c, s) => ([c[0] + s[0]], [c[0] + s[0]]), [Tensor.Scalar(0.0)], [x], reverse: true);
        Assert.Equal([10.0, 9.0, 7.0, 4.0], rev[0].ToArray<double>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Derivatives_MatchFiniteDifferences_ToSecondOrder(bool reverse)
        => Ad.CheckGrads<(Tensor, Tensor, Tensor), Tensor>(p => Rnn(p, reverse), Point(5), order: 2);

    [Fact]
    public void Grad_EqualsGradOfTheUnrolledLoop()
    {
        var p = Point(20);
        var (gw, gh, gx) = Ad.Grad<(Tensor, Tensor, Tensor)>(q => Rnn(q))(p);
        var (uw, uh, ux) = Ad.Grad<(Tensor, Tensor, Tensor)>(q => RnnUnrolled(q))(p);
        AssertClose(uw, gw);
        AssertClose(uh, gh);
        AssertClose(ux, gx);
    }

    [Fact]
    public void CapturedTracer_IsAConstantOperand_AndGetsItsGradient()
    {
        // W is captured by the body rather than passed: its cotangent must still be accumulated across steps.
        var p = Point(8);
        Func<Tensor, Tensor> f = w => Rnn((w, p.Item2, p.Item3));
        Ad.CheckGrads(f, s_w, order: 2);
    }

    [Fact]
    public void LinearProgram_HoldsOneScan_AndStacksResidualsPerStep()
    {
        int Equations(int steps)
        {
            var (_, lin) = Ad.Linearize<(Tensor, Tensor, Tensor), Tensor>(q => Rnn(q), Point(steps));
            return lin.Program.Equations.Count;
        }

        long ResidualElements(int steps)
        {
            var (_, lin) = Ad.Linearize<(Tensor, Tensor, Tensor), Tensor>(q => Rnn(q), Point(steps));
            return lin.Program.ConstValues.Sum(c => (long)c.Aval.Shape.Size);
        }

        Assert.Equal(Equations(10), Equations(1000));
        Assert.Contains(Ad.Linearize<(Tensor, Tensor, Tensor), Tensor>(q => Rnn(q), Point(10)).Linear.Program.Equations, e => e.Primitive.Name == "scan");
        long r100 = ResidualElements(100), r1000 = ResidualElements(1000);
        // O(n): a fixed number of stacked 3-vectors per step plus a constant (W, loop invariant, passed once).
        Assert.Equal(10.0, (double)(r1000 - 9) / (r100 - 9), 0.2);
    }

    [Fact]
    public void LoopInvariantResiduals_AreComputedOnce_NotStacked()
    {
        // tanh(W) depends on the constant alone: its derivative factor 1 − tanh²(W) is a residual computed once, not per step.
        Func<(Tensor W, Tensor Xs), Tensor> f = p =>
        {
            var (c, _) = Lax.Scan((c, x) => ([Lax.DotGeneral(Lax.Tanh(p.W), c[0], [1], [0], [], []) + x[0]], []), [Tensor.FromArray([0.1, 0.2, 0.3])], [p.Xs]);
            return Np.Sum(c[0]);
        };
        var point = (s_w, Point(50).Item3);
        var report = Ad.Residuals(f, point);
        Assert.Contains(report, r => r.Source == "scan (loop-invariant, computed once)" && r.Aval.Shape.Dims.SequenceEqual([3, 3]));
        Assert.DoesNotContain(report, r => r.Aval.Shape.Rank == 3);   // nothing W-shaped stacked over the 50 steps
        Ad.CheckGrads(f, point, order: 2);
    }

    [Fact]
    public void LinearScan_TransposeIdentity_AndTransposeTwice()
    {
        // L(h0, xs) = scan h ← A·h + 2·x, y = h: linear in (h0, xs).
        var a = Tensor.FromArray([0.9, 0.1, -0.2, 0.7], 2, 2);
        Func<(Tensor H, Tensor Xs), (Tensor, Tensor)> l = t =>
        {
            var (c, ys) = Lax.Scan((c, x) =>
            {
                var h = Lax.DotGeneral(a, c[0], [1], [0], [], []) + x[0] * 2.0;
                return ([h], [h]);
            }, [t.H], [t.Xs]);
            return (c[0], ys[0]);
        };
        var t = (Tensor.FromArray([0.3, -0.4]), Tensor.FromArray([0.1, 0.2, -0.3, 0.5, 0.7, -0.1], 3, 2));
        var ct = (Tensor.FromArray([1.0, -2.0]), Tensor.FromArray([0.4, 0.3, -0.8, 0.1, 0.2, 0.9], 3, 2));
        var lt = Ad.LinearTranspose(l, t);
        var (y1, y2) = l(t);
        var (x1, x2) = lt.Apply(ct);
        double lhs = Np.Sum(ct.Item1 * y1).ToDouble() + Np.Sum(ct.Item2 * y2).ToDouble();
        double rhs = Np.Sum(x1 * t.Item1).ToDouble() + Np.Sum(x2 * t.Item2).ToDouble();
        Assert.Equal(lhs, rhs, 1e-12);
        var twice = Ad.LinearTranspose<(Tensor, Tensor), (Tensor, Tensor)>(lt.Apply, ct);
        var (z1, z2) = twice.Apply(t);
        AssertClose(y1, z1);
        AssertClose(y2, z2);
    }

    [Fact]
    public void StagedGrad_EqualsEagerGrad_AndPrintsAndParses()
    {
        var p = Point(4);
        var grad = Ad.Grad<(Tensor, Tensor, Tensor)>(q => Rnn(q));
        var program = Ad.MakeProgram(grad, p);
        var text = program.ToString();
        Assert.Contains("scan", text, StringComparison.Ordinal);
        var staged = program.Evaluate(p.Item1, p.Item2, p.Item3);
        var (gw, gh, gx) = grad(p);
        AssertClose(gw, staged[0]);
        AssertClose(gh, staged[1]);
        AssertClose(gx, staged[2]);
        var back = Ad.ParseProgram(text, [.. ProgramParser.ConstantsOf(program)]);
        Assert.Equal(text, back.ToString());
    }

    [Fact]
    public void Dce_DropsCarriesNothingNeeds()
    {
        // Two carries: a counter nobody reads and a sum; only the stacked outputs are used.
        Func<Tensor, Tensor> f = xs =>
        {
            var (_, ys) = Lax.Scan((c, x) => ([c[0] + 1.0, c[1] + x[0]], [Lax.Exp(x[0])]), [Tensor.Scalar(0.0), Tensor.Scalar(0.0)], [xs]);
            return ys[0];
        };
        var program = Dce.Run(Ad.MakeProgram(f, Tensor.FromArray([1.0, 2.0, 3.0])));
        var scan = program.Equations.Single(e => e.Primitive.Name == "scan");
        Assert.Single(scan.Outputs);
        Assert.DoesNotContain("add", program.ToString(), StringComparison.Ordinal);
        Assert.Equal(f(Tensor.FromArray([1.0, 2.0, 3.0])).ToArray<double>(), program.Evaluate(Tensor.FromArray([1.0, 2.0, 3.0]))[0].ToArray<double>());
    }

    [Fact]
    public void ForiLoop_ValueAndDerivatives()
    {
        // x ← 0.9·x + 0.1·sin(x·i), 12 steps.
        Func<Tensor, Tensor> f = x => Np.Sum(Lax.ForiLoop(0, 12, (i, c) => [c[0] * 0.9 + Lax.Sin(c[0] * Lax.Convert(i, DType.Float64)) * 0.1], x)[0]);
        var x0 = Tensor.FromArray([0.3, -1.2]);
        double expected = 0;
        foreach (var v in new[] { 0.3, -1.2 })
        {
            double x = v;
            for (int i = 0; i < 12; i++) x = (x * 0.9) + (Math.Sin(x * i) * 0.1);
            expected += x;
        }

        Assert.Equal(expected, f(x0).ToDouble(), 1e-14);
        Ad.CheckGrads(f, x0, order: 2);
    }

    [Fact]
    public void BadBodies_RaiseTypedErrors()
    {
        var xs = Tensor.FromArray([1.0, 2.0]);
        Assert.Throws<ShapeException>(() => Lax.Scan((c, x) => ([Np.Reshape(c[0], [1])], []), [Tensor.Scalar(0.0)], [xs]));
        Assert.Throws<ShapeException>(() => Lax.Scan((c, x) => ([c[0], c[0]], []), [Tensor.Scalar(0.0)], [xs]));
        Assert.Throws<ShapeException>(() => Lax.Scan((c, x) => (c, []), [Tensor.Scalar(0.0)], [xs], length: 3));
        Assert.Throws<ShapeException>(() => Lax.Scan((c, x) => (c, []), [Tensor.Scalar(0.0)], []));
    }

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        var e = expected.ToArray<double>();
        var a = actual.ToArray<double>();
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - a[i]) <= 1e-11 * (1 + Math.Abs(e[i])), $"element {i}: {e[i]:R} vs {a[i]:R}");
    }
}
