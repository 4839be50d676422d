using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Cotangent.Runtime;

public static partial class Kernels
{
    /// <summary>Reduces over <paramref name="axes"/> (distinct, in [0, rank); negative axes count from the end); the reduced axes are removed.</summary>
    /// <remarks>Sum and Prod need a numeric dtype; Max and Min also accept bool (any / all). An empty axes set returns x unchanged.</remarks>
    /// <exception cref="AxisException">An axis is out of range or repeated.</exception>
    /// <exception cref="DTypeException">Sum or Prod of bool.</exception>
    public static NDArray Reduce(ReduceOp op, NDArray x, ReadOnlySpan<int> axes)
    {
        string name = Name(op);
        var mask = AxisMask(name, axes, x.Shape);
        if (x.DType == DType.Bool && op is ReduceOp.Sum or ReduceOp.Prod)
            throw new DTypeException($"{name}: not defined for {Describe(x)}; convert to i32 first.");
        if (axes.IsEmpty) return x;

        var shape = Remove(x.Shape, mask);

        // Output strides seen from the input's index space: 0 on reduced axes.
        var outStrides = new int[x.Rank];
        var kept = shape.Strides;
        for (int i = 0, k = 0; i < x.Rank; i++)
            outStrides[i] = mask[i] ? 0 : kept[k++];

        var result = NDArray.AllocateUninitialized(x.DType, shape.Size);
        if (op == ReduceOp.Sum && x.DType.IsFloat())
        {
            if (x.DType == DType.Float64) SumFloat((double[])x.Data, x.Shape, mask, (double[])result);
            else SumFloat((float[])x.Data, x.Shape, mask, (float[])result);
            return NDArray.Wrap(x.DType, shape, result);
        }

        switch (x.DType)
        {
            case DType.Float64: ReduceTyped(op, (double[])x.Data, (double[])result, x.Shape, outStrides); break;
            case DType.Float32: ReduceTyped(op, (float[])x.Data, (float[])result, x.Shape, outStrides); break;
            case DType.Int32: ReduceTyped(op, (int[])x.Data, (int[])result, x.Shape, outStrides); break;
            default: ReduceTyped(op, AsBytes((bool[])x.Data), AsBytes((bool[])result), x.Shape, outStrides); break;
        }

        return NDArray.Wrap(x.DType, shape, result);
    }

    /// <summary>
    /// Float sums, pairwise along every reduced axis. Size-1 axes are dropped and adjacent axes that are both reduced
    /// or both kept are merged; then each run of reduced axes, innermost first, is an (outer, n, inner) problem:
    /// inner = 1 sums contiguous runs (<see cref="FloatReductions.Sum{T}(T[], int, int)"/>, two threads for long runs), inner &gt; 1 sums rows of length inner
    /// pairwise (<see cref="FloatReductions.SumRows{T}"/>). Each step shrinks the data, so later steps are cheap.
    /// </summary>
    private static void SumFloat<T>(T[] x, Shape shape, bool[] mask, T[] result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (shape.Size == 0)
        {
            result.AsSpan().Clear();   // every sum is empty (the result buffer is not pre-cleared)
            return;
        }

        var extents = new List<int>();
        var reduced = new List<bool>();
        for (int i = 0; i < shape.Rank; i++)
        {
            if (shape[i] == 1) continue;
            if (extents.Count > 0 && reduced[^1] == mask[i]) extents[^1] *= shape[i];
            else
            {
                extents.Add(shape[i]);
                reduced.Add(mask[i]);
            }
        }

        T[] current = x;
        int j;
        while ((j = reduced.LastIndexOf(true)) >= 0)
        {
            int outer = 1, inner = 1, n = extents[j];
            for (int i = 0; i < j; i++) outer *= extents[i];
            for (int i = j + 1; i < extents.Count; i++) inner *= extents[i];
            var next = reduced.IndexOf(true) == j ? result : new T[outer * inner];
            var scratch = inner > 1 ? new T[FloatReductions.RowScratch(n, inner)] : null;
            for (int o = 0; o < outer; o++)
            {
                var src = current.AsSpan(o * n * inner, n * inner);
                if (inner == 1) next[o] = FloatReductions.Sum(current, o * n, n);
                else FloatReductions.SumRows<T>(src, n, inner, next.AsSpan(o * inner, inner), scratch);
            }

            current = next;
            extents.RemoveAt(j);
            reduced.RemoveAt(j);
            if (j > 0 && j < extents.Count)
            {
                extents[j - 1] *= extents[j];   // the kept runs on both sides are now adjacent
                extents.RemoveAt(j);
                reduced.RemoveAt(j);
            }
        }

        if (!ReferenceEquals(current, result)) current.AsSpan(0, result.Length).CopyTo(result);   // only size-1 axes were reduced
    }

    private static void ReduceTyped<T>(ReduceOp op, T[] x, T[] result, Shape shape, int[] outStrides)
        where T : INumber<T>, IMinMaxValue<T>
    {
        switch (op)
        {
            case ReduceOp.Sum: ReduceWith<T, SumReduce<T>>(x, result, shape, outStrides); break;
            case ReduceOp.Prod: ReduceWith<T, ProdReduce<T>>(x, result, shape, outStrides); break;
            case ReduceOp.Max: ReduceWith<T, MaxReduce<T>>(x, result, shape, outStrides); break;
            default: ReduceWith<T, MinReduce<T>>(x, result, shape, outStrides); break;
        }
    }

