using Cotangent.Core;

namespace Cotangent.Transforms;

/// <summary>
/// The program optimizer: dead-code elimination, then rounds of common-subexpression elimination, constant folding,
/// algebraic simplification and dead-code elimination, repeated while a round shrinks the program (at most
/// <see cref="MaxRounds"/>). Every pass's result is checked (<see cref="ProgramChecker"/>) and must keep the
/// program's inputs, linearity flags and output types, so a faulty pass is named where it went wrong.
/// </summary>
public static class Optimizer
{
    /// <summary>The most CSE / folding / simplification rounds.</summary>
    public const int MaxRounds = 4;

    /// <summary>A pass: its name (as reported to the caller and in errors) and the function.</summary>
    /// <param name="Name">The pass's name.</param>
    /// <param name="Apply">Maps a program to an equivalent one.</param>
    internal readonly record struct Pass(string Name, Func<Program, Program> Apply);

    /// <summary>The passes of one round, in order.</summary>
    internal static IReadOnlyList<Pass> Round { get; } =
    [
        new("Cse", Cse.Run),
        new("ConstantFolding", p => ConstantFolding.Run(p)),
        new("Simplify", Simplify.Run),
        new("Dce", Dce.Run),
    ];

    /// <summary>
    /// An optimized copy of <paramref name="program"/> with the same inputs and output types;
    /// <paramref name="afterPass"/>, when given, sees the program after each pass with the pass's name
    /// (<c>Dce</c>, <c>Cse</c>, <c>ConstantFolding</c>, <c>Simplify</c>).
    /// </summary>
    /// <exception cref="ArgumentNullException">program is null.</exception>
    /// <exception cref="ProgramCheckException">The given program is ill-typed.</exception>
    /// <exception cref="InvalidOperationException">A pass produced an ill-typed program (a bug in that pass).</exception>
    public static Program Run(Program program, Action<string, Program>? afterPass = null) => Run(program, Round, afterPass);

    /// <summary>The optimizer with the given round of passes (tests substitute a faulty one).</summary>
    internal static Program Run(Program program, IReadOnlyList<Pass> round, Action<string, Program>? afterPass)
    {
        ArgumentNullException.ThrowIfNull(program);
        ProgramChecker.Check(program);   // a fault already in the input is the caller's, not a pass's
        var current = Apply(new Pass("Dce", Dce.Run), program, program, afterPass);
        for (int r = 0; r < MaxRounds; r++)
        {
            int before = current.Equations.Count;
            foreach (var pass in round) current = Apply(pass, current, program, afterPass);
            // Another round only when this one removed a noticeable share (≥ 1%): a round costs as much as the first,
            // and rewrites that enable each other are mostly found within one round's passes.
            if (before - current.Equations.Count < Math.Max(1, before / 100)) break;
        }

        return current;
    }

    private static Program Apply(Pass pass, Program input, Program original, Action<string, Program>? afterPass)
    {
        var output = pass.Apply(input);
        try
        {
            ProgramChecker.Check(output);
            CheckInterface(output, original);
        }
        catch (ProgramCheckException ex)
        {
            throw new InvalidOperationException($"Optimizer pass {pass.Name} produced an ill-typed program: {ex.Message}", ex);
        }

        afterPass?.Invoke(pass.Name, output);
        return output;
    }

    // The caller sees the same function: the same input variables and linearity, outputs of the same types in order.
    private static void CheckInterface(Program output, Program original)
    {
        if (output.Inputs.Count != original.Inputs.Count || output.Outputs.Count != original.Outputs.Count)
            throw new ProgramCheckException($"Program check failed: the program has {output.Inputs.Count} inputs and {output.Outputs.Count} outputs where the original had {original.Inputs.Count} and {original.Outputs.Count}.\n{output}");
        for (int i = 0; i < output.Inputs.Count; i++)
        {
            if (!ReferenceEquals(output.Inputs[i], original.Inputs[i]) || output.LinearInputs[i] != original.LinearInputs[i])
                throw new ProgramCheckException($"Program check failed: input {i} or its linearity changed.\n{output}");
        }

        for (int i = 0; i < output.Outputs.Count; i++)
        {
            if (output.Outputs[i].Aval != original.Outputs[i].Aval)
                throw new ProgramCheckException($"Program check failed: output {i} has type {output.Outputs[i].Aval} where the original's is {original.Outputs[i].Aval}.\n{output}");
        }
    }
}
