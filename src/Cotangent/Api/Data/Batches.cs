namespace Cotangent;

/// <summary>Minibatches over the first axis of a dataset, in a seeded random order.</summary>
public static class Batches
{
    /// <summary>
    /// The rows of <paramref name="inputs"/> and <paramref name="targets"/> (same first dimension) in minibatches of
    /// <paramref name="batchSize"/>, shuffled by a permutation determined by (<paramref name="seed"/>,
    /// <paramref name="epoch"/>) alone: the same arguments give the same batches on every machine and run. The last
    /// batch is smaller unless <paramref name="dropLast"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">inputs or targets is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">batchSize is not positive.</exception>
    /// <exception cref="ShapeException">The first dimensions differ, or a tensor is rank 0.</exception>
    /// <example><code>
    /// for (int epoch = 0; epoch &lt; 10; epoch++)
    ///     foreach (var (x, y) in Batches.Shuffled(trainX, trainY, 64, seed: 1, epoch))
    ///         parameters = Step(parameters, x, y);
    /// </code></example>
    public static IEnumerable<(Tensor Inputs, Tensor Targets)> Shuffled(Tensor inputs, Tensor targets, int batchSize, ulong seed, int epoch, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (inputs.Shape.Rank == 0 || targets.Shape.Rank == 0 || inputs.Shape.Dims[0] != targets.Shape.Dims[0])
            throw new ShapeException($"Batches: inputs {inputs.Aval} and targets {targets.Aval} need the same first dimension.");
        return Iterate(inputs, targets, batchSize, Permutation(inputs.Shape.Dims[0], seed, epoch), dropLast);
    }

    /// <summary>A permutation of 0…n−1 determined by (seed, epoch): Fisher–Yates driven by SplitMix64, independent of System.Random.</summary>
    /// <exception cref="ArgumentOutOfRangeException">n is negative.</exception>
    public static int[] Permutation(int n, ulong seed, int epoch = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        ulong state = seed ^ (0x9E3779B97F4A7C15UL * (ulong)(uint)epoch);
        for (int i = n - 1; i > 0; i--)
        {
            // Multiply-shift maps 64 random bits to [0, i] (bias below 2⁻³²).
            int j = (int)(((SplitMix64(ref state) >> 32) * (ulong)(i + 1)) >> 32);
            (p[i], p[j]) = (p[j], p[i]);
        }

        return p;
    }

    private static IEnumerable<(Tensor, Tensor)> Iterate(Tensor inputs, Tensor targets, int batchSize, int[] order, bool dropLast)
    {
        for (int start = 0; start < order.Length; start += batchSize)
        {
            int count = Math.Min(batchSize, order.Length - start);
            if (dropLast && count < batchSize) yield break;
            var index = Tensor.FromArray(order[start..(start + count)]);
            yield return (Np.Take(inputs, index, 0), Np.Take(targets, index, 0));
        }
    }

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
