using System.Diagnostics;
using Cotangent.Core;
using Cotangent.Workloads;
using CoreProgram = Cotangent.Core.Program;

namespace Cotangent.Benchmarks;

/// <summary>
/// For an instance whose target is missed, a breakdown measured in the same run (issue #15 item 5: "the benchmark output
/// says what dominates"). Every figure printed here is timed or counted now; nothing is carried over from earlier probes.
/// </summary>
internal static partial class AdBenchRunner
{
    // Each breakdown figure is the minimum over a few samples after a short warm-up: enough to rank the parts against
    // each other (they differ by far more than the noise), and short enough that a full run stays a few minutes longer.
    private const double ProbeWarmupSeconds = 0.3;
    private const double ProbeSampleSeconds = 0.05;
    private const int ProbeSamples = 5;

    /// <summary>
    /// The split of an eager derivative: J's own traced program (<see cref="Ad.MakeProgram"/>) evaluated without any
    /// transformation is "executing J's primitives"; the rest of tJ is the AD machinery run on every call (tracing the JVP,
    /// partial evaluation, transposing, batching). For a <c>Grad</c>, <paramref name="linearize"/> also times the two
    /// halves of <c>Ad.Grad</c> apart: <c>Ad.Linearize</c> (the forward pass with the JVP traced and split) and the
    /// backward pass (<c>ApplyTranspose</c> of the linearized function). <paramref name="tiny"/>, when given, is the same
    /// objective and derivative at a tiny problem size: what tJ keeps there is the part that does not grow with the data.
    /// </summary>
    private static void ExplainEager<TIn, TF, TJ>(TIn x, Func<TIn, TF> f, Func<TIn, TJ> j, double tf, double tj,
        Func<TIn, Tensor>? linearize = null, (string Label, Func<object?> F, Func<object?> J)? tiny = null)
    {
        var leaves = Tree.Flatten(x).Leaves.ToArray();
        var programF = Ad.MakeProgram(f, x);
        var programJ = Ad.MakeProgram(j, x);
        double evalF = Time(() => programF.Evaluate(leaves));
        double evalJ = Time(() => programJ.Evaluate(leaves));
        // tJ and tF again, now, beside the programs' times: the load on a shared machine drifts between the row's figures and this probe.
        tj = Time(() => j(x));
        tf = Time(() => f(x));
        // Negative when the program alone took as long as eager J (noise, or no measurable machinery).
        double machinery = tj - evalJ;
        Console.WriteLine($"{"",-4}breakdown, measured now:");
        Console.WriteLine($"{"",-6}J traced: {Describe(programJ)}; f traced: {Describe(programF)}");
        Console.WriteLine($"{"",-6}re-timed beside the probes: tF {Format(tf)}, tJ {Format(tj)} (tJ/tF {tj / tf:0.00}); shares below are of these");
        Console.WriteLine($"{"",-6}J's program evaluated without AD {Format(evalJ)} ({Share(evalJ, tj)} of tJ) -> AD machinery on every call (trace, linearize, transpose, batch) = tJ minus that = {Signed(machinery)} ({Share(machinery, tj)})");
        Console.WriteLine($"{"",-6}f's program evaluated {Format(evalF)} (eager f {Format(tf)}); programs alone: tJ/tF {evalJ / evalF:0.00}, per equation f {Format(evalF / Math.Max(1, programF.Equations.Count))}, J {Format(evalJ / Math.Max(1, programJ.Equations.Count))}");
        var (byPrimitiveJ, slowestJ) = TimeEquations(programJ, leaves);
        var (byPrimitiveF, slowestF) = TimeEquations(programF, leaves);
        Console.WriteLine($"{"",-6}J's program by primitive (share of its time, equations): {byPrimitiveJ}");
        Console.WriteLine($"{"",-6}  slowest equations: {slowestJ}");
        Console.WriteLine($"{"",-6}f's program by primitive: {byPrimitiveF}");
        Console.WriteLine($"{"",-6}  slowest equations: {slowestF}");
        if (linearize is not null)
        {
            var (_, linear) = Ad.Linearize(linearize, x);
            var one = Tensor.Scalar(1.0);
            double forward = Time(() => Ad.Linearize(linearize, x));
            double backward = Time(() => linear.ApplyTranspose(one));
            Console.WriteLine($"{"",-6}Grad's halves: Ad.Linearize (forward + JVP trace + split) {Format(forward)} ({Share(forward, tj)}), backward (transpose + evaluate, {linear.Program.Equations.Count} linear equations) {Format(backward)} ({Share(backward, tj)})");
        }
        var (pauseJ, fixedShare) = GcAndSmallProbe(() => j(x), () => f(x), tf, tj, tiny);
        string dominant = machinery > evalJ
            ? $"the AD machinery run per call (~{Share(machinery, tj)} of tJ), not J's arithmetic"
            : $"executing J's {programJ.Equations.Count} primitives ({Share(evalJ, tj)} of tJ, led by {byPrimitiveJ.Split(", ")[0]}), whose program alone runs {evalJ / evalF:0.00}x f's";
        if (fixedShare is { } share)
            dominant += share > 0.5
                ? $"; {Share(share, 1)} of tJ remains at {tiny!.Value.Label} (it does not grow with the data)"
                : $"; the work grows with the data ({tiny!.Value.Label} keeps {Share(share, 1)} of tJ)";
        if (pauseJ > 0.25) dominant += $"; GC pauses take {Share(pauseJ, 1)}";
        Console.WriteLine($"{"",-6}dominates: {dominant}");
    }

