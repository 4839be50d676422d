namespace Cotangent.Runtime.Tests;

/// <summary>
/// Large elementwise kernels run on two threads; the results must be bit for bit those of one thread, at lengths
/// around the split thresholds, odd lengths (the halves' overlapping last vectors) and both float dtypes.
/// </summary>
public class SplitElementwiseTests
{
    public static TheoryData<int> Lengths() =>
    [
        RangeSplit.CostlyThreshold - 1, RangeSplit.CostlyThreshold, RangeSplit.CostlyThreshold + 13,
        RangeSplit.CheapThreshold - 1, RangeSplit.CheapThreshold + 7, 300_001,
    ];

    private static NDArray Values(DType dtype, int n, int seed)
    {
        var rng = new Random(seed);
        return Reference.Ref.Make(dtype, Shape.Of(n), Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 6 - 3).ToArray());
    }

    private static T WithThreads<T>(int threads, Func<T> run)
    {
        int before = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = threads;
            return run();
        }
        finally
        {
            Gemm.MaxThreads = before;
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void TwoThreads_MatchOne_BitForBit(int n)
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var x = Values(dtype, n, 1);
            var y = Values(dtype, n, 2);
            var s = NDArray.Scalar(dtype, 1.25);
            Func<NDArray>[] cases =
            [
                () => Kernels.Unary(UnaryOp.Tanh, x), () => Kernels.Unary(UnaryOp.Neg, x), () => Kernels.Unary(UnaryOp.Exp, x),
                () => Kernels.Binary(BinaryOp.Mul, x, y), () => Kernels.Binary(BinaryOp.Sub, s, x), () => Kernels.Binary(BinaryOp.Div, x, s),
            ];
            foreach (var run in cases)
            {
                var one = WithThreads(1, run);
                var two = WithThreads(2, run);
                Assert.True(one.Bytes.SequenceEqual(two.Bytes), $"{dtype} n = {n}: two threads differ from one");
            }
        }
    }

    /// <summary>Broadcasting binary ops on large results split by leading rows: a row (bias) broadcast, a column broadcast,
    /// both operands broadcast, an odd row count and a 3-d result; the split path against the one-thread path.</summary>
    [Theory]
    [InlineData(new[] { 256, 256 }, new[] { 256 })]
    [InlineData(new[] { 256, 256 }, new[] { 256, 1 })]
    [InlineData(new[] { 300, 1 }, new[] { 1, 250 })]
    [InlineData(new[] { 129, 513 }, new[] { 513 })]
    [InlineData(new[] { 200, 7, 60 }, new[] { 7, 1 })]
    [InlineData(new[] { 131, 3, 170 }, new[] { 131, 1, 170 })]
    public void BroadcastRows_TwoThreads_MatchOne_BitForBit(int[] xShape, int[] yShape)
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var xs = Shape.Of(xShape);
            var ys = Shape.Of(yShape);
            var rng = new Random(xs.Size + ys.Size);
            var x = Reference.Ref.Make(dtype, xs, Enumerable.Range(0, xs.Size).Select(_ => rng.NextDouble() * 6 - 3).ToArray());
            var y = Reference.Ref.Make(dtype, ys, Enumerable.Range(0, ys.Size).Select(_ => rng.NextDouble() * 6 - 3).ToArray());
            foreach (var op in new[] { BinaryOp.Add, BinaryOp.Mul, BinaryOp.Sub })
            {
                var one = WithThreads(1, () => Kernels.Binary(op, x, y));
                var two = WithThreads(2, () => Kernels.Binary(op, x, y));
                var swapped = WithThreads(2, () => Kernels.Binary(op, y, x));
                Assert.True(one.Size >= RangeSplit.CheapThreshold, "the case is too small to be split");
                Assert.True(one.Bytes.SequenceEqual(two.Bytes), $"{dtype} {op} {xs} with {ys}: two threads differ from one");
                Assert.True(WithThreads(1, () => Kernels.Binary(op, y, x)).Bytes.SequenceEqual(swapped.Bytes), $"{dtype} {op} {ys} with {xs}: two threads differ from one");
            }
        }
    }

    [Theory]
    [InlineData(FloatReductions.SplitThreshold - 1)]
    [InlineData(FloatReductions.SplitThreshold)]
    [InlineData(FloatReductions.SplitThreshold + 33)]
    [InlineData(1_000_003)]
    public void Sum_TwoThreads_MatchesOne_BitForBit(int n)
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var x = Values(dtype, n, 5);
            var m = Values(dtype, n, 6).WithShape(Shape.Of(1, n));
            Func<NDArray>[] cases = [() => Kernels.Reduce(ReduceOp.Sum, x, [0]), () => Kernels.Reduce(ReduceOp.Sum, m, [0, 1]), () => Kernels.Reduce(ReduceOp.Sum, m, [1])];
            foreach (var run in cases)
            {
                var one = WithThreads(1, run);
                var two = WithThreads(2, run);
                Assert.True(one.Bytes.SequenceEqual(two.Bytes), $"{dtype} n = {n}: the two-thread sum differs from one thread");
            }
        }
    }
}
