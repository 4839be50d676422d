using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

/// <summary>
/// Deterministic double-precision elementary functions on four lanes, written with explicit operations only: every
/// product and sum is a separate IEEE operation (the .NET JIT never contracts <c>a * b + c</c> into an FMA), with no
/// <c>MultiplyAddEstimate</c> and no library routine that might use one. The built-in <c>Vector256.Exp</c>/<c>Log</c>/
/// <c>Sin</c>/<c>Cos</c> and TensorPrimitives use fused or unfused multiply-adds depending on the JIT tier, so their
/// results change by an ulp between the first calls and later ones; these do not. Everything is call-free and
/// inlined, except the rare per-lane fallbacks (huge sin/cos arguments), so the same per-vector math can be inlined
/// into fused loops later. Accuracy: within 2 ulps of the correctly rounded result (measured worst cases in the tests).
/// </summary>
internal static partial class VectorMath
{
    /// <summary>1.5·2⁵²: v + RoundMagic − RoundMagic rounds |v| &lt; 2⁵¹ to an integer (ties to even), and the integer
    /// sits in the low bits of the sum's representation.</summary>
    private const double RoundMagic = 6755399441055744.0;

    private const double Log2E = 1.4426950408889634074;

    // ln 2 split so that k·Ln2Hi is exact for |k| < 2²¹ (Ln2Hi has 21 trailing zero bits): fdlibm's ln2_hi/ln2_lo.
    private const double Ln2Hi = 6.93147180369123816490e-01; // 0x3FE62E42FEE00000
    private const double Ln2Lo = 1.90821492927058770002e-10; // 0x3DEA39EF35793C76

    // fdlibm's log kernel: log(1 + f) = f − f²/2 + s·(f²/2 + R(s²)), s = f / (2 + f).
    private const double Lg1 = 6.666666666666735130e-01; // 0x3FE5555555555593
    private const double Lg2 = 3.999999999940941908e-01; // 0x3FD999999997FA04
    private const double Lg3 = 2.857142874366239149e-01; // 0x3FD2492494229359
    private const double Lg4 = 2.222219843214978396e-01; // 0x3FCC71C51D8E78AF
    private const double Lg5 = 1.818357216161805012e-01; // 0x3FC7466496CB03DE
    private const double Lg6 = 1.531383769920937332e-01; // 0x3FC39A09D078C69F
    private const double Lg7 = 1.479819860511658591e-01; // 0x3FC2F112DF3E5244

    // 1/ln 2 and 1/ln 10 split into a 21-bit head and a tail, and log10(2) with a head exact for |k| < 2¹⁰ (musl's log2/log10).
    internal const double InvLn2Hi = 1.44269504072144627571e+00; // 0x3FF7154765200000
    internal const double InvLn2Lo = 1.67517131648865118353e-10; // 0x3DE705FC2EEFA200
    internal const double InvLn10Hi = 4.34294481878168880939e-01; // 0x3FDBCB7B15200000
    internal const double InvLn10Lo = 2.50829467116452752298e-11; // 0x3DBB9438CA9AADD5
    internal const double Log10Of2Hi = 3.01029995663611771306e-01; // 0x3FD34413509F6000
    internal const double Log10Of2Lo = 3.69423907715893078616e-13; // 0x3D59FEF311F12B36

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> C(double c) => Vector256.Create(c);

