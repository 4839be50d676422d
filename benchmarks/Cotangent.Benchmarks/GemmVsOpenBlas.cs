using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Cotangent.Runtime;

namespace Cotangent.Benchmarks;

/// <summary>
/// <c>--gemm-vs-openblas</c>: our GEMM against OpenBLAS's cblas_sgemm/cblas_dgemm in one process, interleaved,
/// with time-based warm-up; prints the median and the best GFLOPS of several batches per side. Needs libopenblas.so.0
/// (benchmarks/gemm-vs-openblas.sh installs it). P/Invoke is confined to this tool; the library is pure managed.
/// </summary>
internal static unsafe partial class GemmVsOpenBlas
{
    internal const int RowMajor = 101;
    internal const int NoTrans = 111;
    internal const string Lib = "libopenblas.so.0";

    [LibraryImport(Lib, EntryPoint = "cblas_sgemm")]
    private static partial void CblasSgemm(int order, int transA, int transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(Lib, EntryPoint = "cblas_dgemm")]
    private static partial void CblasDgemm(int order, int transA, int transB, int m, int n, int k,
        double alpha, double* a, int lda, double* b, int ldb, double beta, double* c, int ldc);

    [LibraryImport(Lib, EntryPoint = "openblas_set_num_threads")]
    private static partial void OpenBlasSetNumThreads(int threads);

    [LibraryImport(Lib, EntryPoint = "openblas_get_config")]
    private static partial nint OpenBlasGetConfig();

    [LibraryImport(Lib, EntryPoint = "openblas_get_corename")]
    private static partial nint OpenBlasGetCorename();

    /// <summary>Sets OpenBLAS's thread count (for the other comparison tools).</summary>
    internal static void SetThreads(int threads) => OpenBlasSetNumThreads(threads);

    /// <summary>OpenBLAS's build configuration and the core type it runs on.</summary>
    internal static string Describe() => $"OpenBLAS: {Marshal.PtrToStringAnsi(OpenBlasGetConfig())} (core {Marshal.PtrToStringAnsi(OpenBlasGetCorename())})";

    /// <summary>Runs the comparison and prints the table. Returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        int batches = 9;
        double batchSeconds = 0.04;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--batches" && i + 1 < args.Length) batches = int.Parse(args[++i], CultureInfo.InvariantCulture);
            if (args[i] == "--batch-ms" && i + 1 < args.Length) batchSeconds = double.Parse(args[++i], CultureInfo.InvariantCulture) / 1000;
        }

        var cases = new List<(string Type, int M, int K, int N)>();
        foreach (string type in new[] { "f32", "f64" })
        {
            foreach (int s in new[] { 256, 512, 1024 }) cases.Add((type, s, s, s));
            cases.Add((type, 128, 784, 256));
            cases.Add((type, 128, 256, 256));
        }

        string? only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
        if (only is not null) cases = cases.Where(c => $"{c.Type}:{c.M}x{c.K}x{c.N}".Contains(only, StringComparison.Ordinal)).ToList();

        Console.WriteLine($"OpenBLAS: {Marshal.PtrToStringAnsi(OpenBlasGetConfig())} (core {Marshal.PtrToStringAnsi(OpenBlasGetCorename())})");
        Console.WriteLine($"Cotangent GEMM tier: {Gemm.BestIsa}; {Environment.ProcessorCount} logical CPUs; .NET {Environment.Version}");
        Console.WriteLine($"GFLOPS (2·m·n·k flops per call) over {batches} interleaved batches of ~{batchSeconds * 1000:F0} ms per side: median, and best batch.");
        Console.WriteLine();
        Console.WriteLine("| type | shape (m×k · k×n) | threads | ours median | OpenBLAS median | ratio | ours best | OpenBLAS best | ratio (best) | max rel diff |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int threads in new[] { 1, 2 })
        {
            foreach (var (type, m, k, n) in cases)
            {
                var r = type == "f32" ? Measure<float>(m, k, n, threads, batches, batchSeconds) : Measure<double>(m, k, n, threads, batches, batchSeconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {type} | {m}×{k} · {k}×{n} | {threads} | {r.Ours:F1} | {r.Blas:F1} | {r.Ours / r.Blas:F3} | {r.OursBest:F1} | {r.BlasBest:F1} | {r.OursBest / r.BlasBest:F3} | {r.MaxRelDiff:G2} |"));
            }
        }

        Gemm.MaxThreads = 2;
        return 0;
    }

    private static (double Ours, double Blas, double OursBest, double BlasBest, double MaxRelDiff) Measure<T>(int m, int k, int n, int threads, int batches, double batchSeconds)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        var rng = new Random(42);
        var a = new T[m * k];
        var b = new T[k * n];
        var c1 = new T[m * n];
        var c2 = new T[m * n];
        for (int i = 0; i < a.Length; i++) a[i] = T.CreateTruncating(rng.NextDouble() * 2 - 1);
        for (int i = 0; i < b.Length; i++) b[i] = T.CreateTruncating(rng.NextDouble() * 2 - 1);
        Gemm.MaxThreads = threads;
        OpenBlasSetNumThreads(threads);

        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc1 = c1)
        fixed (T* pc2 = c2)
        {
            T* ca = pa, cb = pb, cc1 = pc1, cc2 = pc2;
            void Ours() => Gemm.Multiply(m, n, k, ca, k, 1, cb, n, 1, cc1, n, false, Gemm.BestIsa, Gemm.MaxThreads);
            void Blas()
            {
                if (typeof(T) == typeof(float))
                    CblasSgemm(RowMajor, NoTrans, NoTrans, m, n, k, 1f, (float*)ca, k, (float*)cb, n, 0f, (float*)cc2, n);
                else
                    CblasDgemm(RowMajor, NoTrans, NoTrans, m, n, k, 1d, (double*)ca, k, (double*)cb, n, 0d, (double*)cc2, n);
            }

            // Time-based warm-up (tiered JIT, caches, OpenBLAS thread start-up), alternating sides.
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed.TotalSeconds < 0.4)
            {
                Ours();
                Blas();
            }

            // Calls per batch so that one batch takes about batchSeconds.
            var probe = Stopwatch.StartNew();
            int probeCalls = 0;
            while (probe.Elapsed.TotalSeconds < 0.02)
            {
                Ours();
                probeCalls++;
            }

            int reps = Math.Max(1, (int)(batchSeconds / (probe.Elapsed.TotalSeconds / probeCalls)));
            double flops = 2.0 * m * n * k * reps;
            var (oursSeconds, blasSeconds) = Interleaved.Run(Ours, Blas, batches, reps, threads);
            var ours = oursSeconds.Select(t => flops / reps / t / 1e9).ToArray();
            var blas = blasSeconds.Select(t => flops / reps / t / 1e9).ToArray();

            Array.Sort(ours);
            Array.Sort(blas);
            double maxRel = 0, scale = 0;
            for (int i = 0; i < c1.Length; i++) scale = Math.Max(scale, Math.Abs(double.CreateTruncating(c2[i])));
            for (int i = 0; i < c1.Length; i++)
                maxRel = Math.Max(maxRel, Math.Abs(double.CreateTruncating(c1[i]) - double.CreateTruncating(c2[i])) / scale);
            return (ours[batches / 2], blas[batches / 2], ours[^1], blas[^1], maxRel);
        }
    }
}
