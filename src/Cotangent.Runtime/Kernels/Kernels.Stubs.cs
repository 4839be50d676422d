namespace Cotangent.Runtime;

// API CONTRACT (temporary stubs). Each method moves to its own Kernels.<Family>.cs file when implemented;
// delete it from here at that time. Every method validates its arguments and throws ShapeException,
// DTypeException, AxisException or IndexBoundsException with the operation name and the offending shapes.
/// <summary>
/// The array kernels: every operation the primitives need, over contiguous row-major <see cref="NDArray"/> values.
/// Kernels never mutate inputs and always return fresh arrays (or share a buffer when the data is unchanged).
/// </summary>
public static partial class Kernels
{
    /// <summary>Same elements, new shape of equal size (shares the buffer).</summary>
    public static NDArray Reshape(NDArray x, Shape shape) => throw new NotImplementedException();

    /// <summary>Permutes axes: result axis i is input axis permutation[i].</summary>
    public static NDArray Transpose(NDArray x, ReadOnlySpan<int> permutation) => throw new NotImplementedException();

    /// <summary>XLA broadcast_in_dim: input axis i becomes result axis broadcastDimensions[i] (strictly increasing);
    /// each input extent equals the result extent there or is 1.</summary>
    public static NDArray BroadcastInDim(NDArray x, Shape shape, ReadOnlySpan<int> broadcastDimensions) => throw new NotImplementedException();

    /// <summary>Strided slice: per axis, elements start, start+stride, … below limit. 0 ≤ start ≤ limit ≤ extent, stride ≥ 1.</summary>
    public static NDArray Slice(NDArray x, ReadOnlySpan<int> start, ReadOnlySpan<int> limit, ReadOnlySpan<int> strides) => throw new NotImplementedException();

    /// <summary>XLA pad with non-negative low, high and interior padding per axis; <paramref name="value"/> is a rank-0 array of x's dtype.</summary>
    public static NDArray Pad(NDArray x, NDArray value, ReadOnlySpan<int> low, ReadOnlySpan<int> high, ReadOnlySpan<int> interior) => throw new NotImplementedException();

    /// <summary>Joins arrays of one dtype along an existing axis; other extents must agree; at least one input.</summary>
    public static NDArray Concatenate(IReadOnlyList<NDArray> xs, int axis) => throw new NotImplementedException();

    /// <summary>Reverses the order of elements along each of <paramref name="axes"/>.</summary>
    public static NDArray Reverse(NDArray x, ReadOnlySpan<int> axes) => throw new NotImplementedException();

    /// <summary>Take along an axis: result shape x.shape[:axis] + indices.shape + x.shape[axis+1:].
    /// Indices are int32 in [0, extent) (callers normalize negatives).</summary>
    public static NDArray Gather(NDArray x, NDArray indices, int axis) => throw new NotImplementedException();

    /// <summary>The transpose of Gather: a copy of operand with updates added at the indexed positions (duplicates accumulate).
    /// updates.shape = operand.shape[:axis] + indices.shape + operand.shape[axis+1:].</summary>
    public static NDArray ScatterAdd(NDArray operand, NDArray indices, NDArray updates, int axis) => throw new NotImplementedException();

    /// <summary>Slice of extent sizes at starts; starts are clamped into [0, extent − size] as in XLA.</summary>
    public static NDArray DynamicSlice(NDArray x, ReadOnlySpan<int> starts, ReadOnlySpan<int> sizes) => throw new NotImplementedException();

    /// <summary>A copy of x with update written at starts (clamped as in DynamicSlice).</summary>
    public static NDArray DynamicUpdateSlice(NDArray x, NDArray update, ReadOnlySpan<int> starts) => throw new NotImplementedException();

    /// <summary>An array of the given shape whose value is the index along <paramref name="dimension"/>.</summary>
    public static NDArray Iota(DType dtype, Shape shape, int dimension) => throw new NotImplementedException();

    /// <summary>Samples uniformly in [low, high) from a deterministic generator seeded by <paramref name="seed"/>.</summary>
    public static NDArray RandomUniform(ulong seed, DType dtype, Shape shape, double low, double high) => throw new NotImplementedException();

    /// <summary>Samples N(0, 1) from a deterministic generator seeded by <paramref name="seed"/>.</summary>
    public static NDArray RandomNormal(ulong seed, DType dtype, Shape shape) => throw new NotImplementedException();
}
