using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Tests.Transforms;

/// <summary>
/// The second edition of the core (issue #8): zeros inside rules are staged, never stored residuals; the
/// linearity checker reads no values; multi-result primitives (split, closed_call) go through every
/// transformation; the per-transformation rules (partial evaluation, DCE) are consulted.
/// </summary>
public class CoreRulesTests
{
    private static Tensor Vec(params double[] v) => Tensor.FromArray(v);

    private static bool IsAllZero(Tensor t) => t.ToArray<double>().All(v => v == 0);

    private static void AssertNoZeroResidual(Program program)
    {
        foreach (var c in program.ConstValues)
            if (c.DType == DType.Float64 && c.Size > 0) Assert.False(IsAllZero(c), $"a residual is an all-zero array:\n{program}");
    }

    [Fact]
    public void ZeroTangentsInsideRules_AreStagedZeros_NotStoredResiduals()
    {
        // The example: the constant branch's zero tangent used to be saved as [0., 0., 0.].
        var x = Vec(0.5, 1.5, 2.5);
        var (_, linear) = Ad.Linearize((Tensor v) => Np.Where(v > 1.0, Np.Sin(v), (0.0 * v) + 2.0), x);
        AssertNoZeroResidual(linear.Program);
        Transposition.CheckLinearity(linear.Program);

        // pad, concatenate and select with a constant operand: the constant's tangent is a zeros equation.
        var c = Vec(7, 8, 9);
        foreach (Func<Tensor, Tensor> f in new Func<Tensor, Tensor>[]
                 {
                     v => Np.Concatenate([v, c]),
                     v => Np.Where(v > 1.0, v, c),
                     v => Np.Pad(v, 2, 3.0),
                 })
        {
            var (_, lin) = Ad.Linearize(f, x);
            AssertNoZeroResidual(lin.Program);
            Transposition.CheckLinearity(lin.Program);
            var transposed = lin.Transpose();
            AssertNoZeroResidual(transposed.Program);
            Transposition.CheckLinearity(transposed.Program);
        }
    }

    [Fact]
    public void TransposeRulesZeros_AreStagedInTheTransposedProgram()
    {
        // gather's transpose is scatter_add into zeros: those zeros are a zeros equation of the transposed program.
        var idx = Tensor.FromArray(new[] { 2, 0, 2 });
        var (_, linear) = Ad.Linearize((Tensor v) => Np.Take(v, idx), Vec(1, 2, 3, 4));
        var transposed = linear.Transpose();
        Assert.Contains(transposed.Program.Equations, e => e.Primitive == Builtins.Zeros);
        AssertNoZeroResidual(transposed.Program);
        Transposition.CheckLinearity(transposed.Program);
        Assert.Equal([1.0, 0, 2, 0], linear.ApplyTranspose(Vec(1, 1, 1)).ToArray<double>());
    }

    [Fact]
    public void LinearityChecker_ReadsNoValues()
    {
        // x + c is affine whatever c holds: with the value scan gone, an all-zero constant is not special.
        Assert.Throws<LinearityException>(() => Ad.LinearTranspose((Tensor v) => v + Vec(0, 0, 0), Vec(1, 2, 3)));
        // The zero map written with ZerosLike is linear: its zeros are staged at the input's level.
        var t = Ad.LinearTranspose((Tensor v) => Np.ZerosLike(v), Vec(1, 2, 3));
        Assert.Equal([0.0, 0, 0], t.Apply(Vec(4, 5, 6)).ToArray<double>());
    }

