namespace Cotangent.Transforms;

/// <summary>
/// Marks a two-operand primitive whose result does not depend on the order of its operands, so <see cref="Cse"/> treats
/// <c>p a b</c> and <c>p b a</c> as one computation. Only for primitives commutative bit for bit in every case that
/// matters (add, mul: also the sign of a zero result); which payload a NaN result carries when both operands are NaNs
/// is not such a case — IEEE 754 leaves it unspecified and the .NET JIT may itself swap the operands.
/// </summary>
public interface ICommutative;
