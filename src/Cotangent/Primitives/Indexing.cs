using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

// Indexing primitives. gather ↔ scatter_add and dynamic_slice ↔ dynamic_update_slice are each
// other's transposes; indices are never linear.

/// <summary>gather (take along an axis): y = x[..., idx, ...]. Linear in x.</summary>
public sealed class Gather() : Primitive<AxisParams>("gather"), ILinearPrimitive<AxisParams>, IBatchRule<AxisParams>
{
    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, AxisParams p) => Kernels.Gather(args[0], args[1], p.Axis);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, AxisParams p)
    {
        Check.Arity(Name, args, 2);
        int axis = p.Axis;
        Check.Axes(Name, [axis], args[0].Shape.Rank);
        if (args[1].DType != DType.Int32)
            throw new DTypeException($"gather: indices must be int32, got {args[1].DType.ShortName()} (a float cannot be used as an index; convert with AsType(DType.Int32)).");
        return args[0] with { Shape = Lax.GatherShape(args[0].Shape, args[1].Shape, axis) };
    }

    /// <inheritdoc/>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, AxisParams p) => linear[0] && !linear[1];

    /// <summary>x̄ = scatter_add(0, idx, ȳ).</summary>
    public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, AxisParams p, Span<Tensor?> result)
        => result[0] = Lax.ScatterAdd(Lax.ZerosAt(cotangent, args[0].Aval), args[1].Value!, cotangent, p.Axis);

    /// <summary>
    /// x batched: gather on the moved axis. Indices batched: the index axes carry the batch. Both: the examples' blocks
    /// laid end to end with offset indices (<see cref="BatchRules.GatherBothFront"/>).
    /// </summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, AxisParams p)
    {
        var (x, idx) = (args[0], args[1]);
        var (dx, di, a) = (dims[0], dims[1], p.Axis);
        if (di == Batching.NotBatched) return (this.Bind(x, idx, new AxisParams(Batching.Bump(a, dx))), dx <= a ? dx : dx - 1 + idx.Rank);
        if (dx == Batching.NotBatched) return (this.Bind(x, idx, p), a + di);
        return (BatchRules.GatherBothFront(BatchRules.MoveAxis(x, dx, 0), BatchRules.MoveAxis(idx, di, 0), a), 0);
    }
}

/// <summary>scatter_add: a copy of the operand with updates added at the indexed positions. Linear in (operand, updates).</summary>
public sealed class ScatterAdd() : Primitive<AxisParams>("scatter_add"), ILinearPrimitive<AxisParams>, IBatchRule<AxisParams>
{
    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, AxisParams p) => Kernels.ScatterAdd(args[0], args[1], args[2], p.Axis);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, AxisParams p)
    {
        Check.Arity(Name, args, 3);
        int axis = p.Axis;
        Check.Axes(Name, [axis], args[0].Shape.Rank);
        if (args[1].DType != DType.Int32)
            throw new DTypeException($"scatter_add: indices must be int32, got {args[1].DType.ShortName()}.");
        Check.SameDType(Name, args[0], args[2]);
        var expected = Lax.GatherShape(args[0].Shape, args[1].Shape, axis);
        if (expected != args[2].Shape)
            throw new ShapeException($"scatter_add: updates have shape {args[2].Shape} but operand {args[0].Shape} with indices {args[1].Shape} on axis {axis} needs {expected}.");
        return args[0];
    }

    /// <inheritdoc/>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, AxisParams p) => linear[0] && !linear[1] && linear[2];

    /// <summary>x̄ = ȳ, ū = gather(ȳ, idx).</summary>
    public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, AxisParams p, Span<Tensor?> result)
    {
        if (args[0].IsLinear) result[0] = cotangent;
        if (args[2].IsLinear) result[2] = Lax.Gather(cotangent, args[1].Value!, p.Axis);
    }

    /// <summary>
    /// Unbatched indices: operand and updates to the front, scatter on the axis after it. Batched indices: the operand's
    /// examples laid end to end along the scattered axis, indices offset by block, updates permuted to match.
    /// </summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, AxisParams p)
    {
        int a = p.Axis;
        var operand = BatchRules.Front(args[0], dims[0], axisSize);
        var updates = BatchRules.Front(args[2], dims[2], axisSize);
        if (dims[1] == Batching.NotBatched) return (this.Bind([operand, args[1], updates], new AxisParams(a + 1)), 0);
        var idx = BatchRules.MoveAxis(args[1], dims[1], 0);
        int n = operand.Shape[a + 1];
        if ((long)axisSize * n > int.MaxValue) throw new BatchingException($"Vmap of scatter_add: {axisSize} examples × {n} entries exceed the int32 index range.");
        var moved = BatchRules.MoveAxis(operand, a + 1, 1);
        var rest = moved.Shape.Dims[2..].ToArray();
        var flat = Lax.Reshape(moved, Shape.Of([axisSize * n, .. rest]));
        var offset = Lax.Add(idx, BatchRules.OffsetsLike(idx, axisSize, n));
        // updates (B, op[:a]…, idx…, op[a+1:]…) → (B, idx…, op[:a]…, op[a+1:]…)
        int k = idx.Rank - 1;
        var perm = new List<int> { 0 };
        for (int i = 0; i < k; i++) perm.Add(1 + a + i);
        for (int i = 0; i < a; i++) perm.Add(1 + i);
        for (int i = 1 + a + k; i < updates.Rank; i++) perm.Add(i);
        var scattered = this.Bind([flat, offset, Lax.Transpose(updates, [.. perm])], new AxisParams(0));
        var unflat = Lax.Reshape(scattered, Shape.Of([axisSize, n, .. rest]));
        return (BatchRules.MoveAxis(unflat, 1, a + 1), 0);
    }
}

