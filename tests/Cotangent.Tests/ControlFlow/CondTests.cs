using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Tests.ControlFlow;

/// <summary>
/// cond / switch: the chosen branch's value; derivatives against finite differences to second order in both modes,
/// with the branch chosen by a concrete index (the rules apply one branch) and by a staged index (the rules map over
/// every branch: JVP of a cond, partial evaluation with merged residuals, the transpose of a cond); DCE, the text form.
/// </summary>
public class CondTests
{
    private static readonly Tensor s_w = Tensor.FromArray([0.5, -1.5, 2.0, 0.25]);

    // Both branches read a captured tensor (s_w) and have different residuals (sin/cos against a product).
    private static Tensor F(Tensor x) => Lax.Cond(Np.Sum(x) > 0.0,
        o => [Lax.Sin(o[0]) * s_w * o[0], Lax.Exp(o[0])],
        o => [o[0] * o[0] * o[0], o[0] * 2.0],
        x) is var r ? Np.Sum(r[0]) + Np.Sum(Lax.Tanh(r[1])) : throw new InvalidOperationException();

    public static TheoryData<string> Points => ["positive", "negative"];

    private static Tensor Point(string which) => which == "positive" ? Tensor.FromArray([0.3, -0.2, 1.1, 0.4]) : Tensor.FromArray([-0.3, 0.2, -1.1, -0.4]);

    [Fact]
    public void Eager_RunsTheChosenBranch_AndClampsTheIndex()
    {
        var x = Tensor.FromArray([1.0, 2.0]);
        Func<Tensor[], Tensor[]>[] branches = [o => [o[0] + 1.0], o => [o[0] * 10.0], o => [-o[0]]];
        Assert.Equal([2.0, 3.0], Lax.Switch(new Tensor(NDArray.Scalar(DType.Int32, 0)), branches, x)[0].ToArray<double>());
        Assert.Equal([10.0, 20.0], Lax.Switch(new Tensor(NDArray.Scalar(DType.Int32, 1)), branches, x)[0].ToArray<double>());
        Assert.Equal([-1.0, -2.0], Lax.Switch(new Tensor(NDArray.Scalar(DType.Int32, 7)), branches, x)[0].ToArray<double>());
        Assert.Equal([2.0, 3.0], Lax.Switch(new Tensor(NDArray.Scalar(DType.Int32, -3)), branches, x)[0].ToArray<double>());
    }

    [Theory]
    [MemberData(nameof(Points))]
    public void ConcreteIndex_DerivativesMatchFiniteDifferences_ToSecondOrder(string which)
        => Ad.CheckGrads<Tensor, Tensor>(F, Point(which), order: 2);

    [Theory]
    [MemberData(nameof(Points))]
    public void CapturedValues_AreDifferentiated(string which)
    {
        // The branch captures w from outside: it must be an operand of the cond, not a constant, or its gradient is lost.
        Func<(Tensor X, Tensor s_w), Tensor> f = p => Np.Sum(Lax.Cond(Np.Sum(p.X) > 0.0, o => [Lax.Sin(o[0]) * p.s_w], o => [o[0] * p.s_w * p.s_w], p.X)[0]);
        Ad.CheckGrads(f, (Point(which), s_w), order: 2);
        var (_, gw) = Ad.Grad(f)((Point(which), s_w));
        Assert.True(Np.Sum(Np.Abs(gw)).ToDouble() > 0.1);
    }

    [Theory]
    [MemberData(nameof(Points))]
    public void StagedIndex_ProgramOfGradEqualsGrad(string which)
    {
        // Under MakeProgram the predicate is abstract, so Grad's linearization meets a cond whose index it does not
        // know: JVP of every branch, partial evaluation with merged residuals, and the transpose of the linear cond.
        var x = Point(which);
        var grad = Ad.Grad<Tensor>(F);
        var program = Ad.MakeProgram(grad, x);
        var text = program.ToString();
        Assert.Contains("cond", text, StringComparison.Ordinal);
        var staged = program.Evaluate(x)[0].ToArray<double>();
        var eager = grad(x).ToArray<double>();
        for (int i = 0; i < eager.Length; i++) Assert.Equal(eager[i], staged[i], 1e-12);
        // and the program of f itself keeps both branches
        var fp = Ad.MakeProgram<Tensor, Tensor>(F, x);
        Assert.Equal(F(x).ToDouble(), fp.Evaluate(x)[0].ToDouble(), 1e-12);
    }

    [Theory]
    [MemberData(nameof(Points))]
    public void StagedIndex_JvpProgramEqualsJvp(string which)
    {
        var x = Point(which);
        var t = Tensor.FromArray([0.7, -0.1, 0.4, 1.3]);
        Func<(Tensor, Tensor), Tensor> jvp = p => Ad.Jvp<Tensor, Tensor>(F, p.Item1, p.Item2).Tangent;
        var program = Ad.MakeProgram(jvp, (x, t));
        Assert.Equal(jvp((x, t)).ToDouble(), program.Evaluate(x, t)[0].ToDouble(), 1e-12);
    }

