using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace Cotangent;

/// <summary>Whether values of a type can hold a tensor somewhere in their object graph.</summary>
internal enum Reach : byte
{
    /// <summary>Never: no field of any value of the type can lead to a tensor.</summary>
    No,
    /// <summary>Only through a location typed object, an interface, an abstract or unsealed class, or a delegate: the runtime value decides.</summary>
    Maybe,
    /// <summary>Through a location typed as a tensor.</summary>
    Yes,
}

/// <summary>
/// Static analysis of the type graph (which fields can lead to a tensor) and the runtime inspection that
/// backs it up where a field's declared type does not decide. Results are cached per type; thread-safe.
/// </summary>
internal static class TreeReach
{
    /// <summary>Most objects <see cref="HoldsTensor"/> inspects before giving up.</summary>
    public const int ScanBudget = 100_000;

    private static readonly ConditionalWeakTable<Type, StrongBox<Reach>> s_exact = [];
    private static readonly ConditionalWeakTable<Type, FieldInfo[]> s_fields = [];
    private static readonly Lock s_gate = new();

    /// <summary>Can an object whose runtime type is exactly <paramref name="type"/> hold a tensor?</summary>
    public static Reach Exact(Type type)
    {
        if (s_exact.TryGetValue(type, out var known)) return known.Value;
        lock (s_gate)
        {
            if (s_exact.TryGetValue(type, out known)) return known.Value;
            return Compute(type);
        }
    }

    /// <summary>Can a location declared with <paramref name="type"/> hold a tensor (allowing for subclasses and implementations)?</summary>
    public static Reach Declared(Type type)
    {
        var exact = Exact(type);
        return IsOpen(type) ? Max(exact, Reach.Maybe) : exact;
    }

    /// <summary>The instance fields of <paramref name="type"/> and its base types whose declared type can lead to a tensor.</summary>
    public static FieldInfo[] Fields(Type type) => s_fields.GetValue(type, static t =>
    {
        var result = new List<FieldInfo>();
        foreach (var field in AllInstanceFields(t))
            if (Declared(field.FieldType) != Reach.No) result.Add(field);
        return result.ToArray();
    });

    /// <summary>
    /// Whether the object graph of <paramref name="root"/> holds a tensor: walks fields whose declared type can
    /// lead to one, array elements, and delegates' targets, iteratively and visiting each object once.
    /// Null when the graph is larger than <see cref="ScanBudget"/> objects.
    /// </summary>
    public static bool? HoldsTensor(object? root)
    {
        if (root is null || Exact(root.GetType()) == Reach.No) return false;
        var pending = new Stack<object>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        pending.Push(root);
        while (pending.TryPop(out var value))
        {
            if (value is Tensor) return true;
            var type = value.GetType();
            if (Exact(type) == Reach.No || !seen.Add(value)) continue;
            if (seen.Count > ScanBudget) return null;
            switch (value)
            {
                case Delegate d:
                    // Only the captured state; the method metadata cannot hold tensors.
                    foreach (var single in d.GetInvocationList())
                        if (single.Target is { } target) pending.Push(target);
                    break;
                case Array a:
                    foreach (var element in a)
                        if (element is not null) pending.Push(element);
                    break;
                default:
                    foreach (var field in Fields(type))
                        if (field.GetValue(value) is { } child) pending.Push(child);
                    break;
            }
        }

        return false;
    }

    /// <summary>A C#-like name for messages: <c>HashSet&lt;Tensor&gt;</c>, <c>Tensor[,]</c>, <c>int?</c>.</summary>
    public static string Name(Type type)
    {
        if (type.IsArray) return Name(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        if (Nullable.GetUnderlyingType(type) is { } underlying) return Name(underlying) + "?";
        if (!type.IsGenericType) return type.Name;
        var name = new StringBuilder(type.Name[..Math.Max(0, type.Name.IndexOf('`', StringComparison.Ordinal))]);
        if (name.Length == 0) name.Append(type.Name);
        name.Append('<').AppendJoin(", ", type.GetGenericArguments().Select(Name)).Append('>');
        return name.ToString();
    }

    private static Reach Max(Reach a, Reach b) => a > b ? a : b;

    /// <summary>Locations of this type may hold a value of another runtime type.</summary>
    private static bool IsOpen(Type type) => !type.IsValueType && !type.IsArray && !type.IsSealed;

    /// <summary>The answer for types that need no look at their fields, or null.</summary>
    private static Reach? Terminal(Type type)
    {
        if (typeof(Tensor).IsAssignableFrom(type)) return Reach.Yes;
        if (type.IsPrimitive || type.IsEnum || type.IsPointer || type.IsByRef || type.IsFunctionPointer || type.IsByRefLike
            || type == typeof(string) || type == typeof(decimal))
            return Reach.No;
        // Reflection metadata is never part of a tree; not walking it keeps the analysis small.
        if (typeof(MemberInfo).IsAssignableFrom(type) || typeof(Assembly).IsAssignableFrom(type) || typeof(Module).IsAssignableFrom(type)
            || typeof(ParameterInfo).IsAssignableFrom(type))
            return Reach.No;
        // A delegate holds tensors only through its targets, which are inspected at run time.
        if (typeof(Delegate).IsAssignableFrom(type) || type.ContainsGenericParameters) return Reach.Maybe;
        return null;
    }

    /// <summary>
    /// Computes <see cref="Exact"/> for <paramref name="root"/> and every type its fields reach, as a least
    /// fixed point (the type graph may be cyclic: a Node with a Node field), and caches all of them.
    /// </summary>
    private static Reach Compute(Type root)
    {
        var dependencies = new Dictionary<Type, Type[]>();
        var work = new Stack<Type>();
        work.Push(root);
        while (work.TryPop(out var type))
        {
            if (dependencies.ContainsKey(type) || s_exact.TryGetValue(type, out _)) continue;
            if (Terminal(type) is { } terminal)
            {
                s_exact.AddOrUpdate(type, new StrongBox<Reach>(terminal));
                continue;
            }

            var deps = type.IsArray ? [type.GetElementType()!] : AllInstanceFields(type).Select(f => f.FieldType).Distinct().ToArray();
            dependencies.Add(type, deps);
            foreach (var dep in deps) work.Push(dep);
        }

        var value = dependencies.Keys.ToDictionary(t => t, _ => Reach.No);
        Reach Of(Type t)
        {
            var exact = value.TryGetValue(t, out var v) ? v : s_exact.TryGetValue(t, out var box) ? box.Value : Reach.No;
            return IsOpen(t) ? Max(exact, Reach.Maybe) : exact;
        }

        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (var (type, deps) in dependencies)
            {
                var reach = value[type];
                foreach (var dep in deps) reach = Max(reach, Of(dep));
                if (reach == value[type]) continue;
                value[type] = reach;
                changed = true;
            }
        }

        foreach (var (type, reach) in value) s_exact.AddOrUpdate(type, new StrongBox<Reach>(reach));
        return s_exact.TryGetValue(root, out var result) ? result.Value : throw new InvalidOperationException("unreachable");
    }

    internal static IEnumerable<FieldInfo> AllInstanceFields(Type type)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
            foreach (var field in t.GetFields(flags)) yield return field;
    }
}
