using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Tests.Primitives;

/// <summary>How a primitive's output depends on its float operands.</summary>
public enum Differentiability
{
    /// <summary>No float operand: nothing to differentiate (and, or, not, iota, zeros).</summary>
    None,

    /// <summary>Piecewise constant or non-float output: the tangent is zero (comparisons, floor, sign, argmax).</summary>
    Zero,

    /// <summary>Differentiable at the generated inputs (which stay away from kinks and domain edges).</summary>
    Differentiable,

    /// <summary>The derivative is zero by definition although the value changes (stop_gradient): finite differences
    /// do not apply; the tangent must be exactly zero.</summary>
    Stopped,
}

/// <summary>One example application of a primitive: concrete operands and parameters.</summary>
/// <param name="Name">A short description for failure messages.</param>
/// <param name="Args">The operands (float, int32 indices, bool predicates).</param>
/// <param name="Params">The primitive's parameters.</param>
/// <param name="Differentiable">False to exclude the case from derivative checks (e.g. a reduction over an empty axis, whose value is ±∞).</param>
public sealed record PrimitiveCase(string Name, Tensor[] Args, Params Params, bool Differentiable = true)
{
    /// <summary>Indices of the float operands (the differentiable ones).</summary>
    public int[] FloatOperands => Enumerable.Range(0, Args.Length).Where(i => Args[i].DType.IsFloat()).ToArray();

    /// <inheritdoc/>
    public override string ToString() => $"{Name} [{string.Join(", ", Args.Select(a => a.Aval.ToString()))}] {Params}";
}

/// <summary>
/// One row of the conformance table: a primitive, example inputs in its domain (broadcasting, rank 0 and
/// zero-size included), the dtypes to try, and what is expected of its derivative rules.
/// </summary>
public sealed class PrimitiveSpec
{
    /// <summary>The primitive.</summary>
    public required Primitive Primitive { get; init; }

    /// <summary>Example cases for an element dtype (the dtype of the float operands, or of all operands for int32).</summary>
    public required Func<Random, DType, IEnumerable<PrimitiveCase>> Cases { get; init; }

    /// <summary>The dtypes <see cref="Cases"/> supports; the float ones drive the derivative checks.</summary>
    public DType[] DTypes { get; init; } = [DType.Float64, DType.Float32];

    /// <summary>How the output depends on the float operands.</summary>
    public Differentiability Kind { get; init; } = Differentiability.Differentiable;

    /// <summary>
    /// For a linear primitive, each set of operands it is jointly linear in (mul: {0} or {1}; add: {0,1};
    /// select: {1,2}); the other operands are closed over. Empty for a non-linear primitive.
    /// </summary>
    public int[][] LinearSets { get; init; } = [];

    /// <summary>Whether the second-order check (CheckGrads order 2) applies.</summary>
    public bool SecondOrder { get; init; } = true;

    /// <summary>The printed name.</summary>
    public string Name => Primitive.Name;

    /// <summary>The cases for <paramref name="dtype"/>, generated deterministically.</summary>
    public PrimitiveCase[] For(DType dtype) => Cases(new Random(Seed(Name, dtype)), dtype).ToArray();

