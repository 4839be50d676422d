using Cotangent.Runtime;

namespace Cotangent;

// Seeded, deterministic random tensors. They are constants: no operation is traced and nothing is
// differentiated through them. Element i depends only on (seed, i).
public static partial class Np
{
    /// <summary>Samples N(0, 1) elementwise (Box–Muller over a counter-based generator seeded by <paramref name="seed"/>).</summary>
    /// <exception cref="DTypeException">dtype is not a float.</exception>
    /// <exception cref="ShapeException">An extent is negative, or the tensor is too large to allocate.</exception>
    /// <example><code>
    /// var w = Np.RandomNormal(42, [64, 10]) * 0.1;              // the same values for the same seed, on every machine
    /// var seeds = Np.SplitSeed(42, 2);                          // independent seeds for several tensors
    /// </code></example>
    public static Tensor RandomNormal(ulong seed, int[] shape, DType dtype = DType.Float64)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var s = Shape.Of(shape);
        return Allocating("random_normal", s, dtype, (seed, dtype, s), static a => Kernels.RandomNormal(a.seed, a.dtype, a.s));
    }

    /// <summary>Samples N(μ, σ²) elementwise: μ + σ·N(0, 1).</summary>
    /// <exception cref="DTypeException">dtype is not a float.</exception>
    /// <exception cref="ShapeException">An extent is negative, or the tensor is too large to allocate.</exception>
    public static Tensor RandomNormal(ulong seed, int[] shape, double mean, double std, DType dtype = DType.Float64) =>
        Affine(RandomNormal(seed, shape, dtype), mean, std);

    /// <summary>Samples uniformly in [low, high) elementwise.</summary>
    /// <exception cref="DTypeException">dtype is not a float.</exception>
    /// <exception cref="ValueException">The bounds are not finite or low &gt; high.</exception>
    /// <exception cref="ShapeException">An extent is negative, or the tensor is too large to allocate.</exception>
    /// <example><code>
    /// var u = Np.RandomUniform(7, [3], -1, 1);                  // three values in [-1, 1)
    /// </code></example>
    public static Tensor RandomUniform(ulong seed, int[] shape, double low = 0, double high = 1, DType dtype = DType.Float64)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var s = Shape.Of(shape);
        return Allocating("random_uniform", s, dtype, (seed, dtype, s, low, high), static a => Kernels.RandomUniform(a.seed, a.dtype, a.s, a.low, a.high));
    }

    /// <summary>
    /// Samples int32 values uniformly from [low, high) as ⌊low + (high − low)·u⌋ with u uniform in [0, 1). Any
    /// int32 bounds work, including the full range [int.MinValue, int.MaxValue).
    /// </summary>
    /// <exception cref="ValueException">low ≥ high.</exception>
    /// <exception cref="ShapeException">An extent is negative, or the tensor is too large to allocate.</exception>
    public static Tensor RandomInt(ulong seed, int[] shape, int low, int high)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (low >= high) throw new ValueException($"random_int: needs low < high, got [{low}, {high}).");
        var s = Shape.Of(shape);
        return Allocating("random_int", s, DType.Int32, (seed, s, low, high), static a =>
        {
            var u = Kernels.RandomUniform(a.seed, DType.Float64, a.s, 0, 1).ReadOnlySpan<double>();
            // The width can be up to 2³² − 1, which overflows int; in double it is exact, and u's 53 bits keep
            // every one of up to 2³² outcomes equally likely to within 2⁻²¹ relative.
            double width = (double)((long)a.high - a.low);
            var data = new int[u.Length];
            for (int i = 0; i < data.Length; i++) data[i] = (int)Math.Min(a.high - 1L, Math.Floor(a.low + (width * u[i])));
            return NDArray.Wrap(data, a.s);
        });
    }

    /// <summary>A random permutation of 0 … n−1 (int32), by a Fisher–Yates shuffle driven by the seeded generator.</summary>
    /// <exception cref="ShapeException">n is negative.</exception>
    public static Tensor RandomPermutation(ulong seed, int n)
    {
        var u = Kernels.RandomUniform(seed, DType.Float64, Shape.Of(n), 0, 1).ReadOnlySpan<double>();
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)Math.Min(i, Math.Floor(u[i] * (i + 1)));
            (p[i], p[j]) = (p[j], p[i]);
        }

        return new Tensor(NDArray.Wrap(p, Shape.Of(n)));
    }

    /// <summary>Derives <paramref name="count"/> independent seeds from <paramref name="seed"/> (a SplitMix64 step per child), like splitting a JAX key.</summary>
    /// <exception cref="ValueException">count is negative.</exception>
    public static ulong[] SplitSeed(ulong seed, int count)
    {
        if (count < 0) throw new ValueException($"split_seed: count {count} is negative.");
        var result = new ulong[count];
        for (int i = 0; i < count; i++)
        {
            ulong z = seed + (0x9E3779B97F4A7C15UL * (ulong)(i + 1));
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            result[i] = z ^ (z >> 31);
        }

        return result;
    }

    private static Tensor Affine(Tensor z, double mean, double std) =>
        Primitives.Lax.Add(Primitives.Lax.Mul(z, W(std, z)), W(mean, z));
}
