using Cotangent.Runtime;
using static Cotangent.Tests.Api.ApiTestUtil;

namespace Cotangent.Tests.Api;

public class ReductionTests
{
    [Fact]
    public void Float32_SumAndVar_OfTenMillionElements_AreAccurate()
    {
        // Naive f32 accumulation: Σ 0.1 over 10⁷ is off by 6e-3 relative; Var of 10⁷ + (i mod 4) came out 73.5.
        const int N = 10_000_000;
        var tenth = Np.Full([N], 0.1f, DType.Float32);
        double exact = N * (double)0.1f;
        Assert.InRange(Np.Sum(tenth).ToDouble(), exact * (1 - 1e-6), exact * (1 + 1e-6));
        var data = new float[N];
        for (int i = 0; i < N; i++) data[i] = 1e7f + (i % 4);
        var v = Np.Var(Tensor.FromArray(data, [N])).ToDouble();
        Assert.InRange(v, 1.25 * (1 - 1e-5), 1.25 * (1 + 1e-5));
        Assert.InRange(Np.Mean(Tensor.FromArray(data, [N])).ToDouble(), 1e7 + 1.5 - 0.5, 1e7 + 1.5 + 0.5); // ½ ulp of f32 at 10⁷
    }

    private static readonly int[] s_shape = [2, 3, 4];

    /// <summary>A plain-loop reduction of a (2,3,4) array over a set of axes.</summary>
    private static (double[] Values, int[] Shape) Reference(double[] x, int[] axes, bool keepDims, Func<IEnumerable<double>, double> reduce)
    {
        var outShape = s_shape.Select((d, i) => axes.Contains(i) ? 1 : d).ToArray();
        var groups = new Dictionary<int, List<double>>();
        foreach (var idx in Indices(s_shape))
        {
            var o = idx.Select((v, i) => axes.Contains(i) ? 0 : v).ToArray();
            int key = Offset(outShape, o);
            if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
            list.Add(x[Offset(s_shape, idx)]);
        }

        var values = Enumerable.Range(0, groups.Count).Select(k => reduce(groups[k])).ToArray();
        var shape = keepDims ? outShape : s_shape.Where((_, i) => !axes.Contains(i)).ToArray();
        return (values, shape);
    }

