using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

/// <summary>
/// Lifts a double-precision <see cref="IDoubleFunction"/> to a unary operator over f64 or f32. Vector256 is the
/// working width: Vector512 inputs are processed as two halves (which also keeps the out-of-line Vector512 math
/// calls and their stack-alignment sensitivity out of the loop), f32 lanes are widened to two double vectors and
/// narrowed back (one rounding, so f32 results are within 1 ulp of the double result), and Vector128 inputs,
/// which only occur when 256-bit vectors are not accelerated, are evaluated lane by lane with the scalar function.
/// </summary>
internal readonly struct ViaDoubleOperator<T, TFunction> : IUnaryOperator<T>
    where T : IFloatingPointIeee754<T>
    where TFunction : struct, IDoubleFunction
{
    public static bool Vectorizable => true;

    public static T Invoke(T x) => T.CreateTruncating(TFunction.Invoke(double.CreateTruncating(x)));

    public static Vector128<T> Invoke(Vector128<T> x)
    {
        var r = Vector128<T>.Zero;
        for (int i = 0; i < Vector128<T>.Count; i++) r = r.WithElement(i, Invoke(x.GetElement(i)));
        return r;
    }

    public static Vector256<T> Invoke(Vector256<T> x)
    {
        if (typeof(T) == typeof(double)) return TFunction.Invoke(x.AsDouble()).As<double, T>();
        var (lo, hi) = Vector256.Widen(x.AsSingle());
        return Vector256.Narrow(TFunction.Invoke(lo), TFunction.Invoke(hi)).As<float, T>();
    }

    public static Vector512<T> Invoke(Vector512<T> x) => Vector512.Create(Invoke(x.GetLower()), Invoke(x.GetUpper()));
}

/// <summary>
/// An <see cref="IDoubleFunction"/> as an f64 operator with no generic conversions in the way: the same function, so
/// the same bits as <see cref="ViaDoubleOperator{T, TFunction}"/> at T = double, but inlined into a generated loop
/// without the reinterpreting copies the generic form leaves the JIT (which spill vector registers in long loops).
/// </summary>
internal readonly struct DoubleFunctionOperator<TFunction> : IUnaryOperator<double>
    where TFunction : struct, IDoubleFunction
{
    public static bool Vectorizable => true;

    public static double Invoke(double x) => TFunction.Invoke(x);

    public static Vector128<double> Invoke(Vector128<double> x) => ViaDoubleOperator<double, TFunction>.Invoke(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x) => TFunction.Invoke(x);

    public static Vector512<double> Invoke(Vector512<double> x) => Vector512.Create(TFunction.Invoke(x.GetLower()), TFunction.Invoke(x.GetUpper()));
}

/// <summary><see cref="DoubleFunctionOperator{TFunction}"/> for a function with a native Vector512 form, used at full
/// width (the same bits as the two halves would give).</summary>
internal readonly struct WideDoubleOperator<TFunction> : IUnaryOperator<double>
    where TFunction : struct, IWideDoubleFunction
{
    public static bool Vectorizable => true;

    public static double Invoke(double x) => TFunction.Invoke(x);

    public static Vector128<double> Invoke(Vector128<double> x) => ViaDoubleOperator<double, TFunction>.Invoke(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Invoke(Vector256<double> x) => TFunction.Invoke(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Invoke(Vector512<double> x) => TFunction.Invoke(x);
}
