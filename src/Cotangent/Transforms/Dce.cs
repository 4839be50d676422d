using Cotangent.Core;

namespace Cotangent.Transforms;

/// <summary>
/// Dead-code elimination: drops equations whose outputs no output needs, and constants no remaining
/// equation reads. Primitives are pure, so any unused equation can go.
/// </summary>
public static class Dce
{
    /// <summary>A copy of <paramref name="program"/> without dead equations and unused constants.</summary>
    public static Program Run(Program program)
    {
        // The fast path: when every equation is live (the usual case for a linear program), nothing
        // is rebuilt. Liveness is an array indexed by variable number when the program has one.
        var live = new VarSet(program);
        foreach (var o in program.Outputs) if (o is Var v) live.Add(v);
        var kept = new List<Equation>(program.Equations.Count);
        for (int e = program.Equations.Count - 1; e >= 0; e--)
        {
            var eq = program.Equations[e];
            if (!live.Contains(eq.Output)) continue;
            kept.Add(eq);
            foreach (var a in eq.Inputs) if (a is Var v) live.Add(v);
        }

        if (kept.Count == program.Equations.Count && AllConstsLive(program, live)) return program;
        kept.Reverse();
        var constVars = new List<Var>();
        var constValues = new List<Tensor>();
        for (int i = 0; i < program.ConstVars.Count; i++)
        {
            if (!live.Contains(program.ConstVars[i])) continue;
            constVars.Add(program.ConstVars[i]);
            constValues.Add(program.ConstValues[i]);
        }

        return new Program(program.Inputs, constVars, constValues, kept, program.Outputs, program.LinearInputs);
    }

    private static bool AllConstsLive(Program program, VarSet live)
    {
        foreach (var c in program.ConstVars) if (!live.Contains(c)) return false;
        return true;
    }
}
