using Cotangent.Core;

namespace Cotangent.Transforms;

/// <summary>
/// A mixed program split by <see cref="Unzipping.Unzip"/> into the paper's two halves.
/// </summary>
/// <param name="NonLinear">Inputs: the non-linear inputs of the original, in order. Outputs: its non-linear outputs,
/// then the residuals (the non-linear values the linear half reads).</param>
/// <param name="Linear">Inputs: the residuals (non-linear), then the linear inputs of the original (marked linear).
/// Outputs: the linear outputs of the original, in order. Linear in its linear inputs.</param>
/// <param name="LinearOutputs">Which outputs of the original are linear (computed by <see cref="Linear"/>).</param>
/// <param name="ResidualCount">The number of residuals.</param>
public sealed record UnzippedProgram(Program NonLinear, Program Linear, bool[] LinearOutputs, int ResidualCount);

/// <summary>
/// Unzipping (the paper's §4, Linear A's <c>unzipProgram</c>) as a program-to-program transformation: a program
/// that is non-linear in some inputs and linear in others (a JVP with its tangents marked linear) is split into a
/// non-linear program, which does all the non-linear work and returns the residuals, and a linear program that
/// reads the residuals and contains only linear operations. Linearize is Unzip ∘ JVP; it is what
/// <see cref="Linearization.Linearize"/> does online, equation by equation, while tracing.
/// </summary>
public static class Unzipping
{
    /// <summary>
    /// Splits <paramref name="program"/> by its linear inputs (<see cref="Program.LinearInputs"/>). Every equation
    /// goes to exactly one side: those reading a linear value to the linear program, the others to the non-linear
    /// one. An output is linear when it depends on a linear input (or is a staged zero); the others must not.
    /// </summary>
    /// <exception cref="LinearityException">A linear value is used non-linearly (the message names the equation, the
    /// variable and the rule).</exception>
    public static UnzippedProgram Unzip(Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (Transposition.FindLinearityViolation(program, requireLinearOutputs: false) is not null)
            Transposition.CheckLinearity(program);   // throws with the full message
        var split = SplitByLinearInputs(program);
        var u = split.Unknown;
        var linearFlags = new bool[u.Inputs.Count];
        for (int i = split.ResidualCount; i < linearFlags.Length; i++) linearFlags[i] = true;
        var linear = Transposition.WithLinearInputs(u, linearFlags);
        Transposition.CheckLinearity(linear);
        return new UnzippedProgram(split.Known, linear, split.UnknownOutputs, split.ResidualCount);
    }

    /// <summary>
    /// Which outputs of a mixed program are linear: those that depend on a linear input, as partial evaluation
    /// decides it (so a scan carrying a primal and a tangent has one non-linear and one linear result), and staged
    /// float zeros (the zero tangent).
    /// </summary>
    public static bool[] LinearOutputs(Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        return SplitByLinearInputs(program).UnknownOutputs;
    }

    // Partial evaluation with the linear inputs unknown; a staged float zero output is instantiated on the unknown side,
    // so the split's unknown outputs are exactly the linear ones.
    private static PartialProgram SplitByLinearInputs(Program program)
    {
        var zeros = new HashSet<Var>();
        foreach (var eq in program.Equations)
            if (ReferenceEquals(eq.Primitive, Builtins.Zeros) && eq.Outputs[0].Aval.IsDifferentiable) zeros.Add(eq.Outputs[0]);
        var instantiate = new bool[program.Outputs.Count];
        for (int i = 0; i < instantiate.Length; i++) instantiate[i] = program.Outputs[i] is Var v && zeros.Contains(v);
        return PartialEvaluation.Split(program, [.. program.LinearInputs], instantiate);
    }

    /// <summary>
    /// The JVP of <paramref name="program"/> as a mixed program (Linear A's <c>jvpProgram</c>): inputs are the
    /// primals, then one tangent per float input, marked linear; outputs are the primals, then one tangent per float
    /// output (a staged zero where none flows).
    /// </summary>
    public static Program Jvp(Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var all = new bool[program.Inputs.Count];
        Array.Fill(all, true);
        var instantiate = new bool[program.Outputs.Count];
        Array.Fill(instantiate, true);
        var (jvp, _) = ForwardMode.JvpProgram(program, all, instantiate);
        var linear = new bool[jvp.Inputs.Count];
        for (int i = program.Inputs.Count; i < linear.Length; i++) linear[i] = true;
        return Transposition.WithLinearInputs(jvp, linear);
    }

    /// <summary>Linearize as a program transformation: <see cref="Unzip"/> of <see cref="Jvp"/>.</summary>
    public static UnzippedProgram Linearize(Program program) => Unzip(Jvp(program));

    /// <summary>
    /// Reverse mode as a program transformation: the non-linear half of <see cref="Linearize"/>, and the
    /// transpose of its linear half. The backward program's inputs are the residuals, then one cotangent per
    /// float output of <paramref name="program"/> (marked linear); its outputs are one cotangent per float input.
    /// </summary>
    public static (Program NonLinear, Program Backward, int ResidualCount) Vjp(Program program)
    {
        var unzipped = Linearize(program);
        return (unzipped.NonLinear, Transposition.TransposeWithKnownInputs(unzipped.Linear), unzipped.ResidualCount);
    }
}