    private static void ReduceWith<T, TOp>(T[] x, T[] result, Shape shape, int[] outStrides)
        where TOp : struct, IReduceOperator<T>
    {
        result.AsSpan().Fill(TOp.Identity);
        var run = new ReduceRun<T, TOp>(x, result);
        StridedLoop.Run(ref run, shape.Dims, outStrides, 0, default, 0, default, 0);
    }

    /// <summary>Index (int32) of the first maximum (or minimum) along <paramref name="axis"/>, which is removed. A NaN counts as the extreme.</summary>
    /// <exception cref="AxisException">The axis is out of range.</exception>
    /// <exception cref="ShapeException">The axis has extent 0 while the result is not empty (there is no extreme to point at).</exception>
    public static NDArray ArgReduce(bool max, NDArray x, int axis)
    {
        string name = max ? "argmax" : "argmin";
        int a = x.Shape.NormalizeAxis(axis, name);
        var mask = new bool[x.Rank];
        mask[a] = true;
        var shape = Remove(x.Shape, mask);
        var (outer, n, inner) = Split(x.Shape, a);
        if (n == 0 && shape.Size > 0)
            throw new ShapeException($"{name}: axis {axis} of {Describe(x)} is empty, so it has no {(max ? "maximum" : "minimum")}.");
        var result = new int[shape.Size];
        switch (x.DType)
        {
            case DType.Float64: ArgReduceTyped((double[])x.Data, result, outer, n, inner, max); break;
            case DType.Float32: ArgReduceTyped((float[])x.Data, result, outer, n, inner, max); break;
            case DType.Int32: ArgReduceTyped((int[])x.Data, result, outer, n, inner, max); break;
            default: ArgReduceTyped(AsBytes((bool[])x.Data), result, outer, n, inner, max); break;
        }

        return NDArray.Wrap(result, shape);
    }

    /// <summary>
    /// Scans the axis row by row (k outer, inner positions contiguous) so memory is read sequentially. The first
    /// strict improvement wins ties; a NaN is an improvement over any number and nothing improves on a NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ArgReduceTyped<T>(T[] x, int[] result, int outer, int n, int inner, bool max)
        where T : INumber<T>
    {
        if (n == 0 || inner == 0) return;
        var best = new T[inner];
        for (int o = 0; o < outer; o++)
        {
            int baseIn = o * n * inner;
            var idx = result.AsSpan(o * inner, inner);
            x.AsSpan(baseIn, inner).CopyTo(best);
            idx.Clear();
            for (int k = 1; k < n; k++)
            {
                var row = x.AsSpan(baseIn + k * inner, inner);
                for (int i = 0; i < inner; i++)
                {
                    T b = best[i], v = row[i];
                    bool better = max ? v > b : v < b;
                    if ((better || T.IsNaN(v)) && !T.IsNaN(b))
                    {
                        best[i] = v;
                        idx[i] = k;
                    }
                }
            }
        }
    }

    /// <summary>Inclusive cumulative sum along <paramref name="axis"/>; from the end when <paramref name="reverse"/>.</summary>
    /// <exception cref="AxisException">The axis is out of range.</exception>
    /// <exception cref="DTypeException">x is bool.</exception>
    public static NDArray CumSum(NDArray x, int axis, bool reverse)
    {
        int a = x.Shape.NormalizeAxis(axis, "cumsum");
        if (x.DType == DType.Bool) throw new DTypeException($"cumsum: not defined for {Describe(x)}; convert to i32 first.");
        var result = NDArray.AllocateUninitialized(x.DType, x.Size);
        var (outer, n, inner) = Split(x.Shape, a);
        switch (x.DType)
        {
            case DType.Float64: CumSumTyped((double[])x.Data, (double[])result, outer, n, inner, reverse); break;
            case DType.Float32: CumSumTyped((float[])x.Data, (float[])result, outer, n, inner, reverse); break;
            default: CumSumTyped((int[])x.Data, (int[])result, outer, n, inner, reverse); break;
        }

        return NDArray.Wrap(x.DType, x.Shape, result);
    }

    /// <summary>
    /// Running sums along the middle axis of (outer, n, inner). With inner &gt; 1 each row is the previous row plus
    /// the input row (a vectorized add over a contiguous run); with inner = 1 it is a sequential scan.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CumSumTyped<T>(T[] x, T[] y, int outer, int n, int inner, bool reverse)
        where T : INumber<T>
    {
        if (n == 0 || inner == 0) return;
        int first = reverse ? n - 1 : 0, step = reverse ? -1 : 1;
        for (int o = 0; o < outer; o++)
        {
            int b = o * n * inner;
            if (inner == 1)
            {
                T acc = T.Zero;
                for (int k = 0, j = b + first; k < n; k++, j += step)
                {
                    acc += x[j];
                    y[j] = acc;
                }

                continue;
            }

            x.AsSpan(b + first * inner, inner).CopyTo(y.AsSpan(b + first * inner, inner));
            for (int k = 1, j = first + step; k < n; k++, j += step)
            {
                var prev = y.AsSpan(b + (j - step) * inner, inner);
                TensorPrimitives.Add(prev, x.AsSpan(b + j * inner, inner), y.AsSpan(b + j * inner, inner));
            }
        }
    }
}
