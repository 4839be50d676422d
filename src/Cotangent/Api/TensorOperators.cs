using System.Runtime.CompilerServices;
using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent;

/// <summary>Implements <see cref="Tensor"/>'s C# operators with NumPy semantics and installs them when the assembly loads.</summary>
internal sealed class TensorOperators : ITensorOperators
{
#pragma warning disable CA2255 // A module initializer is the way to attach the API-layer operators to the Core-layer Tensor.
    [ModuleInitializer]
    internal static void Install() => Tensor.Ops = new TensorOperators();
#pragma warning restore CA2255

    public Tensor Add(Tensor x, Tensor y) => Lax.Add(x, y);

    public Tensor Subtract(Tensor x, Tensor y) => Lax.Sub(x, y);

    public Tensor Multiply(Tensor x, Tensor y) => Lax.Mul(x, y);

    public Tensor Divide(Tensor x, Tensor y) => Lax.Div(x, y);

    public Tensor Remainder(Tensor x, Tensor y) => Lax.Rem(x, y);

    public Tensor Negate(Tensor x) => Lax.Neg(x);

    public Tensor Compare(CompareOp op, Tensor x, Tensor y) => op switch
    {
        CompareOp.Eq => Lax.Eq(x, y),
        CompareOp.Ne => Lax.Ne(x, y),
        CompareOp.Lt => Lax.Lt(x, y),
        CompareOp.Le => Lax.Le(x, y),
        CompareOp.Gt => Lax.Gt(x, y),
        _ => Lax.Ge(x, y),
    };

    public Tensor And(Tensor x, Tensor y) => Lax.And(x, y);

    public Tensor Or(Tensor x, Tensor y) => Lax.Or(x, y);

    public Tensor Not(Tensor x) => Lax.Not(x);

    public Tensor Index(Tensor x, TensorIndex[] items) => Np.Index(x, items);

    public Tensor Transpose(Tensor x) => Np.Transpose(x);

    public Tensor Reshape(Tensor x, int[] shape) => Np.Reshape(x, shape);

    public Tensor AsType(Tensor x, DType dtype) => Np.AsType(x, dtype);

    public Tensor Sum(Tensor x, int[]? axes, bool keepDims) => Np.Sum(x, axes, keepDims);

    public Tensor Mean(Tensor x, int[]? axes, bool keepDims) => Np.Mean(x, axes, keepDims);

    public Tensor Max(Tensor x, int[]? axes, bool keepDims) => Np.Max(x, axes, keepDims);

    public Tensor Min(Tensor x, int[]? axes, bool keepDims) => Np.Min(x, axes, keepDims);
}
