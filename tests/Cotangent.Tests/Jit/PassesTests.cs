using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;
using Cotangent.Transforms;
using Xunit.Abstractions;

namespace Cotangent.Tests.Jit;

/// <summary>
/// The program optimization passes (issue #11, point 3): for each pass, a table of small programs where the rewrite is
/// asserted (equation count, primitives present or gone) and the optimized program is evaluated against the original
/// on inputs that include NaN, ±∞ and ±0 — bit for bit for the rewrites called exact, within 1e-12 for the one that is
/// not (Σ of a broadcast → a product) — plus the Optimizer's pipeline, its check after every pass, and a realistic
/// program (the gradient of an MLP loss).
/// </summary>
public class PassesTests
{
    private readonly ITestOutputHelper _out;

    public PassesTests(ITestOutputHelper output) => _out = output;

    private static readonly Shape s_s3 = Shape.Of(3);
    private static readonly Shape s_s23 = Shape.Of(2, 3);

    // ---------------------------------------------------------------- cases

    /// <summary>A program, the pass under test, what the result must look like, and how closely it must agree.</summary>
    public sealed record Case(Func<Program> Make, Func<Program, Program> Pass, int Equations, string[] Gone, string[] Kept, bool Exact = true);

    private static Program Trace(Func<Tensor, Tensor> f, Aval x) => Ad.MakeProgram(f, new Tensor(NDArray.Zeros(x.DType, x.Shape)));

    private static Program TraceN(Func<Tensor[], Tensor> f, params Aval[] xs) =>
        Ad.MakeProgram(f, xs.Select(a => new Tensor(NDArray.Zeros(a.DType, a.Shape))).ToArray());

    private static Aval F64(params int[] dims) => new(Shape.Of(dims), DType.Float64);

    private static Aval I32(params int[] dims) => new(Shape.Of(dims), DType.Int32);

    private static Program SimplifyThenDce(Program p) => Dce.Run(Simplify.Run(p));

    private static readonly Dictionary<string, Case> s_cse = new()
    {
        ["repeated sin"] = new(() => Trace(x => Lax.Sin(x) + Lax.Sin(x), F64(3)), Cse.Run, 2, [], ["sin", "add"]),
        ["repeats of repeats"] = new(() => Trace(x => Lax.Cos(Lax.Sin(x)) * Lax.Cos(Lax.Sin(x)), F64(3)), Cse.Run, 3, [], ["sin", "cos", "mul"]),
        // Two literal objects with the same bits are the same operand; 0.0 and −0.0 are not.
        ["equal literals"] = new(() => Trace(x => (x * Tensor.Scalar(2.0)) - (x * Tensor.Scalar(2.0)), F64(3)), Cse.Run, 2, [], ["mul", "sub"]),
        ["signed zero literals differ"] = new(() => Trace(x => (x * Tensor.Scalar(0.0)) - (x * Tensor.Scalar(-0.0)), F64(3)), Cse.Run, 3, [], ["mul", "sub"]),
        ["different parameters differ"] = new(() => Trace(x => Lax.ReduceSum(x, [0]) + Lax.ReduceSum(Lax.Transpose(x, [1, 0]), [1]), F64(2, 3)), Cse.Run, 4, [], ["reduce_sum"]),
        ["commuted operands of mul"] = new(() => TraceN(xs => (xs[0] * xs[1]) - (xs[1] * xs[0]), F64(3), F64(3)), Cse.Run, 2, [], ["mul"]),
        ["commuted operands of add_any"] = new(() => TraceN(xs => Builtins.AddAny.Bind(xs[0], xs[1]) * Builtins.AddAny.Bind(xs[1], xs[0]), F64(3), F64(3)), Cse.Run, 2, [], ["add_any"]),
        ["operand order of sub matters"] = new(() => TraceN(xs => (xs[0] - xs[1]) * (xs[1] - xs[0]), F64(3), F64(3)), Cse.Run, 3, [], ["sub"]),
        ["zeros and iota merged"] = new(() => Trace(x => x + Lax.ZerosLike(F64(3)) + Lax.ZerosLike(F64(3)) + Lax.Iota(DType.Float64, s_s3, 0) + Lax.Iota(DType.Float64, s_s3, 0), F64(3)), Cse.Run, 6, [], ["zeros", "iota"]),
        ["multiple results"] = new(() => Trace(x => Lax.Split(x, [1, 2], 0)[0] + Lax.Split(x, [1, 2], 0)[0], F64(3)), Cse.Run, 2, [], ["split"]),
    };

