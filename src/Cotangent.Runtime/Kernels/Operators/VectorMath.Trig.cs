using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

internal static partial class VectorMath
{
    /// <summary>Above this |x| (and for ±∞) sin and cos go lane by lane through the C runtime's exact reduction.</summary>
    internal const double TrigReductionLimit = 1048576.0;

    private const double TwoOverPi = 0.63661977236758134308;
    private const double PiOver4 = 0.78539816339744830962;
    private const double PiOver2 = 1.57079632679489661923;

    /// <summary>Cephes' correction: π/2 − PiOver2 as a double (the bits of π/2 the rounded constant lacks).</summary>
    private const double MoreBits = 6.123233995736765886130E-17;

    // π/2 in four pieces (fdlibm's pio2_1, pio2_2, pio2_3, pio2_3t): the first three have 33 significant bits, so
    // n·piece is exact for |n| < 2²⁰; together they carry about 150 bits of π/2.
    private const double PiO2A = 1.57079632673412561417e+00; // 0x3FF921FB54400000
    private const double PiO2B = 6.07710050630396597660e-11; // 0x3DD0B4611A600000
    private const double PiO2C = 2.02226624871116645580e-21; // 0x3BA3198A2E000000
    private const double PiO2D = 8.47842766036889956997e-32; // 0x397B839A252049C1

    // fdlibm's __kernel_sin and __kernel_cos coefficients on [−π/4, π/4].
    private const double S1 = -1.66666666666666324348e-01; // 0xBFC5555555555549
    private const double S2 = 8.33333333332248946124e-03; // 0x3F8111111110F8A6
    private const double S3 = -1.98412698298579493134e-04; // 0xBF2A01A019C161D5
    private const double S4 = 2.75573137070700676789e-06; // 0x3EC71DE357B1FE7D
    private const double S5 = -2.50507602534068634195e-08; // 0xBE5AE5E68A2B9CEB
    private const double S6 = 1.58969099521155010221e-10; // 0x3DE5D93A5ACFD57C
    private const double C1 = 4.16666666666666019037e-02; // 0x3FA555555555554C
    private const double C2 = -1.38888888888741095749e-03; // 0xBF56C16C16C15177
    private const double C3 = 2.48015872894767294178e-05; // 0x3EFA01A019CB1590
    private const double C4 = -2.75573143513906633035e-07; // 0xBE927E4F809C52AD
    private const double C5 = 2.08757232129817482790e-09; // 0x3E21EE9EBDB4B1C4
    private const double C6 = -1.13596475577881948265e-11; // 0xBDA8FAE9BE8838D4

    /// <summary>sin r and cos r of the reduced argument, the mask of odd quadrants, and the quadrant (shared by sin, cos, tan).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> Sin, Vector256<double> Cos, Vector256<double> Odd, Vector256<long> Quadrant) Reduced(Vector256<double> x)
    {
        var (hi, lo, q) = ReducePiOver2(x);
        var odd = Vector256.Equals(q & Vector256.Create(1L), Vector256.Create(1L)).AsDouble();
        return (SinKernel(hi, lo), CosKernel(hi, lo), odd, q);
    }

