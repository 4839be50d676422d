using Cotangent.Runtime;
using static Cotangent.Tests.Api.ApiTestUtil;
using TI = Cotangent.TensorIndex;

namespace Cotangent.Tests.Api;

public class IndexingTests
{
    private static readonly int[] s_shape = [4, 5, 6];

    private static Tensor X(DType dtype) => Make(Enumerable.Range(0, 120).Select(i => (double)i).ToArray(), dtype, s_shape);

    private static int[] R(int start, int stop, int step = 1)
    {
        var l = new List<int>();
        for (int i = start; step > 0 ? i < stop : i > stop; i += step) l.Add(i);
        return l.ToArray();
    }

    /// <summary>The cartesian product of per-axis selections of the 4×5×6 iota (its value is its flat offset).</summary>
    private static double[] Pick(int[] a0, int[] a1, int[] a2) =>
        (from i in a0 from j in a1 from k in a2 select (double)Offset(s_shape, i, j, k)).ToArray();

    public static TheoryData<string, DType> BasicCases()
    {
        var d = new TheoryData<string, DType>();
        foreach (var name in new[] { "int", "negint", "range", "hat", "rev", "negstep", "negstart", "mixed", "ellipsis", "newaxis", "empty", "clamped", "all" })
            foreach (var t in FloatTypes) d.Add(name, t);
        return d;
    }

    [Theory]
    [MemberData(nameof(BasicCases))]
    public void Basic_indexing_matches_manual_picks(string name, DType dtype)
    {
        var x = X(dtype);
        var all0 = R(0, 4);
        var all1 = R(0, 5);
        var all2 = R(0, 6);
        var (y, expected, shape) = name switch
        {
            "int" => (x[1], Pick([1], all1, all2), new[] { 5, 6 }),
            "negint" => (x[-1, 2], Pick([3], [2], all2), [6]),
            "range" => (x[1..3], Pick([1, 2], all1, all2), [2, 5, 6]),
            "hat" => (x[^1, 1..^1, ^2], Pick([3], [1, 2, 3], [4]), [3]),
            "rev" => (x[Np.Slice(step: -1)], Pick([3, 2, 1, 0], all1, all2), [4, 5, 6]),
            "negstep" => (x[TI.All, Np.Slice(4, 0, -2)], Pick(all0, [4, 2], all2), [4, 2, 6]),
            "negstart" => (x[TI.All, TI.All, Np.Slice(-1, null, -4)], Pick(all0, all1, [5, 1]), [4, 5, 2]),
            "mixed" => (x[Np.Slice(1, null, 2), Np.NewAxis, Np.Ellipsis, 0], Pick([1, 3], all1, [0]), [2, 1, 5]),
            "ellipsis" => (x[Np.Ellipsis, 1], Pick(all0, all1, [1]), [4, 5]),
            "newaxis" => (x[Np.NewAxis, TI.All, Np.NewAxis], Pick(all0, all1, all2), [1, 4, 1, 5, 6]),
            "empty" => (x[3..1], Pick([], all1, all2), [0, 5, 6]),
            "clamped" => (x[TI.All, Np.Slice(-100, 100, 3), Np.Slice(100, -100, -5)], Pick(all0, [0, 3], [5, 0]), [4, 2, 2]),
            _ => (x[Np.Ellipsis], Pick(all0, all1, all2), [4, 5, 6]),
        };
        Assert.Equal(dtype, y.DType);
        Close(expected, y, 0, shape);
    }

