using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

/// <summary>
/// One-line typed wrappers that bind catalogue primitives (JAX's lax), plus the small shape helpers the
/// rules share. Unlike the NumPy-like API they take exact parameters and do no normalization.
/// </summary>
public static partial class Lax
{
#pragma warning disable CS1591 // Each wrapper binds the primitive of the same name.
    public static Tensor Neg(Tensor x) => Catalogue.Neg.Bind(x);
    public static Tensor Exp(Tensor x) => Catalogue.Exp.Bind(x);
    public static Tensor Log(Tensor x) => Catalogue.Log.Bind(x);
    public static Tensor Log1p(Tensor x) => Catalogue.Log1p.Bind(x);
    public static Tensor Expm1(Tensor x) => Catalogue.Expm1.Bind(x);
    public static Tensor Sin(Tensor x) => Catalogue.Sin.Bind(x);
    public static Tensor Cos(Tensor x) => Catalogue.Cos.Bind(x);
    public static Tensor Tan(Tensor x) => Catalogue.Tan.Bind(x);
    public static Tensor Asin(Tensor x) => Catalogue.Asin.Bind(x);
    public static Tensor Acos(Tensor x) => Catalogue.Acos.Bind(x);
    public static Tensor Atan(Tensor x) => Catalogue.Atan.Bind(x);
    public static Tensor Sinh(Tensor x) => Catalogue.Sinh.Bind(x);
    public static Tensor Cosh(Tensor x) => Catalogue.Cosh.Bind(x);
    public static Tensor Tanh(Tensor x) => Catalogue.Tanh.Bind(x);
    public static Tensor Logistic(Tensor x) => Catalogue.Logistic.Bind(x);
    public static Tensor Sqrt(Tensor x) => Catalogue.Sqrt.Bind(x);
    public static Tensor Rsqrt(Tensor x) => Catalogue.Rsqrt.Bind(x);
    public static Tensor Erf(Tensor x) => Catalogue.Erf.Bind(x);
    public static Tensor Erfc(Tensor x) => Catalogue.Erfc.Bind(x);
    public static Tensor Exp2(Tensor x) => Catalogue.Exp2.Bind(x);
    public static Tensor Log2(Tensor x) => Catalogue.Log2.Bind(x);
    public static Tensor Log10(Tensor x) => Catalogue.Log10.Bind(x);
    public static Tensor Abs(Tensor x) => Catalogue.Abs.Bind(x);
    public static Tensor Sign(Tensor x) => Catalogue.Sign.Bind(x);
    public static Tensor Floor(Tensor x) => Catalogue.Floor.Bind(x);

    /// <summary>
    /// x itself, with a derivative of zero (JAX's <c>lax.stop_gradient</c>): no tangent or cotangent passes through, at
    /// any order. For quantities that must act as constants under differentiation (a stabilizing shift, a target).
    /// </summary>
    /// <example><code>
    /// // d/dx [x · stop_gradient(x)] = stop_gradient(x) = 3 at x = 3, not 2x = 6.
    /// var g = Ad.Grad&lt;Tensor&gt;(x =&gt; x * Lax.StopGradient(x))(3.0);
    /// </code></example>
    public static Tensor StopGradient(Tensor x) => Catalogue.StopGradient.Bind(x);
    public static Tensor Ceil(Tensor x) => Catalogue.Ceil.Bind(x);
    public static Tensor Round(Tensor x) => Catalogue.Round.Bind(x);

    public static Tensor Add(Tensor x, Tensor y) => Catalogue.Add.Bind(x, y);
    public static Tensor Sub(Tensor x, Tensor y) => Catalogue.Sub.Bind(x, y);
    public static Tensor Mul(Tensor x, Tensor y) => Catalogue.Mul.Bind(x, y);
    public static Tensor Div(Tensor x, Tensor y) => Catalogue.Div.Bind(x, y);
    public static Tensor Pow(Tensor x, Tensor y) => Catalogue.Pow.Bind(x, y);
    public static Tensor Max(Tensor x, Tensor y) => Catalogue.Max.Bind(x, y);
    public static Tensor Min(Tensor x, Tensor y) => Catalogue.Min.Bind(x, y);
    public static Tensor Atan2(Tensor x, Tensor y) => Catalogue.Atan2.Bind(x, y);
    public static Tensor Rem(Tensor x, Tensor y) => Catalogue.Rem.Bind(x, y);

