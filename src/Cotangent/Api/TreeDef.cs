using System.Runtime.CompilerServices;

namespace Cotangent;

/// <summary>The kinds of tree node.</summary>
public enum TreeKind
{
    /// <summary>A tensor.</summary>
    Leaf,
    /// <summary>A null reference, kept as is.</summary>
    Null,
    /// <summary>A value that holds no tensors, kept as is.</summary>
    Static,
    /// <summary>An array of trees, of any rank.</summary>
    Array,
    /// <summary>A list of trees: <see cref="List{T}"/>, ImmutableArray, ImmutableList, or a ReadOnlyCollection (whose one child is the list it wraps).</summary>
    List,
    /// <summary>A value tuple or tuple of trees (any length), or a <see cref="KeyValuePair{TKey, TValue}"/>.</summary>
    Tuple,
    /// <summary>A record, class or struct with tree members.</summary>
    Object,
    /// <summary>A dictionary whose values are trees, in key order (a ReadOnlyDictionary's one child is the dictionary it wraps).</summary>
    Dictionary,
}

/// <summary>
/// The structure of a tree: everything but its leaves, including the values of its non-tensor members (two
/// structures are equal only when those are equal too, so a cache keyed on it never confuses a learning rate of
/// 0.1 with one of 0.2). Immutable; safe to share between threads.
/// </summary>
public sealed class TreeDef : IEquatable<TreeDef>
{
    internal static readonly TreeDef Leaf = new(LeafNodeType.Instance, TreeKind.Leaf, typeof(Tensor), [], null);
    internal static readonly TreeDef Null = new(StaticNodeType.Instance, TreeKind.Null, typeof(object), [], null);

    internal TreeDef(TreeNodeType node, TreeKind kind, Type type, TreeDef[] children, object? data)
    {
        Node = node;
        Kind = kind;
        Type = type;
        ChildArray = children;
        Data = data;
        int count = kind == TreeKind.Leaf ? 1 : 0;
        foreach (var child in children) count += child.LeafCount;
        LeafCount = count;
    }

    /// <summary>The node kind.</summary>
    public TreeKind Kind { get; }

    /// <summary>The CLR type of the node.</summary>
    public Type Type { get; }

    /// <summary>Child structures in leaf order.</summary>
    public IReadOnlyList<TreeDef> Children => ChildArray;

    /// <summary>Number of tensors in the tree.</summary>
    public int LeafCount { get; }

    internal TreeDef[] ChildArray { get; }

    /// <summary>How this node is rebuilt.</summary>
    internal TreeNodeType Node { get; }

    /// <summary>
    /// Per-node data: the value of a static node, the original object of an object node (cloned, never
    /// mutated, when rebuilding), the keys of a dictionary, the bounds of a multi-dimensional array.
    /// </summary>
    internal object? Data { get; }

    internal object? Rebuild(IReadOnlyList<Tensor> leaves, ref int position)
    {
        switch (Kind)
        {
            case TreeKind.Leaf: return leaves[position++];
            case TreeKind.Null: return null;
            default:
                // Flatten checked the stack on its own thread; this one may have less.
                if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
                    throw new TreeStructureException("The tree nests too deep to rebuild with the stack left on this thread; use a thread with a larger stack.");
                return Node.Rebuild(this, leaves, ref position);
        }
    }

    /// <inheritdoc/>
    public bool Equals(TreeDef? other)
    {
        // Iterative, so that comparing deep trees needs no stack.
        var pending = new Stack<(TreeDef, TreeDef)>();
        pending.Push((this, other!));
        while (pending.TryPop(out var pair))
        {
            var (a, b) = pair;
            if (ReferenceEquals(a, b)) continue;
            if (b is null || a.Kind != b.Kind || a.Type != b.Type || a.ChildArray.Length != b.ChildArray.Length
                || a.LeafCount != b.LeafCount || !a.Node.DataEquals(a.Data, b.Data))
                return false;
            for (int i = a.ChildArray.Length - 1; i >= 0; i--) pending.Push((a.ChildArray[i], b.ChildArray[i]));
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TreeDef);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Type, ChildArray.Length, LeafCount);

    /// <summary>A compact description, e.g. <c>(*, [*, *])</c> with * for each tensor.</summary>
    public override string ToString() => Kind switch
    {
        TreeKind.Leaf => "*",
        TreeKind.Null => "null",
        _ => RuntimeHelpers.TryEnsureSufficientExecutionStack() ? Node.Describe(this) : "…",
    };
}
