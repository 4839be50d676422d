using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

/// <summary>A reduction over a set of axes, which are removed from the shape.</summary>
public abstract class Reduction : Primitive<AxesParams>, IBatchRule<AxesParams>
{
    /// <summary>Creates the primitive.</summary>
    protected Reduction(string name, ReduceOp op) : base(name) => Op = op;

    /// <summary>The kernel reduction.</summary>
    public ReduceOp Op { get; }

    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, AxesParams p) => Kernels.Reduce(Op, args[0], p.Axes.Span);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, AxesParams p)
    {
        Check.Arity(Name, args, 1);
        var axes = p.Axes;
        var x = args[0];
        Check.Axes(Name, axes.Span, x.Shape.Rank);
        if (x.DType == DType.Bool) throw new DTypeException($"{Name}: bool operands are not supported; convert to int32 or a float first.");
        return x with { Shape = Lax.RemoveAxes(x.Shape, axes.Span) };
    }

    /// <summary>Restores the reduced axes of <paramref name="reduced"/> as size-1 axes and broadcasts to <paramref name="shape"/>.</summary>
    protected static Tensor Expand(Tensor reduced, Shape shape, Ints axes) => Lax.BroadcastInDim(reduced, shape, Lax.KeptAxes(shape.Rank, axes.Span));

    /// <summary>Each reduced axis moves past the batch axis, which survives (<see cref="BatchRules.Reducer"/>).</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, AxesParams p) => BatchRules.Reducer(this, args[0], dims[0], p);
}

/// <summary>reduce_sum. Linear; its transpose is a broadcast.</summary>
public sealed class ReduceSum() : Reduction("reduce_sum", ReduceOp.Sum), ILinearPrimitive<AxesParams>, ISimplifyRule
{
    /// <summary>
    /// Σ over some axes of broadcast_in_dim(x) that the broadcast added → n · (x broadcast to the remaining shape), or
    /// n · x when nothing remains to broadcast, with n the number of elements summed per result. Not bit-exact in
    /// floating point: the sum of n copies rounds at each addition, n · x once (they differ by at most about n
    /// roundings; a single copy, n = 1, may lose the sign of a −0). Exact for int32 (both wrap alike). Declined when n = 0 (Σ over
    /// nothing is 0, but 0 · ∞ is NaN), when a summed axis is one of the operand's (stretched or not), and in float32
    /// when n exceeds 2²⁴ (not every such count is a float32).
    /// </summary>
    public Atom? Simplify(Equation equation, SimplifyContext context)
    {
        if (context.DefinitionOf(equation.Inputs[0]) is not { Primitive: BroadcastInDim } broadcast) return null;
        var axes = ((AxesParams)equation.Parameters).Axes;
        var b = (BroadcastParams)broadcast.Parameters;
        var x = broadcast.Inputs[0];
        var dtype = x.Aval.DType;
        if (dtype == DType.Bool) return null;
        long n = 1;
        foreach (var axis in axes.Span)
        {
            if (b.BroadcastDimensions.Contains(axis)) return null;
            n *= b.Shape[axis];
        }

        if (n == 0 || (dtype == DType.Float32 && n > 1 << 24)) return null;

        // The broadcast that remains: the result's axes without the summed ones, each operand axis renumbered past them.
        var dims = new int[b.BroadcastDimensions.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            int d = b.BroadcastDimensions[i], removed = 0;
            foreach (var axis in axes.Span) if (axis < d) removed++;
            dims[i] = d - removed;
        }

        var shape = equation.Outputs[0].Aval.Shape;
        Atom source = x.Aval.Shape == shape ? x : context.Emit(Catalogue.BroadcastInDim, [x], new BroadcastParams(shape, Ints.Own(dims)));
        return n == 1 ? source : context.Emit(Catalogue.Mul, [source, SimplifyContext.Scalar(n, dtype)], NoParams.Instance);
    }

    /// <inheritdoc/>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, AxesParams p) => true;

    /// <summary>x̄ = broadcast(ȳ) back over the reduced axes.</summary>
    public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, AxesParams p, Span<Tensor?> result)
        => result[0] = Expand(cotangent, args[0].Aval.Shape, p.Axes);
}

/// <summary>reduce_max / reduce_min: the tangent is averaged over the positions attaining the extreme (JAX's rule).</summary>
public sealed class ReduceChooser : Reduction, ITangentRule<AxesParams>
{
    internal ReduceChooser(string name, ReduceOp op) : base(name, op) { }

    /// <summary>ẏ = Σ(ẋ · m) / Σ m with m = [x = y broadcast].</summary>
    public Tensor? Tangent(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, AxesParams p)
    {
        var x = primals[0];
        var axes = p.Axes;
        var mask = Lax.Convert(Lax.Eq(x, Expand(primalOut, x.Shape, axes)), x.DType);
        var counts = Lax.ReduceSum(mask, axes.Span);
        return Lax.Div(Lax.ReduceSum(Lax.Mul(tangents[0]!, mask), axes.Span), counts);
    }
}

