namespace Cotangent.Core;

/// <summary>
/// The structural checker: every variable is defined exactly once (SSA) before it is used, constants
/// match their variables' types, and each equation's result types are what its primitive's shape rule
/// gives for its inputs; programs held as parameters are checked recursively. Transformations run it after each pass in tests.
/// </summary>
public static class ProgramChecker
{
    /// <summary>Checks <paramref name="program"/>; throws <see cref="ProgramCheckException"/> naming the first fault.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Check(Program program)
    {
        var defined = new HashSet<Var>();
        // Passes that cut a program down keep its numbering bound instead of recomputing it; the bound must still cover
        // every variable (or the dense maps of later passes would index past it, or into another builder's numbers).
        if (program.DenseSize >= 0 && program.ComputeDenseSize() is var exact && (exact < 0 || exact > program.DenseSize))
            throw Fail(program, exact < 0
                ? $"the program claims one builder's numbering (bound {program.DenseSize}) but holds variables of several"
                : $"the program's variable-number bound {program.DenseSize} is below its largest variable number {exact - 1}");
        if (program.LinearInputs.Count != program.Inputs.Count)
            throw Fail(program, $"the program has {program.Inputs.Count} inputs but {program.LinearInputs.Count} linearity flags");
        foreach (var v in program.Inputs)
            if (!defined.Add(v)) throw Fail(program, "an input variable is listed twice");
        for (int i = 0; i < program.ConstVars.Count; i++)
        {
            var v = program.ConstVars[i];
            if (!defined.Add(v)) throw Fail(program, "a constant variable is also an input or listed twice");
            if (program.ConstValues[i].Aval != v.Aval)
                throw Fail(program, $"constant {i} has type {program.ConstValues[i].Aval} but its variable is {v.Aval}");
        }

        var avals = new List<Aval>();
        for (int e = 0; e < program.Equations.Count; e++)
        {
            var eq = program.Equations[e];
            avals.Clear();
            foreach (var a in eq.Inputs)
            {
                if (a is Var v && !defined.Contains(v))
                    throw Fail(program, $"equation {e} ({eq.Primitive.Name}) uses a variable before it is defined");
                avals.Add(a.Aval);
            }

            Aval[] expected;
            try
            {
                expected = eq.Primitive.ResultAvals(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(avals), eq.Parameters);
            }
            catch (CotangentException ex)
            {
                throw new ProgramCheckException($"Program check failed: equation {e} ({eq.Primitive.Name}) is ill-typed: {ex.Message}\n{program}", ex);
            }

            if (expected.Length != eq.Outputs.Length)
                throw Fail(program, $"equation {e} ({eq.Primitive.Name}) defines {eq.Outputs.Length} variables but the primitive has {expected.Length} results");
            for (int k = 0; k < expected.Length; k++)
            {
                if (expected[k] != eq.Outputs[k].Aval)
                    throw Fail(program, $"equation {e} ({eq.Primitive.Name}) declares output {eq.Outputs[k].Aval}{(expected.Length > 1 ? $" (result {k})" : "")} but its inputs give {expected[k]}");
                if (!defined.Add(eq.Outputs[k]))
                    throw Fail(program, $"equation {e} ({eq.Primitive.Name}) redefines a variable (not SSA)");
            }

            // Programs held as parameters are checked too: a closed program must be well formed on its own.
            foreach (var sub in eq.Parameters.SubPrograms)
            {
                try
                {
                    Check(sub);
                }
                catch (ProgramCheckException ex)
                {
                    throw new ProgramCheckException($"Program check failed: in the program held by equation {e} ({eq.Primitive.Name}): {ex.Message}\n{program}", ex);
                }
            }
        }

        foreach (var o in program.Outputs)
            if (o is Var v && !defined.Contains(v)) throw Fail(program, "an output variable is never defined");
    }

    private static ProgramCheckException Fail(Program program, string what) => new($"Program check failed: {what}.\n{program}");
}
