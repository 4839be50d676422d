using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

/// <summary>
/// Deterministic single-precision elementary functions on eight lanes, computed in f32 (no widening to double), under
/// the same rules as <see cref="VectorMath"/>: every product and sum is a separate IEEE operation (no FMA, no
/// estimate instructions, no BCL or TensorPrimitives math), everything common is call-free and inlined, and rare
/// lanes (huge trigonometric arguments) take a separate non-inlined path chosen per lane, so a lane's result depends
/// only on its own value. Accuracy: within 2 ulps of the exact result (measured worst cases in the tests).
/// </summary>
internal static partial class VectorMathF
{
    /// <summary>1.5·2²³: v + RoundMagic − RoundMagic rounds |v| &lt; 2²² to an integer (ties to even), and the integer
    /// sits in the low bits of the sum's representation.</summary>
    private const float RoundMagic = 12582912f;

    private const float Log2E = 1.44269504088896341f;

    // ln 2 = Ln2Hi + Ln2Lo with Ln2Hi = 355/512 (9 bits), so k·Ln2Hi is exact for |k| < 2¹⁵ (Cephes' C1, C2).
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;

    // ln 2 with a head whose low 12 bits are zero, for the log reduction (musl's logf ln2_hi/ln2_lo).
    private const float LogLn2Hi = 6.9313812256e-01f; // 0x3F317180
    private const float LogLn2Lo = 9.0580006145e-06f; // 0x3717F7D1

    // musl's logf kernel: (log(1 + s) − log(1 − s))/s ≈ 2 + Lg1·s² + … + Lg4·s⁸, |error| < 2⁻³⁴·²⁴.
    private const float Lg1 = 0xAAAAAA / 16777216f;   // 0xaaaaaa.0p-24 ≈ 0.66666662693
    private const float Lg2 = 0xCCCE13 / 33554432f;   // 0xccce13.0p-25 ≈ 0.40000972152
    private const float Lg3 = 0x91E9EE / 33554432f;   // 0x91e9ee.0p-25 ≈ 0.28498786688
    private const float Lg4 = 0xF89E26 / 67108864f;   // 0xf89e26.0p-26 ≈ 0.24279078841

    /// <summary>2⁻²⁴: below this |x|, expm1 x, log1p x and tanh x round to x.</summary>
    private const float Tiny = 5.9604645e-8f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> C(float c) => Vector256.Create(c);

    /// <summary>eˣ. Overflow gives +∞, underflow rounds into the subnormals and then to +0, NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        // Clamp so that k stays within [−150, 129] (enough to overflow or underflow); NaN lanes are restored below.
        var xc = Vector256.MinNative(Vector256.MaxNative(x, C(-104f)), C(89f));
        var k = xc * C(Log2E) + C(RoundMagic) - C(RoundMagic);

