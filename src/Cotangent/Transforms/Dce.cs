using Cotangent.Core;

namespace Cotangent.Transforms;

/// <summary>
/// The dead-code-elimination rule of a primitive: which inputs an application needs given which of its
/// results are used, and the (possibly smaller) equation to keep. Without one, an equation is kept whole
/// when any result is used and dropped otherwise (primitives are pure).
/// </summary>
public interface IDceRule
{
    /// <summary>
    /// Sets <paramref name="usedInputs"/> (all false on entry) for the inputs the kept equation reads, and
    /// returns false to drop the equation. <paramref name="pruned"/> is the equation to keep; it may define
    /// fewer results (only used ones) and read fewer inputs.
    /// </summary>
    bool Dce(Equation equation, ReadOnlySpan<bool> usedOutputs, Span<bool> usedInputs, out Equation pruned);
}

/// <summary>
/// Dead-code elimination: drops equations whose results no output needs, and constants no remaining
/// equation reads, consulting each primitive's <see cref="IDceRule"/> where it has one.
/// </summary>
public static class Dce
{
    /// <summary>A copy of <paramref name="program"/> without dead equations and unused constants.</summary>
    public static Program Run(Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        // The fast path: when every equation is live (the usual case for a linear program), nothing
        // is rebuilt. Liveness is an array indexed by variable number when the program has one.
        var live = new VarSet(program);
        foreach (var o in program.Outputs) if (o is Var v) live.Add(v);
        var kept = Sweep(program, live);
        if (kept is null && AllConstsLive(program, live)) return program;
        var (constVars, constValues) = LiveConstants(program, live);
        return new Program(program, program.Inputs, constVars, constValues, kept ?? program.Equations, program.Outputs, program.LinearInputs);
    }

    /// <summary>
    /// <paramref name="program"/> restricted to the outputs flagged in <paramref name="usedOutputs"/>, without
    /// the equations and inputs those do not need; <paramref name="usedInputs"/> receives which inputs remain.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static Program Prune(Program program, ReadOnlySpan<bool> usedOutputs, Span<bool> usedInputs)
    {
        ArgumentNullException.ThrowIfNull(program);
        var live = new VarSet(program);
        var outputs = new List<Atom>();
        for (int i = 0; i < program.Outputs.Count; i++)
        {
            if (!usedOutputs[i]) continue;
            outputs.Add(program.Outputs[i]);
            if (program.Outputs[i] is Var v) live.Add(v);
        }

        var kept = Sweep(program, live) ?? program.Equations;
        var inputs = new List<Var>();
        var linear = new List<bool>();
        for (int i = 0; i < program.Inputs.Count; i++)
        {
            usedInputs[i] = live.Contains(program.Inputs[i]);
            if (!usedInputs[i]) continue;
            inputs.Add(program.Inputs[i]);
            linear.Add(program.LinearInputs[i]);
        }

        var (constVars, constValues) = LiveConstants(program, live);
        return new Program(program, inputs, constVars, constValues, kept, outputs, linear);
    }

    // Walks backwards from the live set, keeping (or pruning) equations; marks what they read as live. While nothing has
    // changed no list is built (the usual linear program keeps every equation, and copying thousands of equations was
    // most of an eager gradient's pass here); null then means "all of them, unchanged".
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static List<Equation>? Sweep(Program program, VarSet live)
    {
        List<Equation>? kept = null;
        int count = program.Equations.Count;
        Span<bool> usedOut = stackalloc bool[8];
        Span<bool> usedIn = stackalloc bool[8];
        for (int e = count - 1; e >= 0; e--)
        {
            var eq = program.Equations[e];
            if (eq.Primitive.Rule<IDceRule>() is { } rule)
            {
                var outs = eq.Outputs.Length <= 8 ? usedOut[..eq.Outputs.Length] : new bool[eq.Outputs.Length];
                var ins = eq.Inputs.Length <= 8 ? usedIn[..eq.Inputs.Length] : new bool[eq.Inputs.Length];
                bool any = false, all = true;
                for (int k = 0; k < outs.Length; k++)
                {
                    outs[k] = live.Contains(eq.Outputs[k]);
                    any |= outs[k];
                    all &= outs[k];
                }

                ins.Clear();
                if (!any || !rule.Dce(eq, outs, ins, out var pruned))
                {
                    kept ??= Unchanged(program, e + 1);
                    continue;
                }

                if (!all || pruned.Inputs.Length != eq.Inputs.Length || !ReferenceEquals(pruned.Parameters, eq.Parameters))
                    kept ??= Unchanged(program, e + 1);
                kept?.Add(pruned);
                for (int k = 0; k < ins.Length; k++) if (ins[k] && eq.Inputs[k] is Var v) live.Add(v);
                continue;
            }

            if (!AnyLive(eq, live))
            {
                kept ??= Unchanged(program, e + 1);
                continue;
            }

            kept?.Add(eq);
            foreach (var a in eq.Inputs) if (a is Var v) live.Add(v);
        }

        kept?.Reverse();
        return kept;
    }

    // The equations after index `from`, last first (the order Sweep collects in), at the first change.
    private static List<Equation> Unchanged(Program program, int from)
    {
        var list = new List<Equation>(program.Equations.Count);
        for (int e = program.Equations.Count - 1; e >= from; e--) list.Add(program.Equations[e]);
        return list;
    }

    private static bool AnyLive(Equation eq, VarSet live)
    {
        foreach (var o in eq.Outputs) if (live.Contains(o)) return true;
        return false;
    }

    private static (List<Var>, List<Tensor>) LiveConstants(Program program, VarSet live)
    {
        var constVars = new List<Var>();
        var constValues = new List<Tensor>();
        for (int i = 0; i < program.ConstVars.Count; i++)
        {
            if (!live.Contains(program.ConstVars[i])) continue;
            constVars.Add(program.ConstVars[i]);
            constValues.Add(program.ConstValues[i]);
        }

        return (constVars, constValues);
    }

    private static bool AllConstsLive(Program program, VarSet live)
    {
        foreach (var c in program.ConstVars) if (!live.Contains(c)) return false;
        return true;
    }
}
