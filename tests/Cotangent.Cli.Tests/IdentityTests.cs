using Cotangent.Core;
using Cotangent.Transforms;

namespace Cotangent.Cli.Tests;

/// <summary>
/// The identities the tool's stages must satisfy, on every example at seeded random points: linearize of a program
/// (Unzip ∘ Jvp, program to program) equals the online linearization the library runs while tracing, and the JVP
/// program itself; vjp (the transposed linear half) equals the online linearization's transpose; the unzipped linear
/// half passes ⟨c, L t⟩ = ⟨Lᵀ c, t⟩; grad agrees with central differences. All to 1e-12 relative except the
/// differences.
/// </summary>
public class IdentityTests
{
    // A staged while loop has a JVP but no linearization (its trip count is unknown until it runs): it has its own test.
    public static TheoryData<string> Ordinary => Data(p => !p.LinearInputs.Contains(true) && !HasWhile(p));

    public static TheoryData<string> Mixed => Data(p => p.LinearInputs.Contains(true) && Programs.Check(p) is null);

    public static TheoryData<string> Scalar => Data(p => !p.LinearInputs.Contains(true) && !HasWhile(p) && p.OutputAvals() is [{ Shape.Rank: 0 }]);

    private static bool HasWhile(Program p) => p.Equations.Any(e => e.Primitive.Name == "while");

    [Theory]
    [MemberData(nameof(Ordinary))]
    public void Linearize_IsUnzipOfJvp_AndEqualsTheOnlineLinearization(string name)
    {
        var p = Load(name);
        var rng = new Random(name.Length * 7919 + 1);
        var x = Random(p.InputAvals(), rng);
        var t = Random(p.InputAvals(), rng);

        var (outs, online) = Linearization.Linearize(xs => p.Evaluate(xs), x);
        var expectedTangents = online.Apply(t);

        var u = Programs.Linearize(p);
        Transposition.CheckLinearity(u.Linear);
        var first = u.NonLinear.Evaluate([.. x]);
        int primals = first.Length - u.ResidualCount;
        var tangents = u.Linear.Evaluate([.. first[primals..], .. t]);
        Assert.Equal(outs.Length, primals);
        for (int i = 0; i < outs.Length; i++) AssertClose(outs[i], first[i], 1e-12, $"{name} primal {i}");
        for (int i = 0; i < tangents.Length; i++) AssertClose(expectedTangents[i], tangents[i], 1e-12, $"{name} tangent {i}");

        // The JVP program evaluated whole gives the same tangents: unzipping moved equations, it changed no value.
        var jvp = Programs.Jvp(p).Evaluate([.. x, .. t]);
        for (int i = 0; i < tangents.Length; i++) AssertClose(jvp[outs.Length + i], tangents[i], 1e-12, $"{name} jvp tangent {i}");
    }

    [Theory]
    [MemberData(nameof(Ordinary))]
    public void Linearize_PrintsWhatUnzipOfTheSavedJvpPrints(string name)
    {
        // As a user would: cotangent jvp f.ct > f-jvp.ct; cotangent unzip f-jvp.ct — through the text form.
        var p = Load(name);
        var (code, jvpText, _) = Examples.Run("jvp", Examples.PathOf(name));
        Assert.Equal(0, code);
        var unzipped = Programs.Unzip(Programs.Parse(jvpText));
        var linearized = Programs.Linearize(p);
        Assert.Equal(linearized.NonLinear.ToString(), unzipped.NonLinear.ToString());
        Assert.Equal(linearized.Linear.ToString(), unzipped.Linear.ToString());
    }

    [Theory]
    [MemberData(nameof(Ordinary))]
    public void Vjp_IsTheTransposedLinearHalf_AndEqualsTheOnlineTranspose(string name)
    {
        var p = Load(name);
        var rng = new Random(name.Length * 104729 + 3);
        var x = Random(p.InputAvals(), rng);
        var c = Random(p.OutputAvals(), rng);

        var (_, online) = Linearization.Linearize(xs => p.Evaluate(xs), x);
        var expected = online.ApplyTranspose([.. c]);

        var (nonLinear, backward, residualCount) = Programs.Vjp(p);
        var first = nonLinear.Evaluate([.. x]);
        var cts = backward.Evaluate([.. first[(first.Length - residualCount)..], .. c]);
        Assert.Equal(expected.Length, cts.Length);
        for (int i = 0; i < cts.Length; i++) AssertClose(expected[i], cts[i], 1e-12, $"{name} cotangent {i}");
    }

