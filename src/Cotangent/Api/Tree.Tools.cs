using System.Diagnostics.CodeAnalysis;
using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent;

// Tools over whole trees: maps over several trees of one structure, reductions, flattening into one vector
// (JAX's ravel_pytree) and the vector-space operations optimizers need. All are compositions of Np
// functions, so they work on tracers and can be differentiated.
public static partial class Tree
{
    /// <summary>Applies <paramref name="map"/> leaf by leaf to two trees of the same structure (JAX's <c>tree_map(f, a, b)</c>).</summary>
    /// <exception cref="ArgumentNullException">a, b or map is null.</exception>
    /// <exception cref="TreeStructureException">The trees have different structures.</exception>
    /// <example><code>var sum = Tree.Map(parameters, grads, (p, g) =&gt; p - 0.1 * g);</code></example>
    public static T Map<T>(T a, T b, Func<Tensor, Tensor, Tensor> map)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(map);
        var (la, def) = Flatten(a);
        var lb = LeavesLike(def, b, nameof(b));
        var result = new Tensor[la.Count];
        for (int i = 0; i < result.Length; i++) result[i] = map(la[i], lb[i]);
        return Unflatten<T>(def, result);
    }

    /// <summary>Applies <paramref name="map"/> leaf by leaf to three trees of the same structure.</summary>
    /// <exception cref="ArgumentNullException">a, b, c or map is null.</exception>
    /// <exception cref="TreeStructureException">The trees have different structures.</exception>
    public static T Map<T>(T a, T b, T c, Func<Tensor, Tensor, Tensor, Tensor> map)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(map);
        var (la, def) = Flatten(a);
        var lb = LeavesLike(def, b, nameof(b));
        var lc = LeavesLike(def, c, nameof(c));
        var result = new Tensor[la.Count];
        for (int i = 0; i < result.Length; i++) result[i] = map(la[i], lb[i], lc[i]);
        return Unflatten<T>(def, result);
    }

    /// <summary>Folds <paramref name="reduce"/> over the leaves in <see cref="Flatten"/>'s order (JAX's <c>tree_reduce</c>).</summary>
    /// <exception cref="ArgumentNullException">tree or reduce is null.</exception>
    /// <example><code>int count = Tree.Reduce(parameters, 0, (n, leaf) =&gt; n + leaf.Size);</code></example>
    public static TAcc Reduce<TAcc>(object tree, [AllowNull] TAcc seed, Func<TAcc, Tensor, TAcc> reduce)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(reduce);
        TAcc acc = seed!;
        foreach (var leaf in Flatten(tree).Leaves) acc = reduce(acc, leaf);
        return acc;
    }

    /// <summary>
    /// Flattens a tree into one vector: every leaf raveled in row-major order and concatenated in <see cref="Flatten"/>'s
    /// order (JAX's <c>ravel_pytree</c>). <c>Unravel</c> rebuilds a tree of the same structure, shapes and types from such a
    /// vector. Both are differentiable, so a function of a tree becomes a function of a vector:
    /// <c>v =&gt; f(unravel(v))</c>.
    /// </summary>
    /// <exception cref="ArgumentNullException">tree is null.</exception>
    /// <exception cref="DTypeException">The leaves have different dtypes (convert them first with <c>Np.AsType</c>).</exception>
    /// <example><code>
    /// var (flat, unravel) = Tree.Ravel(parameters);   // flat: f64[n]
    /// Mlp again = unravel(flat * 0.5);
    /// </code></example>
    public static (Tensor Flat, Func<Tensor, T> Unravel) Ravel<T>(T tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var (leaves, def) = Flatten(tree);
        var dtype = leaves.Count == 0 ? DType.Float64 : leaves[0].DType;
        foreach (var leaf in leaves)
        {
            if (leaf.DType != dtype)
                throw new DTypeException($"Tree.Ravel: the leaves mix {dtype.ShortName()} and {leaf.DType.ShortName()}; convert them to one dtype first.");
        }

        var shapes = leaves.ConvertAll(l => l.Shape);
        int total = 0;
        foreach (var s in shapes) total = checked(total + s.Size);
        var flat = leaves.Count == 0
            ? Np.Zeros(new[] { 0 }, dtype)
            : Np.Concatenate(leaves.ConvertAll(l => Np.Reshape(l, l.Size)), 0);
        return (flat, v => UnravelLeaves<T>(def, shapes, dtype, total, v));
    }

    /// <summary>The tree of <paramref name="like"/>'s structure, shapes and types whose <see cref="Ravel"/> is <paramref name="flat"/>.</summary>
    /// <exception cref="ArgumentNullException">like or flat is null.</exception>
    /// <exception cref="ShapeException">flat is not a vector of the tree's total size.</exception>
    public static T Unravel<T>(T like, Tensor flat)
    {
        ArgumentNullException.ThrowIfNull(like);
        ArgumentNullException.ThrowIfNull(flat);
        return Ravel(like).Unravel(flat);
    }

    private static T UnravelLeaves<T>(TreeDef def, List<Shape> shapes, DType dtype, int total, Tensor flat)
    {
        ArgumentNullException.ThrowIfNull(flat);
        if (flat.Shape.Rank != 1 || flat.Size != total)
            throw new ShapeException($"Tree.Unravel: expected a vector of {total} elements, got {flat.Aval}.");
        if (flat.DType != dtype)
            throw new DTypeException($"Tree.Unravel: expected {dtype.ShortName()} elements, got {flat.DType.ShortName()}.");
        var leaves = new Tensor[shapes.Count];
        int offset = 0;
        for (int i = 0; i < leaves.Length; i++)
        {
            int size = shapes[i].Size;
            leaves[i] = Np.Reshape(Lax.Slice(flat, [offset], [offset + size], [1]), shapes[i]);
            offset += size;
        }

        return Unflatten<T>(def, leaves);
    }

    /// <summary>a + b, leaf by leaf.</summary>
    /// <exception cref="ArgumentNullException">a or b is null.</exception>
    /// <exception cref="TreeStructureException">The trees have different structures.</exception>
    public static T Add<T>(T a, T b) => Map(a, b, static (x, y) => x + y);

    /// <summary>a − b, leaf by leaf.</summary>
    /// <exception cref="ArgumentNullException">a or b is null.</exception>
    /// <exception cref="TreeStructureException">The trees have different structures.</exception>
    public static T Subtract<T>(T a, T b) => Map(a, b, static (x, y) => x - y);

    /// <summary>a · b elementwise, leaf by leaf.</summary>
    /// <exception cref="ArgumentNullException">a or b is null.</exception>
    /// <exception cref="TreeStructureException">The trees have different structures.</exception>
    public static T Multiply<T>(T a, T b) => Map(a, b, static (x, y) => x * y);

    /// <summary>c · a for a scalar c (a C# number takes each leaf's dtype).</summary>
    /// <exception cref="ArgumentNullException">a is null.</exception>
    public static T Scale<T>(T a, double c)
    {
        ArgumentNullException.ThrowIfNull(a);
        return Map(a, x => x * c);
    }

    /// <summary>a + c · b, leaf by leaf (BLAS's axpy; the update step of most optimizers).</summary>
    /// <exception cref="ArgumentNullException">a or b is null.</exception>
    /// <exception cref="TreeStructureException">The trees have different structures.</exception>
    public static T AddScaled<T>(T a, double c, T b) => Map(a, b, (x, y) => x + y * c);

    /// <summary>A tree of zeros of the same structure, shapes and dtypes.</summary>
    /// <exception cref="ArgumentNullException">a is null.</exception>
    public static T ZerosLike<T>(T a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return Map(a, Np.ZerosLike);
    }

    /// <summary>Σ over all leaves of Σ a·b: the inner product of two trees as vectors, a rank-0 tensor (0 for a tree with no leaves).</summary>
    /// <exception cref="ArgumentNullException">a or b is null.</exception>
    /// <exception cref="TreeStructureException">The trees have different structures.</exception>
    public static Tensor Dot<T>(T a, T b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var (la, def) = Flatten(a);
        var lb = LeavesLike(def, b, nameof(b));
        Tensor? total = null;
        for (int i = 0; i < la.Count; i++)
        {
            var term = Np.Sum(la[i] * lb[i]);
            total = total is null ? term : total + term;
        }

        return total ?? Tensor.Scalar(0.0);
    }

    /// <summary>The Euclidean norm of a tree as one vector, √(Σ leaves Σ x²) (optax's <c>global_norm</c>), a rank-0 tensor.</summary>
    /// <exception cref="ArgumentNullException">a is null.</exception>
    public static Tensor Norm<T>(T a) => Np.Sqrt(Dot(a, a));

    /// <summary>The total number of elements over all leaves.</summary>
    /// <exception cref="ArgumentNullException">a is null.</exception>
    public static int Size(object a) => Reduce(a, 0, static (n, leaf) => checked(n + leaf.Size));

    private static List<Tensor> LeavesLike(TreeDef def, object? tree, string name)
    {
        var (leaves, other) = Flatten(tree);
        if (!def.Equals(other))
            throw new TreeStructureException($"The trees have different structures: {def} and, for {name}, {other}.");
        return leaves;
    }
}
