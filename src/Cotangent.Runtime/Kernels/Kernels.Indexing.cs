using System.Numerics;
using System.Numerics.Tensors;

namespace Cotangent.Runtime;

public static partial class Kernels
{
    /// <summary>Take along an axis: result shape x.shape[:axis] + indices.shape + x.shape[axis+1:].
    /// Indices are int32 in [0, extent) (callers normalize negatives).</summary>
    /// <exception cref="DTypeException">The indices are not i32.</exception>
    /// <exception cref="IndexBoundsException">An index is outside [0, extent).</exception>
    /// <exception cref="AxisException">The axis is out of range.</exception>
    public static NDArray Gather(NDArray x, NDArray indices, int axis)
    {
        int a = x.Shape.NormalizeAxis(axis, "gather");
        var idx = CheckIndices("gather", indices, x, a);
        var shape = TakeShape(x.Shape, indices.Shape, a);
        var (outer, n, inner) = Split(x.Shape, a);
        var result = NDArray.AllocateUninitialized(x.DType, shape.Size);
        switch (x.DType)
        {
            case DType.Float64: GatherTyped((double[])x.Data, idx, (double[])result, outer, n, inner); break;
            case DType.Float32: GatherTyped((float[])x.Data, idx, (float[])result, outer, n, inner); break;
            case DType.Int32: GatherTyped((int[])x.Data, idx, (int[])result, outer, n, inner); break;
            default: GatherTyped((bool[])x.Data, idx, (bool[])result, outer, n, inner); break;
        }

        return NDArray.Wrap(x.DType, shape, result);
    }

    /// <summary>d[o, j, :] = x[o, idx[j], :]: a block copy per index, or a scalar loop when the block is one element.</summary>
    private static void GatherTyped<T>(T[] x, ReadOnlySpan<int> idx, T[] d, int outer, int n, int inner)
    {
        int m = idx.Length;
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                var src = x.AsSpan(o * n, n);
                var dst = d.AsSpan(o * m, m);
                for (int j = 0; j < m; j++) dst[j] = src[idx[j]];
            }

