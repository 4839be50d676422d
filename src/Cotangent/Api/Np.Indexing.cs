using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent;

// NumPy indexing composed from slice, rev, reshape, transpose and gather: all linear in the indexed
// tensor, so indexing is differentiable (its transpose scatters the cotangent back).
public static partial class Np
{
    /// <summary>The new-axis index item (NumPy's <c>None</c>).</summary>
    public static TensorIndex NewAxis => TensorIndex.NewAxis;

    /// <summary>The ellipsis index item (NumPy's <c>...</c>).</summary>
    public static TensorIndex Ellipsis => TensorIndex.Ellipsis;

    /// <summary>The slice item <c>start:stop:step</c> (null parts take Python's defaults).</summary>
    public static TensorIndex Slice(int? start = null, int? stop = null, int? step = null) => TensorIndex.Slice(start, stop, step);

    private enum EntryKind
    {
        Drop,
        Keep,
        New,
        Advanced,
    }

    private readonly record struct Entry(EntryKind Kind, int Axis, Tensor? Indices, bool Normalized);

    /// <summary>
    /// NumPy indexing <c>x[items]</c>. Basic items (ints, slices with any step, NewAxis, Ellipsis) become one
    /// strided slice, a reversal for negative steps and a reshape. Integer-array items (int32 tensors) use
    /// advanced indexing: the index arrays broadcast together to a shape S, ints among them count as 0-d index
    /// arrays, and the S axes replace the indexed axes when those are adjacent, else come first. Several index
    /// arrays are combined into one row-major linear index into the merged indexed axes and gathered once.
    /// Negative entries count from the end.
    /// </summary>
    /// <exception cref="IndexBoundsException">An int is out of range, there are more indices than axes, or more than one Ellipsis.</exception>
    /// <exception cref="DTypeException">An index tensor is not int32 (e.g. a float used as an index).</exception>
    /// <exception cref="ShapeException">Index arrays that do not broadcast together.</exception>
    public static Tensor Index(Tensor x, params TensorIndex[] items)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(items);
        int r = x.Rank;
        var full = ExpandEllipsis(items, r, x.Shape);
        bool advanced = full.Any(i => i.Kind == TensorIndexKind.Array);
        var lo = new int[r];
        var hi = x.Shape.ToArray();
        var st = new int[r];
        System.Array.Fill(st, 1);
        var rev = new List<int>();
        var entries = new List<Entry>(full.Count);
        int axis = 0;
        foreach (var item in full)
        {
            switch (item.Kind)
            {
                case TensorIndexKind.NewAxis:
                    entries.Add(new Entry(EntryKind.New, -1, null, false));
                    break;

                case TensorIndexKind.Int:
                {
                    int n = x.Shape[axis];
                    int i = item.Index < 0 ? item.Index + n : item.Index;
                    if (i < 0 || i >= n) throw new IndexBoundsException($"index: index {item.Index} is out of bounds for axis {axis} with size {n} (shape {x.Shape}).");
                    if (advanced)
                    {
                        entries.Add(new Entry(EntryKind.Advanced, axis, Tensor.Scalar(i, DType.Int32), true));
                    }
                    else
                    {
                        (lo[axis], hi[axis]) = (i, i + 1);
                        entries.Add(new Entry(EntryKind.Drop, axis, null, false));
                    }

                    axis++;
                    break;
                }

                case TensorIndexKind.Slice:
                {
                    var (start, stop, stride, reverse) = SliceBounds(item, x.Shape[axis]);
                    (lo[axis], hi[axis], st[axis]) = (start, stop, stride);
                    if (reverse) rev.Add(axis);
                    entries.Add(new Entry(EntryKind.Keep, axis, null, false));
                    axis++;
                    break;
                }

                default:
                {
                    var t = item.IndexArray!;
                    RequireIndexDType(t, "index");
                    entries.Add(new Entry(EntryKind.Advanced, axis, t, false));
                    axis++;
                    break;
                }
            }
        }

