namespace Cotangent;

// NumPy-style indexing. Core knows no primitives, so the indexer forwards to the operators the API
// layer installs (Np.Index does the work).
public partial class Tensor
{
    /// <summary>
    /// NumPy indexing: ints (negative from the end), slices (<c>1..3</c>, <see cref="TensorIndex.Slice"/> with
    /// steps, negative steps reverse), <see cref="TensorIndex.NewAxis"/>, <see cref="TensorIndex.Ellipsis"/>, and
    /// int32 index tensors (advanced indexing with broadcasting). Differentiable with respect to this tensor.
    /// </summary>
    /// <exception cref="IndexBoundsException">An int is out of range or there are too many indices.</exception>
    /// <exception cref="DTypeException">An index tensor is not int32.</exception>
    public Tensor this[params TensorIndex[] items] => Ops.Index(this, items);

    /// <summary>The transpose (axes reversed), like NumPy's <c>x.T</c>.</summary>
    public Tensor T => Ops.Transpose(this);

    /// <summary>The same elements in a new shape; one extent may be −1 (inferred).</summary>
    /// <exception cref="ShapeException">The element counts differ.</exception>
    public Tensor Reshape(params int[] shape) => Ops.Reshape(this, shape);

    /// <summary>The elements converted to <paramref name="dtype"/>.</summary>
    public Tensor AsType(Runtime.DType dtype) => Ops.AsType(this, dtype);

    /// <summary>Σ over <paramref name="axes"/> (all when null).</summary>
    public Tensor Sum(int[]? axes = null, bool keepDims = false) => Ops.Sum(this, axes, keepDims);

    /// <summary>Σ over one axis.</summary>
    public Tensor Sum(int axis, bool keepDims = false) => Ops.Sum(this, [axis], keepDims);

    /// <summary>The mean over <paramref name="axes"/> (all when null).</summary>
    public Tensor Mean(int[]? axes = null, bool keepDims = false) => Ops.Mean(this, axes, keepDims);

    /// <summary>The mean over one axis.</summary>
    public Tensor Mean(int axis, bool keepDims = false) => Ops.Mean(this, [axis], keepDims);

    /// <summary>The maximum over <paramref name="axes"/> (all when null).</summary>
    public Tensor Max(int[]? axes = null, bool keepDims = false) => Ops.Max(this, axes, keepDims);

    /// <summary>The maximum over one axis.</summary>
    public Tensor Max(int axis, bool keepDims = false) => Ops.Max(this, [axis], keepDims);

    /// <summary>The minimum over <paramref name="axes"/> (all when null).</summary>
    public Tensor Min(int[]? axes = null, bool keepDims = false) => Ops.Min(this, axes, keepDims);

    /// <summary>The minimum over one axis.</summary>
    public Tensor Min(int axis, bool keepDims = false) => Ops.Min(this, [axis], keepDims);
}
