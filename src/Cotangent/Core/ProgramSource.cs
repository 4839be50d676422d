namespace Cotangent.Core;

/// <summary>
/// Where a parsed program's equations and variables were written, and the names its text gave the variables
/// (<see cref="ProgramParser.ParseWithSource"/>). A program's own printing names variables afresh; tools use this
/// map to report problems found after parsing — a linearity error, say — at the user's line and with the user's names.
/// </summary>
public sealed class ProgramSource
{
    // Equations are values; an equation is known by its first result variable, which is unique to it.
    private readonly Dictionary<Var, (int Line, int Column)> _equations = [];
    private readonly Dictionary<Var, (string Name, int Line, int Column)> _vars = [];

    internal void AddEquation(Equation equation, int line, int column)
    {
        if (equation.Outputs.Length > 0) _equations[equation.Outputs[0]] = (line, column);
    }

    internal void AddVar(Var v, string name, int line, int column) => _vars[v] = (name, line, column);

    /// <summary>The 1-based line and column where <paramref name="equation"/> starts, when it was parsed from this text.</summary>
    public bool TryGetPosition(Equation equation, out int line, out int column)
    {
        (int Line, int Column) p = default;
        bool found = equation.Outputs.Length > 0 && _equations.TryGetValue(equation.Outputs[0], out p);
        (line, column) = p;
        return found;
    }

    /// <summary>The name the text gave <paramref name="variable"/>, when it was defined in this text.</summary>
    public bool TryGetName(Var variable, out string name)
    {
        ArgumentNullException.ThrowIfNull(variable);
        bool found = _vars.TryGetValue(variable, out var v);
        name = found ? v.Name : "";
        return found;
    }
}
