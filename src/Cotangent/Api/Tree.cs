using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Cotangent;

/// <summary>
/// Structured values ("trees", JAX's pytrees): a <see cref="Tensor"/> is a leaf; arrays and lists of
/// trees, value tuples, and records or classes whose public properties and fields are trees are
/// nodes. Members of other types (numbers, strings, …) are carried along unchanged. No registration is
/// needed: structure is discovered by reflection and cached per type.
/// </summary>
public static class Tree
{
    /// <summary>The leaves of <paramref name="tree"/> in a fixed depth-first order, and its structure.</summary>
    /// <exception cref="TreeStructureException">A leaf position holds null.</exception>
    public static (List<Tensor> Leaves, TreeDef Def) Flatten(object? tree)
    {
        var leaves = new List<Tensor>();
        var def = Build(tree, leaves, "root");
        return (leaves, def);
    }

    /// <summary>Rebuilds a tree of structure <paramref name="def"/> from leaves (in <see cref="Flatten"/>'s order).</summary>
    public static object? Unflatten(TreeDef def, IReadOnlyList<Tensor> leaves)
    {
        if (leaves.Count != def.LeafCount)
            throw new TreeStructureException($"The structure {def} has {def.LeafCount} leaves but {leaves.Count} were given.");
        int position = 0;
        return def.Rebuild(leaves, ref position);
    }

    /// <summary>Typed <see cref="Unflatten(TreeDef, IReadOnlyList{Tensor})"/>.</summary>
    public static T Unflatten<T>(TreeDef def, IReadOnlyList<Tensor> leaves) => (T)Unflatten(def, leaves)!;

    /// <summary>Applies <paramref name="map"/> to every leaf, keeping the structure.</summary>
    public static T Map<T>(T tree, Func<Tensor, Tensor> map)
    {
        var (leaves, def) = Flatten(tree);
        return Unflatten<T>(def, leaves.ConvertAll(l => map(l)));
    }

    private static TreeDef Build(object? node, List<Tensor> leaves, string path)
    {
        switch (node)
        {
            case Tensor t:
                leaves.Add(t);
                return TreeDef.Leaf;
            case null:
                return TreeDef.Null;
        }

        var type = node.GetType();
        if (node is Array array)
        {
            var children = new TreeDef[array.Length];
            for (int i = 0; i < children.Length; i++) children[i] = Build(array.GetValue(i), leaves, $"{path}[{i}]");
            return new TreeDef(TreeKind.Array, type, children, null);
        }

        if (node is ITuple tuple && type.IsValueType && type.FullName!.StartsWith("System.ValueTuple", StringComparison.Ordinal))
        {
            var children = new TreeDef[tuple.Length];
            for (int i = 0; i < children.Length; i++) children[i] = Build(tuple[i], leaves, $"{path}.Item{i + 1}");
            return new TreeDef(TreeKind.Tuple, type, children, null);
        }

        if (node is IList list && type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            var children = new TreeDef[list.Count];
            for (int i = 0; i < children.Length; i++) children[i] = Build(list[i], leaves, $"{path}[{i}]");
            return new TreeDef(TreeKind.List, type, children, null);
        }

        var members = TreeMembers.Of(type);
        if (members.Length == 0) return new TreeDef(TreeKind.Static, type, [], node);
        var kids = new TreeDef[members.Length];
        for (int i = 0; i < kids.Length; i++) kids[i] = Build(members[i].Get(node), leaves, $"{path}.{members[i].Name}");
        return new TreeDef(TreeKind.Object, type, kids, node);
    }
}

/// <summary>The kinds of tree node.</summary>
public enum TreeKind
{
    /// <summary>A tensor.</summary>
    Leaf,
    /// <summary>A null reference, kept as is.</summary>
    Null,
    /// <summary>A value that holds no tensors, kept as is.</summary>
    Static,
    /// <summary>An array of trees.</summary>
    Array,
    /// <summary>A <see cref="List{T}"/> of trees.</summary>
    List,
    /// <summary>A value tuple of trees.</summary>
    Tuple,
    /// <summary>A record or class with tree members.</summary>
    Object,
}

/// <summary>The structure of a tree: everything but its leaves.</summary>
public sealed class TreeDef : IEquatable<TreeDef>
{
    internal static readonly TreeDef Leaf = new(TreeKind.Leaf, typeof(Tensor), [], null);
    internal static readonly TreeDef Null = new(TreeKind.Null, typeof(object), [], null);

    internal TreeDef(TreeKind kind, Type type, TreeDef[] children, object? template)
    {
        Kind = kind;
        Type = type;
        Children = children;
        Template = template;
        LeafCount = kind == TreeKind.Leaf ? 1 : children.Sum(c => c.LeafCount);
    }

    /// <summary>The node kind.</summary>
    public TreeKind Kind { get; }

    /// <summary>The CLR type of the node.</summary>
    public Type Type { get; }

    /// <summary>Child structures in leaf order.</summary>
    public IReadOnlyList<TreeDef> Children { get; }

    /// <summary>Number of tensors in the tree.</summary>
    public int LeafCount { get; }

    /// <summary>The original object for static and object nodes (copied, never mutated, when rebuilding).</summary>
    private object? Template { get; }

