namespace Cotangent.Runtime.Tests;

/// <summary>
/// The recursive Cholesky kernel at sizes around its leaf (32) and split points and at realistic sizes (300, 513):
/// L·Lᵀ = A to 1e-12 relative (f64, checked with plain loops), L equal to a textbook unblocked factorization, the
/// strict upper triangle exactly zero even when the input's upper triangle (never read) holds NaN, batches, f32, and
/// non-positive-definite or NaN input giving an all-NaN factor.
/// </summary>
public class CholeskyKernelTests
{
    public static TheoryData<int> Sizes => new() { 1, 2, 5, 31, 32, 33, 47, 48, 64, 65, 100, 129, 300, 513 };

    /// <summary>G·Gᵀ/n + I for a random G: symmetric positive definite with a moderate condition number.</summary>
    private static double[] Spd(Random rng, int n)
    {
        var g = LinalgTestUtil.RandomMatrix(rng, n, n);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += g[(i * n) + k] * g[(j * n) + k];
                a[(i * n) + j] = a[(j * n) + i] = (s / n) + (i == j ? 1 : 0);
            }

        return a;
    }

    /// <summary>‖L·Lᵀ − A‖_F / ‖A‖_F over the lower triangle (both sides are symmetric), L's upper triangle ignored.</summary>
    private static double RelResidual(double[] l, double[] a, int n, int offset = 0)
    {
        double num = 0, den = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int k = 0; k <= j; k++) s += l[offset + (i * n) + k] * l[offset + (j * n) + k];
                double e = s - a[(i * n) + j];
                num += e * e;
                den += a[(i * n) + j] * a[(i * n) + j];
            }

        return Math.Sqrt(num / den);
    }

    private static void AssertUpperZero(double[] l, int n, int offset = 0)
    {
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                Assert.True(l[offset + (i * n) + j] == 0 && !double.IsNegative(l[offset + (i * n) + j]), $"L[{i},{j}] = {l[offset + (i * n) + j]}");
    }

    /// <summary>Textbook column-by-column Cholesky (no blocking) as the reference factor.</summary>
    private static double[] Reference(double[] a, int n)
    {
        var l = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            double d = a[(j * n) + j];
            for (int k = 0; k < j; k++) d -= l[(j * n) + k] * l[(j * n) + k];
            d = Math.Sqrt(d);
            l[(j * n) + j] = d;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[(i * n) + j];
                for (int k = 0; k < j; k++) s -= l[(i * n) + k] * l[(j * n) + k];
                l[(i * n) + j] = s / d;
            }
        }

        return l;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Cholesky_F64_ReconstructsA_MatchesReference_UpperExactlyZero(int n)
    {
        var a = Spd(new Random(3000 + n), n);
        // Only the lower triangle is read: poison the upper one, which must come back as exact zeros.
        var input = (double[])a.Clone();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) input[(i * n) + j] = double.NaN;
        var l = (double[])Kernels.Cholesky(NDArray.Wrap(input, Shape.Of(n, n))).Data;
        AssertUpperZero(l, n);
        Assert.InRange(RelResidual(l, a, n), 0, 1e-12);
        var reference = Reference(a, n);
        double scale = reference.Max(Math.Abs), err = 0;
        for (int i = 0; i < n * n; i++) err = Math.Max(err, Math.Abs(l[i] - reference[i]));
        Assert.InRange(err / scale, 0, 1e-12);
    }

    [Fact]
    public void Cholesky_F64_Batched_FactorsEachMatrix()
    {
        const int n = 300;
        var rng = new Random(3301);
        var mats = new[] { Spd(rng, n), Spd(rng, n), Spd(rng, n) };
        var l = (double[])Kernels.Cholesky(NDArray.Wrap(mats.SelectMany(m => m).ToArray(), Shape.Of(3, n, n))).Data;
        for (int b = 0; b < 3; b++)
        {
            AssertUpperZero(l, n, b * n * n);
            Assert.InRange(RelResidual(l, mats[b], n, b * n * n), 0, 1e-12);
        }
    }

    [Theory]
    [InlineData(65)]
    [InlineData(300)]
    [InlineData(513)]
    public void Cholesky_F32_ReconstructsA(int n)
    {
        var a = Spd(new Random(3400 + n), n);
        var l32 = (float[])Kernels.Cholesky(NDArray.Wrap(a.Select(v => (float)v).ToArray(), Shape.Of(n, n))).Data;
        var l = l32.Select(v => (double)v).ToArray();
        AssertUpperZero(l, n);
        Assert.InRange(RelResidual(l, a, n), 0, 10 * n * 1.2e-7);
    }

    [Theory]
    [InlineData(40, 3)]
    [InlineData(300, 250)]
    [InlineData(513, 512)]
    public void Cholesky_NotPositiveDefinite_GivesAllNaN(int n, int bad)
    {
        // Leading minors up to bad − 1 stay positive definite; the one at bad is not (its pivot goes negative).
        var a = Spd(new Random(3500 + n), n);
        a[(bad * n) + bad] = -1;
        var l = (double[])Kernels.Cholesky(NDArray.Wrap(a, Shape.Of(n, n))).Data;
        Assert.All(l, v => Assert.True(double.IsNaN(v)));
    }

    [Fact]
    public void Cholesky_NaNInLowerTriangle_GivesAllNaN()
    {
        const int n = 300;
        var a = Spd(new Random(3600), n);
        a[(200 * n) + 100] = double.NaN;
        var l = (double[])Kernels.Cholesky(NDArray.Wrap(a, Shape.Of(n, n))).Data;
        Assert.All(l, v => Assert.True(double.IsNaN(v)));
    }
}
