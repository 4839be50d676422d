using System.Numerics;

namespace Cotangent.Runtime;

/// <summary>x == y (NaN is unequal to everything).</summary>
internal readonly struct EqOperator<T> : ICompareOperator<T>
    where T : INumber<T>
{
    public static bool Invoke(T x, T y) => x == y;
}

/// <summary>x != y (true when either is NaN).</summary>
internal readonly struct NeOperator<T> : ICompareOperator<T>
    where T : INumber<T>
{
    public static bool Invoke(T x, T y) => x != y;
}

/// <summary>x &lt; y (false when either is NaN).</summary>
internal readonly struct LtOperator<T> : ICompareOperator<T>
    where T : INumber<T>
{
    public static bool Invoke(T x, T y) => x < y;
}

/// <summary>x ≤ y (false when either is NaN).</summary>
internal readonly struct LeOperator<T> : ICompareOperator<T>
    where T : INumber<T>
{
    public static bool Invoke(T x, T y) => x <= y;
}

/// <summary>x &gt; y (false when either is NaN).</summary>
internal readonly struct GtOperator<T> : ICompareOperator<T>
    where T : INumber<T>
{
    public static bool Invoke(T x, T y) => x > y;
}

/// <summary>x ≥ y (false when either is NaN).</summary>
internal readonly struct GeOperator<T> : ICompareOperator<T>
    where T : INumber<T>
{
    public static bool Invoke(T x, T y) => x >= y;
}