    /// <summary>sin x: Cody–Waite reduction by π/2 in double-double up to 2²⁰, the C runtime beyond (rare vectors only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sin(Vector256<double> x)
    {
        var (s, c, odd, q) = Reduced(x);
        var y = Vector256.ConditionalSelect(odd, c, s);
        y = (y.AsInt64() ^ Vector256.ShiftLeft(q & Vector256.Create(2L), 62)).AsDouble();   // quadrants 2 and 3 negate

        // sin x = x to double precision below 2⁻²⁷ (this also keeps −0 and subnormals exact).
        y = Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(x), C(7.450580596923828e-9)), x, y);
        if (Vector256.GreaterThanAny(Vector256.Abs(x), C(TrigReductionLimit))) y = HugeArguments(x, y, 0);
        return y;
    }

    /// <summary>cos x; see <see cref="Sin"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Cos(Vector256<double> x)
    {
        var (s, c, odd, q) = Reduced(x);
        var y = Vector256.ConditionalSelect(odd, s, c);
        y = (y.AsInt64() ^ Vector256.ShiftLeft((q + Vector256.Create(1L)) & Vector256.Create(2L), 62)).AsDouble();   // quadrants 1 and 2 negate
        if (Vector256.GreaterThanAny(Vector256.Abs(x), C(TrigReductionLimit))) y = HugeArguments(x, y, 1);
        return y;
    }

    /// <summary>tan x = sin r/cos r in even quadrants and −cos r/sin r in odd ones, r = hi + lo the reduced argument.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Tan(Vector256<double> x)
    {
        var (s, c, odd, q) = Reduced(x);
        var y = Vector256.ConditionalSelect(odd, -c, s) / Vector256.ConditionalSelect(odd, s, c);

        // tan x = x to double precision below 2⁻²⁷ (this also keeps −0 and subnormals exact).
        y = Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(x), C(7.450580596923828e-9)), x, y);
        if (Vector256.GreaterThanAny(Vector256.Abs(x), C(TrigReductionLimit))) y = HugeArguments(x, y, 2);
        return y;
    }

    /// <summary>Lanes with |x| above the reduction limit (or ±∞) through Math.Sin/Cos/Tan (function 0/1/2); the others keep y.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<double> HugeArguments(Vector256<double> x, Vector256<double> y, int function)
    {
        Span<double> lanes = stackalloc double[4];
        for (int i = 0; i < 4; i++)
        {
            double v = x.GetElement(i);
            lanes[i] = Math.Abs(v) <= TrigReductionLimit ? y.GetElement(i) : function switch { 0 => Math.Sin(v), 1 => Math.Cos(v), _ => Math.Tan(v) };
        }

        return Vector256.Create(lanes[0], lanes[1], lanes[2], lanes[3]);
    }

    /// <summary>
    /// x = n·π/2 + (hi + lo), |hi| ≲ π/4, n mod 4 returned as an integer per lane. x − n·A is exact (Sterbenz), the
    /// next two pieces are subtracted with exact error terms (TwoSum), so hi + lo carries the remainder to ~2⁻¹⁰⁰
    /// absolute: enough for full relative accuracy even at the doubles closest to a multiple of π/2 below 2²⁰.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> Hi, Vector256<double> Lo, Vector256<long> Quadrant) ReducePiOver2(Vector256<double> x)
    {
        var t = x * C(TwoOverPi) + C(RoundMagic);
        var n = t - C(RoundMagic);
        var a = x - n * C(PiO2A);
        var (s1, e1) = TwoSum(a, -(n * C(PiO2B)));
        var (s2, e2) = TwoSum(s1, -(n * C(PiO2C)));
        var tail = (e1 + e2) - n * C(PiO2D);
        var hi = s2 + tail;
        var lo = (s2 - hi) + tail;
        return (hi, lo, t.AsInt64() & Vector256.Create(3L));
    }

    /// <summary>s + e = a + b exactly (Knuth's TwoSum; no ordering condition on a and b).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> S, Vector256<double> E) TwoSum(Vector256<double> a, Vector256<double> b)
    {
        var s = a + b;
        var bb = s - a;
        var e = (a - (s - bb)) + (b - bb);
        return (s, e);
    }

    /// <summary>sin(x + y) for |x| ≤ ~π/4 and a tail |y| ≪ ulp(x) (fdlibm's __kernel_sin with iy = 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> SinKernel(Vector256<double> x, Vector256<double> y)
    {
        var z = x * x;
        var v = z * x;
        var r = C(S2) + z * (C(S3) + z * (C(S4) + z * (C(S5) + z * C(S6))));
        return x - ((z * (C(0.5) * y - v * r) - y) - v * C(S1));
    }

    /// <summary>cos(x + y) for |x| ≤ ~π/4 (fdlibm's __kernel_cos as in musl): 1 − z/2 is formed with its rounding error recovered.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> CosKernel(Vector256<double> x, Vector256<double> y)
    {
        var z = x * x;
        var w = z * z;
        var r = z * (C(C1) + z * (C(C2) + z * C(C3))) + w * w * (C(C4) + z * (C(C5) + z * C(C6)));
        var hz = C(0.5) * z;
        var one = Vector256<double>.One;
        w = one - hz;
        return w + (((one - w) - hz) + (z * r - x * y));
    }

    // Cephes asin.c: x + x³·P(x²)/Q(x²) for |x| ≤ 0.625; π/2 − √(2z)(1 + z·R(z)/S(z)), z = 1 − |x|, above.
    private const double AsinP0 = 4.253011369004428248960E-3, AsinP1 = -6.019598008014123785661E-1, AsinP2 = 5.444622390564711410273E0,
        AsinP3 = -1.626247967210700244449E1, AsinP4 = 1.956261983317594739197E1, AsinP5 = -8.198089802484824371615E0;
    private const double AsinQ1 = -1.474091372988853791896E1, AsinQ2 = 7.049610280856842141659E1, AsinQ3 = -1.471791292232726029859E2,
        AsinQ4 = 1.395105614657485689735E2, AsinQ5 = -4.918853881490881290097E1;
    private const double AsinR0 = 2.967721961301243206100E-3, AsinR1 = -5.634242780008963776856E-1, AsinR2 = 6.968710824104713396794E0,
        AsinR3 = -2.556901049652824852289E1, AsinR4 = 2.853665548261061424989E1;
    private const double AsinS1 = -2.194779531642920639778E1, AsinS2 = 1.470656354026814941758E2, AsinS3 = -3.838770957603691357202E2,
        AsinS4 = 3.424398657913078477438E2;

    /// <summary>arcsin x (Cephes): both branches' rationals are evaluated and blended, with one division. |x| &gt; 1 gives NaN (√ of a negative).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Asin(Vector256<double> x)
    {
        var a = Vector256.Abs(x);
        var big = Vector256.GreaterThan(a, C(0.625));
        var zb = Vector256<double>.One - a;
        var zs = a * a;
        var t = Vector256.ConditionalSelect(big, zb, zs);

        var p = ((((C(AsinP0) * t + C(AsinP1)) * t + C(AsinP2)) * t + C(AsinP3)) * t + C(AsinP4)) * t + C(AsinP5);
        var q = ((((t + C(AsinQ1)) * t + C(AsinQ2)) * t + C(AsinQ3)) * t + C(AsinQ4)) * t + C(AsinQ5);
        var r = (((C(AsinR0) * t + C(AsinR1)) * t + C(AsinR2)) * t + C(AsinR3)) * t + C(AsinR4);
        var s = (((t + C(AsinS1)) * t + C(AsinS2)) * t + C(AsinS3)) * t + C(AsinS4);
        var ratio = t * Vector256.ConditionalSelect(big, r, p) / Vector256.ConditionalSelect(big, s, q);

        // Small: a + a·ratio. Big: π/4 − (√(2z)·ratio − MoreBits − (π/4 − √(2z))), as in Cephes.
        var small = a * ratio + a;
        var sq = Vector256.Sqrt(zb + zb);
        var large = (C(PiOver4) - sq) - (sq * ratio - C(MoreBits)) + C(PiOver4);
        return Vector256.CopySign(Vector256.ConditionalSelect(big, large, small), x);
    }

    /// <summary>arccos x (Cephes): 2·asin(√((1 − x)/2)) above ½, π/2 − asin x (with the π/2 tail) otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Acos(Vector256<double> x)
    {
        var upper = Vector256.GreaterThan(x, C(0.5));
        var a = Asin(Vector256.ConditionalSelect(upper, Vector256.Sqrt(C(0.5) - C(0.5) * x), x));
        var lower = ((C(PiOver4) - a) + C(MoreBits)) + C(PiOver4);
        return Vector256.ConditionalSelect(upper, a + a, lower);
    }

    // Cephes atan.c: x + x³·P(x²)/Q(x²) on [0, 0.66] after reducing by tan(π/4) or tan(π/2).
    private const double AtanP0 = -8.750608600031904122785E-1, AtanP1 = -1.615753718733365076637E1, AtanP2 = -7.500855792314704667340E1,
        AtanP3 = -1.228866684490136173410E2, AtanP4 = -6.485021904942025371773E1;
    private const double AtanQ1 = 2.485846490142306297962E1, AtanQ2 = 1.650270098316988542046E2, AtanQ3 = 4.328810604912902668951E2,
        AtanQ4 = 4.853903996359136964868E2, AtanQ5 = 1.945506571482613964425E2;
    private const double Tan3PiOver8 = 2.41421356237309504880;

    /// <summary>arctan x (Cephes): |x| &gt; tan(3π/8) → π/2 + atan(−1/|x|), |x| &gt; 0.66 → π/4 + atan((|x| − 1)/(|x| + 1)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Atan(Vector256<double> x)
    {
        var a = Vector256.Abs(x);
        var big = Vector256.GreaterThan(a, C(Tan3PiOver8));
        var mid = Vector256.GreaterThan(a, C(0.66));
        var one = Vector256<double>.One;
        var num = Vector256.ConditionalSelect(big, -one, Vector256.ConditionalSelect(mid, a - one, a));
        var den = Vector256.ConditionalSelect(big, a, Vector256.ConditionalSelect(mid, a + one, one));
        var offset = Vector256.ConditionalSelect(big, C(PiOver2), Vector256.ConditionalSelect(mid, C(PiOver4), Vector256<double>.Zero));
        var tail = Vector256.ConditionalSelect(big, C(MoreBits), Vector256.ConditionalSelect(mid, C(0.5 * MoreBits), Vector256<double>.Zero));

        var xr = num / den;
        var z = xr * xr;
        var p = (((C(AtanP0) * z + C(AtanP1)) * z + C(AtanP2)) * z + C(AtanP3)) * z + C(AtanP4);
        var q = ((((z + C(AtanQ1)) * z + C(AtanQ2)) * z + C(AtanQ3)) * z + C(AtanQ4)) * z + C(AtanQ5);
        var y = offset + ((xr * (z * p / q) + xr) + tail);
        return Vector256.CopySign(y, x);
    }
}
