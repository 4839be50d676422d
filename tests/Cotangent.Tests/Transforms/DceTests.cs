using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Tests.Transforms;

/// <summary>
/// Dead-code elimination keeps the live equations in order whatever their position, hands a program with nothing dead
/// back unchanged, and the programs a staging trace builds carry a variable-number bound the checker accepts.
/// </summary>
public class DceTests
{
    private static readonly Aval s_vec = new(Shape.Of(3), DType.Float64);

    // a → b = sin a, c = cos a, d = exp a, e = b·d; `dead` picks which of c, d, e the output skips.
    private static Program Chain(out Var[] vars)
    {
        var a = new Var(s_vec);
        var b = new Var(s_vec);
        var c = new Var(s_vec);
        var d = new Var(s_vec);
        var e = new Var(s_vec);
        vars = [a, b, c, d, e];
        return new Program([a], [], [],
        [
            new Equation(Catalogue.Sin, [a], [b], NoParams.Instance),
            new Equation(Catalogue.Cos, [a], [c], NoParams.Instance),   // dead: between live equations
            new Equation(Catalogue.Exp, [a], [d], NoParams.Instance),
            new Equation(Catalogue.Mul, [b, d], [e], NoParams.Instance),
        ], [e]);
    }

    [Fact]
    public void ADeadEquationBetweenLiveOnes_IsDropped_AndTheRestKeepTheirOrder()
    {
        var program = Chain(out _);
        var pruned = Dce.Run(program);
        Assert.Equal([Catalogue.Sin, Catalogue.Exp, Catalogue.Mul], pruned.Equations.Select(e => e.Primitive));
        ProgramChecker.Check(pruned);
        var x = Np.Array(0.1, -0.7, 2.0);
        Assert.Equal(program.Evaluate(x)[0].ToArray<double>(), pruned.Evaluate(x)[0].ToArray<double>());
    }

    [Fact]
    public void OnlyTheFirstEquationDead_IsDropped()
    {
        // The first change is found last (the sweep runs backwards), after every other equation was seen unchanged.
        var a = new Var(s_vec);
        var b = new Var(s_vec);
        var c = new Var(s_vec);
        var program = new Program([a], [], [],
            [new Equation(Catalogue.Cos, [a], [b], NoParams.Instance), new Equation(Catalogue.Sin, [a], [c], NoParams.Instance)], [c]);
        Assert.Equal([Catalogue.Sin], Dce.Run(program).Equations.Select(e => e.Primitive));
    }

    [Fact]
    public void AProgramWithNothingDead_ComesBackAsTheSameObject()
    {
        var program = Chain(out var v);
        var live = new Program(program.Inputs, [], [], [.. program.Equations.Where(e => e.Primitive != Catalogue.Cos)], [v[4], v[1]]);
        Assert.Same(live, Dce.Run(live));
    }

    [Fact]
    public void StagedPrograms_CarryTheTracesCount_AsABoundTheCheckerAccepts()
    {
        static Tensor F(Tensor x) => Np.Sum(Np.Sin(x) * Np.Exp(x) + x * 2.0);
        var x = Np.Array(0.3, 1.1, -0.4);

        var staged = Ad.MakeProgram(F, x);
        Assert.Equal(staged.ComputeDenseSize(), staged.DenseSize);   // nothing staged was dropped: the bound is exact
        ProgramChecker.Check(staged);

        var (_, linear) = Ad.Linearize(F, x);
        Assert.True(linear.Program.DenseSize >= linear.Program.ComputeDenseSize());
        ProgramChecker.Check(linear.Program);
        var transposed = linear.Function.Transpose().Program;
        ProgramChecker.Check(transposed);
    }
}