    public static TheoryData<string, int[]?, bool, DType> Cases()
    {
        var d = new TheoryData<string, int[]?, bool, DType>();
        int[]?[] axesSets = [null, [0], [1], [-1], [0, 2], [2, 0, 1]];
        foreach (var op in new[] { "sum", "mean", "max", "min", "prod", "var", "std", "logsumexp" })
            foreach (var axes in axesSets)
                foreach (var keep in new[] { false, true })
                    foreach (var t in FloatTypes) d.Add(op, axes, keep, t);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reduction_matches_a_loop(string op, int[]? axes, bool keepDims, DType dtype)
    {
        var data = Data(3, 24, 0.5, 1.5);
        var x = Make(data, dtype, s_shape);
        var xv = Values(x);
        var norm = (axes ?? [0, 1, 2]).Select(a => a < 0 ? a + 3 : a).ToArray();
        Func<IEnumerable<double>, double> reduce = op switch
        {
            "sum" => v => v.Sum(),
            "mean" => v => v.Average(),
            "max" => v => v.Max(),
            "min" => v => v.Min(),
            "prod" => v => v.Aggregate(1.0, (a, b) => a * b),
            "var" => v => Variance(v.ToArray(), 0),
            "std" => v => Math.Sqrt(Variance(v.ToArray(), 0)),
            _ => v => Math.Log(v.Sum(Math.Exp)),
        };
        Tensor y = op switch
        {
            "sum" => Np.Sum(x, axes, keepDims),
            "mean" => Np.Mean(x, axes, keepDims),
            "max" => Np.Max(x, axes, keepDims),
            "min" => Np.Min(x, axes, keepDims),
            "prod" => Np.Prod(x, axes, keepDims),
            "var" => Np.Var(x, axes, keepDims: keepDims),
            "std" => Np.Std(x, axes, keepDims: keepDims),
            _ => Np.LogSumExp(x, axes, keepDims),
        };
        var (expected, shape) = Reference(xv, norm, keepDims, reduce);
        Assert.Equal(dtype, y.DType);
        Close(expected, y, dtype == DType.Float32 ? 1e-5 : 1e-12, shape);
    }

    private static double Variance(double[] v, int ddof)
    {
        double m = v.Average();
        return v.Sum(a => (a - m) * (a - m)) / (v.Length - ddof);
    }

    [Fact]
    public void Single_axis_overloads_and_ddof()
    {
        var x = Tensor.FromArray([1.0, 2, 3, 4, 10, 20], 2, 3);
        Close([6, 34], Np.Sum(x, 1), 0, [2]);
        Close([2, 34.0 / 3], Np.Mean(x, -1), 1e-15, [2]);
        Close([6, 800], Np.Prod(x, 1, keepDims: true), 1e-12, [2, 1]);
        Close([Variance([1, 2, 3], 1), Variance([4, 10, 20], 1)], Np.Var(x, 1, ddof: 1), 1e-12);
        Close([Math.Sqrt(Variance([1, 4], 1)), Math.Sqrt(Variance([2, 10], 1)), Math.Sqrt(Variance([3, 20], 1))], Np.Std(x, 0, ddof: 1), 1e-12);
        Close([3], Np.Max(x, 1)[0].Reshape(1), 0);
        Close([1, 2, 3], Np.Min(x, 0), 0);
        Assert.Equal(DType.Float64, Np.Mean(Np.Array(1, 2)).DType);
        Assert.Equal(1.5, Np.Mean(Np.Array(1, 2)).ToDouble());
    }

    [Fact]
    public void ArgMax_and_ArgMin_pick_the_first_extreme()
    {
        var x = Tensor.FromArray([3.0, 7, 7, -1, 0, 9], 2, 3);
        Assert.Equal(5, Np.ArgMax(x).ToDouble());
        Assert.Equal(3, Np.ArgMin(x).ToDouble());
        Assert.Equal([1.0, 2], Values(Np.ArgMax(x, 1)));
        Assert.Equal([1.0, 1, 0], Values(Np.ArgMin(x, 0)));
        Assert.Equal(Shape.Of(2, 1), Np.ArgMax(x, -1, keepDims: true).Shape);
        Assert.Equal(Shape.Of(1, 1), Np.ArgMax(x, keepDims: true).Shape);
        Assert.Equal(DType.Int32, Np.ArgMax(x).DType);
    }

    [Fact]
    public void LogSumExp_is_finite_for_huge_and_minus_infinite_inputs()
    {
        Close([1000 + Math.Log(2)], Np.LogSumExp(Np.Array(1000.0, 1000.0)).Reshape(1), 1e-15);
        Close([-1000 + Math.Log(1 + Math.Exp(-1))], Np.LogSumExp(Np.Array(-1000.0, -1001.0)).Reshape(1), 1e-15);
        Assert.Equal(double.NegativeInfinity, Np.LogSumExp(Np.Array(double.NegativeInfinity, double.NegativeInfinity)).ToDouble());
        Assert.Equal(2000 + Math.Log(2), Np.LogSumExp(Np.Array(2000f, 2000f)).ToDouble(), 3);
    }

    [Fact]
    public void CumSum_matches_a_running_sum()
    {
        var x = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 2, 3);
        Close([1, 3, 6, 4, 9, 15], Np.CumSum(x, 1), 0, [2, 3]);
        Close([1, 2, 3, 5, 7, 9], Np.CumSum(x, 0), 0, [2, 3]);
        Close([1, 3, 6, 10, 15, 21], Np.CumSum(x), 0, [6]);
        Close([6, 5, 3, 15, 11, 6], Np.CumSum(x, -1, reverse: true), 0, [2, 3]);
        Close([1, 3, 6], Np.CumSum(Np.Array(1, 2, 3)), 0);
    }

    [Fact]
    public void All_Any_CountNonzero()
    {
        var b = Tensor.FromArray([true, false, true, true, true, true], 2, 3);
        Assert.Equal(0, Np.All(b).ToDouble());
        Assert.Equal(1, Np.Any(b).ToDouble());
        Assert.Equal([0.0, 1], Values(Np.All(b, [1])));
        Assert.Equal([1.0, 0, 1], Values(Np.All(b, [0])));
        Assert.Equal([1.0, 1], Values(Np.Any(b, [1], keepDims: true)));
        Assert.Equal(1, Np.All(Np.Zeros([0], DType.Bool)).ToDouble());
        Assert.Equal(0, Np.Any(Np.Zeros([0], DType.Bool)).ToDouble());
        Assert.Equal(5, Np.CountNonzero(b).ToDouble());
        Assert.Equal([1.0, 2], Values(Np.CountNonzero(Tensor.FromArray([0.0, 1, 0, 2, 3, 0], 2, 3), [1])));
    }
}
