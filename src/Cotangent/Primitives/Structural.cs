using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

// Shape primitives. All are linear; each transpose is the "opposite" structural operation:
// reshape ↔ reshape, transpose ↔ inverse permutation, broadcast ↔ sum, slice ↔ pad, concatenate ↔
// slices, rev ↔ rev.

/// <summary>Base of linear one-operand structural primitives: the JVP applies the same primitive to the tangent (the shared linear rule).</summary>
/// <typeparam name="TParams">The primitive's parameter record.</typeparam>
public abstract class StructuralUnary<TParams> : Primitive<TParams>, ILinearPrimitive<TParams> where TParams : Params, IParams<TParams>
{
    /// <summary>Creates the primitive.</summary>
    protected StructuralUnary(string name) : base(name) { }

    /// <inheritdoc/>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, TParams p) => true;

    /// <inheritdoc/>
    public abstract void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, TParams p, Span<Tensor?> result);
}

/// <summary>reshape: same elements in row-major order, new shape.</summary>
public sealed class Reshape() : StructuralUnary<ShapeParams>("reshape"), ISimplifyRule, IElementPreserving, IBatchRule<ShapeParams>
{
    /// <summary>reshape to the operand's own shape → the operand; reshape(reshape(x)) → one reshape of x (exact: no arithmetic).</summary>
    public Atom? Simplify(Equation equation, SimplifyContext context)
    {
        var x = equation.Inputs[0];
        var shape = ((ShapeParams)equation.Parameters).Shape;
        if (x.Aval.Shape == shape) return x;
        if (context.DefinitionOf(x) is not { Primitive: Reshape } inner) return null;
        var source = inner.Inputs[0];
        return source.Aval.Shape == shape ? source : context.Emit(this, [source], equation.Parameters);
    }

    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, ShapeParams p) => Kernels.Reshape(args[0], p.Shape);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, ShapeParams p)
    {
        Check.Arity(Name, args, 1);
        var shape = p.Shape;
        if (shape.Size != args[0].Shape.Size)
            throw new ShapeException($"reshape: cannot reshape {args[0].Shape} ({args[0].Shape.Size} elements) to {shape} ({shape.Size} elements).");
        return args[0] with { Shape = shape };
    }

    /// <summary>x̄ = reshape(ȳ, shape of x).</summary>
    public override void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, ShapeParams p, Span<Tensor?> result)
        => result[0] = Lax.Reshape(cotangent, args[0].Aval.Shape);

    /// <summary>The batch axis moves to the front and the rest is reshaped per example.</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, ShapeParams p)
    {
        var front = BatchRules.MoveAxis(args[0], dims[0], 0);
        return (this.Bind(front, new ShapeParams(Shape.Of([axisSize, .. p.Shape.Dims]))), 0);
    }
}

/// <summary>transpose: permutes axes.</summary>
public sealed class TransposeDims() : StructuralUnary<PermutationParams>("transpose"), ISimplifyRule, IElementPreserving, IBatchRule<PermutationParams>
{
    /// <summary>
    /// The identity permutation → the operand; transpose(transpose(x, p₁), p₂) → transpose(x, q) with q[j] = p₁[p₂[j]]
    /// (result axis j is axis p₂[j] of the inner result, which is axis p₁[p₂[j]] of x), or x when q is the identity.
    /// Exact: elements are only moved.
    /// </summary>
    public Atom? Simplify(Equation equation, SimplifyContext context)
    {
        var outer = ((PermutationParams)equation.Parameters).Permutation;
        if (IsIdentity(outer.Span)) return equation.Inputs[0];
        if (context.DefinitionOf(equation.Inputs[0]) is not { Primitive: TransposeDims } inner) return null;
        var first = ((PermutationParams)inner.Parameters).Permutation;
        var composed = new int[outer.Length];
        for (int j = 0; j < composed.Length; j++) composed[j] = first[outer[j]];
        return IsIdentity(composed) ? inner.Inputs[0] : context.Emit(this, [inner.Inputs[0]], new PermutationParams(Ints.Own(composed)));
    }

