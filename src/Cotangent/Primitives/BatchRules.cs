using System.Runtime.CompilerServices;
using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

// Shared batching rules (JAX's defvectorized, broadcast_batcher, defreducer) and the axis helpers every rule uses.
// A rule receives parent-level values, each with its batch axis at dims[i] (or NotBatched), and binds catalogue
// primitives only, so its rewrite is itself differentiable, batchable and compilable.

/// <summary>The transposes and broadcasts batching rules move batch axes with.</summary>
internal sealed class BatchAxisOperations : IBatchAxisOperations
{
#pragma warning disable CA2255 // A module initializer is the way to give the Transforms layer the Primitives-layer axis operations.
    [ModuleInitializer]
    internal static void Install() => Batching.Axes = new BatchAxisOperations();
#pragma warning restore CA2255

    /// <inheritdoc/>
    public Tensor MoveAxis(Tensor x, int from, int to) => BatchRules.MoveAxis(x, from, to);

    /// <inheritdoc/>
    public Tensor BroadcastAxis(Tensor x, int axis, int size)
    {
        var dims = new int[x.Rank + 1];
        var map = new int[x.Rank];
        for (int i = 0, k = 0; i < dims.Length; i++)
        {
            if (i == axis) { dims[i] = size; continue; }
            map[k] = i;
            dims[i] = x.Shape[k++];
        }

        return Lax.BroadcastInDim(x, Shape.Of(dims), map);
    }
}

/// <summary>Batching rules shared by families of primitives, and helpers for hand-written rules.</summary>
public static class BatchRules
{
    /// <summary>Moves axis <paramref name="from"/> to <paramref name="to"/> (a transpose; nothing when equal).</summary>
    public static Tensor MoveAxis(Tensor x, int from, int to)
    {
        if (from == to) return x;
        var perm = new List<int>(x.Rank);
        for (int i = 0; i < x.Rank; i++) if (i != from) perm.Add(i);
        perm.Insert(to, from);
        return Lax.Transpose(x, [.. perm]);
    }

    /// <summary>The batch axis moved to the front; an unbatched value is broadcast to <paramref name="axisSize"/> there.</summary>
    public static Tensor Front(Tensor x, int dim, int axisSize) => Batching.MoveTo(x, dim, 0, axisSize);

    /// <summary>Per-example rank of an operand.</summary>
    public static int ExampleRank(Tensor x, int dim) => dim == Batching.NotBatched ? x.Rank : x.Rank - 1;

    /// <summary>A single-result primitive applied elementwise to one operand: the batch axis stays where it is.</summary>
    public static (Tensor, int) Vectorized<TParams>(Primitive<TParams> primitive, Tensor x, int dim, TParams p)
        where TParams : Params, IParams<TParams>
        => (primitive.Bind([x], p), dim);

    /// <summary>
    /// An elementwise primitive with NumPy broadcasting (right-aligned). When every batched operand has its batch axis at
    /// the same place d and the full per-example rank, and every unbatched operand is short enough to align after d, the
    /// primitive runs as it is. Otherwise batched operands move their axis to the front and gain unit axes up to the
    /// common rank, so the batch axis can never pair with a per-example axis (JAX's rule pads on the wrong side for
    /// right-aligned broadcasting).
    /// </summary>
    public static (Tensor, int) Broadcasting<TParams>(Primitive<TParams> primitive, ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, TParams p)
        where TParams : Params, IParams<TParams>
    {
        int r = 0, shared = int.MinValue;
        bool same = true;
        for (int i = 0; i < args.Length; i++)
        {
            r = Math.Max(r, ExampleRank(args[i], dims[i]));
            if (dims[i] == Batching.NotBatched) continue;
            if (shared == int.MinValue) shared = dims[i];
            else if (shared != dims[i]) same = false;
        }

        bool fast = same;
        for (int i = 0; i < args.Length && fast; i++)
            fast = dims[i] == Batching.NotBatched ? args[i].Rank <= r - shared : args[i].Rank - 1 == r;
        if (fast) return (primitive.Bind(args, p), shared);
        var moved = new Tensor[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            if (dims[i] == Batching.NotBatched) { moved[i] = args[i]; continue; }
            var front = MoveAxis(args[i], dims[i], 0);
            int pad = r - (front.Rank - 1);
            if (pad > 0)
            {
                var shape = new int[r + 1];
                shape[0] = front.Shape[0];
                for (int k = 1; k <= pad; k++) shape[k] = 1;
                for (int k = 1; k < front.Rank; k++) shape[pad + k] = front.Shape[k];
                front = Lax.Reshape(front, Shape.Of(shape));
            }

            moved[i] = front;
        }

        return (primitive.Bind(moved, p), 0);
    }

