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

/// <summary>The structure of a tree: everything but its leaves. Immutable; safe to share between threads.</summary>
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

    internal object? Rebuild(IReadOnlyList<Tensor> leaves, ref int position) => Kind switch
    {
        TreeKind.Leaf => leaves[position++],
        TreeKind.Null => null,
        _ => Node.Rebuild(this, leaves, ref position),
    };

    /// <inheritdoc/>
    public bool Equals(TreeDef? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || Kind != other.Kind || Type != other.Type || ChildArray.Length != other.ChildArray.Length
            || LeafCount != other.LeafCount || !Node.DataEquals(Data, other.Data))
            return false;
        for (int i = 0; i < ChildArray.Length; i++) if (!ChildArray[i].Equals(other.ChildArray[i])) return false;
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
        _ => Node.Describe(this),
    };
}
