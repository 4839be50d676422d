using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Tests.ControlFlow;

/// <summary>
/// Custom rules: custom_jvp (a stable softplus whose rule differs from the naive derivative at large x; first and second
/// order in both modes; the rule-linearity check), custom_vjp (straight-through and clipping estimators whose backward
/// values are used exactly; forward mode through the optional JVP rule, or a typed error without it; staged Grad) and
/// custom_linear (a user operator whose own transpose is used: the transpose identity, transposing twice, gradients). All
/// reverse mode is linearize-then-transpose: the custom rules enter as equations of the linear program.
/// </summary>
public class CustomRuleTests
{
    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], tolerance);
    }

    // ---------------------------------------------------------------- custom_jvp

    // log(1 + eˣ) written naively: its derivative eˣ/(1 + eˣ) is inf/inf = NaN at x = 1000.
    private static Tensor NaiveLog1pExp(Tensor x) => Lax.Log(Lax.Exp(x) + 1.0);

    // The same function with the rule ẏ = σ(x)·ẋ (JAX's custom_jvp example).
    private static readonly Func<Tensor[], Tensor[]> s_log1pexp = Lax.CustomJvp(
        x => [NaiveLog1pExp(x[0])],
        (x, t) => ([NaiveLog1pExp(x[0])], [t[0] * Lax.Logistic(x[0])]));

    private static Tensor Log1pExp(Tensor x) => s_log1pexp([x])[0];

    [Fact]
    public void CustomJvp_EagerlyRunsTheFunction()
    {
        var x = Tensor.FromArray([-2.0, 0.0, 3.0]);
        Assert.Equal(NaiveLog1pExp(x).ToArray<double>(), Log1pExp(x).ToArray<double>());
    }

    [Fact]
    public void CustomJvp_GradAtLargeX_IsFinite_AndIsTheRulesValue()
    {
        var naive = Ad.Grad<Tensor>(NaiveLog1pExp)(Tensor.Scalar(1000.0)).ToDouble();
        Assert.True(double.IsNaN(naive), $"the naive derivative at 1000 should be NaN, got {naive}");
        Assert.Equal(1.0, Ad.Grad<Tensor>(Log1pExp)(Tensor.Scalar(1000.0)).ToDouble());
        foreach (double x in new[] { -30.0, -1.5, 0.0, 0.7, 12.0 })
        {
            var rule = Lax.Logistic(Tensor.Scalar(x)).ToDouble();
            Assert.Equal(rule, Ad.Grad<Tensor>(Log1pExp)(Tensor.Scalar(x)).ToDouble());
            Assert.Equal(rule, Ad.Jvp<Tensor, Tensor>(Log1pExp, Tensor.Scalar(x), Tensor.Scalar(1.0)).Tangent.ToDouble());
        }
    }

    [Fact]
    public void CustomJvp_HessianDifferentiatesTheRule()
    {
        // d²/dx² log(1 + eˣ) = σ(x)(1 − σ(x)), from the rule's σ: finite at ±1000 too.
        var x = Tensor.FromArray([-1000.0, -1.0, 0.0, 0.5, 2.0, 1000.0]);
        var h = Ad.Hessian(v => Np.Sum(Log1pExp(v)))(x).ToArray<double>();
        var s = Lax.Logistic(x).ToArray<double>();
        for (int i = 0; i < s.Length; i++)
        {
            for (int j = 0; j < s.Length; j++)
                Assert.Equal(i == j ? s[i] * (1 - s[i]) : 0.0, h[i * s.Length + j], 1e-15);
        }

        var g2 = Ad.Grad<Tensor>(v => Ad.Grad<Tensor>(Log1pExp)(v))(Tensor.Scalar(0.3)).ToDouble();
        double sg = 1 / (1 + Math.Exp(-0.3));
        Assert.Equal(sg * (1 - sg), g2, 1e-15);
    }

    [Fact]
    public void CustomJvp_SmoothCase_MatchesFiniteDifferences_ToSecondOrder()
    {
        Func<(Tensor X, Tensor W), Tensor> f = p => Np.Sum(Log1pExp(p.X * p.W) * Lax.Sin(p.X));
        Ad.CheckGrads(f, (Tensor.FromArray([0.3, -1.2, 0.8, 2.0]), Tensor.FromArray([1.5, 0.5, -0.7, 0.2])), order: 2);
    }

    [Fact]
    public void CustomJvp_RuleNotLinearInTheTangents_RaisesLinearityException()
    {
        var squared = Lax.CustomJvp(x => [Lax.Sin(x[0])], (x, t) => ([Lax.Sin(x[0])], [t[0] * t[0]]));
        var ex = Assert.Throws<LinearityException>(() => Ad.Grad<Tensor>(v => Np.Sum(squared([v])[0]))(Tensor.FromArray([0.5, 1.0])));
        Assert.Contains("CustomJvp", ex.Message, StringComparison.Ordinal);
        Assert.Contains("mul", ex.Message, StringComparison.Ordinal);
        // affine: ẏ = ẋ + 1
        var affine = Lax.CustomJvp(x => [Lax.Sin(x[0])], (x, t) => ([Lax.Sin(x[0])], [t[0] + 1.0]));
        Assert.Throws<LinearityException>(() => Ad.Jvp<Tensor, Tensor>(v => affine([v])[0], Tensor.Scalar(0.5), Tensor.Scalar(1.0)));
        // a tangent computed from the primals alone
        var constant = Lax.CustomJvp(x => [Lax.Sin(x[0])], (x, t) => ([Lax.Sin(x[0])], [Lax.Cos(x[0])]));
        Assert.Throws<LinearityException>(() => Ad.Grad<Tensor>(v => constant([v])[0])(Tensor.Scalar(0.5)));
    }

    [Fact]
    public void CustomJvp_RuleReturningWrongTypes_RaisesShapeException()
    {
        var bad = Lax.CustomJvp(x => [Lax.Sin(x[0])], (x, t) => ([Lax.Sin(x[0])], [Np.Sum(t[0])]));
        Assert.Throws<ShapeException>(() => Ad.Grad<Tensor>(v => Np.Sum(bad([v])[0]))(Tensor.FromArray([0.5, 1.0])));
    }

    [Fact]
    public void CustomJvp_DifferentiatingACapturedValue_RaisesDifferentiationException()
    {
        Func<(Tensor X, Tensor W), Tensor> f = p =>
        {
            var g = Lax.CustomJvp(x => [x[0] * p.W], (x, t) => ([x[0] * p.W], [t[0] * p.W]));
            return Np.Sum(g([p.X])[0]);
        };
        var point = (Tensor.FromArray([0.5, 1.0]), Tensor.FromArray([2.0, 3.0]));
        var ex = Assert.Throws<DifferentiationException>(() => Ad.Grad(f)(point));
        Assert.Contains("capture", ex.Message, StringComparison.Ordinal);
        // held fixed (not differentiated) it is an ordinary operand
        var gx = Ad.Grad<Tensor>(x => f((x, point.Item2)))(point.Item1);
        Assert.Equal([2.0, 3.0], gx.ToArray<double>());
    }

    [Fact]
    public void CustomJvp_StagedGrad_EqualsEager_AndTheProgramPrintsAndParses()
    {
        var x = Tensor.FromArray([-3.0, 0.25, 1000.0]);
        Func<Tensor, Tensor> f = v => Np.Sum(Log1pExp(v) * v);
        var grad = Ad.Grad(f);
        var staged = Ad.MakeProgram(grad, x);
        Assert.Equal(grad(x).ToArray<double>(), staged.Evaluate(x)[0].ToArray<double>());

        var program = Ad.MakeProgram(f, x);
        var text = program.ToString();
        Assert.Contains("custom_jvp_call[consts=0 fun=", text, StringComparison.Ordinal);
        var back = Ad.ParseProgram(text, [.. ProgramParser.ConstantsOf(program)]);
        Assert.Equal(text, back.ToString());
        // the parsed program still carries the rule: its gradient at 1000 is finite
        var g = Ad.Grad<Tensor>(v => back.Evaluate(v)[0])(x).ToArray<double>();
        Assert.Equal(grad(x).ToArray<double>(), g);
    }

    [Fact]
    public void CustomJvp_Dce_DropsAnUnusedResultFromBothPrograms()
    {
        var two = Lax.CustomJvp(x => [Lax.Sin(x[0]), Lax.Exp(x[1])], (x, t) => ([Lax.Sin(x[0]), Lax.Exp(x[1])], [t[0] * Lax.Cos(x[0]), t[1] * Lax.Exp(x[1])]));
        Func<(Tensor X, Tensor Y), Tensor> f = p => two([p.X, p.Y])[0];
        var point = (Tensor.FromArray([0.5, 1.0]), Tensor.FromArray([2.0, 3.0]));
        var pruned = Dce.Run(Ad.MakeProgram(f, point));
        var eq = pruned.Equations.Single(e => e.Primitive.Name == "custom_jvp_call");
        Assert.Single(eq.Outputs);
        Assert.Single(eq.Inputs);
        Assert.DoesNotContain("exp", pruned.ToString(), StringComparison.Ordinal);
        Assert.Equal(f(point).ToArray<double>(), pruned.Evaluate(point.Item1, point.Item2)[0].ToArray<double>());
        var (gx, _) = Ad.Grad<(Tensor, Tensor)>(p => Np.Sum(Lax.Sin(pruned.Evaluate(p.Item1, p.Item2)[0])))(point);
        Assert.Equal((Lax.Cos(Lax.Sin(point.Item1)) * Lax.Cos(point.Item1)).ToArray<double>(), gx.ToArray<double>());
    }

    [Fact]
    public void CustomJvp_LinearProgram_HoldsTheRulesTangentPart()
    {
        // Under Linearize the rule's primal part is computed now; only ẏ = ẋ·σ(x) is recorded (σ(x) is a residual).
        var (_, lin) = Ad.Linearize<Tensor, Tensor>(Log1pExp, Tensor.FromArray([0.5, 2.0]));
        Assert.DoesNotContain(lin.Program.Equations, e => e.Primitive.Name == "custom_jvp_call");
        Assert.Single(lin.Program.Equations);
        Assert.Equal("mul", lin.Program.Equations[0].Primitive.Name);
    }

    // ---------------------------------------------------------------- custom_vjp

    // Straight-through estimator: round forwards, the identity backwards.
    private static readonly Func<Tensor[], Tensor[]> s_ste = Lax.CustomVjp(
        x => [Lax.Round(x[0])],
        x => ([Lax.Round(x[0])], []),
        (r, ct) => [ct[0]]);

    // Gradient clipping: the identity forwards, the cotangent clipped to [−1, 1] backwards.
    private static readonly Func<Tensor[], Tensor[]> s_clip = Lax.CustomVjp(
        x => [x[0]],
        x => ([x[0]], []),
        (r, ct) => [Np.Clip(ct[0], -1.0, 1.0)]);

    [Fact]
    public void CustomVjp_StraightThrough_GradIsOne()
    {
        Assert.Equal(2.0, s_ste([Tensor.Scalar(1.7)])[0].ToDouble());
        Assert.Equal(1.0, Ad.Grad<Tensor>(x => s_ste([x])[0])(Tensor.Scalar(1.7)).ToDouble());
        Assert.Equal(0.0, Ad.Grad<Tensor>(x => Lax.Round(x))(Tensor.Scalar(1.7)).ToDouble());
        var x = Tensor.FromArray([0.2, -1.6, 3.5]);
        var c = Tensor.FromArray([2.0, -3.0, 0.5]);
        Assert.Equal(c.ToArray<double>(), Ad.Grad<Tensor>(v => Np.Sum(s_ste([v])[0] * c))(x).ToArray<double>());
    }

    [Fact]
    public void CustomVjp_GradientClipping_UsesTheBackwardValuesExactly()
    {
        var x = Tensor.FromArray([0.2, -1.6, 3.5, 0.0]);
        var c = Tensor.FromArray([5.0, -0.25, -7.0, 0.5]);
        Assert.Equal(x.ToArray<double>(), s_clip([x])[0].ToArray<double>());
        Assert.Equal([1.0, -0.25, -1.0, 0.5], Ad.Grad<Tensor>(v => Np.Sum(s_clip([v])[0] * c))(x).ToArray<double>());
        // a deliberately "wrong" backward pass (twice the true derivative, from a residual): exactly what is returned
        var twice = Lax.CustomVjp(v => [Lax.Sin(v[0])], v => ([Lax.Sin(v[0])], [Lax.Cos(v[0])]), (r, ct) => [ct[0] * r[0] * 2.0]);
        var g = Ad.Grad<Tensor>(v => Np.Sum(twice([v])[0]))(x);
        Assert.Equal((Lax.Cos(x) * 2.0).ToArray<double>(), g.ToArray<double>());
    }

    [Fact]
    public void CustomVjp_SeveralArgumentsAndResults_AndAnIntegerArgument()
    {
        // f(x, y, k) = (x·y, x + k): bwd from residuals (x, y); k is an i32 and gets no cotangent.
        var f = Lax.CustomVjp(
            a => [a[0] * a[1], a[0] + Lax.Convert(a[2], DType.Float64)],
            a => ([a[0] * a[1], a[0] + Lax.Convert(a[2], DType.Float64)], [a[0], a[1]]),
            (r, ct) => [ct[0] * r[1] + ct[1], ct[0] * r[0], Np.ZerosLike(ct[0])]);
        var k = new Tensor(NDArray.Scalar(DType.Int32, 3));
        var x = Tensor.FromArray([0.5, -2.0]);
        var y = Tensor.FromArray([1.5, 4.0]);
        Func<(Tensor X, Tensor Y), Tensor> loss = p => { var o = f([p.X, p.Y, k]); return Np.Sum(o[0] * 3.0) + Np.Sum(o[1] * o[1]); };
        Func<(Tensor X, Tensor Y), Tensor> plain = p => Np.Sum(p.X * p.Y * 3.0) + Np.Sum((p.X + 3.0) * (p.X + 3.0));
        var (gx, gy) = Ad.Grad(loss)((x, y));
        var (px, py) = Ad.Grad(plain)((x, y));
        Assert.Equal(px.ToArray<double>(), gx.ToArray<double>());
        Assert.Equal(py.ToArray<double>(), gy.ToArray<double>());
        Assert.Equal(Ad.JacRev<Tensor>(v => f([v, y, k])[0])(x).ToArray<double>(), Ad.JacRev<Tensor>(v => v * y)(x).ToArray<double>());
    }

    [Fact]
    public void CustomVjp_ForwardModeWithoutAJvpRule_RaisesDifferentiationException()
    {
        var ex = Assert.Throws<DifferentiationException>(() => Ad.Jvp<Tensor, Tensor>(x => s_ste([x])[0], Tensor.Scalar(0.3), Tensor.Scalar(1.0)));
        Assert.Contains("JVP rule", ex.Message, StringComparison.Ordinal);
        Assert.Throws<DifferentiationException>(() => Ad.JacFwd(x => s_clip([x])[0])(Tensor.FromArray([0.5, 1.0])));
    }

    [Fact]
    public void CustomVjp_HessianAsJacFwdOfGrad_DifferentiatesFwdAndBwd_WithoutAJvpRule()
    {
        // As in JAX: Grad's forward pass and backward pass are ordinary programs the outer forward mode differentiates, so
        // forward mode never meets the custom_vjp function itself; the Hessian is that of the custom gradient.
        var sin = Lax.CustomVjp(v => [Lax.Sin(v[0])], v => ([Lax.Sin(v[0])], [Lax.Cos(v[0])]), (r, ct) => [ct[0] * r[0]]);
        var x = Tensor.FromArray([0.3, -1.1]);
        var h = Ad.Hessian(v => Np.Sum(sin([v])[0]))(x).ToArray<double>();
        var s = Lax.Sin(x).ToArray<double>();
        Assert.Equal([-s[0], 0.0, 0.0, -s[1]], h);
    }

    // sin with its derivative in both directions: fwd saves cos x; the JVP rule is given, so forward mode works too.
    private static readonly Func<Tensor[], Tensor[]> s_sin = Lax.CustomVjp(
        x => [Lax.Sin(x[0])],
        x => ([Lax.Sin(x[0])], [Lax.Cos(x[0])]),
        (r, ct) => [ct[0] * r[0]],
        (x, t) => ([Lax.Sin(x[0])], [t[0] * Lax.Cos(x[0])]));

    [Fact]
    public void CustomVjp_WithAJvpRule_ForwardModeAndHessianWork()
    {
        var x = Tensor.FromArray([0.3, -1.1, 2.0]);
        var (y, t) = Ad.Jvp<Tensor, Tensor>(v => s_sin([v])[0], x, Tensor.FromArray([1.0, 2.0, -1.0]));
        Assert.Equal(Lax.Sin(x).ToArray<double>(), y.ToArray<double>());
        Assert.Equal((Lax.Cos(x) * Tensor.FromArray([1.0, 2.0, -1.0])).ToArray<double>(), t.ToArray<double>());
        var jf = Ad.JacFwd(v => s_sin([v])[0])(x);
        var jr = Ad.JacRev(v => s_sin([v])[0])(x);
        Assert.Equal(jr.ToArray<double>(), jf.ToArray<double>());
        // Hessian = JacFwd ∘ Grad, and reverse over forward
        var h = Ad.Hessian(v => Np.Sum(s_sin([v])[0]))(x).ToArray<double>();
        var hr = Ad.JacRev(Ad.JacFwd(v => Np.Sum(s_sin([v])[0]) * Tensor.FromArray([1.0])));
        var s = Lax.Sin(x).ToArray<double>();
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
                Assert.Equal(i == j ? -s[i] : 0.0, h[(i * 3) + j], 1e-15);
        }

        AssertClose(h, hr(x).ToArray<double>(), 1e-15);
        Ad.CheckGrads<Tensor, Tensor>(v => Np.Sum(s_sin([v * v])[0]), x, order: 2);
    }

    [Fact]
    public void CustomVjp_JvpRuleIsWhatForwardModeUses()
    {
        // The JVP rule says the straight-through derivative 1; forward and reverse agree on it.
        var ste = Lax.CustomVjp(x => [Lax.Round(x[0])], x => ([Lax.Round(x[0])], []), (r, ct) => [ct[0]], (x, t) => ([Lax.Round(x[0])], [t[0]]));
        Assert.Equal(1.0, Ad.Jvp<Tensor, Tensor>(v => ste([v])[0], Tensor.Scalar(0.3), Tensor.Scalar(1.0)).Tangent.ToDouble());
        Assert.Equal(1.0, Ad.Grad<Tensor>(v => ste([v])[0])(Tensor.Scalar(0.3)).ToDouble());
        var bad = Lax.CustomVjp(x => [Lax.Round(x[0])], x => ([Lax.Round(x[0])], []), (r, ct) => [ct[0]], (x, t) => ([Lax.Round(x[0])], [t[0] * t[0]]));
        Assert.Throws<LinearityException>(() => Ad.Grad<Tensor>(v => bad([v])[0])(Tensor.Scalar(0.3)));
    }

    [Fact]
    public void CustomVjp_StagedGrad_EqualsEager()
    {
        var x = Tensor.FromArray([0.3, -1.6, 2.5]);
        var c = Tensor.FromArray([5.0, -0.5, 2.0]);
        Func<Tensor, Tensor> f = v => Np.Sum(s_clip([Lax.Sin(v)])[0] * c) + Np.Sum(s_ste([v])[0] * v) + Np.Sum(s_sin([v])[0]);
        var grad = Ad.Grad(f);
        var program = Ad.MakeProgram(grad, x);
        Assert.Equal(grad(x).ToArray<double>(), program.Evaluate(x)[0].ToArray<double>());
        Assert.Equal(grad(c).ToArray<double>(), program.Evaluate(c)[0].ToArray<double>());
    }

    [Fact]
    public void CustomVjp_ProgramsPrintAndParse()
    {
        var x = Tensor.FromArray([0.3, -1.6, 2.5]);
        Func<Tensor, Tensor> f = v => Np.Sum(s_clip([v])[0] * 3.0) + Np.Sum(s_sin([v])[0]);
        var program = Ad.MakeProgram(f, x);
        var text = program.ToString();
        Assert.Contains("custom_vjp_call[consts=0 has_jvp=False fun=", text, StringComparison.Ordinal);
        var back = Ad.ParseProgram(text, [.. ProgramParser.ConstantsOf(program)]);
        Assert.Equal(text, back.ToString());
        Assert.Equal(Ad.Grad(f)(x).ToArray<double>(), Ad.Grad<Tensor>(v => back.Evaluate(v)[0])(x).ToArray<double>());
        // a staged forward pass holds custom_lin with its JVP rule
        Func<(Tensor, Tensor), Tensor> jvp = p => Ad.Jvp<Tensor, Tensor>(v => s_sin([v])[0], p.Item1, p.Item2).Tangent;
        var jp = Ad.MakeProgram(jvp, (x, x));
        var jtext = jp.ToString();
        Assert.Contains("custom_lin[consts=0 args=1 residuals=1 has_jvp=True", jtext, StringComparison.Ordinal);
        var jback = Ad.ParseProgram(jtext, [.. ProgramParser.ConstantsOf(jp)]);
        Assert.Equal(jtext, jback.ToString());
        Assert.Equal(jvp((x, x)).ToArray<double>(), jback.Evaluate(x, x)[0].ToArray<double>());
        // Linearize's linear program holds custom_lin without a JVP rule; read back, its transpose still runs bwd
        var (_, lin) = Ad.Linearize<Tensor, Tensor>(v => s_clip([v])[0] * 3.0, x);
        var ltext = lin.Program.ToString();
        Assert.Contains("custom_lin[consts=0 args=1 residuals=0 has_jvp=False", ltext, StringComparison.Ordinal);
        var lback = Ad.ParseProgram(ltext, [.. ProgramParser.ConstantsOf(lin.Program)]);
        Assert.Equal(ltext, lback.ToString());
        var ct = Tensor.FromArray([1.0, -0.1, 0.2]);
        Assert.Equal([1.0, -0.1 * 3.0, 0.2 * 3.0], new LinearFunction(lback).ApplyTranspose(ct)[0].ToArray<double>());
    }

    [Fact]
    public void CustomVjp_InsideScan_GradEqualsTheUnrolledLoop()
    {
        // The clipped identity inside a loop body: the scan's linear body holds custom_lin, transposed per step.
        var xs = Tensor.FromArray([0.5, -2.0, 1.5, 0.25]);
        Func<Tensor, Tensor> looped = h0 =>
        {
            var (c, _) = Lax.Scan((c, x) => ([s_clip([c[0] * x[0]])[0] * 3.0], []), [h0], [xs]);
            return c[0];
        };
        Func<Tensor, Tensor> unrolled = h0 =>
        {
            var h = h0;
            for (int i = 0; i < 4; i++) h = s_clip([h * Np.Reshape(Lax.Slice(xs, [i], [i + 1], [1]), [])])[0] * 3.0;
            return h;
        };
        var h = Tensor.Scalar(0.7);
        Assert.Equal(unrolled(h).ToDouble(), looped(h).ToDouble(), 1e-12);
        Assert.Equal(Ad.Grad(unrolled)(h).ToDouble(), Ad.Grad(looped)(h).ToDouble(), 1e-12);
    }

    [Fact]
    public void CustomRules_InsideACondWithAStagedIndex_StagedGradEqualsEager()
    {
        // Under MakeProgram the predicate is abstract: cond's JVP maps the branches' JVPs (the custom rules inline their
        // tangent parts, custom_lin among them), partial evaluation splits every branch, and the transpose is a cond of the
        // branches' transposes (custom_lin's runs the backward pass).
        var l = Operator(s_a);
        Func<Tensor, Tensor> f = v => Np.Sum(Lax.Cond(Np.Sum(v) > 0.0,
            o => [Log1pExp(o[0]) * s_clip([o[0] * 4.0])[0]],
            o => [Lax.Sin(s_sin([o[0]])[0]) * Np.Sum(l([Lax.Slice(o[0], [0], [2], [1])])[0])],
            v)[0]);
        foreach (var x in new[] { Tensor.FromArray([0.3, -0.1, 0.6]), Tensor.FromArray([-0.3, 0.1, -0.6]) })
        {
            var grad = Ad.Grad(f);
            var program = Ad.MakeProgram(grad, x);
            Assert.Contains("cond", program.ToString(), StringComparison.Ordinal);
            AssertClose(grad(x).ToArray<double>(), program.Evaluate(x)[0].ToArray<double>(), 1e-14);
            AssertClose(grad(x * -2.0).ToArray<double>(), program.Evaluate(x * -2.0)[0].ToArray<double>(), 1e-14);
        }
    }

    [Fact]
    public void CustomRules_InsideAWhileLoopAndACheckpoint_GradEqualsThePlainFunction()
    {
        // while: h ← h + log1pexp(h)/4 + sin(h)/10 until h ≥ 3 (each trip adds at least 0.07) (the custom rules in a loop body, its residuals stacked per trip);
        // checkpoint: the custom rules in a region recomputed in the backward pass.
        Func<Tensor, Tensor> looped = h0 => Lax.WhileLoop(c => Np.Sum(c[0]) < 3.0, c => [c[0] + (Log1pExp(c[0]) * 0.25) + (s_sin([c[0]])[0] * 0.1)], h0)[0];
        Func<Tensor, Tensor> plainLoop = h0 => Lax.WhileLoop(c => Np.Sum(c[0]) < 3.0, c => [c[0] + (NaiveLog1pExp(c[0]) * 0.25) + (Lax.Sin(c[0]) * 0.1)], h0)[0];
        var x = Tensor.Scalar(0.2);
        Assert.Equal(plainLoop(x).ToDouble(), looped(x).ToDouble(), 1e-14);
        Assert.Equal(Ad.Grad(plainLoop)(x).ToDouble(), Ad.Grad(looped)(x).ToDouble(), 1e-12);

        var l = Operator(s_a);
        var region = Lax.Checkpoint(v => [Lax.Sin(s_sin([Log1pExp(v[0])])[0]) * Np.Sum(l([Lax.Slice(v[0], [0], [2], [1])])[0])]);
        Func<Tensor, Tensor> checkpointed = v => Np.Sum(region([v])[0]);
        Func<Tensor, Tensor> plain = v => Np.Sum(Lax.Sin(Lax.Sin(NaiveLog1pExp(v))) * Np.Sum(Np.MatMul(s_a, Lax.Slice(v, [0], [2], [1]))));
        var y = Tensor.FromArray([0.3, -0.7, 1.1]);
        AssertClose(Ad.Grad(plain)(y).ToArray<double>(), Ad.Grad(checkpointed)(y).ToArray<double>(), 1e-13);
    }

    // ---------------------------------------------------------------- custom_linear

    private static readonly Tensor s_a = Tensor.FromArray([1.0, 2.0, 0.5, -1.0, 3.0, 0.25], 3, 2);

    // Lx = A·x with Aᵀ supplied by hand (scaled, to show which function a transformation runs).
    private static Func<Tensor[], Tensor[]> Operator(Tensor a, double transposeScale = 1.0) =>
        Lax.CustomLinear(x => [Np.MatMul(a, x[0])], ct => [Np.MatMul(Np.Transpose(a), ct[0]) * transposeScale]);

    [Fact]
    public void CustomLinear_TransposeIdentity_UsesTheUsersTranspose()
    {
        var l = Operator(s_a);
        var t = Tensor.FromArray([0.7, -0.3]);
        var ct = Tensor.FromArray([1.5, 0.2, -0.6]);
        Assert.Equal(Np.MatMul(s_a, t).ToArray<double>(), l([t])[0].ToArray<double>());
        var lt = Ad.LinearTranspose<Tensor, Tensor>(v => l([v])[0], t);
        // the transposed program is the user's transpose, one custom_linear, not a transposition of A·x
        Assert.Equal("custom_linear", Assert.Single(lt.Program.Equations).Primitive.Name);
        double lhs = Np.Sum(ct * l([t])[0]).ToDouble();
        double rhs = Np.Sum(lt.Apply(ct) * t).ToDouble();
        Assert.Equal(lhs, rhs, 1e-14);
        Assert.Equal(Np.MatMul(Np.Transpose(s_a), ct).ToArray<double>(), lt.Apply(ct).ToArray<double>());
        // transposing twice gives L back
        var twice = Ad.LinearTranspose<Tensor, Tensor>(lt.Apply, ct);
        Assert.Equal(l([t])[0].ToArray<double>(), twice.Apply(t).ToArray<double>());
    }

    [Fact]
    public void CustomLinear_GradThroughAFunctionUsingIt()
    {
        var l = Operator(s_a);
        Func<Tensor, Tensor> f = x => Np.Sum(Lax.Sin(l([x])[0]));
        Func<Tensor, Tensor> plain = x => Np.Sum(Lax.Sin(Np.MatMul(s_a, x)));
        var x = Tensor.FromArray([0.4, -0.9]);
        var g = Ad.Grad(f)(x).ToArray<double>();
        var p = Ad.Grad(plain)(x).ToArray<double>();
        AssertClose(p, g, 1e-14);
        // Grad runs the user's transpose: a transpose scaled by 3 gives 3 times the gradient (forward mode is unaffected)
        var scaled = Operator(s_a, 3.0);
        var g3 = Ad.Grad<Tensor>(v => Np.Sum(Lax.Sin(scaled([v])[0])))(x).ToArray<double>();
        AssertClose([.. p.Select(v => 3 * v)], g3, 1e-14);
        Ad.CheckGrads(f, x, order: 2);
        var staged = Ad.MakeProgram(Ad.Grad(f), x);
        Assert.Equal(g, staged.Evaluate(x)[0].ToArray<double>());
    }

    [Fact]
    public void CustomLinear_OperatorDataThatMoves_IsDifferentiatedThroughTheOperator()
    {
        // A is captured by L and differentiated: its tangent goes through A·x as an ordinary program.
        Func<(Tensor A, Tensor X), Tensor> f = p => Np.Sum(Lax.Sin(Operator(p.A)([p.X])[0]));
        Func<(Tensor A, Tensor X), Tensor> plain = p => Np.Sum(Lax.Sin(Np.MatMul(p.A, p.X)));
        var point = (s_a, Tensor.FromArray([0.4, -0.9]));
        var (ga, gx) = Ad.Grad(f)(point);
        var (pa, px) = Ad.Grad(plain)(point);
        AssertClose(pa.ToArray<double>(), ga.ToArray<double>(), 1e-14);
        AssertClose(px.ToArray<double>(), gx.ToArray<double>(), 1e-14);
        Ad.CheckGrads(f, point, order: 2);
    }

    [Fact]
    public void CustomLinear_NotLinear_OrBadTranspose_RaisesTypedErrors()
    {
        var square = Lax.CustomLinear(x => [x[0] * x[0]], ct => [ct[0]]);
        var ex = Assert.Throws<LinearityException>(() => Ad.Grad<Tensor>(v => Np.Sum(square([v])[0]))(Tensor.FromArray([1.0, 2.0])));
        Assert.Contains("CustomLinear", ex.Message, StringComparison.Ordinal);
        var wrongShape = Lax.CustomLinear(x => [x[0] * 2.0], ct => [Np.Sum(ct[0])]);
        Assert.Throws<ShapeException>(() => Ad.Grad<Tensor>(v => Np.Sum(wrongShape([v])[0]))(Tensor.FromArray([1.0, 2.0])));
    }

    [Fact]
    public void CustomLinear_ProgramPrintsAndParses()
    {
        var l = Operator(s_a);
        var x = Tensor.FromArray([0.4, -0.9]);
        var program = Ad.MakeProgram(Ad.Grad<Tensor>(v => Np.Sum(Lax.Sin(l([v])[0]))), x);
        var text = program.ToString();
        Assert.Contains("custom_linear[consts=0 fun=", text, StringComparison.Ordinal);
        var back = Ad.ParseProgram(text, [.. ProgramParser.ConstantsOf(program)]);
        Assert.Equal(text, back.ToString());
        Assert.Equal(program.Evaluate(x)[0].ToArray<double>(), back.Evaluate(x)[0].ToArray<double>());
    }
}