        // x = k·ln2 + r, |r| ≤ ln2/2 (plus slop): x − k·Ln2Hi is exact (Sterbenz), k·Ln2Lo is small.
        var r = (xc - k * C(Ln2Hi)) - k * C(Ln2Lo);
        var y = ScaleByPow2(Vector256<float>.One + Expm1Reduced(r), k);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x);
    }

    /// <summary>e^{x + tail} for a correction |tail| ≤ ½ulp(x) (the low part of an argument known to more than single
    /// precision): the tail joins the reduced argument, so the result is as accurate as <see cref="Exp(Vector256{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x, Vector256<float> tail)
    {
        var xc = Vector256.MinNative(Vector256.MaxNative(x, C(-104f)), C(89f));
        var k = xc * C(Log2E) + C(RoundMagic) - C(RoundMagic);
        var r = (xc - k * C(Ln2Hi)) - (k * C(Ln2Lo) - tail);
        var y = ScaleByPow2(Vector256<float>.One + Expm1Reduced(r), k);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x);
    }

    /// <summary>
    /// eʳ − 1 for |r| ≤ 0.3467 as r + r²·Q(r), Q a degree-5 Chebyshev fit of (eʳ − 1 − r)/r² with f32 coefficients
    /// (relative error of the sum below 2⁻²⁹ on the interval): the r² part is under a fifth of r, so its rounding costs
    /// little and the result is accurate relative to r.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Expm1Reduced(Vector256<float> r)
    {
        var q = C(0.00019891017291229218f) * r + C(0.001393367419950664f);
        q = q * r + C(0.00833331048488617f);
        q = q * r + C(0.041666463017463684f);
        q = q * r + C(0.1666666716337204f);
        q = q * r + C(0.5f);
        return r + r * r * q;
    }

    /// <summary>p·2ᵏ for an integral k with |k| ≤ 252, as (p·2^k₁)·2^k₂ with k₁ = round(k/2): only the last product
    /// rounds, so overflow and gradual underflow come out correctly rounded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ScaleByPow2(Vector256<float> p, Vector256<float> k)
    {
        var k1 = k * C(0.5f) + C(RoundMagic) - C(RoundMagic);
        var k2 = k - k1;
        return p * Pow2(k1) * Pow2(k2);
    }

    /// <summary>2ᵏ for an integral k in [−126, 127]: k + 127 lands in the low mantissa bits of k + RoundMagic + 127,
    /// and shifting them into the exponent field discards the magic number's bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Pow2(Vector256<float> k)
        => Vector256.ShiftLeft((k + C(RoundMagic + 127f)).AsInt32(), 23).AsSingle();

    /// <summary>
    /// eˣ − 1 = 2ᵏ·(eʳ − 1) + (2ᵏ − 1) with x = k·ln2 + r: 2ᵏ − 1 is exact for the k that matter and eʳ − 1 is accurate
    /// relative to r, so there is no cancellation near 0 (k = 0 gives expm1 r itself). Lanes above 88 (k = 128, where
    /// 2ᵏ overflows) take eˣ, which equals eˣ − 1 in f32 there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Expm1(Vector256<float> x)
    {
        var y = Expm1Core(x);
        if (Vector256.GreaterThanAny(x, C(88f))) y = Vector256.ConditionalSelect(Vector256.GreaterThan(x, C(88f)), Exp(x), y);
        return y;
    }

    /// <summary>expm1 for x ≤ 88 (and NaN); larger lanes are wrong here.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Expm1Core(Vector256<float> x)
    {
        // Below −30 the result rounds to −1 (which the clamp keeps); NaN lanes are restored below.
        var xc = Vector256.MinNative(Vector256.MaxNative(x, C(-30f)), C(89f));
        var k = xc * C(Log2E) + C(RoundMagic) - C(RoundMagic);
        var r = (xc - k * C(Ln2Hi)) - k * C(Ln2Lo);
        var e = Expm1Reduced(r);
        var t = Pow2(Vector256.Min(k, C(127f)));
        var y = t * e + (t - Vector256<float>.One);

        // expm1 x = x to f32 precision below 2⁻²⁴ (keeps −0 and subnormals exact).
        y = Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(x), C(Tiny)), x, y);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x);
    }

    /// <summary>
    /// tanh x = sign(x)·t/(t + 2), t = expm1(2|x|) (<see cref="Expm1"/>'s formula, inlined without the clamps and tiny-x
    /// select it does not need here: 2|x| ∈ [0, 19], k ∈ [0, 28]; ±0 and subnormals come out exact, NaN stays NaN).
    /// |x| is clamped at 9.5, where tanh rounds to 1. The rounding error c of d = t + 2 is exact (Fast2Sum, larger
    /// operand first) and folded back: t/(d + c) ≈ q − q·c/d with q = t/d.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        // The native min/max instructions: Min/Max's NaN and signed-zero rules cost several instructions each and
        // cannot matter here (t ≥ 0; a NaN x, whose clamp is platform-specific, is restored at the end). Same bits as
        // with Min/Max and CopySign for every non-NaN input (checked over all 2³² inputs), about 25% faster.
        var a = Vector256.MinNative(Vector256.Abs(x), C(9.5f));
        var u = a + a;
        var k = u * C(Log2E) + C(RoundMagic) - C(RoundMagic);
        var r = (u - k * C(Ln2Hi)) - k * C(Ln2Lo);
        var p = Pow2(k);
        var t = p * Expm1Reduced(r) + (p - Vector256<float>.One);
        var two = C(2f);
        var d = t + two;
        var c = (Vector256.MaxNative(t, two) - d) + Vector256.MinNative(t, two);
        var q = t / d;

        // q ≥ 0, so OR-ing in x's sign bit is copysign (−0 stays −0).
        var y = (q - q * (c * ApproxReciprocal(d))) | (x & C(-0f));
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x);
    }

    /// <summary>
    /// The logistic sigmoid: e/(1 + e) for x &lt; 0 and 1/(1 + e) otherwise, e = e^{−|x|} ≤ 1, so neither side overflows
    /// and very negative x keep full relative accuracy down into the subnormals. The rounding error c of d = 1 + e is
    /// exact (Fast2Sum, e ≤ 1) and folded back: n/(d + c) ≈ q − q·c/d with q = n/d.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Logistic(Vector256<float> x)
    {
        var one = Vector256<float>.One;
        var e = Exp(-Vector256.Abs(x));
        var num = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), e, one);
        var d = one + e;
        var c = (one - d) + e;
        var q = num / d;
        return q - q * (c * ApproxReciprocal(d));
    }

    /// <summary>
    /// 1/d to within ~12% for a positive normal d, by integer arithmetic on the bits (the exponent is negated and the
    /// mantissa mirrored): enough for a correction term that is itself below half an ulp, deterministic everywhere
    /// (unlike the hardware reciprocal estimates), and cheaper than a division.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ApproxReciprocal(Vector256<float> d)
        => (Vector256.Create(0x7EF311C7) - d.AsInt32()).AsSingle();

    /// <summary>softplus x = log(1 + eˣ) = max(x, 0) + log1p(e^{−|x|}): no overflow, and full accuracy for very negative x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Softplus(Vector256<float> x)
        => Vector256.Max(x, Vector256<float>.Zero) + Log1p(Exp(-Vector256.Abs(x)));

    /// <summary>ln x: ln(0) = −∞, ln(x &lt; 0) = NaN, ln(+∞) = +∞, subnormals handled by prescaling (musl's logf).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log(Vector256<float> x)
    {
        var subnormal = Vector256.LessThan(x, C(1.17549435e-38f));
        var xs = Vector256.ConditionalSelect(subnormal, x * C(33554432f), x);   // ·2²⁵
        var (k, m) = Reduce(xs);
        k -= Vector256.ConditionalSelect(subnormal, C(25f), Vector256<float>.Zero);
        var f = m - Vector256<float>.One;
        var (hfsq, tail) = LogKernel(f);

        // ln x = k·ln2 + f − hfsq + s·(hfsq + R), summed smallest first.
        var y = tail + k * C(LogLn2Lo) - hfsq + f + k * C(LogLn2Hi);
        return LogSpecialCases(x, y);
    }

    /// <summary>
    /// ln(1 + x) (musl's log1pf): u = 1 + x is reduced like log's argument, and the rounding error of 1 + x is put back
    /// as c/u with c = x − (u − 1) (or 1 − (u − x) once u ≥ 4, both exact); while u ∈ [√½, √2) the kernel gets x itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log1p(Vector256<float> x)
    {
        var one = Vector256<float>.One;
        var u = one + x;
        var (k, m) = Reduce(u);
        var inner = Vector256.Equals(k, Vector256<float>.Zero);
        var c = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(k, C(2f)), one - (u - x), x - (u - one)) / u;
        c = Vector256.ConditionalSelect(inner | Vector256.GreaterThanOrEqual(k, C(25f)), Vector256<float>.Zero, c);
        var f = Vector256.ConditionalSelect(inner, x, m - one);
        var (hfsq, tail) = LogKernel(f);
        var y = tail + (k * C(LogLn2Lo) + c) - hfsq + f + k * C(LogLn2Hi);

        // log1p x = x below 2⁻²⁴ (keeps −0 and subnormals); −1 → −∞, below −1 → NaN, +∞ → +∞ (as log's cases at u).
        y = Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(x), C(Tiny)), x, y);
        var regular = Vector256.GreaterThan(u, Vector256<float>.Zero) & Vector256.LessThan(u, C(float.PositiveInfinity));
        if (regular == Vector256<float>.AllBitsSet) return y;
        return Vector256.ConditionalSelect(regular, y, LogSpecialCases(u, y));
    }

    /// <summary>x = 2ᵏ·m with m ∈ [√½, √2) for a positive normal x; k as a float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> K, Vector256<float> M) Reduce(Vector256<float> x)
    {
        // Adding 0x3F800000 − 0x3F3504F3 moves mantissas above √2 into the next binade, so the exponent field is k + 127
        // and the re-biased mantissa lies in [√½, √2).
        var ix = x.AsInt32() + Vector256.Create(0x3F800000 - 0x3F3504F3);
        var k = Vector256.ConvertToSingle(Vector256.ShiftRightLogical(ix, 23) - Vector256.Create(0x7F));
        var m = ((ix & Vector256.Create(0x007FFFFF)) + Vector256.Create(0x3F3504F3)).AsSingle();
        return (k, m);
    }

    /// <summary>For f = m − 1: hfsq = f²/2 and s·(hfsq + R(s²)), s = f/(2 + f), with ln(1 + f) = f − hfsq + s·(hfsq + R).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Hfsq, Vector256<float> Tail) LogKernel(Vector256<float> f)
    {
        var s = f / (C(2f) + f);
        var z = s * s;
        var w = z * z;
        var t1 = w * (C(Lg2) + w * C(Lg4));
        var t2 = z * (C(Lg1) + w * C(Lg3));
        var hfsq = C(0.5f) * f * f;
        return (hfsq, s * (hfsq + (t2 + t1)));
    }

    /// <summary>Replaces lanes outside (0, ∞): log of ±0 is −∞, of a negative number or NaN is NaN, of +∞ is +∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> LogSpecialCases(Vector256<float> x, Vector256<float> y)
    {
        var regular = Vector256.GreaterThan(x, Vector256<float>.Zero) & Vector256.LessThan(x, C(float.PositiveInfinity));
        if (regular == Vector256<float>.AllBitsSet) return y;
        var special = Vector256.ConditionalSelect(Vector256.Equals(x, Vector256<float>.Zero), C(float.NegativeInfinity),
            Vector256.ConditionalSelect(Vector256.Equals(x, C(float.PositiveInfinity)), x, C(float.NaN)));
        return Vector256.ConditionalSelect(regular, y, special);
    }
}
