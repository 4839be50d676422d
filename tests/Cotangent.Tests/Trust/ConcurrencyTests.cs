using Cotangent.Core;
using static Cotangent.Np;

namespace Cotangent.Tests.Trust;

/// <summary>
/// Transformations on eight threads at once — different functions, shared inputs — give exactly the
/// results of a sequential run, and no thread ever sees another's trace.
/// </summary>
public class ConcurrencyTests
{
    private static readonly Tensor s_x = TestFunctions.Random(11, 64, 96);
    private static readonly Tensor s_w = TestFunctions.Random(12, 96, 80);
    private static readonly Tensor s_v = TestFunctions.Random(13, 5);

    // Large enough that matmul uses the GEMM's threaded path.
    private static readonly Tensor s_big = TestFunctions.Random(14, 256, 512);
    private static readonly Tensor s_bigW = TestFunctions.Random(15, 512, 256);

    private static readonly Tensor s_takeIndices = Tensor.FromArray(Enumerable.Range(0, 300).Select(i => (i * 13) % 96).ToArray(), [300]);

    private static readonly Func<Tensor[]>[] s_jobs =
    [
        () => [Ad.Grad<Tensor>(w => Sum(Tanh(MatMul(s_x, w))))(s_w)],
        () => [Ad.Grad(Ad.Grad<Tensor>(v => Sum(Sin(v) * v)))(1.3)],
        () => [Ad.Hessian(v => Sum(Exp(v * 0.5) * v))(s_v)],
        () => { var (o, t) = Ad.Jvp<Tensor, Tensor>(v => Cos(v) * Sum(v), s_v, OnesLike(s_v)); return [o, t]; },
        () => [Ad.JacRev(v => Softmax(v))(s_v)],
        () => [Ad.Grad<Tensor>(w => Mean(Square(MatMul(s_big, w))))(s_bigW)],
        () => [Ad.Linearize<Tensor, Tensor>(v => LogSumExp(v * v), s_v).Linear.Transpose().Apply(1.0)],
        () => [Ad.Vjp<Tensor, Tensor>(w => MatMul(s_x, w), s_w).Pullback(OnesLike(MatMul(s_x, s_w)))],

        // Jobs whose gradients are built from materialized zeros (select, gather and dynamic-slice transposes, the
        // Jacobian basis, Eye), at sizes where an uncleared buffer would hold old heap data.
        () => [Ad.Grad<Tensor>(v => Sum(Relu(v) * v))(s_x)],
        () => [Ad.Grad<Tensor>(v => Sum(Where(v > 0.2, Sin(v), ZerosLike(v))))(s_x)],
        () => [Ad.Grad<Tensor>(v => Sum(Take(v, s_takeIndices, axis: 1)))(s_x)],
        () => [Eye(300) * 2.0, Ad.Grad<Tensor>(v => Sum(MatMul(Eye(96), v)))(s_w)],
        () => [Ad.JacFwd(v => Tanh(v) * 2.0)(s_x[0]), Ad.JacRev(v => Relu(v))(s_x[1])],
        () => [Ad.Grad<Tensor>(v => Sum(Cotangent.Primitives.Lax.DynamicSlice(v, [Tensor.Scalar(3, Runtime.DType.Int32), Tensor.Scalar(5, Runtime.DType.Int32)], [40, 60])))(s_x)],
    ];

    [Fact]
    public void EightThreads_GiveExactlyTheSequentialResults()
    {
        var expected = s_jobs.Select(job => job()).ToArray();
        const int Rounds = 4;
        var results = new Tensor[s_jobs.Length][][];
        var threads = new Thread[s_jobs.Length];
        var errors = new List<Exception>();
        using var start = new Barrier(s_jobs.Length);
        for (int t = 0; t < threads.Length; t++)
        {
            int id = t;
            results[id] = new Tensor[Rounds][];
            threads[t] = new Thread(() =>
            {
                try
                {
                    start.SignalAndWait();
                    for (int r = 0; r < Rounds; r++)
                    {
                        Assert.Null(TraceContext.Current);
                        results[id][r] = s_jobs[id]();
                        Assert.Null(TraceContext.Current);
                    }
                }
                catch (Exception ex)
                {
                    lock (errors) errors.Add(ex);
                }
            });
            threads[t].Start();
        }

        foreach (var th in threads) th.Join();
        Assert.Empty(errors);
        for (int id = 0; id < s_jobs.Length; id++)
        {
            for (int r = 0; r < Rounds; r++)
            {
                Assert.Equal(expected[id].Length, results[id][r].Length);
                for (int k = 0; k < expected[id].Length; k++)
                    Assert.True(expected[id][k].Value.Bytes.SequenceEqual(results[id][r][k].Value.Bytes), $"job {id} round {r} output {k} differs");
            }
        }
    }

    [Fact]
    public void TraceContext_IsPerThread()
    {
        Trace? seenInside = null;
        Trace? seenOnOtherThread = new Cotangent.Transforms.JvpTrace("probe");
        Ad.Grad<Tensor>(x =>
        {
            seenInside = TraceContext.Current;
            var other = new Thread(() => seenOnOtherThread = TraceContext.Current);
            other.Start();
            other.Join();
            return x * x;
        })(1.0);
        Assert.NotNull(seenInside);
        Assert.Null(seenOnOtherThread);
        Assert.Null(TraceContext.Current);
    }
}
