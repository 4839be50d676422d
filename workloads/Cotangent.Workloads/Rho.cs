namespace Cotangent.Workloads;

/// <summary>ADBench's difference measure: ρ(x, y) = |x − y| / max(1, |x| + |y|), absolute near 0 and relative elsewhere.</summary>
public static class Rho
{
    /// <summary>ρ(x, y).</summary>
    public static double Of(double x, double y) => Math.Abs(x - y) / Math.Max(1, Math.Abs(x) + Math.Abs(y));

    /// <summary>The largest ρ over paired entries.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static double Max(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException($"Lengths differ: {x.Length} and {y.Length}.", nameof(y));
        double max = 0;
        for (int i = 0; i < x.Length; i++) max = Math.Max(max, Of(x[i], y[i]));
        return max;
    }
}
