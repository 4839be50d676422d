using Cotangent.Runtime.Tests.Reference;

namespace Cotangent.Runtime.Tests;

/// <summary>
/// Householder QR (reduced and complete) and the Jacobi SVD: Q·R = A and U·Σ·Vᵀ = A to 1e-12 relative in f64, orthonormal
/// factors, R upper triangular, s descending and ≥ 0; tall, square and wide shapes from 1 to 300, rank-deficient and
/// repeated-singular-value inputs, batches, f32 and the poisoned-allocation mode.
/// </summary>
public class QrSvdKernelTests
{
    public static TheoryData<int, int> Shapes => new()
    {
        { 1, 1 }, { 1, 5 }, { 5, 1 }, { 2, 2 }, { 3, 2 }, { 2, 3 }, { 7, 7 }, { 20, 9 }, { 9, 20 }, { 64, 64 }, { 130, 70 }, { 70, 130 }, { 300, 300 }, { 300, 40 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Qr_Reduced_Reconstructs_F64(int m, int n)
    {
        var a = LinalgTestUtil.RandomMatrix(new Random((m * 1000) + n), m, n);
        CheckQr(a, m, n, complete: false, DType.Float64, 1e-12);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Qr_Complete_Reconstructs_F64(int m, int n)
    {
        var a = LinalgTestUtil.RandomMatrix(new Random((m * 1000) + n + 1), m, n);
        CheckQr(a, m, n, complete: true, DType.Float64, 1e-12);
    }

    [Fact]
    public void Qr_RankDeficientAndZeroColumns_F64()
    {
        int m = 12, n = 8;
        var rng = new Random(3);
        var a = LinalgTestUtil.RandomMatrix(rng, m, n);
        for (int i = 0; i < m; i++)
        {
            a[(i * n) + 2] = 0;                          // a zero column
            a[(i * n) + 5] = 3 * a[(i * n) + 1];         // a dependent column
        }

        CheckQr(a, m, n, complete: false, DType.Float64, 1e-12);
        CheckQr(a, m, n, complete: true, DType.Float64, 1e-12);
        CheckQr(new double[m * n], m, n, complete: true, DType.Float64, 1e-12);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Svd_Reconstructs_F64(int m, int n)
    {
        var a = LinalgTestUtil.RandomMatrix(new Random((m * 1000) + n + 2), m, n);
        CheckSvd(a, m, n, DType.Float64, 1e-12);
    }

    [Theory]
    [InlineData(10, 10)]
    [InlineData(40, 25)]
    [InlineData(25, 40)]
    [InlineData(120, 120)]
    public void Svd_KnownSingularValues_RepeatedAndZero_F64(int m, int n)
    {
        // A = P·diag(σ)·Qᵀ with σ in repeated groups of 3 and a zero tail: rank-deficient with multiplicities.
        int k = Math.Min(m, n);
        var rng = new Random(m + n);
        var p = LinalgTestUtil.RandomOrthogonal(rng, m);
        var q = LinalgTestUtil.RandomOrthogonal(rng, n);
        var sigma = new double[k];
        for (int i = 0; i < k; i++) sigma[i] = i < (2 * k) / 3 ? 1 + Math.Floor(i / 3.0) : 0;
        var a = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int t = 0; t < k; t++) sum += p[(i * m) + t] * sigma[t] * q[(j * n) + t];
                a[(i * n) + j] = sum;
            }

        var s = CheckSvd(a, m, n, DType.Float64, 1e-12);
        var expected = sigma.OrderByDescending(x => x).ToArray();
        for (int i = 0; i < k; i++) Assert.True(Math.Abs(s[i] - expected[i]) <= 1e-12 * expected[0] * Math.Max(1, k / 10.0), $"σ{i} = {s[i]:R}, expected {expected[i]}");
    }

    [Theory]
    [InlineData("zero")]
    [InlineData("identity")]
    [InlineData("rank1")]
    [InlineData("tiny")]
    [InlineData("huge")]
    [InlineData("graded")]
    public void Svd_Reconstructs_StructuredMatrices_F64(string kind)
    {
        foreach (int n in new[] { 1, 2, 7, 40 })
        {
            var a = LinalgTestUtil.Structured(kind, n, new Random(n));
            CheckSvd(a, n, n, DType.Float64, 1e-12);
        }
    }

    [Fact]
    public void QrAndSvd_Batched_MatchOneAtATime()
    {
        int m = 6, n = 4;
        var data = LinalgTestUtil.RandomMatrix(new Random(8), 2 * 3 * m, n);
        var x = NDArray.Wrap(data, Shape.Of(2, 3, m, n));
        var (q, r) = Kernels.Qr(x, complete: false);
        var (u, s, vt) = Kernels.Svd(x);
        Assert.Equal(Shape.Of(2, 3, m, n), q.Shape);
        Assert.Equal(Shape.Of(2, 3, n, n), r.Shape);
        Assert.Equal(Shape.Of(2, 3, m, n), u.Shape);
        Assert.Equal(Shape.Of(2, 3, n), s.Shape);
        Assert.Equal(Shape.Of(2, 3, n, n), vt.Shape);
        for (int b = 0; b < 6; b++)
        {
            var one = NDArray.Wrap(data.AsSpan(b * m * n, m * n).ToArray(), Shape.Of(m, n));
            var (q1, r1) = Kernels.Qr(one, complete: false);
            var (u1, s1, vt1) = Kernels.Svd(one);
            Assert.Equal(Ref.Values(q1), Ref.Values(q).AsSpan(b * m * n, m * n).ToArray());
            Assert.Equal(Ref.Values(r1), Ref.Values(r).AsSpan(b * n * n, n * n).ToArray());
            Assert.Equal(Ref.Values(u1), Ref.Values(u).AsSpan(b * m * n, m * n).ToArray());
            Assert.Equal(Ref.Values(s1), Ref.Values(s).AsSpan(b * n, n).ToArray());
            Assert.Equal(Ref.Values(vt1), Ref.Values(vt).AsSpan(b * n * n, n * n).ToArray());
        }
    }

    [Fact]
    public void QrAndSvd_EmptyShapes()
    {
        var (q, r) = Kernels.Qr(NDArray.Zeros(DType.Float64, Shape.Of(3, 0)), complete: true);
        Assert.Equal(Shape.Of(3, 3), q.Shape);
        Assert.Equal(new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, Ref.Values(q));
        Assert.Equal(Shape.Of(3, 0), r.Shape);
        var (u, s, vt) = Kernels.Svd(NDArray.Zeros(DType.Float32, Shape.Of(0, 4, 2)));
        Assert.Equal(Shape.Of(0, 4, 2), u.Shape);
        Assert.Equal(Shape.Of(0, 2), s.Shape);
        Assert.Equal(Shape.Of(0, 2, 2), vt.Shape);
    }

    [Fact]
    public void Svd_NonFiniteInput_GivesNaN()
    {
        var (u, s, vt) = Kernels.Svd(NDArray.Wrap(new[] { 1.0, double.NaN, 0, 2 }, Shape.Of(2, 2)));
        Assert.All(Ref.Values(u).Concat(Ref.Values(s)).Concat(Ref.Values(vt)), v => Assert.True(double.IsNaN(v)));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(30, 12)]
    [InlineData(12, 30)]
    [InlineData(100, 100)]
    public void QrAndSvd_F32_LooserTolerance(int m, int n)
    {
        var a = LinalgTestUtil.RandomMatrix(new Random(m + (7 * n)), m, n);
        double tol = 1e-5 * Math.Max(1, Math.Max(m, n) / 10.0);
        CheckQr(a, m, n, complete: false, DType.Float32, tol);
        CheckQr(a, m, n, complete: true, DType.Float32, tol);
        CheckSvd(a, m, n, DType.Float32, tol);
    }

    [Fact]
    public void QrAndSvd_PoisonedAllocations_StillExact()
    {
        bool before = RuntimeOptions.PoisonAllocations;
        RuntimeOptions.PoisonAllocations = true;
        try
        {
            foreach (var (m, n) in new[] { (1, 1), (5, 3), (3, 5), (17, 17) })
            {
                var a = LinalgTestUtil.RandomMatrix(new Random(m * n), m, n);
                foreach (var dtype in new[] { DType.Float64, DType.Float32 })
                {
                    double tol = dtype == DType.Float64 ? 1e-12 : 1e-4;
                    CheckQr(a, m, n, complete: false, dtype, tol);
                    CheckQr(a, m, n, complete: true, dtype, tol);
                    CheckSvd(a, m, n, dtype, tol);
                }
            }
        }
        finally
        {
            RuntimeOptions.PoisonAllocations = before;
        }
    }

    private static void CheckQr(double[] a, int m, int n, bool complete, DType dtype, double tol)
    {
        var (qa, ra) = Kernels.Qr(Ref.Make(dtype, Shape.Of(m, n), a), complete);
        int qc = complete ? m : Math.Min(m, n);
        Assert.Equal(Shape.Of(m, qc), qa.Shape);
        Assert.Equal(Shape.Of(qc, n), ra.Shape);
        var q = Ref.Values(qa);
        var r = Ref.Values(ra);
        string context = $"qr {dtype} {m}×{n} complete={complete}";
        for (int i = 0; i < qc; i++)
            for (int j = 0; j < Math.Min(i, n); j++) Assert.True(r[(i * n) + j] == 0, $"{context}: R[{i},{j}] = {r[(i * n) + j]} below the diagonal");
        var aRounded = Ref.Values(Ref.Make(dtype, Shape.Of(m, n), a));
        LinalgTestUtil.CheckProduct(aRounded, q, r, m, qc, n, tol, context);
        LinalgTestUtil.CheckOrthonormalColumns(q, m, qc, tol, context);
    }

    private static double[] CheckSvd(double[] a, int m, int n, DType dtype, double tol)
    {
        var (ua, sa, vta) = Kernels.Svd(Ref.Make(dtype, Shape.Of(m, n), a));
        int k = Math.Min(m, n);
        Assert.Equal(Shape.Of(m, k), ua.Shape);
        Assert.Equal(Shape.Of(k), sa.Shape);
        Assert.Equal(Shape.Of(k, n), vta.Shape);
        var u = Ref.Values(ua);
        var s = Ref.Values(sa);
        var vt = Ref.Values(vta);
        string context = $"svd {dtype} {m}×{n}";
        for (int i = 0; i < k; i++)
        {
            Assert.True(s[i] >= 0, $"{context}: σ{i} = {s[i]} < 0");
            if (i > 0) Assert.True(s[i - 1] >= s[i], $"{context}: σ not descending at {i}");
        }

        // Scale-free: compare against A/σ₀ with U·diag(s/σ₀)·Vᵀ.
        double s0 = k > 0 && s[0] > 0 ? s[0] : 1;
        var us = new double[m * k];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < k; j++) us[(i * k) + j] = u[(i * k) + j] * (s[j] / s0);
        var aRounded = Ref.Values(Ref.Make(dtype, Shape.Of(m, n), a)).Select(x => x / s0).ToArray();
        LinalgTestUtil.CheckProduct(aRounded, us, vt, m, k, n, tol, context);
        LinalgTestUtil.CheckOrthonormalColumns(u, m, k, tol, context + " U");
        var v = new double[n * k];
        for (int j = 0; j < k; j++)
            for (int i = 0; i < n; i++) v[(i * k) + j] = vt[(j * n) + i];
        LinalgTestUtil.CheckOrthonormalColumns(v, n, k, tol, context + " V");
        return s;
    }
}
