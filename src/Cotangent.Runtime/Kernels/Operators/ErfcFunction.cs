using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

/// <summary>
/// erfc x with fdlibm's rational approximations (s_erf.c, each within 2⁻⁵⁷ of its target), piecewise on a = |x|:
/// <list type="bullet">
/// <item>a &lt; 0.84375: erf x = x + x·P(x²)/Q(x²), erfc x = 1 − (x + x·y) for x &lt; ¼ and ½ − (x·y + (x − ½)) above
/// (no cancellation: erfc ≥ 0.23 there);</item>
/// <item>0.84375 ≤ a &lt; 1.25: erf(1 + s) = erx + P(s)/Q(s) with erx = erf(1) rounded to 24 bits, so 1 − erx is exact;</item>
/// <item>1.25 ≤ a &lt; 28: erfc a = e^{−a² − 0.5625 + R(1/a²)/S(1/a²)}/a (R/S on [1.25, 1/0.35) and [1/0.35, 28)), with
/// a² = z² − (z − a)(z + a) for z = a with its low 32 bits cleared: z² + 0.5625 is exact (≤ 42 significant bits), so the
/// exponent is an exact head plus a small tail, joined by an exact two-sum into one call of
/// <see cref="VectorMath.Exp(Vector256{double}, Vector256{double})"/>; erfc(−a) = 2 − erfc a; a ≥ 28 gives 0 or 2.</item>
/// </list>
/// The scalar form evaluates the vector code on a broadcast value, and branches are skipped only when no lane needs them.
/// </summary>
internal readonly struct ErfcFunction : IDoubleFunction
{
    // erfc near 0: (erf(x) − x)/x = P(z)/Q(z), z = x²; highest degree first, Q with constant term 1.
    private static ReadOnlySpan<double> Pp => [-2.37630166566501626084e-05, -5.77027029648944159157e-03, -2.84817495755985104766e-02,
        -3.25042107247001499370e-01, 1.28379167095512558561e-01];

    private static ReadOnlySpan<double> Qq => [-3.96022827877536812320e-06, 1.32494738004321644526e-04, 5.08130628187576562776e-03,
        6.50222499887672944485e-02, 3.97917223959155352819e-01, 1.0];

    // erf(1 + s) − erx = P(s)/Q(s) on [0.84375, 1.25].
    private const double Erx = 8.45062911510467529297e-01;

    private static ReadOnlySpan<double> Pa => [-2.16637559486879084300e-03, 3.54783043256182359371e-02, -1.10894694282396677476e-01,
        3.18346619901161753674e-01, -3.72207876035701323847e-01, 4.14856118683748331666e-01, -2.36211856075265944077e-03];

    private static ReadOnlySpan<double> Qa => [1.19844998467991074170e-02, 1.36370839120290507362e-02, 1.26171219808761642112e-01,
        7.18286544141962662868e-02, 5.40397917702171048937e-01, 1.06420880400844228286e-01, 1.0];

    // ln(a·erfc a) + a² + 0.5625 = R(s)/S(s), s = 1/a², on [1.25, 1/0.35).
    private static ReadOnlySpan<double> Ra => [-9.81432934416914548592e+00, -8.12874355063065934246e+01, -1.84605092906711035994e+02,
        -1.62396669462573470355e+02, -6.23753324503260060396e+01, -1.05586262253232909814e+01, -6.93858572707181764372e-01,
        -9.86494403484714822705e-03];

    private static ReadOnlySpan<double> Sa => [-6.04244152148580987438e-02, 6.57024977031928170135e+00, 1.08635005541779435134e+02,
        4.29008140027567833386e+02, 6.45387271733267880336e+02, 4.34565877475229228821e+02, 1.37657754143519042600e+02,
        1.96512716674392571292e+01, 1.0];

    // The same on [1/0.35, 28).
    private static ReadOnlySpan<double> Rb => [-4.83519191608651397019e+02, -1.02509513161107724954e+03, -6.37566443368389627722e+02,
        -1.60636384855821916062e+02, -1.77579549177547519889e+01, -7.99283237680523006574e-01, -9.86494292470009928597e-03];

    private static ReadOnlySpan<double> Sb => [-2.24409524465858183362e+01, 4.74528541206955367215e+02, 2.55305040643316442583e+03,
        3.19985821950859553908e+03, 1.53672958608443695994e+03, 3.25792512996573918826e+02, 3.03380607434824582924e+01, 1.0];

    /// <summary>fdlibm's split between the two R/S pairs: the double whose high word is 0x4006DB6D (just below 1/0.35).</summary>
    private const double RbFrom = 2.8571414947509766;

    public static double Invoke(double x) => Invoke(Vector256.Create(x)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x)
    {
        var one = Vector256<double>.One;
        var half = C(0.5);
        var a = Vector256.Abs(x);
        var result = Vector256<double>.Zero;

        var small = Vector256.LessThan(a, C(0.84375));
        if (small != Vector256<double>.Zero)
        {
            var z = x * x;
            var y = Polynomial(z, Pp) / Polynomial(z, Qq);
            var below = one - (x + x * y);
            var above = half - (x * y + (x - half));
            result = Vector256.ConditionalSelect(Vector256.LessThan(x, C(0.25)), below, above);
        }

        var mid = Vector256.GreaterThanOrEqual(a, C(0.84375)) & Vector256.LessThan(a, C(1.25));
        if (mid != Vector256<double>.Zero)
        {
            var s = a - one;
            var pq = Polynomial(s, Pa) / Polynomial(s, Qa);
            var r = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<double>.Zero), C(1.0 - Erx) - pq, one + (C(Erx) + pq));
            result = Vector256.ConditionalSelect(mid, r, result);
        }

        var far = Vector256.GreaterThanOrEqual(a, C(1.25));
        if (far != Vector256<double>.Zero)
        {
            // Clamped at 28 (erfc 28 rounds to 0, and 2 − it to 2), which also keeps ∞ finite; NaN lanes are restored below.
            var ac = Vector256.Min(Vector256.Max(a, C(1.25)), C(28.0));
            var s = one / (ac * ac);
            var lowA = Vector256.LessThan(ac, C(RbFrom));
            var rs = Vector256<double>.Zero;
            if (lowA != Vector256<double>.Zero) rs = Polynomial(s, Ra) / Polynomial(s, Sa);
            if ((lowA & far) != far) rs = Vector256.ConditionalSelect(lowA, rs, Polynomial(s, Rb) / Polynomial(s, Sb));

            // −a² − 0.5625 + R/S = head + tail: head = −z² − 0.5625 exact, tail = (z − a)(z + a) + R/S small (|·| &lt; 0.1);
            // Fast2Sum (|head| > |tail|) gives the rounded sum and its exact error.
            var z = (ac.AsInt64() & Vector256.Create(unchecked((long)0xFFFFFFFF00000000UL))).AsDouble();
            var head = -(z * z) - C(0.5625);
            var tail = (z - ac) * (z + ac) + rs;
            var sum = head + tail;
            var err = tail - (sum - head);
            var r = VectorMath.Exp(sum, err) / ac;
            var signed = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<double>.Zero), C(2.0) - r, r);
            result = Vector256.ConditionalSelect(far, signed, result);
        }

        return Vector256.ConditionalSelect(Vector256.Equals(x, x), result, x);
    }

    /// <summary>c[0]·xⁿ + … + c[n] by Horner's rule.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Polynomial(Vector256<double> x, ReadOnlySpan<double> c)
    {
        var r = C(c[0]);
        for (int i = 1; i < c.Length; i++) r = r * x + C(c[i]);
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> C(double c) => Vector256.Create(c);
}
