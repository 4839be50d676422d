namespace Cotangent.Runtime;

/// <summary>Elementwise one-input operations.</summary>
public enum UnaryOp
{
    /// <summary>−x.</summary>
    Neg,
    /// <summary>eˣ.</summary>
    Exp,
    /// <summary>ln x.</summary>
    Log,
    /// <summary>ln(1 + x), accurate near 0.</summary>
    Log1p,
    /// <summary>eˣ − 1, accurate near 0.</summary>
    Expm1,
    /// <summary>sin x.</summary>
    Sin,
    /// <summary>cos x.</summary>
    Cos,
    /// <summary>tan x.</summary>
    Tan,
    /// <summary>arcsin x.</summary>
    Asin,
    /// <summary>arccos x.</summary>
    Acos,
    /// <summary>arctan x.</summary>
    Atan,
    /// <summary>sinh x.</summary>
    Sinh,
    /// <summary>cosh x.</summary>
    Cosh,
    /// <summary>tanh x.</summary>
    Tanh,
    /// <summary>1 / (1 + e⁻ˣ).</summary>
    Logistic,
    /// <summary>√x.</summary>
    Sqrt,
    /// <summary>1 / √x.</summary>
    Rsqrt,
    /// <summary>|x|.</summary>
    Abs,
    /// <summary>−1, 0 or 1 (NaN stays NaN).</summary>
    Sign,
    /// <summary>⌊x⌋.</summary>
    Floor,
    /// <summary>⌈x⌉.</summary>
    Ceil,
    /// <summary>Round half to even (NumPy's rule).</summary>
    Round,
    /// <summary>The error function.</summary>
    Erf,
    /// <summary>The complementary error function 1 − erf x, accurate where it is tiny (x ≫ 1).</summary>
    Erfc,
    /// <summary>Logical not (bool only).</summary>
    Not,
    /// <summary>2ˣ, exact for integral x.</summary>
    Exp2,
    /// <summary>log₂ x, exact at powers of two.</summary>
    Log2,
    /// <summary>log₁₀ x, exact at the powers of ten a double holds exactly (10⁰ … 10²²).</summary>
    Log10,
}

/// <summary>Elementwise two-input operations with NumPy broadcasting. Both inputs share one dtype.</summary>
public enum BinaryOp
{
    /// <summary>x + y.</summary>
    Add,
    /// <summary>x − y.</summary>
    Sub,
    /// <summary>x · y.</summary>
    Mul,
    /// <summary>x / y (integer division truncates toward zero).</summary>
    Div,
    /// <summary>xʸ.</summary>
    Pow,
    /// <summary>max(x, y); NaN propagates.</summary>
    Max,
    /// <summary>min(x, y); NaN propagates.</summary>
    Min,
    /// <summary>atan2(x, y): the angle of the point (y, x).</summary>
    Atan2,
    /// <summary>Remainder with the sign of x (C's fmod; truncated division).</summary>
    Rem,
    /// <summary>Logical and (bool only).</summary>
    And,
    /// <summary>Logical or (bool only).</summary>
    Or,
}

/// <summary>Elementwise comparisons with NumPy broadcasting; the result is bool.</summary>
public enum CompareOp
{
    /// <summary>x == y.</summary>
    Eq,
    /// <summary>x != y.</summary>
    Ne,
    /// <summary>x &lt; y.</summary>
    Lt,
    /// <summary>x ≤ y.</summary>
    Le,
    /// <summary>x &gt; y.</summary>
    Gt,
    /// <summary>x ≥ y.</summary>
    Ge,
}

/// <summary>Reductions over a set of axes.</summary>
public enum ReduceOp
{
    /// <summary>Σ; the identity is 0.</summary>
    Sum,
    /// <summary>max; the identity is −∞ (int: int.MinValue); NaN propagates.</summary>
    Max,
    /// <summary>min; the identity is +∞ (int: int.MaxValue); NaN propagates.</summary>
    Min,
    /// <summary>Π; the identity is 1.</summary>
    Prod,
}
