using System.Numerics;

namespace Cotangent.Runtime.Tests;

public class GemmTests
{
    /// <summary>Micro-kernel tiers this machine can run, as ints (the enum is internal).</summary>
    public static TheoryData<int> Isas()
    {
        var data = new TheoryData<int> { (int)GemmIsa.Scalar };
        if (Gemm.BestIsa >= GemmIsa.Vector256) data.Add((int)GemmIsa.Vector256);
        if (Gemm.BestIsa >= GemmIsa.Vector512) data.Add((int)GemmIsa.Vector512);
        return data;
    }

    internal static T[] RandomArray<T>(int length, int seed)
        where T : unmanaged, INumber<T>
    {
        var rng = new Random(seed);
        var x = new T[length];
        for (int i = 0; i < length; i++) x[i] = T.CreateTruncating(rng.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>Checks C against a naive double-precision triple loop, element by element, with an error bound of
    /// 2·(k+2)·eps relative to Σ|a||b| (a bound for any summation order).</summary>
    internal static void AssertProduct<T>(T[] a, T[] b, T[] c, int m, int n, int k, bool transA, bool transB, T[]? c0 = null)
        where T : unmanaged, INumber<T>
    {
        double eps = typeof(T) == typeof(float) ? 6e-8 : 1.2e-16;
        var ad = new double[m * k]; // A row-major
        var bd = new double[n * k]; // Bᵀ row-major, so the inner loop is contiguous
        for (int i = 0; i < m; i++)
        {
            for (int p = 0; p < k; p++) ad[i * k + p] = double.CreateTruncating(transA ? a[p * m + i] : a[i * k + p]);
        }

        for (int j = 0; j < n; j++)
        {
            for (int p = 0; p < k; p++) bd[j * k + p] = double.CreateTruncating(transB ? b[j * k + p] : b[p * n + j]);
        }

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = c0 is null ? 0 : double.CreateTruncating(c0[i * n + j]);
                double abs = Math.Abs(sum);
                var ar = ad.AsSpan(i * k, k);
                var br = bd.AsSpan(j * k, k);
                for (int p = 0; p < ar.Length; p++)
                {
                    double xy = ar[p] * br[p];
                    sum += xy;
                    abs += Math.Abs(xy);
                }

                double got = double.CreateTruncating(c[i * n + j]);
                double tol = 2 * (k + 2) * eps * abs + 1e-300;
                if (!(Math.Abs(got - sum) <= tol))
                    Assert.Fail($"C[{i},{j}] = {got} but expected {sum} (|diff| {Math.Abs(got - sum):G3} > tol {tol:G3}) for {m}×{k}·{k}×{n}, transA={transA}, transB={transB}.");
            }
        }
    }