    private static bool IsIdentity(ReadOnlySpan<int> permutation)
    {
        for (int i = 0; i < permutation.Length; i++)
            if (permutation[i] != i) return false;
        return true;
    }

    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, PermutationParams p) => Kernels.Transpose(args[0], p.Permutation.Span);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, PermutationParams p)
    {
        Check.Arity(Name, args, 1);
        var perm = p.Permutation;
        int rank = args[0].Shape.Rank;
        if (perm.Length != rank) throw new AxisException($"transpose: permutation {perm} has {perm.Length} axes but the operand {args[0].Shape} has rank {rank}.");
        Check.Axes(Name, perm.Span, rank);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++) dims[i] = args[0].Shape[perm[i]];
        return args[0] with { Shape = Shape.Of(dims) };
    }

    /// <summary>x̄ = transpose(ȳ, inverse permutation).</summary>
    public override void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, PermutationParams p, Span<Tensor?> result)
    {
        var perm = p.Permutation;
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        result[0] = Lax.Transpose(cotangent, inverse);
    }

    /// <summary>perm′ = [d, bump(perm)…]: the batch axis first, the per-example axes permuted after it.</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, PermutationParams p)
    {
        int d = dims[0];
        var perm = new int[p.Permutation.Length + 1];
        perm[0] = d;
        for (int i = 0; i < p.Permutation.Length; i++) perm[i + 1] = Batching.Bump(p.Permutation[i], d);
        return (this.Bind(args[0], new PermutationParams(new Ints(perm))), 0);
    }
}

/// <summary>broadcast_in_dim: operand axis i becomes result axis broadcast_dimensions[i]; size-1 axes stretch.</summary>
public sealed class BroadcastInDim() : StructuralUnary<BroadcastParams>("broadcast_in_dim"), ISimplifyRule, IElementPreserving, IBatchRule<BroadcastParams>
{
    /// <summary>A broadcast to the operand's own shape (the dimensions are then the identity) → the operand.</summary>
    public Atom? Simplify(Equation equation, SimplifyContext context) =>
        equation.Inputs[0].Aval.Shape == ((BroadcastParams)equation.Parameters).Shape ? equation.Inputs[0] : null;

    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, BroadcastParams p)
    {
        return Kernels.BroadcastInDim(args[0], p.Shape, p.BroadcastDimensions.Span);
    }

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, BroadcastParams p)
    {
        Check.Arity(Name, args, 1);
        var x = args[0].Shape;
        var dims = p.BroadcastDimensions;
        if (dims.Length != x.Rank) throw new ShapeException($"broadcast_in_dim: {dims.Length} broadcast dimensions given for an operand of rank {x.Rank} ({x}).");
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] < 0 || dims[i] >= p.Shape.Rank || (i > 0 && dims[i] <= dims[i - 1]))
                throw new AxisException($"broadcast_in_dim: broadcast dimensions {dims} must be strictly increasing axes of the result shape {p.Shape}.");
            if (x[i] != 1 && x[i] != p.Shape[dims[i]])
                throw new ShapeException($"broadcast_in_dim: cannot broadcast {x} to {p.Shape}: operand axis {i} has extent {x[i]} but result axis {dims[i]} has {p.Shape[dims[i]]}.");
        }

        return args[0] with { Shape = p.Shape };
    }

    /// <summary>x̄ = Σ ȳ over the new and the stretched axes, reshaped to x.</summary>
    public override void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, BroadcastParams p, Span<Tensor?> result)
    {
        var x = args[0].Aval.Shape;
        var sumAxes = new List<int>();
        for (int axis = 0; axis < p.Shape.Rank; axis++)
        {
            int i = p.BroadcastDimensions.Span.IndexOf(axis);
            if (i < 0 || (x[i] == 1 && p.Shape[axis] != 1)) sumAxes.Add(axis);
        }

        var summed = sumAxes.Count == 0 ? cotangent : Lax.ReduceSum(cotangent, sumAxes.ToArray());
        result[0] = summed.Shape == x ? summed : Lax.Reshape(summed, x);
    }

    /// <summary>The batch axis moves to the front and maps to a new leading axis of the result.</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, BroadcastParams p)
    {
        var front = BatchRules.MoveAxis(args[0], dims[0], 0);
        var map = new int[p.BroadcastDimensions.Length + 1];
        for (int i = 0; i < p.BroadcastDimensions.Length; i++) map[i + 1] = p.BroadcastDimensions[i] + 1;
        return (this.Bind(front, new BroadcastParams(Shape.Of([axisSize, .. p.Shape.Dims]), new Ints(map))), 0);
    }
}

