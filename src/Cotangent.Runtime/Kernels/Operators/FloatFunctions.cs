using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

/// <summary>A real function evaluated natively in single precision on 8 lanes (<see cref="VectorMathF"/>).</summary>
internal interface IFloatFunction
{
    /// <summary>f on each lane.</summary>
    static abstract Vector256<float> Invoke(Vector256<float> x);
}

/// <summary>An <see cref="IFloatFunction"/> with a native sixteen-lane form giving the same bits per lane as its
/// eight-lane one (<see cref="WideFloatOperator{TFunction}"/> runs it on Vector512 without splitting).</summary>
internal interface IWideFloatFunction : IFloatFunction
{
    /// <summary>f on each of sixteen lanes.</summary>
    static abstract Vector512<float> Invoke(Vector512<float> x);
}

/// <summary>
/// Lifts an <see cref="IFloatFunction"/> to a unary f32 operator. Vector256 is the working width: Vector512 inputs are
/// two halves, Vector128 inputs (only when 256-bit vectors are not accelerated) go through the same 256-bit code, and the
/// scalar form evaluates the vector code on a broadcast value, so every path gives the same bits for the same input.
/// </summary>
internal readonly struct FloatOperator<TFunction> : IUnaryOperator<float>
    where TFunction : struct, IFloatFunction
{
    public static bool Vectorizable => true;

    public static float Invoke(float x) => TFunction.Invoke(Vector256.Create(x)).ToScalar();

    public static Vector128<float> Invoke(Vector128<float> x) => TFunction.Invoke(Vector256.Create(x, x)).GetLower();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x) => TFunction.Invoke(x);

    public static Vector512<float> Invoke(Vector512<float> x)
        => Vector512.Create(TFunction.Invoke(x.GetLower()), TFunction.Invoke(x.GetUpper()));
}

/// <summary><see cref="FloatOperator{TFunction}"/> for a function with a native Vector512 form, used at full width.</summary>
internal readonly struct WideFloatOperator<TFunction> : IUnaryOperator<float>
    where TFunction : struct, IWideFloatFunction
{
    public static bool Vectorizable => true;

    public static float Invoke(float x) => TFunction.Invoke(Vector256.Create(x)).ToScalar();

    public static Vector128<float> Invoke(Vector128<float> x) => TFunction.Invoke(Vector256.Create(x, x)).GetLower();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x) => TFunction.Invoke(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x) => TFunction.Invoke(x);
}

/// <summary>eˣ in f32.</summary>
internal readonly struct ExpFloat : IWideFloatFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x) => VectorMathF.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x) => VectorMathF.Exp(x);
}

/// <summary>eˣ − 1 in f32.</summary>
internal readonly struct Expm1Float : IFloatFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x) => VectorMathF.Expm1(x);
}

/// <summary>ln x in f32.</summary>
internal readonly struct LogFloat : IFloatFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x) => VectorMathF.Log(x);
}

/// <summary>ln(1 + x) in f32.</summary>
internal readonly struct Log1pFloat : IFloatFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x) => VectorMathF.Log1p(x);
}

/// <summary>tanh x in f32.</summary>
internal readonly struct TanhFloat : IWideFloatFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x) => VectorMathF.Tanh(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x) => VectorMathF.Tanh(x);
}

/// <summary>The logistic sigmoid in f32.</summary>
internal readonly struct LogisticFloat : IFloatFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x) => VectorMathF.Logistic(x);
}

/// <summary>softplus x = log(1 + eˣ) in f32 (not a primitive yet: for fused kernels and tests).</summary>
internal readonly struct SoftplusFloat : IFloatFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x) => VectorMathF.Softplus(x);
}

/// <summary>sin x in f32.</summary>
internal readonly struct SinFloat : IFloatFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x) => VectorMathF.Sin(x);
}

/// <summary>cos x in f32.</summary>
internal readonly struct CosFloat : IFloatFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x) => VectorMathF.Cos(x);
}

/// <summary>tan x in f32.</summary>
internal readonly struct TanFloat : IFloatFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x) => VectorMathF.Tan(x);
}

/// <summary>erf x in f32.</summary>
internal readonly struct ErfFloat : IFloatFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x) => VectorMathF.Erf(x);
}

/// <summary>erfc x in f32.</summary>
internal readonly struct ErfcFloat : IFloatFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x) => VectorMathF.Erfc(x);
}
