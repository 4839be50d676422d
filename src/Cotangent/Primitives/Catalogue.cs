using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

/// <summary>
/// The primitive catalogue: one shared instance of each primitive, as a static field. The class is partial so a
/// new primitive's file can declare its own field next to its class; <see cref="All"/> and the name lookup are
/// built from the fields by reflection, so there is no second list to keep.
/// </summary>
public static partial class Catalogue
{
#pragma warning disable CS1591 // Each field is the primitive of the same name; its class documents it.
    public static readonly Neg Neg = new();
    public static readonly Exp Exp = new();
    public static readonly Log Log = new();
    public static readonly Log1p Log1p = new();
    public static readonly Expm1 Expm1 = new();
    public static readonly Sin Sin = new();
    public static readonly Cos Cos = new();
    public static readonly Tan Tan = new();
    public static readonly Asin Asin = new();
    public static readonly Acos Acos = new();
    public static readonly Atan Atan = new();
    public static readonly Sinh Sinh = new();
    public static readonly Cosh Cosh = new();
    public static readonly Tanh Tanh = new();
    public static readonly Logistic Logistic = new();
    public static readonly Sqrt Sqrt = new();
    public static readonly Rsqrt Rsqrt = new();
    public static readonly Erf Erf = new();
    public static readonly Erfc Erfc = new();
    public static readonly Exp2 Exp2 = new();
    public static readonly Log2 Log2 = new();
    public static readonly Log10 Log10 = new();
    public static readonly Abs Abs = new();
    public static readonly Sign Sign = new();
    public static readonly Floor Floor = new();
    public static readonly Ceil Ceil = new();
    public static readonly Round Round = new();

    public static readonly Add Add = new();
    public static readonly Sub Sub = new();
    public static readonly Mul Mul = new();
    public static readonly Div Div = new();
    public static readonly Pow Pow = new();
    public static readonly Max Max = new();
    public static readonly Min Min = new();
    public static readonly Atan2 Atan2 = new();
    public static readonly Rem Rem = new();

    public static readonly Compare Eq = new("eq", CompareOp.Eq);
    public static readonly Compare Ne = new("ne", CompareOp.Ne);
    public static readonly Compare Lt = new("lt", CompareOp.Lt);
    public static readonly Compare Le = new("le", CompareOp.Le);
    public static readonly Compare Gt = new("gt", CompareOp.Gt);
    public static readonly Compare Ge = new("ge", CompareOp.Ge);
    public static readonly LogicalBinary And = new("and", BinaryOp.And);
    public static readonly LogicalBinary Or = new("or", BinaryOp.Or);
    public static readonly Not Not = new();
    public static readonly Select Select = new();
    public static readonly ConvertElementType Convert = new();

    public static readonly ReduceSum ReduceSum = new();
    public static readonly ReduceChooser ReduceMax = new("reduce_max", ReduceOp.Max);
    public static readonly ReduceChooser ReduceMin = new("reduce_min", ReduceOp.Min);
    public static readonly ReduceProd ReduceProd = new();
    public static readonly ArgReduce ArgMax = new("argmax", max: true);
    public static readonly ArgReduce ArgMin = new("argmin", max: false);
    public static readonly CumSum CumSum = new();

    public static readonly Reshape Reshape = new();
    public static readonly TransposeDims Transpose = new();
    public static readonly BroadcastInDim BroadcastInDim = new();
    public static readonly Slice Slice = new();
    public static readonly Pad Pad = new();
    public static readonly Concatenate Concatenate = new();
    public static readonly Rev Rev = new();

    public static readonly Gather Gather = new();
    public static readonly ScatterAdd ScatterAdd = new();
    public static readonly DynamicSlice DynamicSlice = new();
    public static readonly DynamicUpdateSlice DynamicUpdateSlice = new();
    public static readonly Iota Iota = new();

    public static readonly DotGeneral DotGeneral = new();

    public static readonly Cholesky Cholesky = new();
    public static readonly TriangularSolve TriangularSolve = new();
    public static readonly Lu Lu = new();
    public static readonly PermutationSign PermutationSign = new();
    public static readonly Eigh Eigh = new();
#pragma warning restore CS1591

    /// <summary>Every primitive of the catalogue, in name order (the builtins add_any, zeros and closed_call are listed by Transforms.Builtins).</summary>
    public static IReadOnlyList<Primitive> All => s_all.Value;

    // Lazy: field initializers of a partial class in several files run in no guaranteed order, so the list is read
    // only after the type is initialized.
    private static readonly Lazy<Primitive[]> s_all = new(() => typeof(Catalogue)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => typeof(Primitive).IsAssignableFrom(f.FieldType))
        .Select(f => (Primitive)f.GetValue(null)!)
        .OrderBy(p => p.Name, StringComparer.Ordinal)
        .ToArray());

    private static readonly Lazy<Dictionary<string, Primitive>> s_byName = new(BuildIndex);

    private static Dictionary<string, Primitive> BuildIndex()
    {
        var index = new Dictionary<string, Primitive>(StringComparer.Ordinal);
        foreach (var p in All) index.Add(p.Name, p);
        foreach (var p in Builtins.All) index.Add(p.Name, p);
        return index;
    }

    /// <summary>The catalogue primitive or builtin printed as <paramref name="name"/>, or null.</summary>
    public static Primitive? Find(string name) => s_byName.Value.GetValueOrDefault(name);

    /// <summary>
    /// Reads program text (as <see cref="ProgramPrinter"/> prints it) with the catalogue and the builtins as the
    /// primitives; <paramref name="constants"/> are the constants' values in text order (<see cref="ProgramParser.ConstantsOf"/>).
    /// </summary>
    /// <exception cref="ProgramParseException">The text is malformed or ill-typed; the message gives the line and column.</exception>
    public static Program ParseProgram(string text, IReadOnlyList<Tensor>? constants = null) => ProgramParser.Parse(text, Find, constants);
}
