using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Tests.Core;

/// <summary>The structural checker rejects each kind of malformed program.</summary>
public class ProgramCheckerTests
{
    private static readonly Aval s_vec3 = new(Shape.Of(3), DType.Float64);
    private static readonly Aval s_scalar = Aval.ScalarOf(DType.Float64);

    private static Program Make(Var[] inputs, Equation[] eqs, Atom[] outs, Var[]? constVars = null, Tensor[]? constValues = null) =>
        new(inputs, constVars ?? [], constValues ?? [], eqs, outs);

    [Fact]
    public void WellFormedProgram_Passes()
    {
        var a = new Var(s_vec3);
        var b = new Var(s_vec3);
        ProgramChecker.Check(Make([a], [new Equation(Catalogue.Sin, [a], [b], NoParams.Instance)], [b]));
    }

    [Fact]
    public void DeadCodeElimination_KeepsTheNumberingBound_AndTheCheckerHoldsItToTheVariables()
    {
        // One builder's numbering: a (0) → b = sin a (1), c = cos a (2, dead) → out b.
        int owner = Var.NewOwner();
        var a = new Var(s_vec3, owner, 0);
        var b = new Var(s_vec3, owner, 1);
        var c = new Var(s_vec3, owner, 2);
        var program = Make([a], [new Equation(Catalogue.Sin, [a], [b], NoParams.Instance), new Equation(Catalogue.Cos, [a], [c], NoParams.Instance)], [b]);
        Assert.Equal(3, program.DenseSize);
        var pruned = Dce.Run(program);
        Assert.Single(pruned.Equations);
        Assert.Equal(3, pruned.DenseSize); // the source's bound, not recomputed
        ProgramChecker.Check(pruned);
        var x = Np.Array(0.1, 0.2, 0.3);
        Assert.Equal(program.Evaluate(x)[0].ToArray<double>(), pruned.Evaluate(x)[0].ToArray<double>());

        // A cut-down program that claims the numbering of a source its variables are not from is caught.
        var stranger = new Var(s_vec3, Var.NewOwner(), 7);
        var claimed = new Program(program, [a], [], [], [new Equation(Catalogue.Sin, [a], [stranger], NoParams.Instance)], [stranger], null);
        var ex = Assert.Throws<ProgramCheckException>(() => ProgramChecker.Check(claimed));
        Assert.Contains("several", ex.Message, StringComparison.Ordinal);
        var beyond = new Var(s_vec3, owner, 9);
        var tooSmall = new Program(program, [a], [], [], [new Equation(Catalogue.Sin, [a], [beyond], NoParams.Instance)], [beyond], null);
        ex = Assert.Throws<ProgramCheckException>(() => ProgramChecker.Check(tooSmall));
        Assert.Contains("below its largest variable number 9", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseBeforeDefinition_IsRejected()
    {
        var a = new Var(s_vec3);
        var b = new Var(s_vec3);
        var c = new Var(s_vec3);
        var ex = Assert.Throws<ProgramCheckException>(() => ProgramChecker.Check(Make([a],
            [new Equation(Catalogue.Sin, [b], [c], NoParams.Instance), new Equation(Catalogue.Cos, [a], [b], NoParams.Instance)], [c])));
        Assert.Contains("before it is defined", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Redefinition_IsRejected()
    {
        var a = new Var(s_vec3);
        var b = new Var(s_vec3);
        var ex = Assert.Throws<ProgramCheckException>(() => ProgramChecker.Check(Make([a],
            [new Equation(Catalogue.Sin, [a], [b], NoParams.Instance), new Equation(Catalogue.Cos, [a], [b], NoParams.Instance)], [b])));
        Assert.Contains("not SSA", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InputRedefinedByEquation_IsRejected()
    {
        var a = new Var(s_vec3);
        Assert.Throws<ProgramCheckException>(() => ProgramChecker.Check(Make([a], [new Equation(Catalogue.Sin, [a], [a], NoParams.Instance)], [a])));
    }

    [Fact]
    public void WrongOutputType_IsRejected()
    {
        var a = new Var(s_vec3);
        var b = new Var(s_scalar);
        var ex = Assert.Throws<ProgramCheckException>(() => ProgramChecker.Check(Make([a], [new Equation(Catalogue.Sin, [a], [b], NoParams.Instance)], [b])));
        Assert.Contains("declares output f64[]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IllTypedEquation_IsRejected()
    {
        var a = new Var(s_vec3);
        var b = new Var(new Aval(Shape.Of(2), DType.Float64));
        var c = new Var(s_vec3);
        var ex = Assert.Throws<ProgramCheckException>(() => ProgramChecker.Check(Make([a, b], [new Equation(Catalogue.Add, [a, b], [c], NoParams.Instance)], [c])));
        Assert.Contains("ill-typed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UndefinedOutput_IsRejected()
    {
        var a = new Var(s_vec3);
        var stray = new Var(s_vec3);
        var ex = Assert.Throws<ProgramCheckException>(() => ProgramChecker.Check(Make([a], [], [stray])));
        Assert.Contains("never defined", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateInput_IsRejected()
    {
        var a = new Var(s_vec3);
        Assert.Throws<ProgramCheckException>(() => ProgramChecker.Check(Make([a, a], [], [a])));
    }

    [Fact]
    public void ConstantOfWrongType_IsRejected()
    {
        var a = new Var(s_vec3);
        var c = new Var(s_vec3);
        var ex = Assert.Throws<ProgramCheckException>(() => ProgramChecker.Check(Make([a], [], [a], [c], [Tensor.FromArray([1.0, 2.0])])));
        Assert.Contains("constant 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LinearityFlagsOfWrongLength_AreRejected()
    {
        var a = new Var(s_vec3);
        var p = new Program([a], [], [], [], [a], [true, true]);
        Assert.Throws<ProgramCheckException>(() => ProgramChecker.Check(p));
    }
}
