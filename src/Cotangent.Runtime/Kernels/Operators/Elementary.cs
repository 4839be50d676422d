using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

// The elementary functions as IDoubleFunction operators over VectorMath. The scalar Invoke evaluates the same vector
// code on a broadcast value, so a result never depends on which path (vector, overlapping tail, short array, lane
// fallback) computed it.

/// <summary>eˣ.</summary>
internal readonly struct ExpFunction : IWideDoubleFunction
{
    public static double Invoke(double x) => VectorMath.Exp(Vector256.Create(x)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x) => VectorMath.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x) => VectorMath.Exp(x);
}

/// <summary>2ˣ.</summary>
internal readonly struct Exp2Function : IDoubleFunction
{
    public static double Invoke(double x) => VectorMath.Exp2(Vector256.Create(x)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x) => VectorMath.Exp2(x);
}

/// <summary>ln x.</summary>
internal readonly struct LogFunction : IDoubleFunction
{
    public static double Invoke(double x) => VectorMath.Log(Vector256.Create(x)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x) => VectorMath.Log(x);
}

/// <summary>log₂ x.</summary>
internal readonly struct Log2Function : IDoubleFunction
{
    public static double Invoke(double x) => VectorMath.Log2(Vector256.Create(x)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x) => VectorMath.Log2(x);
}

/// <summary>log₁₀ x.</summary>
internal readonly struct Log10Function : IDoubleFunction
{
    public static double Invoke(double x) => VectorMath.Log10(Vector256.Create(x)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x) => VectorMath.Log10(x);
}

/// <summary>sin x.</summary>
internal readonly struct SinFunction : IDoubleFunction
{
    public static double Invoke(double x) => VectorMath.SinScalar(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x) => VectorMath.Sin(x);
}

/// <summary>cos x.</summary>
internal readonly struct CosFunction : IDoubleFunction
{
    public static double Invoke(double x) => VectorMath.CosScalar(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x) => VectorMath.Cos(x);
}

/// <summary>arcsin x.</summary>
internal readonly struct AsinFunction : IDoubleFunction
{
    public static double Invoke(double x) => VectorMath.Asin(Vector256.Create(x)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x) => VectorMath.Asin(x);
}

/// <summary>arccos x.</summary>
internal readonly struct AcosFunction : IDoubleFunction
{
    public static double Invoke(double x) => VectorMath.Acos(Vector256.Create(x)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x) => VectorMath.Acos(x);
}

/// <summary>arctan x.</summary>
internal readonly struct AtanFunction : IDoubleFunction
{
    public static double Invoke(double x) => VectorMath.Atan(Vector256.Create(x)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x) => VectorMath.Atan(x);
}

/// <summary>
/// The logistic sigmoid: 1/(1 + e) for x ≥ 0 and e/(1 + e) for x &lt; 0, with e = e^{−|x|} ≤ 1, so e never overflows
/// and very negative x (down to −745, where the result is subnormal) keep their value instead of 1/∞ = 0.
/// </summary>
internal readonly struct LogisticFunction : IDoubleFunction
{
    public static double Invoke(double x) => Invoke(Vector256.Create(x)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x)
    {
        var e = VectorMath.Exp(-Vector256.Abs(x));
        var num = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<double>.Zero), e, Vector256<double>.One);
        return num / (Vector256<double>.One + e);
    }
}

/// <summary>tan x.</summary>
internal readonly struct TanFunction : IDoubleFunction
{
    public static double Invoke(double x) => VectorMath.Tan(Vector256.Create(x)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x) => VectorMath.Tan(x);
}
