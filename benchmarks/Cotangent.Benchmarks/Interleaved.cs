using System.Diagnostics;

namespace Cotangent.Benchmarks;

/// <summary>
/// Times two implementations in one process, interleaved batch by batch (alternating which goes first), so drift in
/// the machine's speed affects both alike: the protocol of the comparisons against OpenBLAS and LAPACK.
/// </summary>
public static class Interleaved
{
    /// <summary>Seconds per call of each side, one entry per batch of <paramref name="reps"/> calls.</summary>
    public static (double[] Ours, double[] Theirs) Run(Action ours, Action theirs, int batches, int reps, int threads)
    {
        var a = new double[batches];
        var b = new double[batches];
        for (int bi = 0; bi < batches; bi++)
        {
            for (int side = 0; side < 2; side++)
            {
                bool oursNow = (side == 0) == (bi % 2 == 0);
                var run = oursNow ? ours : theirs;
                if (threads > 1)
                {
                    // Idle helper threads spin before they park (OpenBLAS: 2^28 TSC cycles, ~0.1 s; ours: 0.5 ms). Let
                    // the other side's helpers park so they do not take a core from this batch, then wake this side's.
                    Thread.Sleep(150);
                    run();
                }

                long t0 = Stopwatch.GetTimestamp();
                for (int r = 0; r < reps; r++) run();
                (oursNow ? a : b)[bi] = Stopwatch.GetElapsedTime(t0).TotalSeconds / reps;
            }
        }

        return (a, b);
    }
}
