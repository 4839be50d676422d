using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Cotangent.Workloads;

namespace Cotangent.Benchmarks;

/// <summary>
/// <c>--adbench [minimum-measurable-seconds] [runs] [time-limit-seconds] [--only text] [--cpu] [--breakdown-all]</c>: tF, tJ and
/// tJ/tF for the ADBench instances (with <c>--only</c>, those whose name contains the text, e.g. <c>--only hand</c>; with
/// <c>--cpu</c>, the process's CPU time instead of wall time, which a loaded machine disturbs far less), and for every
/// instance that misses its target (every instance with <c>--breakdown-all</c>) a breakdown of tJ measured in the same run.
/// tF and tJ are measured as ADBench does (docs/Methodology.md): after a time-based warm-up, find the smallest power-of-2 repeat
/// count whose back-to-back calls take at least the minimum measurable time, then take samples of that many calls
/// until <c>runs</c> samples or the time limit, and report the minimum per call. ADBench's defaults are 0.5 s, 10, 10 s;
/// ours are 0.1 s, 10, 2 s so a full run takes a few minutes.
/// </summary>
internal static partial class AdBenchRunner
{
    private const double WarmupSeconds = 2;

    private static string? s_only;
    private static Func<double> s_clock = WallSeconds;
    private static bool s_breakdownAll;

    // tF and tJ of every row so far, so a Jit row's breakdown can compare itself with the eager row of the same run.
    private static readonly Dictionary<string, (double Tf, double Tj)> s_eager = [];

