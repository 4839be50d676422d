using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Tests.Transforms;

/// <summary>
/// Values published by others, as fixed expectations (reference/ad-internals.md §1.7: the Linear A
/// prototype's tests and the hand-derived sin(x)·x pipeline; §3.5: Dex's tests/ad-tests.dx and JAX docs).
/// </summary>
public class PublishedValuesTests
{
    private const int Digits = 12;

    private static Tensor Vec(params double[] v) => Tensor.FromArray(v);

    private static double[] Values(Tensor t) => t.ToArray<double>();

    /// <summary>Element i of a vector as a rank-0 tensor (slice + reshape, both linear).</summary>
    private static Tensor At(Tensor v, int i) => Lax.Reshape(Lax.Slice(v, [i], [i + 1], [1]), Shape.Scalar);

    private static Tensor Dot(Tensor a, Tensor b) => Lax.DotGeneral(a, b, [0], [0], [], []);

    private static Tensor Sum(Tensor x) => Lax.ReduceSum(x, Enumerable.Range(0, x.Rank).ToArray());

    private static void AssertAllEqual(double[] expected, double[] actual, int digits)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], digits);
    }

    // ---------------------------------------------------------------------------------------------
    // §1.7: the Linear A pipeline tests (typecheck → JVP → unzip → transpose), as gradients.

    [Fact]
    public void LinearA_XPlusY_GradientIsOneOne()
    {
        var (gx, gy) = Ad.Grad<Tensor, Tensor>((x, y) => x + y, Wrt.Both)(2.0, 2.0);
        Assert.Equal(1.0, gx.ToDouble());
        Assert.Equal(1.0, gy.ToDouble());
    }

    private static Tensor AddFunction(Tensor x, Tensor y) => x + y;

    [Fact]
    public void LinearA_FunctionCall_GradientIsOneOne()
    {
        var (gx, gy) = Ad.Grad<Tensor, Tensor>(AddFunction, Wrt.Both)(2.0, 2.0);
        Assert.Equal(1.0, gx.ToDouble());
        Assert.Equal(1.0, gy.ToDouble());
    }

    [Fact]
    public void LinearA_XPlusX_FanOutAccumulates_GradientIsTwo()
    {
        Assert.Equal(2.0, Ad.Grad<Tensor>(x => x + x)(4.0).ToDouble());
        // The transposed program accumulates the two uses of x (dup ↔ add).
        var (_, linear) = Ad.Linearize<Tensor, Tensor>(x => x + x, 4.0);
        Assert.Equal(2.0, linear.ApplyTranspose(1.0).ToDouble());
    }

    [Fact]
    public void LinearA_Tuples_GradientIsSix()
    {
        Func<Tensor, Tensor> f = x =>
        {
            var y = (x, x);
            var (x1, x2) = y;
            return x1 * x2;
        };
        Assert.Equal(6.0, Ad.Grad(f)(3.0).ToDouble());
    }

    [Fact]
    public void LinearA_Literals_GradientIsOne() => Assert.Equal(1.0, Ad.Grad<Tensor>(x => x + 1.0)(3.0).ToDouble());

    [Fact]
    public void LinearA_Drops_GradientIsOne_AndTheDroppedWorkLeavesNoLinearEquation()
    {
        Func<Tensor, Tensor> f = x =>
        {
            _ = x * x;   // drop(x * x)
            return x + 1.0;
        };
        Assert.Equal(1.0, Ad.Grad(f)(3.0).ToDouble());
        var (_, linear) = Ad.Linearize(f, (Tensor)3.0);
        Assert.DoesNotContain(linear.Program.Equations, e => e.Primitive.Name == "mul");
        Assert.DoesNotContain(linear.Transpose().Program.Equations, e => e.Primitive.Name == "mul");
    }

    [Fact]
    public void LinearA_Matvec2x2_GradientIs77_382()
    {
        var m = Tensor.FromArray([2.0, 7.0, 1.0, 8.0], 2, 2);
        Func<Tensor, Tensor> f = v =>
        {
            var w = Lax.DotGeneral(m, v, [1], [0], [], []);
            return At(w, 0) * At(w, 1);
        };
        Assert.Equal(25.0 * 26.0, f(Vec(2, 3)).ToDouble());
        AssertAllEqual([77, 382], Values(Ad.Grad(f)(Vec(2, 3))), Digits);
    }

    [Fact]
    public void LinearA_JvpOnly_SinSquaredPlusCosSquared_TangentIsZero()
    {
        Func<Tensor, Tensor> f = x =>
        {
            var y = Lax.Sin(x);
            var z = Lax.Cos(x);
            return (y * y) + (z * z);
        };
        var (value, tangent) = Ad.Jvp(f, (Tensor)2.0, (Tensor)2.0);
        Assert.Equal(1.0, value.ToDouble(), 15);
        Assert.Equal(0.0, tangent.ToDouble(), 15);
    }

    [Fact]
    public void LinearA_UnzipOnly_LinearPartAppliedToTangent_EqualsJvp()
    {
        var (y, linear) = Ad.Linearize<Tensor, Tensor>(Lax.Sin, 2.0);
        var (y2, tangent) = Ad.Jvp<Tensor, Tensor>(Lax.Sin, 2.0, 2.0);
        Assert.Equal(Math.Sin(2), y.ToDouble(), 15);
        Assert.Equal(y2.ToDouble(), y.ToDouble());
        Assert.Equal(tangent.ToDouble(), linear.Apply(2.0).ToDouble(), 15);
        Assert.Equal(2 * Math.Cos(2), tangent.ToDouble(), 15);
        // f.lin is just the scaling by the residual cos(2): one linear equation.
        Assert.Equal(new[] { "mul" }, linear.Program.Equations.Select(e => e.Primitive.Name));
    }

    [Fact]
    public void HandDerivedPipeline_SinXTimesX()
    {
        Func<Tensor, Tensor> f = x => Lax.Sin(x) * x;
        var (value, grad) = Ad.ValueAndGrad(f)(2.0);
        Assert.Equal(1.8185949, value.ToDouble(), 7);
        Assert.Equal(0.0770038, grad.ToDouble(), 7);
        Assert.Equal((Math.Cos(2) * 2) + Math.Sin(2), grad.ToDouble(), 15);

        // Each stage is a program: the linear one and its transpose contain only linear primitives,
        // pass the structural checker, and the transposed map applied to 1 is the gradient.
        var (_, linear) = Ad.Linearize(f, (Tensor)2.0);
        var transposed = linear.Transpose();
        foreach (var p in new[] { linear.Program, transposed.Program })
        {
            ProgramChecker.Check(p);
            Transposition.CheckLinearity(p);
            Assert.All(p.Equations, e => Assert.IsAssignableFrom<ITransposeRule>(e.Primitive));
        }

        Assert.Equal(grad.ToDouble(), transposed.Apply(1.0).ToDouble(), 15);
        Assert.Equal(grad.ToDouble(), linear.Apply(1.0).ToDouble(), 15);
    }

    [Fact]
    public void Autodidax_SinThenNeg_UnzipsIntoKnownAndLinearParts()
    {
        // {a,b. c=sin a; d=cos a; e=mul d b; f=neg c; g=neg e -> (f,g)} → linear {d,b. e=mul d b; g=neg e -> g}
        var x = Vec(0.5, 1.5);
        var (y, linear) = Ad.Linearize<Tensor, Tensor>(a => -Lax.Sin(a), x);
        AssertAllEqual([-Math.Sin(0.5), -Math.Sin(1.5)], Values(y), 15);
        Assert.Equal(new[] { "mul", "neg" }, linear.Program.Equations.Select(e => e.Primitive.Name));
        Assert.Single(linear.Program.ConstVars);   // the residual d = cos a
        AssertAllEqual([Math.Cos(0.5), Math.Cos(1.5)], Values(linear.Program.ConstValues[0]), 15);
    }

    [Fact]
    public void PartialEvalDocstring_KnownAndUnknownInputs()
    {
        // {a,b. c=cos a; d=sin a; e=neg d; f=mul e b -> (c,f)} with a known, b unknown:
        // known {cos, sin, neg}, unknown {mul}; output c has no unknown part.
        var a = Vec(0.3, 0.7);
        var b = Vec(2.0, -1.0);
        var (outputs, linear) = Ad.Linearize<Tensor, (Tensor, Tensor)>(bb => (Lax.Cos(a), -Lax.Sin(a) * bb), b);
        AssertAllEqual([Math.Cos(0.3), Math.Cos(0.7)], Values(outputs.Item1), 15);
        AssertAllEqual([-Math.Sin(0.3) * 2, Math.Sin(0.7)], Values(outputs.Item2), 15);
        Assert.Equal(new[] { "mul" }, linear.Program.Equations.Where(e => e.Primitive != Builtins.Zeros).Select(e => e.Primitive.Name));
        var (c, f) = linear.Apply(Vec(1, 1));
        AssertAllEqual([0, 0], Values(c), 15);
        AssertAllEqual([-Math.Sin(0.3), -Math.Sin(0.7)], Values(f), 15);
    }

    // ---------------------------------------------------------------------------------------------
    // §3.5: Dex tests/ad-tests.dx and JAX documentation.

    [Fact]
    public void Dex_JvpOfCube_Is18()
    {
        var (_, t) = Ad.Jvp<Tensor, Tensor>(x => x * x * x, 2.0, 1.5);
        Assert.Equal(18.0, t.ToDouble(), Digits);
    }

    [Fact]
    public void Dex_TransposeLinear_XPlusTwoTimesXPlusX_Is5()
    {
        var t = Ad.LinearTranspose<Tensor, Tensor>(x => x + ((x + x) * 2.0), 0.0);
        Assert.Equal(5.0, t.Apply(1.0).ToDouble(), Digits);
    }

    [Fact]
    public void Dex_TransposeLinear_TupleOutput_Is7()
    {
        var t = Ad.LinearTranspose<Tensor, (Tensor, Tensor)>(x => (x, 2.0 * x), 0.0);
        Assert.Equal(7.0, t.Apply((1.0, 3.0)).ToDouble(), Digits);
    }

    [Fact]
    public void Dex_TransposeLinear_TupleInput_Is1_2()
    {
        var t = Ad.LinearTranspose<(Tensor X, Tensor Y), Tensor>(p => p.X + (2.0 * p.Y), (0.0, 0.0));
        var (x, y) = t.Apply(1.0);
        Assert.Equal(1.0, x.ToDouble(), Digits);
        Assert.Equal(2.0, y.ToDouble(), Digits);
    }

    [Fact]
    public void Dex_TransposeOfTranspose_TripleIt_Is3()
    {
        Func<Tensor, Tensor> tripleIt = x => 3.0 * x;
        var once = Ad.LinearTranspose(tripleIt, (Tensor)0.0);
        // As a program transformation: transposing the transposed program.
        Assert.Equal(3.0, once.Transpose().Apply(1.0).ToDouble(), Digits);
        // As a function transformation: LinearTranspose of a function that applies a transpose.
        var twice = Ad.LinearTranspose<Tensor, Tensor>(ct => once.Apply(ct), 0.0);
        Assert.Equal(3.0, twice.Apply(1.0).ToDouble(), Digits);
    }

    [Fact]
    public void Dex_TransposeLinear_ForIBroadcast_Is3()
    {
        var t = Ad.LinearTranspose<Tensor, Tensor>(x => Lax.BroadcastInDim(x, Shape.Of(2), []), 0.0);
        Assert.Equal(3.0, t.Apply(Vec(1, 2)).ToDouble(), Digits);
    }

    [Fact]
    public void Dex_DerivOfThreeOverX_IsMinus0_75() => Assert.Equal(-0.75, Ad.Grad<Tensor>(x => 3.0 / x)(2.0).ToDouble(), Digits);

    [Fact]
    public void Dex_TripleNestedDerivOf4XCubed_Is24()
    {
        Func<Tensor, Tensor> f = x => 4.0 * x * x * x;
        Assert.Equal(24.0, Ad.Grad(Ad.Grad(Ad.Grad(f)))(1.234).ToDouble(), 10);
        // The same by nested forward mode.
        Func<Tensor, Tensor> d1 = x => Ad.Jvp(f, x, (Tensor)1.0).Tangent;
        Func<Tensor, Tensor> d2 = x => Ad.Jvp(d1, x, (Tensor)1.0).Tangent;
        Assert.Equal(24.0, Ad.Jvp(d2, (Tensor)1.234, (Tensor)1.0).Tangent.ToDouble(), 10);
    }

    [Fact]
    public void Dex_NestedJvp_Is12()
    {
        Func<Tensor, Tensor> inner = x => Ad.Jvp<Tensor, Tensor>(z => z * z * z, x, 1.0).Tangent;
        Assert.Equal(12.0, Ad.Jvp(inner, (Tensor)2.0, (Tensor)1.0).Tangent.ToDouble(), Digits);
    }

    [Fact]
    public void Dex_PerturbationConfusion_Is2()
    {
        // d/dx [x · d/dy (x·y)] at x = 1, y = 2: the inner derivative is x, so the result is d/dx x² = 2 (not 3).
        Func<Tensor, Tensor> f = x => x * Ad.Grad<Tensor>(y => x * y)(2.0);
        Assert.Equal(2.0, Ad.Grad(f)(1.0).ToDouble(), Digits);
        // Forward-over-forward and forward-over-reverse must not confuse perturbations either.
        Func<Tensor, Tensor> g = x => x * Ad.Jvp<Tensor, Tensor>(y => x * y, 2.0, 1.0).Tangent;
        Assert.Equal(2.0, Ad.Jvp(g, (Tensor)1.0, (Tensor)1.0).Tangent.ToDouble(), Digits);
        Assert.Equal(2.0, Ad.Jvp(f, (Tensor)1.0, (Tensor)1.0).Tangent.ToDouble(), Digits);
        Assert.Equal(2.0, Ad.Grad(g)(1.0).ToDouble(), Digits);
    }

    [Fact]
    public void Dex_GradOfVdot_SwapsArguments()
    {
        var (gx, gy) = Ad.Grad<(Tensor, Tensor)>(p => Dot(p.Item1, p.Item2))((Vec(1, 2), Vec(3, 4)));
        AssertAllEqual([3, 4], Values(gx), Digits);
        AssertAllEqual([1, 2], Values(gy), Digits);
    }

    [Fact]
    public void Dex_AccumulatorEffect_Is4()
    {
        // grad (\x. yield_accum (a += 2x; a += y=2x)) 1.0 = 4, with the accumulator as a mutable local.
        Func<Tensor, Tensor> f = x =>
        {
            Tensor a = 0.0;
            a += 2.0 * x;
            var y = 2.0 * x;
            a += y;
            return a;
        };
        Assert.Equal(4.0, Ad.Grad(f)(1.0).ToDouble(), Digits);
    }

    private static readonly double[] s_hvpExpected = [0.235952, 0.364653, 0.493354];

    private static Tensor Func2(Tensor x) => Lax.Exp(0.5 * Sum(x * x));

    [Fact]
    public void Dex_HessianVectorProduct_AllFourCompositions()
    {
        var x = Vec(0.1, 0.2, 0.3);
        var v = Vec(0.2, 0.3, 0.4);
        Assert.Equal(1.072508, Func2(x).ToDouble(), 6);

        // Analytic: H = f·(I + x xᵀ), so H v = f·(v + x (x·v)).
        double f = Math.Exp(0.5 * (0.01 + 0.04 + 0.09)), xv = (0.1 * 0.2) + (0.2 * 0.3) + (0.3 * 0.4);
        double[] analytic = [f * (0.2 + (0.1 * xv)), f * (0.3 + (0.2 * xv)), f * (0.4 + (0.3 * xv))];
        AssertAllEqual(s_hvpExpected, analytic, 6);

        // forward-over-reverse: jvp (grad f) x v
        var fwdRev = Ad.Jvp(Ad.Grad<Tensor>(Func2), x, v).Tangent;
        // reverse-over-forward: grad (\x. jvp f x v)
        var revFwd = Ad.Grad<Tensor>(y => Ad.Jvp<Tensor, Tensor>(Func2, y, v).Tangent)(x);
        // reverse-over-reverse: grad (\x. dot (grad f x) v)
        var revRev = Ad.Grad<Tensor>(y => Dot(Ad.Grad<Tensor>(Func2)(y), v))(x);
        // forward-over-forward: (H v)ᵢ = jvp (\x. jvp f x eᵢ) x v, one pass per component.
        var fwdFwd = new double[3];
        for (int i = 0; i < 3; i++)
        {
            var e = Vec(i == 0 ? 1 : 0, i == 1 ? 1 : 0, i == 2 ? 1 : 0);
            fwdFwd[i] = Ad.Jvp<Tensor, Tensor>(y => Ad.Jvp<Tensor, Tensor>(Func2, y, e).Tangent, x, v).Tangent.ToDouble();
        }

        foreach (var (name, result) in new[] { ("fwd-over-rev", Values(fwdRev)), ("rev-over-fwd", Values(revFwd)), ("rev-over-rev", Values(revRev)), ("fwd-over-fwd", fwdFwd) })
        {
            AssertAllEqual(s_hvpExpected, result, 6);
            AssertAllEqual(analytic, result, 13);
            Assert.True(result.Length == 3, name);
        }

        AssertAllEqual(analytic, Values(Ad.HessianVectorProduct(Func2, x, v)), 13);
        var hessian = Ad.Hessian(Func2)(x);
        AssertAllEqual(analytic, Values(Lax.DotGeneral(hessian, v, [1], [0], [], [])), 13);
    }

    [Fact]
    public void JaxDocs_Hessian_Is6_Minus2_Minus2_Minus480()
    {
        Func<Tensor, Tensor> f = x =>
        {
            var (x0, x1) = (At(x, 0), At(x, 1));
            return (x0 * x0 * x0) - (2.0 * x0 * x1) - (x1 * x1 * x1 * x1 * x1 * x1);
        };
        var h = Ad.Hessian(f)(Vec(1, 2));
        Assert.Equal(Shape.Of(2, 2), h.Shape);
        AssertAllEqual([6, -2, -2, -480], Values(h), 10);
        // Reverse-over-reverse gives the same Hessian.
        AssertAllEqual([6, -2, -2, -480], Values(Ad.JacRev(Ad.Grad(f))(Vec(1, 2))), 10);
    }

    [Fact]
    public void JaxDocs_Jvp_3SinXPlusCosXOver2()
    {
        Func<Tensor, Tensor> f = x => (3.0 * Lax.Sin(x)) + Lax.Cos(x / 2.0);
        // The published values are JAX's float32 results (the float64 value is 3.26819459, −5.00752836).
        var (y, t) = Ad.Jvp(f, (Tensor)2.0, (Tensor)3.0);
        Assert.Equal(3.2681944, y.ToDouble(), 1e-6);
        Assert.Equal(-5.007528, t.ToDouble(), 1e-6);
        Assert.Equal((3 * Math.Sin(2)) + Math.Cos(1), y.ToDouble(), 15);
        Assert.Equal(3 * ((3 * Math.Cos(2)) - (0.5 * Math.Sin(1))), t.ToDouble(), 14);
        var (y32, t32) = Ad.Jvp(f, (Tensor)2.0f, (Tensor)3.0f);
        Assert.Equal(DType.Float32, t32.DType);
        Assert.Equal(3.2681944, y32.ToDouble(), 1e-6);
        Assert.Equal(-5.007528, t32.ToDouble(), 1e-6);
    }

    [Fact]
    public void Autodidax_GradOfMinus2SinXPlusX_Is2_979985()
    {
        Assert.Equal(2.979985, Ad.Grad<Tensor>(x => (-2.0 * Lax.Sin(x)) + x)(3.0).ToDouble(), 6);
    }

    [Fact]
    public void Float32_PublishedValuesHoldInSinglePrecision()
    {
        Func<Tensor, Tensor> f = x => Lax.Sin(x) * x;
        var (value, grad) = Ad.ValueAndGrad(f)(2.0f);
        Assert.Equal(DType.Float32, grad.DType);
        Assert.Equal(1.8185949, value.ToDouble(), 6);
        Assert.Equal(0.0770038, grad.ToDouble(), 6);
        var x = Tensor.FromArray([0.1f, 0.2f, 0.3f]);
        var v = Tensor.FromArray([0.2f, 0.3f, 0.4f]);
        var hvp = Ad.Jvp(Ad.Grad<Tensor>(Func2), x, v).Tangent;
        Assert.Equal(DType.Float32, hvp.DType);
        var r = hvp.ToArray<float>();
        for (int i = 0; i < 3; i++) Assert.Equal(s_hvpExpected[i], r[i], 5);
    }
}
