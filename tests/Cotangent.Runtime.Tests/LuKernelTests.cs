namespace Cotangent.Runtime.Tests;

/// <summary>
/// The recursive LU kernel (packed [n + 1, n] output of <see cref="Kernels.Lu"/>) at sizes around its leaf and split points
/// and at realistic sizes (300, 513): A[perm] = L·U to 1e-12 relative (f64, plain loops), perm a permutation, multipliers
/// |l_ij| ≤ 1, the same pivots as textbook partial pivoting, batches, f32, and singular input factoring without error.
/// </summary>
public class LuKernelTests
{
    public static TheoryData<int> Sizes => new() { 1, 2, 7, 8, 9, 16, 17, 33, 64, 65, 129, 300, 513 };

    private static (double[] Lu, int[] Perm) Unpack(double[] packed, int n, int offset = 0)
    {
        var lu = new double[n * n];
        Array.Copy(packed, offset, lu, 0, n * n);
        var perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = (int)packed[offset + (n * n) + i];
        return (lu, perm);
    }

    /// <summary>‖A[perm] − L·U‖_F / ‖A‖_F, with L unit lower and U upper read from the packed LU; also checks perm and |l_ij| ≤ 1.</summary>
    private static double RelResidual(double[] a, double[] lu, int[] perm, int n)
    {
        Assert.Equal(Enumerable.Range(0, n), perm.Order());
        double num = 0, den = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if (j < i) Assert.InRange(Math.Abs(lu[(i * n) + j]), 0, 1);
                double s = 0;
                for (int k = 0; k <= Math.Min(i, j); k++) s += (k == i ? 1 : lu[(i * n) + k]) * lu[(k * n) + j];
                double e = s - a[(perm[i] * n) + j];
                num += e * e;
                den += a[(perm[i] * n) + j] * a[(perm[i] * n) + j];
            }

        return Math.Sqrt(num / den);
    }

    /// <summary>Textbook right-looking LU with partial pivoting (first maximum on ties): its row permutation.</summary>
    private static int[] ReferencePerm(double[] a, int n)
    {
        var w = (double[])a.Clone();
        var perm = Enumerable.Range(0, n).ToArray();
        for (int j = 0; j < n; j++)
        {
            int p = j;
            for (int i = j + 1; i < n; i++)
                if (Math.Abs(w[(i * n) + j]) > Math.Abs(w[(p * n) + j])) p = i;
            if (p != j)
            {
                for (int c = 0; c < n; c++) (w[(j * n) + c], w[(p * n) + c]) = (w[(p * n) + c], w[(j * n) + c]);
                (perm[j], perm[p]) = (perm[p], perm[j]);
            }

            if (w[(j * n) + j] == 0) continue;
            for (int i = j + 1; i < n; i++)
            {
                double l = w[(i * n) + j] /= w[(j * n) + j];
                for (int c = j + 1; c < n; c++) w[(i * n) + c] -= l * w[(j * n) + c];
            }
        }

        return perm;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Lu_F64_ReconstructsPermutedA_WithTextbookPivots(int n)
    {
        var a = LinalgTestUtil.RandomMatrix(new Random(4000 + n), n, n);
        var (lu, perm) = Unpack((double[])Kernels.Lu(NDArray.Wrap(a, Shape.Of(n, n))).Data, n);
        Assert.InRange(RelResidual(a, lu, perm, n), 0, 1e-12);
        // Random entries have no exact ties in |a_ij|, so the pivot sequence is unique up to rounding; a difference
        // would show as a different order of rows.
        Assert.Equal(ReferencePerm(a, n), perm);
    }

    [Fact]
    public void Lu_F64_Batched_FactorsEachMatrix()
    {
        const int n = 300;
        var rng = new Random(4301);
        var mats = new[] { LinalgTestUtil.RandomMatrix(rng, n, n), LinalgTestUtil.RandomMatrix(rng, n, n) };
        var packed = (double[])Kernels.Lu(NDArray.Wrap(mats.SelectMany(m => m).ToArray(), Shape.Of(2, n, n))).Data;
        for (int b = 0; b < 2; b++)
        {
            var (lu, perm) = Unpack(packed, n, b * (n + 1) * n);
            Assert.InRange(RelResidual(mats[b], lu, perm, n), 0, 1e-12);
        }
    }

    [Theory]
    [InlineData(65)]
    [InlineData(300)]
    public void Lu_F32_ReconstructsPermutedA(int n)
    {
        var a = LinalgTestUtil.RandomMatrix(new Random(4400 + n), n, n);
        var packed = (float[])Kernels.Lu(NDArray.Wrap(a.Select(v => (float)v).ToArray(), Shape.Of(n, n))).Data;
        var (lu, perm) = Unpack(packed.Select(v => (double)v).ToArray(), n);
        var a32 = a.Select(v => (double)(float)v).ToArray();
        Assert.InRange(RelResidual(a32, lu, perm, n), 0, 10 * n * 1.2e-7);
    }

    [Theory]
    [InlineData(40)]
    [InlineData(300)]
    public void Lu_Singular_FactorsWithAZeroPivot(int n)
    {
        // Column 20 is a copy of column 3: rank n − 1, so U has an exactly zero or roundoff-sized pivot; the factorization
        // still reconstructs A[perm] (getrf with info > 0 does too).
        var a = LinalgTestUtil.RandomMatrix(new Random(4500 + n), n, n);
        for (int i = 0; i < n; i++) a[(i * n) + 20] = a[(i * n) + 3];
        var (lu, perm) = Unpack((double[])Kernels.Lu(NDArray.Wrap(a, Shape.Of(n, n))).Data, n);
        Assert.InRange(RelResidual(a, lu, perm, n), 0, 1e-12);
        double minPivot = Enumerable.Range(0, n).Min(i => Math.Abs(lu[(i * n) + i]));
        Assert.InRange(minPivot, 0, 1e-12);
    }

    [Fact]
    public void Lu_ZeroMatrix_LeavesZerosAndIdentityPermutation()
    {
        const int n = 50;
        var (lu, perm) = Unpack((double[])Kernels.Lu(NDArray.Wrap(new double[n * n], Shape.Of(n, n))).Data, n);
        Assert.All(lu, v => Assert.Equal(0.0, v));
        Assert.Equal(Enumerable.Range(0, n), perm);
    }
}
