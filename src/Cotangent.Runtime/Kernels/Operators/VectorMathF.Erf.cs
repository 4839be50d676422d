using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

internal static partial class VectorMathF
{
    // 2/√π = ErfC0Hi + ErfC0Lo, so x·2/√π keeps its full value through the leading term.
    private const float ErfC0Hi = 1.128379225730896f;
    private const float ErfC0Lo = -5.8635382771399236e-08f;

    /// <summary>
    /// erf x. |x| &lt; 1: x·(2/√π + z·P(z)), z = x², P a degree-5 Chebyshev fit of (erf(x)/x − 2/√π)/z (relative error
    /// below 2⁻²⁶), with 2/√π split in two (the sum is below 1.13, so it rounds no coarser than the result). 1 ≤ |x| &lt; 4: 1 − e^{−x²}·G(|x| − 2.5), G a degree-10 Chebyshev fit of
    /// erfc(x)·e^{x²} on [1, 4] (its error, at most 0.4 ulp of the result, is scaled down by erfc ≤ 0.16); from 3.6 on
    /// the result rounds to ±1, and |x| is clamped at 4 (NaN passes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Erf(Vector256<float> x)
    {
        var a = Vector256.Abs(x);
        var one = Vector256<float>.One;
        var isSmall = Vector256.LessThan(a, one);
        var small = Vector256<float>.Zero;
        if (isSmall != Vector256<float>.Zero)
        {
            var z = x * x;
            var p = C(8.3797553088516e-05f) * z + C(-0.0008161986479535699f);
            p = p * z + C(0.0052045788615942f);
            p = p * z + C(-0.026861699298024178f);
            p = p * z + C(0.1128375381231308f);
            p = p * z + C(-0.37612637877464294f);
            small = x * (C(ErfC0Hi) + (C(ErfC0Lo) + z * p));
            if (isSmall == Vector256<float>.AllBitsSet) return small;
        }

        var ac = Vector256.Min(a, C(4f));
        var s = ac - C(2.5f);
        var g = C(1.6118907524287351e-06f) * s + C(-6.377862064255169e-06f);
        g = g * s + C(1.4689557247038465e-05f);
        g = g * s + C(-5.362729280022904e-05f);
        g = g * s + C(0.00021231356367934495f);
        g = g * s + C(-0.0007389278616756201f);
        g = g * s + C(0.0024665086530148983f);
        g = g * s + C(-0.007999388501048088f);
        g = g * s + C(0.024938056245446205f);
        g = g * s + C(-0.0743475928902626f);
        g = g * s + C(0.21080636978149414f);
        var large = Vector256.CopySign(one - Exp(-(ac * ac)) * g, x);
        return Vector256.ConditionalSelect(isSmall, small, large);
    }

    /// <summary>
    /// erfc x in f32. From |x| = 1.25 on, in f32 with fdlibm's single-precision rationals (s_erff.c): erfc a =
    /// e^{−a² − 0.5625 + R/S}/a, R/S in s = 1/a² (two pairs, split at 1/0.35), with a² = z² − (z − a)(z + a) for z = a with
    /// its low 13 bits cleared (11 significant bits), so the head −z² − 0.5625 is exact and head + tail becomes one
    /// exponential via an exact two-sum; a is clamped at 11 (erfc 11 rounds to 0, 2 − it to 2); erfc(−a) = 2 − erfc a.
    /// Below 1.25 the lanes are widened to the f64 <see cref="ErfcFunction"/> (skipped when no lane is there).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Erfc(Vector256<float> x)
    {
        var one = Vector256<float>.One;
        var a = Vector256.Abs(x);
        var result = Vector256<float>.Zero;

        var near = Vector256.LessThan(a, C(1.25f));
        if (near != Vector256<float>.Zero)
        {
            // Below 1.25 the rationals in f32 reach 2.1 ulps (the result is small against the terms near 0.84 and 1.25), so
            // these lanes are widened and take the f64 erfc, rounded once; the other lanes are zeroed so that its e^{−x²}
            // branch is skipped.
            var (lo, hi) = Vector256.Widen(Vector256.ConditionalSelect(near, x, Vector256<float>.Zero));
            result = Vector256.Narrow(ErfcFunction.Invoke(lo), ErfcFunction.Invoke(hi));
        }

        var far = Vector256.GreaterThanOrEqual(a, C(1.25f));
        if (far != Vector256<float>.Zero)
        {
            var ac = Vector256.Min(Vector256.Max(a, C(1.25f)), C(11f));
            var s = one / (ac * ac);
            var lowA = Vector256.LessThan(ac, C(2.857142686843872f));   // fdlibm's 1/0.35 split (word 0x4036DB6D)
            var rs = Vector256<float>.Zero;
            if (lowA != Vector256<float>.Zero)
            {
                // ln(a·erfc a) + a² + 0.5625 = R(s)/S(s) on [1.25, 1/0.35).
                var r = C(-9.8143291473e+00f) * s + C(-8.1287437439e+01f);
                r = r * s + C(-1.8460508728e+02f);
                r = r * s + C(-1.6239666748e+02f);
                r = r * s + C(-6.2375331879e+01f);
                r = r * s + C(-1.0558626175e+01f);
                r = r * s + C(-6.9385856390e-01f);
                r = r * s + C(-9.8649440333e-03f);
                var q = C(-6.0424413532e-02f) * s + C(6.5702495575e+00f);
                q = q * s + C(1.0863500214e+02f);
                q = q * s + C(4.2900814819e+02f);
                q = q * s + C(6.4538726807e+02f);
                q = q * s + C(4.3456588745e+02f);
                q = q * s + C(1.3765776062e+02f);
                q = q * s + C(1.9651271820e+01f);
                q = q * s + one;
                rs = r / q;
            }

            if ((lowA & far) != far)
            {
                // The same from 1/0.35 on.
                var r = C(-4.8351919556e+02f) * s + C(-1.0250950928e+03f);
                r = r * s + C(-6.3756646729e+02f);
                r = r * s + C(-1.6063638306e+02f);
                r = r * s + C(-1.7757955551e+01f);
                r = r * s + C(-7.9928326607e-01f);
                r = r * s + C(-9.8649431020e-03f);
                var q = C(-2.2440952301e+01f) * s + C(4.7452853394e+02f);
                q = q * s + C(2.5530502930e+03f);
                q = q * s + C(3.1998581543e+03f);
                q = q * s + C(1.5367296143e+03f);
                q = q * s + C(3.2579251099e+02f);
                q = q * s + C(3.0338060379e+01f);
                q = q * s + one;
                rs = Vector256.ConditionalSelect(lowA, rs, r / q);
            }

            // head = −z² − 0.5625 exact (z² has at most 22 bits and the sum at most 24), tail = (z − a)(z + a) + R/S;
            // Fast2Sum (|head| ≥ 2.1 > |tail|) gives the rounded sum and its exact error.
            var z = (ac.AsInt32() & Vector256.Create(unchecked((int)0xFFFFE000))).AsSingle();
            var head = -(z * z) - C(0.5625f);
            var tail = (z - ac) * (z + ac) + rs;
            var sum = head + tail;
            var err = tail - (sum - head);
            var e = Exp(sum, err) / ac;
            var signed = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), C(2f) - e, e);
            result = Vector256.ConditionalSelect(far, signed, result);
        }

        return Vector256.ConditionalSelect(Vector256.Equals(x, x), result, x);
    }
}
