using Cotangent.Transforms;

namespace Cotangent;

// Vmap: a function of one example, applied to a batch. The function is traced once with per-example tracers; each
// primitive's batching rule rewrites it for the stacked values, so the batched program is as long as the
// per-example one whatever the batch size.
public static partial class Ad
{
    /// <summary>
    /// Vectorizes <paramref name="f"/> over a batch (JAX's <c>vmap</c>): every input leaf is split along
    /// <paramref name="inAxis"/> into examples, f sees one example, and every output leaf is stacked along
    /// <paramref name="outAxis"/>. Nothing loops over the examples: f is traced once and each primitive batched.
    /// </summary>
    /// <param name="f">The per-example function, over any tree of tensors.</param>
    /// <param name="inAxis">The batch axis of every input leaf (negative counts from the end); null: no input is batched, so <paramref name="axisSize"/> must be given (write <c>inAxis: null</c>, since a bare <c>null</c> could also be the per-leaf overload's array).</param>
    /// <param name="outAxis">Where the batch axis goes in every output leaf (negative counts from the end of the batched rank); null: every output must be the same for all examples.</param>
    /// <param name="axisSize">The batch size, needed only when no input is batched; checked against the inputs otherwise.</param>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    /// <exception cref="BatchingException">An axis does not exist, inputs disagree on the batch size, or an output that must be unbatched is batched.</exception>
    /// <example><code>
    /// // Per-example gradients: the gradient of one example's loss, over a batch of examples.
    /// var perExample = Ad.Vmap&lt;Tensor, Tensor, Tensor&gt;((x, w) => Ad.Grad&lt;Tensor&gt;(v => Np.Sum(Np.Tanh(x * v)))(w), 0, null);
    /// Tensor grads = perExample(batch, weights);   // [batch, n]
    /// </code></example>
    public static Func<TIn, TOut> Vmap<TIn, TOut>(Func<TIn, TOut> f, int? inAxis = 0, int? outAxis = 0, int? axisSize = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        return x =>
        {
            RequireArgument(x, nameof(x), "Vmap");
            var (leaves, def) = Tree.Flatten(x);
            var axes = new int?[leaves.Count];
            Array.Fill(axes, inAxis);
            return VmapLeaves(f, leaves, def, axes, _ => outAxis, axisSize);
        };
    }

