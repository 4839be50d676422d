namespace Cotangent.Runtime;

public static partial class Kernels
{
    /// <summary>Same elements, new shape of equal size (shares the buffer).</summary>
    /// <exception cref="ShapeException">The sizes differ.</exception>
    public static NDArray Reshape(NDArray x, Shape shape) => x.WithShape(shape);

    /// <summary>Permutes axes: result axis i is input axis permutation[i].</summary>
    /// <exception cref="AxisException">The permutation is not a permutation of the axes of x.</exception>
    public static NDArray Transpose(NDArray x, ReadOnlySpan<int> permutation)
    {
        if (permutation.Length != x.Rank)
            throw new AxisException($"transpose: permutation [{string.Join(", ", permutation.ToArray())}] has {permutation.Length} axes but {Describe(x)} has rank {x.Rank}.");
        var seen = new bool[x.Rank];
        var dims = new int[x.Rank];
        var strides = new int[x.Rank];
        var xs = x.Shape.Strides;
        for (int i = 0; i < permutation.Length; i++)
        {
            int p = permutation[i];
            if (p < 0 || p >= x.Rank || seen[p])
                throw new AxisException($"transpose: [{string.Join(", ", permutation.ToArray())}] is not a permutation of the axes of {Describe(x)}.");
            seen[p] = true;
            dims[i] = x.Shape[p];
            strides[i] = xs[p];
        }

        return StridedCopy(x, Shape.Of(dims), strides, 0);
    }

    /// <summary>XLA broadcast_in_dim: input axis i becomes result axis broadcastDimensions[i] (strictly increasing);
    /// each input extent equals the result extent there or is 1.</summary>
    /// <exception cref="AxisException">The dimensions are out of range, not strictly increasing or not one per input axis.</exception>
    /// <exception cref="ShapeException">An input extent is neither 1 nor the result extent.</exception>
    public static NDArray BroadcastInDim(NDArray x, Shape shape, ReadOnlySpan<int> broadcastDimensions)
    {
        string dimsText = $"[{string.Join(", ", broadcastDimensions.ToArray())}]";
        if (broadcastDimensions.Length != x.Rank)
            throw new AxisException($"broadcast_in_dim: {Describe(x)} needs one broadcast dimension per axis, got {dimsText}.");
        var strides = new int[shape.Rank];
        var xs = x.Shape.Strides;
        for (int i = 0; i < x.Rank; i++)
        {
            int d = broadcastDimensions[i];
            if (d < 0 || d >= shape.Rank || (i > 0 && d <= broadcastDimensions[i - 1]))
                throw new AxisException($"broadcast_in_dim: dimensions {dimsText} must be strictly increasing and within the rank {shape.Rank} of {shape}.");
            if (x.Shape[i] != shape[d] && x.Shape[i] != 1)
                throw new ShapeException($"broadcast_in_dim: cannot broadcast {Describe(x)} to {shape} with dimensions {dimsText}: axis {i} has extent {x.Shape[i]} but result axis {d} has {shape[d]}.");
            strides[d] = x.Shape[i] == 1 ? 0 : xs[i];
        }

        return StridedCopy(x, shape, strides, 0);
    }

    /// <summary>Strided slice: per axis, elements start, start+stride, … below limit. 0 ≤ start ≤ limit ≤ extent, stride ≥ 1.</summary>
    /// <exception cref="ShapeException">The argument lengths differ from the rank or a stride is below 1.</exception>
    /// <exception cref="IndexBoundsException">A bound is outside the array.</exception>
    public static NDArray Slice(NDArray x, ReadOnlySpan<int> start, ReadOnlySpan<int> limit, ReadOnlySpan<int> strides)
    {
        RequirePerAxis("slice", "start indices", start, x.Shape);
        RequirePerAxis("slice", "limit indices", limit, x.Shape);
        RequirePerAxis("slice", "strides", strides, x.Shape);
        var dims = new int[x.Rank];
        var st = new int[x.Rank];
        var xs = x.Shape.Strides;
        int offset = 0;
        for (int i = 0; i < x.Rank; i++)
        {
            if (strides[i] < 1)
                throw new ShapeException($"slice: stride {strides[i]} on axis {i} of {Describe(x)} must be at least 1.");
            if (start[i] < 0 || start[i] > limit[i] || limit[i] > x.Shape[i])
                throw new IndexBoundsException($"slice: axis {i} of {Describe(x)} needs 0 ≤ start ≤ limit ≤ {x.Shape[i]}, got start {start[i]}, limit {limit[i]}.");
            // In long: a stride near int.MaxValue overflows both the length and the element stride; a stride
            // along an axis of at most one element is never taken.
            dims[i] = (int)(((long)limit[i] - start[i] + strides[i] - 1) / strides[i]);
            st[i] = dims[i] <= 1 ? 0 : xs[i] * strides[i];
            offset += start[i] * xs[i];
        }

        return StridedCopy(x, Shape.Of(dims), st, offset);
    }