    /// <summary>A reduction over per-example axes: each axis moves past the batch axis, which survives.</summary>
    public static (Tensor, int) Reducer(Primitive<AxesParams> primitive, Tensor x, int dim, AxesParams p)
    {
        var axes = new int[p.Axes.Length];
        int before = 0;
        for (int i = 0; i < axes.Length; i++)
        {
            axes[i] = Batching.Bump(p.Axes[i], dim);
            if (axes[i] < dim) before++;
        }

        return (primitive.Bind([x], new AxesParams(new Ints(axes))), dim - before);
    }

    /// <summary>Batched operands moved to the front and unbatched ones broadcast there (for primitives that need every operand batched alike).</summary>
    public static Tensor[] AllFront(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize)
    {
        var result = new Tensor[args.Length];
        for (int i = 0; i < args.Length; i++) result[i] = Front(args[i], dims[i], axisSize);
        return result;
    }

    /// <summary>
    /// A primitive that already accepts leading batch axes (the linear algebra kernels work one matrix of a batch at a
    /// time): every operand to the front, broadcast where unbatched, and every result batched at 0.
    /// </summary>
    public static void LeadingBatch(Primitive primitive, ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, Params p, Span<Tensor> results, Span<int> resultDims)
    {
        Dispatch.BindInto(primitive, AllFront(args, dims, axisSize), p, results);
        resultDims.Clear();
    }

    /// <summary>
    /// Gather of x along <paramref name="axis"/> with indices that are both batched at the front: the per-example blocks
    /// of x are laid end to end and each example's indices offset by its block (no index can reach a neighbour's block,
    /// since the kernel rejects indices out of range). Returns the result batched at 0.
    /// </summary>
    public static Tensor GatherBothFront(Tensor x, Tensor indices, int axis)
    {
        int b = x.Shape[0], n = x.Shape[axis + 1];
        if ((long)b * n > int.MaxValue) throw new BatchingException($"Vmap of gather: {b} examples × {n} entries exceed the int32 index range.");
        // x' = (B·n, x[:a]…, x[a+1:]…)
        var xm = MoveAxis(x, axis + 1, 1);
        var rest = xm.Shape.Dims[2..].ToArray();
        var flat = Lax.Reshape(xm, Shape.Of([b * n, .. rest]));
        var offsets = OffsetsLike(indices, b, n);
        var y = Lax.Gather(flat, Lax.Add(indices, offsets), 0);   // (B, idx…, x[:a]…, x[a+1:]…)
        int k = indices.Rank - 1;
        // Move x[:a] back between the batch axis and the index axes.
        var perm = new List<int> { 0 };
        for (int i = 0; i < axis; i++) perm.Add(1 + k + i);
        for (int i = 0; i < k; i++) perm.Add(1 + i);
        for (int i = 1 + k + axis; i < y.Rank; i++) perm.Add(i);
        return Lax.Transpose(y, [.. perm]);
    }

    /// <summary>iota(B)·n shaped (B, 1, …) to broadcast against batched indices of <paramref name="indices"/>'s rank.</summary>
    public static Tensor OffsetsLike(Tensor indices, int b, int n)
    {
        var shape = new int[indices.Rank];
        shape.AsSpan().Fill(1);
        shape[0] = b;
        var iota = Lax.Iota(indices.DType, Shape.Of(b), 0);
        return Lax.Reshape(Lax.Mul(iota, Lax.Scalar(n, indices)), Shape.Of(shape));
    }

    /// <summary>An int32 scalar constant.</summary>
    public static Tensor IntScalar(int value) => ScalarCache.Get(value, DType.Int32);
}

/// <summary>Batching of primitives that hold programs (control flow, remat, jit_call, custom rules).</summary>
public static class BatchPrograms
{
    /// <summary>Which operands are batched.</summary>
    public static bool[] Mask(ReadOnlySpan<int> dims)
    {
        var mask = new bool[dims.Length];
        for (int i = 0; i < mask.Length; i++) mask[i] = dims[i] != Batching.NotBatched;
        return mask;
    }

    /// <summary>The operands with every batched one's batch axis moved to the front (what a batched program takes).</summary>
    public static Tensor[] Fronted(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims)
    {
        var result = new Tensor[args.Length];
        for (int i = 0; i < result.Length; i++) result[i] = dims[i] == Batching.NotBatched ? args[i] : BatchRules.MoveAxis(args[i], dims[i], 0);
        return result;
    }