/// <summary>dynamic_slice: operands (x, start₀, …, startᵣ₋₁) with int32 scalar starts, clamped as in XLA. Linear in x.</summary>
public sealed class DynamicSlice() : Primitive<SizesParams>("dynamic_slice"), ILinearPrimitive<SizesParams>, IBatchRule<SizesParams>
{
    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, SizesParams p)
        => Kernels.DynamicSlice(args[0], Lax.Starts(Name, args[1..], args[0].Rank), p.Sizes.Span);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, SizesParams p)
    {
        var x = args[0].Shape;
        var sizes = p.Sizes;
        Lax.CheckStarts(Name, args[1..], x.Rank);
        if (sizes.Length != x.Rank) throw new ShapeException($"dynamic_slice: {sizes.Length} sizes given for an operand of rank {x.Rank} ({x}).");
        for (int i = 0; i < x.Rank; i++)
            if (sizes[i] < 0 || sizes[i] > x[i]) throw new IndexBoundsException($"dynamic_slice: slice size {sizes[i]} does not fit axis {i} of extent {x[i]} (shape {x}).");
        return args[0] with { Shape = Shape.Of(sizes.Span) };
    }

    /// <inheritdoc/>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, SizesParams p) => linear[0] && !linear[1..].Contains(true);

    /// <summary>x̄ = dynamic_update_slice(0, ȳ, starts).</summary>
    public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, SizesParams p, Span<Tensor?> result)
    {
        var operands = new Tensor[args.Length + 1];
        operands[0] = Lax.ZerosAt(cotangent, args[0].Aval);
        operands[1] = cotangent;
        for (int i = 1; i < args.Length; i++) operands[i + 1] = args[i].Value!;
        result[0] = Catalogue.DynamicUpdateSlice.Bind(operands);
    }

    /// <summary>
    /// Unbatched starts: the whole batch axis is kept. Batched starts: slice by the unbatched starts, then gather each
    /// example's window (start clamped to [0, n − size] as the primitive clamps) along each axis with a batched start.
    /// </summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, SizesParams p)
    {
        int d = dims[0], rank = args.Length - 1;
        bool startsBatched = false;
        for (int i = 1; i < args.Length; i++) startsBatched |= dims[i] != Batching.NotBatched;
        if (!startsBatched)
        {
            var operands = new Tensor[args.Length + 1];
            operands[0] = args[0];
            for (int i = 0, k = 1; i <= rank; i++) operands[i + 1] = i == d ? BatchRules.IntScalar(0) : args[k++];
            return (this.Bind(operands, new SizesParams(new Ints([.. p.Sizes.Span[..d], axisSize, .. p.Sizes.Span[d..]]))), d);
        }

        var x = BatchRules.Front(args[0], d, axisSize);
        var first = new Tensor[rank + 2];
        var sizes = new int[rank + 1];
        first[0] = x;
        first[1] = BatchRules.IntScalar(0);
        sizes[0] = axisSize;
        for (int i = 0; i < rank; i++)
        {
            bool batched = dims[i + 1] != Batching.NotBatched;
            first[i + 2] = batched ? BatchRules.IntScalar(0) : args[i + 1];
            sizes[i + 1] = batched ? x.Shape[i + 1] : p.Sizes[i];
        }

        var y = this.Bind(first, new SizesParams(new Ints(sizes)));
        for (int i = 0; i < rank; i++)
        {
            if (dims[i + 1] == Batching.NotBatched) continue;
            int n = x.Shape[i + 1], size = p.Sizes[i];
            var start = Lax.Reshape(BatchRules.MoveAxis(args[i + 1], dims[i + 1], 0), Shape.Of(axisSize, 1));
            start = Lax.Max(Lax.Min(start, BatchRules.IntScalar(n - size)), BatchRules.IntScalar(0));
            var window = Lax.Add(start, Lax.Reshape(Lax.Iota(DType.Int32, Shape.Of(size), 0), Shape.Of(1, size)));
            y = BatchRules.GatherBothFront(y, window, i);
        }

        return (y, 0);
    }
}

