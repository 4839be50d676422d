using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

internal static partial class VectorMath
{
    // 2/3 as double-double.
    private const double TwoThirdsHi = 0.6666666666666666;
    private const double TwoThirdsLo = 3.700743415417188e-17;

    /// <summary>
    /// |x|ʸ for finite nonzero x and finite y, with the sign of an odd integral y for negative x and NaN for a negative x with a
    /// non-integral y, and a mask of the lanes this covers: the others (x = ±0, ±∞ or NaN, y = ±∞ or NaN, |y·ln|x|| &gt; 708,
    /// where the result overflows or leaves the normal range, and negative x with |y| ≥ 2⁵¹) must be computed elsewhere.
    /// ln|x| is carried as a double-double (relative error about 2⁻⁶³), y·ln|x| = P + p exactly up to that error (Dekker's
    /// product), and e^{P + p} = 2ⁿ·e^{r} with n = round(P/ln 2) and r = P − n·ln 2 + p to about 2⁻⁷⁰ (Cody–Waite, exact
    /// head), so the only roundings that reach the result are the exponential's last addition and its tail: under an ulp.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<double> Result, Vector256<double> Regular) Pow(Vector256<double> x, Vector256<double> y)
    {
        var (lh, ll) = LnDoubleDouble(Vector256.Abs(x));

        // y·(lh + ll) = ph + pl: y·lh exactly as ph + pe (Dekker), y·ll rounded (its error is 2⁻⁵³ of a 2⁻⁵³ term).
        var (ph, pe) = TwoProduct(y, lh);
        var pl = pe + y * ll;

        // ph = n·ln 2 + r: n·Ln2Hi is exact and so is ph − n·Ln2Hi (|ph| ≤ 708, both multiples of 2⁻⁴³); the rest,
        // pl − n·Ln2Lo, joins r by TwoSum as rh + rl.
        var n = ph * C(Log2E) + C(RoundMagic) - C(RoundMagic);
        var r = ph - n * C(Ln2Hi);
        var t = pl - n * C(Ln2Lo);
        var rh = r + t;
        var rb = rh - r;
        var rl = (r - (rh - rb)) + (t - rb);

        // e^{rh + rl} = 1 + (rh + (rl + rh²·Q(rh))) with |rh| ≤ 0.35, Q(r) = Σₖ₌₂¹³ rᵏ⁻²/k! (the Taylor terms of
        // ExpReduced) by Estrin's scheme; the rl·(e^{rh} − 1) term is below 2⁻⁶⁰.
        var r2 = rh * rh;
        var r4 = r2 * r2;
        var r8 = r4 * r4;
        var qe = ((C(0.5) + C(1.0 / 6) * rh) + (C(1.0 / 24) + C(1.0 / 120) * rh) * r2)
            + ((C(1.0 / 720) + C(1.0 / 5040) * rh) + (C(1.0 / 40320) + C(1.0 / 362880) * rh) * r2) * r4
            + ((C(1.0 / 3628800) + C(1.0 / 39916800) * rh) + (C(1.0 / 479001600) + C(1.0 / 6227020800.0) * rh) * r2) * r8;
        var e = Vector256<double>.One + (rh + (rl + r2 * qe));
        var p = ScaleByPow2(e, n);

        // Negative x: y + RoundMagic − RoundMagic rounds y (|y| < 2⁵¹), and the integer's low bit is y's parity.
        var yr = y + C(RoundMagic);
        var integral = Vector256.Equals(yr - C(RoundMagic), y);
        var odd = Vector256.Equals(yr.AsInt64() & Vector256.Create(1L), Vector256.Create(1L)).AsDouble();
        var negative = Vector256.LessThan(x, Vector256<double>.Zero);
        var signed = Vector256.ConditionalSelect(odd, -p, p);
        var result = Vector256.ConditionalSelect(negative, Vector256.ConditionalSelect(integral, signed, C(double.NaN)), p);

        var ax = Vector256.Abs(x);
        var regular = Vector256.GreaterThan(ax, Vector256<double>.Zero) & Vector256.LessThan(ax, C(double.PositiveInfinity))
            & Vector256.LessThan(Vector256.Abs(y), C(double.PositiveInfinity)) & Vector256.LessThanOrEqual(Vector256.Abs(ph), C(708.0))
            & (~negative | Vector256.LessThan(Vector256.Abs(y), C(2251799813685248.0)));
        return (result, regular);
    }

