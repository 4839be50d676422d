using Cotangent.Core;
using Cotangent.Runtime;

namespace Cotangent;

// Operators. A C# numeric literal mixed with a tensor takes the tensor's dtype ("weak typing", like a
// Python scalar in JAX), so `x * 2` works for float32, float64 and int32 tensors alike.
public partial class Tensor
{
    /// <summary>The operator implementation, installed by the API layer.</summary>
    internal static ITensorOperators Ops { get; set; } = null!;

    /// <summary>A rank-0 tensor of <paramref name="like"/>'s dtype holding <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="like"/> (the tensor operand) is null.</exception>
    internal static Tensor Weak(double value, Tensor like) =>
        ScalarCache.Get(value, (like ?? throw new ArgumentNullException(paramName: null, "The tensor operand is null.")).DType);

    /// <summary>x + y.</summary>
    public static Tensor operator +(Tensor x, Tensor y) => Ops.Add(x, y);

    /// <summary>x + c.</summary>
    public static Tensor operator +(Tensor x, double c) => Ops.Add(x, Weak(c, x));

    /// <summary>c + x.</summary>
    public static Tensor operator +(double c, Tensor x) => Ops.Add(Weak(c, x), x);

    /// <summary>x − y.</summary>
    public static Tensor operator -(Tensor x, Tensor y) => Ops.Subtract(x, y);

    /// <summary>x − c.</summary>
    public static Tensor operator -(Tensor x, double c) => Ops.Subtract(x, Weak(c, x));

    /// <summary>c − x.</summary>
    public static Tensor operator -(double c, Tensor x) => Ops.Subtract(Weak(c, x), x);

    /// <summary>x · y.</summary>
    public static Tensor operator *(Tensor x, Tensor y) => Ops.Multiply(x, y);

    /// <summary>x · c.</summary>
    public static Tensor operator *(Tensor x, double c) => Ops.Multiply(x, Weak(c, x));

    /// <summary>c · x.</summary>
    public static Tensor operator *(double c, Tensor x) => Ops.Multiply(Weak(c, x), x);

    /// <summary>x / y.</summary>
    public static Tensor operator /(Tensor x, Tensor y) => Ops.Divide(x, y);

    /// <summary>x / c.</summary>
    public static Tensor operator /(Tensor x, double c) => Ops.Divide(x, Weak(c, x));

    /// <summary>c / x.</summary>
    public static Tensor operator /(double c, Tensor x) => Ops.Divide(Weak(c, x), x);

    /// <summary>Remainder with the sign of x.</summary>
    public static Tensor operator %(Tensor x, Tensor y) => Ops.Remainder(x, y);

    /// <summary>Remainder with the sign of x.</summary>
    public static Tensor operator %(Tensor x, double c) => Ops.Remainder(x, Weak(c, x));

    /// <summary>−x.</summary>
    public static Tensor operator -(Tensor x) => Ops.Negate(x);

    /// <summary>x &lt; y elementwise (bool).</summary>
    public static Tensor operator <(Tensor x, Tensor y) => Ops.Compare(CompareOp.Lt, x, y);

    /// <summary>x &gt; y elementwise (bool).</summary>
    public static Tensor operator >(Tensor x, Tensor y) => Ops.Compare(CompareOp.Gt, x, y);

    /// <summary>x ≤ y elementwise (bool).</summary>
    public static Tensor operator <=(Tensor x, Tensor y) => Ops.Compare(CompareOp.Le, x, y);

    /// <summary>x ≥ y elementwise (bool).</summary>
    public static Tensor operator >=(Tensor x, Tensor y) => Ops.Compare(CompareOp.Ge, x, y);

    /// <summary>x &lt; c elementwise (bool).</summary>
    public static Tensor operator <(Tensor x, double c) => Ops.Compare(CompareOp.Lt, x, Weak(c, x));

    /// <summary>x &gt; c elementwise (bool).</summary>
    public static Tensor operator >(Tensor x, double c) => Ops.Compare(CompareOp.Gt, x, Weak(c, x));

    /// <summary>x ≤ c elementwise (bool).</summary>
    public static Tensor operator <=(Tensor x, double c) => Ops.Compare(CompareOp.Le, x, Weak(c, x));

    /// <summary>x ≥ c elementwise (bool).</summary>
    public static Tensor operator >=(Tensor x, double c) => Ops.Compare(CompareOp.Ge, x, Weak(c, x));

    /// <summary>
    /// Elementwise x == y, a bool tensor (NumPy's and JAX's meaning, like <see cref="Np.Equal(Tensor, Tensor)"/>); it is
    /// not identity. To test identity use <c>ReferenceEquals(x, y)</c> or <c>x is null</c>; to test whether two tensors hold
    /// the same values use <c>Np.ArrayEqual</c> or <c>Np.AllClose</c>. <see cref="Equals(object?)"/> and
    /// <see cref="GetHashCode"/> stay reference identity, so tensors still work as dictionary keys and in sets.
    /// </summary>
    /// <exception cref="ArgumentNullException">x or y is null.</exception>
    public static Tensor operator ==(Tensor x, Tensor y) => Ops.Compare(CompareOp.Eq, x, y);

    /// <summary>Elementwise x != y, a bool tensor (see <see cref="op_Equality(Tensor, Tensor)"/>).</summary>
    /// <exception cref="ArgumentNullException">x or y is null.</exception>
    public static Tensor operator !=(Tensor x, Tensor y) => Ops.Compare(CompareOp.Ne, x, y);

    /// <summary>Elementwise x == c, the literal taking x's dtype.</summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor operator ==(Tensor x, double c) => Ops.Compare(CompareOp.Eq, x, Weak(c, x));

    /// <summary>Elementwise x != c, the literal taking x's dtype.</summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor operator !=(Tensor x, double c) => Ops.Compare(CompareOp.Ne, x, Weak(c, x));

    /// <summary>Reference identity (the operators <c>==</c>/<c>!=</c> are elementwise instead).</summary>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    /// <summary>Identity hash, consistent with <see cref="Equals(object?)"/>.</summary>
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    /// <summary>Logical and of bool tensors.</summary>
    public static Tensor operator &(Tensor x, Tensor y) => Ops.And(x, y);

    /// <summary>Logical or of bool tensors.</summary>
    public static Tensor operator |(Tensor x, Tensor y) => Ops.Or(x, y);

    /// <summary>Logical not of a bool tensor.</summary>
    public static Tensor operator !(Tensor x) => Ops.Not(x);
}
