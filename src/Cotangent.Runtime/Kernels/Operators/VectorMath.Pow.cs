using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

internal static partial class VectorMath
{
    // 1/ln 2 and ln 2 as double-double (head = the double nearest, tail = the next 53 bits).
    private const double InvLn2DdHi = 1.4426950408889634;
    private const double InvLn2DdLo = 2.0355273740931033e-17;
    private const double Ln2DdHi = 0.6931471805599453;
    private const double Ln2DdLo = 2.3190468138462996e-17;

    // 2/3 as double-double.
    private const double TwoThirdsHi = 0.6666666666666666;
    private const double TwoThirdsLo = 3.700743415417188e-17;

    /// <summary>
    /// |x|ʸ for finite nonzero x and finite y, with the sign of an odd integral y for negative x and NaN for a negative x with a
    /// non-integral y, and a mask of the lanes this covers: the others (x = ±0, ±∞ or NaN, y = ±∞ or NaN, |y·log₂|x|| &gt;
    /// 1022, where the result overflows or leaves the normal range, and negative x with |y| ≥ 2⁵¹) must be computed
    /// elsewhere. log₂|x| = k + log₂(1 + f) is carried as a double-double (relative error below 2⁻⁶³), y·log₂|x| = P + p
    /// exactly up to that error (Dekker's product), and 2^{P + p} = 2ⁿ·e^{(P − n + p)·ln 2} with n = round(P), so the
    /// only roundings that reach the result are the last addition and the exponential's tail, under an ulp in all.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<double> Result, Vector256<double> Regular) Pow(Vector256<double> x, Vector256<double> y)
    {
        var (lh, ll) = Log2DoubleDouble(Vector256.Abs(x));

        // y·(lh + ll) = ph + pl: y·lh exactly as ph + pe (Dekker), y·ll rounded (its error is 2⁻⁵³ of a 2⁻⁵³ term).
        var (ph, pe) = TwoProduct(y, lh);
        var pl = pe + y * ll;

        // ph = n + r exactly (|ph| ≤ 1022), then r + pl = rh + rl (TwoSum) and (rh + rl)·ln 2 = vh + vl.
        var n = ph + C(RoundMagic) - C(RoundMagic);
        var r = ph - n;
        var rh = r + pl;
        var rb = rh - r;
        var rl = (r - (rh - rb)) + (pl - rb);
        var (vh, ve) = TwoProduct(rh, C(Ln2DdHi));
        var vl = ve + (rh * C(Ln2DdLo) + rl * C(Ln2DdHi));

        // e^{vh + vl} = 1 + (vh + (vl + vh²·Q(vh))) with |vh| ≤ 0.35; the vl·(e^{vh} − 1) term is below 2⁻⁶⁰.
        var e = Vector256<double>.One + (vh + (vl + vh * vh * ExpTaylorTail(vh)));
        var p = ScaleByPow2(e, n);

        // Negative x: y + RoundMagic − RoundMagic rounds y (|y| < 2⁵¹), and the integer's low bit is y's parity.
        var t = y + C(RoundMagic);
        var integral = Vector256.Equals(t - C(RoundMagic), y);
        var odd = Vector256.Equals(t.AsInt64() & Vector256.Create(1L), Vector256.Create(1L)).AsDouble();
        var negative = Vector256.LessThan(x, Vector256<double>.Zero);
        var signed = Vector256.ConditionalSelect(odd, -p, p);
        var result = Vector256.ConditionalSelect(negative, Vector256.ConditionalSelect(integral, signed, C(double.NaN)), p);

        var ax = Vector256.Abs(x);
        var regular = Vector256.GreaterThan(ax, Vector256<double>.Zero) & Vector256.LessThan(ax, C(double.PositiveInfinity))
            & Vector256.LessThan(Vector256.Abs(y), C(double.PositiveInfinity)) & Vector256.LessThanOrEqual(Vector256.Abs(ph), C(1022.0))
            & (~negative | Vector256.LessThan(Vector256.Abs(y), C(2251799813685248.0)));
        return (result, regular);
    }

