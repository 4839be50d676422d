namespace Cotangent.Core;

/// <summary>
/// The current trace of this thread. Transformations set it while they run a function; each thread has
/// its own, so transformations running concurrently on different threads never see each other.
/// </summary>
public static class TraceContext
{
    [ThreadStatic]
    private static Trace? s_current;

    /// <summary>The innermost active trace of this thread, or null for eager evaluation.</summary>
    public static Trace? Current => s_current;

    /// <summary>Makes <paramref name="trace"/> current until the returned scope is disposed.</summary>
    public static Scope Enter(Trace? trace)
    {
        var previous = s_current;
        s_current = trace;
        return new Scope(previous);
    }

    /// <summary>Restores the previous trace when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly Trace? _previous;

        internal Scope(Trace? previous) => _previous = previous;

        /// <summary>Restores the trace that was current before <see cref="Enter"/>.</summary>
        public void Dispose() => s_current = _previous;
    }
}
