namespace Cotangent.Core;

/// <summary>
/// An interpreter of primitives: each transformation instance is one trace with its own identity.
/// A tracer belongs to exactly one trace; to any other trace it is an ordinary value (a constant),
/// which is what keeps nested transformations from confusing their perturbations.
/// </summary>
public abstract class Trace
{
    /// <summary>Creates a trace whose parent is the trace current at this moment (null: eager evaluation).</summary>
    protected Trace(string transformation)
    {
        Transformation = transformation;
        Parent = TraceContext.Current;
    }

    /// <summary>The trace that was current when this one began; this trace computes on values of its parent level.</summary>
    public Trace? Parent { get; }

    /// <summary>The transformation that created this trace, for error messages (e.g. "Grad", "Jvp").</summary>
    public string Transformation { get; }

    /// <summary>False once the transformation has returned; its tracers may no longer be used.</summary>
    public bool IsActive { get; private set; } = true;

    /// <summary>Marks the transformation as finished.</summary>
    public void Deactivate() => IsActive = false;

    /// <summary>
    /// Interprets one primitive application, writing one value per result of the primitive into
    /// <paramref name="results"/>; inputs may be this trace's tracers or foreign values.
    /// </summary>
    public abstract void Process(Primitive primitive, ReadOnlySpan<Tensor> args, Params parameters, Span<Tensor> results);

    /// <summary>True when <paramref name="other"/> is this trace or one it is nested in.</summary>
    public bool IsSelfOrAncestor(Trace other)
    {
        for (var t = this; t is not null; t = t.Parent)
            if (ReferenceEquals(t, other)) return true;
        return false;
    }

    /// <summary>
    /// Throws when <paramref name="tracer"/> cannot be seen from this trace: it belongs to a finished
    /// transformation or to one not enclosing this trace (another thread, a sibling transformation).
    /// </summary>
    public void CheckVisible(Tracer tracer)
    {
        if (!tracer.Trace.IsActive || !IsSelfOrAncestor(tracer.Trace))
            throw Dispatch.Escaped(tracer);
    }
}
