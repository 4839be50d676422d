namespace Cotangent.Runtime.Tests.Reference;

/// <summary>
/// An erf independent of the runtime's rational approximations: a positive-term series for |x| &lt; 2 and the
/// Laplace continued fraction for erfc beyond. Both are evaluated in double with an exact split of x².
/// </summary>
internal static class ReferenceErf
{
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x);
        double r = a < 2 ? Series(a) : a >= 7 ? 1.0 : 1.0 - ContinuedFractionErfc(a);
        return x < 0 ? -r : r;
    }

    /// <summary>e^{−x²} with x² = hi + lo split exactly by FMA, so the rounding of x² does not leak into the result.</summary>
    private static double ExpMinusSquare(double x)
    {
        double hi = x * x;
        double lo = Math.FusedMultiplyAdd(x, x, -hi);
        return Math.Exp(-hi) * (1 - lo);
    }

    /// <summary>erf x = 2/√π · e^{−x²} · Σₙ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)); all terms positive, so no cancellation.</summary>
    private static double Series(double x)
    {
        double term = x, sum = x;
        for (int n = 1; n < 500; n++)
        {
            term *= 2 * x * x / (2 * n + 1);
            sum += term;
            if (term < 1e-18 * sum) break;
        }

        return 2 / Math.Sqrt(Math.PI) * ExpMinusSquare(x) * sum;
    }

    /// <summary>erfc x = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated bottom-up.</summary>
    private static double ContinuedFractionErfc(double x)
    {
        double f = x;
        for (int k = 300; k >= 1; k--) f = x + k / 2.0 / f;
        return ExpMinusSquare(x) / (Math.Sqrt(Math.PI) * f);
    }
}
