using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

/// <summary>
/// xʸ for f32 as 2^{y·log₂|x|} evaluated in double (<see cref="VectorMath.Log2"/>, <see cref="VectorMath.Exp2"/>) and
/// rounded once: the double product's error is below 2⁻⁴⁵ relative wherever the f32 result is finite and nonzero, so
/// the result is within an ulp. A negative x gives the sign of an odd integral y, or NaN for a non-integral y. Lanes
/// with x = ±0, x or y infinite, or a NaN (rare) take MathF.Pow lane by lane, chosen per lane so a result depends only
/// on its own operands; the scalar form evaluates the vector code on broadcast values.
/// </summary>
internal readonly struct PowFloatOperator : IBinaryOperator<float>
{
    public static bool Vectorizable => true;

    public static float Invoke(float x, float y) => Invoke(Vector256.Create(x), Vector256.Create(y)).ToScalar();

    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> y)
        => Invoke(Vector256.Create(x, x), Vector256.Create(y, y)).GetLower();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y)
    {
        var (xl, xh) = Vector256.Widen(x);
        var (yl, yh) = Vector256.Widen(y);
        var r = Vector256.Narrow(Half(xl, yl), Half(xh, yh));
        var regular = Vector256.GreaterThan(Vector256.Abs(x), Vector256<float>.Zero) & Vector256.LessThan(Vector256.Abs(x), Vector256.Create(float.PositiveInfinity))
            & Vector256.LessThan(Vector256.Abs(y), Vector256.Create(float.PositiveInfinity));
        return regular == Vector256<float>.AllBitsSet ? r : SpecialLanes(x, y, r, regular);
    }

    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y)
        => Vector512.Create(Invoke(x.GetLower(), y.GetLower()), Invoke(x.GetUpper(), y.GetUpper()));

    /// <summary>|x|ʸ = 2^{y·log₂|x|} with the sign fixed for negative x: −|x|ʸ for odd integral y, NaN for non-integral y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Half(Vector256<double> x, Vector256<double> y)
    {
        var p = VectorMath.Exp2(y * VectorMath.Log2(Vector256.Abs(x)));

        // y + 1.5·2⁵² − 1.5·2⁵² rounds y (f32 values below 2²⁴ in magnitude), and the integer's low bit is y's parity;
        // from 2²⁴ on every f32 is an even integer.
        const double magic = 6755399441055744.0;
        var t = y + Vector256.Create(magic);
        var integral = Vector256.Equals(t - Vector256.Create(magic), y) | Vector256.GreaterThanOrEqual(Vector256.Abs(y), Vector256.Create(16777216.0));
        var odd = Vector256.Equals(t.AsInt64() & Vector256.Create(1L), Vector256.Create(1L)).AsDouble()
            & Vector256.LessThan(Vector256.Abs(y), Vector256.Create(16777216.0));
        var negative = Vector256.LessThan(x, Vector256<double>.Zero);
        var signed = Vector256.ConditionalSelect(odd, -p, p);
        return Vector256.ConditionalSelect(negative, Vector256.ConditionalSelect(integral, signed, Vector256.Create(double.NaN)), p);
    }

    /// <summary>The lanes that are not regular through MathF.Pow (C's powf: pow(x, ±0) = 1, pow(1, y) = 1, …).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<float> SpecialLanes(Vector256<float> x, Vector256<float> y, Vector256<float> r, Vector256<float> regular)
    {
        Span<float> lanes = stackalloc float[8];
        for (int i = 0; i < 8; i++) lanes[i] = regular.AsInt32().GetElement(i) != 0 ? r.GetElement(i) : MathF.Pow(x.GetElement(i), y.GetElement(i));
        return Vector256.Create<float>(lanes);
    }
}
