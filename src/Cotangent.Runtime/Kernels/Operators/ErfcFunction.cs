using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

/// <summary>
/// erfc x = 1 − erf x without the cancellation of computing it that way: for x ≥ 1, e^{−x²}·P(x)/Q(x) (Cephes
/// ndtr.c: P/Q on [1, 8), R/S from 8 on), with e^{−x²} formed from x = m + f (m a multiple of 1/128, so m² is
/// exact) as e^{−m²}·e^{−(2m + f)f}, which keeps the relative error small where x² itself would round by x²·ε;
/// 1 − erf x below 1; and erfc(−x) = 2 − erfc(x). Scalar per lane: Math.Exp is the same on every call and thread.
/// </summary>
internal readonly struct ErfcFunction : IDoubleFunction
{
    // erfc on x ≥ 8: e^{−x²}·R(x)/S(x), S monic of degree 6.
    private static ReadOnlySpan<double> R => [5.64189583547755073984E-1, 1.27536670759978104416E0, 5.01905042251180477414E0,
        6.16021097993053585195E0, 7.40974269950448939160E0, 2.97886665372100240670E0];

    private static ReadOnlySpan<double> S => [2.26052863220117276590E0, 9.39603524938001434673E0, 1.20489539808096656605E1,
        1.70814450747565897222E1, 9.60896809063285878198E0, 3.36907645100081516050E0];

    public static double Invoke(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x);
        if (a < 1.0) return 1.0 - SpecialFunctions.Erf(x);
        double tail;
        if (a > 27.3) tail = 0; // e^{−x²} < 2^{−1074}·(…): erfc underflows to 0 (and +∞ lands here too)
        else
        {
            double m = Math.Floor((a * 128.0) + 0.5) / 128.0;
            double f = a - m;
            double e = Math.Exp(-(m * m)) * Math.Exp(-((2 * m) + f) * f);
            tail = a < 8.0
                ? e * Polynomial(a, SpecialFunctions.ErfcP) / Monic(a, SpecialFunctions.ErfcQ)
                : e * Polynomial(a, R) / Monic(a, S);
        }

        return x < 0 ? 2.0 - tail : tail;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x)
        => Vector256.Create(Invoke(x[0]), Invoke(x[1]), Invoke(x[2]), Invoke(x[3]));

    private static double Polynomial(double x, ReadOnlySpan<double> c)
    {
        double r = c[0];
        for (int i = 1; i < c.Length; i++) r = (r * x) + c[i];
        return r;
    }

    private static double Monic(double x, ReadOnlySpan<double> c)
    {
        double r = x + c[0];
        for (int i = 1; i < c.Length; i++) r = (r * x) + c[i];
        return r;
    }
}