    private static readonly Tensor s_ones3 = Tensor.FromArray([1.0, 1.0, 1.0]);
    private static readonly Tensor s_vec = Tensor.FromArray([0.5, -2.0, 3.0]);

    private static readonly Dictionary<string, Case> s_fold = new()
    {
        ["scalar chain to a literal"] = new(() => Trace(x => x * Lax.Exp(Lax.Log(Tensor.Scalar(2.0)) + 1.0), F64(3)), p => ConstantFolding.Run(p), 1, ["exp", "log", "add"], ["mul"]),
        ["array chain to a constant"] = new(() => Trace(x => x + Lax.Sin(s_vec * 2.0 + 1.0), F64(3)), p => ConstantFolding.Run(p), 1, ["sin"], ["add"]),
        ["iota folded"] = new(() => Trace(x => x + Lax.Iota(DType.Float64, s_s3, 0), F64(3)), p => ConstantFolding.Run(p), 1, ["iota"], ["add"]),
        ["too large to fold"] = new(() => Trace(x => x + Lax.Iota(DType.Float64, s_s3, 0), F64(3)), p => ConstantFolding.Run(p, maxElements: 2), 2, [], ["iota"]),
        ["variables stop folding"] = new(() => Trace(x => Lax.Sin(x) * Lax.Cos(Tensor.Scalar(0.5)), F64(3)), p => ConstantFolding.Run(p), 2, ["cos"], ["sin", "mul"]),
        ["sub-programs not folded"] = new(() => Trace(x => x * Builtins.Call(Ad.MakeProgram((Tensor t) => Lax.Exp(t), Tensor.Scalar(0.0)), Tensor.Scalar(1.0))[0], F64(3)), p => ConstantFolding.Run(p), 2, [], ["closed_call"]),
        ["int32 and bool"] = new(() => Trace(x => Lax.Select(Lax.Gt(Lax.Iota(DType.Int32, s_s3, 0), Tensor.Scalar(0, DType.Int32)), x, -x), F64(3)), p => ConstantFolding.Run(p), 2, ["iota", "gt"], ["select", "neg"]),
    };

