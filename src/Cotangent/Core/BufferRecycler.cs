using Cotangent.Runtime;

namespace Cotangent.Core;

/// <summary>
/// Liveness-based reuse for an evaluator that runs a whole program eagerly (no trace active): it counts, per buffer,
/// how many of the evaluator's live entries refer to it, and when the last one goes and the buffer is one the
/// evaluation itself created, hands it straight back to <see cref="BufferPool"/> — still warm in cache — instead of
/// waiting for a collection. Buffers that existed before the evaluation (inputs, constants, residuals, the caller's
/// cotangents) or that the evaluator keeps (its known values) are <em>protected</em> and never handed back; views share
/// their buffer, so counting by buffer covers reshapes. Under any trace the recycler is not created at all: a staged
/// program may capture concrete values as constants.
/// </summary>
internal sealed class BufferRecycler
{
    private HashSet<Array>? _protected;
    private Dictionary<Array, int>? _refs;

    /// <summary>
    /// Buffers below the pool's threshold are never tracked, so they are not worth counting: a cheap length test
    /// (in elements of the widest dtype) keeps the bookkeeping off small and 0-d values, e.g. scalar recurrences.
    /// </summary>
    private static bool Worth(Array data) => data.Length >= BufferPool.MinBytes / sizeof(double);

    /// <summary>A recycler when evaluation is eager (no trace is active), else null.</summary>
    public static BufferRecycler? ForEagerEvaluation() => TraceContext.Current is null ? new BufferRecycler() : null;

    /// <summary>Never hand back <paramref name="t"/>'s buffer.</summary>
    public void Protect(Tensor? t)
    {
        if (t is { IsConcrete: true } && Worth(t.Array!.Value.Data))
            (_protected ??= new(ReferenceEqualityComparer.Instance)).Add(t.Array!.Value.Data);
    }

    /// <summary>A live entry now refers to <paramref name="t"/>.</summary>
    public void Hold(Tensor t)
    {
        if (!t.IsConcrete) return;
        var data = t.Array!.Value.Data;
        if (!Worth(data)) return;
        _refs ??= new(ReferenceEqualityComparer.Instance);
        _refs[data] = _refs.TryGetValue(data, out int n) ? n + 1 : 1;
    }

    /// <summary>
    /// A live entry referring to <paramref name="t"/> is gone. When it was the last, the buffer is not protected and
    /// none of <paramref name="stillUsed"/> (values just computed from it, which may be views of it) shares it, the
    /// buffer goes back to the pool.
    /// </summary>
    public void Drop(Tensor? t, ReadOnlySpan<Tensor?> stillUsed = default)
    {
        if (t is not { IsConcrete: true }) return;
        var data = t.Array!.Value.Data;
        if (_refs is null || !_refs.TryGetValue(data, out int n)) return;   // never held: not ours to judge
        if (n > 1)
        {
            _refs[data] = n - 1;
            return;
        }

        _refs.Remove(data);
        if (_protected is not null && _protected.Contains(data)) return;
        foreach (var u in stillUsed)
        {
            if (u is { IsConcrete: true } && ReferenceEquals(u.Array!.Value.Data, data)) return;
        }

        BufferPool.Release(data);
    }
}
