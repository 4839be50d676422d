using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static Cotangent.Runtime.SpecialFunctions;

namespace Cotangent.Runtime;

/// <summary>eˣ − 1: Cephes' rational form on |x| ≤ ½ (no cancellation near 0), eˣ − 1 outside, where it loses at most ~1 bit.</summary>
internal readonly struct Expm1Function : IDoubleFunction
{
    public static double Invoke(double x) => Expm1(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x)
    {
        var xx = x * x;
        var p = x * ((Vector256.Create(Ep0) * xx + Vector256.Create(Ep1)) * xx + Vector256.Create(Ep2));
        var q = ((Vector256.Create(Eq0) * xx + Vector256.Create(Eq1)) * xx + Vector256.Create(Eq2)) * xx + Vector256.Create(Eq3);
        var r = p / (q - p);
        var big = VectorMath.Exp(x) - Vector256<double>.One;
        // |x| ≤ ½ is false for NaN, so NaN takes the exp path and stays NaN; ±∞ give +∞ and −1 there.
        return Vector256.ConditionalSelect(Vector256.LessThanOrEqual(Vector256.Abs(x), Vector256.Create(0.5)), r + r, big);
    }
}

/// <summary>ln(1 + x): Cephes' rational form while 1 + x ∈ [1/√2, √2], the plain log of 1 + x (then exact enough) elsewhere.</summary>
internal readonly struct Log1pFunction : IDoubleFunction
{
    public static double Invoke(double x) => Log1p(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x)
    {
        var z = x + Vector256<double>.One;
        var xx = x * x;
        var p = (((((Vector256.Create(Lp0) * x + Vector256.Create(Lp1)) * x + Vector256.Create(Lp2)) * x + Vector256.Create(Lp3)) * x
            + Vector256.Create(Lp4)) * x + Vector256.Create(Lp5)) * x + Vector256.Create(Lp6);
        var q = (((((x + Vector256.Create(Lq1)) * x + Vector256.Create(Lq2)) * x + Vector256.Create(Lq3)) * x + Vector256.Create(Lq4)) * x
            + Vector256.Create(Lq5)) * x + Vector256.Create(Lq6);
        var near = x + (Vector256.Create(-0.5) * xx + x * (xx * p / q));
        var inside = Vector256.GreaterThanOrEqual(z, Vector256.Create(0.70710678118654752440))
            & Vector256.LessThanOrEqual(z, Vector256.Create(1.41421356237309504880));
        return Vector256.ConditionalSelect(inside, near, VectorMath.Log(z));
    }
}

/// <summary>
/// tanh x = sign(x)·t/(t + 2) with t = expm1(2|x|): accurate near 0 because expm1 is. |x| is clamped at 22, where
/// tanh already rounds to 1 in double, so t never overflows (NaN passes through the clamp).
/// </summary>
internal readonly struct TanhFunction : IDoubleFunction
{
    public static double Invoke(double x) => Math.Tanh(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x)
    {
        var a = Vector256.Min(Vector256.Abs(x), Vector256.Create(22.0));
        var t = Expm1Function.Invoke(a + a);
        return Vector256.CopySign(t / (t + Vector256.Create(2.0)), x);
    }
}

/// <summary>
/// sinh x = sign(x)·½(t + t/(t + 1)) with t = expm1(|x|): both terms are positive, so there is no cancellation near
/// 0. Above |x| = 700 eˣ nears overflow while sinh stays finite up to 710.4; such vectors (rare) go lane by lane
/// through Math.Sinh, which keeps the common path at one exponential.
/// </summary>
internal readonly struct SinhFunction : IDoubleFunction
{
    public static double Invoke(double x) => Math.Sinh(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x)
    {
        var a = Vector256.Abs(x);
        if (Vector256.GreaterThanAny(a, Vector256.Create(700.0))) return Lanes.Apply<SinhFunction>(x);
        var t = Expm1Function.Invoke(a);
        return Vector256.CopySign(Vector256.Create(0.5) * (t + t / (t + Vector256<double>.One)), x);
    }
}

/// <summary>cosh x = ½e^{|x|} + ½/e^{|x|}; vectors with a lane above 700 (near overflow) go lane by lane through Math.Cosh.</summary>
internal readonly struct CoshFunction : IDoubleFunction
{
    public static double Invoke(double x) => Math.Cosh(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x)
    {
        var a = Vector256.Abs(x);
        if (Vector256.GreaterThanAny(a, Vector256.Create(700.0))) return Lanes.Apply<CoshFunction>(x);
        var half = Vector256.Create(0.5);
        var e = VectorMath.Exp(a);
        return half * e + half / e;
    }
}

/// <summary>Lane-by-lane evaluation with the scalar function, for rare vectors outside a fast path's range.</summary>
internal static class Lanes
{
    public static Vector256<double> Apply<TFunction>(Vector256<double> x)
        where TFunction : struct, IDoubleFunction
        => Vector256.Create(TFunction.Invoke(x[0]), TFunction.Invoke(x[1]), TFunction.Invoke(x[2]), TFunction.Invoke(x[3]));
}

/// <summary>
/// erf x with the Cephes approximations of <see cref="SpecialFunctions.Erf"/>, both branches evaluated and blended:
/// x·T(x²)/U(x²) below 1, 1 − e^{−x²}P(|x|)/Q(|x|) on [1, 6) and exactly ±1 from 6 on (which also keeps the
/// degree-8 polynomials of huge |x| from producing ∞/∞ there).
/// </summary>
internal readonly struct ErfFunction : IDoubleFunction
{
    public static double Invoke(double x) => Erf(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x)
    {
        var a = Vector256.Abs(x);
        var one = Vector256<double>.One;
        var isSmall = Vector256.LessThan(a, one);
        var small = Vector256<double>.Zero;
        if (isSmall != Vector256<double>.Zero)
        {
            // x·T(x²)/U(x²), T of degree 4 and U monic of degree 5.
            var z = x * x;
            var t = (((C(ErfT[0]) * z + C(ErfT[1])) * z + C(ErfT[2])) * z + C(ErfT[3])) * z + C(ErfT[4]);
            var u = ((((z + C(ErfU[0])) * z + C(ErfU[1])) * z + C(ErfU[2])) * z + C(ErfU[3])) * z + C(ErfU[4]);
            small = x * t / u;
            if (isSmall == Vector256<double>.AllBitsSet) return small;
        }

        // 1 − e^{−x²}·P(|x|)/Q(|x|), P of degree 8 and Q monic of degree 8; exactly 1 from |x| = 6 on.
        var p = (((((((C(ErfcP[0]) * a + C(ErfcP[1])) * a + C(ErfcP[2])) * a + C(ErfcP[3])) * a + C(ErfcP[4])) * a
            + C(ErfcP[5])) * a + C(ErfcP[6])) * a + C(ErfcP[7])) * a + C(ErfcP[8]);
        var q = (((((((a + C(ErfcQ[0])) * a + C(ErfcQ[1])) * a + C(ErfcQ[2])) * a + C(ErfcQ[3])) * a + C(ErfcQ[4])) * a
            + C(ErfcQ[5])) * a + C(ErfcQ[6])) * a + C(ErfcQ[7]);
        var erfc = VectorMath.Exp(-(a * a)) * p / q;
        var large = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(a, Vector256.Create(6.0)), one, one - erfc);
        return Vector256.ConditionalSelect(isSmall, small, Vector256.CopySign(large, x));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> C(double c) => Vector256.Create(c);
}
