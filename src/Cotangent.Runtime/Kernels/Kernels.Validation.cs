namespace Cotangent.Runtime;

public static partial class Kernels
{
    /// <summary>The op's printed name (JAX's spelling), used in error messages.</summary>
    // Operation names for messages, computed once: the kernels call Name on every invocation, and
    // formatting an enum each time would allocate on the hot path.
    private static readonly string[] s_unaryNames = Names<UnaryOp>(string.Empty);
    private static readonly string[] s_binaryNames = Names<BinaryOp>(string.Empty);
    private static readonly string[] s_compareNames = Names<CompareOp>(string.Empty);
    private static readonly string[] s_reduceNames = Names<ReduceOp>("reduce_");

    private static string[] Names<TEnum>(string prefix)
        where TEnum : struct, Enum
        => Enum.GetValues<TEnum>().Select(v => prefix + v.ToString().ToLowerInvariant()).ToArray();

    private static string Name(UnaryOp op) => s_unaryNames[(int)op];

    private static string Name(BinaryOp op) => s_binaryNames[(int)op];

    private static string Name(CompareOp op) => s_compareNames[(int)op];

    private static string Name(ReduceOp op) => s_reduceNames[(int)op];

    /// <summary>dtype and shape, e.g. <c>f64(2, 3)</c>.</summary>
    private static string Describe(NDArray x) => x.DType.ShortName() + x.Shape.ToString();

    private static void RequireSameDType(string operation, NDArray x, NDArray y)
    {
        if (x.DType != y.DType)
            throw new DTypeException($"{operation}: operands must share a dtype, got {Describe(x)} and {Describe(y)}; convert one first.");
    }

    private static void RequireFloat(string operation, DType dtype)
    {
        if (!dtype.IsFloat())
            throw new DTypeException($"{operation}: needs f64 or f32, got {dtype.ShortName()}.");
    }

    /// <summary>Checks that <paramref name="values"/> has one entry per axis of <paramref name="shape"/>.</summary>
    private static void RequirePerAxis(string operation, string what, ReadOnlySpan<int> values, Shape shape)
    {
        if (values.Length != shape.Rank)
            throw new ShapeException($"{operation}: expected {shape.Rank} {what} (one per axis of {shape}), got {values.Length}.");
    }

    /// <summary>Normalizes a list of distinct axes (negative ones count from the end) into a mask over the axes of <paramref name="shape"/>.</summary>
    private static bool[] AxisMask(string operation, ReadOnlySpan<int> axes, Shape shape)
    {
        var mask = new bool[shape.Rank];
        foreach (int axis in axes)
        {
            int a = shape.NormalizeAxis(axis, operation);
            if (mask[a]) throw new AxisException($"{operation}: axis {axis} is repeated in [{string.Join(", ", axes.ToArray())}] for shape {shape}.");
            mask[a] = true;
        }

        return mask;
    }

    /// <summary>The shape without the axes set in <paramref name="mask"/>.</summary>
    private static Shape Remove(Shape shape, bool[] mask)
    {
        var dims = new List<int>(shape.Rank);
        for (int i = 0; i < shape.Rank; i++)
            if (!mask[i]) dims.Add(shape[i]);
        return Shape.Of(dims.ToArray());
    }

    /// <summary>Splits a shape around <paramref name="axis"/> into (outer, extent, inner) element counts.</summary>
    private static (int Outer, int Extent, int Inner) Split(Shape shape, int axis)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.Rank; i++) inner *= shape[i];
        return (outer, shape[axis], inner);
    }
}