    private static void Check<T>(int m, int n, int k, GemmIsa isa, bool transA = false, bool transB = false, bool accumulate = false, int threads = 2)
        where T : unmanaged, INumber<T>
    {
        int seed = (m * 1000003) ^ (n * 7919) ^ (k * 31) ^ (transA ? 1 : 0) ^ (transB ? 2 : 0);
        var a = RandomArray<T>(m * k, seed);
        var b = RandomArray<T>(k * n, seed + 1);
        var c = RandomArray<T>(m * n, seed + 2); // garbage to overwrite, or the addend
        var c0 = accumulate ? (T[])c.Clone() : null;
        if (!accumulate) c.AsSpan().Fill(T.CreateTruncating(double.NaN));
        Gemm.Multiply<T>(a, b, c, m, n, k, transA, transB, accumulate, isa, threads);
        AssertProduct(a, b, c, m, n, k, transA, transB, c0);
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public void SweepM_AroundTileEdges(int tier)
    {
        var isa = (GemmIsa)tier;
        for (int m = 1; m <= 70; m++)
        {
            Check<float>(m, 67, 13, isa);
            Check<double>(m, 35, 9, isa);
        }
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public void SweepN_AroundTileEdges(int tier)
    {
        var isa = (GemmIsa)tier;
        for (int n = 1; n <= 70; n++)
        {
            Check<float>(13, n, 11, isa);
            Check<double>(7, n, 10, isa);
        }

        foreach (int n in new[] { 127, 128, 129, 191, 193 })
        {
            Check<float>(5, n, 7, isa);
            Check<double>(5, n, 7, isa);
        }
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public void SweepK_AroundUnrollAndBlockEdges(int tier)
    {
        var isa = (GemmIsa)tier;
        for (int k = 1; k <= 70; k++)
        {
            Check<float>(7, 17, k, isa);
            Check<double>(7, 9, k, isa);
        }

        foreach (int k in new[] { 255, 256, 257, 511, 512, 513, 1025 })
        {
            Check<float>(13, 70, k, isa);
            Check<double>(13, 70, k, isa);
        }
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public void TransposedOperandsAndAccumulate(int tier)
    {
        var isa = (GemmIsa)tier;
        foreach (var (m, n, k) in new[] { (1, 1, 1), (1, 70, 9), (9, 1, 70), (6, 64, 5), (7, 65, 33), (13, 31, 70), (50, 130, 17) })
        {
            foreach (bool ta in new[] { false, true })
            {
                foreach (bool tb in new[] { false, true })
                {
                    Check<float>(m, n, k, isa, ta, tb);
                    Check<double>(m, n, k, isa, ta, tb);
                    Check<float>(m, n, k, isa, ta, tb, accumulate: true);
                    Check<double>(m, n, k, isa, ta, tb, accumulate: true);
                }
            }
        }
    }

    [Theory]
    [InlineData(128, 256, 784)]
    [InlineData(300, 200, 1100)]
    [InlineData(130, 520, 600)]
    [InlineData(1000, 40, 100)]
    [InlineData(7, 1000, 400)]
    public void LargeShapes_OneAndTwoThreads(int m, int n, int k)
    {
        foreach (int threads in new[] { 1, 2 })
        {
            Check<float>(m, n, k, Gemm.BestIsa, threads: threads);
            Check<double>(m, n, k, Gemm.BestIsa, threads: threads);
        }

        Check<float>(m, n, k, Gemm.BestIsa, transA: true, transB: true);
        Check<double>(m, n, k, Gemm.BestIsa, accumulate: true);
    }

    [Fact]
    public void SmallOutputs_GiveTheBitsOfTheTiledPath()
    {
        if (Gemm.BestIsa < GemmIsa.Vector256) return;

        // The knob is global, but both paths are correct, so tests running meanwhile are unaffected. Every output of at most
        // 16 elements (m and n from 2 to 8; m = 1 or n = 1 take their own paths first), with k across the kc blocks,
        // transposed operands and accumulation, must match the register-tiled kernels bit for bit and the reference.
        foreach (var (m, n) in new[] { (2, 2), (2, 8), (8, 2), (4, 4), (3, 5), (2, 3) })
        {
            foreach (int k in new[] { 1, 7, 255, 256, 257, 511, 512, 513, 1000 })
            {
                foreach (bool transA in new[] { false, true })
                {
                    Same<double>(m, n, k, transA, !transA, accumulate: k % 2 == 0);
                    Same<float>(m, n, k, transA, transA, accumulate: k % 2 == 1);
                }
            }
        }

        static void Same<T>(int m, int n, int k, bool transA, bool transB, bool accumulate)
            where T : unmanaged, INumber<T>
        {
            var a = RandomArray<T>(m * k, m + n + k);
            var b = RandomArray<T>(k * n, m * n + k);
            var c0 = RandomArray<T>(m * n, n + k);
            T[] Run(bool small)
            {
                var c = (T[])c0.Clone();
                bool saved = Gemm.TuneSmallOutput;
                Gemm.TuneSmallOutput = small;
                try
                {
                    Gemm.Multiply<T>(a, b, c, m, n, k, transA, transB, accumulate, Gemm.BestIsa, maxThreads: 2);
                }
                finally
                {
                    Gemm.TuneSmallOutput = saved;
                }

                return c;
            }

            var tiled = Run(small: false);
            var small = Run(small: true);
            Assert.True(tiled.AsSpan().SequenceEqual(small), $"{typeof(T).Name} {m}×{k}·{k}×{n} transA={transA} transB={transB} accumulate={accumulate}: the small-output path changed the bits");
            AssertProduct(a, b, small, m, n, k, transA, transB, accumulate ? c0 : null);
        }
    }

    [Fact]
    public void LowerTiersOnALargeShape()
    {
        Check<float>(70, 150, 600, GemmIsa.Vector256);
        Check<double>(70, 150, 600, GemmIsa.Vector256);
        Check<double>(30, 40, 300, GemmIsa.Scalar);
    }

    [Fact]
    public void FourRowVector512Kernels()
    {
        if (Gemm.BestIsa < GemmIsa.Vector512) return;

        // The knob is global, but both tile shapes are correct, so concurrent tests are unaffected.
        Gemm.TuneMr512 = 4;
        try
        {
            foreach (int m in new[] { 1, 3, 4, 5, 9, 64, 130 })
            {
                Check<float>(m, 70, 37, GemmIsa.Vector512);
                Check<double>(m, 70, 37, GemmIsa.Vector512, transB: true);
            }

            Check<float>(128, 256, 784, GemmIsa.Vector512);
        }
        finally
        {
            Gemm.TuneMr512 = 6;
        }
    }

    [Fact]
    public void ZeroExtents()
    {
        var c = new float[] { 5, 5, 5, 5, 5, 5 };
        Gemm.Multiply<float>([], [], c, 2, 3, 0);
        Assert.All(c, x => Assert.Equal(0f, x));

        c = [5, 5, 5, 5, 5, 5];
        Gemm.Multiply<float>([], [], c, 2, 3, 0, accumulate: true);
        Assert.All(c, x => Assert.Equal(5f, x));

        Gemm.Multiply<double>([], [1, 2, 3], [], 0, 3, 1);
        Gemm.Multiply<double>([1, 2], [], [], 2, 0, 1);
    }

    [Fact]
    public void ConcurrentCallersShareTheWorkerSafely()
    {
        const int m = 96, n = 200, k = 300;
        var a = RandomArray<float>(m * k, 1);
        var b = RandomArray<float>(k * n, 2);
        var expected = new float[m * n];
        Gemm.Multiply<float>(a, b, expected, m, n, k, maxThreads: 1);
        Parallel.For(0, 8, _ =>
        {
            var c = new float[m * n];
            for (int rep = 0; rep < 5; rep++)
            {
                Gemm.Multiply<float>(a, b, c, m, n, k);
                Assert.Equal(expected, c);
            }
        });
    }
}