    public static int Run(string[] args)
    {
        int onlyAt = Array.IndexOf(args, "--only");
        if (onlyAt >= 0)
        {
            s_only = onlyAt + 1 < args.Length ? args[onlyAt + 1] : throw new ArgumentException("--only needs a name fragment, e.g. --only hand.");
            args = [.. args[..onlyAt], .. args[(onlyAt + 2)..]];
        }
        int allAt = Array.IndexOf(args, "--breakdown-all");
        if (allAt >= 0)
        {
            s_breakdownAll = true;
            args = [.. args[..allAt], .. args[(allAt + 1)..]];
        }
        int cpuAt = Array.IndexOf(args, "--cpu");
        if (cpuAt >= 0)
        {
            s_clock = ProcessCpuSeconds;
            args = [.. args[..cpuAt], .. args[(cpuAt + 1)..]];
        }
        double minimum = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 0.1;
        int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        double limit = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 2;
        Console.WriteLine($"ADBench protocol: warm-up {WarmupSeconds} s, minimum measurable time {minimum} s, {runs} runs, time limit {limit} s; minimum per call; {(cpuAt >= 0 ? "process CPU time" : "wall time")}.");
        Console.WriteLine($"Repository data: {AdBenchData.RepositoryFolder ?? "not found"}; shared data: {AdBenchData.SharedFolder ?? "absent (set COTANGENT_ADBENCH_DATA)"}");
        Console.WriteLine();
        Console.WriteLine($"{"instance",-34} {"tF",12} {"tJ",12} {"tJ/tF",8} {"C++ manual",11}  target");

        foreach (var (name, file, cpp) in new[]
        {
            ("gmm 1k d2 K5", "gmm/1k/gmm_d2_K5.txt", 1.67),
            ("gmm 1k d10 K25", "gmm/1k/gmm_d10_K25.txt", 3.03),
            ("gmm 1k d64 K50", "gmm/1k/gmm_d64_K50.txt", 4.79),
        })
        {
            if (Locate(name, file) is not { } path) continue;
            var gmm = GmmInstance.Load(path);
            // The same d and K at n = 10 points: what is left is the cost that does not grow with the data.
            var tiny = gmm with { N = 10, X = gmm.X[..10, ..] };
            Report(name, () => Gmm.Objective(gmm.Parameters, gmm), () => Gmm.Gradient(gmm), cpp, 1, minimum, runs, limit,
                (tf, tj) => ExplainEager(gmm.Parameters, p => Gmm.Objective(p, gmm), p => Gmm.Gradient(gmm with { Parameters = p }), tf, tj,
                    linearize: p => Gmm.Objective(p, gmm),
                    tiny: ("n = 10 (same d, K)", () => Gmm.Objective(tiny.Parameters, tiny), () => Gmm.Gradient(tiny))));
            var (jf, jg) = (Gmm.JitObjective(gmm), Gmm.JitGradient(gmm));
            var (tinyJf, tinyJg) = (Gmm.JitObjective(tiny), Gmm.JitGradient(tiny));
            ReportJit(name, () => jf.Invoke(gmm.Parameters), () => jg.Invoke(gmm.Parameters), cpp, 1, minimum, runs, limit,
                (tf, tj) => ExplainJit(name, gmm.Parameters, jf, jg, tf, tj,
                    tiny: ("n = 10 (same d, K)", () => tinyJf.Invoke(tiny.Parameters), () => tinyJg.Invoke(tiny.Parameters))));
        }
        foreach (var (name, file, cpp) in new[]
        {
            ("ba1 n49 m7776 p31843", "ba/ba1_n49_m7776_p31843.txt", 6.29),
            ("ba2 n21 m11315 p36455", "ba/ba2_n21_m11315_p36455.txt", 6.00),
        })
        {
            if (Locate(name, file) is not { } path) continue;
            var ba = BaInstance.Load(path);
            Report(name, () => BundleAdjustment.Objective(ba), () => BundleAdjustment.Jacobian(ba), cpp, 1.5, minimum, runs, limit,
                (tf, tj) =>
                {
                    ExplainAllocation(() => BundleAdjustment.Objective(ba), () => BundleAdjustment.Jacobian(ba));
                    ExplainBundleAdjustment(ba, tf, tj);
                });
        }
        foreach (var (name, file, cpp) in new[]
        {
            ("lstm l2 c1024", "lstm/lstm_l2_c1024.txt", 6.45),
            ("lstm l4 c4096", "lstm/lstm_l4_c4096.txt", 10.5),
        })
        {
            if (Locate(name, file) is not { } path) continue;
            var lstm = LstmInstance.Load(path);
            Report(name, () => LstmModel.Objective(lstm.Parameters, lstm), () => LstmModel.Gradient(lstm), cpp, 1, minimum, runs, limit,
                (tf, tj) => ExplainEager(lstm.Parameters, p => LstmModel.Objective(p, lstm), p => LstmModel.Gradient(lstm with { Parameters = p }), tf, tj,
                    linearize: p => LstmModel.Objective(p, lstm)));
            var (jf, jg) = (LstmModel.JitObjective(lstm), LstmModel.JitGradient(lstm));
            ReportJit(name, () => jf.Invoke(lstm.Parameters), () => jg.Invoke(lstm.Parameters), cpp, 1, minimum, runs, limit,
                (tf, tj) => ExplainJit(name, lstm.Parameters, jf, jg, tf, tj));
        }
        foreach (var (name, file, complicated, cpp) in new[]
        {
            ("hand simple small c100", "hand/simple_small/hand1_t26_c100.txt", false, 4.75),
            ("hand complicated small c100", "hand/complicated_small/hand1_t26_c100.txt", true, 5.08),
        })
        {
            if (Locate(name, file) is not { } path) continue;
            var hand = HandInstance.Load(path, complicated);
            // One correspondence instead of N: f still skins all vertices, J its cut model of one point's vertices.
            var tiny = hand with { Correspondences = hand.Correspondences[..1], Points = hand.Points[..1, ..], Us = hand.Us?[..1, ..] };
            var tinyLabel = "N = 1 correspondence";
            if (complicated)
            {
                Report(name, () => Hand.ComplicatedObjective(hand.Theta, hand.Us!, hand), () => Hand.ComplicatedJacobian(hand), cpp, 1.5, minimum, runs, limit,
                    (tf, tj) => ExplainEager((Theta: hand.Theta, Us: hand.Us!), p => Hand.ComplicatedObjective(p.Theta, p.Us, hand),
                        p => Hand.ComplicatedJacobian(hand with { Theta = p.Theta, Us = p.Us }), tf, tj,
                        tiny: (tinyLabel, () => Hand.ComplicatedObjective(tiny.Theta, tiny.Us!, tiny), () => Hand.ComplicatedJacobian(tiny))));
                var (jf, jj) = (Hand.JitComplicatedObjective(hand), Hand.JitComplicatedJacobian(hand));
                ReportJit(name, () => jf.Invoke((hand.Theta, hand.Us!)), () => jj.Invoke((hand.Theta, hand.Us!)), cpp, 1.5, minimum, runs, limit,
                    (tf, tj) => ExplainJit(name, (Theta: hand.Theta, Us: hand.Us!), jf, jj, tf, tj));
            }
            else
            {
                Report(name, () => Hand.SimpleObjective(hand.Theta, hand), () => Hand.SimpleJacobian(hand), cpp, 1.5, minimum, runs, limit,
                    (tf, tj) => ExplainEager(hand.Theta, t => Hand.SimpleObjective(t, hand), t => Hand.SimpleJacobian(hand with { Theta = t }), tf, tj,
                        tiny: (tinyLabel, () => Hand.SimpleObjective(tiny.Theta, tiny), () => Hand.SimpleJacobian(tiny))));
                var (jf, jj) = (Hand.JitSimpleObjective(hand), Hand.JitSimpleJacobian(hand));
                ReportJit(name, () => jf.Invoke(hand.Theta), () => jj.Invoke(hand.Theta), cpp, 1.5, minimum, runs, limit,
                    (tf, tj) => ExplainJit(name, hand.Theta, jf, jj, tf, tj));
            }
        }
        if (Locate("gmm 2.5M d2 K5 (rep)", "gmm/2.5M/gmm_d2_K5.txt") is { } replicated)
        {
            // ADBench's -rep mode: one point used for all n = 2.5M. The objective is the same vectorised code, so it holds
            // (K, n, d) = 25M-element intermediates: ~1.4 GB for f, ~6 GB peak for the gradient.
            var gmm = GmmInstance.Load(replicated, replicatePoint: true);
            // Each call takes longer than the protocol's limit, so only allocation and GC are broken down (a program
            // evaluation or Linearize probe would take minutes at this size).
            Report("gmm 2.5M d2 K5 (rep)", () => Gmm.Objective(gmm.Parameters, gmm), () => Gmm.Gradient(gmm), 1.71, 1, minimum, runs, limit,
                (_, _) => ExplainAllocation(() => Gmm.Objective(gmm.Parameters, gmm), () => Gmm.Gradient(gmm)));
        }
        return 0;
    }