    private static readonly Dictionary<string, Case> s_simplify = new()
    {
        ["x·1"] = new(() => Trace(x => x * Tensor.Scalar(1.0), F64(3)), SimplifyThenDce, 0, ["mul"], []),
        ["1·x"] = new(() => Trace(x => Tensor.Scalar(1.0) * x, F64(3)), SimplifyThenDce, 0, ["mul"], []),
        ["x/1"] = new(() => Trace(x => x / Tensor.Scalar(1.0), F64(3)), SimplifyThenDce, 0, ["div"], []),
        ["x·ones"] = new(() => Trace(x => x * s_ones3, F64(3)), SimplifyThenDce, 0, ["mul"], []),
        ["x·broadcast(1)"] = new(() => Trace(x => x * Lax.BroadcastInDim(Tensor.Scalar(1.0), Shape.Of(3), []), F64(3)), SimplifyThenDce, 0, ["mul", "broadcast_in_dim"], []),
        ["x·reshape(broadcast(1))"] = new(() => Trace(x => x * Lax.Reshape(Lax.BroadcastInDim(Tensor.Scalar(1.0), Shape.Of(3, 1), []), Shape.Of(3)), F64(3)), SimplifyThenDce, 0, ["mul"], []),
        ["x·broadcast(2) → x·2"] = new(() => Trace(x => x * Lax.BroadcastInDim(Tensor.Scalar(2.0), Shape.Of(3), []), F64(3)), SimplifyThenDce, 1, ["broadcast_in_dim"], ["mul"]),
        ["x·ones broadcasting kept"] = new(() => Trace(x => x * s_ones3, F64()), SimplifyThenDce, 1, [], ["mul"]),
        ["x+(−0)"] = new(() => Trace(x => x + Tensor.Scalar(-0.0), F64(3)), SimplifyThenDce, 0, ["add"], []),
        ["(−0)+x"] = new(() => Trace(x => Tensor.Scalar(-0.0) + x, F64(3)), SimplifyThenDce, 0, ["add"], []),
        ["x−(+0)"] = new(() => Trace(x => x - Tensor.Scalar(0.0), F64(3)), SimplifyThenDce, 0, ["sub"], []),
        ["x+(+0) kept"] = new(() => Trace(x => x + Tensor.Scalar(0.0), F64(3)), SimplifyThenDce, 1, [], ["add"]),
        ["x−(−0) kept"] = new(() => Trace(x => x - Tensor.Scalar(-0.0), F64(3)), SimplifyThenDce, 1, [], ["sub"]),
        ["x+zeros kept, as x+0.0"] = new(() => Trace(x => x + Lax.ZerosLike(F64(3)), F64(3)), SimplifyThenDce, 1, ["zeros"], ["add"]),
        ["uniform array operand to a literal"] = new(() => Trace(x => Lax.Max(x, Tensor.FromArray([2.0, 2.0, 2.0])) * Tensor.FromArray([-0.0, -0.0, -0.0]), F64(3)), SimplifyThenDce, 2, [], ["max", "mul"]),
        ["uniform operand giving the shape kept"] = new(() => Trace(x => Lax.Max(x, Tensor.FromArray([2.0, 2.0, 2.0])), F64()), SimplifyThenDce, 1, [], ["max"]),
        ["int32 0·x"] = new(() => Trace(x => Lax.ZerosLike(I32(3)) * x, I32(3)), SimplifyThenDce, 1, ["mul"], ["zeros"]),
        ["1·x broadcasting kept, x·1 taken"] = new(() => Trace(x => (s_ones3 * x) + (x * Tensor.Scalar(1.0)), F64()), SimplifyThenDce, 2, [], ["mul", "add"]),
        ["add_any(x, zeros) kept"] = new(() => Trace(x => Builtins.AddAny.Bind(x, Lax.ZerosLike(F64(3))), F64(3)), SimplifyThenDce, 2, [], ["add_any"]),
        ["int32 x+zeros"] = new(() => Trace(x => x + Lax.ZerosLike(I32(3)), I32(3)), SimplifyThenDce, 0, ["add", "zeros"], []),
        ["int32 add_any(zeros, x)"] = new(() => Trace(x => Builtins.AddAny.Bind(Lax.ZerosLike(I32(3)), x), I32(3)), SimplifyThenDce, 0, ["add_any"], []),
        ["x·0 kept"] = new(() => Trace(x => x * Tensor.Scalar(0.0), F64(3)), SimplifyThenDce, 1, [], ["mul"]),
        ["int32 x·0"] = new(() => Trace(x => x * Lax.ZerosLike(I32(3)), I32(3)), SimplifyThenDce, 1, ["mul"], ["zeros"]),
        ["−(−x)"] = new(() => Trace(x => Lax.Neg(Lax.Neg(x)), F64(3)), SimplifyThenDce, 0, ["neg"], []),
        ["−(−(−x))"] = new(() => Trace(x => Lax.Neg(Lax.Neg(Lax.Neg(x))), F64(3)), SimplifyThenDce, 1, [], ["neg"]),
        ["−(−(−(−x)))"] = new(() => Trace(x => Lax.Neg(Lax.Neg(Lax.Neg(Lax.Neg(x)))), F64(3)), SimplifyThenDce, 0, ["neg"], []),
        ["int32 −(−x)"] = new(() => Trace(x => Lax.Neg(Lax.Neg(x)), I32(3)), SimplifyThenDce, 0, ["neg"], []),
        ["transpose twice"] = new(() => Trace(x => Lax.Transpose(Lax.Transpose(x, [1, 0]), [1, 0]), F64(2, 3)), SimplifyThenDce, 0, ["transpose"], []),
        ["transposes composed"] = new(() => Trace(x => Lax.Transpose(Lax.Transpose(x, [1, 2, 0]), [1, 2, 0]), F64(2, 3, 4)), SimplifyThenDce, 1, [], ["transpose"]),
        ["three transposes cancel"] = new(() => Trace(x => Lax.Transpose(Lax.Transpose(Lax.Transpose(x, [1, 2, 0]), [1, 2, 0]), [1, 2, 0]), F64(2, 3, 4)), SimplifyThenDce, 0, ["transpose"], []),
        ["identity transpose"] = new(() => Trace(x => Lax.Transpose(x, [0, 1]), F64(2, 3)), SimplifyThenDce, 0, ["transpose"], []),
        ["identity convert"] = new(() => Trace(x => Catalogue.Convert.Bind(x, new ConvertParams(DType.Float64)), F64(3)), SimplifyThenDce, 0, ["convert_element_type"], []),
        ["real convert kept"] = new(() => Trace(x => Catalogue.Convert.Bind(x, new ConvertParams(DType.Float32)), F64(3)), SimplifyThenDce, 1, [], ["convert_element_type"]),
        ["identity reshape"] = new(() => Trace(x => Catalogue.Reshape.Bind(x, new ShapeParams(s_s23)), F64(2, 3)), SimplifyThenDce, 0, ["reshape"], []),
        ["reshapes composed"] = new(() => Trace(x => Lax.Reshape(Lax.Reshape(x, Shape.Of(6)), Shape.Of(3, 2)), F64(2, 3)), SimplifyThenDce, 1, [], ["reshape"]),
        ["reshape and back"] = new(() => Trace(x => Lax.Reshape(Lax.Reshape(x, Shape.Of(6)), s_s23), F64(2, 3)), SimplifyThenDce, 0, ["reshape"], []),
        ["identity broadcast"] = new(() => Trace(x => Lax.BroadcastInDim(x, s_s23, [0, 1]), F64(2, 3)), SimplifyThenDce, 0, ["broadcast_in_dim"], []),
        ["Σ of a broadcast"] = new(() => Trace(x => Lax.ReduceSum(Lax.BroadcastInDim(x, Shape.Of(4, 3), [1]), [0]), F64(3)), SimplifyThenDce, 1, ["reduce_sum", "broadcast_in_dim"], ["mul"], Exact: false),
        ["Σ of a broadcast, two axes"] = new(() => Trace(x => Lax.ReduceSum(Lax.BroadcastInDim(x, Shape.Of(4, 3, 5), [1]), [2, 0]), F64(3)), SimplifyThenDce, 1, ["reduce_sum", "broadcast_in_dim"], ["mul"], Exact: false),
        ["Σ over part of a broadcast"] = new(() => Trace(x => Lax.ReduceSum(Lax.BroadcastInDim(x, Shape.Of(2, 4, 3), [2]), [1]), F64(3)), SimplifyThenDce, 2, ["reduce_sum"], ["broadcast_in_dim", "mul"], Exact: false),
        ["Σ over a size-1 added axis"] = new(() => Trace(x => Lax.ReduceSum(Lax.BroadcastInDim(x, Shape.Of(1, 3), [1]), [0]), F64(3)), SimplifyThenDce, 0, ["reduce_sum"], [], Exact: false),
        ["Σ over a stretched axis kept"] = new(() => Trace(x => Lax.ReduceSum(Lax.BroadcastInDim(x, Shape.Of(4, 3), [0, 1]), [0]), F64(1, 3)), SimplifyThenDce, 2, [], ["reduce_sum"]),
        ["Σ over an empty axis kept"] = new(() => Trace(x => Lax.ReduceSum(Lax.BroadcastInDim(x, Shape.Of(0, 3), [1]), [0]), F64(3)), SimplifyThenDce, 2, [], ["reduce_sum"]),
        ["int32 Σ of a broadcast"] = new(() => Trace(x => Lax.ReduceSum(Lax.BroadcastInDim(x, Shape.Of(4, 3), [1]), [0]), I32(3)), SimplifyThenDce, 1, ["reduce_sum"], ["mul"]),
        ["rewrites enable rewrites"] = new(() => Trace(x => Lax.Neg(Lax.Neg(x * Tensor.Scalar(1.0))) * Tensor.Scalar(1.0) - Tensor.Scalar(0.0), F64(3)), SimplifyThenDce, 0, ["neg", "mul", "sub"], []),
    };

