using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;

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