    [Theory]
    [MemberData(nameof(Points))]
    public void LinearCond_TransposeIdentity_AndTransposeTwice(string which)
    {
        // L t = cond(p, 3·t·w, −t): linear in t for a fixed predicate; ⟨ȳ, L t⟩ = ⟨Lᵀ ȳ, t⟩ and (Lᵀ)ᵀ = L.
        var pred = Np.Sum(Point(which)) > 0.0;
        Func<Tensor, Tensor> l = t => Lax.Cond(pred, o => [o[0] * s_w * 3.0], o => [-o[0]], t)[0];
        var t = Tensor.FromArray([0.7, -0.1, 0.4, 1.3]);
        var ct = Tensor.FromArray([1.5, 0.2, -0.6, 0.9]);
        var lt = Ad.LinearTranspose(l, t);
        double lhs = Np.Sum(ct * l(t)).ToDouble();
        double rhs = Np.Sum(lt.Apply(ct) * t).ToDouble();
        Assert.Equal(lhs, rhs, 1e-12);
        var twice = Ad.LinearTranspose<Tensor, Tensor>(lt.Apply, ct);
        Assert.Equal(l(t).ToArray<double>(), twice.Apply(t).ToArray<double>());
    }

    [Fact]
    public void StagedLinearCond_TransposesBranchByBranch()
    {
        // The predicate is an input of the program being built, so the transpose must be a cond of the branches' transposes.
        Func<(Tensor P, Tensor T, Tensor C), Tensor> f = a =>
        {
            var lt = Ad.LinearTranspose<Tensor, Tensor>(t => Lax.Cond(Np.Sum(a.P) > 0.0, o => [o[0] * s_w * 3.0], o => [-o[0]], t)[0], a.T);
            return lt.Apply(a.C);
        };
        var t = Tensor.FromArray([0.7, -0.1, 0.4, 1.3]);
        var c = Tensor.FromArray([1.5, 0.2, -0.6, 0.9]);
        foreach (var which in new[] { "positive", "negative" })
        {
            var program = Ad.MakeProgram(f, (Point(which), t, c));
            Assert.Contains("cond", program.ToString(), StringComparison.Ordinal);
            Assert.Equal(f((Point(which), t, c)).ToArray<double>(), program.Evaluate(Point(which), t, c)[0].ToArray<double>());
        }
    }

    [Fact]
    public void Dce_DropsUnusedResultsAndTheOperandsOnlyTheyRead()
    {
        Func<(Tensor X, Tensor Y), Tensor> f = a => Lax.Cond(Np.Sum(a.X) > 0.0, o => [o[0] * 2.0, Lax.Exp(o[1])], o => [-o[0], Lax.Sin(o[1])], a.X, a.Y)[0];
        var program = Ad.MakeProgram(f, (Point("positive"), s_w));
        var pruned = Dce.Run(program);
        var eq = pruned.Equations.Single(e => e.Primitive.Name == "cond");
        Assert.Single(eq.Outputs);
        Assert.Equal(2, eq.Inputs.Length);   // the index and x; y is read only by the dropped result
        Assert.DoesNotContain("exp", pruned.ToString(), StringComparison.Ordinal);
        Assert.Equal(f((Point("negative"), s_w)).ToArray<double>(), pruned.Evaluate(Point("negative"), s_w)[0].ToArray<double>());
    }

    [Fact]
    public void Text_PrintParsePrint_IsTheIdentity()
    {
        var program = Ad.MakeProgram(Ad.Grad<Tensor>(F), Point("positive"));
        var text = program.ToString();
        var back = Ad.ParseProgram(text, [.. ProgramParser.ConstantsOf(program)]);
        Assert.Equal(text, back.ToString());
        Assert.Equal(program.Evaluate(Point("negative"))[0].ToArray<double>(), back.Evaluate(Point("negative"))[0].ToArray<double>());
    }

    [Fact]
    public void BadBranches_RaiseTypedErrors()
    {
        var x = Tensor.FromArray([1.0, 2.0]);
        Assert.Throws<ShapeException>(() => Ad.MakeProgram<Tensor, Tensor>(v => Lax.Cond(Np.Sum(v) > 0.0, o => [o[0]], o => [Np.Sum(o[0])], v)[0], x));
        Assert.Throws<ShapeException>(() => Lax.Switch(Tensor.FromArray([1.0]), [o => o], x));
        Assert.Throws<ArgumentException>(() => Lax.Switch(new Tensor(NDArray.Scalar(DType.Int32, 0)), [], x));
    }
}