    /// <summary>
    /// <see cref="Vmap{TIn, TOut}(Func{TIn, TOut}, int?, int?, int?)"/> with a batch axis per input leaf, in
    /// <see cref="Tree.Flatten"/>'s order (null: that leaf is the same for every example), and optionally per output leaf.
    /// </summary>
    /// <exception cref="ArgumentNullException">f or inAxes is null, or the returned function is given null.</exception>
    /// <exception cref="BatchingException">The axis lists do not match the number of leaves, an axis does not exist, or the sizes disagree.</exception>
    public static Func<TIn, TOut> Vmap<TIn, TOut>(Func<TIn, TOut> f, int?[] inAxes, int?[]? outAxes = null, int? axisSize = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inAxes);
        return x =>
        {
            RequireArgument(x, nameof(x), "Vmap");
            var (leaves, def) = Tree.Flatten(x);
            if (inAxes.Length != leaves.Count)
                throw new BatchingException($"Vmap: {inAxes.Length} input axes were given for {leaves.Count} input leaves ({def}).");
            return VmapLeaves(f, leaves, def, inAxes, outAxes is null ? _ => 0 : i => i < outAxes.Length ? outAxes[i]
                : throw new BatchingException($"Vmap: {outAxes.Length} output axes were given, but the function returned more leaves."), axisSize);
        };
    }

    /// <summary>
    /// Vectorizes a function of two arguments, each batched along its own axis (null: shared by every example), like
    /// JAX's <c>in_axes=(0, None)</c>; each axis covers its argument's whole tree.
    /// </summary>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    /// <exception cref="BatchingException">An axis does not exist, inputs disagree on the batch size, or an output that must be unbatched is batched.</exception>
    /// <example><code>
    /// // A batch of inputs through one set of weights.
    /// Tensor ys = Ad.Vmap&lt;Tensor, Tensor, Tensor&gt;((x, w) => Np.Tanh(Np.MatMul(w, x)), 0, null)(xs, w);
    /// </code></example>
    public static Func<T1, T2, TOut> Vmap<T1, T2, TOut>(Func<T1, T2, TOut> f, int? inAxis1, int? inAxis2, int? outAxis = 0, int? axisSize = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        return (x1, x2) =>
        {
            RequireArgument(x1, nameof(x1), "Vmap");
            RequireArgument(x2, nameof(x2), "Vmap");
            var (leaves, def) = Tree.Flatten((x1, x2));
            int n1 = Tree.Flatten(x1).Leaves.Count;
            var axes = new int?[leaves.Count];
            for (int i = 0; i < axes.Length; i++) axes[i] = i < n1 ? inAxis1 : inAxis2;
            return VmapLeaves<(T1, T2), TOut>(p => f(p.Item1, p.Item2), leaves, def, axes, _ => outAxis, axisSize);
        };
    }

    private static TOut VmapLeaves<TIn, TOut>(Func<TIn, TOut> f, List<Tensor> leaves, TreeDef def, int?[] inAxes, Func<int, int?> outAxisOf, int? axisSize)
    {
        var dims = new int[leaves.Count];
        int? size = axisSize;
        string? sizeSource = axisSize is null ? null : $"the axisSize argument was {axisSize}";
        var sizes = new List<(int Size, string Where)>();
        for (int i = 0; i < leaves.Count; i++)
        {
            if (inAxes[i] is not { } axis)
            {
                dims[i] = Batching.NotBatched;
                continue;
            }

            int rank = leaves[i].Rank;
            int a = axis < 0 ? axis + rank : axis;
            if (a < 0 || a >= rank)
                throw new BatchingException($"Vmap was requested to map input leaf {i} of {def} along axis {axis}, which implies that its rank should be at least {(axis < 0 ? -axis : axis + 1)}, but it is only {rank} (its type is {leaves[i].Aval}).");
            dims[i] = a;
            sizes.Add((leaves[i].Shape[a], $"axis {a} of input leaf {i}, of type {leaves[i].Aval}"));
        }

        if (sizes.Count > 0)
        {
            size ??= sizes[0].Size;
            if (sizes.Any(s => s.Size != size))
            {
                var lines = sizes.GroupBy(s => s.Size).Select(g => $"  * {g.Count()} {(g.Count() == 1 ? "axis had" : "axes had")} size {g.Key}, e.g. {g.First().Where}");
                throw new BatchingException($"Vmap got inconsistent sizes for the axes to be mapped:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}"
                    + (sizeSource is null ? "" : $"{Environment.NewLine}  * {sizeSource}"));
            }
        }
        else if (size is null)
        {
            throw new BatchingException("Vmap: no input is batched, so the batch size is unknown; give axisSize.");
        }

        if (size < 0) throw new BatchingException($"Vmap: the batch size must not be negative, got {size}.");
        var flat = new FlatFunction<TIn, TOut>(f, def);
        var (outs, outDims) = Batching.Vmap(flat.Invoke, leaves, dims, size!.Value);
        for (int i = 0; i < outs.Length; i++)
        {
            var spec = outAxisOf(i);
            if (spec is not { } axis)
            {
                if (outDims[i] != Batching.NotBatched)
                    throw new BatchingException($"Vmap: output leaf {i} was asked to be unbatched (out axis null), but it depends on the batch (batched along axis {outDims[i]}).");
                continue;
            }

            int rank = outDims[i] == Batching.NotBatched ? outs[i].Rank + 1 : outs[i].Rank;
            int a = axis < 0 ? axis + rank : axis;
            if (a < 0 || a >= rank)
                throw new BatchingException($"Vmap: out axis {axis} does not exist for output leaf {i}, which has rank {rank} with its batch axis.");
            outs[i] = Batching.MoveTo(outs[i], outDims[i], a, size.Value);
        }

        return Tree.Unflatten<TOut>(flat.OutputDef!, outs);
    }
}
