namespace Cotangent.Runtime.Tests.Reference;

/// <summary>Reference reductions, structural and indexing kernels: loops over multi-indices, values as doubles.</summary>
internal static class RefStructural
{
    public static NDArray Reduce(ReduceOp op, NDArray x, int[] axes)
    {
        var keep = Enumerable.Range(0, x.Rank).Where(i => !axes.Contains(i)).ToArray();
        var shape = Shape.Of(keep.Select(i => x.Shape[i]).ToArray());
        double init = op switch
        {
            ReduceOp.Sum => 0,
            ReduceOp.Prod => 1,
            ReduceOp.Max => x.DType == DType.Int32 ? int.MinValue : x.DType == DType.Bool ? 0 : double.NegativeInfinity,
            _ => x.DType == DType.Int32 ? int.MaxValue : x.DType == DType.Bool ? 1 : double.PositiveInfinity,
        };
        var r = Enumerable.Repeat(init, shape.Size).ToArray();
        var v = Ref.Values(x);
        for (int i = 0; i < v.Length; i++)
        {
            var idx = Ref.Unravel(i, x.Shape.Dims);
            int o = Ref.Ravel(keep.Select(k => idx[k]).ToArray(), shape.Dims);
            r[o] = op switch
            {
                ReduceOp.Sum => r[o] + v[i],
                ReduceOp.Prod => r[o] * v[i],
                ReduceOp.Max => double.IsNaN(r[o]) || double.IsNaN(v[i]) ? double.NaN : Math.Max(r[o], v[i]),
                _ => double.IsNaN(r[o]) || double.IsNaN(v[i]) ? double.NaN : Math.Min(r[o], v[i]),
            };
        }

        if (x.DType == DType.Int32 && op is ReduceOp.Sum or ReduceOp.Prod)
            r = r.Select(a => (double)unchecked((int)(long)a)).ToArray();
        return Ref.Make(x.DType, shape, r);
    }

    public static NDArray ArgReduce(bool max, NDArray x, int axis)
    {
        var keepDims = x.Shape.Dims.ToArray().Where((_, i) => i != axis).ToArray();
        var shape = Shape.Of(keepDims);
        var r = new double[shape.Size];
        var v = Ref.Values(x);
        for (int o = 0; o < r.Length; o++)
        {
            var oi = Ref.Unravel(o, shape.Dims).ToList();
            int best = -1;
            double bv = 0;
            for (int k = 0; k < x.Shape[axis]; k++)
            {
                var idx = oi.ToList();
                idx.Insert(axis, k);
                double a = v[Ref.Ravel(idx.ToArray(), x.Shape.Dims)];
                if (best < 0) { best = k; bv = a; continue; }
                if (double.IsNaN(bv)) break;
                if (double.IsNaN(a) || (max ? a > bv : a < bv)) { best = k; bv = a; }
            }

            r[o] = best;
        }

        return Ref.Make(DType.Int32, shape, r);
    }

    public static NDArray CumSum(NDArray x, int axis, bool reverse)
    {
        var v = Ref.Values(x);
        var r = new double[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            var idx = Ref.Unravel(i, x.Shape.Dims);
            double s = 0;
            int k0 = idx[axis];
            for (int k = 0; k < x.Shape[axis]; k++)
            {
                if (reverse ? k < k0 : k > k0) continue;
                idx[axis] = k;
                s += v[Ref.Ravel(idx, x.Shape.Dims)];
            }

            r[i] = s;
        }

        return Ref.Make(x.DType, x.Shape, r);
    }

    public static NDArray Transpose(NDArray x, int[] perm)
    {
        var shape = Shape.Of(perm.Select(p => x.Shape[p]).ToArray());
        var v = Ref.Values(x);
        var r = new double[shape.Size];
        for (int i = 0; i < r.Length; i++)
        {
            var oi = Ref.Unravel(i, shape.Dims);
            var xi = new int[x.Rank];
            for (int k = 0; k < perm.Length; k++) xi[perm[k]] = oi[k];
            r[i] = v[Ref.Ravel(xi, x.Shape.Dims)];
        }

        return Ref.Make(x.DType, shape, r);
    }

    public static NDArray BroadcastInDim(NDArray x, Shape shape, int[] dims)
    {
        var v = Ref.Values(x);
        var r = new double[shape.Size];
        for (int i = 0; i < r.Length; i++)
        {
            var oi = Ref.Unravel(i, shape.Dims);
            var xi = new int[x.Rank];
            for (int k = 0; k < dims.Length; k++) xi[k] = x.Shape[k] == 1 ? 0 : oi[dims[k]];
            r[i] = v[Ref.Ravel(xi, x.Shape.Dims)];
        }

        return Ref.Make(x.DType, shape, r);
    }