    public static TheoryData<string> CseCases => [.. s_cse.Keys];

    public static TheoryData<string> FoldCases => [.. s_fold.Keys];

    public static TheoryData<string> SimplifyCases => [.. s_simplify.Keys];

    [Theory]
    [MemberData(nameof(CseCases))]
    public void Cse_MergesRepeatedEquations_AndKeepsValues(string name) => Check(s_cse[name], name);

    [Theory]
    [MemberData(nameof(FoldCases))]
    public void ConstantFolding_EvaluatesKnownEquations_AndKeepsValues(string name) => Check(s_fold[name], name);

    [Theory]
    [MemberData(nameof(SimplifyCases))]
    public void Simplify_RewritesAlgebraically_AndKeepsValues(string name) => Check(s_simplify[name], name);

    private static void Check(Case c, string name)
    {
        var original = c.Make();
        ProgramChecker.Check(original);
        var optimized = c.Pass(original);
        ProgramChecker.Check(optimized);
        var names = optimized.Equations.Select(e => e.Primitive.Name).ToList();
        Assert.True(c.Equations == optimized.Equations.Count, $"{name}: expected {c.Equations} equations, got\n{optimized}");
        foreach (var gone in c.Gone) Assert.True(!names.Contains(gone), $"{name}: {gone} remains in\n{optimized}");
        foreach (var kept in c.Kept) Assert.True(names.Contains(kept), $"{name}: {kept} is missing from\n{optimized}");
        AssertSameFunction(original, optimized, c.Exact ? 0 : 1e-12, name);
    }