/// <summary>reduce_prod.</summary>
public sealed class ReduceProd() : Reduction("reduce_prod", ReduceOp.Prod), ITangentRule<AxesParams>
{
    /// <summary>
    /// ẏ = Σᵢ ẋᵢ Πⱼ≠ᵢ xⱼ, with the products of the others formed exactly (no division, so zeros are
    /// fine): move the reduced axes last, flatten them to n, and take the product over j of an
    /// (…, n, n) array that holds 1 on the diagonal and xⱼ elsewhere.
    /// </summary>
    public Tensor? Tangent(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, AxesParams p)
    {
        var x = primals[0];
        var axes = p.Axes;
        var kept = Lax.KeptAxes(x.Shape.Rank, axes.Span);
        var perm = kept.Concat(axes.ToArray()).ToArray();
        int n = 1;
        foreach (var a in axes.Span) n *= x.Shape[a];
        var keptDims = kept.Select(a => x.Shape[a]).ToArray();
        var flatShape = Shape.Of([.. keptDims, n]);
        var xf = Lax.Reshape(Lax.Transpose(x, perm), flatShape);
        var tf = Lax.Reshape(Lax.Transpose(tangents[0]!, perm), flatShape);
        int r = keptDims.Length;
        var square = Shape.Of([.. keptDims, n, n]);
        var rows = Lax.BroadcastInDim(xf, square, [.. Enumerable.Range(0, r), r + 1]);   // [.., i, j] = x_j
        var eye = Lax.Eq(Lax.Iota(DType.Int32, Shape.Of(n, n), 0), Lax.Iota(DType.Int32, Shape.Of(n, n), 1));
        var masked = Lax.Select(Lax.BroadcastInDim(eye, square, [r, r + 1]), Lax.BroadcastTo(Lax.Scalar(1, x), square), rows);
        var others = Lax.ReduceProd(masked, [r + 1]);
        return Lax.ReduceSum(Lax.Mul(tf, others), [r]);
    }
}

/// <summary>argmax / argmin along one axis (int32 result). Zero derivative.</summary>
public sealed class ArgReduce : Primitive<AxisParams>, IZeroDerivative, IBatchRule<AxisParams>
{
    internal ArgReduce(string name, bool max) : base(name) => IsMax = max;

    /// <summary>True for argmax.</summary>
    public bool IsMax { get; }

    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, AxisParams p) => Kernels.ArgReduce(IsMax, args[0], p.Axis);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, AxisParams p)
    {
        Check.Arity(Name, args, 1);
        int axis = p.Axis;
        Check.Axes(Name, [axis], args[0].Shape.Rank);
        if (args[0].Shape[axis] == 0) throw new ShapeException($"{Name}: cannot take the arg-extreme of an empty axis {axis} of shape {args[0].Shape}.");
        if (args[0].DType == DType.Bool) throw new DTypeException($"{Name}: bool operands are not supported.");
        return new Aval(Lax.RemoveAxes(args[0].Shape, [axis]), DType.Int32);
    }

    /// <summary>The axis moves past the batch axis; the batch axis shifts down when the removed axis precedes it.</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, AxisParams p)
    {
        int axis = Batching.Bump(p.Axis, dims[0]);
        return (this.Bind(args[0], new AxisParams(axis)), axis < dims[0] ? dims[0] - 1 : dims[0]);
    }
}

/// <summary>cumsum along an axis. Linear; its transpose is the cumsum in the other direction.</summary>
public sealed class CumSum() : Primitive<CumSumParams>("cumsum"), ILinearPrimitive<CumSumParams>, IBatchRule<CumSumParams>
{
    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, CumSumParams p)
    {
        return Kernels.CumSum(args[0], p.Axis, p.Reverse);
    }

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, CumSumParams p)
    {
        Check.Arity(Name, args, 1);
        Check.Axes(Name, [p.Axis], args[0].Shape.Rank);
        if (args[0].DType == DType.Bool) throw new DTypeException("cumsum: bool operands are not supported.");
        return args[0];
    }

    /// <inheritdoc/>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, CumSumParams p) => true;

    /// <summary>x̄ = reverse-cumsum(ȳ).</summary>
    public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, CumSumParams p, Span<Tensor?> result)
    {
        result[0] = Bind(cotangent, p with { Reverse = !p.Reverse });
    }

    /// <summary>The scanned axis moves past the batch axis; the batch axis stays.</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, CumSumParams p) =>
        (this.Bind(args[0], p with { Axis = Batching.Bump(p.Axis, dims[0]) }), dims[0]);
}