    [Theory]
    [MemberData(nameof(Ordinary))]
    public void TheUnzippedLinearHalf_PassesTheTransposeIdentity(string name)
    {
        var p = Load(name);
        var rng = new Random(name.Length * 31 + 5);
        var x = Random(p.InputAvals(), rng);
        var u = Programs.Linearize(p);
        var residuals = u.NonLinear.Evaluate([.. x])[(u.NonLinear.Outputs.Count - u.ResidualCount)..];
        var t = Random(p.InputAvals(), rng);
        var c = Random(u.Linear.OutputAvals(), rng);
        var lt = u.Linear.Evaluate([.. residuals, .. t]);
        var transposed = Programs.Transpose(u.Linear);
        var ltc = transposed.Evaluate([.. residuals, .. c]);
        double left = Dot(c, lt), right = Dot(ltc, t);
        Assert.True(Math.Abs(left - right) <= 1e-12 * Math.Max(1, Math.Abs(left)), $"{name}: ⟨c, L t⟩ = {left} but ⟨Lᵀ c, t⟩ = {right}");
    }

    [Theory]
    [MemberData(nameof(Scalar))]
    public void Grad_AgreesWithCentralDifferences(string name)
    {
        var p = Load(name);
        var rng = new Random(name.Length * 17 + 11);
        var x = Random(p.InputAvals(), rng);
        var g = Programs.Grad(p).Evaluate([.. x]);
        const double h = 1e-6;
        for (int i = 0; i < x.Length; i++)
        {
            var xi = x[i].ToArray<double>();
            var gi = g[i].ToArray<double>();
            for (int k = 0; k < xi.Length; k++)
            {
                double F(double v)
                {
                    var copy = (double[])xi.Clone();
                    copy[k] = v;
                    var args = (Tensor[])x.Clone();
                    args[i] = x[i].Shape.Rank == 0 ? Tensor.Scalar(copy[0]) : Tensor.FromArray(copy, x[i].Shape.Dims.ToArray());
                    return p.Evaluate(args)[0].ToArray<double>()[0];
                }

                double fd = (F(xi[k] + h) - F(xi[k] - h)) / (2 * h);
                Assert.True(Math.Abs(fd - gi[k]) <= 1e-6 * Math.Max(1, Math.Abs(fd)), $"{name}: d/dinput{i}[{k}] = {gi[k]}, central difference {fd}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Mixed))]
    public void Unzip_OfAMixedProgram_ComputesWhatTheProgramComputes(string name)
    {
        var p = Load(name);
        var rng = new Random(name.Length * 13 + 2);
        var x = Random(p.InputAvals(), rng);
        var direct = p.Evaluate([.. x]);
        var u = Programs.Unzip(p);
        Transposition.CheckLinearity(u.Linear);
        var nonLinearArgs = x.Where((_, i) => !p.LinearInputs[i]).ToArray();
        var linearArgs = x.Where((_, i) => p.LinearInputs[i]).ToArray();
        var first = u.NonLinear.Evaluate(nonLinearArgs);
        int known = first.Length - u.ResidualCount;
        var second = u.Linear.Evaluate([.. first[known..], .. linearArgs]);
        int k = 0, l = 0;
        for (int i = 0; i < direct.Length; i++)
            AssertClose(direct[i], u.LinearOutputs[i] ? second[l++] : first[k++], 1e-12, $"{name} output {i}");
    }

    [Fact]
    public void AWhileLoop_HasAJvpProgram_ButLinearizeSaysWhyItCannotBeSplit()
    {
        var p = Load("while");
        var x = Tensor.Scalar(1.0);
        var t = Tensor.Scalar(1.0);
        var (_, tangents) = ForwardMode.Jvp(xs => p.Evaluate(xs), [x], [t]);
        var jvp = Programs.Jvp(p).Evaluate(x, t);
        AssertClose(tangents[0]!, jvp[1], 1e-12, "while tangent");
        var ex = Assert.Throws<LinearityException>(() => Programs.Linearize(p));
        Assert.Contains("trip count", ex.Message, StringComparison.Ordinal);
        Assert.Throws<LinearityException>(() => Programs.Grad(p));
    }

    [Fact]
    public void Unzip_SplitsJaxsPartialEvalExample_AsItsDocstringSays()
    {
        // partial_eval_jaxpr_nounits: known {a. b=cos a; c=sin a; d=neg c -> (b,d)}, unknown {a,b. c=mul b a -> c}.
        var u = Programs.Unzip(Load("partial-eval"));
        Assert.Equal(["cos", "sin", "neg"], u.NonLinear.Equations.Select(e => e.Primitive.Name));
        Assert.Equal(["mul"], u.Linear.Equations.Select(e => e.Primitive.Name));
        Assert.Equal(1, u.ResidualCount);
        Assert.Equal([false, true], u.LinearOutputs);
    }

    [Fact]
    public void Linearize_OfSinTimesX_HasThePapersTape()
    {
        // The paper's hand-derived unzip of f(x) = sin x · x: the tape is (cos x, x, sin x), and the linear half has
        // three scalings and one addition.
        var u = Programs.Linearize(Load("sin-times-x"));
        Assert.Equal(3, u.ResidualCount);
        Assert.Equal(["mul", "mul", "mul", "add_any"], u.Linear.Equations.Select(e => e.Primitive.Name));
        var first = u.NonLinear.Evaluate(Tensor.Scalar(2.0));
        Assert.Equal(Math.Sin(2) * 2, first[0].ToArray<double>()[0], 15);
        var residuals = first[1..].Select(r => r.ToArray<double>()[0]).Order().ToArray();
        Assert.Equal(new[] { Math.Cos(2), Math.Sin(2), 2.0 }.Order(), residuals);
    }

    [Fact]
    public void Transpose_OfTheLinearExample_PassesTheIdentity()
    {
        var p = Load("linear-map");
        var rng = new Random(7);
        var x = Random(p.InputAvals(), rng);
        var c = Random(p.OutputAvals(), rng);
        var lt = p.Evaluate([.. x]);
        var ltc = Programs.Transpose(p).Evaluate([x[0], .. c]);
        Assert.Equal(Dot(c, lt), Dot(ltc, [x[1]]), 12);
    }

    internal static Program Load(string name) => Programs.Parse(File.ReadAllText(Examples.PathOf(name)));

    private static TheoryData<string> Data(Func<Program, bool> keep)
    {
        var data = new TheoryData<string>();
        foreach (var n in Examples.Names)
        {
            Program p;
            try
            {
                p = Load(n);
            }
            catch (CotangentException)
            {
                continue;
            }

            if (keep(p)) data.Add(n);
        }

        return data;
    }

    private static Tensor[] Random(IEnumerable<Aval> avals, Random rng) => avals.Select(a =>
    {
        var data = new double[a.Shape.Size];
        for (int i = 0; i < data.Length; i++) data[i] = Math.Round(rng.NextDouble() * 2 - 1, 3) + 0.01;   // away from 0 (leaky ReLU's kink)
        return a.Shape.Rank == 0 ? Tensor.Scalar(data[0]) : Tensor.FromArray(data, a.Shape.Dims.ToArray());
    }).ToArray();

    private static double Dot(Tensor[] a, Tensor[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            var x = a[i].ToArray<double>();
            var y = b[i].ToArray<double>();
            for (int k = 0; k < x.Length; k++) s += x[k] * y[k];
        }

        return s;
    }

    private static void AssertClose(Tensor expected, Tensor actual, double rel, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToArray<double>();
        var a = actual.ToArray<double>();
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= rel * Math.Max(1, Math.Abs(e[i])), $"{what}[{i}]: expected {e[i]}, got {a[i]}");
    }
}
