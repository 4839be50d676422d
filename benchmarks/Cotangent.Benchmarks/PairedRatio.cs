using System.Diagnostics;
using System.Globalization;

namespace Cotangent.Benchmarks;

/// <summary>
/// The ratio of two workloads' times measured as a paired design: after both warm up, short batches of the two
/// alternate (A B A B …) and each pair gives one ratio. On a shared 2-core machine the speed drifts by tens of percent
/// between seconds, and rows measured one after the other, seconds apart, carry that drift into their ratio; the two
/// halves of a pair run within a fraction of a second of each other, so the drift mostly cancels. The median over the
/// pairs is the figure, and the quartiles show how far it can be trusted.
/// </summary>
public readonly record struct PairedRatio(double Median, double LowerQuartile, double UpperQuartile, int Pairs)
{
    /// <summary>Measures <paramref name="numerator"/> / <paramref name="denominator"/> over <paramref name="pairs"/> pairs of
    /// batches of about <paramref name="batchMs"/> milliseconds of both sides (<see cref="Interleaved"/>, alternating which side goes first).</summary>
    public static PairedRatio Measure(Func<object> numerator, Func<object> denominator, int pairs = 15, int batchMs = 80)
    {
        // Warm up by time: each side alone first (tiered compilation needs a few hundred milliseconds of calls, and a
        // side that allocates much can leave the collector's budgets and the buffer pool in a state that slows the other
        // side for a second or more), then both interleaved as measured.
        foreach (var side in new[] { numerator, denominator })
        {
            var alone = Stopwatch.StartNew();
            while (alone.ElapsedMilliseconds < 700) side();
        }

        var warm = Stopwatch.StartNew();
        int calls = 0;
        while (warm.ElapsedMilliseconds < 400 || calls < 2)
        {
            numerator();
            denominator();
            calls++;
        }

        // Enough calls per batch for about batchMs, from the calls the warm-up made.
        double perCall = Math.Max(1e-6, warm.Elapsed.TotalSeconds / Math.Max(1, calls));
        int reps = Math.Max(2, (int)(batchMs / 1000.0 / perCall));
        var (a, b) = Interleaved.Run(() => numerator(), () => denominator(), pairs, reps, threads: 1);
        var ratios = a.Zip(b, (x, y) => x / y).Order().ToArray();
        return new PairedRatio(ratios[pairs / 2], ratios[pairs / 4], ratios[3 * pairs / 4], pairs);
    }

    /// <summary>"1.05 (quartiles 1.01–1.09 over 15 interleaved pairs)".</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Median:F2} (quartiles {LowerQuartile:F2}–{UpperQuartile:F2} over {Pairs} interleaved pairs)");
}
