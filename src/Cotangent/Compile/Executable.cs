using System.Diagnostics;
using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Compile;

/// <summary>
/// A compiled program: its optimized form, the steps (generated loops and kernels) and a memory plan. A call allocates
/// its outputs; an intermediate large enough for the buffer pool goes back to the pool right after its last use, so
/// the next step (or the next call) reuses it warm. Safe to call from several threads at once: every call has its own slots.
/// </summary>
internal sealed class Executable
{
    private readonly int[][] _release;

    // The register file and reference table of the last finished call, reused by the next: a call takes them with an atomic
    // exchange, so concurrent and nested calls never share one (they allocate their own). One slot each rather than a
    // ConcurrentBag: a scan runs its compiled body once per step, and the bag's locking cost as much as a small body.
    private double[]? _registerFile;
    private Dictionary<Array, int>? _refTable;
    private readonly bool _trackBuffers;

    private Executable(Program source, Program optimized, Plan plan, IReadOnlyList<(string Pass, int Equations, double Ms)> passes, TimeSpan compileTime)
    {
        Source = source;
        Optimized = optimized;
        Plan = plan;
        Passes = passes;
        CompileTime = compileTime;
        // The last step reading each slot; program outputs and literals are never released.
        var last = new int[plan.SlotCount];
        Array.Fill(last, -1);
        for (int s = 0; s < plan.Steps.Count; s++)
            foreach (int slot in plan.Steps[s].Inputs) last[slot] = s;
        foreach (int o in plan.Outputs) last[o] = -1;
        for (int l = plan.VariableSlots; l < plan.SlotCount; l++) last[l] = -1;
        var release = new List<int>[plan.Steps.Count];
        for (int s = 0; s < release.Length; s++) release[s] = [];
        for (int slot = 0; slot < last.Length; slot++) if (last[slot] >= 0) release[last[slot]].Add(slot);
        _release = [.. release.Select(r => r.ToArray())];
        foreach (var (v, _) in plan.VariableSlotMap) _trackBuffers |= Large(v.Aval.Shape.Size);
    }

    /// <summary>The program as given.</summary>
    public Program Source { get; }

    /// <summary>The program after the optimization passes.</summary>
    public Program Optimized { get; }

    /// <summary>The steps.</summary>
    public Plan Plan { get; }

    /// <summary>Each pass with the equation count after it.</summary>
    public IReadOnlyList<(string Pass, int Equations, double Ms)> Passes { get; }

    /// <summary>Time spent optimizing, planning and generating code.</summary>
    public TimeSpan CompileTime { get; }

    [ThreadStatic]
    private static long s_compilations;

    /// <summary>How many programs this thread compiled (tests use it to see that derived programs are cached; per thread, so
    /// tests running in parallel do not count each other's).</summary>
    internal static long Compilations => s_compilations;

    /// <summary>Optimizes <paramref name="program"/>, plans it and generates its loops.</summary>
    public static Executable Compile(Program program)
    {
        s_compilations++;
        var clock = Stopwatch.StartNew();
        var passes = new List<(string, int, double)>();
        var last = clock.Elapsed;
        void Lap(string name, int equations)
        {
            var now = clock.Elapsed;
            passes.Add((name, equations, (now - last).TotalMilliseconds));
            last = now;
        }

        var optimized = Optimizer.Run(program, (name, p) => Lap(name, p.Equations.Count));
        var plan = FusionPlanner.Build(optimized);
        Lap("plan + generate", optimized.Equations.Count);
        return new Executable(program, optimized, plan, passes, clock.Elapsed);
    }

    // Arrays the pool may have handed out inside a compiled call (the smallest f32 array it tracks there).
    private static bool Large(int elements) => elements >= BufferPool.MinBytesInCompiledCalls / sizeof(float);

    /// <summary>Runs the program on concrete inputs of its input types.</summary>
    public NDArray[] Run(ReadOnlySpan<NDArray> inputs)
    {
        var p = Optimized;
        var plan = Plan;
        var slots = new NDArray[plan.SlotCount];
        for (int i = 0; i < inputs.Length; i++) slots[i] = inputs[i];
        for (int c = 0; c < p.ConstVars.Count; c++) slots[inputs.Length + c] = Dispatch.Concrete(p.ConstValues[c]);
        for (int l = 0; l < plan.Literals.Count; l++) slots[plan.VariableSlots + l] = plan.Literals[l];
        Dictionary<Array, int>? refs = null;
        if (_trackBuffers)
        {
            // Inputs and constants are pinned (counted once more than their slots), so they are never handed back.
            refs = Interlocked.Exchange(ref _refTable, null) ?? new(ReferenceEqualityComparer.Instance);
            for (int i = 0; i < inputs.Length + p.ConstVars.Count; i++) Hold(refs, slots[i].Data, 2);
        }

        double[]? registers = null;
        if (plan.Registers > 0) registers = Interlocked.Exchange(ref _registerFile, null) ?? new double[plan.Registers];
        var steps = plan.Steps;
        using var scope = BufferPool.EnterCompiledCall();
        for (int s = 0; s < steps.Count; s++)
        {
            var step = steps[s];
            step.Run(slots, registers);
            if (refs is null) continue;
            foreach (int o in step.Outputs) Hold(refs, slots[o].Data, 1);
            foreach (int slot in _release[s])
            {
                var data = slots[slot].Data;
                slots[slot] = default;
                if (data is null || !Large(data.Length) || !refs.TryGetValue(data, out int n)) continue;
                if (n > 1) refs[data] = n - 1;
                else
                {
                    refs.Remove(data);
                    BufferPool.Release(data);
                }
            }
        }

        if (registers is not null) Volatile.Write(ref _registerFile, registers);
        if (refs is not null)
        {
            refs.Clear();
            Volatile.Write(ref _refTable, refs);
        }

        var result = new NDArray[plan.Outputs.Length];
        for (int i = 0; i < result.Length; i++) result[i] = slots[plan.Outputs[i]];
        return result;
    }

    private static void Hold(Dictionary<Array, int> refs, Array? data, int count)
    {
        if (data is null || !Large(data.Length)) return;
        refs[data] = refs.TryGetValue(data, out int n) ? n + count : count;
    }
}
