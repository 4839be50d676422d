using Cotangent.Core;

namespace Cotangent.Transforms;

/// <summary>
/// Algebraic simplification: each equation whose primitive has an <see cref="ISimplifyRule"/> is offered to the rule,
/// in program order, with its operands already simplified; a replacement atom of the same type as the result takes
/// the result's place. Sweeps repeat until one changes nothing (a rewrite can enable another: neg(neg(neg(neg x)))).
/// </summary>
/// <remarks>
/// The rules live with their primitives. By default every rewrite is exact in IEEE arithmetic, so the simplified
/// program's results are bit for bit the original's: x·1, 1·x, x/1, x + (−0), x − (+0), int32 x + 0 and x·0, −(−x),
/// transposes composed (and dropped when the composition is the identity), reshapes composed, identity reshapes,
/// broadcasts and conversions, and a uniform array operand of an elementwise binary primitive replaced by a rank-0
/// literal. One rewrite is not exact, and says so: the sum of a broadcast over axes the broadcast added becomes a
/// multiplication by the count, which rounds once where the sum rounded at each step. x + (+0) → x is exact except
/// that it keeps a −0 where IEEE gives +0, so it is applied only on request (<c>ignoreSignOfZero</c>; XLA's simplifier
/// applies it); a float x·0 → 0 never is (∞·0 and NaN·0 are NaN, and (−x)·0 is −0). Replaced equations are left for
/// dead-code elimination to remove.
/// </remarks>
public static class Simplify
{
    private const int MaxSweeps = 8;

    /// <summary>A copy of <paramref name="program"/> simplified with the exact rules (the same program when nothing applies).</summary>
    /// <exception cref="ArgumentNullException">program is null.</exception>
    public static Program Run(Program program) => Run(program, ignoreSignOfZero: false);

    /// <summary>
    /// A copy of <paramref name="program"/> simplified; with <paramref name="ignoreSignOfZero"/>, also the rewrites that
    /// may turn a −0 result into +0 or back (x + 0 → x for a +0 zero, as in XLA's simplifier).
    /// </summary>
    /// <exception cref="ArgumentNullException">program is null.</exception>
    public static Program Run(Program program, bool ignoreSignOfZero)
    {
        ArgumentNullException.ThrowIfNull(program);
        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            var next = Sweep(program, ignoreSignOfZero);
            if (ReferenceEquals(next, program)) break;
            program = next;
        }

        return program;
    }

    // One pass over the equations; the same program when no rule fired.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static Program Sweep(Program program, bool ignoreSignOfZero)
    {
        var context = new SimplifyContext(program, ignoreSignOfZero);
        var map = new Dictionary<Var, Atom>();
        bool changed = false;
        foreach (var original in program.Equations)
        {
            var eq = PassSupport.Rename(map, original);
            if (eq.Primitive is ISimplifyRule rule && eq.Outputs.Length == 1)
            {
                int mark = context.Equations.Count;
                var replacement = rule.Simplify(eq, context);
                var result = eq.Outputs[0];
                if (replacement is not null && !ReferenceEquals(replacement, result) && replacement.Aval == result.Aval)
                {
                    map[result] = replacement;
                    changed = true;
                    continue;
                }

                context.Truncate(mark);   // a declined or ill-typed rewrite leaves nothing behind
            }

            context.Add(eq);
        }

        if (!changed) return program;
        return new Program(program.Inputs, program.ConstVars, program.ConstValues, context.Equations,
            PassSupport.RenameOutputs(map, program.Outputs), program.LinearInputs);
    }
}