    internal object? Rebuild(IReadOnlyList<Tensor> leaves, ref int position)
    {
        switch (Kind)
        {
            case TreeKind.Leaf:
                return leaves[position++];
            case TreeKind.Null:
                return null;
            case TreeKind.Static:
                return Template;
            case TreeKind.Array:
            {
                var array = System.Array.CreateInstance(Type.GetElementType()!, Children.Count);
                for (int i = 0; i < Children.Count; i++) array.SetValue(((TreeDef)Children[i]).Rebuild(leaves, ref position), i);
                return array;
            }

            case TreeKind.List:
            {
                var list = (IList)Activator.CreateInstance(Type)!;
                for (int i = 0; i < Children.Count; i++) list.Add(((TreeDef)Children[i]).Rebuild(leaves, ref position));
                return list;
            }

            case TreeKind.Tuple:
            {
                var items = new object?[Children.Count];
                for (int i = 0; i < items.Length; i++) items[i] = ((TreeDef)Children[i]).Rebuild(leaves, ref position);
                return Activator.CreateInstance(Type, items);
            }

            default:
            {
                var members = TreeMembers.Of(Type);
                var copy = TreeMembers.Clone(Template!);
                for (int i = 0; i < members.Length; i++) members[i].Set(copy, ((TreeDef)Children[i]).Rebuild(leaves, ref position));
                return copy;
            }
        }
    }

    /// <inheritdoc/>
    public bool Equals(TreeDef? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || Kind != other.Kind || Type != other.Type || Children.Count != other.Children.Count) return false;
        for (int i = 0; i < Children.Count; i++) if (!((TreeDef)Children[i]).Equals((TreeDef)other.Children[i])) return false;
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TreeDef);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Type, Children.Count, LeafCount);

    /// <summary>A compact description, e.g. <c>(*, [*, *])</c> with * for each tensor.</summary>
    public override string ToString() => Kind switch
    {
        TreeKind.Leaf => "*",
        TreeKind.Null => "null",
        TreeKind.Static => Type.Name,
        TreeKind.Array or TreeKind.List => "[" + string.Join(", ", Children) + "]",
        TreeKind.Tuple => "(" + string.Join(", ", Children) + ")",
        _ => Type.Name + " { " + string.Join(", ", TreeMembers.Of(Type).Select((m, i) => m.Name + " = " + Children[i])) + " }",
    };
}

/// <summary>Reflection over the tree members of a record or class: public instance properties and fields of tree-capable types.</summary>
internal sealed class TreeMembers
{
    private static readonly ConditionalWeakTable<Type, TreeMembers[]> s_cache = [];
    private static readonly MethodInfo s_memberwiseClone = typeof(object).GetMethod("MemberwiseClone", BindingFlags.Instance | BindingFlags.NonPublic)!;

    private readonly FieldInfo _field;

    private TreeMembers(string name, FieldInfo field)
    {
        Name = name;
        _field = field;
    }

    public string Name { get; }

    public object? Get(object owner) => _field.GetValue(owner);

    public void Set(object owner, object? value) => _field.SetValue(owner, value);

    public static object Clone(object template) => template.GetType().IsValueType ? template : s_memberwiseClone.Invoke(template, null)!;

    public static TreeMembers[] Of(Type type) => s_cache.GetValue(type, Discover);

    private static TreeMembers[] Discover(Type type)
    {
        if (type.IsPrimitive || type == typeof(string) || type.IsEnum || type == typeof(decimal) || type.IsPointer) return [];
        var result = new List<TreeMembers>();
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        foreach (var field in type.GetFields(flags))
        {
            if (!CanHoldTensors(field.FieldType)) continue;
            // Public fields, and the backing fields of public auto-properties (records' positional members).
            if (field.IsPublic)
            {
                result.Add(new TreeMembers(field.Name, field));
                continue;
            }

            if (field.Name.StartsWith('<') && field.Name.EndsWith(">k__BackingField", StringComparison.Ordinal))
            {
                var name = field.Name[1..field.Name.IndexOf('>', StringComparison.Ordinal)];
                var property = type.GetProperty(name, BindingFlags.Instance | BindingFlags.Public);
                if (property?.GetMethod?.IsPublic == true) result.Add(new TreeMembers(name, field));
            }
        }

        return result.ToArray();
    }

    private static bool CanHoldTensors(Type t)
    {
        if (t == typeof(Tensor) || typeof(Tensor).IsAssignableFrom(t)) return true;
        if (t.IsPrimitive || t == typeof(string) || t.IsEnum || t == typeof(decimal) || t.IsPointer) return false;
        if (t.IsArray) return CanHoldTensors(t.GetElementType()!);
        if (t.IsGenericType)
        {
            var def = t.GetGenericTypeDefinition();
            if (def == typeof(List<>)) return CanHoldTensors(t.GetGenericArguments()[0]);
            if (t.FullName!.StartsWith("System.ValueTuple", StringComparison.Ordinal)) return t.GetGenericArguments().Any(CanHoldTensors);
        }

        if (t == typeof(object)) return true;
        if (t.Namespace?.StartsWith("System", StringComparison.Ordinal) == true) return false;
        return Of(t).Length > 0 || t.IsInterface || t.IsAbstract;
    }
}
