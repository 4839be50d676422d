using Cotangent.Runtime;
using Cotangent.Transforms;
using static Cotangent.Np;

namespace Cotangent.Tests.Trust;

/// <summary>
/// Eager evaluators hand intermediate buffers back to the pool at their last use (the backward pass, program
/// evaluation). These tests use arrays far above the pool's 80 KB threshold — at small sizes nothing is recycled and
/// a bug would hide — and check what a user relies on: gradients equal closed forms computed by plain loops, inputs
/// and earlier results never change, views of intermediates survive, and recycling really happened.
/// </summary>
[Collection(nameof(MemoryMeasurement))]
public class RecyclingTests
{
    private const int N = 40_000; // 320 KB of f64 per array

    private static double[] Data(int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, N).Select(_ => (rng.NextDouble() * 4) - 2).ToArray();
    }

    /// <summary>Fan-out (x used four times: accumulation), a sum whose transpose hands one cotangent to two inputs,
    /// reshapes (views sharing buffers), and many same-sized intermediates.</summary>
    private static Tensor F(Tensor x)
    {
        var t = Tanh(x);
        var tv = Reshape(t, [200, 200]);   // a view of t that outlives t's last use below
        var u = (t * x) + Exp(-(x * x));
        var v = Reshape(u, [200, 200]);
        var w = Reshape(Sin(v) + v, [N]);
        return Sum(w + (t * t)) + (Sum(tv) * 0.5) + (Sum(Reshape(x, [200, 200])) * 0.25);
    }

    /// <summary>f′ by hand: u = tanh(x)·x + e^(−x²), w = sin u + u, f = Σ w + tanh² x + ½ tanh x + ¼ x.</summary>
    private static double[] GradByHand(double[] x)
    {
        var g = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double t = Math.Tanh(x[i]), e = Math.Exp(-x[i] * x[i]);
            double u = (t * x[i]) + e;
            double du = ((1 - (t * t)) * x[i]) + t - (2 * x[i] * e);
            g[i] = ((Math.Cos(u) + 1) * du) + (2 * t * (1 - (t * t))) + (0.5 * (1 - (t * t))) + 0.25;
        }

        return g;
    }

    private static void Close(double[] want, double[] got, string what)
    {
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++)
        {
            if (Math.Abs(want[i] - got[i]) > 1e-12 * (1 + Math.Abs(want[i])))
                Assert.Fail($"{what}: element {i} is {got[i]:R}, want {want[i]:R}");
        }
    }

    [Fact]
    public void Grad_AtLargeSizes_MatchesTheClosedForm_AndRecycles()
    {
        var xs = Data(1);
        var x = Tensor.FromArray(xs, [N]);
        long released = BufferPool.Released;
        var grad = Ad.Grad<Tensor>(F);
        var first = grad(x).ToArray<double>();
        Close(GradByHand(xs), first, "Grad");
        Assert.True(BufferPool.Released > released, "the backward pass recycled nothing at this size, so the test exercised nothing");

        // Repeated calls on recycled memory give the same bits, and neither the input nor the earlier result changed.
        var kept = grad(x);
        var keptCopy = kept.ToArray<double>();
        for (int r = 0; r < 5; r++)
        {
            Assert.Equal(first, grad(x).ToArray<double>());
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.Equal(xs, x.ToArray<double>());
        Assert.Equal(keptCopy, kept.ToArray<double>());
    }

    [Fact]
    public void LinearApply_AndProgramEvaluation_AtLargeSizes_MatchTheClosedForm()
    {
        var xs = Data(2);
        var x = Tensor.FromArray(xs, [N]);
        var (y, lin) = Linearization.Linearize(a => [F(a[0])], [x]);
        var ones = Tensor.FromArray(Enumerable.Repeat(1.0, N).ToArray(), [N]);
        long released = BufferPool.Released;

        // The JVP along the all-ones direction is Σ f′(x).
        double jvp = lin.Apply(ones)[0].ToDouble();
        double want = GradByHand(xs).Sum();
        Assert.True(Math.Abs(jvp - want) < 1e-9 * (1 + Math.Abs(want)), $"JVP {jvp:R}, want {want:R}");

        // The transpose as a program, evaluated eagerly, gives the gradient; the residuals survive every evaluation.
        var transposed = lin.Transpose();
        var g = transposed.Apply((Tensor)1.0)[0].ToArray<double>();
        Close(GradByHand(xs), g, "transposed program");
        Assert.Equal(g, transposed.Apply((Tensor)1.0)[0].ToArray<double>());
        Assert.Equal(jvp, lin.Apply(ones)[0].ToDouble());
        Assert.Equal(y[0].ToDouble(), F(x).ToDouble());
        Assert.True(BufferPool.Released > released, "program evaluation recycled nothing at this size");
    }

    [Fact]
    public void ProgramEvaluation_OfFAndOfItsGradient_AtLargeSizes()
    {
        var xs = Data(5);
        var x = Sin(Tensor.FromArray(xs, [N])) * 2.0;   // a pool-tracked input buffer
        var xv = x.ToArray<double>();
        var f = Ad.MakeProgram<Tensor, Tensor>(F, x);
        var g = Ad.MakeProgram<Tensor, Tensor>(Ad.Grad<Tensor>(F), x);
        double want = F(x).ToDouble();
        var gradWant = GradByHand(xv);
        long released = BufferPool.Released;
        for (int r = 0; r < 3; r++)
        {
            Assert.Equal(want, f.Evaluate(x)[0].ToDouble(), 1e-9);
            Close(gradWant, g.Evaluate(x)[0].ToArray<double>(), "the gradient program");
            Assert.Equal(xv, x.ToArray<double>());
        }

        Assert.True(BufferPool.Released > released, "program evaluation recycled nothing at this size");
    }

    [Fact]
    public void Vjp_WithALargeCotangent_LeavesTheCallersCotangentAlone()
    {
        var xs = Data(3);
        var x = Tensor.FromArray(xs, [N]);
        // A cotangent computed by a kernel, so its buffer is one the pool tracks and could wrongly take back.
        var ct = Sin(Tensor.FromArray(Data(4), [N]));
        var ctData = ct.ToArray<double>();
        var (_, pullback) = Ad.Vjp<Tensor, Tensor>(a => Reshape(Tanh(a) * 2.0, [200, 200]) + 1.0, x);
        var ct2 = Reshape(ct, [200, 200]);
        var g = pullback(ct2).ToArray<double>();
        for (int r = 0; r < 4; r++)
        {
            _ = Exp(x) + Sin(x);   // allocations that would land in any buffer wrongly handed back
            Assert.Equal(ctData, ct.ToArray<double>());
            Assert.Equal(g, pullback(ct2).ToArray<double>());
        }

        for (int i = 0; i < N; i += 101)
        {
            double t = Math.Tanh(xs[i]);
            Assert.Equal(ctData[i] * 2 * (1 - (t * t)), g[i], 1e-12);
        }
    }

    [Fact]
    public void TrainingLoop_WithLargeTensors_StaysBoundedByThePool()
    {
        var x = RandomNormal(1, [256, 128]);
        var w0 = RandomNormal(2, [128, 256]) * 0.05;
        Func<Tensor, Tensor> loss = w => Mean(Square(Tanh(MatMul(x, w)) - 0.5));
        var grad = Ad.Grad(loss);
        var w = w0;
        for (int i = 0; i < 20; i++) w -= grad(w) * 0.5;
        double before = loss(w).ToDouble();
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < 300; i++) w -= grad(w) * 0.5;
        long final = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(final - baseline < BufferPool.LimitBytes + (8 << 20), $"managed memory grew by {(final - baseline) >> 20} MB (pool limit {BufferPool.LimitBytes >> 20} MB)");
        Assert.True(loss(w).ToDouble() < before, "training should make progress");
    }
}