    // ---------------------------------------------------------------- specific properties

    [Fact]
    public void Cse_MergesEqualConstants()
    {
        var a = Tensor.FromArray([1.0, 2.0, 3.0]);
        var b = Tensor.FromArray([1.0, 2.0, 3.0]);
        var c = Tensor.FromArray([1.0, 2.0, -0.0]);
        var program = Trace(x => (x * a) + (x * b) + (x * c), F64(3));
        Assert.Equal(3, program.ConstVars.Count);
        var merged = Cse.Run(program);
        ProgramChecker.Check(merged);
        Assert.Equal(2, merged.ConstVars.Count);                      // a and b are one constant; c differs
        Assert.Equal(program.Equations.Count - 1, merged.Equations.Count);  // so x·a and x·b are one product
        AssertSameFunction(program, merged, 0, "constants");
    }

    [Fact]
    public void Simplify_ReplacesAUniformConstantOperand_WithALiteral()
    {
        var twos = Tensor.FromArray([2.0, 2.0, 2.0]);
        var program = Trace(x => x * twos, F64(3));
        Assert.Single(program.ConstVars);
        var simplified = Dce.Run(Simplify.Run(program));
        Assert.Empty(simplified.ConstVars);
        var literal = Assert.IsType<Literal>(simplified.Equations[0].Inputs[1]);
        Assert.Equal(2.0, literal.Value.ToDouble());
        AssertSameFunction(program, simplified, 0, "uniform constant");
    }

    [Fact]
    public void Passes_ReturnTheSameProgram_WhenNothingApplies()
    {
        var program = Trace(x => Lax.Sin(x) * Lax.Cos(x), F64(3));
        Assert.Same(program, Cse.Run(program));
        Assert.Same(program, ConstantFolding.Run(program));
        Assert.Same(program, Simplify.Run(program));
    }