/// <summary>slice: strided slice with static bounds.</summary>
public sealed class Slice() : StructuralUnary<SliceParams>("slice"), IBatchRule<SliceParams>
{
    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, SliceParams p)
    {
        return Kernels.Slice(args[0], p.Start.Span, p.Limit.Span, p.Strides.Span);
    }

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, SliceParams p)
    {
        Check.Arity(Name, args, 1);
        var x = args[0].Shape;
        if (p.Start.Length != x.Rank || p.Limit.Length != x.Rank || p.Strides.Length != x.Rank)
            throw new ShapeException($"slice: bounds {p.Start}, {p.Limit}, {p.Strides} do not match the operand rank {x.Rank} ({x}).");
        var dims = new int[x.Rank];
        for (int i = 0; i < x.Rank; i++)
        {
            if (p.Start[i] < 0 || p.Limit[i] < p.Start[i] || p.Limit[i] > x[i] || p.Strides[i] < 1)
                throw new IndexBoundsException($"slice: bounds [{p.Start[i]}:{p.Limit[i]}:{p.Strides[i]}] are invalid for axis {i} of extent {x[i]} (shape {x}).");
            dims[i] = (int)(((long)p.Limit[i] - p.Start[i] + p.Strides[i] - 1) / p.Strides[i]);   // long: a huge stride overflows int
        }

        return args[0] with { Shape = Shape.Of(dims) };
    }

    /// <summary>x̄ = pad(ȳ, 0) with low = start, interior = stride − 1, and the rest high.</summary>
    public override void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, SliceParams p, Span<Tensor?> result)
    {
        var x = args[0].Aval.Shape;
        int r = x.Rank;
        var low = new int[r];
        var high = new int[r];
        var interior = new int[r];
        for (int i = 0; i < r; i++)
        {
            int n = cotangent.Shape[i];
            if (n == 0)
            {
                low[i] = x[i];
                continue;
            }

            low[i] = p.Start[i];
            interior[i] = n == 1 ? 0 : p.Strides[i] - 1;   // one element: the stride is never taken
            high[i] = x[i] - (p.Start[i] + ((n - 1) * p.Strides[i]) + 1);
        }

        result[0] = Lax.Pad(cotangent, Lax.ZerosAt(cotangent, Aval.ScalarOf(cotangent.DType)), low, high, interior);
    }

    /// <summary>The whole batch axis is kept: start 0, limit B, stride 1 inserted at its position.</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, SliceParams p)
    {
        int d = dims[0];
        var p2 = new SliceParams(new Ints([.. p.Start.Span[..d], 0, .. p.Start.Span[d..]]), new Ints([.. p.Limit.Span[..d], axisSize, .. p.Limit.Span[d..]]),
            new Ints([.. p.Strides.Span[..d], 1, .. p.Strides.Span[d..]]));
        return (this.Bind(args[0], p2), d);
    }
}

