using Cotangent.Runtime.Tests.Reference;

namespace Cotangent.Runtime.Tests;

/// <summary>Deterministic inputs and tolerance-aware comparisons for the kernel tests.</summary>
internal static class TestUtil
{
    /// <summary>Unit roundoff of each float type (half an ulp of 1).</summary>
    public const double Eps64 = 1.0 / (1L << 53), Eps32 = 1.0 / (1 << 24);

    /// <summary>Uniform values in [lo, hi) of the given dtype (i32: integers in [lo, hi); bool: fair coin).</summary>
    public static NDArray Uniform(Random rng, DType dtype, Shape shape, double lo = -1, double hi = 1)
    {
        var v = new double[shape.Size];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = dtype switch
            {
                DType.Int32 => Math.Floor(lo + (hi - lo) * rng.NextDouble()),
                DType.Bool => rng.Next(2),
                _ => lo + (hi - lo) * rng.NextDouble(),
            };
        }

        return Ref.Make(dtype, shape, v);
    }

    /// <summary>Log-uniform magnitudes in [lo, hi], with a random sign when <paramref name="signed"/>.</summary>
    public static double[] LogUniform(Random rng, int n, double lo, double hi, bool signed)
    {
        var v = new double[n];
        double a = Math.Log(lo), b = Math.Log(hi);
        for (int i = 0; i < n; i++)
        {
            double m = Math.Exp(a + (b - a) * rng.NextDouble());
            v[i] = signed && rng.Next(2) == 0 ? -m : m;
        }

        return v;
    }

    /// <summary>
    /// Asserts equal dtype, shape and values: |actual − expected| ≤ rel·scale + abs per element, where scale is |expected|
    /// (or <paramref name="scale"/> when given); NaN matches NaN and infinities must match exactly.
    /// </summary>
    public static void Close(NDArray expected, NDArray actual, double rel = 0, double abs = 0, double[]? scale = null, string context = "")
    {
        Assert.Equal(expected.DType, actual.DType);
        Assert.True(expected.Shape == actual.Shape, $"{context}: shape {actual.Shape}, expected {expected.Shape}");
        for (int i = 0; i < expected.Size; i++)
        {
            double e = expected.GetDouble(i), a = actual.GetDouble(i);
            if (double.IsNaN(e) && double.IsNaN(a)) continue;
            if (e == a) continue;
            double s = scale is null ? Math.Abs(e) : scale[i];
            double err = Math.Abs(a - e);
            if (!(err <= rel * s + abs))
                Assert.Fail($"{context}: element {i} of {actual.Shape}: got {a:R}, expected {e:R} (error {err:E3}, allowed {rel * s + abs:E3}).");
        }
    }

    /// <summary>Asserts bit-identical dtype, shape and elements.</summary>
    public static void Same(NDArray expected, NDArray actual, string context = "") => Close(expected, actual, 0, 0, null, context);

    public static Shape S(params int[] dims) => Shape.Of(dims);
}
