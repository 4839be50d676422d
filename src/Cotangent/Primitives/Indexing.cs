using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

// Indexing primitives. gather ↔ scatter_add and dynamic_slice ↔ dynamic_update_slice are each
// other's transposes; indices are never linear.

/// <summary>gather (take along an axis): y = x[..., idx, ...]. Linear in x.</summary>
public sealed class Gather() : Primitive<AxisParams>("gather"), ILinearPrimitive<AxisParams>
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
}

/// <summary>scatter_add: a copy of the operand with updates added at the indexed positions. Linear in (operand, updates).</summary>
public sealed class ScatterAdd() : Primitive<AxisParams>("scatter_add"), ILinearPrimitive<AxisParams>
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
}

/// <summary>dynamic_slice: operands (x, start₀, …, startᵣ₋₁) with int32 scalar starts, clamped as in XLA. Linear in x.</summary>
public sealed class DynamicSlice() : Primitive<SizesParams>("dynamic_slice"), ILinearPrimitive<SizesParams>
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
}

/// <summary>dynamic_update_slice: operands (x, update, start₀, …) — a copy of x with update written at the (clamped) starts. Linear in (x, update).</summary>
public sealed class DynamicUpdateSlice() : Primitive<NoParams>("dynamic_update_slice"), ILinearPrimitive<NoParams>
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
