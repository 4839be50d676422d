using System.Numerics;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

/// <summary>x == y (NaN is unequal to everything).</summary>
internal readonly struct EqOperator<T> : ICompareOperator<T>
    where T : INumber<T>
{
    public static bool Invoke(T x, T y) => x == y;

    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.Equals(x, y);
}

/// <summary>x != y (true when either is NaN).</summary>
internal readonly struct NeOperator<T> : ICompareOperator<T>
    where T : INumber<T>
{
    public static bool Invoke(T x, T y) => x != y;

    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => ~Vector256.Equals(x, y);
}

/// <summary>x &lt; y (false when either is NaN).</summary>
internal readonly struct LtOperator<T> : ICompareOperator<T>
    where T : INumber<T>
{
    public static bool Invoke(T x, T y) => x < y;

    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.LessThan(x, y);
}

/// <summary>x ≤ y (false when either is NaN).</summary>
internal readonly struct LeOperator<T> : ICompareOperator<T>
    where T : INumber<T>
{
    public static bool Invoke(T x, T y) => x <= y;

    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.LessThanOrEqual(x, y);
}

/// <summary>x &gt; y (false when either is NaN).</summary>
internal readonly struct GtOperator<T> : ICompareOperator<T>
    where T : INumber<T>
{
    public static bool Invoke(T x, T y) => x > y;

    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.GreaterThan(x, y);
}

/// <summary>x ≥ y (false when either is NaN).</summary>
internal readonly struct GeOperator<T> : ICompareOperator<T>
    where T : INumber<T>
{
    public static bool Invoke(T x, T y) => x >= y;

    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.GreaterThanOrEqual(x, y);
}