    /// <summary>Prints J's GC pause share and both sides' allocation per call, and the small-size probe when there is one;
    /// returns the pause share and the share of tJ the probe keeps (null without a probe).</summary>
    private static (double PauseJ, double? FixedShare) GcAndSmallProbe(Func<object?> j, Func<object?> f, double tf, double tj,
        (string Label, Func<object?> F, Func<object?> J)? tiny)
    {
        var (pauseJ, bytesJ) = GcCost(() => j());
        var (_, bytesF) = GcCost(() => f());
        Console.WriteLine($"{"",-6}GC: pauses {Share(pauseJ, 1)} of J's wall time; allocated per call J {Bytes(bytesJ)}, f {Bytes(bytesF)}");
        if (tiny is not { } t) return (pauseJ, null);
        double tinyF = Time(t.F), tinyJ = Time(t.J);
        Console.WriteLine($"{"",-6}at {t.Label}: tF {Format(tinyF)} ({Share(tinyF, tf)} of tF), tJ {Format(tinyJ)} ({Share(tinyJ, tj)} of tJ), tJ/tF {tinyJ / tinyF:0.00}: the part that does not shrink with the data");
        return (pauseJ, tinyJ / tj);
    }

    /// <summary>
    /// The split of a compiled derivative: the optimized programs' sizes and step counts (<see cref="JitFunction{TIn, TOut}.Lower"/>),
    /// the time per executed step, and the GC share; <paramref name="tiny"/> as for <see cref="ExplainEager"/>.
    /// </summary>
    private static void ExplainJit<TIn, TF, TJ>(string name, TIn x, JitFunction<TIn, TF> f, JitFunction<TIn, TJ> j, double tf, double tj,
        (string Label, Func<object?> F, Func<object?> J)? tiny = null)
    {
        var (lf, lj) = (f.Lower(x), j.Lower(x));
        int stepsF = lf.Kernels + lf.FusedLoops, stepsJ = lj.Kernels + lj.FusedLoops;
        Console.WriteLine($"{"",-4}breakdown, measured now:");
        Console.WriteLine($"{"",-6}compiled J: {lj.Optimized.Equations.Count} equations in {lj.Kernels} kernels + {lj.FusedLoops} fused loops, {Format(tj / Math.Max(1, stepsJ))} per step; f: {lf.Optimized.Equations.Count} equations in {lf.Kernels} + {lf.FusedLoops}, {Format(tf / Math.Max(1, stepsF))} per step; steps J/f {stepsJ / (double)Math.Max(1, stepsF):0.00}");
        if (s_eager.TryGetValue(name, out var eager))
            Console.WriteLine($"{"",-6}against the eager row of this run: Jit f {eager.Tf / tf:0.00}x faster, Jit J {eager.Tj / tj:0.00}x faster");
        var leaves = Tree.Flatten(x).Leaves.ToArray();
        string? leader = null;
        if (lj.Optimized.Inputs.Count == leaves.Length && lf.Optimized.Inputs.Count == leaves.Length)
        {
            // The compiled call cannot be timed step by step from outside; its optimized program, walked eagerly (unfused),
            // still ranks the primitives by the work they do.
            var (byPrimitiveJ, slowestJ) = TimeEquations(lj.Optimized, leaves);
            var (byPrimitiveF, _) = TimeEquations(lf.Optimized, leaves);
            Console.WriteLine($"{"",-6}J's optimized program walked eagerly, by primitive (share, equations): {byPrimitiveJ}");
            Console.WriteLine($"{"",-6}  slowest equations: {slowestJ}");
            Console.WriteLine($"{"",-6}f's optimized program, by primitive: {byPrimitiveF}");
            leader = byPrimitiveJ.Split(", ")[0];
        }
        var (pauseJ, fixedShare) = GcAndSmallProbe(() => j.Invoke(x), () => f.Invoke(x), tf, tj, tiny);
        string dominant = fixedShare is > 0.5
            ? $"cost that does not grow with the data, {Share(fixedShare.Value, 1)} of tJ: J runs {stepsJ} steps against f's {stepsF}"
            : $"J's {stepsJ} steps against f's {stepsF} (time per step J {Format(tj / Math.Max(1, stepsJ))}, f {Format(tf / Math.Max(1, stepsF))})";
        if (leader is not null) dominant += $"; in J's program {leader} leads";
        if (s_eager.TryGetValue(name, out var e) && e.Tj / tj < e.Tf / tf) dominant += $"; compiling speeds up f ({e.Tf / tf:0.00}x) more than J ({e.Tj / tj:0.00}x)";
        if (pauseJ > 0.25) dominant += $"; GC pauses take {Share(pauseJ, 1)}";
        Console.WriteLine($"{"",-6}dominates: {dominant}");
    }

