using System.Diagnostics;
using System.Globalization;

namespace Cotangent.Benchmarks;

/// <summary>
/// A quick side-by-side of the AD workloads in one process (`--ad-figures`): median wall time over
/// time-based batches, bytes allocated per call, and the ratios issue #3 asks for. BenchmarkDotNet's
/// AdBenchmarks measures the same methods more carefully.
/// </summary>
public static class AdFigures
{
    public static int Run()
    {
        var w = new AdWorkloads();
        var rows = new (string Name, Func<object> Run)[]
        {
            ("elementwise f", () => w.ElementwiseF()), ("elementwise Grad", w.ElementwiseGrad), ("elementwise hand", w.ElementwiseHand),
            ("mlp f", () => w.MlpF()), ("mlp Grad", w.MlpGrad), ("mlp hand", w.MlpHand),
            ("recurrence f", () => w.RecurrenceF()), ("recurrence Grad", () => w.RecurrenceGrad()), ("recurrence hand", () => w.RecurrenceHand()),
        };
        var results = new Dictionary<string, (double Us, double Bytes)>();
        foreach (var (name, run) in rows)
        {
            results[name] = Measure(run);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-20} {results[name].Us,12:F1} µs {results[name].Bytes,14:F0} B/call"));
        }

        Console.WriteLine();
        foreach (var k in new[] { "elementwise", "mlp", "recurrence" })
        {
            var f = results[k + " f"].Us;
            var g = results[k + " Grad"].Us;
            var h = results[k + " hand"].Us;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{k,-12} grad/f = {g / f:F2}   ours/hand-written = {g / h:F2}"));
        }

        int n = AdWorkloads.RecurrencePrimitives;
        var rf = results["recurrence f"];
        var rg = results["recurrence Grad"];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"eager 0-d f64 per primitive: f {rf.Us / n * 1000:F1} ns, {rf.Bytes / n:F0} B;  Grad {rg.Us / n * 1000:F1} ns, {rg.Bytes / n:F0} B"));
        return 0;
    }

    private static (double Us, double Bytes) Measure(Func<object> run)
    {
        // Warm up by time, not by count: tiered compilation needs a few hundred milliseconds.
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < 700) run();
        var samples = new List<double>();
        double bytes = 0;
        for (int batch = 0; batch < 7; batch++)
        {
            int calls = 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            sw.Restart();
            while (sw.ElapsedMilliseconds < 150 || calls < 2)
            {
                run();
                calls++;
            }

            samples.Add(sw.Elapsed.TotalMicroseconds / calls);
            bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / calls;
        }

        samples.Sort();
        return (samples[samples.Count / 2], bytes);
    }
}
