using System.Diagnostics;
using System.Globalization;
using Cotangent.Runtime;

namespace Cotangent.Benchmarks;

/// <summary>
/// <c>--gemm-probe type m k n threads [config ...]</c>: times our GEMM alone for tuning. Each config is a comma-separated
/// list of knob=value (kc32, kc64, nc32, nc64, mr, split; ta=1 / tb=1 pass A / B transposed); configs are timed in interleaved batches (so machine noise
/// hits them alike) and the median GFLOPS of each is printed.
/// </summary>
internal static class GemmProbe
{
    private static bool s_transA, s_transB;

    /// <summary>Runs the probe.</summary>
    public static int Run(string[] args)
    {
        string type = args[0];
        int m = int.Parse(args[1], CultureInfo.InvariantCulture), k = int.Parse(args[2], CultureInfo.InvariantCulture);
        int n = int.Parse(args[3], CultureInfo.InvariantCulture), threads = int.Parse(args[4], CultureInfo.InvariantCulture);
        var configs = args.Length > 5 ? args[5..] : ["default"];
        var result = type == "f32" ? Time<float>(m, k, n, threads, configs) : Time<double>(m, k, n, threads, configs);
        for (int i = 0; i < configs.Length; i++)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{type} {m}x{k}x{n} {threads}T [{configs[i]}]: median {result[i].Median:F1}, best {result[i].Best:F1} GFLOPS"));
        return 0;
    }

    private static void Apply(string config)
    {
        Gemm.TuneKcF32 = 512;
        Gemm.TuneKcF64 = 256;
        Gemm.TuneNcF32 = 512;
        Gemm.TuneNcF64 = 512;
        Gemm.TuneMr512 = 6;
        Gemm.TuneSplit = 0;
        s_transA = s_transB = false;
        foreach (var kv in config.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = kv.Split('=');
            if (parts.Length != 2) continue;
            int v = int.Parse(parts[1], CultureInfo.InvariantCulture);
            switch (parts[0])
            {
                case "kc32": Gemm.TuneKcF32 = v; break;
                case "kc64": Gemm.TuneKcF64 = v; break;
                case "nc32": Gemm.TuneNcF32 = v; break;
                case "nc64": Gemm.TuneNcF64 = v; break;
                case "mr": Gemm.TuneMr512 = v; break;
                case "split": Gemm.TuneSplit = v; break;
                case "ta": s_transA = v != 0; break;
                case "tb": s_transB = v != 0; break;
                default: throw new ArgumentException($"unknown knob {parts[0]}");
            }
        }
    }

    private static (double Median, double Best)[] Time<T>(int m, int k, int n, int threads, string[] configs)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        var a = new T[m * k];
        var b = new T[k * n];
        var c = new T[m * n];
        var rng = new Random(1);
        for (int i = 0; i < a.Length; i++) a[i] = T.CreateTruncating(rng.NextDouble());
        for (int i = 0; i < b.Length; i++) b[i] = T.CreateTruncating(rng.NextDouble());
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < 0.4)
        {
            foreach (var cfg in configs)
            {
                Apply(cfg);
                Gemm.Multiply<T>(a, b, c, m, n, k, s_transA, s_transB, maxThreads: threads);
            }
        }

        Apply(configs[0]);
        int reps = 0;
        sw.Restart();
        while (sw.Elapsed.TotalSeconds < 0.01)
        {
            Gemm.Multiply<T>(a, b, c, m, n, k, s_transA, s_transB, maxThreads: threads);
            reps++;
        }

        const int batches = 31;
        var res = new double[configs.Length][];
        for (int ci = 0; ci < configs.Length; ci++) res[ci] = new double[batches];
        for (int bi = 0; bi < batches; bi++)
        {
            for (int j = 0; j < configs.Length; j++)
            {
                int ci = (j + bi) % configs.Length;
                Apply(configs[ci]);
                Gemm.Multiply<T>(a, b, c, m, n, k, s_transA, s_transB, maxThreads: threads);
                long t0 = Stopwatch.GetTimestamp();
                for (int r = 0; r < reps; r++) Gemm.Multiply<T>(a, b, c, m, n, k, s_transA, s_transB, maxThreads: threads);
                res[ci][bi] = 2.0 * m * n * k * reps / Stopwatch.GetElapsedTime(t0).TotalSeconds / 1e9;
            }
        }

        Apply("default");
        return res.Select(r =>
        {
            Array.Sort(r);
            return (r[batches / 2], r[^1]);
        }).ToArray();
    }
}
