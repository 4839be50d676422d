using Cotangent.Runtime;
using static Cotangent.Tests.Api.ApiTestUtil;

namespace Cotangent.Tests.Api;

public class LinAlgTests
{
    /// <summary>NumPy matmul by loops: 1-d operands are promoted and their axis removed; batch axes broadcast.</summary>
    private static (double[] Values, int[] Shape) NaiveMatMul(double[] a, int[] sa, double[] b, int[] sb)
    {
        bool aVec = sa.Length == 1, bVec = sb.Length == 1;
        var a2 = aVec ? new[] { 1, sa[0] } : sa;
        var b2 = bVec ? new[] { sb[0], 1 } : sb;
        int n = a2[^2], k = a2[^1], m = b2[^1];
        var ba = a2[..^2];
        var bb = b2[..^2];
        int r = Math.Max(ba.Length, bb.Length);
        var batch = new int[r];
        for (int i = 0; i < r; i++)
        {
            int da = i - (r - ba.Length) >= 0 ? ba[i - (r - ba.Length)] : 1;
            int db = i - (r - bb.Length) >= 0 ? bb[i - (r - bb.Length)] : 1;
            batch[i] = Math.Max(da, db);
        }

        var outShape = batch.Concat([n, m]).ToArray();
        var result = new List<double>();
        foreach (var bi in Indices(batch.Length == 0 ? [1] : batch))
        {
            int[] Pick(int[] bshape) => bshape.Select((d, j) => d == 1 ? 0 : bi[j + (r - bshape.Length)]).ToArray();
            var ia = batch.Length == 0 ? [] : Pick(ba);
            var ib = batch.Length == 0 ? [] : Pick(bb);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                {
                    double s = 0;
                    for (int t = 0; t < k; t++) s += a[Offset(a2, [.. ia, i, t])] * b[Offset(b2, [.. ib, t, j])];
                    result.Add(s);
                }
        }

        var shape = outShape.ToList();
        if (bVec) shape.RemoveAt(shape.Count - 1);
        if (aVec) shape.RemoveAt(shape.Count - (bVec ? 1 : 2));
        return (result.ToArray(), shape.ToArray());
    }

    public static TheoryData<int[], int[], DType> MatMulCases()
    {
        var d = new TheoryData<int[], int[], DType>();
        int[][][] shapes =
        [
            [[4], [4]], [[3, 4], [4]], [[4], [4, 5]], [[3, 4], [4, 5]], [[2, 3, 4], [4, 5]], [[3, 4], [2, 4, 5]],
            [[2, 3, 4], [2, 4, 5]], [[2, 1, 3, 4], [5, 4, 2]], [[1, 3, 4], [6, 4, 2]], [[4], [2, 4, 3]], [[2, 3, 4], [4]],
        ];
        foreach (var s in shapes)
            foreach (var t in FloatTypes) d.Add(s[0], s[1], t);
        return d;
    }

    [Theory]
    [MemberData(nameof(MatMulCases))]
    public void MatMul_matches_naive_loops(int[] sa, int[] sb, DType dtype)
    {
        var a = Make(Data(1, sa.Aggregate(1, (p, q) => p * q)), dtype, sa);
        var b = Make(Data(2, sb.Aggregate(1, (p, q) => p * q)), dtype, sb);
        var (expected, shape) = NaiveMatMul(Values(a), sa, Values(b), sb);
        var c = Np.MatMul(a, b);
        Assert.Equal(dtype, c.DType);
        Close(expected, c, dtype == DType.Float32 ? 1e-5 : 1e-12, shape);
    }

    [Fact]
    public void Dot_Inner_Outer_Trace_Diagonal()
    {
        var a = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 2, 3);
        var b = Tensor.FromArray([1.0, 0, -1, 2, 0.5, 1], 3, 2);
        Close([0.5, 7, 2, 16], Np.Dot(a, b), 1e-15, [2, 2]);
        Close([2, 4, 6, 8, 10, 12], Np.Dot(2.0, a), 0, [2, 3]);
        Close([14, 32], Np.Dot(a, Np.Array(1.0, 2, 3)), 0, [2]);
        // dot of 3-d by 3-d: result axes a[:-1] + b[:-2] + b[-1:].
        var a3 = Make(Data(4, 12), DType.Float64, 2, 2, 3);
        var b3 = Make(Data(5, 18), DType.Float64, 3, 3, 2);
        Assert.Equal(Shape.Of(2, 2, 3, 2), Np.Dot(a3, b3).Shape);
        Close([14, 32, 32, 77], Np.Inner(a, a), 0, [2, 2]);
        Close([3, 4, 6, 8, 9, 12], Np.Outer(Np.Array(1.0, 2, 3), Np.Array(3.0, 4)), 0, [3, 2]);
        var sq = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => (double)i).ToArray(), 3, 4);
        Close([0, 5, 10], Np.Diagonal(sq), 0, [3]);
        Close([1, 6, 11], Np.Diagonal(sq, 1), 0, [3]);
        Close([4, 9], Np.Diagonal(sq, -1), 0, [2]);
        Assert.Equal(15, Np.Trace(sq).ToDouble());
        Assert.Equal(18, Np.Trace(sq, 1).ToDouble());
        Assert.Equal(5, Np.Norm(Np.Array(3.0, 4.0)).ToDouble());
    }

    [Fact]
    public void MatMul_gradient_matches_finite_differences()
    {
        var b = Tensor.FromArray(Data(9, 12), 2, 3, 2);
        CheckGrad(a => Np.Sum(Np.Square(Np.MatMul(a, b))), Data(8, 4 * 3), [4, 3]);
        var a0 = Tensor.FromArray(Data(10, 6), 2, 3);
        CheckGrad(v => Np.Sum(Np.Tanh(Np.MatMul(a0, v))), Data(11, 3), [3]);
    }
}
