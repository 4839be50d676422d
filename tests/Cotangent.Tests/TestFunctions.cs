using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Tests;

/// <summary>Composed functions shared by tests, written with Lax so they exercise the primitives directly.</summary>
internal static class TestFunctions
{
    public static Tensor Random(ulong seed, params int[] shape) => new(Kernels.RandomNormal(seed, DType.Float64, Shape.Of(shape)));

    public static Tensor RandomF32(ulong seed, params int[] shape) => new(Kernels.RandomNormal(seed, DType.Float32, Shape.Of(shape)));

    public static Tensor MatMul(Tensor a, Tensor b) => Lax.DotGeneral(a, b, [a.Rank - 1], [0], [], []);

    public static Tensor SumAll(Tensor x) => Lax.ReduceSum(x, Enumerable.Range(0, x.Rank).ToArray());

    /// <summary>A 3-layer tanh MLP's mean squared error: params (W1, b1, W2, b2, W3, b3).</summary>
    public static Tensor MlpLoss(Tensor[] p, Tensor x, Tensor y)
    {
        var h1 = Lax.Tanh(MatMul(x, p[0]) + p[1]);
        var h2 = Lax.Tanh(MatMul(h1, p[2]) + p[3]);
        var o = MatMul(h2, p[4]) + p[5];
        var d = o - y;
        return SumAll(d * d) / (double)d.Size;
    }

    public static Tensor[] MlpParams(ulong seed, int din, int h, int dout) =>
    [
        Random(seed, din, h) * 0.3, Random(seed + 1, h) * 0.1,
        Random(seed + 2, h, h) * 0.3, Random(seed + 3, h) * 0.1,
        Random(seed + 4, h, dout) * 0.3, Random(seed + 5, dout) * 0.1,
    ];

    /// <summary>y ← sin(y)·1.01 + 0.1, repeated.</summary>
    public static Tensor Recurrence(Tensor y, int steps)
    {
        for (int i = 0; i < steps; i++) y = Lax.Sin(y) * 1.01 + 0.1;
        return y;
    }

    /// <summary>Σ tanh(x)·x + exp(−x²).</summary>
    public static Tensor Elementwise(Tensor x) => SumAll(Lax.Tanh(x) * x + Lax.Exp(-(x * x)));

    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        Assert.Equal(a.Shape, b.Shape);
        double m = 0;
        var va = a.Value;
        var vb = b.Value;
        for (int i = 0; i < va.Size; i++) m = Math.Max(m, Math.Abs(va.GetDouble(i) - vb.GetDouble(i)));
        return m;
    }
}
