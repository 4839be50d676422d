using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent;

// Jacobians of functions from trees to trees, as blocks (JAX's pytree Jacobians), by one Vmap of the linear map
// (forward) or of its transpose (reverse) over a basis laid out leaf by leaf.
public static partial class Ad
{
    /// <summary>
    /// The forward-mode Jacobian of a function from a tree to a tree, one block per (output leaf, input leaf) of shape
    /// output leaf shape + input leaf shape (JAX's <c>jacfwd</c> on pytrees). Linearizes once and applies the linear map
    /// to every basis tangent in one batched pass.
    /// </summary>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    /// <exception cref="DifferentiationException">An input leaf is not floating point.</exception>
    /// <example><code>
    /// var j = Ad.JacFwd&lt;(Tensor W, Tensor B), Tensor&gt;(p => Np.Tanh(Np.MatMul(p.W, x) + p.B))((w, b));
    /// Tensor dW = j[0, 0];   // [out, out, in]: ∂y/∂W
    /// </code></example>
    public static Func<TIn, TreeJacobian<TIn, TOut>> JacFwd<TIn, TOut>(Func<TIn, TOut> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return x =>
        {
            RequireArgument(x, nameof(x), "JacFwd");
            var (inLeaves, inDef) = FlatFunction<TIn, TOut>.FlattenDifferentiable(x, "JacFwd");
            var (y, linear) = Linearize(f, x);
            var (outLeaves, outDef) = Tree.Flatten(y);
            var basis = LeafBasis([.. inLeaves.Select(l => l.Aval)]);
            int n = basis.Total;
            var blocks = new Tensor[outLeaves.Count, inLeaves.Count];
            // columns: output leaves of shape y_i + [n]; split the last axis by input leaf.
            var columns = n == 0 ? null : Tree.Flatten(Vmap<TIn, TOut>(linear.Apply, 0, -1)(Tree.Unflatten<TIn>(inDef, basis.Leaves))).Leaves;
            for (int i = 0; i < outLeaves.Count; i++)
            {
                for (int j = 0; j < inLeaves.Count; j++)
                {
                    var shape = Shape.Of([.. outLeaves[i].Shape.Dims, .. inLeaves[j].Shape.Dims]);
                    blocks[i, j] = columns is null || inLeaves[j].Size == 0
                        ? new Tensor(NDArray.Zeros(outLeaves[i].DType, shape))
                        : Lax.Reshape(SliceAxis(columns[i], columns[i].Rank - 1, basis.Offsets[j], inLeaves[j].Size), shape);
                }
            }

            return new TreeJacobian<TIn, TOut>(blocks, inDef, outDef, [.. inLeaves.Select(l => l.Size)], [.. outLeaves.Select(l => l.Size)]);
        };
    }

    /// <summary>
    /// The reverse-mode Jacobian of a function from a tree to a tree, as <see cref="JacFwd{TIn, TOut}(Func{TIn, TOut})"/>'s
    /// blocks (JAX's <c>jacrev</c> on pytrees): one batched pass of the transposed linear map over every basis cotangent.
    /// </summary>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    /// <exception cref="DifferentiationException">An input or output leaf is not floating point.</exception>
    public static Func<TIn, TreeJacobian<TIn, TOut>> JacRev<TIn, TOut>(Func<TIn, TOut> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return x =>
        {
            RequireArgument(x, nameof(x), "JacRev");
            var (inLeaves, inDef) = FlatFunction<TIn, TOut>.FlattenDifferentiable(x, "JacRev");
            var (y, linear) = Linearize(f, x);
            var (outLeaves, outDef) = FlatFunction<TOut, TIn>.FlattenDifferentiable(y, "JacRev (the outputs)");
            var basis = LeafBasis([.. outLeaves.Select(l => l.Aval)]);
            int m = basis.Total;
            var blocks = new Tensor[outLeaves.Count, inLeaves.Count];
            // rows: input leaves of shape [m] + x_j; split the first axis by output leaf.
            var rows = m == 0 ? null : Tree.Flatten(Vmap<TOut, TIn>(linear.ApplyTranspose, 0, 0)(Tree.Unflatten<TOut>(outDef, basis.Leaves))).Leaves;
            for (int i = 0; i < outLeaves.Count; i++)
            {
                for (int j = 0; j < inLeaves.Count; j++)
                {
                    var shape = Shape.Of([.. outLeaves[i].Shape.Dims, .. inLeaves[j].Shape.Dims]);
                    if (rows is null || outLeaves[i].Size == 0)
                    {
                        blocks[i, j] = new Tensor(NDArray.Zeros(inLeaves[j].DType, shape));
                        continue;
                    }

                    blocks[i, j] = Lax.Reshape(SliceAxis(rows[j], 0, basis.Offsets[i], outLeaves[i].Size), shape);
                }
            }

            return new TreeJacobian<TIn, TOut>(blocks, inDef, outDef, [.. inLeaves.Select(l => l.Size)], [.. outLeaves.Select(l => l.Size)]);
        };
    }

    /// <summary>
    /// The Hessian of a scalar function of two arguments (trees), forward-over-reverse: blocks ∂²f/∂aᵢ∂bⱼ over the leaves of
    /// the pair (x, y), each of shape leaf i + leaf j (JAX's <c>hessian(f, argnums=(0, 1))</c>).
    /// </summary>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    /// <example><code>
    /// var h = Ad.Hessian&lt;Tensor, Tensor&gt;((w, b) => Loss(w, b))(w, b);
    /// Tensor hwb = h[0, 1];   // ∂²L/∂w∂b, shape w.Shape + b.Shape
    /// </code></example>
    public static Func<T1, T2, TreeJacobian<(T1, T2), (T1, T2)>> Hessian<T1, T2>(Func<T1, T2, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return (x, y) =>
        {
            RequireArgument(x, nameof(x), "Hessian");
            RequireArgument(y, nameof(y), "Hessian");
            Func<(T1, T2), Tensor> g = p => f(p.Item1, p.Item2);
            return JacFwd<(T1, T2), (T1, T2)>(Grad(g))((x, y));
        };
    }

    /// <summary>The basis of the raveled leaves, leaf by leaf: leaf j gets [n] + its shape, its columns of the identity.</summary>
    private static (Tensor[] Leaves, int[] Offsets, int Total) LeafBasis(IReadOnlyList<Aval> leaves)
    {
        var offsets = new int[leaves.Count];
        int n = 0;
        for (int j = 0; j < leaves.Count; j++)
        {
            offsets[j] = n;
            n += leaves[j].Shape.Size;
        }

        var basis = new Tensor[leaves.Count];
        for (int j = 0; j < basis.Length; j++)
        {
            var a = NDArray.Zeros(leaves[j].DType, Shape.Of([n, .. leaves[j].Shape.Dims]));
            int s = leaves[j].Shape.Size;
            for (int k = 0; k < s; k++)
            {
                int at = (offsets[j] + k) * s + k;
                if (a.Data is double[] d) d[at] = 1;
                else ((float[])a.Data)[at] = 1;
            }

            basis[j] = new Tensor(a);
        }

        return (basis, offsets, n);
    }

    /// <summary>Elements [start, start + length) of <paramref name="x"/> along <paramref name="axis"/>.</summary>
    private static Tensor SliceAxis(Tensor x, int axis, int start, int length)
    {
        var s = new int[x.Rank];
        var l = x.Shape.ToArray();
        s[axis] = start;
        l[axis] = start + length;
        return Lax.Slice(x, s, l, Enumerable.Repeat(1, x.Rank).ToArray());
    }
}
