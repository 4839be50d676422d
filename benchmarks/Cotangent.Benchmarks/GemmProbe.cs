using System.Diagnostics;
using System.Globalization;
using Cotangent.Runtime;

namespace Cotangent.Benchmarks;

/// <summary><c>--gemm-probe type m k n threads</c>: times our GEMM alone (median GFLOPS of 7 batches), for tuning.</summary>
internal static unsafe class GemmProbe
{
    /// <summary>Runs the probe.</summary>
    public static int Run(string[] args)
    {
        string type = args[0];
        int m = int.Parse(args[1], CultureInfo.InvariantCulture), k = int.Parse(args[2], CultureInfo.InvariantCulture);
        int n = int.Parse(args[3], CultureInfo.InvariantCulture), threads = int.Parse(args[4], CultureInfo.InvariantCulture);
        Gemm.TuneKcF32 = Env("COT_KC32", Gemm.TuneKcF32);
        Gemm.TuneKcF64 = Env("COT_KC64", Gemm.TuneKcF64);
        Gemm.TuneNcF32 = Env("COT_NC32", Gemm.TuneNcF32);
        Gemm.TuneNcF64 = Env("COT_NC64", Gemm.TuneNcF64);
        Gemm.TuneSplit = Env("COT_SPLIT", Gemm.TuneSplit);
        Gemm.TuneMr512 = Env("COT_MR", Gemm.TuneMr512);
        double g = type == "f32" ? Time<float>(m, k, n, threads) : Time<double>(m, k, n, threads);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{type} {m}x{k}x{n} {threads}T: {g:F1} GFLOPS"));
        return 0;
    }

    private static int Env(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out int v) ? v : fallback;

    private static double Time<T>(int m, int k, int n, int threads)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        var a = new T[m * k];
        var b = new T[k * n];
        var c = new T[m * n];
        var rng = new Random(1);
        for (int i = 0; i < a.Length; i++) a[i] = T.CreateTruncating(rng.NextDouble());
        for (int i = 0; i < b.Length; i++) b[i] = T.CreateTruncating(rng.NextDouble());
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < 0.3) Gemm.Multiply<T>(a, b, c, m, n, k, maxThreads: threads);
        int reps = 0;
        sw.Restart();
        while (sw.Elapsed.TotalSeconds < 0.03) { Gemm.Multiply<T>(a, b, c, m, n, k, maxThreads: threads); reps++; }
        var res = new double[7];
        for (int i = 0; i < res.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int r = 0; r < reps; r++) Gemm.Multiply<T>(a, b, c, m, n, k, maxThreads: threads);
            res[i] = 2.0 * m * n * k * reps / Stopwatch.GetElapsedTime(t0).TotalSeconds / 1e9;
        }

        Array.Sort(res);
        return res[3];
    }
}
