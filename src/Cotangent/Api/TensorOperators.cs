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

    public Tensor Compare(int kind, Tensor x, Tensor y) => kind switch
    {
        0 => Lax.Eq(x, y),
        1 => Lax.Lt(x, y),
        2 => Lax.Le(x, y),
        3 => Lax.Gt(x, y),
        _ => Lax.Ge(x, y),
    };

    public Tensor Logical(int kind, Tensor x, Tensor? y) => kind switch
    {
        0 => Lax.And(x, y!),
        1 => Lax.Or(x, y!),
        _ => Lax.Not(x),
    };

    public Tensor Index(Tensor x, TensorIndex[] items) => Np.Index(x, items);

    public Tensor Transpose(Tensor x) => Np.Transpose(x);

    public Tensor Reshape(Tensor x, int[] shape) => Np.Reshape(x, shape);

    public Tensor AsType(Tensor x, DType dtype) => Np.AsType(x, dtype);

    public Tensor Reduce(int kind, Tensor x, int[]? axes, bool keepDims) => kind switch
    {
        0 => Np.Sum(x, axes, keepDims),
        1 => Np.Mean(x, axes, keepDims),
        2 => Np.Max(x, axes, keepDims),
        _ => Np.Min(x, axes, keepDims),
    };
}
