using System.Diagnostics;
using System.Globalization;

namespace Cotangent.Benchmarks;

/// <summary>
/// A quick side-by-side of the AD workloads in one process (`--ad-figures`): median wall time over
/// time-based batches, bytes allocated per call, and the ratios issues #3 and #9 ask for (`--only PREFIX`
/// runs the rows whose name starts with PREFIX). BenchmarkDotNet's
/// AdBenchmarks measures the same methods more carefully.
/// </summary>
public static class AdFigures
{
    public static int Run(string[] args)
    {
        string only = args.Length >= 2 && args[0] == "--only" ? args[1] : "";
        var w = new AdWorkloads();
        var ops = new EagerOpWorkloads();
        var loops = new ControlFlowWorkloads();
        var jit = new Lazy<JitWorkloads>(() => new JitWorkloads(w));
        var vmap = new Lazy<VmapWorkloads>(() => new VmapWorkloads(w));
        var rows = new (string Name, Func<object> Run)[]
        {
            ("elementwise f", () => w.ElementwiseF()), ("elementwise Grad", w.ElementwiseGrad), ("elementwise hand", w.ElementwiseHand),
            ("mlp f", () => w.MlpF()), ("mlp Grad", w.MlpGrad), ("mlp hand", w.MlpHand),
            ("recurrence f", () => w.RecurrenceF()), ("recurrence Grad", () => w.RecurrenceGrad()), ("recurrence hand", () => w.RecurrenceHand()),
            ("neg 1M f64", ops.Neg1M), ("neg 1M f64 hand", ops.Neg1MHand),
            ("tanh 128x256 f32", ops.TanhF32), ("tanh 128x256 f32 hand", ops.TanhF32Hand),
            ("loop 1e5 scan f", () => loops.ScanF()), ("loop 1e5 scan Grad", () => loops.ScanGrad()),
            ("loop 1e5 unrolled f", () => loops.UnrolledF()), ("loop 1e5 unrolled Grad", () => loops.UnrolledGrad()),
            ("jit loop 1e5 scan f", () => loops.ScanJitF()), ("jit loop 1e5 scan Grad", () => loops.ScanJitGrad()),
            ("jit recurrence Jit(Grad)", () => jit.Value.RecurrenceJitGrad()), ("jit recurrence hand", () => w.RecurrenceHand()),
            ("jit elementwise Jit(ValueAndGrad)", () => jit.Value.ElementwiseJit()), ("jit elementwise fused hand", () => jit.Value.ElementwiseFusedHand()),
            ("jit elementwise fused hand 2 threads", () => jit.Value.ElementwiseFusedHandTwoThreads()),
            ("jit mlp step eager", () => jit.Value.MlpStepEager()), ("jit mlp step Jit", () => jit.Value.MlpStepJit()),
            ("vmap mlp batch Grad", () => vmap.Value.BatchGrad()), ("vmap mlp per-example Vmap(Grad)", () => vmap.Value.PerExampleGrads()),
            ("vmap mlp per-example loop", () => vmap.Value.PerExampleLoop()),
            ("vmap jacrev 256", () => vmap.Value.JacRev()), ("vmap jacrev 256 basis loop", () => vmap.Value.JacRevLoop()),
            ("vmap hessian 256", () => vmap.Value.Hessian()), ("vmap hessian 256 basis loop", () => vmap.Value.HessianLoop()),
            ("vmap chain eager", () => vmap.Value.ChainEager()), ("vmap chain Vmap", () => vmap.Value.ChainVmap()),
        };
        var results = new Dictionary<string, (double Us, double Bytes)>();
        var byName = rows.ToDictionary(r => r.Name, r => r.Run);
        // The ratios the issues ask for, measured again as interleaved pairs (PairedRatio) when both rows ran.
        string Paired(string numerator, string denominator) =>
            results.ContainsKey(numerator) && results.ContainsKey(denominator)
                ? $";  paired: {PairedRatio.Measure(byName[numerator], byName[denominator])}"
                : "";
        foreach (var (name, run) in rows)
        {
            if (!name.StartsWith(only, StringComparison.Ordinal)) continue;
            results[name] = Measure(run);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-22} {results[name].Us,12:F1} µs {results[name].Bytes,14:F0} B/call"));
        }