    /// <summary>eˣ. Overflow gives +∞, underflow rounds into the subnormals and then to +0, NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Exp(Vector256<double> x)
    {
        // Clamp so that k stays within ±2020 (enough to overflow or underflow the result); NaN lanes are restored below.
        var xc = Vector256.MinNative(Vector256.MaxNative(x, C(-1400.0)), C(1400.0));
        var k = xc * C(Log2E) + C(RoundMagic) - C(RoundMagic);

        // x = k·ln2 + r with |r| ≤ ln2/2 (plus rounding slop): x − k·Ln2Hi is exact (Sterbenz), k·Ln2Lo is tiny.
        var r = (xc - k * C(Ln2Hi)) - k * C(Ln2Lo);
        var y = ScaleByPow2(ExpReduced(r), k);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x);
    }

    /// <summary>e^{x + tail} for a small correction |tail| ≲ 10⁻⁴ (the low part of an argument known to more than double
    /// precision): the tail joins the reduced argument, so the result is as accurate as <see cref="Exp(Vector256{double})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Exp(Vector256<double> x, Vector256<double> tail)
    {
        var xc = Vector256.MinNative(Vector256.MaxNative(x, C(-1400.0)), C(1400.0));
        var k = xc * C(Log2E) + C(RoundMagic) - C(RoundMagic);
        var r = (xc - k * C(Ln2Hi)) - (k * C(Ln2Lo) - tail);
        var y = ScaleByPow2(ExpReduced(r), k);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x);
    }

    /// <summary>2ˣ, exact when x is an integer and 2ˣ is representable (then r = 0 and the polynomial is exactly 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Exp2(Vector256<double> x)
    {
        var xc = Vector256.MinNative(Vector256.MaxNative(x, C(-2040.0)), C(2040.0));
        var k = xc + C(RoundMagic) - C(RoundMagic);

        // r = x − k is exact and |r| ≤ ½; rounding r·ln2 costs at most a quarter ulp of the result.
        var y = ScaleByPow2(ExpReduced((xc - k) * C(0.69314718055994530942)), k);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x);
    }

    /// <summary>
    /// eʳ for |r| ≤ ~0.35 as 1 + (r + r²·Q(r)) with the Taylor coefficients to degree 13 (truncation error below
    /// 5e-18), Q by Estrin's scheme (<see cref="ExpTaylorTailEstrin(Vector256{double}, Vector256{double})"/>): an elementwise exp loop is bound by the
    /// polynomial's dependency chain, which Estrin cuts from 12 multiply–add steps to 4 levels. Adding 1 last keeps the
    /// rounding error of the small part below a quarter ulp of the result.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ExpReduced(Vector256<double> r)
    {
        var r2 = r * r;
        return Vector256<double>.One + (r + r2 * ExpTaylorTailEstrin(r, r2));
    }

    /// <summary>Q(r) = Σₖ₌₂¹³ rᵏ⁻²/k! by Horner, so that eʳ − 1 = r + r²·Q(r) (expm1's polynomial).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ExpTaylorTail(Vector256<double> r)
    {
        var q = C(1.0 / 6227020800.0) * r + C(1.0 / 479001600.0);
        q = q * r + C(1.0 / 39916800.0);
        q = q * r + C(1.0 / 3628800.0);
        q = q * r + C(1.0 / 362880.0);
        q = q * r + C(1.0 / 40320.0);
        q = q * r + C(1.0 / 5040.0);
        q = q * r + C(1.0 / 720.0);
        q = q * r + C(1.0 / 120.0);
        q = q * r + C(1.0 / 24.0);
        q = q * r + C(1.0 / 6.0);
        return q * r + C(0.5);
    }

    /// <summary>
    /// Q(r) of <see cref="ExpTaylorTail"/> by Estrin's scheme: pairs cᵢ + cᵢ₊₁·r, combined with r² and then r⁴, so the
    /// longest chain is 4 multiply–add levels instead of Horner's 12. A loop over one such vector per iteration is
    /// bound by that chain (the processor overlaps too few iterations to hide it), not by the two extra products. The
    /// rounding order differs from Horner's, so results may differ from <see cref="ExpTaylorTail"/> in the last bit;
    /// the truncation error is the same (below 5e-18 relative for |r| ≤ 0.35). Used by exp, exp2 and tanh.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ExpTaylorTailEstrin(Vector256<double> r, Vector256<double> r2)
    {
        var r4 = r2 * r2;
        var p01 = C(1.0 / 6.0) * r + C(0.5);
        var p23 = C(1.0 / 120.0) * r + C(1.0 / 24.0);
        var p45 = C(1.0 / 5040.0) * r + C(1.0 / 720.0);
        var p67 = C(1.0 / 362880.0) * r + C(1.0 / 40320.0);
        var p89 = C(1.0 / 39916800.0) * r + C(1.0 / 3628800.0);
        var p1011 = C(1.0 / 6227020800.0) * r + C(1.0 / 479001600.0);
        var q0 = p23 * r2 + p01;
        var q1 = p67 * r2 + p45;
        var q2 = p1011 * r2 + p89;
        return (q2 * r4 + q1) * r4 + q0;
    }

    /// <summary>
    /// eʸ − 1 for 0 ≤ y ≤ 700, with <see cref="Expm1(Vector256{double})"/>'s reduction and Taylor terms but none of its
    /// special cases (clamps, NaN, huge or tiny arguments: tiny y gives k = 0 and r = y, so the result is y) and with
    /// the polynomial by Estrin's scheme (<see cref="ExpTaylorTailEstrin(Vector256{double}, Vector256{double})"/>). For callers that bound the argument
    /// themselves (tanh); outside the range the result is meaningless.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> Expm1Bounded(Vector256<double> y)
    {
        var k = y * C(Log2E) + C(RoundMagic) - C(RoundMagic);
        var r = (y - k * C(Ln2Hi)) - k * C(Ln2Lo);
        var r2 = r * r;
        var e = r + r2 * ExpTaylorTailEstrin(r, r2);
        var t = Pow2(k);
        return t * e + (t - Vector256<double>.One);
    }

    /// <summary>
    /// 1/d within 12.5% (never below it) for a positive normal d whose reciprocal is normal, by integer arithmetic on the
    /// bits: 2046·2⁵² − bits(d) is 2⁻ᴱ for d = 2ᴱ and 2⁻ᴱ⁻¹(2 − f) for d = 2ᴱ(1 + f), 0 &lt; f &lt; 1, i.e. 1/d times
    /// (1 + f)(2 − f)/2 ∈ [1, 1.125]. Enough for a correction term that is itself below an ulp, deterministic everywhere
    /// (unlike hardware reciprocal estimates), and cheaper than a division.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> ApproxReciprocal(Vector256<double> d)
        => (Vector256.Create(0x7FE0000000000000L) - d.AsInt64()).AsDouble();

    /// <summary>
    /// eˣ − 1 = 2ᵏ·(eʳ − 1) + (2ᵏ − 1) with x = k·ln2 + r: 2ᵏ − 1 is exact for the k that matter and eʳ − 1 = r + r²·Q(r)
    /// (the Taylor terms of <see cref="ExpReduced"/>) is accurate relative to r, so there is no cancellation near 0 (k = 0
    /// gives expm1 r itself). Below −40 the result rounds to −1; lanes above 709 (where 2ᵏ overflows) take eˣ.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Expm1(Vector256<double> x)
    {
        var xc = Vector256.MinNative(Vector256.MaxNative(x, C(-40.0)), C(709.0));
        var k = xc * C(Log2E) + C(RoundMagic) - C(RoundMagic);
        var r = (xc - k * C(Ln2Hi)) - k * C(Ln2Lo);
        var e = r + r * r * ExpTaylorTail(r);
        var t = Pow2(k);
        var y = t * e + (t - Vector256<double>.One);

        // expm1 x = x to double precision below 2⁻⁵³ (keeps −0 and subnormals exact); NaN passes through.
        y = Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(x), C(1.1102230246251565e-16)), x, y);
        if (Vector256.GreaterThanAny(x, C(709.0))) y = Vector256.ConditionalSelect(Vector256.GreaterThan(x, C(709.0)), Exp(x), y);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x);
    }

    /// <summary>
    /// p·2ᵏ for an integral k with |k| ≤ 2044, as (p·2^k₁)·2^k₂ with k₁ = round(k/2): both factors are normal
    /// powers of two, the first product is exact for p near 1, so the only rounding is the last one — which makes
    /// overflow to ∞ and gradual underflow come out correctly rounded.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ScaleByPow2(Vector256<double> p, Vector256<double> k)
    {
        var k1 = k * C(0.5) + C(RoundMagic) - C(RoundMagic);
        var k2 = k - k1;
        return p * Pow2(k1) * Pow2(k2);
    }

    /// <summary>2ᵏ for an integral k in [−1022, 1023]: k + 1023 lands in the low mantissa bits of k + RoundMagic + 1023,
    /// and shifting them into the exponent field discards the magic number's bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Pow2(Vector256<double> k)
        => Vector256.ShiftLeft((k + C(RoundMagic + 1023.0)).AsInt64(), 52).AsDouble();

    /// <summary>ln x: ln(0) = −∞, ln(x &lt; 0) = NaN, ln(+∞) = +∞, subnormals handled by prescaling.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Log(Vector256<double> x)
    {
        var (k, f, hfsq, s, r) = LogReduce(x);
        var y = k * C(Ln2Hi) - ((hfsq - (s * (hfsq + r) + k * C(Ln2Lo))) - f);
        return LogSpecialCases(x, y);
    }

    /// <summary>log₂ x, exact at powers of two (f = 0 there, so the result is k); hi/lo splitting as in musl's log2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Log2(Vector256<double> x)
    {
        var (k, f, hfsq, s, r) = LogReduce(x);
        var (hi, lo) = LogHiLo(f, hfsq, s, r);
        var valHi = hi * C(InvLn2Hi);
        var valLo = (lo + hi) * C(InvLn2Lo) + lo * C(InvLn2Hi);
        var w = k + valHi;
        valLo += (k - w) + valHi;
        return LogSpecialCases(x, valLo + w);
    }

    /// <summary>log₁₀ x; hi/lo splitting as in musl's log10, plus an exactness fix for the powers of ten 10⁰…10²².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Log10(Vector256<double> x)
    {
        var (k, f, hfsq, s, r) = LogReduce(x);
        var (hi, lo) = LogHiLo(f, hfsq, s, r);
        var valHi = hi * C(InvLn10Hi);
        var y = k * C(Log10Of2Hi);
        var valLo = k * C(Log10Of2Lo) + (lo + hi) * C(InvLn10Lo) + lo * C(InvLn10Hi);
        var w = y + valHi;
        valLo += (y - w) + valHi;
        var result = valLo + w;

        // 10ⁿ is exact in double for n ≤ 22. The result is within an ulp of n there; snap it to n when x is exactly
        // 10ⁿ, built by exact products of 10, 100, 10⁴, 10⁸, 10¹⁶ selected by the bits of n. Skipped (one compare)
        // unless some lane is that close to an integer.
        var n = result + C(RoundMagic) - C(RoundMagic);
        if (!Vector256.LessThanAny(Vector256.Abs(result - n), C(1e-12))) return LogSpecialCases(x, result);
        var bits = (n + C(RoundMagic)).AsInt64();
        var one = Vector256<double>.One;
        var p = Vector256.ConditionalSelect(Vector256.Equals(bits & Vector256.Create(1L), Vector256.Create(1L)).AsDouble(), C(10.0), one);
        p *= Vector256.ConditionalSelect(Vector256.Equals(bits & Vector256.Create(2L), Vector256.Create(2L)).AsDouble(), C(100.0), one);
        p *= Vector256.ConditionalSelect(Vector256.Equals(bits & Vector256.Create(4L), Vector256.Create(4L)).AsDouble(), C(1e4), one);
        p *= Vector256.ConditionalSelect(Vector256.Equals(bits & Vector256.Create(8L), Vector256.Create(8L)).AsDouble(), C(1e8), one);
        p *= Vector256.ConditionalSelect(Vector256.Equals(bits & Vector256.Create(16L), Vector256.Create(16L)).AsDouble(), C(1e16), one);
        var exact = Vector256.Equals(x, p) & Vector256.GreaterThanOrEqual(n, Vector256<double>.Zero) & Vector256.LessThanOrEqual(n, C(22.0));
        return LogSpecialCases(x, Vector256.ConditionalSelect(exact, n, result));
    }

    /// <summary>
    /// x = 2ᵏ·(1 + f) with 1 + f ∈ [√½, √2) (subnormals prescaled by 2⁵⁴), and fdlibm's kernel terms:
    /// hfsq = f²/2, s = f/(2 + f) and R(s²), with ln(1 + f) = f − hfsq + s·(hfsq + R).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> K, Vector256<double> F, Vector256<double> Hfsq, Vector256<double> S, Vector256<double> R) LogReduce(Vector256<double> x)
    {
        var subnormal = Vector256.LessThan(x, C(2.2250738585072014e-308));
        var xs = Vector256.ConditionalSelect(subnormal, x * C(18014398509481984.0), x);

        // Adding (0x3FF00000 − 0x3FE6A09E)·2³² moves mantissas above √2 into the next binade, so the exponent field is
        // k + 1023 and the re-biased mantissa lies in [√½, √2).
        var u = xs.AsInt64() + Vector256.Create(0x00095F6200000000L);
        var e = Vector256.ShiftRightLogical(u, 52);
        var k = (e | Vector256.Create(0x4330000000000000L)).AsDouble() - C(4503599627371519.0);   // (2⁵² + e) − (2⁵² + 1023)
        k -= Vector256.ConditionalSelect(subnormal, C(54.0), Vector256<double>.Zero);
        var m = ((u & Vector256.Create(0x000FFFFFFFFFFFFFL)) + Vector256.Create(0x3FE6A09E00000000L)).AsDouble();

        var f = m - Vector256<double>.One;
        var hfsq = C(0.5) * f * f;
        var s = f / (C(2.0) + f);
        var z = s * s;
        var w = z * z;
        var t1 = w * (C(Lg2) + w * (C(Lg4) + w * C(Lg6)));
        var t2 = z * (C(Lg1) + w * (C(Lg3) + w * (C(Lg5) + w * C(Lg7))));
        return (k, f, hfsq, s, t2 + t1);
    }

    /// <summary>ln(1 + f) = hi + lo with hi's low 32 bits cleared, so hi·(21-bit constant) is exact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> Hi, Vector256<double> Lo) LogHiLo(Vector256<double> f, Vector256<double> hfsq, Vector256<double> s, Vector256<double> r)
    {
        var hi = ((f - hfsq).AsInt64() & Vector256.Create(unchecked((long)0xFFFFFFFF00000000UL))).AsDouble();
        var lo = f - hi - hfsq + s * (hfsq + r);
        return (hi, lo);
    }

    /// <summary>Replaces lanes outside (0, ∞): log of +0 or −0 is −∞, of a negative number or NaN is NaN, of +∞ is +∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> LogSpecialCases(Vector256<double> x, Vector256<double> y)
    {
        var regular = Vector256.GreaterThan(x, Vector256<double>.Zero) & Vector256.LessThan(x, C(double.PositiveInfinity));
        if (regular == Vector256<double>.AllBitsSet) return y;
        var special = Vector256.ConditionalSelect(Vector256.Equals(x, Vector256<double>.Zero), C(double.NegativeInfinity),
            Vector256.ConditionalSelect(Vector256.Equals(x, C(double.PositiveInfinity)), x, C(double.NaN)));
        return Vector256.ConditionalSelect(regular, y, special);
    }
}
