using System.Collections.Immutable;

namespace Cotangent;

/// <summary>
/// An optimizer in the style of optax: a pair of pure functions over trees. <see cref="Init{T}"/> makes the state
/// for some parameters; <see cref="Update{T}"/> turns gradients into <em>updates</em> (to be added to the
/// parameters with <see cref="Optim.ApplyUpdates{T}"/>) and a new state. Nothing is mutated, so a state can be
/// kept, copied or restored freely. Made by the factories of <see cref="Optim"/>.
/// </summary>
/// <example><code>
/// var opt = Optim.Adam(1e-3);
/// var state = opt.Init(parameters);
/// for (int step = 0; step &lt; 100; step++)
/// {
///     var grads = Ad.Grad(loss)(parameters);
///     (var updates, state) = opt.Update(grads, state, parameters);
///     parameters = Optim.ApplyUpdates(parameters, updates);
/// }
/// </code></example>
public abstract class GradientTransformation
{
    private protected GradientTransformation()
    {
    }

    /// <summary>How many moment trees this transformation keeps in <see cref="OptimizerState{T}.Moments"/>.</summary>
    public abstract int MomentCount { get; }

    /// <summary>The initial state for <paramref name="parameters"/>: step 0 and zero moments.</summary>
    /// <exception cref="ArgumentNullException">parameters is null.</exception>
    public OptimizerState<T> Init<T>(T parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var zeros = Tree.ZerosLike(parameters);
        return new(Tensor.Scalar(0, Runtime.DType.Int32), Enumerable.Repeat(zeros, MomentCount).ToImmutableArray());
    }

    /// <summary>The updates for <paramref name="gradients"/> (add them to the parameters) and the next state.</summary>
    /// <exception cref="ArgumentNullException">gradients, state or parameters is null.</exception>
    /// <exception cref="ArgumentException">The state was made by a different transformation (wrong number of moments).</exception>
    /// <exception cref="TreeStructureException">The gradients, moments and parameters have different structures.</exception>
    public (T Updates, OptimizerState<T> State) Update<T>(T gradients, OptimizerState<T> state, T parameters)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(parameters);
        if (state.Moments.IsDefault || state.Moments.Length != MomentCount)
            throw new ArgumentException($"The state holds {(state.Moments.IsDefault ? 0 : state.Moments.Length)} moment trees; this transformation keeps {MomentCount}. Make the state with this transformation's Init.", nameof(state));
        var moments = state.Moments.ToArray();
        var updates = Apply(gradients, moments, 0, state.Step, parameters);
        return (updates, new OptimizerState<T>(state.Count + 1, [.. moments]));
    }

    /// <summary>Transforms <paramref name="updates"/> at <paramref name="step"/>, replacing its moments moments[offset..offset+MomentCount] with their new values.</summary>
    internal abstract T Apply<T>(T updates, T[] moments, int offset, int step, T parameters);

    /// <summary>Chains transformations: each one's updates are the next one's input (optax's <c>chain</c>).</summary>
    internal sealed class Chain(GradientTransformation[] parts) : GradientTransformation
    {
        public override int MomentCount { get; } = parts.Sum(p => p.MomentCount);

        internal override T Apply<T>(T updates, T[] moments, int offset, int step, T parameters)
        {
            foreach (var part in parts)
            {
                updates = part.Apply(updates, moments, offset, step, parameters);
                offset += part.MomentCount;
            }

            return updates;
        }
    }
}
