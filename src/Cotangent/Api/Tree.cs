namespace Cotangent;

/// <summary>
/// Structured values ("trees", JAX's pytrees) that every transformation in <see cref="Ad"/> accepts and returns.
/// No registration is needed: structure is discovered by reflection on the runtime types and cached per type.
/// </summary>
/// <remarks>
/// <para>A tree is one of:</para>
/// <list type="bullet">
/// <item><description>a <see cref="Tensor"/>: a leaf;</description></item>
/// <item><description>an array of trees, of any rank (<c>T[]</c>, <c>T[,]</c>, …); leaves in row-major order;</description></item>
/// <item><description><see cref="List{T}"/>, <c>ImmutableArray&lt;T&gt;</c>, <c>ImmutableList&lt;T&gt;</c> and
/// <c>ReadOnlyCollection&lt;T&gt;</c> of trees (a ReadOnlyCollection rebuilds the list it wraps);</description></item>
/// <item><description><see cref="Dictionary{TKey, TValue}"/>, <see cref="SortedDictionary{TKey, TValue}"/>,
/// <see cref="SortedList{TKey, TValue}"/>, <c>ImmutableDictionary</c>, <c>ImmutableSortedDictionary</c> and
/// <c>ReadOnlyDictionary</c> whose values are trees. Leaves are visited in key order: the sorted dictionaries'
/// own order, otherwise keys sorted by <see cref="Comparer{T}.Default"/> (ordinal for strings). Keys must not hold
/// tensors and must be orderable; the rebuilt dictionary has the same type, comparer and enumeration order;</description></item>
/// <item><description>value tuples and <see cref="System.Tuple"/>s of any length (including the nested
/// <c>TRest</c> of 8 or more elements), and <see cref="KeyValuePair{TKey, TValue}"/>;</description></item>
/// <item><description>records, classes, structs and record structs: every instance field (public or private,
/// including auto-property backing fields, explicit backing fields, get-only and init-only properties and
/// fields inherited from base classes) whose type can hold a tensor is a child. Rebuilding copies the original
/// object (no constructor runs) and sets those fields, so positional and constructor-only records work;</description></item>
/// <item><description><c>Nullable&lt;T&gt;</c> of a struct tree, and <c>object</c>- or interface-typed
/// members (<c>IReadOnlyList&lt;T&gt;</c>, <c>IEnumerable&lt;T&gt;</c>, <c>IReadOnlyDictionary</c>, …): what counts is
/// the runtime value, which must be one of the above (or the read-only list a C# collection expression creates
/// for such an interface) and is rebuilt as the same runtime type.</description></item>
/// </list>
/// <para>Members that cannot hold a tensor (numbers, strings, enums, a <c>double[]</c>, a delegate that captures
/// none, …) are static: carried along unchanged, by reference for reference types. Anything else that holds
/// or can hold a tensor is a <see cref="TreeStructureException"/> naming the path to it, never a silent
/// constant: <c>HashSet&lt;Tensor&gt;</c>, <c>Queue&lt;Tensor&gt;</c>, <c>Lazy&lt;Tensor&gt;</c>,
/// <c>Memory&lt;Tensor&gt;</c>, a LINQ query or other custom <c>IEnumerable</c>, a delegate capturing tensors.
/// Cycles, and nesting deeper than <see cref="MaxDepth"/> levels, are errors too.</para>
/// <para>Every <see cref="Unflatten(TreeDef, IReadOnlyList{Tensor})"/> builds fresh containers, objects and
/// struct boxes, so results never share mutable state with each other or with the input; a
/// <see cref="TreeDef"/> may be used from several threads at once.</para>
/// </remarks>
public static partial class Tree
{
    /// <summary>The deepest nesting a tree may have (a linked list of about this many nodes); deeper is a <see cref="TreeStructureException"/>.</summary>
    public const int MaxDepth = 1000;

    /// <summary>The leaves of <paramref name="tree"/> in a fixed depth-first order, and its structure.</summary>
    /// <exception cref="TreeStructureException">The tree holds tensors in an unsupported container, has a cycle, or nests too deep.</exception>
    public static (List<Tensor> Leaves, TreeDef Def) Flatten(object? tree)
    {
        var flattener = new TreeFlattener();
        var def = flattener.Visit(tree, PathStep.Root);
        return (flattener.Leaves, def);
    }

    /// <summary>Rebuilds a tree of structure <paramref name="def"/> from leaves (in <see cref="Flatten"/>'s order).</summary>
    /// <exception cref="ArgumentNullException">def or leaves, or one of the leaves, is null.</exception>
    /// <exception cref="TreeStructureException">The number of leaves does not match the structure.</exception>
    public static object? Unflatten(TreeDef def, IReadOnlyList<Tensor> leaves)
    {
        ArgumentNullException.ThrowIfNull(def);
        ArgumentNullException.ThrowIfNull(leaves);
        for (int i = 0; i < leaves.Count; i++)
        {
            if (leaves[i] is null) throw new ArgumentNullException(nameof(leaves), $"Leaf {i} is null.");
        }

        if (leaves.Count != def.LeafCount)
            throw new TreeStructureException($"The structure {def} has {def.LeafCount} leaves but {leaves.Count} were given.");
        int position = 0;
        return def.Rebuild(leaves, ref position);
    }

    /// <summary>Typed <see cref="Unflatten(TreeDef, IReadOnlyList{Tensor})"/>.</summary>
    public static T Unflatten<T>(TreeDef def, IReadOnlyList<Tensor> leaves) => (T)Unflatten(def, leaves)!;

    /// <summary>Applies <paramref name="map"/> to every leaf, keeping the structure.</summary>
    /// <exception cref="ArgumentNullException">tree or map is null.</exception>
    /// <example><code>var halved = Tree.Map(parameters, p =&gt; p * 0.5);</code></example>
    public static T Map<T>(T tree, Func<Tensor, Tensor> map)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(map);
        var (leaves, def) = Flatten(tree);
        return Unflatten<T>(def, leaves.ConvertAll(l => map(l)));
    }
}
