namespace Cotangent.Workloads.Tests;

/// <summary>Strictly relative difference, for comparing two computations of the same values (Jit against eager).</summary>
internal static class Relative
{
    /// <summary>The largest |x − y| / max(|x|, |y|) over paired entries (0 where both are 0).</summary>
    public static double Max(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        Assert.Equal(x.Length, y.Length);
        double max = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double scale = Math.Max(Math.Abs(x[i]), Math.Abs(y[i]));
            if (x[i] != y[i]) max = Math.Max(max, Math.Abs(x[i] - y[i]) / scale);
        }
        return max;
    }
}