        Console.WriteLine();
        foreach (var k in new[] { "elementwise", "mlp", "recurrence" })
        {
            if (!results.TryGetValue(k + " f", out var f) || !results.TryGetValue(k + " Grad", out var g) || !results.TryGetValue(k + " hand", out var h)) continue;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{k,-12} grad/f = {g.Us / f.Us:F2}   ours/hand-written = {g.Us / h.Us:F2}"));
        }

        foreach (var k in new[] { "neg 1M f64", "tanh 128x256 f32" })
        {
            if (results.TryGetValue(k, out var ours) && results.TryGetValue(k + " hand", out var hand))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{k,-16} eager op / hand-written loop into a reused buffer = {ours.Us / hand.Us:F2}{Paired(k, k + " hand")}"));
        }

        if (results.TryGetValue("loop 1e5 scan Grad", out var sg) && results.TryGetValue("loop 1e5 unrolled Grad", out var ug))
        {
            string f = results.TryGetValue("loop 1e5 scan f", out var sf) && results.TryGetValue("loop 1e5 unrolled f", out var uf)
                ? string.Create(CultureInfo.InvariantCulture, $"   scan f / unrolled f = {sf.Us / uf.Us:F2}") : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loop 1e5        scan Grad / unrolled C# loop under Grad = {sg.Us / ug.Us:F2}{f}"));
        }

        JitRatios(results, jit, Paired);
        VmapRatios(results, vmap, Paired);

