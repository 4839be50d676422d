namespace Cotangent.Runtime;

/// <summary>
/// A counter-based generator: value i is the SplitMix64 output for state key + (i + 1)·γ, where the key is the
/// seed run through the same mixer. Any element can be computed independently, so the sequence is the same however
/// it is partitioned, and equal seeds give equal arrays.
/// </summary>
internal readonly struct CounterRng(ulong seed)
{
    internal const ulong Gamma = 0x9E3779B97F4A7C15UL;
    private readonly ulong _key = Mix(seed + Gamma);

    /// <summary>64 random bits for counter <paramref name="i"/>.</summary>
    public ulong Bits(ulong i) => Mix(_key + ((i + 1) * Gamma));

    /// <summary>A double uniform in [0, 1) with 53 random bits: the top bits of <see cref="Bits"/> times 2⁻⁵³.</summary>
    public double Uniform(ulong i) => (Bits(i) >> 11) * (1.0 / (1UL << 53));

    /// <summary>The SplitMix64 finalizer (Steele, Lea and Flood 2014): a bijective avalanche mix of 64 bits.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