    public static NDArray Slice(NDArray x, int[] start, int[] limit, int[] strides)
    {
        var shape = Shape.Of(Enumerable.Range(0, x.Rank).Select(i => (limit[i] - start[i] + strides[i] - 1) / strides[i]).ToArray());
        var v = Ref.Values(x);
        var r = new double[shape.Size];
        for (int i = 0; i < r.Length; i++)
        {
            var oi = Ref.Unravel(i, shape.Dims);
            r[i] = v[Ref.Ravel(oi.Select((o, k) => start[k] + o * strides[k]).ToArray(), x.Shape.Dims)];
        }

        return Ref.Make(x.DType, shape, r);
    }

    public static NDArray Pad(NDArray x, double value, int[] lo, int[] hi, int[] interior)
    {
        var shape = Shape.Of(Enumerable.Range(0, x.Rank).Select(i => lo[i] + hi[i] + x.Shape[i] + Math.Max(0, x.Shape[i] - 1) * interior[i]).ToArray());
        var v = Ref.Values(x);
        var r = new double[shape.Size];
        for (int i = 0; i < r.Length; i++)
        {
            var oi = Ref.Unravel(i, shape.Dims);
            var xi = new int[x.Rank];
            bool inside = true;
            for (int k = 0; k < x.Rank && inside; k++)
            {
                int t = oi[k] - lo[k];
                inside = t >= 0 && t % (interior[k] + 1) == 0 && t / (interior[k] + 1) < x.Shape[k];
                xi[k] = inside ? t / (interior[k] + 1) : 0;
            }

            r[i] = inside ? v[Ref.Ravel(xi, x.Shape.Dims)] : value;
        }

        return Ref.Make(x.DType, shape, r);
    }

    public static NDArray Concatenate(IReadOnlyList<NDArray> xs, int axis)
    {
        var dims = xs[0].Shape.ToArray();
        dims[axis] = xs.Sum(a => a.Shape[axis]);
        var shape = Shape.Of(dims);
        var r = new double[shape.Size];
        for (int i = 0; i < r.Length; i++)
        {
            var oi = Ref.Unravel(i, shape.Dims);
            int k = oi[axis], j = 0;
            while (k >= xs[j].Shape[axis]) k -= xs[j++].Shape[axis];
            oi[axis] = k;
            r[i] = xs[j].GetDouble(Ref.Ravel(oi, xs[j].Shape.Dims));
        }

        return Ref.Make(xs[0].DType, shape, r);
    }

    public static NDArray Reverse(NDArray x, int[] axes)
    {
        var v = Ref.Values(x);
        var r = new double[v.Length];
        for (int i = 0; i < r.Length; i++)
        {
            var oi = Ref.Unravel(i, x.Shape.Dims);
            foreach (int a in axes) oi[a] = x.Shape[a] - 1 - oi[a];
            r[i] = v[Ref.Ravel(oi, x.Shape.Dims)];
        }

        return Ref.Make(x.DType, x.Shape, r);
    }

    public static NDArray Gather(NDArray x, NDArray indices, int axis)
    {
        var dims = x.Shape.Dims.ToArray().Take(axis).Concat(indices.Shape.Dims.ToArray()).Concat(x.Shape.Dims.ToArray().Skip(axis + 1)).ToArray();
        var shape = Shape.Of(dims);
        var r = new double[shape.Size];
        for (int i = 0; i < r.Length; i++)
        {
            var oi = Ref.Unravel(i, shape.Dims);
            var ii = oi.Skip(axis).Take(indices.Rank).ToArray();
            int k = (int)indices.GetDouble(Ref.Ravel(ii, indices.Shape.Dims));
            var xi = oi.Take(axis).Append(k).Concat(oi.Skip(axis + indices.Rank)).ToArray();
            r[i] = x.GetDouble(Ref.Ravel(xi, x.Shape.Dims));
        }

        return Ref.Make(x.DType, shape, r);
    }

    public static NDArray ScatterAdd(NDArray operand, NDArray indices, NDArray updates, int axis)
    {
        var r = Ref.Values(operand);
        for (int i = 0; i < updates.Size; i++)
        {
            var ui = Ref.Unravel(i, updates.Shape.Dims);
            var ii = ui.Skip(axis).Take(indices.Rank).ToArray();
            int k = (int)indices.GetDouble(Ref.Ravel(ii, indices.Shape.Dims));
            var oi = ui.Take(axis).Append(k).Concat(ui.Skip(axis + indices.Rank)).ToArray();
            r[Ref.Ravel(oi, operand.Shape.Dims)] += updates.GetDouble(i);
        }

        return Ref.Make(operand.DType, operand.Shape, r);
    }

    public static NDArray Iota(DType dtype, Shape shape, int dim)
    {
        var r = new double[shape.Size];
        for (int i = 0; i < r.Length; i++) r[i] = Ref.Unravel(i, shape.Dims)[dim];
        return Ref.Make(dtype, shape, r);
    }
}