        if (results.ContainsKey("mlp Grad"))
        {
            // The hand-written MLP gradient is a fair baseline only if it computes the same thing.
            var ours = w.MlpGrad();
            var hand = w.MlpHand();
            double worst = 0;
            for (int i = 0; i < ours.Length; i++)
            {
                var a = ours[i].ToArray<float>();
                var b = hand[i].ToArray<float>();
                for (int j = 0; j < a.Length; j++) worst = Math.Max(worst, Math.Abs(a[j] - b[j]) / (1e-6 + Math.Abs(b[j])));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mlp Grad against the hand-written gradient: worst relative difference {worst:E1}"));
        }

        if (results.TryGetValue("recurrence f", out var rf) && results.TryGetValue("recurrence Grad", out var rg))
        {
            int n = AdWorkloads.RecurrencePrimitives;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"eager 0-d f64 per primitive: f {rf.Us / n * 1000:F1} ns, {rf.Bytes / n:F0} B;  Grad {rg.Us / n * 1000:F1} ns, {rg.Bytes / n:F0} B"));
        }

        return 0;
    }

    /// <summary>Issue #11's ratios, from the rows measured in this run, and the recurrence's compile time.</summary>
    private static void JitRatios(Dictionary<string, (double Us, double Bytes)> results, Lazy<JitWorkloads> jit, Func<string, string, string> paired)
    {
        static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        if (results.TryGetValue("jit recurrence Jit(Grad)", out var rj) && results.TryGetValue("jit recurrence hand", out var rh))
        {
            var compile = new List<(double First, double Compile, string Passes)>();
            for (int i = 0; i < 5; i++) compile.Add(JitWorkloads.RecurrenceCompileTime());
            var first = compile.Select(c => c.First).Order().ToList();
            var median = compile.OrderBy(c => c.Compile).ElementAt(2);
            Console.WriteLine(F($"jit recurrence  Jit(Grad(f)) / hand-written gradient = {rj.Us / rh.Us:F2}{paired("jit recurrence Jit(Grad)", "jit recurrence hand")};  first call (trace + compile + JIT + run) median {first[2]:F0} ms, of which optimize + plan + generate {median.Compile:F0} ms ({median.Passes} ms)"));
        }

        if (results.TryGetValue("jit elementwise Jit(ValueAndGrad)", out var ej) && results.TryGetValue("jit elementwise fused hand", out var eh))
        {
            string two = results.TryGetValue("jit elementwise fused hand 2 threads", out var e2) ? F($";  vs the same loop on two threads = {ej.Us / e2.Us:F2}{paired("jit elementwise Jit(ValueAndGrad)", "jit elementwise fused hand 2 threads")}") : "";
            Console.WriteLine(F($"jit elementwise Jit(ValueAndGrad(f)) / hand-written fused vector loop (one thread) = {ej.Us / eh.Us:F2}{two}"));
        }

        if (results.TryGetValue("jit loop 1e5 scan f", out var lf) && results.TryGetValue("jit loop 1e5 scan Grad", out var lg))
            Console.WriteLine(F($"jit loop 1e5    scan under Jit: f {lf.Us / ControlFlowWorkloads.Steps * 1000:F0} ns/step, Jit(Grad) {lg.Us / ControlFlowWorkloads.Steps * 1000:F0} ns/step"));

        if (results.TryGetValue("jit mlp step Jit", out var mj) && results.TryGetValue("jit mlp step eager", out var me))
        {
            Console.WriteLine(F($"jit mlp step    Jit / eager = {mj.Us / me.Us:F2}{paired("jit mlp step Jit", "jit mlp step eager")};  allocated per step: Jit {mj.Bytes:N0} B, eager {me.Bytes:N0} B, the new parameters {jit.Value.MlpParameterBytes:N0} B;  worst difference / update {jit.Value.MlpStepDifference():E1}"));
        }
    }

    /// <summary>Issue #12's ratios, from the rows measured in this run.</summary>
    private static void VmapRatios(Dictionary<string, (double Us, double Bytes)> results, Lazy<VmapWorkloads> vmap, Func<string, string, string> paired)
    {
        static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        if (results.TryGetValue("vmap mlp per-example Vmap(Grad)", out var pe) && results.TryGetValue("vmap mlp batch Grad", out var bg))
        {
            string loop = results.TryGetValue("vmap mlp per-example loop", out var pl) ? F($";  the loop over examples / Vmap = {pl.Us / pe.Us:F1}") : "";
            Console.WriteLine(F($"vmap mlp        per-example gradients (batch 128) / one batched gradient = {pe.Us / bg.Us:F2}{paired("vmap mlp per-example Vmap(Grad)", "vmap mlp batch Grad")}{loop}"));
        }

        if (results.TryGetValue("vmap jacrev 256", out var jr) && results.TryGetValue("vmap jacrev 256 basis loop", out var jl))
            Console.WriteLine(F($"vmap jacobians  JacRev 256→256: basis loop / Vmap = {jl.Us / jr.Us:F1}{paired("vmap jacrev 256 basis loop", "vmap jacrev 256")}"));
        if (results.TryGetValue("vmap hessian 256", out var hr) && results.TryGetValue("vmap hessian 256 basis loop", out var hl))
            Console.WriteLine(F($"vmap jacobians  Hessian of 256 inputs: basis loop / Vmap = {hl.Us / hr.Us:F1}{paired("vmap hessian 256 basis loop", "vmap hessian 256")}"));
        if (results.TryGetValue("vmap chain Vmap", out var cv) && results.TryGetValue("vmap chain eager", out var ce))
            Console.WriteLine(F($"vmap overhead   batching trace per primitive (16 examples of 8): {(cv.Us - ce.Us) / VmapWorkloads.ChainPrimitives * 1000:F0} ns over eager on the stacked array ({ce.Us / VmapWorkloads.ChainPrimitives * 1000:F0} ns)"));
        if (results.Keys.Any(k => k.StartsWith("vmap ", StringComparison.Ordinal)))
        {
            var (f64, f32) = vmap.Value.WorstDifference();
            Console.WriteLine(F($"vmap check      Vmap vs the loops, max |difference| / max |value| per array: f64 Jacobian, Hessian, chain {f64:E1}; f32 per-example gradients {f32:E1}"));
        }
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
