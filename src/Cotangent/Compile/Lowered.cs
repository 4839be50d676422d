using System.Text;
using Cotangent.Core;

namespace Cotangent.Compile;

/// <summary>
/// What <c>Jit</c> made of a function for one signature (JAX's <c>jit(f).lower(x)</c>): the traced program, the program
/// after the optimization passes, and the steps it runs — each generated loop with the equations fused into it, and
/// each equation left to its own kernel.
/// </summary>
public sealed class Lowered
{
    private readonly Executable _executable;

    internal Lowered(Executable executable) => _executable = executable;

    /// <summary>The program as traced.</summary>
    public Program Traced => _executable.Source;

    /// <summary>The program after dead-code elimination, common-subexpression elimination, constant folding and simplification.</summary>
    public Program Optimized => _executable.Optimized;

    /// <summary>Each optimization pass (and last, planning with code generation) with the number of equations after it and the
    /// milliseconds it took (its check included), in order.</summary>
    public IReadOnlyList<(string Pass, int Equations, double Ms)> Passes => _executable.Passes;

    /// <summary>How many generated loops (fusion groups) the compiled program runs.</summary>
    public int FusedLoops => _executable.Plan.Steps.Count(s => s is FusedStep);

    /// <summary>How many equations run as their own step: a kernel, or control flow whose sub-programs are compiled separately.</summary>
    public int Kernels => _executable.Plan.Steps.Count(s => s is not FusedStep);

    /// <summary>Time spent optimizing, planning and generating code for this signature.</summary>
    public TimeSpan CompileTime => _executable.CompileTime;

    /// <summary>The optimized program followed by the steps; variable names are the program's.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        var context = new ProgramPrinter.Context();
        ProgramPrinter.Append(sb, Optimized, context, 0);
        sb.Append("\n\npasses: ").AppendJoin(", ", Passes.Select(p => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{p.Pass} → {p.Equations} ({p.Ms:F1} ms)")));
        sb.Append($"\nsteps ({FusedLoops} fused loops, {Kernels} kernels; compiled in {CompileTime.TotalMilliseconds:F1} ms):");
        var names = new string[_executable.Plan.SlotCount];
        foreach (var (v, slot) in _executable.Plan.VariableSlotMap) names[slot] = context.Use(v);
        for (int l = 0; l < _executable.Plan.Literals.Count; l++) names[_executable.Plan.VariableSlots + l] = _executable.Plan.Literals[l].GetDouble(0).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        int index = 0;
        foreach (var step in _executable.Plan.Steps)
        {
            sb.Append("\n  ").Append(++index).Append(". ");
            string outs = string.Join(" ", step.Outputs.Select(o => names[o]));
            string ins = string.Join(" ", step.Inputs.Select(i => names[i]));
            switch (step)
            {
                case FusedStep f:
                    var ops = f.Spec.Members.Select(m => m.Source.Primitive.Name).Concat(f.Reductions.Select(r => r.Primitive.Name));
                    sb.Append(f.Spec.Scalar ? "scalar block" : "fused loop").Append(' ')
                        .Append(new Aval(f.Shape, f.DType)).Append(": ").Append(outs).Append(" = [")
                        .AppendJoin(" ", ops).Append("] ").Append(ins);
                    break;
                case PrimitiveStep p:
                    sb.Append("kernel: ").Append(outs).Append(" = ").Append(p.Equation.Primitive.Name).Append(' ').Append(ins);
                    break;
                case EquationStep e:
                    sb.Append(e.Equation.Primitive.Name).Append(", each sub-program compiled: ").Append(outs).Append(" = ").Append(e.Equation.Primitive.Name).Append(' ').Append(ins);
                    break;
            }
        }

        return sb.ToString();
    }
}
