using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

/// <summary>
/// xʸ for f64 via <see cref="VectorMath.Pow"/> (log₂|x| and y·log₂|x| in double-double, one exponential). Lanes it does
/// not cover (x = ±0, x or y infinite, a NaN, results that overflow or leave the normal range, negative x with |y| ≥ 2⁵¹)
/// take Math.Pow lane by lane, chosen per lane so a result depends only on its own operands; the scalar form evaluates
/// the vector code on broadcast values, and Vector128/Vector512 go through the same 256-bit code.
/// </summary>
internal readonly struct PowDoubleOperator : IBinaryOperator<double>
{
    public static bool Vectorizable => true;

    public static double Invoke(double x, double y) => Invoke(Vector256.Create(x), Vector256.Create(y)).ToScalar();

    public static Vector128<double> Invoke(Vector128<double> x, Vector128<double> y)
        => Invoke(Vector256.Create(x, x), Vector256.Create(y, y)).GetLower();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x, Vector256<double> y)
    {
        var (r, regular) = VectorMath.Pow(x, y);
        return regular == Vector256<double>.AllBitsSet ? r : SpecialLanes(x, y, r, regular);
    }

    public static Vector512<double> Invoke(Vector512<double> x, Vector512<double> y)
        => Vector512.Create(Invoke(x.GetLower(), y.GetLower()), Invoke(x.GetUpper(), y.GetUpper()));

    /// <summary>The lanes that are not regular through Math.Pow (C's pow: pow(x, ±0) = 1, pow(1, y) = 1, overflow to ±∞ …).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<double> SpecialLanes(Vector256<double> x, Vector256<double> y, Vector256<double> r, Vector256<double> regular)
    {
        Span<double> lanes = stackalloc double[4];
        for (int i = 0; i < 4; i++) lanes[i] = regular.AsInt64().GetElement(i) != 0 ? r.GetElement(i) : Math.Pow(x.GetElement(i), y.GetElement(i));
        return Vector256.Create<double>(lanes);
    }
}
