using System.Numerics;

namespace Cotangent.Runtime;

/// <summary>eˣ − 1, accurate near 0 (TensorPrimitives.ExpM1 is not). Float inputs are evaluated in double and rounded.</summary>
internal readonly struct Expm1Operator<T> : IUnaryOperator<T>
    where T : IFloatingPointIeee754<T>
{
    public static bool Vectorizable => false;
    public static T Invoke(T x) => T.CreateTruncating(SpecialFunctions.Expm1(double.CreateTruncating(x)));
}

/// <summary>ln(1 + x), accurate near 0 (TensorPrimitives.LogP1 is not).</summary>
internal readonly struct Log1pOperator<T> : IUnaryOperator<T>
    where T : IFloatingPointIeee754<T>
{
    public static bool Vectorizable => false;
    public static T Invoke(T x) => T.CreateTruncating(SpecialFunctions.Log1p(double.CreateTruncating(x)));
}

/// <summary>tanh x, accurate near 0 (TensorPrimitives.Tanh is not).</summary>
internal readonly struct TanhOperator<T> : IUnaryOperator<T>
    where T : IFloatingPointIeee754<T>
{
    public static bool Vectorizable => false;
    public static T Invoke(T x) => T.CreateTruncating(Math.Tanh(double.CreateTruncating(x)));
}

/// <summary>sinh x, accurate near 0 (TensorPrimitives.Sinh is not).</summary>
internal readonly struct SinhOperator<T> : IUnaryOperator<T>
    where T : IFloatingPointIeee754<T>
{
    public static bool Vectorizable => false;
    public static T Invoke(T x) => T.CreateTruncating(Math.Sinh(double.CreateTruncating(x)));
}

/// <summary>The error function (Cephes rational approximations, see <see cref="SpecialFunctions.Erf"/>).</summary>
internal readonly struct ErfOperator<T> : IUnaryOperator<T>
    where T : IFloatingPointIeee754<T>
{
    public static bool Vectorizable => false;
    public static T Invoke(T x) => T.CreateTruncating(SpecialFunctions.Erf(double.CreateTruncating(x)));
}

/// <summary>cosh x (TensorPrimitives.Cosh reaches ~9 ulps for f64, more than the kernels allow).</summary>
internal readonly struct CoshOperator<T> : IUnaryOperator<T>
    where T : IFloatingPointIeee754<T>
{
    public static bool Vectorizable => false;
    public static T Invoke(T x) => T.CreateTruncating(Math.Cosh(double.CreateTruncating(x)));
}

/// <summary>tan x by the scalar C runtime (TensorPrimitives.Tan is off by up to ~10 ulps on its Vector128 path).</summary>
internal readonly struct TanOperator<T> : IUnaryOperator<T>
    where T : IFloatingPointIeee754<T>
{
    public static bool Vectorizable => false;
    public static T Invoke(T x) => T.Tan(x);
}
