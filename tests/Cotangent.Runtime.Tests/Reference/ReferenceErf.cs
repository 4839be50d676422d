namespace Cotangent.Runtime.Tests.Reference;

/// <summary>
/// An erf independent of the runtime's rational approximations: the Maclaurin series summed in 28-digit decimal
/// arithmetic for |x| &lt; 3 (its cancellation costs about two digits there, leaving ~10 more than double needs) and
/// the Laplace continued fraction for erfc beyond, where erfc &lt; 2.3e-5 so its double rounding is invisible in erf.
/// </summary>
internal static class ReferenceErf
{
    internal const decimal TwoOverSqrtPi = 1.1283791670955125738961589031m;

    public static double Erf(double x)
    {
        if (double.IsNaN(x) || x == 0) return x;   // erf is odd: erf(−0) = −0
        double a = Math.Abs(x);
        // Below 1e-10, erf x = (2/√π)·x·(1 − x²/3 + …) is (2/√π)·x to double precision (and decimal would underflow).
        double r = a < 1e-10 ? (double)TwoOverSqrtPi * a : a < 3 ? (double)Series(ToDecimal(a)) : a >= 7 ? 1.0 : 1.0 - ContinuedFractionErfc(a);
        return x < 0 ? -r : r;
    }

    /// <summary>erfc x: 1 − the decimal series below 3 (erfc ≥ 2.2e-5 there, so ~20 digits survive the subtraction), the
    /// continued fraction from 3 on, and 2 − erfc(−x) for negative x.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x);
        double r = a < 3 ? (double)(1m - Series(ToDecimal(a))) : a > 27.5 ? 0.0 : ContinuedFractionErfc(a);
        return x < 0 ? 2.0 - r : r;
    }

    /// <summary>The double's value as a decimal to 28 significant digits (the built-in conversion keeps only 15).</summary>
    internal static decimal ToDecimal(double x)
    {
        if (x == 0) return 0m;
        long bits = BitConverter.DoubleToInt64Bits(x);
        int exp = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exp == 0) exp = 1;
        else mantissa |= 1L << 52;
        exp -= 1075; // x = mantissa · 2^exp
        decimal r = mantissa;
        for (; exp < 0; exp++) r /= 2;
        for (; exp > 0; exp--) r *= 2;
        return r;
    }

    /// <summary>erf x = 2/√π Σₙ (−1)ⁿ x^{2n+1} / (n!·(2n+1)).</summary>
    private static decimal Series(decimal x)
    {
        decimal x2 = x * x, power = x, sum = 0m;
        for (int n = 0; n < 200; n++)
        {
            decimal term = power / (2 * n + 1);
            sum += term;
            if (Math.Abs(term) < 1e-27m) break;
            power = -power * x2 / (n + 1);
        }

        return TwoOverSqrtPi * sum;
    }

    /// <summary>
    /// erfc x = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), the fraction evaluated bottom-up in decimal (28
    /// digits). e^{−x²} underflows decimal's range, so it is 2^{−k}·e^{−r} with x² = k·ln 2 + r, |r| ≤ ln 2 / 2: e^{−r}
    /// by its Taylor series in decimal, and the power of two applied to the one rounded double at the end.
    /// </summary>
    private static double ContinuedFractionErfc(double x)
    {
        decimal d = ToDecimal(x);
        decimal f = d;
        for (int k = 400; k >= 1; k--) f = d + (k / 2m / f);
        const decimal Ln2 = 0.6931471805599453094172321215m;
        const decimal InvSqrtPi = 0.5641895835477562869480794516m;
        decimal x2 = d * d;
        int n = (int)Math.Round(x2 / Ln2);
        decimal r = x2 - (n * Ln2);
        decimal term = 1m, sum = 1m;
        for (int i = 1; i < 40; i++)
        {
            term = -term * r / i;
            sum += term;
            if (Math.Abs(term) < 1e-28m) break;
        }

        return Math.ScaleB((double)(sum * InvSqrtPi / f), -n);
    }
}
