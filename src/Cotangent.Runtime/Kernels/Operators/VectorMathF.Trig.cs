using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

internal static partial class VectorMathF
{
    /// <summary>Above this |x| (and for ±∞, NaN) sin, cos and tan lanes are evaluated in double (<see cref="VectorMath"/>) and rounded.</summary>
    internal const float TrigReductionLimit = 1024f;

    private const float TwoOverPi = 0.636619772367581343f;

    // π/2 = PiO2A + PiO2B + PiO2C + PiO2D to ~2⁻⁶⁹: the first three have 14 significant bits, so n·piece is exact for
    // n < 2¹⁰ (|x| ≤ 1024). The float closest to a multiple of π/2 below 2¹⁶ is 2⁻²⁷·⁸ away from it (at 252.898), so an
    // absolute error near 2⁻⁵⁸ keeps the reduced argument accurate to a small fraction of an ulp.
    private const float PiO2A = 1.5706787109375f;
    private const float PiO2B = 0.00011761486530303955f;
    private const float PiO2C = 9.920313459588215e-10f;
    private const float PiO2D = 6.223371969669989e-14f;

    // Cephes sinf/cosf/tanf minimax coefficients on [−π/4, π/4].
    private const float S1 = -1.6666654611e-1f, S2 = 8.3321608736e-3f, S3 = -1.9515295891e-4f;
    private const float C1 = 4.166664568298827e-2f, C2 = -1.388731625493765e-3f, C3 = 2.443315711809948e-5f;
    private const float T1 = 3.33331568548e-1f, T2 = 1.33387994085e-1f, T3 = 5.34112807005e-2f, T4 = 2.44301354525e-2f,
        T5 = 3.11992232697e-3f, T6 = 9.38540185543e-3f;

    /// <summary>sin x: reduction by π/2 in float-float up to 1024, double precision beyond (rare lanes only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sin(Vector256<float> x)
    {
        var (hi, lo, q) = ReducePiOver2(x);
        var odd = Vector256.Equals(q & Vector256.Create(1), Vector256.Create(1)).AsSingle();
        var y = Vector256.ConditionalSelect(odd, CosKernel(hi, lo), SinKernel(hi, lo));
        y = (y.AsInt32() ^ Vector256.ShiftLeft(q & Vector256.Create(2), 30)).AsSingle();   // quadrants 2 and 3 negate

        // sin x = x to f32 precision below 2⁻¹² (keeps −0 and subnormals exact).
        y = Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(x), C(2.4414062e-4f)), x, y);
        if (!Vector256.LessThanOrEqualAll(Vector256.Abs(x), C(TrigReductionLimit))) y = LargeArguments(x, y, 0);
        return y;
    }

    /// <summary>cos x; see <see cref="Sin"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Cos(Vector256<float> x)
    {
        var (hi, lo, q) = ReducePiOver2(x);
        var odd = Vector256.Equals(q & Vector256.Create(1), Vector256.Create(1)).AsSingle();
        var y = Vector256.ConditionalSelect(odd, SinKernel(hi, lo), CosKernel(hi, lo));
        y = (y.AsInt32() ^ Vector256.ShiftLeft((q + Vector256.Create(1)) & Vector256.Create(2), 30)).AsSingle();   // quadrants 1 and 2 negate
        if (!Vector256.LessThanOrEqualAll(Vector256.Abs(x), C(TrigReductionLimit))) y = LargeArguments(x, y, 1);
        return y;
    }

    /// <summary>tan x: tan r in even quadrants, −1/tan r in odd ones (Cephes tanf's kernel, with the reduction's tail).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tan(Vector256<float> x)
    {
        var (hi, lo, q) = ReducePiOver2(x);

        // tan(hi + lo) = t + lo·(1 + t²), t = hi + hi³·P(hi²).
        var z = hi * hi;
        var p = (((((C(T6) * z + C(T5)) * z + C(T4)) * z + C(T3)) * z + C(T2)) * z + C(T1)) * z * hi;
        var t0 = hi + p;
        var t = hi + (p + (lo + lo * t0 * t0));
        var odd = Vector256.Equals(q & Vector256.Create(1), Vector256.Create(1)).AsSingle();
        var y = Vector256.ConditionalSelect(odd, C(-1f) / t, t);

        // tan x = x to f32 precision below 2⁻¹² (keeps −0 and subnormals exact).
        y = Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(x), C(2.4414062e-4f)), x, y);
        if (!Vector256.LessThanOrEqualAll(Vector256.Abs(x), C(TrigReductionLimit))) y = LargeArguments(x, y, 2);
        return y;
    }

    /// <summary>Lanes with |x| above the reduction limit (or non-finite) through the double-precision vector functions,
    /// rounded once; the others keep y.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<float> LargeArguments(Vector256<float> x, Vector256<float> y, int function)
    {
        var (lo, hi) = Vector256.Widen(x);
        var r = function switch
        {
            0 => Vector256.Narrow(VectorMath.Sin(lo), VectorMath.Sin(hi)),
            1 => Vector256.Narrow(VectorMath.Cos(lo), VectorMath.Cos(hi)),
            _ => Vector256.Narrow(VectorMath.Tan(lo), VectorMath.Tan(hi)),
        };
        return Vector256.ConditionalSelect(Vector256.LessThanOrEqual(Vector256.Abs(x), C(TrigReductionLimit)), y, r);
    }

    /// <summary>
    /// x = n·π/2 + (hi + lo), |hi| ≲ π/4, n mod 4 per lane. x − n·A is exact (Sterbenz), the next two pieces are
    /// subtracted with exact error terms (TwoSum), so hi + lo carries the remainder to ~2⁻⁵⁸ absolute for |x| ≤ 1024.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Hi, Vector256<float> Lo, Vector256<int> Quadrant) ReducePiOver2(Vector256<float> x)
    {
        var t = x * C(TwoOverPi) + C(RoundMagic);
        var n = t - C(RoundMagic);
        var a = x - n * C(PiO2A);
        var (s1, e1) = TwoSum(a, -(n * C(PiO2B)));
        var (s2, e2) = TwoSum(s1, -(n * C(PiO2C)));
        var tail = (e1 + e2) - n * C(PiO2D);
        var hi = s2 + tail;
        var lo = (s2 - hi) + tail;
        return (hi, lo, t.AsInt32() & Vector256.Create(3));
    }

    /// <summary>s + e = a + b exactly (Knuth's TwoSum).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> S, Vector256<float> E) TwoSum(Vector256<float> a, Vector256<float> b)
    {
        var s = a + b;
        var bb = s - a;
        var e = (a - (s - bb)) + (b - bb);
        return (s, e);
    }

    /// <summary>sin(x + y) ≈ x + (x³·P(x²) + y) for |x| ≤ ~π/4 and a tail |y| ≪ ulp(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> SinKernel(Vector256<float> x, Vector256<float> y)
    {
        var z = x * x;
        var p = ((C(S3) * z + C(S2)) * z + C(S1)) * z * x;
        return x + (p + y);
    }

    /// <summary>cos(x + y) ≈ 1 − z/2 + z²·Q(z) − x·y, z = x², with the rounding error of 1 − z/2 recovered (as fdlibm).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> CosKernel(Vector256<float> x, Vector256<float> y)
    {
        var z = x * x;
        var r = ((C(C3) * z + C(C2)) * z + C(C1)) * z * z;
        var hz = C(0.5f) * z;
        var one = Vector256<float>.One;
        var w = one - hz;
        return w + (((one - w) - hz) + (r - x * y));
    }
}
