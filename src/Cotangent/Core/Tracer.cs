namespace Cotangent.Core;

/// <summary>
/// A tensor standing for a value inside a transformation: user code sees a <see cref="Tensor"/> and
/// computes with it as usual, while each operation is routed to <see cref="Trace"/>.
/// </summary>
public abstract class Tracer : Tensor
{
    /// <summary>Creates a tracer of <paramref name="trace"/> with the given abstract value.</summary>
    protected Tracer(Trace trace, Aval aval) : base(aval) => Trace = trace;

    /// <summary>The trace this tracer belongs to.</summary>
    public Trace Trace { get; }

    /// <summary>The primal value this tracer stands for when it has one (forward mode), else null (staging).</summary>
    public abstract Tensor? Primal { get; }
}
