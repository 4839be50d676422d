using System.Numerics;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

/// <summary>x + y.</summary>
internal readonly struct AddOperator<T> : IBinaryOperator<T>
    where T : INumber<T>
{
    public static bool Vectorizable => true;
    public static T Invoke(T x, T y) => x + y;
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => x + y;
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x + y;
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x + y;
}

/// <summary>x − y.</summary>
internal readonly struct SubOperator<T> : IBinaryOperator<T>
    where T : INumber<T>
{
    public static bool Vectorizable => true;
    public static T Invoke(T x, T y) => x - y;
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => x - y;
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x - y;
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x - y;
}

/// <summary>x · y.</summary>
internal readonly struct MulOperator<T> : IBinaryOperator<T>
    where T : INumber<T>
{
    public static bool Vectorizable => true;
    public static T Invoke(T x, T y) => x * y;
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => x * y;
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x * y;
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x * y;
}

/// <summary>x / y for floats (IEEE: x/0 is ±∞ or NaN).</summary>
internal readonly struct DivOperator<T> : IBinaryOperator<T>
    where T : IFloatingPointIeee754<T>
{
    public static bool Vectorizable => true;
    public static T Invoke(T x, T y) => x / y;
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => x / y;
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x / y;
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x / y;
}

/// <summary>max(x, y) with NaN propagating and −0 &lt; +0 (the BCL's IEEE 754:2019 maximum, scalar and vector alike).</summary>
internal readonly struct MaxOperator<T> : IBinaryOperator<T>
    where T : INumber<T>
{
    public static bool Vectorizable => true;
    public static T Invoke(T x, T y) => T.Max(x, y);
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => Vector128.Max(x, y);
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.Max(x, y);
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => Vector512.Max(x, y);
}

/// <summary>min(x, y) with NaN propagating and −0 &lt; +0.</summary>
internal readonly struct MinOperator<T> : IBinaryOperator<T>
    where T : INumber<T>
{
    public static bool Vectorizable => true;
    public static T Invoke(T x, T y) => T.Min(x, y);
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => Vector128.Min(x, y);
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.Min(x, y);
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => Vector512.Min(x, y);
}

/// <summary>atan2(x, y): the angle of the point (y, x), in (−π, π].</summary>
internal readonly struct Atan2Operator<T> : IBinaryOperator<T>
    where T : IFloatingPointIeee754<T>
{
    public static bool Vectorizable => false;
    public static T Invoke(T x, T y) => T.Atan2(x, y);
}

/// <summary>fmod: x − trunc(x / y)·y computed exactly, with the sign of x.</summary>
internal readonly struct RemOperator<T> : IBinaryOperator<T>
    where T : IFloatingPointIeee754<T>
{
    public static bool Vectorizable => false;
    public static T Invoke(T x, T y) => x % y;
}

/// <summary>
/// Integer x / y truncating toward zero. Division by zero does not trap: as in XLA, x / 0 = −1 and
/// int.MinValue / −1 = int.MinValue (two's-complement wrap).
/// </summary>
internal readonly struct IntDivOperator : IBinaryOperator<int>
{
    public static bool Vectorizable => false;
    public static int Invoke(int x, int y) => y == 0 ? -1 : y == -1 ? unchecked(-x) : x / y;
}

/// <summary>Integer remainder with the sign of x. As in XLA, x % 0 = x and int.MinValue % −1 = 0.</summary>
internal readonly struct IntRemOperator : IBinaryOperator<int>
{
    public static bool Vectorizable => false;
    public static int Invoke(int x, int y) => y == 0 ? x : y == -1 ? 0 : x % y;
}

/// <summary>
/// Integer xʸ by repeated squaring, wrapping on overflow. A negative exponent gives the truncated 1 / x^|y|:
/// 1 for x = 1, ±1 for x = −1, and 0 otherwise (including x = 0).
/// </summary>
internal readonly struct IntPowOperator : IBinaryOperator<int>
{
    public static bool Vectorizable => false;

    public static int Invoke(int x, int y)
    {
        if (y < 0) return x == 1 ? 1 : x == -1 ? ((y & 1) == 0 ? 1 : -1) : 0;
        int result = 1;
        unchecked
        {
            while (y != 0)
            {
                if ((y & 1) != 0) result *= x;
                x *= x;
                y >>= 1;
            }
        }

        return result;
    }
}

/// <summary>Logical and of bools stored as 0/1 bytes (also min for bool).</summary>
internal readonly struct AndOperator : IBinaryOperator<byte>
{
    public static bool Vectorizable => true;
    public static byte Invoke(byte x, byte y) => (byte)(x & y);
    public static Vector128<byte> Invoke(Vector128<byte> x, Vector128<byte> y) => x & y;
    public static Vector256<byte> Invoke(Vector256<byte> x, Vector256<byte> y) => x & y;
    public static Vector512<byte> Invoke(Vector512<byte> x, Vector512<byte> y) => x & y;
}

/// <summary>Logical or of bools stored as 0/1 bytes (also max for bool).</summary>
internal readonly struct OrOperator : IBinaryOperator<byte>
{
    public static bool Vectorizable => true;
    public static byte Invoke(byte x, byte y) => (byte)(x | y);
    public static Vector128<byte> Invoke(Vector128<byte> x, Vector128<byte> y) => x | y;
    public static Vector256<byte> Invoke(Vector256<byte> x, Vector256<byte> y) => x | y;
    public static Vector512<byte> Invoke(Vector512<byte> x, Vector512<byte> y) => x | y;
}
