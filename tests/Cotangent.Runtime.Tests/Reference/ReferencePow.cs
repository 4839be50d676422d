namespace Cotangent.Runtime.Tests.Reference;

/// <summary>
/// xʸ for finite x ≠ 0 and finite y with a normal result, in 28-digit decimal arithmetic, independent of the runtime.
/// |x| = 2ᵏ·(1 + f) (k = 0 and f = x − 1 exactly for |x − 1| &lt; ½, otherwise 1 + f ∈ [1, 2)), ln(1 + f) = f·R with
/// R = 2/(2 + f)·Σ s²ʲ/(2j + 1), s = f/(2 + f), all of order 1 in decimal; y·f exactly as a double pair (FMA, reference
/// only), so z = y·k·ln 2 + y·f·R keeps ~27 digits even for x near 1 and huge y. eᶻ = 2ⁿ·eʳ with |r| ≤ ln2/2 by its Taylor
/// series, eʳ scaled into [2⁵², 2⁵³) and rounded to an integer once: the correctly rounded result up to the decimal's
/// ~10⁻²⁶ relative error. NaN where the result is not a normal number (or |y·(x − 1)| is implausibly large).
/// </summary>
internal static class ReferencePow
{
    private const decimal Ln2 = 0.6931471805599453094172321215m;

    public static double Pow(double x, double y)
    {
        if (!double.IsFinite(x) || !double.IsFinite(y) || x == 0) return double.NaN;
        bool negate = false;
        if (x < 0)
        {
            if (Math.Round(y) != y) return double.NaN;
            negate = Math.Abs(y) < 9007199254740992.0 && Math.Abs(y % 2) == 1;
            x = -x;
        }

        int k = 0;
        double f = x - 1;
        if (Math.Abs(f) >= 0.5)
        {
            k = Math.ILogB(x);
            f = Math.ScaleB(x, -k) - 1;
        }

        decimal fd = f < 0 ? -ReferenceErf.ToDecimal(-f) : ReferenceErf.ToDecimal(f);
        decimal s = fd / (2 + fd), s2 = s * s, term = 1m, sum = 0m;
        for (int j = 0; j < 80 && term != 0; j++)
        {
            sum += term / (2 * j + 1);
            term *= s2;
        }

        decimal r2 = 2 / (2 + fd) * sum;   // ln(1 + f)/f
        double yfHi = y * f, yfLo = Math.FusedMultiplyAdd(y, f, -yfHi);
        if (Math.Abs(yfHi) > 1e6 || (k != 0 && Math.Abs(y) > 1e6)) return double.NaN;
        decimal z = (Dec(yfHi) + Dec(yfLo)) * r2;
        if (k != 0) z += Dec(y) * (k * Ln2);
        if (Math.Abs(z) > 720) return double.NaN;

        int n = (int)Math.Round(z / Ln2);
        decimal r = z - n * Ln2, e = 1m, t = 1m;
        for (int i = 1; i < 40 && t != 0; i++)
        {
            t = t * r / i;
            e += t;
        }

        if (e < 1)
        {
            e *= 2;
            n--;
        }

        if (n < -1022 || n > 1023) return double.NaN;
        decimal mant = Math.Round(e * 4503599627370496m, MidpointRounding.ToEven);   // e·2⁵²
        double result = Math.ScaleB((double)(long)mant, n - 52);
        return double.IsInfinity(result) ? double.NaN : negate ? -result : result;
    }

    private static decimal Dec(double v) => v < 0 ? -ReferenceErf.ToDecimal(-v) : ReferenceErf.ToDecimal(v);
}
