using System.Runtime.CompilerServices;

namespace Cotangent.Runtime;

/// <summary>
/// Scalar sin and cos with exactly the bits of <see cref="VectorMath.Sin"/> and <see cref="VectorMath.Cos"/> on a
/// broadcast value: the same operations in the same order (no fused multiply-adds on either side), but with the quadrant
/// chosen by a branch, so only one of the two kernels runs. A chain of dependent scalar calls (a recurrence, a 0-d
/// program compiled by Jit) then waits for one polynomial instead of two plus the vector packing.
/// </summary>
internal static partial class VectorMath
{
    /// <summary>sin x; bit-identical to lane 0 of <see cref="Sin"/> on <c>Vector256.Create(x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SinScalar(double x)
    {
        double ax = Math.Abs(x);
        if (ax < 7.450580596923828e-9) return x;
        if (ax > TrigReductionLimit) return Math.Sin(x);
        var (hi, lo, q) = ReducePiOver2(x);
        double y = (q & 1) != 0 ? CosKernel(hi, lo) : SinKernel(hi, lo);
        return (q & 2) != 0 ? -y : y;
    }

    /// <summary>cos x; bit-identical to lane 0 of <see cref="Cos"/> on <c>Vector256.Create(x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double CosScalar(double x)
    {
        if (Math.Abs(x) > TrigReductionLimit) return Math.Cos(x);
        var (hi, lo, q) = ReducePiOver2(x);
        double y = (q & 1) != 0 ? SinKernel(hi, lo) : CosKernel(hi, lo);
        return ((q + 1) & 2) != 0 ? -y : y;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (double Hi, double Lo, long Quadrant) ReducePiOver2(double x)
    {
        double t = x * TwoOverPi + RoundMagic;
        double n = t - RoundMagic;
        double a = x - n * PiO2A;
        var (s1, e1) = TwoSum(a, -(n * PiO2B));
        var (s2, e2) = TwoSum(s1, -(n * PiO2C));
        double tail = (e1 + e2) - n * PiO2D;
        double hi = s2 + tail;
        double lo = (s2 - hi) + tail;
        return (hi, lo, BitConverter.DoubleToInt64Bits(t) & 3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (double S, double E) TwoSum(double a, double b)
    {
        double s = a + b;
        double bb = s - a;
        double e = (a - (s - bb)) + (b - bb);
        return (s, e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double SinKernel(double x, double y)
    {
        double z = x * x;
        double v = z * x;
        double r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
        return x - ((z * (0.5 * y - v * r) - y) - v * S1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double CosKernel(double x, double y)
    {
        double z = x * x;
        double w = z * z;
        double r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
        double hz = 0.5 * z;
        w = 1.0 - hz;
        return w + (((1.0 - w) - hz) + (z * r - x * y));
    }
}
