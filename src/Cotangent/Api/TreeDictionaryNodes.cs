using System.Collections.Immutable;
using System.Collections.ObjectModel;
using System.Reflection;

namespace Cotangent;

/// <summary>The dictionary types rebuilt by <see cref="DictionaryNodeType{TKey, TValue}"/>.</summary>
internal enum DictionaryFlavor
{
    Dictionary,
    SortedDictionary,
    SortedList,
    ImmutableDictionary,
    ImmutableSortedDictionary,
}

/// <summary>What a dictionary node remembers: keys in leaf order, the original enumeration order, and the comparer (or empty instance) to rebuild with.</summary>
/// <param name="Keys">Keys in leaf (sorted) order.</param>
/// <param name="SortedPositionOf">For each entry in the original enumeration order, its position in <paramref name="Keys"/>; null when the orders agree.</param>
/// <param name="Seed">The comparer, or for immutable dictionaries an empty instance that carries the comparers.</param>
internal sealed record DictionaryData<TKey>(TKey[] Keys, int[]? SortedPositionOf, object? Seed);

/// <summary>
/// A dictionary whose values are trees. Leaves follow sorted key order (the dictionary's own for the sorted
/// kinds, else <see cref="Comparer{T}.Default"/>, ordinal for strings), so equal dictionaries flatten alike
/// whatever their insertion order; the rebuilt dictionary has the same type, comparer and enumeration order.
/// </summary>
internal sealed class DictionaryNodeType<TKey, TValue>(DictionaryFlavor flavor) : TreeNodeType
    where TKey : notnull
{
    private static readonly IComparer<TKey>? s_order = KeyOrder();

    public override TreeDef Flatten(object node, TreeFlattener flattener)
    {
        var entries = ((IEnumerable<KeyValuePair<TKey, TValue>>)node).ToArray();
        var keys = new TKey[entries.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = entries[i].Key;
            if (TreeReach.HoldsTensor(keys[i]) != false)
                throw flattener.Error(node, $"the key {PathStep.FormatKey(keys[i])} holds tensors (or could not be checked); dictionary keys are static, so tensors belong in the values.");
        }

        int[]? sortedPositionOf = null;
        var order = Enumerable.Range(0, keys.Length).ToArray();
        bool sorted = flavor is not (DictionaryFlavor.Dictionary or DictionaryFlavor.ImmutableDictionary);
        if (!sorted && s_order is null)
        {
            var name = TreeReach.Name(typeof(TKey));
            throw flattener.Error(node, $"the key type {name} has no order, and leaves must be visited in a fixed order; implement IComparable<{name}> or use a SortedDictionary with a comparer.");
        }

        if (!sorted && keys.Length > 1)
        {
            try
            {
                Array.Sort(keys, order, s_order!);
            }
            catch (InvalidOperationException e)
            {
                throw flattener.Error(node, "the keys cannot be ordered (" + (e.InnerException ?? e).Message + "); leaves must be visited in a fixed order.", e);
            }

            for (int i = 1; i < keys.Length; i++)
            {
                if (s_order!.Compare(keys[i - 1], keys[i]) == 0)
                    throw flattener.Error(node, $"the keys {PathStep.FormatKey(keys[i - 1])} and {PathStep.FormatKey(keys[i])} are distinct but compare equal, so the leaf order would be ambiguous.");
            }

            if (flavor == DictionaryFlavor.Dictionary)
            {
                sortedPositionOf = new int[keys.Length];
                for (int i = 0; i < order.Length; i++) sortedPositionOf[order[i]] = i;
            }
        }

        var children = new TreeDef[keys.Length];
        for (int i = 0; i < children.Length; i++) children[i] = flattener.Visit(entries[order[i]].Value, PathStep.Key(keys[i]));
        return new TreeDef(this, TreeKind.Dictionary, node.GetType(), children, new DictionaryData<TKey>(keys, sortedPositionOf, Seed(node)));
    }

    public override object? Rebuild(TreeDef def, IReadOnlyList<Tensor> leaves, ref int position)
    {
        var data = (DictionaryData<TKey>)def.Data!;
        var keys = data.Keys;
        var values = new TValue[keys.Length];
        for (int i = 0; i < values.Length; i++) values[i] = (TValue)def.ChildArray[i].Rebuild(leaves, ref position)!;
        switch (flavor)
        {
            case DictionaryFlavor.Dictionary:
            {
                var result = new Dictionary<TKey, TValue>(keys.Length, (IEqualityComparer<TKey>?)data.Seed);
                for (int j = 0; j < keys.Length; j++)
                {
                    int i = data.SortedPositionOf?[j] ?? j;
                    result.Add(keys[i], values[i]);
                }

                return result;
            }

            case DictionaryFlavor.SortedDictionary:
            {
                var result = new SortedDictionary<TKey, TValue>((IComparer<TKey>?)data.Seed);
                for (int i = 0; i < keys.Length; i++) result.Add(keys[i], values[i]);
                return result;
            }

            case DictionaryFlavor.SortedList:
            {
                var result = new SortedList<TKey, TValue>(keys.Length, (IComparer<TKey>?)data.Seed);
                for (int i = 0; i < keys.Length; i++) result.Add(keys[i], values[i]);
                return result;
            }

            case DictionaryFlavor.ImmutableDictionary:
            {
                var builder = ((ImmutableDictionary<TKey, TValue>)data.Seed!).ToBuilder();
                for (int i = 0; i < keys.Length; i++) builder.Add(keys[i], values[i]);
                return builder.ToImmutable();
            }

            default:
            {
                var builder = ((ImmutableSortedDictionary<TKey, TValue>)data.Seed!).ToBuilder();
                for (int i = 0; i < keys.Length; i++) builder.Add(keys[i], values[i]);
                return builder.ToImmutable();
            }
        }
    }

    public override bool DataEquals(object? a, object? b) =>
        ((DictionaryData<TKey>)a!).Keys.AsSpan().SequenceEqual(((DictionaryData<TKey>)b!).Keys, EqualityComparer<TKey>.Default);

    public override string Describe(TreeDef def)
    {
        var keys = ((DictionaryData<TKey>)def.Data!).Keys;
        return "{" + string.Join(", ", keys.Select((k, i) => PathStep.FormatKey(k) + ": " + def.ChildArray[i])) + "}";
    }

    private static object? Seed(object node) => node switch
    {
        Dictionary<TKey, TValue> d => d.Comparer,
        SortedDictionary<TKey, TValue> d => d.Comparer,
        SortedList<TKey, TValue> d => d.Comparer,
        ImmutableDictionary<TKey, TValue> d => d.Clear(),
        ImmutableSortedDictionary<TKey, TValue> d => d.Clear(),
        _ => null,
    };

    /// <summary>The order leaves are visited in: ordinal for strings, else the default comparer if keys may be comparable.</summary>
    private static IComparer<TKey>? KeyOrder()
    {
        var type = typeof(TKey);
        if (type == typeof(string)) return (IComparer<TKey>)StringComparer.Ordinal;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        bool comparable = typeof(IComparable).IsAssignableFrom(underlying)
            || typeof(IComparable<>).MakeGenericType(underlying).IsAssignableFrom(underlying);
        // An open key type (object, an interface, a base class) may still hold comparable keys; a failure is reported when sorting.
        bool open = !underlying.IsValueType && !underlying.IsSealed;
        return comparable || open ? Comparer<TKey>.Default : null;
    }
}

/// <summary>A <see cref="ReadOnlyDictionary{TKey, TValue}"/>: its one child is the dictionary it wraps, rebuilt and wrapped again.</summary>
internal sealed class ReadOnlyDictionaryNodeType<TKey, TValue> : TreeNodeType
    where TKey : notnull
{
    private static readonly PropertyInfo s_inner =
        typeof(ReadOnlyDictionary<TKey, TValue>).GetProperty("Dictionary", BindingFlags.Instance | BindingFlags.NonPublic)!;

    public override TreeDef Flatten(object node, TreeFlattener flattener) =>
        new(this, TreeKind.Dictionary, node.GetType(), [flattener.Visit(s_inner.GetValue(node), PathStep.None)], null);

    public override object? Rebuild(TreeDef def, IReadOnlyList<Tensor> leaves, ref int position) =>
        new ReadOnlyDictionary<TKey, TValue>((IDictionary<TKey, TValue>)def.ChildArray[0].Rebuild(leaves, ref position)!);

    public override string Describe(TreeDef def) => "ReadOnly" + def.ChildArray[0];
}