    /// <summary>XLA pad with non-negative low, high and interior padding per axis; <paramref name="value"/> is a rank-0 array of x's dtype.</summary>
    /// <exception cref="ShapeException">Padding lengths differ from the rank, a padding is negative, or value is not rank 0.</exception>
    /// <exception cref="DTypeException">value's dtype differs from x's.</exception>
    public static NDArray Pad(NDArray x, NDArray value, ReadOnlySpan<int> low, ReadOnlySpan<int> high, ReadOnlySpan<int> interior)
    {
        RequirePerAxis("pad", "low paddings", low, x.Shape);
        RequirePerAxis("pad", "high paddings", high, x.Shape);
        RequirePerAxis("pad", "interior paddings", interior, x.Shape);
        if (value.Rank != 0) throw new ShapeException($"pad: the padding value must be a scalar, got {Describe(value)}.");
        RequireSameDType("pad", x, value);
        var dims = new int[x.Rank];
        long size = 1;
        for (int i = 0; i < x.Rank; i++)
        {
            if (low[i] < 0 || high[i] < 0 || interior[i] < 0)
                throw new ShapeException($"pad: paddings of axis {i} of {Describe(x)} must be non-negative, got low {low[i]}, high {high[i]}, interior {interior[i]}.");
            long d = (long)low[i] + high[i] + x.Shape[i] + (long)Math.Max(x.Shape[i] - 1, 0) * interior[i];
            size *= d;
            if (d > int.MaxValue || size > int.MaxValue) throw new ShapeException($"pad: the padded shape of {Describe(x)} is too large.");
            dims[i] = (int)d;
        }

        var shape = Shape.Of(dims);
        var result = NDArray.AllocateUninitialized(x.DType, shape.Size);
        FillWith(result, value);
        var rs = shape.Strides;
        var st = new int[x.Rank];
        int offset = 0;
        for (int i = 0; i < x.Rank; i++)
        {
            st[i] = rs[i] * (interior[i] + 1);
            offset += low[i] * rs[i];
        }

        Place(x, result, st, offset);
        return NDArray.Wrap(x.DType, shape, result);
    }

    /// <summary>Joins arrays of one dtype along an existing axis; other extents must agree; at least one input.</summary>
    /// <exception cref="ShapeException">No inputs, or ranks or non-axis extents differ.</exception>
    /// <exception cref="DTypeException">The dtypes differ.</exception>
    /// <exception cref="AxisException">The axis is out of range.</exception>
    public static NDArray Concatenate(IReadOnlyList<NDArray> xs, int axis)
    {
        if (xs.Count == 0) throw new ShapeException("concatenate: needs at least one array, got none.");
        var first = xs[0];
        int a = first.Shape.NormalizeAxis(axis, "concatenate");
        long total = 0;
        foreach (var x in xs)
        {
            RequireSameDType("concatenate", first, x);
            bool fits = x.Rank == first.Rank;
            for (int i = 0; fits && i < x.Rank; i++) fits = i == a || x.Shape[i] == first.Shape[i];
            if (!fits)
                throw new ShapeException($"concatenate: {Describe(x)} does not fit {Describe(first)} along axis {a}; all extents but axis {a} must agree.");
            total += x.Shape[a];
        }

        if (total > int.MaxValue) throw new ShapeException("concatenate: the result is too large.");
        var dims = first.Shape.ToArray();
        dims[a] = (int)total;
        var shape = Shape.Of(dims);
        var result = NDArray.AllocateUninitialized(first.DType, shape.Size);
        var rs = shape.Strides.ToArray();
        int offset = 0;
        foreach (var x in xs)
        {
            Place(x, result, rs, offset);
            offset += x.Shape[a] * rs[a];
        }

        return NDArray.Wrap(first.DType, shape, result);
    }

