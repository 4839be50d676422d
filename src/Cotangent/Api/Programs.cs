using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Transforms;

namespace Cotangent;

/// <summary>
/// The paper's transformations as program-to-program functions over program text, no C# function needed — what the
/// <c>cotangent</c> command-line tool runs. A program is written in the text form <see cref="Program.ToString"/>
/// prints (see <see cref="ProgramParser"/> for the grammar); inputs marked <c>lin</c> are linear. The stages:
/// <see cref="Jvp"/> (a mixed program, linear in the tangents), <see cref="Unzip"/> (its non-linear and linear
/// halves), <see cref="Linearize"/> = Unzip ∘ Jvp, <see cref="Transpose"/> (of a linear program), <see cref="Vjp"/> =
/// the non-linear half and the transposed linear half, and <see cref="Grad"/>, one program computing the gradient.
/// </summary>
public static class Programs
{
    /// <summary>Reads program text with every primitive of the catalogue.</summary>
    /// <exception cref="ProgramParseException">The text is malformed or ill-typed; the message gives the line and column.</exception>
    public static Program Parse(string text) => Catalogue.ParseProgram(text);

    /// <summary>Reads program text and also returns where each equation and variable was written (for messages in the user's terms).</summary>
    /// <exception cref="ProgramParseException">The text is malformed or ill-typed; the message gives the line and column.</exception>
    public static (Program Program, ProgramSource Source) ParseWithSource(string text) => ProgramParser.ParseWithSource(text, Catalogue.Find);

    /// <summary>
    /// The structural check (SSA, types, shapes, nested programs), then — for a program with linear inputs — the
    /// linearity check of a mixed program: values that depend on a linear input are used only in linear slots of
    /// linear primitives. Returns null when the program passes, else the first linearity violation.
    /// </summary>
    /// <exception cref="ProgramCheckException">The program is structurally broken.</exception>
    public static LinearityViolation? Check(Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        ProgramChecker.Check(program);
        return Transposition.FindLinearityViolation(program, requireLinearOutputs: false);
    }

    /// <summary>Which outputs of <paramref name="program"/> are linear (depend on its linear inputs).</summary>
    public static bool[] LinearOutputs(Program program) => Unzipping.LinearOutputs(program);

    /// <summary>
    /// The JVP program: inputs are the primals, then a tangent per float input (marked <c>lin</c>); outputs are the
    /// primal outputs, then a tangent per float output.
    /// </summary>
    public static Program Jvp(Program program) => Unzipping.Jvp(program);

    /// <summary>Splits a mixed program into its non-linear half (returning the residuals) and its linear half.</summary>
    /// <exception cref="LinearityException">A linear value is used non-linearly.</exception>
    public static UnzippedProgram Unzip(Program program) => Unzipping.Unzip(program);

    /// <summary>Linearize as a program transformation: <see cref="Unzip"/>(<see cref="Jvp"/>(program)).</summary>
    public static UnzippedProgram Linearize(Program program) => Unzipping.Linearize(program);

    /// <summary>
    /// The transpose of a program that is linear in its <c>lin</c> inputs and returns only linear values. Its inputs
    /// are the non-linear inputs (residuals) in order, then a cotangent per output (marked <c>lin</c>); its outputs are
    /// a cotangent per linear input.
    /// </summary>
    /// <exception cref="LinearityException">The program is not linear in its linear inputs, or has no linear input.</exception>
    public static Program Transpose(Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        bool any = false;
        foreach (bool l in program.LinearInputs) any |= l;
        if (!any) throw new LinearityException("Transpose needs a program with linear inputs: mark them 'lin' (e.g. `{ lambda ; s:f64[] lin t:f64[] . ... }`).");
        Transposition.CheckLinearity(program);
        return Transposition.TransposeWithKnownInputs(program);
    }

    /// <summary>
    /// Reverse mode as programs: the non-linear half of <see cref="Linearize"/> (primal outputs, then the residuals)
    /// and the backward program (residuals, then a <c>lin</c> cotangent per float output → a cotangent per float input).
    /// </summary>
    public static (Program NonLinear, Program Backward, int ResidualCount) Vjp(Program program) => Unzipping.Vjp(program);

    /// <summary>
    /// One program computing the gradient of a program with a single float scalar output: the non-linear half, then
    /// the backward program at cotangent 1, inlined and optimized (<see cref="Optimizer"/>: CSE, constant folding,
    /// algebraic simplification such as x · 1 → x, DCE). Its outputs are a gradient per float input.
    /// </summary>
    /// <exception cref="DifferentiationException">The program does not have exactly one float scalar output.</exception>
    public static Program Grad(Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var outs = program.OutputAvals();
        if (outs.Length != 1 || outs[0].Shape.Rank != 0 || !outs[0].IsDifferentiable)
            throw new DifferentiationException($"Grad needs a program with one float scalar output; this one returns ({string.Join(", ", outs.Select(a => a.ToString()))}). Use vjp for other outputs.");
        var (nonLinear, backward, residualCount) = Unzipping.Vjp(program);
        var dtype = outs[0].DType;
        return Optimizer.Run(Staging.MakeProgram(xs =>
        {
            var results = nonLinear.Evaluate(xs);
            var args = new Tensor[residualCount + 1];
            Array.Copy(results, results.Length - residualCount, args, 0, residualCount);
            args[^1] = Tensor.Scalar(1.0, dtype);
            return backward.Evaluate(args);
        }, program.InputAvals(), "Grad"));
    }

    /// <summary>Dead-code elimination: drops equations no output needs.</summary>
    public static Program Dce(Program program) => Transforms.Dce.Run(program);

    /// <summary>The Graphviz text of <paramref name="program"/> (linear values drawn in blue).</summary>
    public static string ToDot(Program program, string title = "program") => ProgramDot.Write(program, title);
}
