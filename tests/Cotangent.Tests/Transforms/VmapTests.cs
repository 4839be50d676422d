using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Tests.Transforms;

/// <summary>
/// Vmap as a user calls it: against the loop over examples, composed with every transformation in both orders, over
/// control flow with per-example branches and trip counts, at realistic sizes, and its errors.
/// </summary>
public class VmapTests
{
    private static Tensor Slice(Tensor x, int axis, int e)
    {
        var start = new int[x.Rank];
        var limit = x.Shape.ToArray();
        start[axis] = e;
        limit[axis] = e + 1;
        var dims = x.Shape.ToArray().ToList();
        dims.RemoveAt(axis);
        return Lax.Reshape(Lax.Slice(x, start, limit, Enumerable.Repeat(1, x.Rank).ToArray()), Shape.Of([.. dims]));
    }

    private static Tensor Loop(Func<Tensor, Tensor> f, Tensor xs, int inAxis = 0, int outAxis = 0) =>
        Np.Stack(Enumerable.Range(0, xs.Shape[inAxis]).Select(e => f(Slice(xs, inAxis, e))).ToArray(), outAxis);

    private static void Close(Tensor expected, Tensor actual, double tol = 1e-12)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var (a, b) = (expected.ToArray<double>(), actual.ToArray<double>());
        for (int i = 0; i < a.Length; i++)
            Assert.True(Math.Abs(a[i] - b[i]) <= tol * (1 + Math.Abs(a[i])), $"element {i}: expected {a[i]}, got {b[i]}");
    }

    private static Tensor Normal(ulong seed, params int[] shape) => Np.RandomNormal(seed, shape);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(-1, 1)]
    [InlineData(0, -1)]
    public void Vmap_MatchesTheLoop_ForEveryInAndOutAxis(int inAxis, int outAxis)
    {
        Func<Tensor, Tensor> f = v => Np.Sin(v) * Np.Sum(v * v) + Np.CumSum(v, 0);
        var xs = Normal(1, 6, 6);   // a batch size equal to the per-example extent: a misplaced batch axis is not masked by shapes
        var inA = inAxis < 0 ? inAxis + xs.Rank : inAxis;
        Close(Loop(f, xs, inA, outAxis < 0 ? 1 : outAxis), Ad.Vmap(f, inAxis, outAxis)(xs));
    }

    [Fact]
    public void Vmap_OfTwoArguments_ClosesOverTheUnbatchedOne()
    {
        var w = Normal(2, 10, 20);
        var xs = Normal(3, 128, 20);   // 128 examples, 20 KB: past the sizes where a stale buffer would hide
        var f = Ad.Vmap<Tensor, Tensor, Tensor>((x, m) => Np.Tanh(Np.MatMul(m, x)), 0, null);
        Close(Loop(x => Np.Tanh(Np.MatMul(w, x)), xs), f(xs, w));
    }

    [Fact]
    public void PerExampleGradients_EqualTheLoop_AndSumToTheBatchGradient()
    {
        var w = Normal(4, 16, 32);
        var xs = Normal(5, 128, 32);
        var ys = Normal(6, 128, 16);
        Func<Tensor, Tensor, Tensor, Tensor> loss = (m, x, y) => Np.Sum(Np.Square(Np.Tanh(Np.MatMul(m, x)) - y));
        var perExample = Ad.Vmap<Tensor[], Tensor>(a => Ad.Grad<Tensor>(m => loss(m, a[0], a[1]))(w), 0)([xs, ys]);
        Assert.Equal(Shape.Of(128, 16, 32), perExample.Shape);
        var loop = Np.Stack(Enumerable.Range(0, 128).Select(e => Ad.Grad<Tensor>(m => loss(m, xs[e], ys[e]))(w)).ToArray());
        Close(loop, perExample, 1e-11);
        // Grad of the batched loss (Grad∘Vmap) is the sum of the per-example gradients (Vmap∘Grad).
        var batchGrad = Ad.Grad<Tensor>(m => Np.Sum(Ad.Vmap<Tensor[], Tensor>(a => loss(m, a[0], a[1]))([xs, ys])))(w);
        Close(Np.Sum(perExample, 0), batchGrad, 1e-10);
    }

    [Fact]
    public void PerExampleGradients_OfATwoLayerMlp_EqualTheLoop()
    {
        // 64-48-32-10 with biases and −mean(log_softmax), batch 128: the per-example case at test size.
        var p = new[]
        {
            Np.RandomNormal(20, [64, 48]) * 0.2, Np.RandomNormal(21, [48]) * 0.1, Np.RandomNormal(22, [48, 32]) * 0.2,
            Np.RandomNormal(23, [32]) * 0.1, Np.RandomNormal(24, [32, 10]) * 0.2, Np.RandomNormal(25, [10]) * 0.1,
        };
        var xs = Np.RandomNormal(26, [128, 64]);
        Tensor Loss(Tensor[] q, Tensor x)
        {
            var h1 = Np.Tanh(Np.MatMul(x, q[0]) + q[1]);
            var h2 = Np.Tanh(Np.MatMul(h1, q[2]) + q[3]);
            return -Np.Mean(Np.LogSoftmax(Np.MatMul(h2, q[4]) + q[5], 0));
        }

        var perExample = Ad.Vmap<Tensor, Tensor[]>(x => Ad.Grad<Tensor[]>(q => Loss(q, x))(p))(xs);
        for (int e = 0; e < 128; e += 9)
        {
            var g = Ad.Grad<Tensor[]>(q => Loss(q, xs[e]))(p);
            for (int k = 0; k < p.Length; k++) Close(g[k], perExample[k][e], 1e-12);
        }

        // Their mean is the gradient of the batch's mean loss.
        var batch = Ad.Grad<Tensor[]>(q => Np.Mean(Ad.Vmap<Tensor, Tensor>(x => Loss(q, x))(xs)))(p);
        for (int k = 0; k < p.Length; k++) Close(batch[k], Np.Mean(perExample[k], 0), 1e-11);
    }

    [Fact]
    public void VmapOfVmap_WithMixedAxes_EqualsTheDoubleLoop()
    {
        var xs = Normal(7, 4, 5, 3);   // outer batch on axis 1, inner on axis 1 of what remains
        Func<Tensor, Tensor> f = v => Np.Exp(v) / Np.Sum(Np.Exp(v));
        var nested = Ad.Vmap(Ad.Vmap(f, 1, 0), 1, 0)(xs);
        var loop = Np.Stack(Enumerable.Range(0, 5).Select(i => Np.Stack(Enumerable.Range(0, 3).Select(j => f(Slice(Slice(xs, 1, i), 1, j))).ToArray())).ToArray());
        Close(loop, nested);
    }

    [Fact]
    public void JvpOfVmap_AndVmapOfJvp_AgreeWithTheLoop()
    {
        var xs = Normal(8, 7, 4);
        var ts = Normal(9, 7, 4);
        Func<Tensor, Tensor> f = v => Np.Sin(v) * Np.Log1p(v * v);
        var (y, dy) = Ad.Jvp(Ad.Vmap(f), xs, ts);
        var dyLoop = Np.Stack(Enumerable.Range(0, 7).Select(e => Ad.Jvp(f, xs[e], ts[e]).Tangent).ToArray());
        Close(Loop(f, xs), y);
        Close(dyLoop, dy);
        var dy2 = Ad.Vmap<Tensor[], Tensor>(a => Ad.Jvp(f, a[0], a[1]).Tangent)([xs, ts]);
        Close(dyLoop, dy2);
    }

    [Fact]
    public void Vmap_OfALinearMap_AndOfItsTranspose()
    {
        var x = Normal(10, 6);
        var (_, linear) = Ad.Linearize<Tensor, Tensor>(v => Np.Sin(v) * Np.Sum(v), x);
        var ts = Normal(11, 9, 6);
        Close(Loop(t => linear.Apply(t), ts), Ad.Vmap<Tensor, Tensor>(t => linear.Apply(t))(ts));
        Close(Loop(c => linear.ApplyTranspose(c), ts), Ad.Vmap<Tensor, Tensor>(c => linear.ApplyTranspose(c))(ts));
    }

    [Fact]
    public void Cond_WithAPerExampleIndex_TakesEachExamplesBranch()
    {
        var xs = Normal(12, 6, 3);
        var index = Np.Array(0, 1, 2, 1, 0, 2);
        Func<Tensor, Tensor, Tensor> f = (i, v) => Lax.Switch(i, [a => [Np.Sin(a[0])], a => [a[0] * 2], a => [Np.Exp(a[0])]], v)[0];
        var batched = Ad.Vmap<Tensor, Tensor, Tensor>(f, 0, 0)(index, xs);
        Close(Np.Stack(Enumerable.Range(0, 6).Select(e => f(index[e], xs[e])).ToArray()), batched);
        // Per-example gradients through the per-example branches.
        var grads = Ad.Vmap<Tensor, Tensor, Tensor>((i, v) => Ad.Grad<Tensor>(u => Np.Sum(f(i, u)))(v), 0, 0)(index, xs);
        Close(Np.Stack(Enumerable.Range(0, 6).Select(e => Ad.Grad<Tensor>(u => Np.Sum(f(index[e], u)))(xs[e])).ToArray()), grads);
    }

    [Fact]
    public void Cond_WithAPerExamplePredicate_KeepsUntakenBranchesOutOfTheGradient()
    {
        // √x is NaN-differentiable for x < 0; the examples with x < 0 take the other branch, so their gradient is 0·… = 0.
        var xs = Np.Array(-4.0, 0.25, -1.0, 9.0);
        Func<Tensor, Tensor> f = v => Lax.Cond(v > 0.0, a => [Np.Sqrt(a[0])], a => [a[0] * 0.0], v)[0];
        var grads = Ad.Grad<Tensor>(v => Np.Sum(Ad.Vmap(f)(v)))(xs);
        Close(Np.Array(0.0, 1.0, 0.0, 1.0 / 6), grads);
        var perExample = Ad.Vmap<Tensor, Tensor>(Ad.Grad<Tensor>(f))(xs);
        Close(Np.Array(0.0, 1.0, 0.0, 1.0 / 6), perExample);
        var (_, tangents) = Ad.Jvp(Ad.Vmap(f), xs, Np.OnesLike(xs));
        Close(Np.Array(0.0, 1.0, 0.0, 1.0 / 6), tangents);
    }

    [Fact]
    public void While_WithAPerExamplePredicate_StopsEachExampleAtItsOwnTrip()
    {
        // Halve until below 1: each example needs a different number of trips.
        var xs = Np.Array(0.5, 3.0, 100.0, 7.0, 1e6);
        Func<Tensor, Tensor> f = v => Lax.WhileLoop(c => c[0] >= 1.0, c => [c[0] * 0.5, c[1] + 1.0], v, Np.Zeros(Shape.Scalar))[1];
        Close(Loop(f, xs), Ad.Vmap(f)(xs));
        // An unbatched predicate keeps one loop: the trip count depends only on the shared bound.
        Func<Tensor, Tensor> g = v => Lax.WhileLoop(c => c[1] < 3.0, c => [Np.Sin(c[0]), c[1] + 1.0], v, Np.Zeros(Shape.Scalar))[0];
        Close(Loop(g, xs), Ad.Vmap(g)(xs));
    }

    [Fact]
    public void Scan_WithBatchedInputsAndConstants_EqualsTheLoop()
    {
        var xs = Normal(13, 5, 8, 3);   // 5 examples of 8 steps of 3
        var scale = Normal(14, 5, 3);
        Func<Tensor, Tensor, Tensor> f = (seq, s) => Lax.Scan((c, x) => ([Np.Tanh(c[0] * s + x[0])], [c[0] * 2]), [Np.Zeros(3)], [seq]).Ys[0];
        var batched = Ad.Vmap<Tensor, Tensor, Tensor>(f, 0, 0)(xs, scale);
        Close(Np.Stack(Enumerable.Range(0, 5).Select(e => f(xs[e], scale[e])).ToArray()), batched);
        var grads = Ad.Grad<Tensor>(s => Np.Sum(Ad.Vmap<Tensor, Tensor, Tensor>(f, 0, 0)(xs, s)))(scale);
        var loop = Np.Stack(Enumerable.Range(0, 5).Select(e => Ad.Grad<Tensor>(s => Np.Sum(f(xs[e], s)))(scale[e])).ToArray());
        Close(loop, grads, 1e-11);
    }

    [Fact]
    public void TheBatchedProgram_HasAsManyEquationsForAnyBatchSize()
    {
        Func<Tensor, Tensor> f = v => Np.Sum(Np.Tanh(v) * v) + Np.Max(v);
        int Count(int b) => Ad.MakeProgram(Ad.Vmap(f), Np.Zeros([b, 10])).Equations.Count;
        Assert.Equal(Count(2), Count(300));
    }

    [Fact]
    public void JitAndVmap_ComposeBothWays()
    {
        var xs = Normal(15, 12, 4);
        Func<Tensor, Tensor> f = v => Np.Exp(-v * v) * Np.Sum(v);
        Close(Loop(f, xs), Ad.Jit<Tensor, Tensor>(Ad.Vmap(f)).Invoke(xs));
        Close(Loop(f, xs), Ad.Vmap<Tensor, Tensor>(Ad.Jit<Tensor, Tensor>(f))(xs));
    }

    [Fact]
    public void AnUnbatchedOutput_IsBroadcastOrKept()
    {
        var xs = Normal(16, 4, 2);
        var c = Np.Array(1.0, 2.0);
        var pair = Ad.Vmap<Tensor, (Tensor, Tensor)>(v => (v * 2, c))(xs);
        Close(xs * 2, pair.Item1);
        Close(Np.Stack([c, c, c, c]), pair.Item2);
        var kept = Ad.Vmap<Tensor, Tensor>(v => c, 0, null)(xs);
        Close(c, kept);
        var sized = Ad.Vmap<Tensor, Tensor>(v => c + 1, inAxis: null, outAxis: 0, axisSize: 3)(c);
        Assert.Equal(Shape.Of(3, 2), sized.Shape);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void EmptyAndSingleBatches_HaveTheRightShapes(int b)
    {
        var w = Normal(30, 3, 4);
        Func<Tensor, Tensor> f = v => Np.Tanh(Np.MatMul(w, v)) * Np.Sum(v);
        var xs = Normal(31, b, 4);
        var ys = Ad.Vmap(f)(xs);
        Assert.Equal(Shape.Of(b, 3), ys.Shape);
        if (b == 1) Close(f(xs[0]), ys[0]);
        var grads = Ad.Vmap<Tensor, Tensor>(Ad.Grad<Tensor>(v => Np.Sum(f(v))))(xs);
        Assert.Equal(Shape.Of(b, 4), grads.Shape);
    }

    [Fact]
    public void Errors_SayWhatIsWrong()
    {
        var ex = Assert.Throws<BatchingException>(() => Ad.Vmap<Tensor, Tensor, Tensor>((a, b) => a + b, 0, 0)(Np.Zeros([3, 2]), Np.Zeros([4, 2])));
        Assert.Contains("inconsistent sizes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("size 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("size 4", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<BatchingException>(() => Ad.Vmap<Tensor, Tensor>(a => a, 1)(Np.Zeros([2])));
        Assert.Contains("rank should be at least 2", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<BatchingException>(() => Ad.Vmap<Tensor, Tensor>(a => a, 0, null)(Np.Zeros([2])));
        Assert.Contains("unbatched", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<BatchingException>(() => Ad.Vmap<Tensor, Tensor>(a => a, inAxis: null)(Np.Zeros([2])));
        Assert.Contains("axisSize", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ConcretizationException>(() => Ad.Vmap<Tensor, Tensor>(a => a.ToDouble() > 0 ? a : -a)(Np.Zeros([2])));
    }

    /// <summary>The README's Vmap lines, as written there, with what they claim checked.</summary>
    [Fact]
    public void ReadmeExample_Runs()
    {
        Func<Tensor, Tensor, Tensor, Tensor> loss = (w, x, y) => Np.Sum(Np.Square(Np.Tanh(Np.MatMul(w, x)) - y));
        var w = Np.RandomNormal(1, [16, 32]) * 0.1;
        var xs = Np.RandomNormal(2, [128, 32]);
        var ys = Np.RandomNormal(3, [128, 16]);
        Tensor grads = Ad.Vmap<Tensor, Tensor, Tensor>((x, y) => Ad.Grad<Tensor>(v => loss(v, x, y))(w), 0, 0)(xs, ys);   // [128, 16, 32]
        Tensor norms = Np.Sqrt(Np.Sum(Np.Square(grads), [1, 2], keepDims: true));                                         // [128, 1, 1]
        Tensor clipped = grads * Np.Minimum(1.0 / norms, 1.0);                                                            // each ‖g‖ ≤ 1
        Tensor step = Np.Mean(clipped, 0);                                                                                 // [16, 32]

        Tensor ys2 = Ad.Vmap<Tensor, Tensor, Tensor>((x, m) => Np.MatMul(m, x), 1, null, outAxis: -1)(Np.RandomNormal(4, [32, 5]), w);   // [16, 5]

        var jac = Ad.JacRev<(Tensor W, Tensor B), Tensor>(p => Np.Tanh(Np.MatMul(p.W, xs[0]) + p.B))((w, Np.Zeros(16)));
        Tensor dW = jac[0, 0];   // [16, 16, 32]: ∂y/∂W

        Assert.Equal(Shape.Of(128, 16, 32), grads.Shape);
        Close(Ad.Grad<Tensor>(v => loss(v, xs[7], ys[7]))(w), grads[7], 1e-12);
        var clippedNorms = Np.Sqrt(Np.Sum(Np.Square(clipped), [1, 2])).ToArray<double>();
        Assert.All(clippedNorms, n => Assert.True(n <= 1 + 1e-12));
        Assert.Equal(Shape.Of(16, 32), step.Shape);
        Assert.Equal(Shape.Of(16, 5), ys2.Shape);
        Assert.Equal(Shape.Of(16, 16, 32), dW.Shape);
        Func<Tensor, Tensor> layer = m => Np.Tanh(Np.MatMul(m, xs[0]));
        Close(Ad.JacRev(layer)(w), dW, 1e-12);
    }
}
