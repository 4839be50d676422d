using Cotangent.Core;
using Cotangent.Transforms;
using Xunit.Abstractions;

namespace Cotangent.Tests.Transforms;

/// <summary>
/// The paper's work preservation, measured by counting equations: the linear program of Linearize and
/// its transpose are each at most a small constant times the equations of f.
/// </summary>
public class WorkPreservationTests
{
    private readonly ITestOutputHelper _out;

    public WorkPreservationTests(ITestOutputHelper output) => _out = output;

    public static TheoryData<string> Functions => ["mlp3", "recurrence1000", "elementwise"];

    [Theory]
    [MemberData(nameof(Functions))]
    public void LinearAndTransposedPrograms_AreAtMostThreeTimesF(string name)
    {
        var (f, x) = Make(name);
        int fEqs = Ad.MakeProgram(f, x).Equations.Count;
        var (_, linear) = Ad.Linearize(f, x);
        int linEqs = linear.Program.Equations.Count;
        var transposed = linear.Transpose();
        int tEqs = transposed.Program.Equations.Count;
        _out.WriteLine($"{name}: f {fEqs} eqs, linear {linEqs} ({(double)linEqs / fEqs:F2}×), transposed {tEqs} ({(double)tEqs / fEqs:F2}×)");
        Assert.True(linEqs <= 3 * fEqs, $"linear program has {linEqs} equations for {fEqs} in f");
        Assert.True(tEqs <= 3 * fEqs, $"transposed program has {tEqs} equations for {fEqs} in f");
        ProgramChecker.Check(linear.Program);
        ProgramChecker.Check(transposed.Program);
        Transposition.CheckLinearity(linear.Program);
        Transposition.CheckLinearity(transposed.Program);
    }

    private static (Func<Tensor[], Tensor> F, Tensor[] X) Make(string name)
    {
        switch (name)
        {
            case "mlp3":
                var xb = TestFunctions.Random(100, 16, 8);
                var yb = TestFunctions.Random(101, 16, 4);
                return (p => TestFunctions.MlpLoss(p, xb, yb), TestFunctions.MlpParams(1, 8, 32, 4));
            case "recurrence1000":
                return (p => TestFunctions.Recurrence(p[0], 1000), [0.5]);
            default:
                return (p => TestFunctions.Elementwise(p[0]), [TestFunctions.Random(7, 1000)]);
        }
    }
}