    /// <summary>
    /// log₂ x = hi + lo for finite x &gt; 0 (subnormals prescaled by 2⁵⁴), relative error below 2⁻⁶³: x = 2ᵏ·(1 + f) with
    /// 1 + f ∈ [√½, √2), ln(1 + f) = 2s + ⅔s³ + s⁵·R(s²) for s = f/(2 + f) (|s| ≤ 0.1716), s and the first two terms in
    /// double-double, R = Σ 2/(2j + 1)·s^{2j−4} for j = 2…12 in double (truncation below 2⁻⁷⁰ relative), then times 1/ln 2 and
    /// plus k, each step a double-double operation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> Hi, Vector256<double> Lo) Log2DoubleDouble(Vector256<double> x)
    {
        var subnormal = Vector256.LessThan(x, C(2.2250738585072014e-308));
        var xs = Vector256.ConditionalSelect(subnormal, x * C(18014398509481984.0), x);
        var u = xs.AsInt64() + Vector256.Create(0x00095F6200000000L);
        var ke = Vector256.ShiftRightLogical(u, 52);
        var k = (ke | Vector256.Create(0x4330000000000000L)).AsDouble() - C(4503599627371519.0);
        k -= Vector256.ConditionalSelect(subnormal, C(54.0), Vector256<double>.Zero);
        var m = ((u & Vector256.Create(0x000FFFFFFFFFFFFFL)) + Vector256.Create(0x3FE6A09E00000000L)).AsDouble();
        var f = m - Vector256<double>.One;   // exact (Sterbenz)

        // s = f/(2 + f) = sh + sl: 2 + f = d + dl exactly, and f − sh·d is exact (TwoProduct, then Sterbenz).
        var two = C(2.0);
        var d = two + f;
        var dl = f - (d - two);
        var sh = f / d;
        var (q, qe) = TwoProduct(sh, d);
        var sl = (((f - q) - qe) - sh * dl) / d;

        // s² = zh + zl, s³ = th + tl, ⅔s³ = wh + wl.
        var (zh, ze) = TwoProduct(sh, sh);
        var zl = ze + C(2.0) * sh * sl;
        var (th, te) = TwoProduct(sh, zh);
        var tl = te + (sh * zl + sl * zh);
        var (wh, we) = TwoProduct(C(TwoThirdsHi), th);
        var wl = we + (C(TwoThirdsHi) * tl + C(TwoThirdsLo) * th);

        var rr = C(2.0 / 25) * zh + C(2.0 / 23);
        rr = rr * zh + C(2.0 / 21);
        rr = rr * zh + C(2.0 / 19);
        rr = rr * zh + C(2.0 / 17);
        rr = rr * zh + C(2.0 / 15);
        rr = rr * zh + C(2.0 / 13);
        rr = rr * zh + C(2.0 / 11);
        rr = rr * zh + C(2.0 / 9);
        rr = rr * zh + C(2.0 / 7);
        rr = rr * zh + C(2.0 / 5);
        var tail5 = th * zh * rr;

        // ln(1 + f) = 2sh + wh (Fast2Sum: |2s| ≥ |⅔s³|) + the small terms.
        var ah = sh + sh;
        var lnh = ah + wh;
        var lne = wh - (lnh - ah);
        var lnl = lne + ((sl + sl) + (wl + tail5));
        var lh = lnh + lnl;
        lnl -= lh - lnh;

        // log₂(1 + f) = ln(1 + f)·(1/ln 2), then + k (TwoSum).
        var (bh, be) = TwoProduct(lh, C(InvLn2DdHi));
        var bl = be + (lh * C(InvLn2DdLo) + lnl * C(InvLn2DdHi));
        var hi = k + bh;
        var hb = hi - k;
        var lo = ((k - (hi - hb)) + (bh - hb)) + bl;
        var h = hi + lo;
        return (h, lo - (h - hi));
    }

    /// <summary>a·b = p + e exactly (Dekker: a and b split into 26-bit halves whose products are exact), for |a|, |b| &lt; 2⁹⁹⁶.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> P, Vector256<double> E) TwoProduct(Vector256<double> a, Vector256<double> b)
    {
        var p = a * b;
        var ta = a * C(134217729.0);
        var ah = ta - (ta - a);
        var al = a - ah;
        var tb = b * C(134217729.0);
        var bh = tb - (tb - b);
        var bl = b - bh;
        return (p, ((ah * bh - p) + ah * bl + al * bh) + al * bl);
    }
}
