using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Cotangent;

/// <summary>One step of the path from the root of a tree to a node, kept unformatted until an error needs it.</summary>
internal readonly struct PathStep
{
    private readonly object? _value;
    private readonly int _index;
    private readonly Kind _kind;

    private PathStep(Kind kind, object? value, int index)
    {
        _kind = kind;
        _value = value;
        _index = index;
    }

    private enum Kind : byte { None, Root, Member, Index, Key, Indices }

    /// <summary>No step: a wrapper and the collection it wraps share a path.</summary>
    public static PathStep None => default;

    public static PathStep Root => new(Kind.Root, null, 0);

    public static PathStep Member(string name) => new(Kind.Member, name, 0);

    public static PathStep Index(int index) => new(Kind.Index, null, index);

    public static PathStep Key(object? key) => new(Kind.Key, key, 0);

    /// <summary>The element at row-major position <paramref name="flat"/> of a multi-dimensional array.</summary>
    public static PathStep Indices(int flat, ArrayBounds bounds) => new(Kind.Indices, bounds, flat);

    public void AppendTo(StringBuilder path)
    {
        switch (_kind)
        {
            case Kind.Root: path.Append("root"); break;
            case Kind.Member: path.Append('.').Append((string)_value!); break;
            case Kind.Index: path.Append('[').Append(_index).Append(']'); break;
            case Kind.Key: path.Append('[').Append(FormatKey(_value)).Append(']'); break;
            case Kind.Indices: path.Append('[').AppendJoin(',', ((ArrayBounds)_value!).IndicesOf(_index)).Append(']'); break;
            default: break;
        }
    }

    public static string FormatKey(object? key) => key switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => key.ToString() ?? "?",
    };
}

/// <summary>
/// One flattening: collects leaves in depth-first order and keeps the path to the current node (for error
/// messages), the objects on it (to detect cycles) and the depth (to refuse absurd nesting before the
/// stack runs out).
/// </summary>
internal sealed class TreeFlattener
{
    private readonly List<PathStep> _path = [];
    private readonly HashSet<object> _onPath = new(ReferenceEqualityComparer.Instance);
    private int _depth;

    public List<Tensor> Leaves { get; } = [];

    public TreeDef Visit(object? node, PathStep step)
    {
        switch (node)
        {
            case Tensor t:
                Leaves.Add(t);
                return TreeDef.Leaf;
            case null:
                return TreeDef.Null;
        }

        var type = TreeNodeType.Of(node.GetType());
        _path.Add(step);
        if (++_depth > Tree.MaxDepth)
            throw Error(node, $"the tree nests deeper than {Tree.MaxDepth} levels (a very long linked structure?); flatten it into an array or list.");
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw Error(node, $"the tree nests too deep ({_depth} levels) for the stack left on this thread; flatten it into an array or list, or use a thread with a larger stack.");
        bool tracked = !node.GetType().IsValueType && type.IsContainer;
        if (tracked && !_onPath.Add(node))
            throw Error(node, "this object contains itself (a cycle); a tree must be acyclic.");
        var def = type.Flatten(node, this);
        if (tracked) _onPath.Remove(node);
        _depth--;
        _path.RemoveAt(_path.Count - 1);
        return def;
    }

    /// <summary>A <see cref="TreeStructureException"/> naming the current path and the node's type.</summary>
    public TreeStructureException Error(object node, string message, Exception? inner = null)
    {
        var text = new StringBuilder();
        foreach (var step in _path) step.AppendTo(text);
        text.Append(" (").Append(TreeReach.Name(node.GetType())).Append("): ").Append(message);
        return inner is null ? new TreeStructureException(text.ToString()) : new TreeStructureException(text.ToString(), inner);
    }
}
