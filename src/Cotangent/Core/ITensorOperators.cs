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

    /// <summary>Elementwise comparison: 0 for ==, 1 for &lt;, 2 for ≤, 3 for &gt;, 4 for ≥.</summary>
    Tensor Compare(int kind, Tensor x, Tensor y);

    /// <summary>Logical and/or/not on bool tensors (0 and, 1 or, 2 not).</summary>
    Tensor Logical(int kind, Tensor x, Tensor? y);

    /// <summary>NumPy indexing <c>x[items]</c>.</summary>
    Tensor Index(Tensor x, TensorIndex[] items);

    /// <summary>Reverses the axes.</summary>
    Tensor Transpose(Tensor x);

    /// <summary>Reshape with one optional −1 extent.</summary>
    Tensor Reshape(Tensor x, int[] shape);

    /// <summary>Element type conversion.</summary>
    Tensor AsType(Tensor x, Runtime.DType dtype);

    /// <summary>Reduction over axes (null: all): 0 sum, 1 mean, 2 max, 3 min.</summary>
    Tensor Reduce(int kind, Tensor x, int[]? axes, bool keepDims);
}
