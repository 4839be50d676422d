using Cotangent.Core;
using Cotangent.Runtime;

namespace Cotangent.Transforms;

/// <summary>
/// Constant folding: an equation whose operands are all known now (literals, constants with concrete values, results
/// of equations folded before it) is evaluated once, here, and removed. A rank-0 result becomes a literal; a larger one
/// becomes a constant of the program (its variable stays the same, now bound to the value), so folds chain.
/// </summary>
/// <remarks>
/// The primitive's own implementation computes the value (<see cref="Primitive.Evaluate(ReadOnlySpan{NDArray}, Params, Span{NDArray})"/>
/// on arrays), never <c>Bind</c>: nothing is recorded into a trace that happens to be active on this thread, and the
/// result is bit for bit what evaluating the program would give. Equations are kept when they hold programs as
/// parameters (control flow, custom rules: their cost and effects on transformations are not this pass's to judge),
/// when a result has more than <c>maxElements</c> elements (a folded <c>iota</c> or broadcast would bloat the program
/// with a big constant where one cheap equation was; XLA declines broadcasts for the same reason, and here a folded
/// uniform array read elementwise goes back to a literal in <see cref="Simplify"/>), or when evaluating throws (the
/// program then fails where and as it did before).
/// </remarks>
public static class ConstantFolding
{
    /// <summary>A copy of <paramref name="program"/> with its constant computations done (the same program when there are none).</summary>
    /// <param name="program">The program.</param>
    /// <param name="maxElements">The largest result, in elements, that is folded into a constant.</param>
    /// <exception cref="ArgumentNullException">program is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">maxElements is negative.</exception>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static Program Run(Program program, long maxElements = 1 << 16)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentOutOfRangeException.ThrowIfNegative(maxElements);
        var known = new Dictionary<Var, NDArray>();
        for (int i = 0; i < program.ConstVars.Count; i++)
            if (program.ConstValues[i].IsConcrete) known[program.ConstVars[i]] = program.ConstValues[i].Array!.Value;

        var map = new Dictionary<Var, Atom>();
        List<Var>? constVars = null;
        List<Tensor>? constValues = null;
        var equations = new List<Equation>(program.Equations.Count);
        foreach (var original in program.Equations)
        {
            var eq = PassSupport.Rename(map, original);
            var values = TryEvaluate(eq, known, maxElements);
            if (values is null)
            {
                equations.Add(eq);
                continue;
            }

            for (int k = 0; k < values.Length; k++)
            {
                var v = eq.Outputs[k];
                var tensor = new Tensor(values[k]);
                if (values[k].Rank == 0)
                {
                    map[v] = new Literal(tensor);
                    continue;
                }

                constVars ??= [.. program.ConstVars];
                constValues ??= [.. program.ConstValues];
                constVars.Add(v);
                constValues.Add(tensor);
                known[v] = values[k];
            }
        }

        if (equations.Count == program.Equations.Count) return program;
        return new Program(program.Inputs, constVars ?? program.ConstVars, constValues ?? program.ConstValues, equations,
            PassSupport.RenameOutputs(map, program.Outputs), program.LinearInputs);
    }

    /// <summary>The results of <paramref name="eq"/> when it can be folded, else null.</summary>
    private static NDArray[]? TryEvaluate(Equation eq, Dictionary<Var, NDArray> known, long maxElements)
    {
        if (eq.Parameters.SubPrograms.Any()) return null;
        foreach (var o in eq.Outputs)
            if (o.Aval.Shape.Size > maxElements) return null;
        var args = new NDArray[eq.Inputs.Length];
        for (int i = 0; i < args.Length; i++)
        {
            switch (eq.Inputs[i])
            {
                case Literal { Value.IsConcrete: true } l: args[i] = l.Value.Array!.Value; break;
                case Var v when known.TryGetValue(v, out var value): args[i] = value; break;
                default: return null;
            }
        }

        var results = new NDArray[eq.Outputs.Length];
        try
        {
            eq.Primitive.Evaluate(args, eq.Parameters, results);
        }
        catch (CotangentException)
        {
            return null;   // e.g. an index out of bounds: left for evaluation to report
        }

        // The values must have the declared types, or the program would no longer check.
        for (int k = 0; k < results.Length; k++)
            if (results[k].IsDefault || results[k].DType != eq.Outputs[k].Aval.DType || results[k].Shape != eq.Outputs[k].Aval.Shape) return null;
        return results;
    }
}
