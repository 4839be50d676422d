using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

/// <summary>
/// erfc x = 1 − erf x without the cancellation of computing it that way: 1 − erf x only below ½ (where erfc ≥ 0.48);
/// on [½, 1) the Taylor series of erfc about ¾ to degree 20 (truncation below 1e-19); for |x| ≥ 1, e^{−x²}·P(x)/Q(x)
/// (Cephes ndtr.c: P/Q on [1, 8), R/S from 8 on), with e^{−x²} = e^{−(H + L)} from x² = H + L split exactly (Dekker:
/// x = xh + xl with xh's low 27 bits cleared, so H = xh² and 2·xh·xl are exact), one exponential with L as its
/// argument's tail, which keeps the relative error small where x² itself would round by x²·ε; and
/// erfc(−x) = 2 − erfc(x) for x ≤ −1. Vectorized with <see cref="VectorMath.Exp(Vector256{double}, Vector256{double})"/>; the scalar form evaluates the vector
/// code on a broadcast value, and branches are skipped only when no lane needs them.
/// </summary>
internal readonly struct ErfcFunction : IDoubleFunction
{
    // erfc on x ≥ 8: e^{−x²}·R(x)/S(x), S monic of degree 6.
    private static ReadOnlySpan<double> R => [5.64189583547755073984E-1, 1.27536670759978104416E0, 5.01905042251180477414E0,
        6.16021097993053585195E0, 7.40974269950448939160E0, 2.97886665372100240670E0];

    private static ReadOnlySpan<double> S => [2.26052863220117276590E0, 9.39603524938001434673E0, 1.20489539808096656605E1,
        1.70814450747565897222E1, 9.60896809063285878198E0, 3.36907645100081516050E0];

    // erfc(¾ + h) = Σ Tₙhⁿ, Tₙ = erfc⁽ⁿ⁾(¾)/n! (computed to 50 digits and rounded), |h| ≤ ¼.
    private static ReadOnlySpan<double> T => [0.28884436634648486, -0.6429310691952074, 0.4821983018964055, -0.026788794549800304,
        -0.1506869693426267, 0.053242729167728105, 0.026872509532768433, -0.018435235177909452, -0.0023017883040209273,
        0.00396826044637477, -0.00018603225735249506, -0.0006239836743132585, 0.00010618466494862627, 7.57456209347206e-05,
        -2.2117975642824626e-05, -7.166231694301993e-06, 3.252264713003685e-06, 5.034286680771006e-07, -3.820585027845882e-07,
        -1.988595070010976e-08, 3.7686462355785005e-08];

    public static double Invoke(double x) => Invoke(Vector256.Create(x)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x)
    {
        var one = Vector256<double>.One;
        var a = Vector256.Abs(x);
        var result = one - ErfFunction.Invoke(x);

        var mid = Vector256.GreaterThanOrEqual(x, C(0.5)) & Vector256.LessThan(x, one);
        if (mid != Vector256<double>.Zero)
        {
            var h = x - C(0.75);
            var t = C(T[20]);
            for (int i = 19; i >= 0; i--) t = t * h + C(T[i]);
            result = Vector256.ConditionalSelect(mid, t, result);
        }

        var far = Vector256.GreaterThanOrEqual(a, one);
        if (far != Vector256<double>.Zero)
        {
            // x² = H + L: H = xh² exact, L = 2·xh·xl + xl² (the first term exact). a is clamped so that the far lanes
            // stay finite (erfc is 0 beyond 27.3).
            var ac = Vector256.Min(a, C(28.0));
            var xh = (ac.AsInt64() & Vector256.Create(unchecked((long)0xFFFFFFFFF8000000UL))).AsDouble();
            var xl = ac - xh;
            var e = VectorMath.Exp(-(xh * xh), -((xh + xh) * xl + xl * xl));
            var ratio = Vector256<double>.Zero;
            var below8 = Vector256.LessThan(ac, C(8.0));
            if (below8 != Vector256<double>.Zero) ratio = Polynomial(ac, SpecialFunctions.ErfcP) / Monic(ac, SpecialFunctions.ErfcQ);
            if (below8 != Vector256<double>.AllBitsSet)
                ratio = Vector256.ConditionalSelect(below8, ratio, Polynomial(ac, R) / Monic(ac, S));
            var tail = Vector256.ConditionalSelect(Vector256.GreaterThan(a, C(27.3)), Vector256<double>.Zero, e * ratio);
            var signed = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<double>.Zero), C(2.0) - tail, tail);
            result = Vector256.ConditionalSelect(far, signed, result);
        }

        return result;
    }

    /// <summary>c[0]·xⁿ + … + c[n] by Horner's rule.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Polynomial(Vector256<double> x, ReadOnlySpan<double> c)
    {
        var r = C(c[0]);
        for (int i = 1; i < c.Length; i++) r = r * x + C(c[i]);
        return r;
    }

    /// <summary>xⁿ + c[0]·xⁿ⁻¹ + … + c[n−1] by Horner's rule.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Monic(Vector256<double> x, ReadOnlySpan<double> c)
    {
        var r = x + C(c[0]);
        for (int i = 1; i < c.Length; i++) r = r * x + C(c[i]);
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> C(double c) => Vector256.Create(c);
}
