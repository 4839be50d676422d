using Cotangent.Runtime.Tests.Reference;
using static Cotangent.Runtime.Tests.TestUtil;

namespace Cotangent.Runtime.Tests;

/// <summary>
/// Reductions over every subset of axes of rank-3 arrays (including the empty set and zero-size dims), argmax/argmin
/// with ties and NaN, and cumsum both ways. Sums are compared with tolerance n·eps·Σ|x| (summation order differs:
/// the kernels add in SIMD lanes), max/min/argmax exactly.
/// </summary>
public class ReductionTests
{
    public static TheoryData<int[]> Shapes() => new() { new[] { 3, 4, 5 }, new[] { 2, 0, 3 }, new[] { 1, 6, 1 }, new[] { 7, 33, 9 }, new[] { 4, 1, 70 } };

    private static IEnumerable<int[]> Subsets(int rank) =>
        Enumerable.Range(0, 1 << rank).Select(m => Enumerable.Range(0, rank).Where(i => (m >> i & 1) != 0).ToArray());

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Reduce_EveryAxisSubset_MatchesReference(int[] dims)
    {
        var rng = new Random(dims.Sum());
        var shape = Shape.Of(dims);
        foreach (var dtype in new[] { DType.Float64, DType.Float32, DType.Int32, DType.Bool })
        {
            foreach (var op in Enum.GetValues<ReduceOp>())
            {
                if (dtype == DType.Bool && op is ReduceOp.Sum or ReduceOp.Prod) continue;
                var x = op == ReduceOp.Prod
                    ? Uniform(rng, dtype, shape, dtype == DType.Int32 ? -2 : 0.7, dtype == DType.Int32 ? 3 : 1.4)
                    : Uniform(rng, dtype, shape, -100, 100);
                foreach (var axes in Subsets(3))
                {
                    var expected = RefStructural.Reduce(op, x, axes);
                    var actual = Kernels.Reduce(op, x, axes);
                    int n = Math.Max(1, axes.Aggregate(1, (p, a) => p * dims[a]));
                    double eps = dtype == DType.Float32 ? Eps32 : Eps64;
                    double rel = op is ReduceOp.Sum or ReduceOp.Prod && dtype.IsFloat() ? 2 * n * eps : 0;
                    double[]? scale = op == ReduceOp.Sum
                        ? RefStructural.Reduce(ReduceOp.Sum, Kernels.Unary(UnaryOp.Abs, dtype == DType.Int32 ? Kernels.Convert(x, DType.Float64) : x), axes) is var s
                            ? Ref.Values(s) : null
                        : null;
                    Close(expected, actual, rel, 0, scale, $"{op} {dtype.ShortName()}{shape} axes [{string.Join(",", axes)}]");
                }
            }
        }
    }

    [Fact]
    public void Reduce_MaxMin_PropagateNaN_AndNegativeAxes()
    {
        var x = NDArray.Wrap(new[] { 1.0, double.NaN, 3.0, 4.0, 5.0, 6.0 }, Shape.Of(2, 3));
        var max0 = Kernels.Reduce(ReduceOp.Max, x, [0]).ToArray<double>();
        Assert.Equal(4.0, max0[0]);
        Assert.True(double.IsNaN(max0[1]));
        var min1 = Kernels.Reduce(ReduceOp.Min, x, [-1]).ToArray<double>();
        Assert.True(double.IsNaN(min1[0]));
        Assert.Equal(4.0, min1[1]);
        Assert.Equal(double.NegativeInfinity, Kernels.Reduce(ReduceOp.Max, NDArray.Zeros(DType.Float64, Shape.Of(0)), [0]).GetDouble(0));
        Assert.Equal(0.0, Kernels.Reduce(ReduceOp.Sum, NDArray.Zeros(DType.Float64, Shape.Of(3, 0)), [0, 1]).GetDouble(0));
        Assert.Equal(Shape.Scalar, Kernels.Reduce(ReduceOp.Sum, NDArray.Scalar(DType.Float64, 2), []).Shape);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ArgReduce_TiesAndNaN_MatchReference(int[] dims)
    {
        var rng = new Random(7 + dims.Sum());
        var shape = Shape.Of(dims);
        foreach (var dtype in Enum.GetValues<DType>())
        {
            var x = Uniform(rng, dtype, shape, -3, 3);
            if (dtype.IsFloat())
            {
                var v = Ref.Values(x).Select((a, i) => i % 11 == 5 ? double.NaN : Math.Round(a)).ToArray();
                x = Ref.Make(dtype, shape, v);
            }

            for (int axis = 0; axis < 3; axis++)
            {
                if (dims[axis] == 0) continue;
                foreach (bool max in new[] { true, false })
                    Same(RefStructural.ArgReduce(max, x, axis), Kernels.ArgReduce(max, x, axis), $"{(max ? "argmax" : "argmin")} {dtype.ShortName()}{shape} axis {axis}");
            }
        }
    }

    [Fact]
    public void ArgReduce_FirstOfTiesAndFirstNaN()
    {
        var x = NDArray.Wrap(new[] { 1.0, 3.0, 3.0, double.NaN, 0.0, double.NaN }, Shape.Of(6));
        Assert.Equal(3, Kernels.ArgReduce(true, x, 0).ToArray<int>()[0]);
        Assert.Equal(3, Kernels.ArgReduce(false, x, 0).ToArray<int>()[0]);
        var y = NDArray.Wrap(new[] { 1.0, 3.0, 3.0, 0.0, 0.0 }, Shape.Of(5));
        Assert.Equal(1, Kernels.ArgReduce(true, y, 0).ToArray<int>()[0]);
        Assert.Equal(3, Kernels.ArgReduce(false, y, 0).ToArray<int>()[0]);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void CumSum_BothDirections_MatchesReference(int[] dims)
    {
        var rng = new Random(11 + dims.Sum());
        var shape = Shape.Of(dims);
        foreach (var dtype in new[] { DType.Float64, DType.Float32, DType.Int32 })
        {
            var x = Uniform(rng, dtype, shape, -100, 100);
            for (int axis = 0; axis < 3; axis++)
            {
                foreach (bool reverse in new[] { false, true })
                {
                    var scale = Ref.Values(RefStructural.CumSum(Kernels.Unary(UnaryOp.Abs, dtype == DType.Int32 ? Kernels.Convert(x, DType.Float64) : x), axis, reverse));
                    double rel = dtype == DType.Float32 ? 2 * dims[axis] * Eps32 : dtype == DType.Float64 ? 2 * dims[axis] * Eps64 : 0;
                    Close(RefStructural.CumSum(x, axis, reverse), Kernels.CumSum(x, axis, reverse), rel, 0, scale, $"cumsum {dtype.ShortName()}{shape} axis {axis} reverse {reverse}");
                }
            }
        }
    }
}