/// <summary>rev: reverses the given axes.</summary>
public sealed class Rev() : StructuralUnary<AxesParams>("rev"), IBatchRule<AxesParams>
{
    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, AxesParams p) => Kernels.Reverse(args[0], p.Axes.Span);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, AxesParams p)
    {
        Check.Arity(Name, args, 1);
        Check.Axes(Name, p.Axes.Span, args[0].Shape.Rank);
        return args[0];
    }

    /// <summary>x̄ = rev(ȳ).</summary>
    public override void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, AxesParams p, Span<Tensor?> result)
        => result[0] = Bind(cotangent, p);

    /// <summary>The reversed axes move past the batch axis, which stays.</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, AxesParams p)
    {
        var axes = new int[p.Axes.Length];
        for (int i = 0; i < axes.Length; i++) axes[i] = Batching.Bump(p.Axes[i], dims[0]);
        return (this.Bind(args[0], new AxesParams(new Ints(axes))), dims[0]);
    }
}

/// <summary>pad: low, high and interior padding with a scalar padding value. Linear in (operand, padding value) jointly.</summary>
public sealed class Pad() : Primitive<PadParams>("pad"), ILinearPrimitive<PadParams>, IBatchRule<PadParams>
{
    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, PadParams p)
    {
        return Kernels.Pad(args[0], args[1], p.Low.Span, p.High.Span, p.Interior.Span);
    }

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, PadParams p)
    {
        Check.Arity(Name, args, 2);
        Check.SameDType(Name, args[0], args[1]);
        if (args[1].Shape.Rank != 0) throw new ShapeException($"pad: the padding value must be a scalar, got shape {args[1].Shape}.");
        var x = args[0].Shape;
        if (p.Low.Length != x.Rank || p.High.Length != x.Rank || p.Interior.Length != x.Rank)
            throw new ShapeException($"pad: padding {p} does not match the operand rank {x.Rank} ({x}).");
        var dims = new int[x.Rank];
        for (int i = 0; i < x.Rank; i++)
        {
            if (p.Low[i] < 0 || p.High[i] < 0 || p.Interior[i] < 0) throw new ShapeException($"pad: padding amounts must be non-negative, got {p}.");
            // In long: large paddings overflow int and would surface as a "negative dimension".
            long d = (long)p.Low[i] + p.High[i] + x[i] + ((long)Math.Max(x[i] - 1, 0) * p.Interior[i]);
            if (d > int.MaxValue) throw new ShapeException($"pad: axis {i} of {x} padded by {p} would have extent {d}, more than {int.MaxValue}.");
            dims[i] = (int)d;
        }

        return args[0] with { Shape = Shape.Of(dims) };
    }

    /// <inheritdoc/>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, PadParams p) => linear[0] && linear[1];

    /// <summary>x̄ = the strided slice of ȳ at the operand's positions; p̄ = Σ ȳ − Σ x̄.</summary>
    public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, PadParams p, Span<Tensor?> result)
    {
        var x = args[0].Aval.Shape;
        int r = x.Rank;
        var start = new int[r];
        var limit = new int[r];
        var strides = new int[r];
        for (int i = 0; i < r; i++)
        {
            start[i] = p.Low[i];
            strides[i] = p.Interior[i] + 1;
            limit[i] = x[i] == 0 ? start[i] : start[i] + ((x[i] - 1) * strides[i]) + 1;
        }

        var tx = Lax.Slice(cotangent, start, limit, strides);
        if (args[0].IsLinear) result[0] = tx;
        if (args[1].IsLinear)
        {
            var all = Enumerable.Range(0, r).ToArray();
            result[1] = Lax.Sub(Lax.ReduceSum(cotangent, all), Lax.ReduceSum(tx, all));
        }
    }

    /// <summary>
    /// An unbatched pad value: no padding on the batch axis. A batched one (JAX's _pad_batch_rule): pad with 0, pad a
    /// mask of ones with 0 to find the original entries, and select the padded x there and each example's value elsewhere.
    /// </summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, PadParams p)
    {
        var (x, value) = (args[0], args[1]);
        int d = dims[0];
        if (dims[1] == Batching.NotBatched)
        {
            var p2 = new PadParams(new Ints([.. p.Low.Span[..d], 0, .. p.Low.Span[d..]]), new Ints([.. p.High.Span[..d], 0, .. p.High.Span[d..]]),
                new Ints([.. p.Interior.Span[..d], 0, .. p.Interior.Span[d..]]));
            return (this.Bind([x, value], p2), d);
        }

        var zero = Lax.Scalar(0, x);
        Tensor padded;
        if (d == Batching.NotBatched) padded = this.Bind([x, zero], p);
        else
        {
            var front = BatchRules.MoveAxis(x, d, 0);
            padded = this.Bind([front, zero], new PadParams(new Ints([0, .. p.Low.Span]), new Ints([0, .. p.High.Span]), new Ints([0, .. p.Interior.Span])));
        }

        var example = d == Batching.NotBatched ? x.Shape : Batching.Unbatched(x.Aval, d).Shape;
        var ones = Lax.BroadcastTo(Lax.Scalar(1, x), example);
        var mask = Lax.Gt(this.Bind([ones, zero], p), zero);
        var v = BatchRules.MoveAxis(value, dims[1], 0);
        var vShape = new int[example.Rank + 1];
        vShape.AsSpan().Fill(1);
        vShape[0] = axisSize;
        return (Lax.Select(mask, padded, Lax.Reshape(v, Shape.Of(vShape))), 0);
    }
}

