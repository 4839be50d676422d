using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Tests.Core;

/// <summary>Tracing a function into a program and evaluating the program gives exactly the eager result.</summary>
public class ProgramEvaluationTests
{
    private static readonly Dictionary<string, (Func<Tensor[], Tensor> F, Tensor[] Args)> s_functions = new()
    {
        ["mlp"] = (p => TestFunctions.MlpLoss(p[..6], p[6], p[7]), [.. TestFunctions.MlpParams(3, 4, 8, 2), TestFunctions.Random(9, 5, 4), TestFunctions.Random(10, 5, 2)]),
        ["elementwise"] = (p => TestFunctions.Elementwise(p[0]), [TestFunctions.Random(1, 17)]),
        ["recurrence"] = (p => TestFunctions.Recurrence(p[0], 50), [0.3]),
        ["structural"] = (p => TestFunctions.SumAll(Lax.Concatenate([Lax.Rev(Lax.Transpose(p[0], [1, 0]), [0]), Lax.Slice(Lax.Transpose(p[0], [1, 0]), [0, 1], [3, 4], [1, 2])], 1)), [TestFunctions.Random(2, 4, 3)]),
        ["indexing"] = (p => TestFunctions.SumAll(Lax.Gather(p[0], Tensor.FromArray([2, 0, 2], 3), 0) * Lax.Slice(Lax.CumSum(p[0], 1), [0, 0], [3, 5], [1, 1])), [TestFunctions.Random(4, 3, 5)]),
        ["chooser"] = (p => Lax.ReduceMax(Lax.Select(Lax.Gt(p[0], p[1]), p[0] * p[1], Lax.Pow(Lax.Abs(p[1]) + 1.0, p[0])), [0, 1]), [TestFunctions.Random(5, 2, 3), TestFunctions.Random(6, 3)]),
        ["float32"] = (p => TestFunctions.SumAll(Lax.Logistic(TestFunctions.MatMul(p[0], p[1])) * 3.0), [TestFunctions.RandomF32(7, 2, 3), TestFunctions.RandomF32(8, 3, 4)]),
        ["rank0"] = (p => Lax.Atan2(Lax.Sinh(p[0]), Lax.Cosh(p[1])) + Lax.Erf(p[0]), [0.25, -0.75]),
    };

    public static TheoryData<string> Names => [.. s_functions.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void EvaluatingTheTracedProgram_EqualsEagerEvaluation(string name)
    {
        var (f, args) = s_functions[name];
        var eager = f(args);
        var program = Ad.MakeProgram<Tensor[], Tensor>(f, args);
        ProgramChecker.Check(program);
        var staged = program.Evaluate(args)[0];
        Assert.Equal(eager.Aval, staged.Aval);
        Assert.True(eager.Value.Bytes.SequenceEqual(staged.Value.Bytes), $"{name}: staged {staged} != eager {eager}");
        // Printing, then checking, never fails.
        Assert.StartsWith("{ lambda", program.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Printer_ShowsJaxprLikeText()
    {
        var program = Ad.MakeProgram<Tensor, Tensor>(x => Lax.ReduceSum(Lax.Sin(x) * 2.0, [0]), Tensor.FromArray([1.0, 2.0, 3.0]));
        Assert.Equal(
            "{ lambda ; a:f64[3] .\n  let b:f64[3] = sin a\n      c:f64[3] = mul b 2.0\n      d:f64[] = reduce_sum[axes=(0)] c\n  in ( d ) }",
            program.ToString());
    }

    [Fact]
    public void MakeProgram_StagesClosedOverArraysAsConstants()
    {
        var w = Tensor.FromArray([1.0, 2.0, 3.0]);
        var program = Ad.MakeProgram<Tensor, Tensor>(x => x * w, Tensor.FromArray([0.0, 0.0, 0.0]));
        Assert.Single(program.ConstVars);
        Assert.Same(w, program.ConstValues[0]);
        Assert.Equal(DType.Float64, program.Outputs[0].Aval.DType);
    }
}