    [Fact]
    public void Advanced_integer_array_indexing_follows_numpy_placement()
    {
        var x = X(DType.Float64);
        var xv = Values(x);
        var i0 = Np.Array(3, -1, 0);
        var i1 = Np.Array(1, 4, -5);
        var i2 = Np.Array(5, 0, 2);
        int[] n0 = [3, 3, 0], n1 = [1, 4, 0], n2 = [5, 0, 2];
        double V(int a, int b, int c) => xv[Offset(s_shape, a, b, c)];

        // One array: gather along its axis.
        Close(n0.SelectMany(a => from j in R(0, 5) from k in R(0, 6) select V(a, j, k)).ToArray(), x[i0], 0, [3, 5, 6]);
        var i2d = Tensor.FromArray([0, 4, -2, 1], 2, 2);
        int[] n2d = [0, 4, 3, 1];
        Close((from a in R(0, 4) from q in n2d from k in R(0, 6) select V(a, q, k)).ToArray(), x[TI.All, i2d], 0, [4, 2, 2, 6]);

        // Two adjacent arrays zip elementwise.
        Close(Enumerable.Range(0, 3).SelectMany(t => R(0, 6).Select(k => V(n0[t], n1[t], k))).ToArray(), x[i0, i1], 0, [3, 6]);
        Close((from a in R(0, 4) from t in R(0, 3) select V(a, n1[t], n2[t])).ToArray(), x[TI.All, i1, i2], 0, [4, 3]);
        Close(Enumerable.Range(0, 3).Select(t => V(n0[t], n1[t], n2[t])).ToArray(), x[i0, i1, i2], 0, [3]);

        // Broadcast index arrays: (3,1) with (1,2) → (3,2).
        var col = Np.Reshape(i0, 3, 1);
        var row = Np.Reshape(Np.Array(2, 0), 1, 2);
        Close((from t in R(0, 3) from u in new[] { 2, 0 } from k in R(0, 6) select V(n0[t], u, k)).ToArray(), x[col, row], 0, [3, 2, 6]);

        // Non-adjacent arrays: the broadcast axes come first.
        Close((from t in R(0, 3) from j in R(0, 5) select V(n0[t], j, n2[t])).ToArray(), x[i0, TI.All, i2], 0, [3, 5]);
        // An int next to an array counts as an advanced index (adjacent → in place; separated → first).
        Close((from a in R(0, 4) from t in R(0, 3) select V(a, 1, n2[t])).ToArray(), x[TI.All, 1, i2], 0, [4, 3]);
        Close((from t in R(0, 3) from j in R(0, 5) select V(1, j, n2[t])).ToArray(), x[1, TI.All, i2], 0, [3, 5]);
        // Arrays combined with a reversed slice and a new axis.
        Close((from t in R(0, 3) from j in new[] { 4, 2, 0 } select V(n0[t], j, n2[t])).ToArray(), x[i0, Np.Slice(step: -2), i2], 0, [3, 3]);
        Assert.Equal(Shape.Of(3, 1, 5), x[Np.NewAxis, i0, TI.All, 0].Shape);
        Assert.Equal(Shape.Of(1, 3, 6), x[Np.NewAxis, i0, 0].Shape);
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Take_TakeAlongAxis_IndexAdd(DType dtype)
    {
        var m = Make([1, 2, 3, 4, 5, 6], dtype, 2, 3);
        Close([3, 1, 6], Np.Take(m, Np.Array(2, 0, -1)), 0, [3]);
        Close([3, 1, 6, 4], Np.Take(m, Np.Array(2, 0), axis: 1), 0, [2, 2]);
        Close([4, 5, 6, 1, 2, 3], Np.Take(m, Np.Array(-1, 0), axis: 0), 0, [2, 3]);
        var idx = Tensor.FromArray([2, 0, 1, 1], 2, 2);
        Close([3, 1, 5, 5], Np.TakeAlongAxis(m, idx, 1), 0, [2, 2]);
        var argmax = Np.ArgMax(m, 1, keepDims: true);
        Close([3, 6], Np.TakeAlongAxis(m, argmax, -1), 0, [2, 1]);
        var updated = Np.IndexAdd(m, Np.Array(0, 0, -1), Make([10, 20, 30, 40, 50, 60], dtype, 2, 3), axis: 1);
        Close([31, 2, 33, 94, 5, 66], updated, 0, [2, 3]);
    }

    [Fact]
    public void Indexing_is_differentiable()
    {
        var data = Data(31, 24);
        var w = Tensor.FromArray(Data(32, 12), 4, 3);
        CheckGrad(x => Np.Sum(Np.Square(x[Np.Slice(step: -1), Np.Slice(3, 0, -2)]) * w[TI.All, 0..2]), data, [4, 6]);
        var i0 = Np.Array(3, 0, 3, -1);
        var i1 = Np.Array(1, 5, 1, 2);
        CheckGrad(x => Np.Sum(Np.Sin(x[i0, i1]) * Np.Array(1.0, 2, 3, 4)), data, [4, 6]);
        CheckGrad(x => Np.Sum(Np.Exp(x[1, TI.All, Np.NewAxis]) * x[TI.All, ^1][0]), data, [4, 6]);
        CheckGrad(x => Np.Sum(Np.Take(x, Np.Array(-1, 0, 0), axis: 1) * Np.Arange(0.0, 12.0).Reshape(4, 3)), data, [4, 6]);
    }
}
