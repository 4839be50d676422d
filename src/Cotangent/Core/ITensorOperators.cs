namespace Cotangent.Core;

/// <summary>
/// The arithmetic behind <see cref="Tensor"/>'s C# operators. Core knows no primitives, so the API
/// layer installs the implementation at load time (as JAX attaches array methods after defining lax).
/// </summary>
public interface ITensorOperators
{
    /// <summary>x + y with broadcasting.</summary>
    Tensor Add(Tensor x, Tensor y);

    /// <summary>x − y with broadcasting.</summary>
    Tensor Subtract(Tensor x, Tensor y);

    /// <summary>x · y elementwise with broadcasting.</summary>
    Tensor Multiply(Tensor x, Tensor y);

    /// <summary>x / y elementwise with broadcasting.</summary>
    Tensor Divide(Tensor x, Tensor y);

    /// <summary>Remainder with the sign of x.</summary>
    Tensor Remainder(Tensor x, Tensor y);

    /// <summary>−x.</summary>
    Tensor Negate(Tensor x);

    /// <summary>Elementwise comparison with broadcasting (bool result).</summary>
    Tensor Compare(Runtime.CompareOp op, Tensor x, Tensor y);

    /// <summary>Logical and of bool tensors.</summary>
    Tensor And(Tensor x, Tensor y);

    /// <summary>Logical or of bool tensors.</summary>
    Tensor Or(Tensor x, Tensor y);

    /// <summary>Logical not of a bool tensor.</summary>
    Tensor Not(Tensor x);

    /// <summary>NumPy indexing <c>x[items]</c>.</summary>
    Tensor Index(Tensor x, TensorIndex[] items);

    /// <summary>Reverses the axes.</summary>
    Tensor Transpose(Tensor x);

    /// <summary>Reshape with one optional −1 extent.</summary>
    Tensor Reshape(Tensor x, int[] shape);

    /// <summary>Element type conversion.</summary>
    Tensor AsType(Tensor x, Runtime.DType dtype);

    /// <summary>Σ over axes (null: all).</summary>
    Tensor Sum(Tensor x, int[]? axes, bool keepDims);

    /// <summary>Mean over axes (null: all).</summary>
    Tensor Mean(Tensor x, int[]? axes, bool keepDims);

    /// <summary>Maximum over axes (null: all).</summary>
    Tensor Max(Tensor x, int[]? axes, bool keepDims);

    /// <summary>Minimum over axes (null: all).</summary>
    Tensor Min(Tensor x, int[]? axes, bool keepDims);
}
