namespace Cotangent.Runtime;

/// <summary>A loop body over an index range [from, to); a struct so the split job holds it without a closure.</summary>
internal interface IRangeBody
{
    /// <summary>Runs the elements from <paramref name="from"/> up to (excluding) <paramref name="to"/>.</summary>
    void Run(int from, int to);
}

/// <summary>
/// Splits a large elementwise loop in two: the caller runs the first half while <see cref="Worker"/> runs the second.
/// The split point depends only on the length (a multiple of 64 elements, so both halves stay vector-aligned), and a
/// busy worker means the caller runs both halves itself, so results never depend on whether the worker helped.
/// </summary>
internal static class RangeSplit
{
    /// <summary>Below this many elements of cheap work (a load, an add, a store) the hand-off costs more than it saves.</summary>
    public const int CheapThreshold = 1 << 16;

    /// <summary>The threshold for transcendental functions (tens of operations per element).</summary>
    public const int CostlyThreshold = 1 << 13;

    /// <summary>Runs <paramref name="body"/> over [0, n), on two threads when n reaches <paramref name="threshold"/> (and the
    /// machine has two cores: the same knob as GEMM's, <see cref="Gemm.MaxThreads"/>).</summary>
    public static void Run<TBody>(TBody body, int n, int threshold)
        where TBody : struct, IRangeBody
    {
        if (n < threshold || Gemm.MaxThreads < 2)
        {
            body.Run(0, n);
            return;
        }

        int split = (n / 2) & ~63;
        if (!Worker.TryRun(new Job<TBody>(body, split, n)))
        {
            body.Run(0, split);
            body.Run(split, n);
        }
    }

    private sealed class Job<TBody>(TBody body, int split, int n) : WorkItem
        where TBody : struct, IRangeBody
    {
        private readonly TBody _body = body;

        public override void RunCallerPart() => _body.Run(0, split);

        public override void RunWorkerPart() => _body.Run(split, n);
    }
}