    /// <summary>For a derivative MakeProgram cannot trace (BA's assembled CSR Jacobian): allocation and GC only.</summary>
    private static void ExplainAllocation<TF, TJ>(Func<TF> f, Func<TJ> j)
    {
        var (pauseJ, bytesJ) = GcCost(j);
        var (pauseF, bytesF) = GcCost(f);
        Console.WriteLine($"{"",-4}breakdown, measured now:");
        Console.WriteLine($"{"",-6}GC: pauses {Share(pauseJ, 1)} of J's wall time ({Share(pauseF, 1)} of f's); allocated per call J {Bytes(bytesJ)}, f {Bytes(bytesF)} ({bytesJ / Math.Max(1.0, bytesF):0.0}x)");
    }

    /// <summary>
    /// Walks <paramref name="program"/>'s top-level equations one by one for ~0.3 s, binding each eagerly and timing it:
    /// the primitives that take most of the time (share of the sum of per-equation minima over the walks, equation count)
    /// and the slowest equations (with their operand types). A control-flow equation such as a scan counts as one. Unlike
    /// Program.Evaluate the walk frees nothing early, so the figures are shares, not a tally of tJ.
    /// </summary>
    private static (string ByPrimitive, string Slowest) TimeEquations(CoreProgram program, Tensor[] inputs, int top = 5)
    {
        var equations = program.Equations;
        var fastest = new double[equations.Count];
        Array.Fill(fastest, double.MaxValue);
        var clock = Stopwatch.StartNew();
        for (int walk = 0; walk < 3 || clock.Elapsed.TotalSeconds < 0.3; walk++)
        {
            var env = new Dictionary<Var, Tensor>();
            for (int i = 0; i < program.Inputs.Count; i++) env[program.Inputs[i]] = inputs[i];
            for (int i = 0; i < program.ConstVars.Count; i++) env[program.ConstVars[i]] = program.ConstValues[i];
            for (int q = 0; q < equations.Count; q++)
            {
                var e = equations[q];
                var args = new Tensor[e.Inputs.Length];
                for (int i = 0; i < args.Length; i++) args[i] = e.Inputs[i] is Literal literal ? literal.Value : env[(Var)e.Inputs[i]];
                long start = Stopwatch.GetTimestamp();
                var results = Dispatch.BindMany(e.Primitive, args, e.Parameters);
                double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                // The first walk warms up every kernel; only the later ones are counted.
                if (walk > 0) fastest[q] = Math.Min(fastest[q], elapsed);
                for (int i = 0; i < results.Length; i++) env[e.Outputs[i]] = results[i];
            }
        }
        // Shares of the per-equation minima: a sum over walks let one preempted walk (another job on the machine) swing them.
        double total = fastest.Sum();
        var byPrimitive = Enumerable.Range(0, equations.Count).GroupBy(q => equations[q].Primitive.Name)
            .Select(g => (Name: g.Key, Seconds: g.Sum(q => fastest[q]), Count: g.Count()))
            .OrderByDescending(x => x.Seconds).Take(top)
            .Select(x => $"{x.Name} {Share(x.Seconds, total)} ({x.Count})");
        var slowest = Enumerable.Range(0, equations.Count).OrderByDescending(q => fastest[q]).Take(3)
            .Select(q => $"{equations[q].Primitive.Name} {string.Join(" ", equations[q].Inputs.Select(a => a.Aval.ToString()))} {Format(fastest[q])}");
        return (string.Join(", ", byPrimitive), string.Join("; ", slowest));
    }

