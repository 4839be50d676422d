namespace Cotangent.Runtime;

public static partial class Kernels
{
    /// <summary>
    /// XLA dot_general: contracts lhs axes <paramref name="contractLhs"/> with rhs axes <paramref name="contractRhs"/>
    /// (pairwise equal extents), batching over <paramref name="batchLhs"/>/<paramref name="batchRhs"/>. Result axes:
    /// batch axes, then lhs free axes in order, then rhs free axes in order. Same dtype both sides (f64, f32, i32).
    /// </summary>
    public static NDArray DotGeneral(NDArray lhs, NDArray rhs, ReadOnlySpan<int> contractLhs, ReadOnlySpan<int> contractRhs,
        ReadOnlySpan<int> batchLhs, ReadOnlySpan<int> batchRhs) => throw new NotImplementedException();
}