/// <summary>concatenate along an existing axis. Linear in every operand.</summary>
public sealed class Concatenate() : Primitive<AxisParams>("concatenate"), ILinearPrimitive<AxisParams>, IBatchRule<AxisParams>
{
    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, AxisParams p) => Kernels.Concatenate(args.ToArray(), p.Axis);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, AxisParams p)
    {
        if (args.Length == 0) throw new ShapeException("concatenate: needs at least one operand.");
        int axis = p.Axis;
        var first = args[0];
        Check.Axes(Name, [axis], first.Shape.Rank);
        long total = 0;   // long: the extents can sum past int.MaxValue
        foreach (var a in args)
        {
            Check.SameDType(Name, first, a);
            if (a.Shape.Rank != first.Shape.Rank)
                throw new ShapeException($"concatenate: operands have ranks {first.Shape.Rank} and {a.Shape.Rank} ({first.Shape} and {a.Shape}).");
            for (int i = 0; i < a.Shape.Rank; i++)
                if (i != axis && a.Shape[i] != first.Shape[i])
                    throw new ShapeException($"concatenate: shapes {first.Shape} and {a.Shape} differ on axis {i}, which is not the concatenation axis {axis}.");
            total += a.Shape[axis];
        }

        if (total > int.MaxValue) throw new ShapeException($"concatenate: the result would have extent {total} on axis {axis}, more than {int.MaxValue}.");
        var dims = first.Shape.ToArray();
        dims[axis] = (int)total;
        return first with { Shape = Shape.Of(dims) };
    }

    /// <inheritdoc/>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, AxisParams p) => !linear.Contains(false);

    /// <summary>x̄ᵢ = the slice of ȳ that xᵢ occupied.</summary>
    public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, AxisParams p, Span<Tensor?> result)
    {
        int axis = p.Axis;
        int r = cotangent.Shape.Rank;
        int offset = 0;
        for (int k = 0; k < args.Length; k++)
        {
            int n = args[k].Aval.Shape[axis];
            if (args[k].IsLinear)
            {
                var start = new int[r];
                var limit = cotangent.Shape.ToArray();
                var strides = Enumerable.Repeat(1, r).ToArray();
                start[axis] = offset;
                limit[axis] = offset + n;
                result[k] = Lax.Slice(cotangent, start, limit, strides);
            }

            offset += n;
        }
    }

    /// <summary>Every operand to the front (unbatched ones broadcast), joined along the axis after the batch axis.</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, AxisParams p) =>
        (this.Bind(BatchRules.AllFront(args, dims, axisSize), new AxisParams(p.Axis + 1)), 0);
}

/// <summary>The catalogue entry of split, declared beside its class (the "add a primitive" recipe in ARCHITECTURE.md).</summary>
public static partial class Catalogue
{
    /// <summary>split: see <see cref="Primitives.Split"/>.</summary>
    public static readonly Split Split = new();
}

