using Cotangent.Core;

namespace Cotangent.Transforms;

/// <summary>
/// The algebraic-simplification rule of a primitive (see <see cref="Simplify"/>): given one of its equations, whose
/// operands are already simplified, a simpler atom computing the same result, or null to keep the equation. Declared
/// here and implemented by the primitive classes, like the other transformation rules, so the pass knows no primitive.
/// </summary>
public interface ISimplifyRule
{
    /// <summary>
    /// An atom with the value of <paramref name="equation"/>'s single result: one of the program's atoms (an operand,
    /// a variable defined earlier) or one made by <see cref="SimplifyContext.Emit"/>; null to keep the equation. The
    /// pass discards a replacement whose type (shape and dtype) differs from the result's, so a rule need not re-check
    /// implicit broadcasting. A rule must be exact in IEEE arithmetic or say in its documentation where it is not.
    /// </summary>
    Atom? Simplify(Equation equation, SimplifyContext context);
}
