using Cotangent.Core;

namespace Cotangent.Transforms;

/// <summary>
/// Why a program is not linear in its linear inputs, as <see cref="Transposition.FindLinearityViolation"/> finds it:
/// either an equation uses a linear value where the typing rules of linear programs forbid it, or an output the
/// program must return linearly is a constant.
/// </summary>
/// <param name="EquationIndex">The offending equation's index in <see cref="Program.Equations"/>, or −1 for an output.</param>
/// <param name="Equation">The offending equation, or null for an output.</param>
/// <param name="Operands">The equation's operand positions that hold linear values (empty for an output).</param>
/// <param name="OutputIndex">The offending output's position, or −1 for an equation.</param>
/// <param name="Rule">The rule of linear programs that is broken, in a sentence.</param>
public sealed record LinearityViolation(int EquationIndex, Equation? Equation, IReadOnlyList<int> Operands, int OutputIndex, string Rule)
{
    /// <summary>The message, with variables named by <paramref name="nameOf"/> and the equation shown as <paramref name="equationText"/>.</summary>
    public string Describe(Func<Var, string> nameOf, string equationText)
    {
        ArgumentNullException.ThrowIfNull(nameOf);
        if (Equation is not { } eq)
            return $"output {OutputIndex} does not depend on a linear input (it is a constant), so the function is affine, not linear. Rule: {Rule}";
        var names = new List<string>();
        foreach (int k in Operands) names.Add(eq.Inputs[k] is Var v ? $"`{nameOf(v)}`" : "a literal");
        string which = Operands.Count == 1 ? $"operand {Operands[0]} ({names[0]}) is linear" : $"operands {string.Join(", ", Operands)} ({string.Join(", ", names)}) are linear";
        return $"in `{equationText}`, {which}. Rule: {Rule}";
    }
}