    [Fact]
    public void ConstantFolding_RecordsNothingIntoAnEnclosingTrace()
    {
        var inner = Trace(x => x * Lax.Exp(Tensor.Scalar(1.0)) + Lax.Iota(DType.Float64, s_s3, 0), F64(3));
        Program? folded = null;
        var outer = Ad.MakeProgram((Tensor y) =>
        {
            folded = ConstantFolding.Run(inner);   // runs while a staging trace is current
            return y * 2.0;
        }, s_vec);
        Assert.Single(outer.Equations);
        Assert.NotNull(folded);
        Assert.Equal(2, folded.Equations.Count);                            // x · e + iota: e is a literal, the iota a constant
        Assert.Contains(folded.Equations[0].Inputs, a => a is Literal);
        Assert.Single(folded.ConstVars);
        AssertSameFunction(inner, folded, 0, "folded under a trace");
    }

    [Fact]
    public void ConstantFolding_LeavesAnEquationThatThrows_ForEvaluationToReport()
    {
        var program = Trace(x => x + Lax.Gather(s_vec, Tensor.FromArray([5]), 0), F64(1));   // index 5 of 3 elements
        var folded = ConstantFolding.Run(program);
        Assert.Same(program, folded);
        Assert.Throws<IndexBoundsException>(() => folded.Evaluate(Tensor.FromArray([0.5])));
    }

    [Fact]
    public void ConstantFolding_OutputsMayBecomeLiteralsAndConstants()
    {
        var program = Ad.MakeProgram((Tensor x) => new[] { x + 1.0, Lax.Exp(Tensor.Scalar(0.5)), Lax.Iota(DType.Int32, s_s3, 0) }, s_vec);
        var folded = ConstantFolding.Run(program);
        ProgramChecker.Check(folded);
        Assert.Single(folded.Equations);
        Assert.IsType<Literal>(folded.Outputs[1]);
        Assert.Contains((Var)folded.Outputs[2], folded.ConstVars);
        AssertSameFunction(program, folded, 0, "outputs");
    }