    /// <summary>BA's Jacobian by its steps (<see cref="BundleAdjustment.Jacobian"/>): linearize, the two transposed passes, the weights' gradient; the CSR assembly is the rest.</summary>
    private static void ExplainBundleAdjustment(BaInstance ba, double tf, double tj)
    {
        // tJ again, now, beside its parts: the load on a shared machine drifts between the row's figure and this probe.
        tj = Time(() => BundleAdjustment.Jacobian(ba));
        var linear = BundleAdjustment.LinearizeObservations(ba);
        double linearize = Time(() => BundleAdjustment.LinearizeObservations(ba));
        double passes = 2 * Time(() => BundleAdjustment.BlockRow(linear, ba.P, 0));
        double weights = Time(() => BundleAdjustment.WeightDiagonal(ba));
        double rest = Math.Max(0, tj - linearize - passes - weights);
        Console.WriteLine($"{"",-6}J's steps (tJ re-timed beside them: {Format(tj)}): Ad.Linearize of all observations {Format(linearize)} ({Share(linearize, tj)} of tJ, {linearize / tf:0.00}x tF), 2 transposed passes {Format(passes)} ({Share(passes, tj)}), weights' Grad {Format(weights)} ({Share(weights, tj)}), CSR assembly and the rest ~{Format(rest)} ({Share(rest, tj)})");
        var transposed = linear.Transpose().Program;
        if (transposed.Inputs.Count == 1)
        {
            var seed = new double[2 * ba.P];
            Array.Fill(seed, 1, 0, ba.P);
            var (byPrimitive, slowest) = TimeEquations(transposed, [Tensor.FromArray(seed, 2, ba.P)]);
            Console.WriteLine($"{"",-6}one transposed pass: {Describe(transposed)}; by primitive (share, equations): {byPrimitive}");
            Console.WriteLine($"{"",-6}  slowest equations: {slowest}");
        }
        var parts = new[] { ("Ad.Linearize of all observations", linearize), ("the 2 transposed passes", passes), ("the weights' Grad", weights), ("CSR assembly", rest) };
        var top = parts.MaxBy(x => x.Item2);
        Console.WriteLine($"{"",-6}dominates: {top.Item1} ({Share(top.Item2, tj)} of tJ)");
    }

    private static string Describe(CoreProgram program)
    {
        long elements = 0;
        foreach (var e in program.Equations)
            foreach (var v in e.Outputs) elements += v.Aval.Shape.Size;
        int n = program.Equations.Count;
        return $"{n} top-level equations, {elements / (double)Math.Max(1, n):0} output elements per equation on average";
    }

    /// <summary>Minimum time per call over <see cref="ProbeSamples"/> samples, with the run's clock (wall or process CPU).</summary>
    private static double Time<T>(Func<T> action)
    {
        var warm = Stopwatch.StartNew();
        int repeats = 0;
        while (warm.Elapsed.TotalSeconds < ProbeWarmupSeconds || repeats == 0)
        {
            GC.KeepAlive(action());
            repeats++;
        }
        // As many calls per sample as the warm-up's pace says fill ProbeSampleSeconds.
        int perSample = Math.Max(1, (int)(repeats * ProbeSampleSeconds / warm.Elapsed.TotalSeconds));
        double best = double.MaxValue;
        for (int s = 0; s < ProbeSamples; s++) best = Math.Min(best, TimeBatch(action, perSample));
        return best;
    }

    /// <summary>The share of wall time spent in GC pauses over ~0.2 s of calls, and the bytes allocated per call.</summary>
    private static (double PauseShare, double BytesPerCall) GcCost<T>(Func<T> action)
    {
        GC.KeepAlive(action());
        var pause0 = GC.GetTotalPauseDuration();
        long bytes0 = GC.GetTotalAllocatedBytes(precise: false);
        var clock = Stopwatch.StartNew();
        int calls = 0;
        while (clock.Elapsed.TotalSeconds < 0.2 || calls == 0)
        {
            GC.KeepAlive(action());
            calls++;
        }
        double wall = clock.Elapsed.TotalSeconds;
        double pause = (GC.GetTotalPauseDuration() - pause0).TotalSeconds;
        long bytes = GC.GetTotalAllocatedBytes(precise: false) - bytes0;
        return (pause / wall, bytes / (double)calls);
    }

    private static string Signed(double seconds) => seconds < 0 ? "-" + Format(-seconds) : Format(seconds);

    private static string Share(double part, double whole) => $"{100 * part / whole:0}%";

    private static string Bytes(double bytes) => bytes switch
    {
        < 1 << 20 => $"{bytes / 1024:0} KB",
        _ => $"{bytes / (1 << 20):0.0} MB",
    };
}
