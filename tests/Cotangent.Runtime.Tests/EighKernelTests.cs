using Cotangent.Runtime.Tests.Reference;

namespace Cotangent.Runtime.Tests;

/// <summary>
/// The tridiagonal-QL eigh kernel: A = V·Λ·Vᵀ and VᵀV = I to 1e-12 relative (f64), eigenvalues ascending and equal to the
/// ones a matrix was built from, on well-separated, repeated and degenerate spectra, sizes 1…300, batched, and f32.
/// </summary>
public class EighKernelTests
{
    public static TheoryData<int> Sizes => new() { 1, 2, 3, 4, 5, 8, 17, 33, 64, 100, 129, 300 };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Eigh_Reconstructs_RandomSymmetric_F64(int n)
    {
        var rng = new Random(1000 + n);
        var a = LinalgTestUtil.RandomSymmetric(rng, n);
        var (lam, v) = RunEigh(a, n, DType.Float64);
        LinalgTestUtil.CheckEigh(a, lam, v, n, 1e-12, $"n={n}");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Eigh_RecoversKnownSpectrum_WithRepeatedEigenvalues_F64(int n)
    {
        // Λ with clusters of equal eigenvalues (multiplicity up to 4) and one exactly zero eigenvalue.
        var rng = new Random(2000 + n);
        var lam = new double[n];
        for (int i = 0; i < n; i++) lam[i] = Math.Floor(i / 4.0) - (n / 8);
        var q = LinalgTestUtil.RandomOrthogonal(rng, n);
        var a = LinalgTestUtil.Compose(q, lam, n);
        var (got, v) = RunEigh(a, n, DType.Float64);
        LinalgTestUtil.CheckEigh(a, got, v, n, 1e-12, $"n={n}");
        Array.Sort(lam);
        double norm = lam.Max(Math.Abs) + 1;
        for (int i = 0; i < n; i++) Assert.True(Math.Abs(got[i] - lam[i]) <= 1e-12 * norm * Math.Max(1, n / 10.0), $"λ{i} = {got[i]:R}, expected {lam[i]}");
    }

    [Theory]
    [InlineData("identity")]
    [InlineData("zero")]
    [InlineData("diagonal")]
    [InlineData("rank1")]
    [InlineData("tridiagonal")]
    [InlineData("wilkinson")]
    [InlineData("tiny")]
    [InlineData("huge")]
    [InlineData("graded")]
    public void Eigh_Reconstructs_StructuredMatrices_F64(string kind)
    {
        foreach (int n in new[] { 1, 2, 7, 40, 150 })
        {
            var a = LinalgTestUtil.Structured(kind, n, new Random(n));
            var (lam, v) = RunEigh(a, n, DType.Float64);
            LinalgTestUtil.CheckEigh(a, lam, v, n, 1e-12, $"{kind} n={n}");
        }
    }

    [Fact]
    public void Eigh_ReadsOnlyTheLowerTriangle()
    {
        int n = 9;
        var a = LinalgTestUtil.RandomSymmetric(new Random(5), n);
        var poisoned = (double[])a.Clone();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) poisoned[(i * n) + j] = double.NaN;
        var r1 = Kernels.Eigh(NDArray.Wrap(a, Shape.Of(n, n)));
        var r2 = Kernels.Eigh(NDArray.Wrap(poisoned, Shape.Of(n, n)));
        TestUtil.Same(r1, r2, "upper triangle ignored");
    }

    [Fact]
    public void Eigh_MatchesJacobiReference()
    {
        foreach (int n in new[] { 3, 10, 60 })
        {
            var a = LinalgTestUtil.RandomSymmetric(new Random(n), n);
            var x = NDArray.Wrap(a, Shape.Of(n, n));
            var fast = Ref.Values(Kernels.Eigh(x));
            var slow = Ref.Values(Kernels.EighJacobi(x));
            for (int j = 0; j < n; j++) Assert.True(Math.Abs(fast[j] - slow[j]) <= 1e-13 * n, $"n={n} λ{j}: {fast[j]:R} vs {slow[j]:R}");
        }
    }

    [Fact]
    public void Eigh_Batched_MatchesOneAtATime()
    {
        int n = 12;
        var rng = new Random(77);
        var data = new double[2 * 3 * n * n];
        for (int b = 0; b < 6; b++) LinalgTestUtil.RandomSymmetric(rng, n).CopyTo(data, b * n * n);
        var all = Kernels.Eigh(NDArray.Wrap(data, Shape.Of(2, 3, n, n)));
        Assert.Equal(Shape.Of(2, 3, n + 1, n), all.Shape);
        var values = Ref.Values(all);
        for (int b = 0; b < 6; b++)
        {
            var one = Ref.Values(Kernels.Eigh(NDArray.Wrap(data.AsSpan(b * n * n, n * n).ToArray(), Shape.Of(n, n))));
            Assert.Equal(one, values.AsSpan(b * (n + 1) * n, (n + 1) * n).ToArray());
        }
    }

    [Fact]
    public void Eigh_EmptyAndZeroBatch()
    {
        Assert.Equal(Shape.Of(1, 0), Kernels.Eigh(NDArray.Zeros(DType.Float64, Shape.Of(0, 0))).Shape);
        Assert.Equal(Shape.Of(0, 4, 3), Kernels.Eigh(NDArray.Zeros(DType.Float32, Shape.Of(0, 3, 3))).Shape);
    }

    [Fact]
    public void Eigh_NonFiniteInput_GivesNaN()
    {
        var a = new double[] { 1, 0, double.PositiveInfinity, 2 };
        Assert.All(Ref.Values(Kernels.Eigh(NDArray.Wrap(a, Shape.Of(2, 2)))), x => Assert.True(double.IsNaN(x)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(50)]
    [InlineData(200)]
    public void Eigh_F32_LooserTolerance(int n)
    {
        var a = LinalgTestUtil.RandomSymmetric(new Random(n), n);
        var (lam, v) = RunEigh(a, n, DType.Float32);
        LinalgTestUtil.CheckEigh(a, lam, v, n, 2e-5 * Math.Max(1, n / 20.0), $"f32 n={n}");
    }

    [Fact]
    public void Eigh_PoisonedAllocations_StillExact()
    {
        bool before = RuntimeOptions.PoisonAllocations;
        RuntimeOptions.PoisonAllocations = true;
        try
        {
            foreach (int n in new[] { 1, 2, 5, 40 })
            {
                var a = LinalgTestUtil.RandomSymmetric(new Random(n), n);
                foreach (var dtype in new[] { DType.Float64, DType.Float32 })
                {
                    var (lam, v) = RunEigh(a, n, dtype);
                    LinalgTestUtil.CheckEigh(a, lam, v, n, dtype == DType.Float64 ? 1e-12 : 1e-4, $"poisoned {dtype} n={n}");
                }
            }
        }
        finally
        {
            RuntimeOptions.PoisonAllocations = before;
        }
    }

    private static (double[] Lambda, double[] V) RunEigh(double[] a, int n, DType dtype)
    {
        var packed = Ref.Values(Kernels.Eigh(Ref.Make(dtype, Shape.Of(n, n), a)));
        return (packed[..n], packed[n..]);
    }
}
