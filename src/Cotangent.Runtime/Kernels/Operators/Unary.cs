using System.Numerics;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

/// <summary>−x (wrapping for int.MinValue).</summary>
internal readonly struct NegOperator<T> : IUnaryOperator<T>
    where T : INumber<T>
{
    public static bool Vectorizable => true;
    public static T Invoke(T x) => -x;
    public static Vector128<T> Invoke(Vector128<T> x) => -x;
    public static Vector256<T> Invoke(Vector256<T> x) => -x;
    public static Vector512<T> Invoke(Vector512<T> x) => -x;
}

/// <summary>|x| for int32, wrapping for int.MinValue (Math.Abs would throw).</summary>
internal readonly struct IntAbsOperator : IUnaryOperator<int>
{
    public static bool Vectorizable => true;
    public static int Invoke(int x) => x < 0 ? unchecked(-x) : x;
    public static Vector128<int> Invoke(Vector128<int> x) => Vector128.Abs(x);
    public static Vector256<int> Invoke(Vector256<int> x) => Vector256.Abs(x);
    public static Vector512<int> Invoke(Vector512<int> x) => Vector512.Abs(x);
}

/// <summary>sign(x): −1, 0 or 1; a float zero keeps its sign and NaN stays NaN.</summary>
internal readonly struct SignOperator<T> : IUnaryOperator<T>
    where T : INumber<T>
{
    public static bool Vectorizable => false;
    public static T Invoke(T x) => x > T.Zero ? T.One : x < T.Zero ? -T.One : x;
}

/// <summary>1 / √x, computed as a true division (no reciprocal-estimate instruction) so it is correctly rounded up to 1 ulp.</summary>
internal readonly struct RsqrtOperator<T> : IUnaryOperator<T>
    where T : IFloatingPointIeee754<T>
{
    public static bool Vectorizable => true;
    public static T Invoke(T x) => T.One / T.Sqrt(x);
    public static Vector128<T> Invoke(Vector128<T> x) => Vector128<T>.One / Vector128.Sqrt(x);
    public static Vector256<T> Invoke(Vector256<T> x) => Vector256<T>.One / Vector256.Sqrt(x);
    public static Vector512<T> Invoke(Vector512<T> x) => Vector512<T>.One / Vector512.Sqrt(x);
}

/// <summary>Logical not of bools stored as 0/1 bytes: x xor 1.</summary>
internal readonly struct NotOperator : IUnaryOperator<byte>
{
    public static bool Vectorizable => true;
    public static byte Invoke(byte x) => (byte)(x ^ 1);
    public static Vector128<byte> Invoke(Vector128<byte> x) => x ^ Vector128<byte>.One;
    public static Vector256<byte> Invoke(Vector256<byte> x) => x ^ Vector256<byte>.One;
    public static Vector512<byte> Invoke(Vector512<byte> x) => x ^ Vector512<byte>.One;
}