        var y = x;
        if (!lo.All(v => v == 0) || !hi.AsSpan().SequenceEqual(x.Shape.Dims) || !st.All(v => v == 1)) y = Lax.Slice(y, lo, hi, st);
        if (rev.Count > 0) y = Lax.Rev(y, rev.ToArray());

        if (!advanced)
        {
            var dims = new List<int>();
            foreach (var e in entries)
            {
                if (e.Kind == EntryKind.New) dims.Add(1);
                else if (e.Kind == EntryKind.Keep) dims.Add(y.Shape[e.Axis]);
            }

            return Lax.Reshape(y, Shape.Of(dims.ToArray()));
        }

        return AdvancedIndex(y, entries);
    }

    /// <summary>
    /// Takes elements along <paramref name="axis"/> at the int32 <paramref name="indices"/> (negative from the end):
    /// result axes x[:axis] + indices.shape + x[axis+1:]. With axis null, indexes the flattened tensor.
    /// </summary>
    /// <exception cref="DTypeException">indices is not int32.</exception>
    /// <exception cref="IndexBoundsException">A concrete index is outside [−n, n) (the message shows it as given).</exception>
    public static Tensor Take(Tensor x, Tensor indices, int? axis = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        RequireIndexDType(indices, "take");
        if (axis is null) x = Ravel(x);
        int a = axis is null ? 0 : AxisHelpers.Normalize(axis.Value, x.Rank, "take");
        CheckConcreteIndices(indices, x.Shape[a], a, "take");
        return Lax.Gather(x, NormalizeIndices(indices, x.Shape[a]), a);
    }

    /// <summary>
    /// y[i₀, …, j, …] = x[i₀, …, indices[i₀, …, j, …], …] along <paramref name="axis"/> (NumPy's take_along_axis);
    /// indices has x's rank and broadcasts against x on the other axes.
    /// </summary>
    /// <exception cref="ShapeException">The ranks differ.</exception>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor TakeAlongAxis(Tensor x, Tensor indices, int axis)
    {
        ArgumentNullException.ThrowIfNull(x);
        RequireIndexDType(indices, "take_along_axis");
        if (indices.Rank != x.Rank) throw new ShapeException($"take_along_axis: indices {indices.Shape} must have the same rank as the tensor {x.Shape}.");
        int a = AxisHelpers.Normalize(axis, x.Rank, "take_along_axis");
        var items = new TensorIndex[x.Rank];
        for (int d = 0; d < x.Rank; d++)
        {
            if (d == a)
            {
                items[d] = indices;
                continue;
            }

            var shape = Enumerable.Repeat(1, x.Rank).ToArray();
            shape[d] = x.Shape[d];
            items[d] = Lax.Reshape(Arange(x.Shape[d]), Shape.Of(shape));
        }

        return Index(x, items);
    }

    /// <summary>
    /// A copy of <paramref name="x"/> with <paramref name="updates"/> added at <paramref name="indices"/> along
    /// <paramref name="axis"/> (duplicates accumulate; JAX's <c>x.at[idx].add(u)</c>). updates has shape
    /// x[:axis] + indices.shape + x[axis+1:].
    /// </summary>
    /// <exception cref="IndexBoundsException">A concrete index is outside [−n, n) (the message shows it as given).</exception>
    public static Tensor IndexAdd(Tensor x, Tensor indices, Tensor updates, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        RequireIndexDType(indices, "index_add");
        int a = AxisHelpers.Normalize(axis, x.Rank, "index_add");
        CheckConcreteIndices(indices, x.Shape[a], a, "index_add");
        return Lax.ScatterAdd(x, NormalizeIndices(indices, x.Shape[a]), updates, a);
    }

    private static void RequireIndexDType(Tensor t, string op)
    {
        ArgumentNullException.ThrowIfNull(t, "indices");
        if (t.DType == DType.Int32) return;
        if (t.DType == DType.Bool)
            throw new DTypeException($"{op}: bool mask indexing is not supported (its result shape depends on the values); use Where, or convert the mask to indices.");
        throw new DTypeException($"{op}: a {t.DType.ShortName()} float used as index {t.Shape}; indices must be int32 — convert with AsType(DType.Int32).");
    }

    /// <summary>Where(idx &lt; 0, idx + n, idx).</summary>
    private static Tensor NormalizeIndices(Tensor idx, int n) =>
        Lax.Select(Lax.Lt(idx, ScalarOf(0, DType.Int32)), Lax.Add(idx, Tensor.Scalar(n, DType.Int32)), idx);

    private static List<TensorIndex> ExpandEllipsis(TensorIndex[] items, int rank, Shape shape)
    {
        int consumed = 0, ellipses = 0;
        foreach (var i in items)
        {
            if (i.Kind is TensorIndexKind.Int or TensorIndexKind.Slice or TensorIndexKind.Array) consumed++;
            else if (i.Kind == TensorIndexKind.Ellipsis) ellipses++;
        }

        if (ellipses > 1) throw new IndexBoundsException("index: an index can only have a single ellipsis (...).");
        if (consumed > rank)
            throw new IndexBoundsException($"index: too many indices for a tensor of rank {rank} (shape {shape}): {consumed} were given.");
        var full = new List<TensorIndex>(items.Length + rank);
        foreach (var i in items)
        {
            if (i.Kind == TensorIndexKind.Ellipsis) full.AddRange(Enumerable.Repeat(TensorIndex.All, rank - consumed));
            else full.Add(i);
        }

        if (ellipses == 0) full.AddRange(Enumerable.Repeat(TensorIndex.All, rank - consumed));
        return full;
    }

    /// <summary>
    /// Python slice semantics as (start, limit, stride ≥ 1, reverse) for a forward strided slice, reversed afterwards
    /// when the step is negative. Lengths are computed in long: with a step near ±int.MaxValue, stop − start + step
    /// overflows an int. A slice of at most one element gets stride 1, since its step is never taken.
    /// </summary>
    private static (int Start, int Limit, int Stride, bool Reverse) SliceBounds(TensorIndex item, int n)
    {
        long step = item.Step ?? 1;
        if (step > 0)
        {
            int start = Clamp(item.Start ?? 0, n, 0, n);
            int stop = Clamp(item.Stop ?? n, n, 0, n);
            long len = stop > start ? ((long)stop - start + step - 1) / step : 0;
            if (len <= 1) return (start, start + (int)len, 1, false);
            return (start, (int)(start + ((len - 1) * step) + 1), (int)step, false);
        }
        else
        {
            int start = item.Start is { } s ? Clamp(s, n, -1, n - 1) : n - 1;
            int stop = item.Stop is { } e ? Clamp(e, n, -1, n - 1) : -1;
            long len = start > stop ? ((long)start - stop - step - 1) / -step : 0;
            if (len == 0) return (0, 0, 1, false);
            if (len == 1) return (start, start + 1, 1, false);
            int last = (int)(start + ((len - 1) * step));
            return (last, start + 1, (int)-step, true);
        }
    }

    /// <summary>A possibly negative bound made non-negative by adding n, then clamped to [lo, hi].</summary>
    private static int Clamp(int v, int n, int lo, int hi)
    {
        long w = v < 0 ? (long)v + n : v;
        return (int)Math.Clamp(w, lo, hi);
    }

    private static Tensor AdvancedIndex(Tensor y, List<Entry> entries)
    {
        // Insert the new axes so every entry is one axis of z.
        var zDims = new int[entries.Count];
        var positions = new List<int>();
        for (int p = 0; p < entries.Count; p++)
        {
            var e = entries[p];
            zDims[p] = e.Kind == EntryKind.New ? 1 : y.Shape[e.Axis];
            if (e.Kind == EntryKind.Advanced) positions.Add(p);
        }

        var z = Lax.Reshape(y, Shape.Of(zDims));
        var idx = new Tensor[positions.Count];
        var indexShape = Shape.Scalar;
        for (int k = 0; k < idx.Length; k++)
        {
            var e = entries[positions[k]];
            if (!e.Normalized) CheckConcreteIndices(e.Indices!, zDims[positions[k]], e.Axis, "index");
            idx[k] = e.Normalized ? e.Indices! : NormalizeIndices(e.Indices!, zDims[positions[k]]);
            if (positions.Count > 1) idx[k] = CheckedIndex(e.Indices!, idx[k], zDims[positions[k]], e.Axis);
            try
            {
                indexShape = Shape.Broadcast(indexShape, idx[k].Shape, "index");
            }
            catch (ShapeException ex)
            {
                throw new ShapeException($"index: the index arrays could not be broadcast together with shapes {string.Join(" ", positions.Select(q => entries[q].Indices!.Shape))}.", ex);
            }
        }

        if (idx.Length == 1) return Lax.Gather(z, idx[0], positions[0]);

        // One row-major linear index into the merged indexed axes.
        Tensor? linear = null;
        int stride = 1;
        for (int k = idx.Length - 1; k >= 0; k--)
        {
            int n = zDims[positions[k]];
            var t = idx[k];
            var term = stride == 1 ? t : Lax.Mul(t, Tensor.Scalar(stride, DType.Int32));
            linear = linear is null ? term : Lax.Add(linear, term);
            stride *= n;
        }

        linear = Lax.BroadcastTo(linear!, indexShape);
        bool adjacent = positions[^1] - positions[0] == positions.Count - 1;
        if (adjacent)
        {
            int p0 = positions[0];
            var merged = new List<int>(zDims[..p0]) { stride };
            merged.AddRange(zDims[(positions[^1] + 1)..]);
            return Lax.Gather(Lax.Reshape(z, Shape.Of(merged.ToArray())), linear, p0);
        }

        var others = Enumerable.Range(0, zDims.Length).Where(p => !positions.Contains(p)).ToArray();
        var moved = Transpose(z, [.. positions, .. others]);
        var flatShape = new List<int> { stride };
        flatShape.AddRange(others.Select(p => zDims[p]));
        return Lax.Gather(Lax.Reshape(moved, Shape.Of(flatShape.ToArray())), linear, 0);
    }

    /// <summary>
    /// Checks concrete indices against the extent before negative ones are normalized, so an error shows the index
    /// as the user wrote it (−5 of an extent-3 axis, not the −2 the gather would see). Traced indices are left to
    /// the gather.
    /// </summary>
    private static void CheckConcreteIndices(Tensor indices, int n, int axis, string op)
    {
        if (indices.Array is not { } a) return;
        var span = a.ReadOnlySpan<int>();
        for (int j = 0; j < span.Length; j++)
        {
            if (span[j] < -n || span[j] >= n)
                throw new IndexBoundsException($"{op}: index {span[j]} (flat position {j} of the indices {indices.Shape}) is out of bounds for axis {axis} with size {n}.");
        }
    }

    /// <summary>
    /// Bounds for one component of a combined linear index (where the gather alone could not notice an
    /// out-of-range component): a concrete index, even under a transformation, is checked and an out-of-range entry
    /// raises; a traced one is clamped to [0, n) as in JAX, since its values are unknown.
    /// </summary>
    private static Tensor CheckedIndex(Tensor raw, Tensor normalized, int n, int axis)
    {
        if (raw.Array is { } a)
        {
            foreach (var v in a.ReadOnlySpan<int>())
                if (v < -n || v >= n) throw new IndexBoundsException($"index: index {v} is out of bounds for axis {axis} with size {n}.");
            return normalized;
        }

        return Lax.Max(Lax.Min(normalized, Tensor.Scalar(n - 1, DType.Int32)), ScalarOf(0, DType.Int32));
    }
}