    private static string? Locate(string name, string file)
    {
        if (s_only is not null && !name.Contains(s_only, StringComparison.OrdinalIgnoreCase)) return null;
        var path = AdBenchData.Find(file);
        if (path is null) Console.WriteLine($"{name,-28} skipped: {file} is in neither data folder.");
        return path;
    }

    // explain runs when the target is missed, with tF and tJ: it prints a breakdown measured now (AdBenchRunner.Breakdown.cs).
    private static void Report<TF, TJ>(string name, Func<TF> f, Func<TJ> j, double cpp, double allowance,
        double minimum, int runs, double limit, Action<double, double>? explain = null)
    {
        // Both are warmed up before either is measured: otherwise the first instance's f ran measurably slower (2-3x on
        // hand tracking) than the same code later in the run, while the JIT's tiering and the GC's budgets settled.
        WarmUp(f);
        WarmUp(j);
        double tf = Measure(f, minimum, runs, limit);
        double tj = Measure(j, minimum, runs, limit);
        double ratio = tj / tf;
        double target = cpp * allowance;
        s_eager[name] = (tf, tj);
        string verdict = ratio <= target ? "met" : $"missed (≤ {target:0.##})";
        Console.WriteLine($"{name,-34} {Format(tf),12} {Format(tj),12} {ratio,8:0.00} {cpp,11:0.00}  {verdict}");
        if (ratio > target || s_breakdownAll) explain?.Invoke(tf, tj);
    }

    /// <summary>
    /// The same instance with f and J each wrapped in <c>Ad.Jit</c> (tF and tJ both compiled, as ADBench compares a tool's J
    /// with the same tool's F). The first call of each (tracing, optimizing, generating code, .NET's JIT of it) is timed
    /// and printed separately; the protocol's warm-up then covers it, as it covers .NET's own tiering for the eager rows.
    /// </summary>
    private static void ReportJit<TF, TJ>(string name, Func<TF> f, Func<TJ> j, double cpp, double allowance,
        double minimum, int runs, double limit, Action<double, double>? explain = null)
    {
        var clock = Stopwatch.StartNew();
        GC.KeepAlive(f());
        double firstF = clock.Elapsed.TotalSeconds;
        clock.Restart();
        GC.KeepAlive(j());
        double firstJ = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{name + " (Jit)",-34} first calls (trace + compile, wall): f {Format(firstF)}, J {Format(firstJ)}");
        Report($"{name} (Jit)", f, j, cpp, allowance, minimum, runs, limit, explain);
    }

    private static void WarmUp<T>(Func<T> action)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < WarmupSeconds) GC.KeepAlive(action());
    }

    private static double Measure<T>(Func<T> action, double minimum, int runs, double limit)
    {
        WarmUp(action);
        var clock = Stopwatch.StartNew();

        int repeats = 1;
        double sample;
        while (true)
        {
            sample = TimeBatch(action, repeats);
            if (sample * repeats >= minimum) break;
            repeats *= 2;
        }
        double best = sample;
        clock.Restart();
        for (int run = 1; run < runs && clock.Elapsed.TotalSeconds + sample * repeats <= limit; run++)
            best = Math.Min(best, TimeBatch(action, repeats));
        return best;
    }

    private static double TimeBatch<T>(Func<T> action, int repeats)
    {
        double start = s_clock();
        for (int i = 0; i < repeats; i++) GC.KeepAlive(action());
        return (s_clock() - start) / repeats;
    }

    private static double WallSeconds() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    /// <summary>CPU time of every thread of this process (clock_gettime(CLOCK_PROCESS_CPUTIME_ID)), so GC threads count too.</summary>
    private static double ProcessCpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("--cpu reads CLOCK_PROCESS_CPUTIME_ID, available on Linux.");
        if (ClockGetTime(2, out var t) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed.");
        return t.Seconds + t.Nanoseconds * 1e-9;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private static string Format(double seconds) => seconds switch
    {
        < 1e-3 => $"{seconds * 1e6:0.0} µs",
        < 1 => $"{seconds * 1e3:0.00} ms",
        _ => $"{seconds:0.00} s",
    };
}