            return;
        }

        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++)
                x.AsSpan((o * n + idx[j]) * inner, inner).CopyTo(d.AsSpan((o * m + j) * inner, inner));
    }

    /// <summary>The transpose of Gather: a copy of operand with updates added at the indexed positions (duplicates accumulate).
    /// updates.shape = operand.shape[:axis] + indices.shape + operand.shape[axis+1:].</summary>
    /// <exception cref="DTypeException">Indices are not i32, operand is bool, or updates' dtype differs from operand's.</exception>
    /// <exception cref="IndexBoundsException">An index is outside [0, extent).</exception>
    /// <exception cref="ShapeException">updates has the wrong shape.</exception>
    /// <exception cref="AxisException">The axis is out of range.</exception>
    public static NDArray ScatterAdd(NDArray operand, NDArray indices, NDArray updates, int axis)
    {
        int a = operand.Shape.NormalizeAxis(axis, "scatter_add");
        if (operand.DType == DType.Bool) throw new DTypeException($"scatter_add: cannot add into {Describe(operand)}; convert to a numeric dtype first.");
        RequireSameDType("scatter_add", operand, updates);
        var idx = CheckIndices("scatter_add", indices, operand, a);
        var expected = TakeShape(operand.Shape, indices.Shape, a);
        if (updates.Shape != expected)
            throw new ShapeException($"scatter_add: updates must have shape {expected} (operand {Describe(operand)}, indices {Describe(indices)}, axis {a}), got {updates.Shape}.");
        var (outer, n, inner) = Split(operand.Shape, a);
        var result = NDArray.AllocateUninitialized(operand.DType, operand.Size);
        Array.Copy(operand.Data, result, operand.Size);
        switch (operand.DType)
        {
            case DType.Float64: ScatterAddTyped((double[])updates.Data, idx, (double[])result, outer, n, inner); break;
            case DType.Float32: ScatterAddTyped((float[])updates.Data, idx, (float[])result, outer, n, inner); break;
            default: ScatterAddTyped((int[])updates.Data, idx, (int[])result, outer, n, inner); break;
        }

        return NDArray.Wrap(operand.DType, operand.Shape, result);
    }

    /// <summary>d[o, idx[j], :] += u[o, j, :], in order of j, so duplicate indices accumulate.</summary>
    private static void ScatterAddTyped<T>(T[] u, ReadOnlySpan<int> idx, T[] d, int outer, int n, int inner)
        where T : INumber<T>
    {
        int m = idx.Length;
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                var dst = d.AsSpan(o * n, n);
                var src = u.AsSpan(o * m, m);
                for (int j = 0; j < m; j++) dst[idx[j]] += src[j];
            }

            return;
        }

        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < m; j++)
            {
                var dst = d.AsSpan((o * n + idx[j]) * inner, inner);
                TensorPrimitives.Add(dst, u.AsSpan((o * m + j) * inner, inner), dst);
            }
        }
    }

    /// <summary>Slice of extent sizes at starts; starts are clamped into [0, extent − size] as in XLA.</summary>
    /// <exception cref="ShapeException">starts or sizes do not have one entry per axis.</exception>
    /// <exception cref="IndexBoundsException">A size is negative or larger than its axis.</exception>
    public static NDArray DynamicSlice(NDArray x, ReadOnlySpan<int> starts, ReadOnlySpan<int> sizes)
    {
        RequirePerAxis("dynamic_slice", "start indices", starts, x.Shape);
        RequirePerAxis("dynamic_slice", "sizes", sizes, x.Shape);
        var xs = x.Shape.Strides;
        int offset = 0;
        for (int i = 0; i < x.Rank; i++)
        {
            if (sizes[i] < 0 || sizes[i] > x.Shape[i])
                throw new IndexBoundsException($"dynamic_slice: size {sizes[i]} on axis {i} does not fit {Describe(x)}; sizes must be in [0, {x.Shape[i]}].");
            offset += Math.Clamp(starts[i], 0, x.Shape[i] - sizes[i]) * xs[i];
        }

        return StridedCopy(x, Shape.Of(sizes), xs, offset);
    }

    /// <summary>A copy of x with update written at starts (clamped as in DynamicSlice).</summary>
    /// <exception cref="DTypeException">The dtypes differ.</exception>
    /// <exception cref="ShapeException">update's rank differs, it is larger than x on some axis, or starts does not have one entry per axis.</exception>
    public static NDArray DynamicUpdateSlice(NDArray x, NDArray update, ReadOnlySpan<int> starts)
    {
        RequireSameDType("dynamic_update_slice", x, update);
        RequirePerAxis("dynamic_update_slice", "start indices", starts, x.Shape);
        bool fits = update.Rank == x.Rank;
        for (int i = 0; fits && i < x.Rank; i++) fits = update.Shape[i] <= x.Shape[i];
        if (!fits)
            throw new ShapeException($"dynamic_update_slice: update {Describe(update)} does not fit inside {Describe(x)}.");
        var xs = x.Shape.Strides;
        int offset = 0;
        for (int i = 0; i < x.Rank; i++)
            offset += Math.Clamp(starts[i], 0, x.Shape[i] - update.Shape[i]) * xs[i];
        var result = NDArray.AllocateUninitialized(x.DType, x.Size);
        Array.Copy(x.Data, result, x.Size);
        Place(update, result, xs, offset);
        return NDArray.Wrap(x.DType, x.Shape, result);
    }

    /// <summary>Validates an index array against axis <paramref name="axis"/> of <paramref name="x"/> and returns its elements.</summary>
    private static ReadOnlySpan<int> CheckIndices(string operation, NDArray indices, NDArray x, int axis)
    {
        if (indices.DType.IsFloat())
            throw new DTypeException($"{operation}: float used as index: indices are {Describe(indices)} but must be i32.");
        if (indices.DType != DType.Int32)
            throw new DTypeException($"{operation}: {indices.DType.ShortName()} used as index: indices are {Describe(indices)} but must be i32.");
        var idx = indices.ReadOnlySpan<int>();
        int extent = x.Shape[axis];
        for (int j = 0; j < idx.Length; j++)
        {
            if ((uint)idx[j] >= (uint)extent)
                throw new IndexBoundsException($"{operation}: index {idx[j]} (flat position {j} of {Describe(indices)}) is out of range [0, {extent}) for axis {axis} of {Describe(x)}.");
        }

        return idx;
    }

    /// <summary>x.shape[:axis] + indices.shape + x.shape[axis+1:].</summary>
    private static Shape TakeShape(Shape x, Shape indices, int axis)
    {
        var dims = new List<int>(x.Rank + indices.Rank);
        for (int i = 0; i < axis; i++) dims.Add(x[i]);
        foreach (int d in indices.Dims) dims.Add(d);
        for (int i = axis + 1; i < x.Rank; i++) dims.Add(x[i]);
        return Shape.Of(dims.ToArray());
    }
}