/// <summary>dynamic_update_slice: operands (x, update, start₀, …) — a copy of x with update written at the (clamped) starts. Linear in (x, update).</summary>
public sealed class DynamicUpdateSlice() : Primitive<NoParams>("dynamic_update_slice"), ILinearPrimitive<NoParams>, IBatchRule<NoParams>
{
    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, NoParams p) => Kernels.DynamicUpdateSlice(args[0], args[1], Lax.Starts(Name, args[2..], args[0].Rank));

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, NoParams p)
    {
        var x = args[0].Shape;
        var u = args[1].Shape;
        Check.SameDType(Name, args[0], args[1]);
        Lax.CheckStarts(Name, args[2..], x.Rank);
        if (u.Rank != x.Rank) throw new ShapeException($"dynamic_update_slice: update {u} and operand {x} have different ranks.");
        for (int i = 0; i < x.Rank; i++)
            if (u[i] > x[i]) throw new IndexBoundsException($"dynamic_update_slice: update {u} does not fit in operand {x} on axis {i}.");
        return args[0];
    }

    /// <inheritdoc/>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, NoParams p) => linear[0] && linear[1] && !linear[2..].Contains(true);

    /// <summary>x̄ = dynamic_update_slice(ȳ, 0, starts); ū = dynamic_slice(ȳ, starts).</summary>
    public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, NoParams p, Span<Tensor?> result)
    {
        int r = args[0].Aval.Shape.Rank;
        var starts = new Tensor[r];
        for (int i = 0; i < r; i++) starts[i] = args[i + 2].Value!;
        if (args[0].IsLinear) result[0] = Bind([cotangent, Lax.ZerosAt(cotangent, args[1].Aval), .. starts]);
        if (args[1].IsLinear)
            result[1] = Catalogue.DynamicSlice.Bind([cotangent, .. starts], new SizesParams(new Ints(args[1].Aval.Shape.Dims)));
    }

    /// <summary>
    /// Unbatched starts: operand and update to the front, written at start 0 of the batch axis. Batched starts: each
    /// axis' positions relative to the (clamped) start pick the update's entries by gather, and a mask of the window
    /// selects them over the operand — exact, linear in (x, update), and no per-example loop.
    /// </summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, NoParams p)
    {
        int rank = args.Length - 2;
        var x = BatchRules.Front(args[0], dims[0], axisSize);
        var update = BatchRules.Front(args[1], dims[1], axisSize);
        bool startsBatched = false;
        for (int i = 2; i < args.Length; i++) startsBatched |= dims[i] != Batching.NotBatched;
        if (!startsBatched)
        {
            var operands = new Tensor[args.Length + 1];
            operands[0] = x;
            operands[1] = update;
            operands[2] = BatchRules.IntScalar(0);
            for (int i = 2; i < args.Length; i++) operands[i + 1] = args[i];
            return (this.Bind(operands), 0);
        }

        if (update.Size == 0) return (x, 0);
        Tensor placed = update, mask = null!;
        for (int i = 0; i < rank; i++)
        {
            int n = x.Shape[i + 1], size = update.Shape[i + 1];
            bool batched = dims[i + 2] != Batching.NotBatched;
            var start = batched ? Lax.Reshape(BatchRules.MoveAxis(args[i + 2], dims[i + 2], 0), Shape.Of(axisSize, 1)) : args[i + 2];
            start = Lax.Max(Lax.Min(start, BatchRules.IntScalar(n - size)), BatchRules.IntScalar(0));
            var rel = Lax.Sub(Lax.Iota(DType.Int32, Shape.Of(n), 0), start);   // (B, n) or (n)
            var inside = Lax.And(Lax.Ge(rel, BatchRules.IntScalar(0)), Lax.Lt(rel, BatchRules.IntScalar(size)));
            var index = Lax.Max(Lax.Min(rel, BatchRules.IntScalar(size - 1)), BatchRules.IntScalar(0));
            if (!batched) index = Lax.BroadcastTo(index, Shape.Of(axisSize, n));
            placed = BatchRules.GatherBothFront(placed, index, i);
            var maskShape = new int[rank + 1];
            maskShape.AsSpan().Fill(1);
            maskShape[0] = batched ? axisSize : 1;
            maskShape[i + 1] = n;
            var axisMask = Lax.Reshape(inside, Shape.Of(maskShape));
            mask = i == 0 ? axisMask : Lax.And(mask, axisMask);
        }

        return (Lax.Select(mask, placed, x), 0);
    }
}

/// <summary>iota: the index along one dimension. No operands; zero derivative.</summary>
public sealed class Iota() : Primitive<IotaParams>("iota"), IZeroDerivative
{
    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, IotaParams p)
    {
        return Kernels.Iota(p.DType, p.Shape, p.Dimension);
    }

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, IotaParams p)
    {
        Check.Axes(Name, [p.Dimension], p.Shape.Rank);
        if (p.DType == DType.Bool) throw new DTypeException("iota: bool is not a valid dtype.");
        return new Aval(p.Shape, p.DType);
    }
}
