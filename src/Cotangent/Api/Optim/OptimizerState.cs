using System.Collections.Immutable;

namespace Cotangent;

/// <summary>
/// The state of an optimizer for parameters of type <typeparamref name="T"/>: a tree, so it can be saved, mapped or
/// differentiated like the parameters. <see cref="Count"/> is the number of updates made (an int32 scalar);
/// <see cref="Moments"/> are the per-parameter accumulators (momentum, first and second moments, …), each a tree like
/// the parameters, in the order the transformations of a chain declare them.
/// </summary>
/// <typeparam name="T">The parameters' tree type.</typeparam>
/// <param name="Count">Updates made so far.</param>
/// <param name="Moments">The accumulators, each shaped like the parameters.</param>
public sealed record OptimizerState<T>(Tensor Count, ImmutableArray<T> Moments)
{
    /// <summary>The step count as a C# integer (the schedules' argument).</summary>
    public int Step => (int)Count.ToDouble();
}