/// <summary>
/// split: cuts the operand along an axis into consecutive pieces of the given sizes — a primitive with
/// several results. Linear; its transpose concatenates the pieces' cotangents (zeros for unused pieces).
/// </summary>
public sealed class Split() : MultiResultPrimitive<SplitParams>("split"), IJvpRule, ITransposeRule, IBatchRule
{
    /// <inheritdoc/>
    public override NDArray[] Impl(ReadOnlySpan<NDArray> args, SplitParams p)
    {
        var x = args[0];
        int r = x.Rank;
        var start = new int[r];
        var limit = x.Shape.ToArray();
        var strides = new int[r];
        Array.Fill(strides, 1);
        var pieces = new NDArray[p.Sizes.Length];
        int offset = 0;
        for (int k = 0; k < pieces.Length; k++)
        {
            start[p.Axis] = offset;
            limit[p.Axis] = offset + p.Sizes[k];
            pieces[k] = Kernels.Slice(x, start, limit, strides);
            offset += p.Sizes[k];
        }

        return pieces;
    }

    /// <inheritdoc/>
    public override Aval[] AbstractEval(ReadOnlySpan<Aval> args, SplitParams p)
    {
        Check.Arity(Name, args, 1);
        var x = args[0];
        Check.Axes(Name, [p.Axis], x.Shape.Rank);
        long total = 0;
        foreach (var n in p.Sizes.Span)
        {
            if (n < 0) throw new ShapeException($"split: piece sizes must be non-negative, got {p.Sizes}.");
            total += n;
        }

        if (total != x.Shape[p.Axis])
            throw new ShapeException($"split: piece sizes {p.Sizes} sum to {total} but axis {p.Axis} of {x.Shape} has extent {x.Shape[p.Axis]}.");
        var result = new Aval[p.Sizes.Length];
        var dims = x.Shape.ToArray();
        for (int k = 0; k < result.Length; k++)
        {
            dims[p.Axis] = p.Sizes[k];
            result[k] = x with { Shape = Shape.Of(dims) };
        }

        return result;
    }

    /// <summary>(y₁, …, yₖ) = split(x); ẏᵢ = split(ẋ)ᵢ.</summary>
    public void Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Params parameters, Span<Tensor> primalsOut, Span<Tensor?> tangentsOut)
    {
        var p = Typed(parameters);
        Bind(primals, p).CopyTo(primalsOut);
        if (tangents[0] is { } t) Bind([t], p).CopyTo(tangentsOut);
    }

    /// <inheritdoc/>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, Params parameters) => linear[0];

    /// <summary>x̄ = concatenate(ȳ₁, …, ȳₖ) along the axis, a zero piece for each zero cotangent.</summary>
    public void Transpose(ReadOnlySpan<Tensor?> cotangents, ReadOnlySpan<TransposeArg> args, Params parameters, Span<Tensor?> result)
    {
        var p = Typed(parameters);
        Tensor? level = null;
        foreach (var c in cotangents) level ??= c;
        var pieces = new Tensor[cotangents.Length];
        var dims = args[0].Aval.Shape.ToArray();
        for (int k = 0; k < pieces.Length; k++)
        {
            dims[p.Axis] = p.Sizes[k];
            pieces[k] = cotangents[k] ?? Lax.ZerosAt(level!, args[0].Aval with { Shape = Shape.Of(dims) });
        }

        result[0] = pieces.Length == 1 ? pieces[0] : Lax.Concatenate(pieces, p.Axis);
    }

    /// <summary>The split axis moves past the batch axis; every piece keeps the batch axis where it was.</summary>
    public void Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, Params parameters, Span<Tensor> results, Span<int> resultDims)
    {
        var p = (SplitParams)parameters;
        Dispatch.BindInto(this, args, p with { Axis = Batching.Bump(p.Axis, dims[0]) }, results);
        resultDims.Fill(dims[0]);
    }
}