    public static Tensor Eq(Tensor x, Tensor y) => Catalogue.Eq.Bind(x, y);
    public static Tensor Ne(Tensor x, Tensor y) => Catalogue.Ne.Bind(x, y);
    public static Tensor Lt(Tensor x, Tensor y) => Catalogue.Lt.Bind(x, y);
    public static Tensor Le(Tensor x, Tensor y) => Catalogue.Le.Bind(x, y);
    public static Tensor Gt(Tensor x, Tensor y) => Catalogue.Gt.Bind(x, y);
    public static Tensor Ge(Tensor x, Tensor y) => Catalogue.Ge.Bind(x, y);
    public static Tensor And(Tensor x, Tensor y) => Catalogue.And.Bind(x, y);
    public static Tensor Or(Tensor x, Tensor y) => Catalogue.Or.Bind(x, y);
    public static Tensor Not(Tensor x) => Catalogue.Not.Bind(x);
    public static Tensor Select(Tensor pred, Tensor onTrue, Tensor onFalse) => Catalogue.Select.Bind([pred, onTrue, onFalse]);

    public static Tensor Convert(Tensor x, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.DType == dtype ? x : Catalogue.Convert.Bind(x, new ConvertParams(dtype));
    }

    public static Tensor ReduceSum(Tensor x, ReadOnlySpan<int> axes) => axes.Length == 0 ? x : Catalogue.ReduceSum.Bind(x, new AxesParams(new Ints(axes)));
    public static Tensor ReduceMax(Tensor x, ReadOnlySpan<int> axes) => axes.Length == 0 ? x : Catalogue.ReduceMax.Bind(x, new AxesParams(new Ints(axes)));
    public static Tensor ReduceMin(Tensor x, ReadOnlySpan<int> axes) => axes.Length == 0 ? x : Catalogue.ReduceMin.Bind(x, new AxesParams(new Ints(axes)));
    public static Tensor ReduceProd(Tensor x, ReadOnlySpan<int> axes) => axes.Length == 0 ? x : Catalogue.ReduceProd.Bind(x, new AxesParams(new Ints(axes)));
    public static Tensor ArgMax(Tensor x, int axis) => Catalogue.ArgMax.Bind(x, new AxisParams(axis));
    public static Tensor ArgMin(Tensor x, int axis) => Catalogue.ArgMin.Bind(x, new AxisParams(axis));
    public static Tensor CumSum(Tensor x, int axis, bool reverse = false) => Catalogue.CumSum.Bind(x, new CumSumParams(axis, reverse));

    public static Tensor Reshape(Tensor x, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(shape);
        return x.Shape == shape ? x : Catalogue.Reshape.Bind(x, new ShapeParams(shape));
    }

