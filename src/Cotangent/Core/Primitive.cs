using Cotangent.Runtime;

namespace Cotangent.Core;

/// <summary>
/// A primitive operation: the unit every transformation interprets. A primitive always has an eager
/// implementation (<see cref="Impl"/>) and a shape/dtype rule (<see cref="AbstractEval"/>); the rules
/// for other transformations are interfaces declared by those transformations (IJvpRule,
/// ITransposeRule, …) and implemented by the primitive class itself, so all of a primitive's rules
/// live in one place.
/// </summary>
public abstract class Primitive
{
    /// <summary>Creates a primitive with the name printed in programs (JAX's snake_case spelling).</summary>
    protected Primitive(string name) => Name = name;

    /// <summary>The printed name, e.g. <c>reduce_sum</c>.</summary>
    public string Name { get; }

    /// <summary>Computes the output from concrete inputs.</summary>
    /// <param name="args">Concrete input arrays.</param>
    /// <param name="parameters">The primitive's parameters (its own params type, or null).</param>
    public abstract NDArray Impl(ReadOnlySpan<NDArray> args, object? parameters);

    /// <summary>The output aval for input avals; throws the typed shape/dtype exceptions on misuse.</summary>
    public abstract Aval AbstractEval(ReadOnlySpan<Aval> args, object? parameters);

    /// <summary>Binds this primitive to the inputs under the current trace (eager evaluation when none is active).</summary>
    public Tensor Bind(ReadOnlySpan<Tensor> args, object? parameters = null) => Dispatch.Bind(this, args, parameters);

    /// <summary>Binds a one-input primitive.</summary>
    public Tensor Bind(Tensor x, object? parameters = null) => Dispatch.Bind(this, new ReadOnlySpan<Tensor>(in x), parameters);

    /// <summary>Binds a two-input primitive.</summary>
    public Tensor Bind(Tensor x, Tensor y, object? parameters = null) => Dispatch.Bind(this, [x, y], parameters);

    /// <summary>The printed name.</summary>
    public override string ToString() => Name;
}