    [Fact]
    public void Simplify_SignOfZero_IsTheOnlyDifferenceOfTheOptInRewrite()
    {
        var program = Trace(x => x + Lax.ZerosLike(F64(8)), F64(8));
        var loose = Dce.Run(Simplify.Run(program, ignoreSignOfZero: true));
        Assert.Empty(loose.Equations);
        var x = SpecialInputs(program, 3)[0];
        var want = program.Evaluate(x)[0].ToArray<double>();
        var got = loose.Evaluate(x)[0].ToArray<double>();
        for (int i = 0; i < want.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(want[i]) == BitConverter.DoubleToInt64Bits(got[i])) continue;
            Assert.True(want[i] == 0 && got[i] == 0, $"element {i}: {want[i]} vs {got[i]}");   // −0 + (+0) = +0 but x is −0
        }
    }

    [Fact]
    public void Simplify_KeepsLinearInputs_OfALinearProgram()
    {
        var (_, linear) = Ad.Linearize((Tensor x) => Lax.Neg(Lax.Neg(Lax.Sin(x))) * 1.0, s_vec);
        var program = linear.Program;
        var optimized = Optimizer.Run(program);
        Assert.Equal(program.LinearInputs, optimized.LinearInputs);
        Assert.True(optimized.Equations.Count < program.Equations.Count, $"{program}\n→\n{optimized}");
        Transposition.CheckLinearity(optimized);
        AssertSameFunction(program, optimized, 0, "linear");
    }

    // ---------------------------------------------------------------- the optimizer

    [Fact]
    public void Optimizer_RunsThePassesInOrder_AndShrinksAMixedProgram()
    {
        var program = Trace(x =>
        {
            var a = Lax.Neg(Lax.Neg(Lax.Sin(x))) * Lax.Exp(Tensor.Scalar(0.0));       // exp 0 folds to 1, then ·1 goes
            var b = Lax.Neg(Lax.Neg(Lax.Sin(x)));                                    // the same value as a
            var t = Lax.Transpose(Lax.Transpose(Lax.BroadcastInDim(a, s_s23, [1]), [1, 0]), [1, 0]);
            return Lax.ReduceSum(t, [0]) + b;
        }, F64(3));
        var stages = new List<string>();
        var optimized = Optimizer.Run(program, (name, p) =>
        {
            ProgramChecker.Check(p);
            stages.Add(name);
        });
        Assert.Equal(new[] { "Dce", "Cse", "ConstantFolding", "Simplify", "Dce" }, stages.Take(5).ToArray());
        var names = optimized.Equations.Select(e => e.Primitive.Name).ToList();
        Assert.Equal(new[] { "sin", "mul", "add" }, names.ToArray());   // sin x · 2 + sin x
        AssertSameFunction(program, optimized, 1e-12, "mixed");
    }

    [Fact]
    public void Optimizer_CatchesABrokenPass_AndNamesIt()
    {
        var program = Trace(x => Lax.Sin(x) * Lax.Cos(x), F64(3));
        // Drops the first equation but keeps its uses: a variable used before it is defined.
        var broken = new Optimizer.Pass("DropFirst", p => new Program(p.Inputs, p.ConstVars, p.ConstValues, p.Equations.Skip(1).ToList(), p.Outputs, p.LinearInputs));
        var ex = Assert.Throws<InvalidOperationException>(() => Optimizer.Run(program, [new("Cse", Cse.Run), broken], null));
        Assert.StartsWith("Optimizer pass DropFirst produced an ill-typed program:", ex.Message, StringComparison.Ordinal);
        Assert.IsType<ProgramCheckException>(ex.InnerException);

        // An output of another type is caught too, though the program alone is well formed.
        var retyped = new Optimizer.Pass("Retype", p => new Program(p.Inputs, [], [], [], [new Literal(Tensor.Scalar(0.0))], p.LinearInputs));
        ex = Assert.Throws<InvalidOperationException>(() => Optimizer.Run(program, [retyped], null));
        Assert.Contains("Optimizer pass Retype", ex.Message, StringComparison.Ordinal);
        Assert.Contains("output 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Optimizer_RejectsAnIllTypedInput_AsTheCallers()
    {
        var program = Trace(x => Lax.Sin(x), F64(3));
        var bad = new Program(program.Inputs, [], [], [], [new Var(F64(3))]);
        Assert.Throws<ProgramCheckException>(() => Optimizer.Run(bad));
    }

    [Fact]
    public void MlpGradient_ShrinksUnderCse_AndTheOptimizer_WithTheSameValues()
    {
        var xb = TestFunctions.Random(100, 8, 4);
        var yb = TestFunctions.Random(101, 8, 2);
        var parameters = TestFunctions.MlpParams(1, 4, 6, 2);
        var grad = Ad.Grad((Tensor[] p) => TestFunctions.MlpLoss(p, xb, yb));
        var program = Ad.MakeProgram(grad, parameters);

        var cse = Cse.Run(program);
        ProgramChecker.Check(cse);
        Assert.True(cse.Equations.Count < program.Equations.Count, $"CSE left {cse.Equations.Count} of {program.Equations.Count} equations");
        AssertSameFunction(program, cse, 0, "mlp cse");

        var optimized = Optimizer.Run(program);
        _out.WriteLine($"MLP gradient: {program.Equations.Count} equations and {program.ConstVars.Count} constants; after CSE {cse.Equations.Count}; optimized {optimized.Equations.Count} and {optimized.ConstVars.Count}\n{optimized}");
        Assert.True(optimized.Equations.Count <= cse.Equations.Count);
        AssertSameFunction(program, optimized, 1e-12, "mlp optimized");
        var want = grad(parameters);
        var got = optimized.Evaluate(parameters);
        for (int i = 0; i < want.Length; i++) AssertClose(want[i], got[i], 1e-12, $"mlp gradient {i}");
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>Both programs on the same inputs (special values first): bit for bit when <paramref name="tolerance"/> is 0.</summary>
    private static void AssertSameFunction(Program original, Program optimized, double tolerance, string name)
    {
        Assert.Equal(original.OutputAvals(), optimized.OutputAvals());
        Assert.Equal(original.LinearInputs, optimized.LinearInputs);
        for (ulong seed = 1; seed <= 2; seed++)
        {
            var inputs = SpecialInputs(original, seed);
            var want = original.Evaluate(inputs);
            var got = optimized.Evaluate(inputs);
            for (int i = 0; i < want.Length; i++)
            {
                if (tolerance == 0) AssertBitwise(want[i], got[i], $"{name}, output {i}");
                else AssertClose(want[i], got[i], tolerance, $"{name}, output {i}");
            }
        }
    }

    private static void AssertBitwise(Tensor want, Tensor got, string what)
    {
        Assert.Equal(want.Aval, got.Aval);
        var (a, b) = (Bits(want), Bits(got));
        for (int i = 0; i < a.Length; i++)
            Assert.True(a[i] == b[i], $"{what}: element {i} differs: {want}\nvs {got}");
    }

    private static long[] Bits(Tensor t) => t.DType switch
    {
        DType.Float64 => t.ToArray<double>().Select(BitConverter.DoubleToInt64Bits).ToArray(),
        DType.Float32 => t.ToArray<float>().Select(f => (long)BitConverter.SingleToInt32Bits(f)).ToArray(),
        DType.Int32 => t.ToArray<int>().Select(i => (long)i).ToArray(),
        _ => t.ToArray<bool>().Select(b => b ? 1L : 0L).ToArray(),
    };

    private static void AssertClose(Tensor want, Tensor got, double relative, string what)
    {
        Assert.Equal(want.Aval, got.Aval);
        var a = want.AsType(DType.Float64).ToArray<double>();
        var b = got.AsType(DType.Float64).ToArray<double>();
        for (int i = 0; i < a.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(a[i]) == BitConverter.DoubleToInt64Bits(b[i]) || (double.IsNaN(a[i]) && double.IsNaN(b[i]))) continue;
            Assert.True(Math.Abs(a[i] - b[i]) <= relative * Math.Max(Math.Abs(a[i]), double.Epsilon), $"{what}: element {i}: {a[i]:R} vs {b[i]:R}");
        }
    }

    private static readonly double[] s_special = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 1.0, -1.0, double.Epsilon, -double.MaxValue];
    private static readonly int[] s_specialInts = [0, 1, -1, int.MaxValue, int.MinValue];

    /// <summary>Inputs of the program's types: special values first (NaN, ±∞, ±0, ±1, the extremes), then seeded random ones.</summary>
    private static Tensor[] SpecialInputs(Program program, ulong seed)
    {
        var rng = new Random((int)seed);
        return program.Inputs.Select((v, k) =>
        {
            var aval = v.Aval;
            int n = aval.Shape.Size;
            int offset = (int)seed + k;   // each input and seed sees the special values in another order
            var values = Enumerable.Range(0, n);
            return new Tensor(aval.DType switch
            {
                DType.Float64 => NDArray.Wrap(values.Select(i => (i + offset) % 11 < s_special.Length ? s_special[(i + offset) % 11] : rng.NextDouble() * 4 - 2).ToArray(), aval.Shape),
                DType.Float32 => NDArray.Wrap(values.Select(i => (i + offset) % 11 < s_special.Length ? (float)s_special[(i + offset) % 11] : (float)(rng.NextDouble() * 4 - 2)).ToArray(), aval.Shape),
                DType.Int32 => NDArray.Wrap(values.Select(i => (i + offset) % 7 < s_specialInts.Length ? s_specialInts[(i + offset) % 7] : rng.Next(-100, 100)).ToArray(), aval.Shape),
                _ => NDArray.Wrap(values.Select(i => rng.Next(2) == 1).ToArray(), aval.Shape),
            });
        }).ToArray();
    }
}