    public static Tensor Transpose(Tensor x, ReadOnlySpan<int> permutation) => Catalogue.Transpose.Bind(x, new PermutationParams(new Ints(permutation)));
    public static Tensor BroadcastInDim(Tensor x, Shape shape, ReadOnlySpan<int> broadcastDimensions)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Catalogue.BroadcastInDim.Bind(x, new BroadcastParams(shape, new Ints(broadcastDimensions)));
    }

    public static Tensor Slice(Tensor x, ReadOnlySpan<int> start, ReadOnlySpan<int> limit, ReadOnlySpan<int> strides) =>
        Catalogue.Slice.Bind(x, new SliceParams(new Ints(start), new Ints(limit), new Ints(strides)));
    public static Tensor Pad(Tensor x, Tensor value, ReadOnlySpan<int> low, ReadOnlySpan<int> high, ReadOnlySpan<int> interior) =>
        Catalogue.Pad.Bind(x, value, new PadParams(new Ints(low), new Ints(high), new Ints(interior)));
    public static Tensor Concatenate(ReadOnlySpan<Tensor> xs, int axis) => Catalogue.Concatenate.Bind(xs, new AxisParams(axis));
    public static Tensor[] Split(Tensor x, ReadOnlySpan<int> sizes, int axis) => Catalogue.Split.Bind([x], new SplitParams(new Ints(sizes), axis));
    public static Tensor Rev(Tensor x, ReadOnlySpan<int> axes) => Catalogue.Rev.Bind(x, new AxesParams(new Ints(axes)));

    public static Tensor Gather(Tensor x, Tensor indices, int axis) => Catalogue.Gather.Bind(x, indices, new AxisParams(axis));
    public static Tensor ScatterAdd(Tensor operand, Tensor indices, Tensor updates, int axis) =>
        Catalogue.ScatterAdd.Bind([operand, indices, updates], new AxisParams(axis));
    public static Tensor DynamicSlice(Tensor x, ReadOnlySpan<Tensor> starts, ReadOnlySpan<int> sizes) =>
        Catalogue.DynamicSlice.Bind([x, .. starts], new SizesParams(new Ints(sizes)));
    public static Tensor DynamicUpdateSlice(Tensor x, Tensor update, ReadOnlySpan<Tensor> starts) =>
        Catalogue.DynamicUpdateSlice.Bind([x, update, .. starts]);
    public static Tensor Iota(DType dtype, Shape shape, int dimension)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Catalogue.Iota.Bind([], new IotaParams(dtype, shape, dimension));
    }

    public static Tensor DotGeneral(Tensor lhs, Tensor rhs, ReadOnlySpan<int> contractLhs, ReadOnlySpan<int> contractRhs, ReadOnlySpan<int> batchLhs, ReadOnlySpan<int> batchRhs) =>
        Catalogue.DotGeneral.Bind(lhs, rhs, new DotParams(new Ints(contractLhs), new Ints(contractRhs), new Ints(batchLhs), new Ints(batchRhs)));

    public static Tensor Cholesky(Tensor a) => Catalogue.Cholesky.Bind(a);
    public static Tensor TriangularSolve(Tensor a, Tensor b, bool left, bool lower, bool transposeA, bool unitDiagonal) =>
        Catalogue.TriangularSolve.Bind(a, b, new TriangularSolveParams(left, lower, transposeA, unitDiagonal));
    public static (Tensor Lu, Tensor Perm) Lu(Tensor a)
    {
        var outs = Catalogue.Lu.Bind([a], NoParams.Instance);
        return (outs[0], outs[1]);
    }

    public static Tensor PermutationSign(Tensor perm) => Catalogue.PermutationSign.Bind(perm);
    public static Tensor[] Eigh(Tensor a) => Catalogue.Eigh.Bind([a], NoParams.Instance);
