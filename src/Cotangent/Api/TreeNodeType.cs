using System.Collections;
using System.Collections.Immutable;
using System.Collections.ObjectModel;
using System.Runtime.CompilerServices;

namespace Cotangent;

/// <summary>
/// How values of one runtime type are flattened and rebuilt. One instance per type, made once by
/// <see cref="Of"/> (which decides what the type is: leaf, static value, container, record or class, or an
/// error) and cached; instances hold only immutable reflection results, so they are thread-safe.
/// </summary>
internal abstract class TreeNodeType
{
    private static readonly ConditionalWeakTable<Type, TreeNodeType> s_cache = [];

    /// <summary>Nodes that hold children (tracked for cycles); false for leaves, static values and errors.</summary>
    public virtual bool IsContainer => true;

    public static TreeNodeType Of(Type type) => s_cache.GetValue(type, Classify);

    /// <summary>Flattens <paramref name="node"/>, a value of this type, visiting its children through <paramref name="flattener"/>.</summary>
    public abstract TreeDef Flatten(object node, TreeFlattener flattener);

    /// <summary>Builds a fresh value of structure <paramref name="def"/> from the leaves at <paramref name="position"/>.</summary>
    public virtual object? Rebuild(TreeDef def, IReadOnlyList<Tensor> leaves, ref int position) => throw new InvalidOperationException("not a tree node type");

    /// <summary>Equality of the node data (dictionary keys, array bounds) beyond kind, type and children.</summary>
    public virtual bool DataEquals(object? a, object? b) => true;

    public abstract string Describe(TreeDef def);

    /// <summary>Rebuilds every child in order.</summary>
    protected static object?[] RebuildChildren(TreeDef def, IReadOnlyList<Tensor> leaves, ref int position)
    {
        var values = new object?[def.ChildArray.Length];
        for (int i = 0; i < values.Length; i++) values[i] = def.ChildArray[i].Rebuild(leaves, ref position);
        return values;
    }

    private static TreeNodeType Classify(Type type)
    {
        if (typeof(Tensor).IsAssignableFrom(type)) return LeafNodeType.Instance;
        var reach = TreeReach.Exact(type);
        if (reach == Reach.No) return StaticNodeType.Instance;
        if (type.IsArray) return type.IsSZArray ? new ArrayNodeType(type) : new MultiArrayNodeType(type);
        if (typeof(Delegate).IsAssignableFrom(type))
            return new InspectedNodeType("this delegate captures tensors, which would silently be constants; pass them as tree members or close over them outside the tree.");
        if (type.IsGenericType && Generic(type) is { } generic) return generic;
        if (IsFramework(type))
        {
            // A framework type that is not a supported container: an error if it is declared to hold tensors
            // (HashSet<Tensor>, Lazy<Tensor>, Memory<Tensor>), else static unless the value turns out to hold one.
            if (reach == Reach.Yes || type.GetGenericArguments().Any(a => TreeReach.Declared(a) == Reach.Yes))
                return new ErrorNodeType(UnsupportedMessage);
            return new InspectedNodeType("this type is not a supported tree container, and this value holds tensors. " + Supported);
        }

        if (typeof(IEnumerable).IsAssignableFrom(type) && !IsCollectionExpressionList(type))
        {
            const string custom = "a custom collection (IEnumerable) cannot be rebuilt, and this one ";
            return reach == Reach.Yes
                ? new ErrorNodeType(custom + "can hold tensors. " + Supported)
                : new InspectedNodeType(custom + "holds tensors. " + Supported);
        }

        return new ObjectNodeType(type);
    }

    private static TreeNodeType? Generic(Type type)
    {
        var definition = type.GetGenericTypeDefinition();
        var args = type.GetGenericArguments();
        // A known container whose elements cannot hold tensors is static, whatever its internals (a comparer field).
        if (IsKnownContainer(definition) && args.All(a => TreeReach.Declared(a) == Reach.No)) return StaticNodeType.Instance;
        if (definition == typeof(List<>)) return Make(typeof(ListNodeType<>), args, ListFlavor.List);
        if (definition == typeof(ImmutableArray<>)) return Make(typeof(ListNodeType<>), args, ListFlavor.ImmutableArray);
        if (definition == typeof(ImmutableList<>)) return Make(typeof(ListNodeType<>), args, ListFlavor.ImmutableList);
        if (definition == typeof(ReadOnlyCollection<>)) return Make(typeof(ReadOnlyCollectionNodeType<>), args);
        if (definition == typeof(Dictionary<,>)) return Make(typeof(DictionaryNodeType<,>), args, DictionaryFlavor.Dictionary);
        if (definition == typeof(SortedDictionary<,>)) return Make(typeof(DictionaryNodeType<,>), args, DictionaryFlavor.SortedDictionary);
        if (definition == typeof(SortedList<,>)) return Make(typeof(DictionaryNodeType<,>), args, DictionaryFlavor.SortedList);
        if (definition == typeof(ImmutableDictionary<,>)) return Make(typeof(DictionaryNodeType<,>), args, DictionaryFlavor.ImmutableDictionary);
        if (definition == typeof(ImmutableSortedDictionary<,>)) return Make(typeof(DictionaryNodeType<,>), args, DictionaryFlavor.ImmutableSortedDictionary);
        if (definition == typeof(ReadOnlyDictionary<,>)) return Make(typeof(ReadOnlyDictionaryNodeType<,>), args);
        if (definition == typeof(KeyValuePair<,>)) return PositionalNodeType.KeyValuePair(type);
        if (PositionalNodeType.IsTuple(type)) return PositionalNodeType.Tuple(type);
        return null;
    }

