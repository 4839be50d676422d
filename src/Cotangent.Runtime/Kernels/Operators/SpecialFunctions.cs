namespace Cotangent.Runtime;

/// <summary>
/// Scalar double-precision functions the BCL lacks or gets wrong near zero (double.ExpM1 and double.LogP1 are
/// computed naively as exp(x) − 1 and log(1 + x)). The rational approximations are S. L. Moshier's Cephes ones
/// (unity.c, ndtr.c), accurate to about 1e-16 relative on their intervals.
/// </summary>
internal static class SpecialFunctions
{
    // expm1 on |x| ≤ 1/2: e^x = 1 + 2x·P(x²) / (Q(x²) − x·P(x²)), so e^x − 1 = 2r with r = xP / (Q − xP).
    internal const double Ep0 = 1.2617719307481059087798E-4, Ep1 = 3.0299440770744196129956E-2, Ep2 = 9.9999999999999999991025E-1;
    internal const double Eq0 = 3.0019850513866445504159E-6, Eq1 = 2.5244834034968410419224E-3, Eq2 = 2.2726554820815502876593E-1, Eq3 = 2.0000000000000000000897E0;

    // log1p on 1/√2 ≤ 1 + x ≤ √2: log(1 + x) = x − x²/2 + x³·P(x)/Q(x), Q monic of degree 6.
    internal const double Lp0 = 4.5270000862445199635215E-5, Lp1 = 4.9854102823193375972212E-1, Lp2 = 6.5787325942061044846969E0,
        Lp3 = 2.9911919328553073277375E1, Lp4 = 6.0949667980987787057556E1, Lp5 = 5.7112963590585538103336E1, Lp6 = 2.0039553499201281259648E1;
    internal const double Lq1 = 1.5062909083469192043167E1, Lq2 = 8.3047565967967209469434E1, Lq3 = 2.2176239823732856465394E2,
        Lq4 = 3.0909872225312059774938E2, Lq5 = 2.1642788614495947685003E2, Lq6 = 6.0118660497603843919306E1;

    /// <summary>eˣ − 1 without cancellation near 0.</summary>
    public static double Expm1(double x)
    {
        if (!(Math.Abs(x) <= 0.5)) return double.IsNaN(x) ? x : Math.Exp(x) - 1.0;
        double xx = x * x;
        double r = x * ((Ep0 * xx + Ep1) * xx + Ep2);
        r /= (((Eq0 * xx + Eq1) * xx + Eq2) * xx + Eq3) - r;
        return r + r;
    }

    /// <summary>ln(1 + x) without cancellation near 0.</summary>
    public static double Log1p(double x)
    {
        double z = 1.0 + x;
        if (!(z >= Math.Sqrt(0.5) && z <= Math.Sqrt(2.0))) return Math.Log(z);
        double xx = x * x;
        double p = (((((Lp0 * x + Lp1) * x + Lp2) * x + Lp3) * x + Lp4) * x + Lp5) * x + Lp6;
        double q = (((((x + Lq1) * x + Lq2) * x + Lq3) * x + Lq4) * x + Lq5) * x + Lq6;
        return x + (-0.5 * xx + x * (xx * p / q));
    }

    // erf on |x| < 1: x·T(x²)/U(x²), U monic of degree 5.
    internal static ReadOnlySpan<double> ErfT => [9.60497373987051638749E0, 9.00260197203842689217E1, 2.23200534594684319226E3, 7.00332514112805075473E3, 5.55923013010394962768E4];
    internal static ReadOnlySpan<double> ErfU => [3.35617141647503099647E1, 5.21357949780152679795E2, 4.59432382970980127987E3, 2.26290000613890934246E4, 4.92673942608635921086E4];

    // erfc on 1 ≤ x < 8: e^{−x²}·P(x)/Q(x), Q monic (used below 6 only: from there erf rounds to ±1).
    internal static ReadOnlySpan<double> ErfcP => [2.46196981473530512524E-10, 5.64189564831068821977E-1, 7.46321056442269912687E0, 4.86371970985681366614E1,
        1.96520832956077098242E2, 5.26445194995477358631E2, 9.34528527171957607540E2, 1.02755188689515710272E3, 5.57535335369399327526E2];
    internal static ReadOnlySpan<double> ErfcQ => [1.32281951154744992508E1, 8.67072140885989742329E1, 3.54937778887819891062E2, 9.75708501743205489753E2,
        1.82390916687909736289E3, 2.24633760818710981792E3, 1.65666309194161350182E3, 5.57535340817727675546E2];

    /// <summary>The error function erf(x) = 2/√π ∫₀ˣ e^{−t²} dt, odd, accurate to a few ulps.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x);
        double r;
        if (a < 1.0)
        {
            double z = x * x;
            return x * Polynomial(z, ErfT) / MonicPolynomial(z, ErfU);
        }

        // erf = 1 − erfc; erfc(6) ≈ 2e-17 is below half an ulp of 1, so larger |x| give exactly ±1.
        if (a >= 6.0) r = 1.0;
        else r = 1.0 - Erfc(a);
        return x < 0 ? -r : r;
    }

    /// <summary>erfc(x) for 1 ≤ x &lt; 8.</summary>
    private static double Erfc(double x) => Math.Exp(-x * x) * Polynomial(x, ErfcP) / MonicPolynomial(x, ErfcQ);

    /// <summary>c[0]·xⁿ + … + c[n] by Horner's rule.</summary>
    private static double Polynomial(double x, ReadOnlySpan<double> c)
    {
        double r = c[0];
        for (int i = 1; i < c.Length; i++) r = r * x + c[i];
        return r;
    }

    /// <summary>xⁿ + c[0]·xⁿ⁻¹ + … + c[n−1] by Horner's rule.</summary>
    private static double MonicPolynomial(double x, ReadOnlySpan<double> c)
    {
        double r = x + c[0];
        for (int i = 1; i < c.Length; i++) r = r * x + c[i];
        return r;
    }
}
