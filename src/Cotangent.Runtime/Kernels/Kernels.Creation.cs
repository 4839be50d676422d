using System.Numerics;

namespace Cotangent.Runtime;

public static partial class Kernels
{
    /// <summary>An array of the given shape whose value is the index along <paramref name="dimension"/>.</summary>
    /// <exception cref="AxisException">The dimension is out of range.</exception>
    /// <exception cref="DTypeException">dtype is bool.</exception>
    public static NDArray Iota(DType dtype, Shape shape, int dimension)
    {
        int a = shape.NormalizeAxis(dimension, "iota");
        if (dtype == DType.Bool) throw new DTypeException($"iota: needs a numeric dtype, got bool for shape {shape}.");
        var (outer, n, inner) = Split(shape, a);
        var result = NDArray.AllocateUninitialized(dtype, shape.Size);
        switch (dtype)
        {
            case DType.Float64: IotaTyped((double[])result, outer, n, inner); break;
            case DType.Float32: IotaTyped((float[])result, outer, n, inner); break;
            default: IotaTyped((int[])result, outer, n, inner); break;
        }

        return NDArray.Wrap(dtype, shape, result);
    }

    private static void IotaTyped<T>(T[] d, int outer, int n, int inner)
        where T : INumberBase<T>
    {
        for (int o = 0, p = 0; o < outer; o++)
            for (int k = 0; k < n; k++, p += inner)
                d.AsSpan(p, inner).Fill(T.CreateTruncating(k));
    }

    /// <summary>Samples uniformly in [low, high) from a deterministic generator seeded by <paramref name="seed"/>.</summary>
    /// <remarks>Element i depends only on (seed, i) through a counter-based SplitMix64 stream, so results do not depend on
    /// threading or on the shape beyond the flat index. When low = high every element is low.</remarks>
    /// <exception cref="DTypeException">dtype is not a float.</exception>
    /// <exception cref="ValueException">The bounds are not finite or low &gt; high.</exception>
    public static NDArray RandomUniform(ulong seed, DType dtype, Shape shape, double low, double high)
    {
        RequireFloat("random_uniform", dtype);
        if (!double.IsFinite(low) || !double.IsFinite(high) || low > high)
            throw new ValueException($"random_uniform: needs finite bounds with low ≤ high, got [{low}, {high}).");
        var result = NDArray.AllocateUninitialized(dtype, shape.Size);
        var rng = new CounterRng(seed);
        double width = high - low;
        if (dtype == DType.Float64)
        {
            var d = (double[])result;
            double top = low < high ? Math.BitDecrement(high) : low;
            for (int i = 0; i < d.Length; i++) d[i] = Math.Min(low + width * rng.Uniform((ulong)i), top);
        }
        else
        {
            var d = (float[])result;
            float lo = (float)low, hi = (float)high;
            float top = lo < hi ? MathF.BitDecrement(hi) : lo;
            for (int i = 0; i < d.Length; i++) d[i] = Math.Clamp((float)(low + width * rng.Uniform((ulong)i)), lo, top);
        }

        return NDArray.Wrap(dtype, shape, result);
    }

    /// <summary>Samples N(0, 1) from a deterministic generator seeded by <paramref name="seed"/>.</summary>
    /// <remarks>Box–Muller: elements 2k and 2k+1 are r·cos θ and r·sin θ with r = √(−2 ln u₁), θ = 2π u₂, where
    /// u₁ ∈ (0, 1] and u₂ ∈ [0, 1) come from counters 2k and 2k+1 of the same stream RandomUniform uses.</remarks>
    /// <exception cref="DTypeException">dtype is not a float.</exception>
    public static NDArray RandomNormal(ulong seed, DType dtype, Shape shape)
    {
        RequireFloat("random_normal", dtype);
        int n = shape.Size;
        var result = NDArray.AllocateUninitialized(dtype, n);
        var rng = new CounterRng(seed);
        var d64 = dtype == DType.Float64 ? (double[])result : null;
        var d32 = dtype == DType.Float32 ? (float[])result : null;
        for (int i = 0; i < n; i += 2)
        {
            double u1 = 1.0 - rng.Uniform((ulong)i);
            double u2 = rng.Uniform((ulong)i + 1);
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            var (s, c) = Math.SinCos(2.0 * Math.PI * u2);
            if (d64 is not null)
            {
                d64[i] = r * c;
                if (i + 1 < n) d64[i + 1] = r * s;
            }
            else
            {
                d32![i] = (float)(r * c);
                if (i + 1 < n) d32[i + 1] = (float)(r * s);
            }
        }

        return NDArray.Wrap(dtype, shape, result);
    }
}
