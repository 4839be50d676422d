using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static Cotangent.Runtime.SpecialFunctions;

namespace Cotangent.Runtime;

/// <summary>eˣ − 1 (<see cref="VectorMath.Expm1"/>).</summary>
internal readonly struct Expm1Function : IDoubleFunction
{
    public static double Invoke(double x) => VectorMath.Expm1(Vector256.Create(x)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x) => VectorMath.Expm1(x);
}

/// <summary>ln(1 + x): Cephes' rational form while 1 + x ∈ [1/√2, √2], the plain log of 1 + x (then exact enough) elsewhere.</summary>
internal readonly struct Log1pFunction : IDoubleFunction
{
    public static double Invoke(double x) => Invoke(Vector256.Create(x)).ToScalar();

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
/// tanh x = sign(x)·t/(t + 2) with t = expm1(2|x|): accurate near 0 because expm1 is. |x| is clamped at 22, where tanh
/// already rounds to 1 in double, so t stays below 2⁶⁴ (NaN lanes are restored at the end). The expm1 is the
/// special-case-free <see cref="VectorMath.Expm1Bounded(Vector256{double})"/> (Estrin's scheme: this loop is bound by its dependency
/// chain), and there is one division: the rounding error c of d = t + 2 is exact (Fast2Sum, larger operand first) and
/// folded back as t/(d + c) ≈ q − q·c/d with q = t/d, where c/d ≤ 2⁻⁵³ is needed only roughly, so 1/d comes from
/// <see cref="VectorMath.ApproxReciprocal(Vector256{double})"/> (an integer subtraction, within 12.5%) instead of a second division.
/// Measured worst error 1.96 ulps against a 200-bit reference (2.37 without the correction); 1.5–1.6× faster in a
/// plain loop than the former form (general expm1, Horner's scheme, two divisions).
/// </summary>
internal readonly struct TanhFunction : IWideDoubleFunction
{
    public static double Invoke(double x) => Invoke(Vector256.Create(x)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x)
    {
        // MinNative: the plain min instruction (Min's NaN and signed-zero handling costs six more); its NaN result
        // is platform-specific, hence the explicit NaN select at the end.
        var a = Vector256.MinNative(Vector256.Abs(x), Vector256.Create(22.0));
        var t = VectorMath.Expm1Bounded(a + a);
        var two = Vector256.Create(2.0);
        var d = t + two;
        var c = Vector256.MinNative(t, two) - (d - Vector256.MaxNative(t, two));
        var q = t / d;

        // q ≥ 0 (t ≥ 0), so OR-ing in x's sign bit is copysign; −0 stays −0.
        var y = (q - q * (c * VectorMath.ApproxReciprocal(d))) | (x & Vector256.Create(-0.0));
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x);
    }

    /// <summary>The same on eight lanes, operation for operation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x)
    {
        var a = Vector512.MinNative(Vector512.Abs(x), Vector512.Create(22.0));
        var t = VectorMath.Expm1Bounded(a + a);
        var two = Vector512.Create(2.0);
        var d = t + two;
        var c = Vector512.MinNative(t, two) - (d - Vector512.MaxNative(t, two));
        var q = t / d;
        var y = (q - q * (c * VectorMath.ApproxReciprocal(d))) | (x & Vector512.Create(-0.0));
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), y, x);
    }
}

/// <summary>
/// sinh x = sign(x)·½(t + t/(t + 1)) with t = expm1(|x|): both terms are positive, so there is no cancellation near
/// 0. Above |x| = 700 eˣ nears overflow while sinh stays finite up to 710.4; such lanes (rare) go through Math.Sinh,
/// which keeps the common path at one exponential.
/// </summary>
internal readonly struct SinhFunction : IDoubleFunction
{
    public static double Invoke(double x) => Invoke(Vector256.Create(x)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x)
    {
        var a = Vector256.Abs(x);
        var t = VectorMath.Expm1(a);
        var y = Vector256.CopySign(Vector256.Create(0.5) * (t + t / (t + Vector256<double>.One)), x);
        return Vector256.GreaterThanAny(a, Vector256.Create(700.0)) ? Lanes.Above(x, y, 700.0, static v => Math.Sinh(v)) : y;
    }
}

/// <summary>cosh x = ½e^{|x|} + ½/e^{|x|}; lanes above 700 (near overflow) go through Math.Cosh.</summary>
internal readonly struct CoshFunction : IDoubleFunction
{
    public static double Invoke(double x) => Invoke(Vector256.Create(x)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x)
    {
        var a = Vector256.Abs(x);
        var half = Vector256.Create(0.5);
        var e = VectorMath.Exp(a);
        var y = half * e + half / e;
        return Vector256.GreaterThanAny(a, Vector256.Create(700.0)) ? Lanes.Above(x, y, 700.0, static v => Math.Cosh(v)) : y;
    }
}

/// <summary>Per-lane fallbacks for rare lanes outside a fast path's range.</summary>
internal static class Lanes
{
    /// <summary>f(x) in the lanes with |x| above the limit, y elsewhere: a lane's result depends only on its own value.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Vector256<double> Above(Vector256<double> x, Vector256<double> y, double limit, Func<double, double> f)
    {
        Span<double> lanes = stackalloc double[4];
        for (int i = 0; i < 4; i++) lanes[i] = Math.Abs(x[i]) > limit ? f(x[i]) : y[i];
        return Vector256.Create<double>(lanes);
    }
}

/// <summary>
/// erf x with the Cephes approximations (ndtr.c), both branches evaluated and blended:
/// x·T(x²)/U(x²) below 1, 1 − e^{−x²}P(|x|)/Q(|x|) on [1, 6) and exactly ±1 from 6 on (which also keeps the
/// degree-8 polynomials of huge |x| from producing ∞/∞ there).
/// </summary>
internal readonly struct ErfFunction : IDoubleFunction
{
    public static double Invoke(double x) => Invoke(Vector256.Create(x)).ToScalar();

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

/// <summary>
/// softplus x = log(1 + eˣ) = max(x, 0) + log1p(e^{−|x|}): e^{−|x|} ≤ 1 never overflows, and very negative x keep full
/// relative accuracy (the result is e^{x} there). Not a primitive yet: for fused kernels and tests.
/// </summary>
internal readonly struct SoftplusFunction : IDoubleFunction
{
    public static double Invoke(double x) => Invoke(Vector256.Create(x)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x)
        => Vector256.Max(x, Vector256<double>.Zero) + Log1pFunction.Invoke(VectorMath.Exp(-Vector256.Abs(x)));
}
