using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

/// <summary>
/// stop_gradient (JAX's <c>lax.stop_gradient</c>): the identity on values whose derivative is defined to be zero, so
/// nothing flows through it in forward or reverse mode at any order. Finite differences disagree by design. Used to
/// keep a shift out of differentiation where it cancels exactly (softmax's maximum) and for straight-through and
/// target-network tricks.
/// </summary>
public sealed class StopGradient() : Primitive<NoParams>("stop_gradient"), IZeroDerivative, IBatchRule<NoParams>
{
    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, NoParams p)
    {
        Check.Arity(Name, args, 1);
        return args[0];
    }

    /// <summary>The operand itself: arrays are immutable, so sharing the buffer is safe (as reshape does).</summary>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, NoParams p) => args[0];

    /// <summary>Elementwise: the batch axis stays where it is.</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, NoParams p) => BatchRules.Vectorized(this, args[0], dims[0], p);
}

/// <summary>The catalogue entry of stop_gradient, declared beside its class.</summary>
public static partial class Catalogue
{
    /// <summary>stop_gradient: identity with a zero derivative.</summary>
    public static readonly StopGradient StopGradient = new();
}
