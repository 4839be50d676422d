namespace Cotangent;

/// <summary>A one-dimensional, zero-based array of trees.</summary>
internal sealed class ArrayNodeType(Type arrayType) : TreeNodeType
{
    public override TreeDef Flatten(object node, TreeFlattener flattener)
    {
        var array = (Array)node;
        var children = new TreeDef[array.Length];
        if (array is object?[] references)
        {
            for (int i = 0; i < children.Length; i++) children[i] = flattener.Visit(references[i], PathStep.Index(i));
        }
        else
        {
            for (int i = 0; i < children.Length; i++) children[i] = flattener.Visit(array.GetValue(i), PathStep.Index(i));
        }

        return new TreeDef(this, TreeKind.Array, arrayType, children, null);
    }

    public override object? Rebuild(TreeDef def, IReadOnlyList<Tensor> leaves, ref int position)
    {
        var array = Array.CreateInstanceFromArrayType(arrayType, def.ChildArray.Length);
        if (array is object?[] references)
        {
            for (int i = 0; i < references.Length; i++) references[i] = def.ChildArray[i].Rebuild(leaves, ref position);
        }
        else
        {
            for (int i = 0; i < array.Length; i++) array.SetValue(def.ChildArray[i].Rebuild(leaves, ref position), i);
        }

        return array;
    }

    public override string Describe(TreeDef def) => "[" + string.Join(", ", def.ChildArray.Select(c => c.ToString())) + "]";
}

/// <summary>The lengths and lower bounds of a multi-dimensional (or non-zero-based) array.</summary>
internal sealed class ArrayBounds(int[] lengths, int[] lowerBounds)
{
    public int[] Lengths { get; } = lengths;

    public int[] LowerBounds { get; } = lowerBounds;

    public static ArrayBounds Of(Array array)
    {
        var lengths = new int[array.Rank];
        var lower = new int[array.Rank];
        for (int d = 0; d < lengths.Length; d++)
        {
            lengths[d] = array.GetLength(d);
            lower[d] = array.GetLowerBound(d);
        }

        return new ArrayBounds(lengths, lower);
    }

    /// <summary>The indices (lower bounds included) of the element at row-major position <paramref name="flat"/>.</summary>
    public int[] IndicesOf(int flat)
    {
        var indices = new int[Lengths.Length];
        for (int d = indices.Length - 1; d >= 0; d--)
        {
            indices[d] = LowerBounds[d] + (Lengths[d] == 0 ? 0 : flat % Lengths[d]);
            flat = Lengths[d] == 0 ? 0 : flat / Lengths[d];
        }

        return indices;
    }

    public bool SameAs(ArrayBounds other) => Lengths.AsSpan().SequenceEqual(other.Lengths) && LowerBounds.AsSpan().SequenceEqual(other.LowerBounds);
}

/// <summary>A multi-dimensional array of trees (<c>T[,]</c>, …), leaves in row-major order; rebuilt with the same lengths and lower bounds.</summary>
internal sealed class MultiArrayNodeType(Type arrayType) : TreeNodeType
{
    private readonly Type _elementType = arrayType.GetElementType()!;

    public override TreeDef Flatten(object node, TreeFlattener flattener)
    {
        var array = (Array)node;
        var bounds = ArrayBounds.Of(array);
        var children = new TreeDef[array.Length];
        for (int i = 0; i < children.Length; i++)
            children[i] = flattener.Visit(array.GetValue(bounds.IndicesOf(i)), PathStep.Indices(i, bounds));
        return new TreeDef(this, TreeKind.Array, arrayType, children, bounds);
    }

    public override object? Rebuild(TreeDef def, IReadOnlyList<Tensor> leaves, ref int position)
    {
        var bounds = (ArrayBounds)def.Data!;
        var array = Array.CreateInstance(_elementType, bounds.Lengths, bounds.LowerBounds);
        for (int i = 0; i < def.ChildArray.Length; i++) array.SetValue(def.ChildArray[i].Rebuild(leaves, ref position), bounds.IndicesOf(i));
        return array;
    }

    public override bool DataEquals(object? a, object? b) => ((ArrayBounds)a!).SameAs((ArrayBounds)b!);

    public override string Describe(TreeDef def) =>
        "[" + string.Join("×", ((ArrayBounds)def.Data!).Lengths) + ": " + string.Join(", ", def.ChildArray.Select(c => c.ToString())) + "]";
}