    /// <summary>Reverses the order of elements along each of <paramref name="axes"/>.</summary>
    /// <exception cref="AxisException">An axis is out of range or repeated.</exception>
    public static NDArray Reverse(NDArray x, ReadOnlySpan<int> axes)
    {
        var mask = AxisMask("reverse", axes, x.Shape);
        var st = x.Shape.Strides.ToArray();
        int offset = 0;
        for (int i = 0; i < x.Rank; i++)
        {
            if (!mask[i] || x.Shape[i] == 0) continue;
            offset += (x.Shape[i] - 1) * st[i];
            st[i] = -st[i];
        }

        return StridedCopy(x, x.Shape, st, offset);
    }

    /// <summary>A fresh array of <paramref name="shape"/> whose element at multi-index i is x.Data[offset + Σ i_k·strides_k].</summary>
    private static NDArray StridedCopy(NDArray x, Shape shape, ReadOnlySpan<int> strides, int offset)
    {
        var result = NDArray.AllocateUninitialized(x.DType, shape.Size);
        switch (x.DType)
        {
            case DType.Float64: CopyTyped((double[])x.Data, (double[])result, shape, strides, offset); break;
            case DType.Float32: CopyTyped((float[])x.Data, (float[])result, shape, strides, offset); break;
            case DType.Int32: CopyTyped((int[])x.Data, (int[])result, shape, strides, offset); break;
            default: CopyTyped((bool[])x.Data, (bool[])result, shape, strides, offset); break;
        }

        return NDArray.Wrap(x.DType, shape, result);
    }

    private static void CopyTyped<T>(T[] x, T[] d, Shape shape, ReadOnlySpan<int> strides, int offset)
    {
        var run = new CopyRun<T>(x, d);
        StridedLoop.Run(ref run, shape.Dims, strides, offset, default, 0, default, 0);
    }

    /// <summary>Writes x's elements (walked densely) to dst[offset + Σ i_k·strides_k]; dst has x's dtype.</summary>
    private static void Place(NDArray x, Array dst, ReadOnlySpan<int> strides, int offset)
    {
        switch (x.DType)
        {
            case DType.Float64: PlaceTyped((double[])x.Data, (double[])dst, x.Shape, strides, offset); break;
            case DType.Float32: PlaceTyped((float[])x.Data, (float[])dst, x.Shape, strides, offset); break;
            case DType.Int32: PlaceTyped((int[])x.Data, (int[])dst, x.Shape, strides, offset); break;
            default: PlaceTyped((bool[])x.Data, (bool[])dst, x.Shape, strides, offset); break;
        }
    }

    private static void PlaceTyped<T>(T[] x, T[] d, Shape shape, ReadOnlySpan<int> strides, int offset)
    {
        var run = new PlaceRun<T>(x, d);
        StridedLoop.Run(ref run, shape.Dims, strides, offset, default, 0, default, 0);
    }

    /// <summary>Fills a buffer with the single element of a rank-0 array of the same dtype.</summary>
    private static void FillWith(Array data, NDArray value)
    {
        switch (value.DType)
        {
            case DType.Float64: ((double[])data).AsSpan().Fill(((double[])value.Data)[0]); break;
            case DType.Float32: ((float[])data).AsSpan().Fill(((float[])value.Data)[0]); break;
            case DType.Int32: ((int[])data).AsSpan().Fill(((int[])value.Data)[0]); break;
            default: ((bool[])data).AsSpan().Fill(((bool[])value.Data)[0]); break;
        }
    }
}