    /// <summary>
    /// ln x = hi + lo for finite x &gt; 0 (subnormals prescaled by 2⁵⁴), relative error about 2⁻⁶³: x = 2ᵏ·(1 + f) with
    /// 1 + f ∈ [√½, √2), ln(1 + f) = 2s + ⅔s³ + s⁵·R(s²) for s = f/(2 + f) (|s| ≤ 0.1716), s and the first two terms in
    /// double-double, R = Σ 2/(2j + 1)·s^{2j−4} for j = 2…12 in double (truncation below 2⁻⁷⁰ relative), plus k·ln 2 with
    /// k·Ln2Hi exact (|k| ≤ 1077), each step a double-double operation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> Hi, Vector256<double> Lo) LnDoubleDouble(Vector256<double> x)
    {
        var subnormal = Vector256.LessThan(x, C(2.2250738585072014e-308));
        var xs = Vector256.ConditionalSelect(subnormal, x * C(18014398509481984.0), x);
        var u = xs.AsInt64() + Vector256.Create(0x00095F6200000000L);
        var ke = Vector256.ShiftRightLogical(u, 52);
        var k = (ke | Vector256.Create(0x4330000000000000L)).AsDouble() - C(4503599627371519.0);
        k -= Vector256.ConditionalSelect(subnormal, C(54.0), Vector256<double>.Zero);
        var m = ((u & Vector256.Create(0x000FFFFFFFFFFFFFL)) + Vector256.Create(0x3FE6A09E00000000L)).AsDouble();
        var f = m - Vector256<double>.One;   // exact (Sterbenz)

        // s = f/(2 + f) = sh + sl: 2 + f = d + dl exactly, sh = f·(1/d) to about an ulp, and the residual f − sh·d (exact
        // through TwoProduct, then Sterbenz) over d gives sl.
        var two = C(2.0);
        var d = two + f;
        var dl = f - (d - two);
        var rd = Vector256<double>.One / d;
        var sh = f * rd;
        var (q, qe) = TwoProduct(sh, d);
        var sl = (((f - q) - qe) - sh * dl) * rd;

        // s² = zh + zl, s³ = th + tl, ⅔s³ = wh + wl.
        var (zh, ze) = TwoProduct(sh, sh);
        var zl = ze + two * sh * sl;
        var (th, te) = TwoProduct(sh, zh);
        var tl = te + (sh * zl + sl * zh);
        var (wh, we) = TwoProduct(C(TwoThirdsHi), th);
        var wl = we + (C(TwoThirdsHi) * tl + C(TwoThirdsLo) * th);

        // R by Estrin's scheme (short dependency chains; R's rounding is scaled by s⁴/5 in the sum).
        var z2 = zh * zh;
        var z4 = z2 * z2;
        var z8 = z4 * z4;
        var rr = ((C(2.0 / 5) + C(2.0 / 7) * zh) + (C(2.0 / 9) + C(2.0 / 11) * zh) * z2)
            + ((C(2.0 / 13) + C(2.0 / 15) * zh) + (C(2.0 / 17) + C(2.0 / 19) * zh) * z2) * z4
            + ((C(2.0 / 21) + C(2.0 / 23) * zh) + C(2.0 / 25) * z2) * z8;
        var tail5 = th * zh * rr;

        // ln(1 + f) = 2sh + wh (Fast2Sum: |2s| ≥ |⅔s³|) + the small terms; then + k·Ln2Hi (TwoSum) + k·Ln2Lo.
        var ah = sh + sh;
        var lnh = ah + wh;
        var lnl = (wh - (lnh - ah)) + ((sl + sl) + (wl + tail5));
        var kh = k * C(Ln2Hi);
        var hi = kh + lnh;
        var hb = hi - kh;
        var lo = ((kh - (hi - hb)) + (lnh - hb)) + (lnl + k * C(Ln2Lo));
        var h = hi + lo;
        return (h, lo - (h - hi));
    }

    /// <summary>a·b = p + e exactly up to about 2⁻¹⁰⁶·|p|: a and b split into their top 26 bits (the low 27 bits cleared) and
    /// the rest, whose products are exact except the smallest, lo·lo (rounded at 2⁻¹⁰⁷ relative); no split can overflow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> P, Vector256<double> E) TwoProduct(Vector256<double> a, Vector256<double> b)
    {
        var mask = Vector256.Create(unchecked((long)0xFFFFFFFFF8000000UL)).AsDouble();
        var p = a * b;
        var ah = a & mask;
        var al = a - ah;
        var bh = b & mask;
        var bl = b - bh;
        return (p, ((ah * bh - p) + ah * bl + al * bh) + al * bl);
    }
}
