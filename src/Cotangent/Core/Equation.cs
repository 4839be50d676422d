namespace Cotangent.Core;

/// <summary>One program step: <c>output = primitive[parameters](inputs)</c>.</summary>
/// <param name="Primitive">The operation.</param>
/// <param name="Inputs">The operands.</param>
/// <param name="Output">The variable defined.</param>
/// <param name="Parameters">The primitive's parameters (its own type), or null.</param>
public readonly record struct Equation(Primitive Primitive, Atom[] Inputs, Var Output, object? Parameters);
