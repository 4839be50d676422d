namespace Cotangent.Runtime.Tests.Reference;

/// <summary>
/// High-precision double references for the functions the C runtime lacks (expm1, log1p, logistic, softplus), written
/// independently of the runtime's kernels: decimal series, or an exact TwoSum correction around Math.*.
/// </summary>
internal static class ReferenceFunctions
{
    /// <summary>eˣ − 1: the Taylor series in double below 10⁻³, in 28-digit decimal below 2, Math.Exp(x) − 1 beyond
    /// (no cancellation there: eˣ and eˣ − 1 share a binade, or eˣ is below half an ulp of 1).</summary>
    public static double Expm1(double x)
    {
        if (double.IsNaN(x) || x == 0) return x;
        double a = Math.Abs(x);
        if (a < 1e-3) return x + x * x * (0.5 + x * (1.0 / 6 + x * (1.0 / 24 + x * (1.0 / 120 + x / 720))));
        if (a >= 2) return Math.Exp(x) - 1;
        decimal d = x < 0 ? -ReferenceErf.ToDecimal(-x) : ReferenceErf.ToDecimal(x), term = d, sum = 0m;   // ToDecimal drops the sign
        for (int n = 2; n < 60 && term != 0; n++)
        {
            sum += term;
            term = term * d / n;
        }

        return (double)sum;
    }

    /// <summary>ln(1 + x) = ln u + e/u with u + e = 1 + x exactly (TwoSum), to first order in e/u ≤ 2⁻⁵³.</summary>
    public static double Log1p(double x)
    {
        if (double.IsNaN(x) || x < -1) return double.NaN;
        if (x == -1) return double.NegativeInfinity;
        if (double.IsPositiveInfinity(x)) return x;
        if (Math.Abs(x) < 1e-300) return x;
        double u = 1 + x;
        double bb = u - 1, e = (1 - (u - bb)) + (x - bb);
        return Math.Log(u) + e / u;
    }

    /// <summary>1/(1 + e⁻ˣ), as eˣ/(1 + eˣ) for negative x.</summary>
    public static double Logistic(double x)
    {
        if (x < 0)
        {
            double e = Math.Exp(x);
            return e / (1 + e);
        }

        return 1 / (1 + Math.Exp(-x));
    }

    /// <summary>log(1 + eˣ) = max(x, 0) + log1p(e^{−|x|}).</summary>
    public static double Softplus(double x) => double.IsNaN(x) ? x : Math.Max(x, 0) + Log1p(Math.Exp(-Math.Abs(x)));
}