    private static int Seed(string name, DType dtype)
    {
        int h = 17 + (int)dtype;
        foreach (var c in name) h = unchecked((h * 31) + c);
        return h & 0x7fffffff;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>The conformance table: one row per primitive of <see cref="Catalogue.All"/>, plus the builtins add_any and zeros.</summary>
public static partial class PrimitiveSpecs
{
    private static readonly DType[] s_floatsAndInt = [DType.Float64, DType.Float32, DType.Int32];

    /// <summary>Unary shapes: rank 0, vectors, a matrix, zero-size.</summary>
    private static readonly int[][] s_unaryShapes = [[], [3], [2, 3], [0], [2, 0]];

    /// <summary>Binary shape pairs: equal, broadcasting both ways, rank 0 against arrays, zero-size.</summary>
    private static readonly (int[] X, int[] Y)[] s_binaryShapes =
    [
        ([], []), ([3], [3]), ([2, 3], [2, 3]), ([2, 3], [3]), ([3], [2, 3]), ([2, 1], [1, 3]), ([], [2, 3]), ([2, 3], []), ([0, 3], [3]), ([0], []),
    ];

    /// <summary>Every row, keyed by primitive name.</summary>
    public static IReadOnlyDictionary<string, PrimitiveSpec> All { get; } = Build().ToDictionary(s => s.Name);

    /// <summary>The row of <paramref name="name"/>.</summary>
    public static PrimitiveSpec Get(string name) => All[name];

    private static IEnumerable<PrimitiveSpec> Build()
    {
        // ---- elementwise unary ----
        yield return Unary(Catalogue.Neg, (r, d, s) => Gen.Uniform(r, d, s, -2, 2), s_floatsAndInt, linear: true);
        yield return Unary(Catalogue.Exp, (r, d, s) => Gen.Uniform(r, d, s, -2, 2));
        yield return Unary(Catalogue.Log, (r, d, s) => Gen.Uniform(r, d, s, 0.5, 2));
        yield return Unary(Catalogue.Log1p, (r, d, s) => Gen.Uniform(r, d, s, -0.5, 2));
        yield return Unary(Catalogue.Expm1, (r, d, s) => Gen.Uniform(r, d, s, -2, 2));
        yield return Unary(Catalogue.Sin, (r, d, s) => Gen.Uniform(r, d, s, -3, 3));
        yield return Unary(Catalogue.Cos, (r, d, s) => Gen.Uniform(r, d, s, -3, 3));
        yield return Unary(Catalogue.Tan, (r, d, s) => Gen.Uniform(r, d, s, -1.2, 1.2));
        yield return Unary(Catalogue.Asin, (r, d, s) => Gen.Uniform(r, d, s, -0.9, 0.9));
        yield return Unary(Catalogue.Acos, (r, d, s) => Gen.Uniform(r, d, s, -0.9, 0.9));
        yield return Unary(Catalogue.Atan, (r, d, s) => Gen.Uniform(r, d, s, -3, 3));
        yield return Unary(Catalogue.Sinh, (r, d, s) => Gen.Uniform(r, d, s, -2, 2));
        yield return Unary(Catalogue.Cosh, (r, d, s) => Gen.Uniform(r, d, s, -2, 2));
        yield return Unary(Catalogue.Tanh, (r, d, s) => Gen.Uniform(r, d, s, -2, 2));
        yield return Unary(Catalogue.Logistic, (r, d, s) => Gen.Uniform(r, d, s, -3, 3));
        yield return Unary(Catalogue.Sqrt, (r, d, s) => Gen.Uniform(r, d, s, 0.5, 3));
        yield return Unary(Catalogue.Rsqrt, (r, d, s) => Gen.Uniform(r, d, s, 0.5, 3));
        yield return Unary(Catalogue.Erf, (r, d, s) => Gen.Uniform(r, d, s, -2, 2));
        yield return Unary(Catalogue.Erfc, (r, d, s) => Gen.Uniform(r, d, s, -2, 4));
        yield return Unary(Catalogue.Exp2, (r, d, s) => Gen.Uniform(r, d, s, -3, 3));
        yield return Unary(Catalogue.Log2, (r, d, s) => Gen.Uniform(r, d, s, 0.5, 3));
        yield return Unary(Catalogue.Log10, (r, d, s) => Gen.Uniform(r, d, s, 0.5, 3));
        // abs and sign: away from 0, where abs has its kink and sign its jump.
        yield return Unary(Catalogue.Abs, (r, d, s) => Gen.AwayFromZero(r, d, s, 0.2, 2), s_floatsAndInt);
        yield return Unary(Catalogue.Sign, (r, d, s) => Gen.AwayFromZero(r, d, s, 0.2, 2), s_floatsAndInt, kind: Differentiability.Zero);
        // floor, ceil, round: k + u with u in [0.1, 0.4], away from integers and half-integers.
        yield return Unary(Catalogue.Floor, Gen.AwayFromSteps, kind: Differentiability.Zero);
        yield return Unary(Catalogue.Ceil, Gen.AwayFromSteps, kind: Differentiability.Zero);
        yield return Unary(Catalogue.Round, Gen.AwayFromSteps, kind: Differentiability.Zero);
        yield return Unary(Catalogue.StopGradient, (r, d, s) => Gen.Uniform(r, d, s, -3, 3), kind: Differentiability.Stopped);

        // ---- elementwise binary ----
        yield return Binary(Catalogue.Add, Gen.Std, Gen.Std, s_floatsAndInt, linearSets: [[0, 1]]);
        yield return Binary(Catalogue.Sub, Gen.Std, Gen.Std, s_floatsAndInt, linearSets: [[0, 1]]);
        yield return Binary(Catalogue.Mul, Gen.Std, Gen.Std, s_floatsAndInt, linearSets: [[0], [1]]);
        yield return Binary(Catalogue.Div, Gen.Std, (r, d, s) => Gen.AwayFromZero(r, d, s, 0.5, 2), linearSets: [[0]]);
        yield return Binary(Catalogue.Pow, (r, d, s) => Gen.Uniform(r, d, s, 0.5, 2), (r, d, s) => Gen.Uniform(r, d, s, -2, 2));
        // max/min: x on the grid 0.1k + 0.05 and y on 0.1k, so |x − y| ≥ 0.05 (no ties within a step).
        yield return Binary(Catalogue.Max, Gen.GridOffset, Gen.Grid, s_floatsAndInt);
        yield return Binary(Catalogue.Min, Gen.GridOffset, Gen.Grid, s_floatsAndInt);
        yield return Binary(Catalogue.Atan2, (r, d, s) => Gen.AwayFromZero(r, d, s, 0.5, 2), (r, d, s) => Gen.AwayFromZero(r, d, s, 0.5, 2));
        yield return RemSpec();

        // ---- comparisons and logic ----
        foreach (var c in new[] { Catalogue.Eq, Catalogue.Ne, Catalogue.Lt, Catalogue.Le, Catalogue.Gt, Catalogue.Ge })
            yield return Binary(c, Gen.Ties, Gen.Ties, s_floatsAndInt, kind: Differentiability.Zero);
        yield return Binary(Catalogue.And, Gen.Bools, Gen.Bools, [DType.Bool], kind: Differentiability.None);
        yield return Binary(Catalogue.Or, Gen.Bools, Gen.Bools, [DType.Bool], kind: Differentiability.None);
        yield return Unary(Catalogue.Not, Gen.Bools, [DType.Bool], kind: Differentiability.None);
        yield return SelectSpec();
        yield return ConvertSpec();

        // ---- reductions ----
        yield return ReductionSpec(Catalogue.ReduceSum, linear: true);
        yield return ReductionSpec(Catalogue.ReduceMax, linear: false);
        yield return ReductionSpec(Catalogue.ReduceMin, linear: false);
        yield return ReduceProdSpec();
        yield return ArgSpec(Catalogue.ArgMax);
        yield return ArgSpec(Catalogue.ArgMin);
        yield return CumSumSpec();

        // ---- structural ----
        yield return ReshapeSpec();
        yield return TransposeSpec();
        yield return BroadcastSpec();
        yield return SliceSpec();
        yield return PadSpec();
        yield return ConcatenateSpec();
        yield return RevSpec();
        yield return SplitSpec();

        // ---- indexing ----
        yield return GatherSpec();
        yield return ScatterAddSpec();
        yield return DynamicSliceSpec();
        yield return DynamicUpdateSliceSpec();
        yield return IotaSpec();

        yield return DotGeneralSpec();
        foreach (var spec in LinalgSpecs()) yield return spec;
        foreach (var spec in ControlFlowSpecs()) yield return spec;
        foreach (var spec in CustomRuleSpecs()) yield return spec;

        // ---- builtins ----
        yield return AddAnySpec();
        yield return ZerosSpec();
        yield return ClosedCallSpec();
    }

    private static PrimitiveSpec Unary(Primitive p, Func<Random, DType, int[], Tensor> gen, DType[]? dtypes = null,
        Differentiability kind = Differentiability.Differentiable, bool linear = false) => new()
        {
            Primitive = p,
            DTypes = dtypes ?? [DType.Float64, DType.Float32],
            Kind = kind,
            LinearSets = linear ? [[0]] : [],
            Cases = (r, d) => s_unaryShapes.Select(s => new PrimitiveCase($"{p.Name}{Shape.Format(s)}", [gen(r, d, s)], NoParams.Instance)),
        };

    private static PrimitiveSpec Binary(Primitive p, Func<Random, DType, int[], Tensor> genX, Func<Random, DType, int[], Tensor> genY,
        DType[]? dtypes = null, Differentiability kind = Differentiability.Differentiable, int[][]? linearSets = null) => new()
        {
            Primitive = p,
            DTypes = dtypes ?? [DType.Float64, DType.Float32],
            Kind = kind,
            LinearSets = linearSets ?? [],
            Cases = (r, d) => s_binaryShapes.Select(s => new PrimitiveCase($"{p.Name}{Shape.Format(s.X)},{Shape.Format(s.Y)}", [genX(r, d, s.X), genY(r, d, s.Y)], NoParams.Instance)),
        };

    /// <summary>rem(x, y) jumps where x/y crosses an integer: x = (k + u)·y with u ∈ [0.2, 0.8], y broadcasting into x.</summary>
    private static PrimitiveSpec RemSpec() => new()
    {
        Primitive = Catalogue.Rem,
        DTypes = [DType.Float64, DType.Float32],
        Cases = (r, d) =>
        {
            (int[] X, int[] Y)[] shapes = [([], []), ([3], [3]), ([2, 3], [2, 3]), ([2, 3], [3]), ([2, 3], []), ([2, 3], [2, 1]), ([0, 3], [3])];
            return shapes.Select(s =>
            {
                var y = Gen.AwayFromZero(r, d, s.Y, 0.5, 2);
                var q = Gen.Map(Gen.Uniform(r, DType.Float64, s.X, 0, 1), v => Math.Round((v * 5) - 2.5) + 0.2 + (0.6 * r.NextDouble()), d);
                var x = new Tensor(Kernels.Binary(BinaryOp.Mul, q.Value, Kernels.BroadcastInDim(y.Value, q.Shape, BroadcastDims(s.Y.Length, s.X.Length))));
                return new PrimitiveCase($"rem{Shape.Format(s.X)},{Shape.Format(s.Y)}", [x, y], NoParams.Instance);
            });
        },
    };

    private static int[] BroadcastDims(int fromRank, int toRank) => Enumerable.Range(toRank - fromRank, fromRank).ToArray();

    private static PrimitiveSpec SelectSpec() => new()
    {
        Primitive = Catalogue.Select,
        DTypes = s_floatsAndInt,
        LinearSets = [[1, 2]],
        Cases = (r, d) =>
        {
            (int[] P, int[] A, int[] B)[] shapes =
            [
                ([], [], []), ([2, 3], [2, 3], [2, 3]), ([], [3], [3]), ([2, 3], [3], []), ([2, 1], [1, 3], [2, 3]), ([3], [2, 3], [2, 1]), ([0, 3], [3], []),
            ];
            return shapes.Select(s => new PrimitiveCase($"select{Shape.Format(s.P)},{Shape.Format(s.A)},{Shape.Format(s.B)}",
                [Gen.Bools(r, DType.Bool, s.P), Gen.Std(r, d, s.A), Gen.Std(r, d, s.B)], NoParams.Instance));
        },
    };

    private static PrimitiveSpec ConvertSpec() => new()
    {
        Primitive = Catalogue.Convert,
        DTypes = s_floatsAndInt,
        LinearSets = [[0]],
        Cases = (r, d) =>
        {
            var other = d == DType.Float64 ? DType.Float32 : DType.Float64;
            var cases = new List<PrimitiveCase>();
            foreach (var s in s_unaryShapes)
            {
                var x = Gen.Std(r, d, s);
                cases.Add(new($"to-{other.ShortName()}", [x], new ConvertParams(other)));
                cases.Add(new($"to-same", [x], new ConvertParams(d)));
                if (d != DType.Int32) cases.Add(new($"to-i32", [Gen.AwayFromSteps(r, d, s)], new ConvertParams(DType.Int32)));
                cases.Add(new($"bool-to-{d.ShortName()}", [Gen.Bools(r, DType.Bool, s)], new ConvertParams(d)));
            }

            return cases;
        },
    };

    private static PrimitiveSpec ReductionSpec(Primitive p, bool linear) => new()
    {
        Primitive = p,
        DTypes = s_floatsAndInt,
        LinearSets = linear ? [[0]] : [],
        Cases = (r, d) =>
        [
            new("matrix-axis0", [Gen.Std(r, d, [2, 3])], Axes(0)),
            new("matrix-axis1", [Gen.Std(r, d, [2, 3])], Axes(1)),
            new("matrix-all", [Gen.Std(r, d, [2, 3])], Axes(0, 1)),
            new("matrix-none", [Gen.Std(r, d, [2, 3])], Axes()),
            new("rank3-axes02", [Gen.Std(r, d, [2, 3, 4])], Axes(0, 2)),
            new("rank3-axes10", [Gen.Std(r, d, [2, 3, 2])], Axes(1, 0)),
            new("scalar", [Gen.Std(r, d, [])], Axes()),
            new("zero-size-output", [Gen.Std(r, d, [2, 0])], Axes(0)),
            // Reducing an empty axis gives the identity (0 for sum, ∓∞ for max/min): not differentiable for max/min.
            new("empty-axis", [Gen.Std(r, d, [0, 3])], Axes(0), Differentiable: linear),
        ],
    };

    private static PrimitiveSpec ReduceProdSpec() => new()
    {
        Primitive = Catalogue.ReduceProd,
        DTypes = s_floatsAndInt,
        Cases = (r, d) =>
        [
            new("matrix-axis1", [Gen.Std(r, d, [2, 3])], Axes(1)),
            new("matrix-all", [Gen.Std(r, d, [2, 3])], Axes(0, 1)),
            new("rank3-axes20", [Gen.Std(r, d, [2, 3, 2])], Axes(2, 0)),
            // An exact zero: the product of the others is still the derivative (no division).
            new("with-zero", [Gen.Map(Gen.Std(r, d, [4]), (v, i) => i == 1 ? 0 : v, d)], Axes(0)),
            new("two-zeros", [Gen.Map(Gen.Std(r, d, [4]), (v, i) => i is 1 or 2 ? 0 : v, d)], Axes(0)),
            new("scalar", [Gen.Std(r, d, [])], Axes()),
            new("zero-size-output", [Gen.Std(r, d, [2, 0])], Axes(0)),
            new("empty-axis", [Gen.Std(r, d, [0, 3])], Axes(0)),
        ],
    };

    private static PrimitiveSpec ArgSpec(Primitive p) => new()
    {
        Primitive = p,
        DTypes = s_floatsAndInt,
        Kind = Differentiability.Zero,
        Cases = (r, d) =>
        [
            new("matrix-axis0", [Gen.Std(r, d, [2, 3])], new AxisParams(0)),
            new("matrix-axis1", [Gen.Std(r, d, [2, 3])], new AxisParams(1)),
            new("vector", [Gen.Std(r, d, [4])], new AxisParams(0)),
            new("zero-size-output", [Gen.Std(r, d, [3, 0])], new AxisParams(0)),
        ],
    };

    private static PrimitiveSpec CumSumSpec() => new()
    {
        Primitive = Catalogue.CumSum,
        DTypes = s_floatsAndInt,
        LinearSets = [[0]],
        Cases = (r, d) =>
        [
            new("vector", [Gen.Std(r, d, [4])], new CumSumParams(0, false)),
            new("vector-reverse", [Gen.Std(r, d, [4])], new CumSumParams(0, true)),
            new("matrix-axis0", [Gen.Std(r, d, [3, 2])], new CumSumParams(0, false)),
            new("matrix-axis1-reverse", [Gen.Std(r, d, [3, 2])], new CumSumParams(1, true)),
            new("zero-size", [Gen.Std(r, d, [0, 2])], new CumSumParams(0, false)),
            new("zero-size-other-axis", [Gen.Std(r, d, [0, 2])], new CumSumParams(1, true)),
        ],
    };

    private static PrimitiveSpec ReshapeSpec() => new()
    {
        Primitive = Catalogue.Reshape,
        DTypes = s_floatsAndInt,
        LinearSets = [[0]],
        Cases = (r, d) =>
        [
            new("2x3-to-3x2", [Gen.Std(r, d, [2, 3])], new ShapeParams(Shape.Of(3, 2))),
            new("2x3-to-6", [Gen.Std(r, d, [2, 3])], new ShapeParams(Shape.Of(6))),
            new("6-to-1x2x3", [Gen.Std(r, d, [6])], new ShapeParams(Shape.Of(1, 2, 3))),
            new("scalar-to-1x1", [Gen.Std(r, d, [])], new ShapeParams(Shape.Of(1, 1))),
            new("1-to-scalar", [Gen.Std(r, d, [1])], new ShapeParams(Shape.Scalar)),
            new("zero-size", [Gen.Std(r, d, [0, 3])], new ShapeParams(Shape.Of(3, 0))),
        ],
    };

    private static PrimitiveSpec TransposeSpec() => new()
    {
        Primitive = Catalogue.Transpose,
        DTypes = s_floatsAndInt,
        LinearSets = [[0]],
        Cases = (r, d) =>
        [
            new("matrix", [Gen.Std(r, d, [2, 3])], Perm(1, 0)),
            new("rank3", [Gen.Std(r, d, [2, 3, 4])], Perm(2, 0, 1)),
            new("rank3-b", [Gen.Std(r, d, [2, 3, 4])], Perm(1, 2, 0)),
            new("identity", [Gen.Std(r, d, [2, 3])], Perm(0, 1)),
            new("scalar", [Gen.Std(r, d, [])], Perm()),
            new("zero-size", [Gen.Std(r, d, [0, 2])], Perm(1, 0)),
        ],
    };

    private static PrimitiveSpec BroadcastSpec() => new()
    {
        Primitive = Catalogue.BroadcastInDim,
        DTypes = s_floatsAndInt,
        LinearSets = [[0]],
        Cases = (r, d) =>
        [
            new("scalar-to-matrix", [Gen.Std(r, d, [])], Bcast([2, 3])),
            new("row", [Gen.Std(r, d, [3])], Bcast([2, 3], 1)),
            new("column", [Gen.Std(r, d, [2])], Bcast([2, 3], 0)),
            new("stretch-size-1", [Gen.Std(r, d, [2, 1])], Bcast([2, 3], 0, 1)),
            new("stretch-and-add", [Gen.Std(r, d, [1, 3])], Bcast([4, 2, 3], 1, 2)),
            new("identity", [Gen.Std(r, d, [2, 3])], Bcast([2, 3], 0, 1)),
            new("scalar-to-scalar", [Gen.Std(r, d, [])], Bcast([])),
            new("zero-size", [Gen.Std(r, d, [0])], Bcast([2, 0], 1)),
            new("to-zero-size", [Gen.Std(r, d, [3])], Bcast([0, 3], 1)),
        ],
    };

    private static PrimitiveSpec SliceSpec() => new()
    {
        Primitive = Catalogue.Slice,
        DTypes = s_floatsAndInt,
        LinearSets = [[0]],
        Cases = (r, d) =>
        [
            new("vector", [Gen.Std(r, d, [5])], Sl([1], [4], [1])),
            new("vector-strided", [Gen.Std(r, d, [6])], Sl([0], [6], [2])),
            new("vector-strided-tail", [Gen.Std(r, d, [7])], Sl([1], [6], [3])),
            new("matrix", [Gen.Std(r, d, [4, 5])], Sl([1, 0], [3, 5], [1, 2])),
            new("scalar", [Gen.Std(r, d, [])], Sl([], [], [])),
            new("empty-result", [Gen.Std(r, d, [3])], Sl([1], [1], [1])),
            new("zero-size-operand", [Gen.Std(r, d, [0, 2])], Sl([0, 1], [0, 2], [1, 1])),
        ],
    };

    private static PrimitiveSpec PadSpec() => new()
    {
        Primitive = Catalogue.Pad,
        LinearSets = [[0, 1]],
        Cases = (r, d) =>
        [
            new("vector", [Gen.Std(r, d, [3]), Gen.Std(r, d, [])], PadP([1], [2], [0])),
            new("interior", [Gen.Std(r, d, [3]), Gen.Std(r, d, [])], PadP([0], [0], [2])),
            new("matrix", [Gen.Std(r, d, [2, 3]), Gen.Std(r, d, [])], PadP([1, 0], [0, 2], [1, 1])),
            new("scalar", [Gen.Std(r, d, []), Gen.Std(r, d, [])], PadP([], [], [])),
            new("zero-size-operand", [Gen.Std(r, d, [0]), Gen.Std(r, d, [])], PadP([2], [1], [3])),
            new("no-padding", [Gen.Std(r, d, [2, 2]), Gen.Std(r, d, [])], PadP([0, 0], [0, 0], [0, 0])),
        ],
    };

    private static PrimitiveSpec ConcatenateSpec() => new()
    {
        Primitive = Catalogue.Concatenate,
        DTypes = s_floatsAndInt,
        LinearSets = [[0], [0, 1], [0, 1, 2]],
        Cases = (r, d) =>
        [
            new("one", [Gen.Std(r, d, [3])], new AxisParams(0)),
            new("two-axis1", [Gen.Std(r, d, [2, 3]), Gen.Std(r, d, [2, 1])], new AxisParams(1)),
            new("three-with-empty", [Gen.Std(r, d, [1, 2]), Gen.Std(r, d, [0, 2]), Gen.Std(r, d, [3, 2])], new AxisParams(0)),
            new("two-vectors", [Gen.Std(r, d, [2]), Gen.Std(r, d, [3])], new AxisParams(0)),
        ],
    };

    // split has several results: every check runs on all of them (a cotangent per result in the transpose identity).
    private static PrimitiveSpec SplitSpec() => new()
    {
        Primitive = Catalogue.Split,
        DTypes = s_floatsAndInt,
        LinearSets = [[0]],
        Cases = (r, d) =>
        [
            new("vector-three", [Gen.Std(r, d, [6])], SplitP(0, 1, 2, 3)),
            new("matrix-axis1", [Gen.Std(r, d, [2, 5])], SplitP(1, 2, 3)),
            new("one-piece", [Gen.Std(r, d, [3, 2])], SplitP(0, 3)),
            new("with-empty", [Gen.Std(r, d, [4])], SplitP(0, 0, 4, 0)),
            new("zero-size", [Gen.Std(r, d, [0, 3])], SplitP(1, 1, 2)),
        ],
    };

    private static SplitParams SplitP(int axis, params int[] sizes) => new(new Ints(sizes), axis);

    private static PrimitiveSpec RevSpec() => new()
    {
        Primitive = Catalogue.Rev,
        DTypes = s_floatsAndInt,
        LinearSets = [[0]],
        Cases = (r, d) =>
        [
            new("vector", [Gen.Std(r, d, [5])], Axes(0)),
            new("matrix-both", [Gen.Std(r, d, [2, 3])], Axes(0, 1)),
            new("matrix-axis1", [Gen.Std(r, d, [2, 3])], Axes(1)),
            new("none", [Gen.Std(r, d, [2, 3])], Axes()),
            new("scalar", [Gen.Std(r, d, [])], Axes()),
            new("zero-size", [Gen.Std(r, d, [0, 3])], Axes(0)),
        ],
    };

    private static PrimitiveSpec GatherSpec() => new()
    {
        Primitive = Catalogue.Gather,
        DTypes = s_floatsAndInt,
        LinearSets = [[0]],
        Cases = (r, d) =>
        [
            new("vector-repeated", [Gen.Std(r, d, [5]), Idx([3], 0, 4, 4)], new AxisParams(0)),
            new("matrix-axis1", [Gen.Std(r, d, [3, 4]), Idx([2, 2], 3, 0, 1, 3)], new AxisParams(1)),
            new("matrix-axis0", [Gen.Std(r, d, [3, 4]), Idx([4], 2, 2, 0, 1)], new AxisParams(0)),
            new("scalar-index", [Gen.Std(r, d, [3, 4]), Idx([], 1)], new AxisParams(0)),
            new("no-indices", [Gen.Std(r, d, [4]), Idx([0])], new AxisParams(0)),
            new("rank3-middle", [Gen.Std(r, d, [2, 3, 2]), Idx([2], 2, 0)], new AxisParams(1)),
        ],
    };

    private static PrimitiveSpec ScatterAddSpec() => new()
    {
        Primitive = Catalogue.ScatterAdd,
        DTypes = s_floatsAndInt,
        LinearSets = [[0, 2]],
        Cases = (r, d) =>
        [
            new("vector-repeated", [Gen.Std(r, d, [5]), Idx([3], 0, 4, 4), Gen.Std(r, d, [3])], new AxisParams(0)),
            new("matrix-axis1", [Gen.Std(r, d, [3, 4]), Idx([2], 3, 3), Gen.Std(r, d, [3, 2])], new AxisParams(1)),
            new("scalar-index", [Gen.Std(r, d, [3, 4]), Idx([], 2), Gen.Std(r, d, [4])], new AxisParams(0)),
            new("matrix-indices", [Gen.Std(r, d, [4]), Idx([2, 2], 1, 1, 0, 3), Gen.Std(r, d, [2, 2])], new AxisParams(0)),
            new("no-indices", [Gen.Std(r, d, [4]), Idx([0]), Gen.Std(r, d, [0])], new AxisParams(0)),
        ],
    };

    private static PrimitiveSpec DynamicSliceSpec() => new()
    {
        Primitive = Catalogue.DynamicSlice,
        DTypes = s_floatsAndInt,
        LinearSets = [[0]],
        Cases = (r, d) =>
        [
            new("vector", [Gen.Std(r, d, [5]), I(1)], Sizes(3)),
            new("vector-clamped", [Gen.Std(r, d, [5]), I(4)], Sizes(3)),
            new("vector-negative-clamped", [Gen.Std(r, d, [5]), I(-2)], Sizes(2)),
            new("matrix", [Gen.Std(r, d, [3, 4]), I(1), I(2)], Sizes(2, 2)),
            new("scalar", [Gen.Std(r, d, [])], Sizes()),
            new("empty", [Gen.Std(r, d, [4]), I(2)], Sizes(0)),
        ],
    };

    private static PrimitiveSpec DynamicUpdateSliceSpec() => new()
    {
        Primitive = Catalogue.DynamicUpdateSlice,
        DTypes = s_floatsAndInt,
        LinearSets = [[0, 1]],
        Cases = (r, d) =>
        [
            new("vector", [Gen.Std(r, d, [5]), Gen.Std(r, d, [2]), I(1)], NoParams.Instance),
            new("vector-clamped", [Gen.Std(r, d, [5]), Gen.Std(r, d, [3]), I(4)], NoParams.Instance),
            new("matrix", [Gen.Std(r, d, [3, 4]), Gen.Std(r, d, [2, 2]), I(1), I(1)], NoParams.Instance),
            new("scalar", [Gen.Std(r, d, []), Gen.Std(r, d, [])], NoParams.Instance),
            new("empty-update", [Gen.Std(r, d, [4]), Gen.Std(r, d, [0]), I(2)], NoParams.Instance),
        ],
    };

    private static PrimitiveSpec IotaSpec() => new()
    {
        Primitive = Catalogue.Iota,
        DTypes = [DType.Float64],
        Kind = Differentiability.None,
        Cases = (r, d) =>
        [
            new("f64-vector", [], new IotaParams(DType.Float64, Shape.Of(3), 0)),
            new("i32-matrix-dim1", [], new IotaParams(DType.Int32, Shape.Of(2, 3), 1)),
            new("f32-zero-size", [], new IotaParams(DType.Float32, Shape.Of(0, 2), 0)),
        ],
    };

    private static PrimitiveSpec DotGeneralSpec() => new()
    {
        Primitive = Catalogue.DotGeneral,
        DTypes = s_floatsAndInt,
        LinearSets = [[0], [1]],
        Cases = (r, d) =>
        [
            new("matmul", [Gen.Std(r, d, [2, 3]), Gen.Std(r, d, [3, 4])], Dot([1], [0])),
            new("matvec", [Gen.Std(r, d, [2, 3]), Gen.Std(r, d, [3])], Dot([1], [0])),
            new("vecmat", [Gen.Std(r, d, [3]), Gen.Std(r, d, [3, 2])], Dot([0], [0])),
            new("inner", [Gen.Std(r, d, [3]), Gen.Std(r, d, [3])], Dot([0], [0])),
            new("outer", [Gen.Std(r, d, [2]), Gen.Std(r, d, [3])], Dot([], [])),
            new("scalar-times-matrix", [Gen.Std(r, d, []), Gen.Std(r, d, [2, 3])], Dot([], [])),
            new("batched", [Gen.Std(r, d, [2, 3, 4]), Gen.Std(r, d, [2, 4, 2])], Dot([2], [1], [0], [0])),
            new("two-contractions-reordered", [Gen.Std(r, d, [3, 2, 4]), Gen.Std(r, d, [4, 2, 3])], Dot([0, 2], [2, 0])),
            new("batch-not-leading", [Gen.Std(r, d, [3, 2]), Gen.Std(r, d, [4, 3, 2])], Dot([0], [1], [1], [2])),
            new("lhs-transposed", [Gen.Std(r, d, [3, 2]), Gen.Std(r, d, [3, 4])], Dot([0], [0])),
            new("zero-size-contraction", [Gen.Std(r, d, [2, 0]), Gen.Std(r, d, [0, 3])], Dot([1], [0])),
            new("zero-size-free", [Gen.Std(r, d, [0, 3]), Gen.Std(r, d, [3, 2])], Dot([1], [0])),
        ],
    };

    private static PrimitiveSpec AddAnySpec() => new()
    {
        Primitive = Builtins.AddAny,
        DTypes = s_floatsAndInt,
        LinearSets = [[0, 1]],
        Cases = (r, d) => new int[][] { [], [3], [2, 3], [0, 2] }.Select(s => new PrimitiveCase($"add_any{Shape.Format(s)}", [Gen.Std(r, d, s), Gen.Std(r, d, s)], NoParams.Instance)),
    };

    // closed_call holds a program: one with a single result and one with two (a multi-result call), both non-linear.
    private static PrimitiveSpec ClosedCallSpec() => new()
    {
        Primitive = Builtins.ClosedCall,
        Cases = (r, d) =>
        [
            new("sin-times", [Gen.Std(r, d, [3]), Gen.Std(r, d, [3])], CallP(xs => [Lax.Mul(Lax.Sin(xs[0]), xs[1])], d, [3], [3])),
            new("two-results", [Gen.Std(r, d, [2, 3]), Gen.Std(r, d, [])], CallP(xs => [Lax.Exp(xs[0]), Lax.Mul(xs[1], xs[1])], d, [2, 3], [])),
            new("scalar", [Gen.Std(r, d, [])], CallP(xs => [Lax.Tanh(xs[0])], d, new int[][] { [] })),
        ],
    };

    private static ProgramParams CallP(Func<Tensor[], Tensor[]> f, DType d, params int[][] shapes) =>
        new(Staging.MakeProgram(f, shapes.Select(s => new Aval(Shape.Of(s), d)).ToArray()));

    private static PrimitiveSpec ZerosSpec() => new()
    {
        Primitive = Builtins.Zeros,
        DTypes = [DType.Float64, DType.Float32],
        Kind = Differentiability.None,
        Cases = (r, d) =>
        [
            new("scalar", [], new AvalParams(Aval.ScalarOf(d))),
            new("matrix", [], new AvalParams(new Aval(Shape.Of(2, 3), d))),
            new("zero-size", [], new AvalParams(new Aval(Shape.Of(0, 3), d))),
            new("int", [], new AvalParams(new Aval(Shape.Of(2), DType.Int32))),
        ],
    };

    private static AxesParams Axes(params int[] axes) => new(new Ints(axes));

    private static PermutationParams Perm(params int[] p) => new(new Ints(p));

    private static BroadcastParams Bcast(int[] shape, params int[] dims) => new(Shape.Of(shape), new Ints(dims));

    private static SliceParams Sl(int[] start, int[] limit, int[] strides) => new(new Ints(start), new Ints(limit), new Ints(strides));

    private static PadParams PadP(int[] low, int[] high, int[] interior) => new(new Ints(low), new Ints(high), new Ints(interior));

    private static SizesParams Sizes(params int[] sizes) => new(new Ints(sizes));

    private static DotParams Dot(int[] cl, int[] cr, int[]? bl = null, int[]? br = null) => new(new Ints(cl), new Ints(cr), new Ints(bl ?? []), new Ints(br ?? []));

    private static Tensor Idx(int[] shape, params int[] values) => new(NDArray.Wrap(values, Shape.Of(shape)));

    private static Tensor I(int value) => new(NDArray.Scalar(DType.Int32, value));
}

/// <summary>Deterministic input generators (values in a primitive's domain).</summary>
public static class Gen
{
    /// <summary>Values of <paramref name="dtype"/> from explicit doubles.</summary>
    public static Tensor FromDoubles(double[] values, DType dtype, Shape shape) => dtype switch
    {
        DType.Float64 => new Tensor(NDArray.Wrap(values, shape)),
        DType.Float32 => new Tensor(NDArray.Wrap(values.Select(v => (float)v).ToArray(), shape)),
        DType.Int32 => new Tensor(NDArray.Wrap(values.Select(v => (int)Math.Round(v)).ToArray(), shape)),
        _ => new Tensor(NDArray.Wrap(values.Select(v => v != 0).ToArray(), shape)),
    };

    /// <summary>Uniform in [lo, hi) (integers in [lo, hi] for int32).</summary>
    public static Tensor Uniform(Random r, DType dtype, int[] shape, double lo, double hi)
    {
        var s = Shape.Of(shape);
        var v = new double[s.Size];
        for (int i = 0; i < v.Length; i++) v[i] = lo + ((hi - lo) * r.NextDouble());
        return FromDoubles(v, dtype, s);
    }

    /// <summary>The standard range [−2, 2).</summary>
    public static Tensor Std(Random r, DType dtype, int[] shape) => Uniform(r, dtype, shape, -2, 2);

    /// <summary>±[lo, hi), never near zero (for int32: ±[max(1, lo), hi]).</summary>
    public static Tensor AwayFromZero(Random r, DType dtype, int[] shape, double lo, double hi)
    {
        var s = Shape.Of(shape);
        var v = new double[s.Size];
        for (int i = 0; i < v.Length; i++)
        {
            double m = dtype == DType.Int32 ? Math.Max(1, Math.Round(lo + ((hi - lo) * r.NextDouble()))) : lo + ((hi - lo) * r.NextDouble());
            v[i] = r.Next(2) == 0 ? -m : m;
        }

        return FromDoubles(v, dtype, s);
    }

    /// <summary>k + u with k ∈ [−3, 3] and u ∈ [0.1, 0.4]: away from integers and half-integers.</summary>
    public static Tensor AwayFromSteps(Random r, DType dtype, int[] shape)
    {
        var s = Shape.Of(shape);
        var v = new double[s.Size];
        for (int i = 0; i < v.Length; i++) v[i] = r.Next(-3, 4) + 0.1 + (0.3 * r.NextDouble());
        return FromDoubles(v, dtype, s);
    }

    /// <summary>0.1·k for k ∈ [−20, 20] (int32: k ∈ [−5, 5]).</summary>
    public static Tensor Grid(Random r, DType dtype, int[] shape)
    {
        var s = Shape.Of(shape);
        var v = new double[s.Size];
        for (int i = 0; i < v.Length; i++) v[i] = dtype == DType.Int32 ? 2 * r.Next(-5, 6) : 0.1 * r.Next(-20, 21);
        return FromDoubles(v, dtype, s);
    }

    /// <summary>0.1·k + 0.05 (int32: odd integers), never equal to a <see cref="Grid"/> value.</summary>
    public static Tensor GridOffset(Random r, DType dtype, int[] shape)
    {
        var s = Shape.Of(shape);
        var v = new double[s.Size];
        for (int i = 0; i < v.Length; i++) v[i] = dtype == DType.Int32 ? (2 * r.Next(-5, 6)) + 1 : (0.1 * r.Next(-20, 21)) + 0.05;
        return FromDoubles(v, dtype, s);
    }

    /// <summary>Values in {−1, 0, 1}, so comparisons see ties.</summary>
    public static Tensor Ties(Random r, DType dtype, int[] shape)
    {
        var s = Shape.Of(shape);
        var v = new double[s.Size];
        for (int i = 0; i < v.Length; i++) v[i] = r.Next(-1, 2);
        return FromDoubles(v, dtype, s);
    }

    /// <summary>Random bools (the dtype argument is ignored).</summary>
    public static Tensor Bools(Random r, DType dtype, int[] shape)
    {
        var s = Shape.Of(shape);
        var v = new double[s.Size];
        for (int i = 0; i < v.Length; i++) v[i] = r.Next(2);
        return FromDoubles(v, DType.Bool, s);
    }

    /// <summary>Applies <paramref name="map"/> to each value, giving <paramref name="dtype"/>.</summary>
    public static Tensor Map(Tensor t, Func<double, double> map, DType dtype) => Map(t, (v, _) => map(v), dtype);

    /// <summary>Applies <paramref name="map"/> (value, flat index) to each value, giving <paramref name="dtype"/>.</summary>
    public static Tensor Map(Tensor t, Func<double, int, double> map, DType dtype)
    {
        var a = t.Value;
        var v = new double[a.Size];
        for (int i = 0; i < v.Length; i++) v[i] = map(a.GetDouble(i), i);
        return FromDoubles(v, dtype, a.Shape);
    }

    /// <summary>The values as doubles.</summary>
    public static double[] Values(Tensor t)
    {
        var a = t.Value;
        var v = new double[a.Size];
        for (int i = 0; i < v.Length; i++) v[i] = a.GetDouble(i);
        return v;
    }
}