#pragma warning restore CS1591

    /// <summary>A rank-0 constant of <paramref name="like"/>'s dtype (weakly typed literal).</summary>
    /// <exception cref="ArgumentNullException">like is null.</exception>
    public static Tensor Scalar(double value, Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        return ScalarCache.Get(value, like.DType);
    }

    /// <summary>
    /// Zeros with <paramref name="like"/>'s type, at <paramref name="like"/>'s level: staged when it is a staged
    /// value (so a zero cotangent or tangent is a <c>zeros</c> equation of the program, not a stored array).
    /// </summary>
    /// <exception cref="ArgumentNullException">like is null.</exception>
    public static Tensor ZerosLike(Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        return Builtins.ZerosAt(like, like.Aval);
    }

    /// <summary>Zeros of type <paramref name="aval"/> at <paramref name="like"/>'s level (see <see cref="ZerosLike(Tensor)"/>).</summary>
    public static Tensor ZerosAt(Tensor like, Aval aval) => Builtins.ZerosAt(like, aval);

    /// <summary>Zeros of the given type (the <c>zeros</c> builtin), bound under the current trace.</summary>
    public static Tensor ZerosLike(Aval aval) => Builtins.Zeros.Bind([], new AvalParams(aval));

    /// <summary>NumPy-broadcasts <paramref name="x"/> to <paramref name="shape"/> (no-op when equal).</summary>
    /// <exception cref="ShapeException">The shapes are not broadcast-compatible.</exception>
    /// <exception cref="ArgumentNullException">x or shape is null.</exception>
    public static Tensor BroadcastTo(Tensor x, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(shape);
        if (x.Shape == shape) return x;
        int offset = shape.Rank - x.Rank;
        if (offset < 0) throw new ShapeException($"broadcast_to: cannot broadcast {x.Shape} to the lower-rank shape {shape}.");
        var dims = new int[x.Rank];
        for (int i = 0; i < x.Rank; i++)
        {
            dims[i] = i + offset;
            if (x.Shape[i] != 1 && x.Shape[i] != shape[i + offset])
                throw new ShapeException($"broadcast_to: cannot broadcast {x.Shape} to {shape} (axis {i}: {x.Shape[i]} vs {shape[i + offset]}).");
        }

        return BroadcastInDim(x, shape, dims);
    }

    /// <summary>Sums <paramref name="x"/> over the axes along which <paramref name="shape"/> was broadcast to x's shape: the transpose of <see cref="BroadcastTo"/>.</summary>
    /// <exception cref="ArgumentNullException">x or shape is null.</exception>
    public static Tensor Unbroadcast(Tensor x, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(shape);
        if (x.Shape == shape) return x;
        int offset = x.Rank - shape.Rank;
        var axes = new List<int>();
        for (int i = 0; i < x.Rank; i++)
            if (i < offset || (shape[i - offset] == 1 && x.Shape[i] != 1)) axes.Add(i);
        var summed = ReduceSum(x, axes.ToArray());
        return Reshape(summed, shape);
    }

    /// <summary>1 where x wins (x &gt; y, or x &lt; y when not <paramref name="greater"/>), ½ on ties, 0 elsewhere, in x's dtype.</summary>
    internal static Tensor Chooser(Tensor x, Tensor y, bool greater)
    {
        var shape = Shape.Broadcast(x.Shape, y.Shape, greater ? "max" : "min");
        var one = BroadcastTo(Scalar(1, x), shape);
        var half = BroadcastTo(Scalar(0.5, x), shape);
        var zero = BroadcastTo(Scalar(0, x), shape);
        var wins = greater ? Gt(x, y) : Lt(x, y);
        return Select(BroadcastTo(wins, shape), one, Select(BroadcastTo(Eq(x, y), shape), half, zero));
    }

    /// <summary>The shape without the given axes.</summary>
    /// <exception cref="ArgumentNullException">shape is null.</exception>
    public static Shape RemoveAxes(Shape shape, ReadOnlySpan<int> axes)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var dims = new List<int>(shape.Rank);
        for (int i = 0; i < shape.Rank; i++) if (!axes.Contains(i)) dims.Add(shape[i]);
        return Shape.Of(dims.ToArray());
    }

    /// <summary>The axes of a rank-<paramref name="rank"/> array that are not in <paramref name="axes"/>, ascending.</summary>
    public static int[] KeptAxes(int rank, ReadOnlySpan<int> axes)
    {
        var kept = new List<int>(rank);
        for (int i = 0; i < rank; i++) if (!axes.Contains(i)) kept.Add(i);
        return kept.ToArray();
    }

    /// <summary>x.shape[:axis] + indices.shape + x.shape[axis+1:].</summary>
    /// <exception cref="ArgumentNullException">x or indices is null.</exception>
    public static Shape GatherShape(Shape x, Shape indices, int axis)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(indices);
        var dims = new List<int>();
        for (int i = 0; i < axis; i++) dims.Add(x[i]);
        for (int i = 0; i < indices.Rank; i++) dims.Add(indices[i]);
        for (int i = axis + 1; i < x.Rank; i++) dims.Add(x[i]);
        return Shape.Of(dims.ToArray());
    }

    /// <summary>Reads int32 scalar start operands, checking them as the shape rule does (eager evaluation runs Impl without the shape rule).</summary>
    internal static int[] Starts(string name, ReadOnlySpan<NDArray> starts, int rank)
    {
        var avals = new Aval[starts.Length];
        for (int i = 0; i < avals.Length; i++) avals[i] = new Aval(starts[i].Shape, starts[i].DType);
        CheckStarts(name, avals, rank);
        var result = new int[starts.Length];
        for (int i = 0; i < result.Length; i++) result[i] = (int)starts[i].GetDouble(0);
        return result;
    }

    /// <summary>Checks that start operands are int32 scalars, one per axis.</summary>
    internal static void CheckStarts(string name, ReadOnlySpan<Aval> starts, int rank)
    {
        if (starts.Length != rank) throw new ShapeException($"{name}: {starts.Length} start indices given for an operand of rank {rank}.");
        foreach (var s in starts)
        {
            if (s.DType != DType.Int32) throw new DTypeException($"{name}: start indices must be int32 scalars, got {s}.");
            if (s.Shape.Rank != 0) throw new ShapeException($"{name}: start indices must be scalars, got {s}.");
        }
    }
}