    [Fact]
    public void Split_IsOneEquationWithSeveralResults_ThroughEveryTransformation()
    {
        var x = Vec(0.1, 0.2, 0.3, 0.4, 0.5);
        Func<Tensor, Tensor> f = v =>
        {
            var parts = Np.Split(v, [2, 4]);
            return Np.Sum(Np.Sin(parts[0])) + Np.Sum(parts[2] * parts[2]);   // parts[1] unused
        };

        var program = Ad.MakeProgram(f, x);
        var split = Assert.Single(program.Equations, e => e.Primitive == Catalogue.Split);
        Assert.Equal(3, split.Outputs.Length);
        Assert.Contains(" = split[sizes=(2,2,1) axis=0] ", program.ToString(), StringComparison.Ordinal);

        var grad = Ad.Grad(f)(x).ToArray<double>();
        Assert.Equal(new[] { Math.Cos(0.1), Math.Cos(0.2), 0, 0, 1.0 }, grad, new ToleranceComparer(1e-15));
        var (_, linear) = Ad.Linearize(f, x);
        Transposition.CheckLinearity(linear.Transpose().Program);
        Ad.CheckGrads(f, x, order: 2);
    }

    [Fact]
    public void ClosedCall_EvaluatesDifferentiatesAndInlinesUnderPartialEvaluation()
    {
        var inner = Ad.MakeProgram((Tensor[] xs) => new[] { Np.Sin(xs[0]) * xs[1], Np.Exp(xs[1]) }, new[] { Vec(1, 2), Vec(3, 4) });
        Func<Tensor, Tensor> f = v =>
        {
            var r = Builtins.Call(inner, v, v * 2.0);
            return Np.Sum(r[0] + r[1]);
        };

        var x = Vec(0.3, -0.7);
        double expected = x.ToArray<double>().Sum(v => (Math.Sin(v) * 2 * v) + Math.Exp(2 * v));
        Assert.Equal(expected, f(x).ToDouble(), 14);
        Ad.CheckGrads(f, x, order: 2);

        // Partial evaluation inlines the call: the linear program holds its tangent equations, not a closed_call.
        var (_, linear) = Ad.Linearize(f, x);
        Assert.DoesNotContain(linear.Program.Equations, e => e.Primitive == Builtins.ClosedCall);
        // Staging keeps it as one equation.
        Assert.Contains(Ad.MakeProgram(f, x).Equations, e => e.Primitive == Builtins.ClosedCall);
        // LinearTranspose inlines it too, so a non-linear body is reported by the primitive inside.
        var ex = Assert.Throws<LinearityException>(() => Ad.LinearTranspose((Tensor v) => Builtins.Call(inner, v, v)[0], x));
        Assert.Contains("'sin'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dce_ConsultsTheRuleOfAClosedCall_PruningItsProgram()
    {
        var inner = Ad.MakeProgram((Tensor[] xs) => new[] { Np.Sin(xs[0]), Np.Exp(xs[1]) }, new[] { Vec(1, 2), Vec(3, 4) });
        var program = Ad.MakeProgram((Tensor[] xs) => new[] { Builtins.Call(inner, xs[0], xs[1])[0] }, new[] { Vec(1, 2), Vec(3, 4) });
        var pruned = Dce.Run(program);
        var call = Assert.Single(pruned.Equations);
        Assert.Single(call.Outputs);
        Assert.Single(call.Inputs);   // the second input fed only the dropped result
        var held = ((ProgramParams)call.Parameters).Program;
        Assert.Single(held.Outputs);
        Assert.DoesNotContain(held.Equations, e => e.Primitive == Catalogue.Exp);
        ProgramChecker.Check(pruned);
        Assert.Equal(Math.Sin(1.0), pruned.Evaluate(Vec(1, 2), Vec(3, 4))[0].ToArray<double>()[0], 15);
    }

    [Fact]
    public void ZerosOfAStagedValue_AreStaged_ZerosOfAConcreteValue_AreComputed()
    {
        var concrete = Builtins.ZerosAt(Vec(1, 2), new Aval(Shape.Of(2), DType.Float64));
        Assert.Null(concrete is Tracer ? concrete : null);
        var program = Ad.MakeProgram((Tensor v) => Builtins.ZerosAt(v, v.Aval), Vec(1, 2));
        Assert.Equal(Builtins.Zeros, Assert.Single(program.Equations).Primitive);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
