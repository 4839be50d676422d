using System.Reflection;

namespace Cotangent;

/// <summary>
/// A value tuple or tuple (any length: the eighth slot, <c>Rest</c>, is itself a tuple whose items continue
/// the numbering), or a <see cref="KeyValuePair{TKey, TValue}"/>: children are the items, and the value is
/// rebuilt through its constructor.
/// </summary>
internal sealed class PositionalNodeType : TreeNodeType
{
    private readonly Type _type;
    private readonly string[] _names;
    private readonly MemberInfo[] _members;
    private readonly ConstructorInfo _constructor;
    private readonly PositionalNodeType? _rest;

    private PositionalNodeType(Type type, string[] names, MemberInfo[] members, PositionalNodeType? rest)
    {
        _type = type;
        _names = names;
        _members = members;
        _rest = rest;
        Type[] parameterTypes = [.. members.Select(MemberType), .. rest is null ? Type.EmptyTypes : [rest._type]];
        _constructor = type.GetConstructor(parameterTypes) ?? throw new InvalidOperationException($"{type} has no constructor taking its items");
        Length = members.Length + (rest?.Length ?? 0);
    }

    /// <summary>Items in all, Rest's included.</summary>
    public int Length { get; }

    public static bool IsTuple(Type type)
    {
        if (!type.IsGenericType || type.Assembly != typeof(object).Assembly) return false;
        var name = type.GetGenericTypeDefinition().FullName ?? "";
        return name.StartsWith("System.ValueTuple`", StringComparison.Ordinal) || name.StartsWith("System.Tuple`", StringComparison.Ordinal);
    }

    public static PositionalNodeType Tuple(Type type) => Tuple(type, 0);

    public static PositionalNodeType KeyValuePair(Type type) =>
        new(type, ["Key", "Value"], [type.GetProperty("Key")!, type.GetProperty("Value")!], null);

    private static PositionalNodeType Tuple(Type type, int offset)
    {
        // ValueTuple has public fields Item1…, Rest; Tuple has properties.
        var arity = type.GetGenericArguments().Length;
        var own = Math.Min(arity, 7);
        var names = new string[own];
        var members = new MemberInfo[own];
        for (int i = 0; i < own; i++)
        {
            names[i] = "Item" + (offset + i + 1);
            members[i] = Member(type, "Item" + (i + 1));
        }

        PositionalNodeType? rest = null;
        if (arity == 8)
        {
            var restType = MemberType(Member(type, "Rest"));
            if (IsTuple(restType)) rest = Tuple(restType, offset + 7);
            else
            {
                names = [.. names, "Rest"];
                members = [.. members, Member(type, "Rest")];
            }
        }

        return new PositionalNodeType(type, names, members, rest);
    }

    public override TreeDef Flatten(object node, TreeFlattener flattener)
    {
        var children = new TreeDef[Length];
        FlattenInto(node, flattener, children, 0);
        return new TreeDef(this, TreeKind.Tuple, _type, children, null);
    }

    public override object? Rebuild(TreeDef def, IReadOnlyList<Tensor> leaves, ref int position) => Construct(RebuildChildren(def, leaves, ref position), 0);

    public override string Describe(TreeDef def) => "(" + string.Join(", ", def.ChildArray.Select(c => c.ToString())) + ")";

    private void FlattenInto(object node, TreeFlattener flattener, TreeDef[] children, int start)
    {
        for (int i = 0; i < _members.Length; i++) children[start + i] = flattener.Visit(Get(_members[i], node), PathStep.Member(_names[i]));
        _rest?.FlattenInto(Get(Member(_type, "Rest"), node)!, flattener, children, start + _members.Length);
    }

    private object Construct(object?[] values, int start)
    {
        var args = new object?[_members.Length + (_rest is null ? 0 : 1)];
        Array.Copy(values, start, args, 0, _members.Length);
        if (_rest is not null) args[^1] = _rest.Construct(values, start + _members.Length);
        return _constructor.Invoke(args);
    }

    private static MemberInfo Member(Type type, string name) =>
        (MemberInfo?)type.GetField(name) ?? type.GetProperty(name) ?? throw new InvalidOperationException($"{type} has no {name}");

    private static Type MemberType(MemberInfo member) => member is FieldInfo f ? f.FieldType : ((PropertyInfo)member).PropertyType;

    private static object? Get(MemberInfo member, object node) => member is FieldInfo f ? f.GetValue(node) : ((PropertyInfo)member).GetValue(node);
}

/// <summary>
/// A record, class, struct or record struct: its children are every instance field whose declared type can
/// hold a tensor (public or private, auto-property backing fields, explicit backing fields, inherited fields).
/// Rebuilding clones the original object (a fresh box for structs; no constructor runs) and sets those
/// fields, which works for positional, init-only, get-only and constructor-only members alike.
/// </summary>
internal sealed class ObjectNodeType(Type type) : TreeNodeType
{
    private static readonly Func<object, object> s_memberwiseClone =
        typeof(object).GetMethod("MemberwiseClone", BindingFlags.Instance | BindingFlags.NonPublic)!.CreateDelegate<Func<object, object>>();

    private readonly FieldInfo[] _fields = TreeReach.Fields(type);
    private readonly string[] _names = [.. TreeReach.Fields(type).Select(f => MemberName(f.Name))];

    // The fields that cannot hold a tensor: they stay in the template object and are part of the structure.
    private readonly FieldInfo[] _staticFields = [.. TreeReach.AllInstanceFields(type).Except(TreeReach.Fields(type))];

    /// <summary>A shallow copy; for a boxed struct, a new box.</summary>
    public static object Clone(object value) => s_memberwiseClone(value);

    public override TreeDef Flatten(object node, TreeFlattener flattener)
    {
        var children = new TreeDef[_fields.Length];
        for (int i = 0; i < children.Length; i++) children[i] = flattener.Visit(_fields[i].GetValue(node), PathStep.Member(_names[i]));
        return new TreeDef(this, TreeKind.Object, type, children, node);
    }

    public override object? Rebuild(TreeDef def, IReadOnlyList<Tensor> leaves, ref int position)
    {
        var copy = Clone(def.Data!);
        for (int i = 0; i < _fields.Length; i++) _fields[i].SetValue(copy, def.ChildArray[i].Rebuild(leaves, ref position));
        return copy;
    }

    /// <summary>Two templates describe the same structure when their non-tensor fields are equal (object.Equals).</summary>
    public override bool DataEquals(object? a, object? b)
    {
        foreach (var f in _staticFields)
            if (!Equals(f.GetValue(a), f.GetValue(b))) return false;
        return true;
    }

    public override string Describe(TreeDef def) =>
        type.Name + " { " + string.Join(", ", def.ChildArray.Select((c, i) => _names[i] + " = " + c)) + " }";

    /// <summary>"W" for the backing field "&lt;W&gt;k__BackingField" (and anonymous types' "&lt;W&gt;i__Field"), else the field's name.</summary>
    private static string MemberName(string field) =>
        field.StartsWith('<') && field.IndexOf('>', StringComparison.Ordinal) is > 1 and var end ? field[1..end] : field;
}
