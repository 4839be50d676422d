using System.Collections.Immutable;
using System.Collections.ObjectModel;
using System.Reflection;

namespace Cotangent;

/// <summary>The list types rebuilt by <see cref="ListNodeType{T}"/>.</summary>
internal enum ListFlavor
{
    List,
    ImmutableArray,
    ImmutableList,
}

/// <summary>A <see cref="List{T}"/>, ImmutableArray or ImmutableList of trees, rebuilt as the same type.</summary>
internal sealed class ListNodeType<T>(ListFlavor flavor) : TreeNodeType
{
    public override TreeDef Flatten(object node, TreeFlattener flattener)
    {
        IReadOnlyList<T> items;
        switch (node)
        {
            case List<T> list: items = list; break;
            case ImmutableList<T> list: items = list; break;
            case ImmutableArray<T> { IsDefault: true }: return StaticNodeType.Def(node);
            default: items = (ImmutableArray<T>)node; break;
        }

        var children = new TreeDef[items.Count];
        for (int i = 0; i < children.Length; i++) children[i] = flattener.Visit(items[i], PathStep.Index(i));
        return new TreeDef(this, TreeKind.List, node.GetType(), children, null);
    }

    public override object? Rebuild(TreeDef def, IReadOnlyList<Tensor> leaves, ref int position)
    {
        int count = def.ChildArray.Length;
        switch (flavor)
        {
            case ListFlavor.List:
            {
                var list = new List<T>(count);
                for (int i = 0; i < count; i++) list.Add((T)def.ChildArray[i].Rebuild(leaves, ref position)!);
                return list;
            }

            case ListFlavor.ImmutableArray:
            {
                var builder = ImmutableArray.CreateBuilder<T>(count);
                for (int i = 0; i < count; i++) builder.Add((T)def.ChildArray[i].Rebuild(leaves, ref position)!);
                return builder.MoveToImmutable();
            }

            default:
            {
                var items = new T[count];
                for (int i = 0; i < count; i++) items[i] = (T)def.ChildArray[i].Rebuild(leaves, ref position)!;
                return ImmutableList.Create(items);
            }
        }
    }

    public override string Describe(TreeDef def) => "[" + string.Join(", ", def.ChildArray.Select(c => c.ToString())) + "]";
}

/// <summary>A <see cref="ReadOnlyCollection{T}"/>: its one child is the list it wraps, rebuilt and wrapped again.</summary>
internal sealed class ReadOnlyCollectionNodeType<T> : TreeNodeType
{
    private static readonly PropertyInfo s_items = typeof(ReadOnlyCollection<T>).GetProperty("Items", BindingFlags.Instance | BindingFlags.NonPublic)!;

    public override TreeDef Flatten(object node, TreeFlattener flattener) =>
        new(this, TreeKind.List, node.GetType(), [flattener.Visit(s_items.GetValue(node), PathStep.None)], null);

    public override object? Rebuild(TreeDef def, IReadOnlyList<Tensor> leaves, ref int position) =>
        new ReadOnlyCollection<T>((IList<T>)def.ChildArray[0].Rebuild(leaves, ref position)!);

    public override string Describe(TreeDef def) => "ReadOnly" + def.ChildArray[0];
}
