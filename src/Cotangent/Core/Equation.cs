namespace Cotangent.Core;

/// <summary>One program step: <c>outputs = primitive[parameters](inputs)</c>.</summary>
/// <param name="Primitive">The operation.</param>
/// <param name="Inputs">The operands.</param>
/// <param name="Outputs">The variables defined, one per result of the primitive.</param>
/// <param name="Parameters">The primitive's parameters (its own record type; <see cref="NoParams"/> when none).</param>
public readonly record struct Equation(Primitive Primitive, Atom[] Inputs, Var[] Outputs, Params Parameters);