    /// <summary>
    /// The operands batched as <paramref name="mask"/> asks: batched ones at the front, unbatched ones the mask wants batched
    /// broadcast to the batch, the rest as they are.
    /// </summary>
    public static Tensor[] AsMasked(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, ReadOnlySpan<bool> mask, int axisSize)
    {
        var result = new Tensor[args.Length];
        for (int i = 0; i < result.Length; i++) result[i] = mask[i] ? BatchRules.Front(args[i], dims[i], axisSize) : args[i];
        return result;
    }

    /// <summary>Writes each result's batch axis: 0 where <paramref name="batched"/>, none elsewhere.</summary>
    public static void Dims(ReadOnlySpan<bool> batched, Span<int> resultDims)
    {
        for (int i = 0; i < resultDims.Length; i++) resultDims[i] = batched[i] ? 0 : Batching.NotBatched;
    }

    /// <summary>
    /// The batched form of <paramref name="program"/> with the outputs <paramref name="outputs"/> batched, a superset of those
    /// it batches by itself (<paramref name="natural"/>, its batching with nothing forced): <paramref name="natural"/>'s
    /// program when the two agree, so the common case stages the program once.
    /// </summary>
    public static Program Forced(Program program, ReadOnlySpan<bool> batchedInputs, int axisSize, (Program Program, bool[] BatchedOutputs) natural, ReadOnlySpan<bool> outputs) =>
        natural.BatchedOutputs.AsSpan().SequenceEqual(outputs) ? natural.Program : Batching.BatchProgram(program, batchedInputs, axisSize, outputs).Program;

    /// <summary>
    /// The batched form of <paramref name="program"/> (input i batched at 0 when <paramref name="batchedInputs"/>[i]) with
    /// every output batched exactly as <paramref name="batchedOutputs"/> says: at 0 where true (broadcast when the program
    /// leaves it the same for every example), unbatched where false. An output that must be unbatched but comes out batched
    /// is summed over the batch (JAX's sum_match in custom_vjp batching): the outputs are cotangents, and a value shared by
    /// every example receives every example's contribution, x̄ = Σₑ x̄ₑ. A cotangent of an integer or boolean value, which
    /// every rule ignores, becomes zeros there instead.
    /// </summary>
    public static Program Matched(Program program, ReadOnlySpan<bool> batchedInputs, ReadOnlySpan<bool> batchedOutputs, int axisSize)
    {
        var (avals, inDims) = Batching.BatchedInputs(program, batchedInputs, axisSize);
        var outputAvals = program.OutputAvals();
        var wanted = batchedOutputs.ToArray();
        return Staging.MakeProgram(xs =>
        {
            var (outs, dims) = Batching.Vmap(ys => program.Evaluate(ys), xs, inDims, axisSize);
            for (int i = 0; i < outs.Length; i++)
            {
                if (wanted[i]) outs[i] = Batching.MoveTo(outs[i], dims[i], 0, axisSize);
                else if (dims[i] != Batching.NotBatched)
                    outs[i] = Aval.CarriesTangent(outs[i].DType) ? Lax.ReduceSum(outs[i], [dims[i]]) : Staging.Zeros(outputAvals[i]);
            }

            return outs;
        }, avals, "Vmap");
    }

    /// <summary>
    /// The carry fixpoint of loops (JAX's scan and while batching): a carry is batched if its initial value is, or if the
    /// body makes it so from batched carries and constants; repeat until no new carry becomes batched.
    /// </summary>
    /// <returns>The batched body (carry outputs forced to the final mask) and the mask of batched carries.</returns>
    public static (Program Body, bool[] CarryBatched, bool[] OutBatched) CarryFixpoint(Program body, bool[] constsBatched, bool[] initBatched, bool[] xsBatched, int axisSize)
    {
        var carry = (bool[])initBatched.Clone();
        int outputs = body.Outputs.Count;
        while (true)
        {
            var inputs = new bool[constsBatched.Length + carry.Length + xsBatched.Length];
            constsBatched.CopyTo(inputs, 0);
            carry.CopyTo(inputs, constsBatched.Length);
            xsBatched.CopyTo(inputs, constsBatched.Length + carry.Length);
            var force = new bool[outputs];
            carry.CopyTo(force, 0);
            var (batched, outBatched) = Batching.BatchProgram(body, inputs, axisSize, force);
            bool changed = false;
            for (int i = 0; i < carry.Length; i++)
            {
                if (outBatched[i] && !carry[i])
                {
                    carry[i] = true;
                    changed = true;
                }
            }

            if (!changed) return (batched, carry, outBatched);
        }
    }
}