    private static bool IsKnownContainer(Type definition) =>
        definition == typeof(List<>) || definition == typeof(ImmutableArray<>) || definition == typeof(ImmutableList<>)
        || definition == typeof(ReadOnlyCollection<>) || definition == typeof(Dictionary<,>) || definition == typeof(SortedDictionary<,>)
        || definition == typeof(SortedList<,>) || definition == typeof(ImmutableDictionary<,>) || definition == typeof(ImmutableSortedDictionary<,>)
        || definition == typeof(ReadOnlyDictionary<,>) || definition == typeof(KeyValuePair<,>);

    private static TreeNodeType Make(Type generic, Type[] args, params object[] ctorArgs) =>
        (TreeNodeType)Activator.CreateInstance(generic.MakeGenericType(args), ctorArgs)!;

    /// <summary>
    /// The read-only lists the C# compiler synthesizes for a collection expression typed IEnumerable&lt;T&gt;,
    /// IReadOnlyList&lt;T&gt; or IReadOnlyCollection&lt;T&gt; (<c>&lt;&gt;z__ReadOnlyArray&lt;T&gt;</c>, …). They only
    /// wrap an array, a List&lt;T&gt; or a single item, so they are rebuilt like an object: cloned, with that field rebuilt.
    /// </summary>
    private static bool IsCollectionExpressionList(Type type) =>
        type.Name.StartsWith("<>z__ReadOnly", StringComparison.Ordinal) && type.IsDefined(typeof(CompilerGeneratedAttribute), false);

    private static bool IsFramework(Type type)
    {
        var name = type.Assembly.GetName().Name ?? "";
        return name is "mscorlib" or "netstandard" or "System" || name.StartsWith("System.", StringComparison.Ordinal)
            || name.StartsWith("Microsoft.", StringComparison.Ordinal);
    }

    internal const string Supported =
        "Trees are made of Tensor leaves, arrays (any rank), List<T>, ImmutableArray<T>, ImmutableList<T>, ReadOnlyCollection<T>, " +
        "Dictionary/SortedDictionary/SortedList/ImmutableDictionary/ImmutableSortedDictionary/ReadOnlyDictionary, tuples, KeyValuePair, " +
        "and records, classes and structs; see Cotangent.Tree.";

    private const string UnsupportedMessage = "this type can hold tensors but is not a supported tree container, so its tensors would silently be constants. " + Supported;
}

/// <summary>A tensor.</summary>
internal sealed class LeafNodeType : TreeNodeType
{
    public static LeafNodeType Instance { get; } = new();

    public override bool IsContainer => false;

    public override TreeDef Flatten(object node, TreeFlattener flattener)
    {
        flattener.Leaves.Add((Tensor)node);
        return TreeDef.Leaf;
    }

    public override object? Rebuild(TreeDef def, IReadOnlyList<Tensor> leaves, ref int position) => leaves[position++];

    public override string Describe(TreeDef def) => "*";
}

/// <summary>A value that cannot hold a tensor: carried along as is (a value type in a fresh box, so results share nothing).</summary>
internal sealed class StaticNodeType : TreeNodeType
{
    public static StaticNodeType Instance { get; } = new();

    public override bool IsContainer => false;

    public static TreeDef Def(object node) => new(Instance, TreeKind.Static, node.GetType(), [], node);

    public override TreeDef Flatten(object node, TreeFlattener flattener) => Def(node);

    public override object? Rebuild(TreeDef def, IReadOnlyList<Tensor> leaves, ref int position) =>
        def.Data is { } value && def.Type.IsValueType ? ObjectNodeType.Clone(value) : def.Data;

    /// <summary>A static value is part of the structure: equal by its own Equals (numbers, strings, records by value).</summary>
    public override bool DataEquals(object? a, object? b) => Equals(a, b);

    public override string Describe(TreeDef def) => def.Type.Name;
}

/// <summary>A type that holds tensors in a way a tree cannot: always an error.</summary>
internal sealed class ErrorNodeType(string message) : TreeNodeType
{
    public override bool IsContainer => false;

    public override TreeDef Flatten(object node, TreeFlattener flattener) => throw flattener.Error(node, message);

    public override string Describe(TreeDef def) => "!";
}

/// <summary>
/// A type that might hold tensors only through fields of open types (object, interfaces, delegates'
/// captured variables): static when its value holds none, an error when it does.
/// </summary>
internal sealed class InspectedNodeType(string message) : TreeNodeType
{
    public override bool IsContainer => false;

    public override TreeDef Flatten(object node, TreeFlattener flattener) => TreeReach.HoldsTensor(node) switch
    {
        false => StaticNodeType.Def(node),
        true => throw flattener.Error(node, message),
        null => throw flattener.Error(node, $"this value could not be checked for tensors (more than {TreeReach.ScanBudget} objects reachable)."),
    };

    public override string Describe(TreeDef def) => def.Type.Name;
}
