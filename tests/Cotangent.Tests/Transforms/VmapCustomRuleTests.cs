using Cotangent.Core;
using Cotangent.Primitives;

namespace Cotangent.Tests.Transforms;

/// <summary>
/// Vmap of functions with custom rules (custom_jvp, custom_vjp with and without a JVP rule, custom_linear): Vmap equals
/// the loop over examples; Grad of a sum over Vmap, and Vmap of Grad (per-example gradients), follow the user's rule.
/// Every rule here is deliberately twice the true derivative (or transpose), so a gradient shows whether the rule or the
/// function's own operations were differentiated. An argument shared by every example (in-axis null) must receive the
/// sum of the examples' cotangents. Examples differ in every element; batches of 3 and 40.
/// </summary>
public class VmapCustomRuleTests
{
    private const int N = 4;

    /// <summary>The batch sizes.</summary>
    public static TheoryData<int> Sizes => new() { 3, 40 };

    // b examples of N values, each distinct (example e, element j at k = e·N + j).
    private static Tensor Examples(int b, double phase) =>
        Tensor.FromArray([.. Enumerable.Range(0, b * N).Select(k => Math.Sin(0.37 * k + phase) + 0.05 * (k / N))], b, N);

    // One value of N, shared by every example.
    private static Tensor Shared(double phase) => Tensor.FromArray([.. Enumerable.Range(0, N).Select(j => Math.Cos(0.9 * j + phase) + 0.5)]);

    // f applied to each example and stacked: what Vmap must equal.
    private static Tensor Loop(int b, Func<int, Tensor> f) => Np.Stack([.. Enumerable.Range(0, b).Select(f)]);

    private static void AssertClose(Tensor expected, Tensor actual, double tolerance = 1e-12)
    {
        Assert.Equal(expected.Shape.ToArray(), actual.Shape.ToArray());
        var (x, y) = (expected.ToArray<double>(), actual.ToArray<double>());
        for (int i = 0; i < x.Length; i++)
            Assert.True(Math.Abs(x[i] - y[i]) <= tolerance * (1 + Math.Abs(x[i])), $"element {i}: expected {x[i]}, got {y[i]}");
    }

    // ---------------------------------------------------------------- custom_jvp

    // sin(x)·w with the rule ẏ = 2(cos x·ẋ·w + sin x·ẇ): twice the true derivative.
    private static readonly Func<Tensor[], Tensor[]> s_jvpTwice = Lax.CustomJvp(
        a => [Lax.Sin(a[0]) * a[1]],
        (a, t) => ([Lax.Sin(a[0]) * a[1]], [((Lax.Cos(a[0]) * t[0] * a[1]) + (Lax.Sin(a[0]) * t[1])) * 2.0]));

    private static Tensor JvpTwice(Tensor x, Tensor w) => s_jvpTwice([x, w])[0];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void CustomJvp_Vmap_EqualsTheLoop(int b)
    {
        var (xs, ws, w) = (Examples(b, 0.1), Examples(b, 1.7), Shared(0.3));
        AssertClose(Loop(b, e => JvpTwice(xs[e], ws[e])), Ad.Vmap<Tensor, Tensor, Tensor>(JvpTwice, 0, 0)(xs, ws));
        AssertClose(Loop(b, e => JvpTwice(xs[e], w)), Ad.Vmap<Tensor, Tensor, Tensor>(JvpTwice, 0, null)(xs, w));
        // batched along the last axis, out along it too
        AssertClose(Np.Transpose(Loop(b, e => JvpTwice(xs[e], w))), Ad.Vmap<Tensor, Tensor, Tensor>(JvpTwice, 1, null, 1)(Np.Transpose(xs), w));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void CustomJvp_GradAndJvpOfVmap_FollowTheRule(int b)
    {
        var (xs, ws, w) = (Examples(b, 0.2), Examples(b, 2.1), Shared(0.7));
        // ∂/∂x = 2 cos x·w, ∂/∂w = 2 sin x per example
        var (gx, gw) = Ad.Grad<Tensor, Tensor>((x, v) => Np.Sum(Ad.Vmap<Tensor, Tensor, Tensor>(JvpTwice, 0, 0)(x, v)), Wrt.Both)(xs, ws);
        AssertClose(Lax.Cos(xs) * ws * 2.0, gx);
        AssertClose(Lax.Sin(xs) * 2.0, gw);
        // w shared: its gradient is the sum over the examples, Σₑ 2 sin xₑ
        var (hx, hw) = Ad.Grad<Tensor, Tensor>((x, v) => Np.Sum(Ad.Vmap<Tensor, Tensor, Tensor>(JvpTwice, 0, null)(x, v)), Wrt.Both)(xs, w);
        AssertClose(Lax.Cos(xs) * w * 2.0, hx);
        AssertClose(Np.Sum(Lax.Sin(xs) * 2.0, 0), hw);
        // forward mode through the batched call
        var ones = Np.OnesLike(xs);
        var tangent = Ad.Jvp<Tensor, Tensor>(x => Ad.Vmap<Tensor, Tensor, Tensor>(JvpTwice, 0, null)(x, w), xs, ones).Tangent;
        AssertClose(Lax.Cos(xs) * w * 2.0, tangent);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void CustomJvp_VmapOfGrad_PerExampleGradientsFollowTheRule(int b)
    {
        var (xs, w) = (Examples(b, 0.4), Shared(1.1));
        Func<Tensor, Tensor, Tensor> gradX = (x, v) => Ad.Grad<Tensor>(u => Np.Sum(JvpTwice(u, v)))(x);
        Func<Tensor, Tensor, Tensor> gradW = (x, v) => Ad.Grad<Tensor>(u => Np.Sum(JvpTwice(x, u)))(v);
        var gx = Ad.Vmap(gradX, 0, null)(xs, w);
        var gw = Ad.Vmap(gradW, 0, null)(xs, w);   // per-example gradients of the shared w
        AssertClose(Loop(b, e => gradX(xs[e], w)), gx);
        AssertClose(Loop(b, e => gradW(xs[e], w)), gw);
        AssertClose(Lax.Cos(xs) * w * 2.0, gx);
        AssertClose(Lax.Sin(xs) * 2.0, gw);
    }

    // ---------------------------------------------------------------- custom_vjp

    // sin(x)·w saving (cos x, sin x, w); the backward pass returns twice the true cotangents, and the JVP rule (of the
    // second form) agrees with it.
    private static readonly Func<Tensor[], Tensor[]> s_vjpTwice = Lax.CustomVjp(
        a => [Lax.Sin(a[0]) * a[1]],
        a => ([Lax.Sin(a[0]) * a[1]], [Lax.Cos(a[0]), Lax.Sin(a[0]), a[1]]),
        (r, ct) => [ct[0] * r[0] * r[2] * 2.0, ct[0] * r[1] * 2.0]);

    private static readonly Func<Tensor[], Tensor[]> s_vjpTwiceWithJvp = Lax.CustomVjp(
        a => [Lax.Sin(a[0]) * a[1]],
        a => ([Lax.Sin(a[0]) * a[1]], [Lax.Cos(a[0]), Lax.Sin(a[0]), a[1]]),
        (r, ct) => [ct[0] * r[0] * r[2] * 2.0, ct[0] * r[1] * 2.0],
        (a, t) => ([Lax.Sin(a[0]) * a[1]], [((Lax.Cos(a[0]) * t[0] * a[1]) + (Lax.Sin(a[0]) * t[1])) * 2.0]));

    private static Tensor VjpTwice(Tensor x, Tensor w) => s_vjpTwice([x, w])[0];

    private static Tensor VjpTwiceWithJvp(Tensor x, Tensor w) => s_vjpTwiceWithJvp([x, w])[0];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void CustomVjp_Vmap_EqualsTheLoop(int b)
    {
        var (xs, ws, w) = (Examples(b, 0.5), Examples(b, 1.3), Shared(0.2));
        foreach (var f in new Func<Tensor, Tensor, Tensor>[] { VjpTwice, VjpTwiceWithJvp })
        {
            AssertClose(Loop(b, e => f(xs[e], ws[e])), Ad.Vmap(f, 0, 0)(xs, ws));
            AssertClose(Loop(b, e => f(xs[e], w)), Ad.Vmap(f, 0, null)(xs, w));
            AssertClose(Loop(b, e => f(w, ws[e])), Ad.Vmap(f, null, 0)(w, ws));
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void CustomVjp_GradOfVmap_FollowsTheBackwardPass_SummingForSharedArguments(int b)
    {
        var (xs, ws, w) = (Examples(b, 0.6), Examples(b, 2.4), Shared(0.9));
        foreach (var f in new Func<Tensor, Tensor, Tensor>[] { VjpTwice, VjpTwiceWithJvp })
        {
            var (gx, gw) = Ad.Grad<Tensor, Tensor>((x, v) => Np.Sum(Ad.Vmap(f, 0, 0)(x, v)), Wrt.Both)(xs, ws);
            AssertClose(Lax.Cos(xs) * ws * 2.0, gx);
            AssertClose(Lax.Sin(xs) * 2.0, gw);
            // w shared (in-axis null): the backward pass's batched cotangent 2 sin xₑ is summed over the examples
            var (hx, hw) = Ad.Grad<Tensor, Tensor>((x, v) => Np.Sum(Ad.Vmap(f, 0, null)(x, v)), Wrt.Both)(xs, w);
            AssertClose(Lax.Cos(xs) * w * 2.0, hx);
            AssertClose(Np.Sum(Lax.Sin(xs) * 2.0, 0), hw);
            // x shared: Σₑ 2 cos x·wₑ
            var kx = Ad.Grad<Tensor>(x => Np.Sum(Ad.Vmap(f, null, 0)(x, ws)))(w);
            AssertClose(Lax.Cos(w) * Np.Sum(ws, 0) * 2.0, kx);
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void CustomVjp_VmapOfGrad_PerExampleGradientsFollowTheBackwardPass(int b)
    {
        var (xs, ws, w) = (Examples(b, 0.8), Examples(b, 0.1), Shared(1.4));
        Func<Tensor, Tensor, Tensor> gradX = (x, v) => Ad.Grad<Tensor>(u => Np.Sum(VjpTwice(u, v)))(x);
        Func<Tensor, Tensor, Tensor> gradW = (x, v) => Ad.Grad<Tensor>(u => Np.Sum(VjpTwice(x, u)))(v);
        AssertClose(Loop(b, e => gradX(xs[e], ws[e])), Ad.Vmap(gradX, 0, 0)(xs, ws));
        var gw = Ad.Vmap(gradW, 0, null)(xs, w);
        AssertClose(Loop(b, e => gradW(xs[e], w)), gw);
        AssertClose(Lax.Sin(xs) * 2.0, gw);
        // both arguments shared but the cotangent batched: Vmap of the pullback (JacRev's rows)
        var (_, pullback) = Ad.Vjp<Tensor, Tensor>(u => VjpTwice(u, w), xs[0]);
        var cts = Examples(b, 3.0);
        var rows = Ad.Vmap(pullback)(cts);
        AssertClose(Loop(b, e => pullback(cts[e])), rows);
        AssertClose(cts * Lax.Cos(xs[0]) * w * 2.0, rows);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void CustomVjp_VmapOfForwardMode_UsesTheJvpRule_AndItsTransposeTheBackwardPass(int b)
    {
        var (xs, ts, w) = (Examples(b, 1.9), Examples(b, 0.3), Shared(0.4));
        // Vmap over the tangents alone (JacFwd's columns): custom_lin's argument shared, its tangent batched
        var x = xs[1];
        Func<Tensor, Tensor> push = t => Ad.Jvp<Tensor, Tensor>(u => VjpTwiceWithJvp(u, w), x, t).Tangent;
        AssertClose(Loop(b, e => push(ts[e])), Ad.Vmap(push)(ts));
        AssertClose(Lax.Cos(x) * w * ts * 2.0, Ad.Vmap(push)(ts));
        // primals and tangents both batched
        Func<Tensor, Tensor, Tensor> both = (u, t) => Ad.Jvp<Tensor, Tensor>(v => VjpTwiceWithJvp(v, w), u, t).Tangent;
        AssertClose(Loop(b, e => both(xs[e], ts[e])), Ad.Vmap(both, 0, 0)(xs, ts));
        // the transpose of the batched linearization is the batched backward pass (custom_lin batched, then transposed):
        // x̄ₑ = 2ȳₑ cos x·w, w̄ₑ = 2ȳₑ sin x
        var (_, linear) = Ad.Linearize<(Tensor, Tensor), Tensor>(p => VjpTwice(p.Item1, p.Item2), (x, w));
        var cts = Examples(b, 2.2);
        var transposed = Ad.LinearTranspose<(Tensor, Tensor), Tensor>(Ad.Vmap<(Tensor, Tensor), Tensor>(linear.Apply), (ts, ts));
        var (xBar, wBar) = transposed.Apply(cts);
        AssertClose(cts * Lax.Cos(x) * w * 2.0, xBar);
        AssertClose(cts * Lax.Sin(x) * 2.0, wBar);
        // w's tangent shared by the examples: its cotangent is summed over them, Σₑ 2ȳₑ sin x
        var sharedW = Ad.LinearTranspose<(Tensor, Tensor), Tensor>(Ad.Vmap<(Tensor, Tensor), Tensor>(linear.Apply, [0, null]), (ts, w));
        var (xBar2, wBar2) = sharedW.Apply(cts);
        AssertClose(cts * Lax.Cos(x) * w * 2.0, xBar2);
        AssertClose(Np.Sum(cts, 0) * Lax.Sin(x) * 2.0, wBar2);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void CustomVjp_CapturingABatchedValue_BatchesTheCapturedOperand(int b)
    {
        // The rules close over w, a per-example value: it becomes a batched captured operand of every program.
        var (xs, ws) = (Examples(b, 1.0), Examples(b, 2.8));
        Func<Tensor, Tensor, Tensor> f = (x, w) => Lax.CustomVjp(
            u => [Lax.Sin(u[0]) * w],
            u => ([Lax.Sin(u[0]) * w], [Lax.Cos(u[0])]),
            (r, ct) => [ct[0] * r[0] * w * 2.0])([x])[0];
        AssertClose(Loop(b, e => f(xs[e], ws[e])), Ad.Vmap(f, 0, 0)(xs, ws));
        // x differentiated, w held fixed: 2 cos x·w from the backward pass
        var g = Ad.Grad<Tensor>(x => Np.Sum(Ad.Vmap(f, 0, 0)(x, ws)))(xs);
        AssertClose(Lax.Cos(xs) * ws * 2.0, g);
        Func<Tensor, Tensor, Tensor> grad = (x, w) => Ad.Grad<Tensor>(u => Np.Sum(f(u, w)))(x);
        AssertClose(Loop(b, e => grad(xs[e], ws[e])), Ad.Vmap(grad, 0, 0)(xs, ws));
    }

    [Fact]
    public void CustomRules_NestedVmap_EqualsTheDoubleLoop()
    {
        // (3, 5, N): the inner Vmap's batched call is batched again by the outer one.
        var xs = Tensor.FromArray([.. Enumerable.Range(0, 3 * 5 * N).Select(k => Math.Sin(0.29 * k) + 0.01 * k)], 3, 5, N);
        var w = Shared(0.6);
        foreach (var f in new Func<Tensor, Tensor, Tensor>[] { JvpTwice, VjpTwice, VjpTwiceWithJvp })
        {
            var inner = Ad.Vmap(f, 0, null);
            var nested = Ad.Vmap(inner, 0, null)(xs, w);
            AssertClose(Np.Stack([.. Enumerable.Range(0, 3).Select(i => Loop(5, j => f(xs[i][j], w)))]), nested);
            // and its gradient follows the rule: Σ over both batches of 2 sin x for the shared w
            var gw = Ad.Grad<Tensor>(v => Np.Sum(Ad.Vmap(inner, 0, null)(xs, v)))(w);
            AssertClose(Np.Sum(Lax.Sin(xs) * 2.0, [0, 1]), gw);
        }

        var nestedLinear = Ad.Vmap<Tensor, Tensor>(Ad.Vmap<Tensor, Tensor>(v => Apply(s_a, v)))(xs);
        AssertClose(Np.Stack([.. Enumerable.Range(0, 3).Select(i => Loop(5, j => Np.MatMul(s_a, xs[i][j])))]), nestedLinear);
    }

    [Fact]
    public void CustomRules_StagedGradOfVmap_KeepsTheCustomCall_DoesNotGrowWithTheBatch_ParsesAndJits()
    {
        var w = Shared(0.25);
        foreach (var (name, f) in new (string, Func<Tensor, Tensor, Tensor>)[]
            { ("custom_jvp_call", JvpTwice), ("custom_vjp_call", VjpTwice), ("custom_linear", (a, x) => Apply(s_a, x * a)) })
        {
            Func<Tensor, Tensor> grad = Ad.Grad<Tensor>(x => Np.Sum(Lax.Sin(Ad.Vmap(f, 0, null)(x, w))));
            var small = Ad.MakeProgram(grad, Examples(3, 0.5));
            var large = Ad.MakeProgram(grad, Examples(40, 0.5));
            Assert.Equal(small.Equations.Count, large.Equations.Count);
            // the batched call stays one custom-rule equation (the gradient runs the rule, so only the forward program has it)
            var forward = Ad.MakeProgram<Tensor, Tensor>(x => Ad.Vmap(f, 0, null)(x, w), Examples(40, 0.5));
            Assert.Contains(forward.Equations, e => e.Primitive.Name == name);
            var text = large.ToString();
            var back = Ad.ParseProgram(text, [.. ProgramParser.ConstantsOf(large)]);
            Assert.Equal(text, back.ToString());
            var xs = Examples(40, 1.5);
            var eager = grad(xs);
            AssertClose(eager, back.Evaluate(xs)[0]);
            AssertClose(eager, Ad.Jit(grad).Invoke(xs));
        }
    }

    // ---------------------------------------------------------------- custom_linear

    private static readonly Tensor s_a = Tensor.FromArray([1.0, 2.0, 0.5, -1.0, 3.0, 0.25, 0.7, -0.4], 2, N);

    // L x = A·x, given with twice the true transpose (2Aᵀ), so reverse mode shows that it ran the user's transpose.
    private static Func<Tensor[], Tensor[]> Operator(Tensor a) =>
        Lax.CustomLinear(x => [Np.MatMul(a, x[0])], ct => [Np.MatMul(Np.Transpose(a), ct[0]) * 2.0]);

    private static Tensor Apply(Tensor a, Tensor x) => Operator(a)([x])[0];

    // b operators of shape 2×N, each distinct.
    private static Tensor Operators(int b) =>
        Tensor.FromArray([.. Enumerable.Range(0, b * 2 * N).Select(k => Math.Cos(0.53 * k) + 0.02 * (k / (2 * N)))], b, 2, N);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void CustomLinear_Vmap_EqualsTheLoop(int b)
    {
        var (xs, x, ops) = (Examples(b, 0.9), Shared(0.5), Operators(b));
        AssertClose(Loop(b, e => Apply(s_a, xs[e])), Ad.Vmap<Tensor, Tensor>(v => Apply(s_a, v))(xs));
        AssertClose(Loop(b, e => Apply(ops[e], x)), Ad.Vmap<Tensor, Tensor, Tensor>(Apply, 0, null)(ops, x));
        AssertClose(Loop(b, e => Apply(ops[e], xs[e])), Ad.Vmap<Tensor, Tensor, Tensor>(Apply, 0, 0)(ops, xs));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void CustomLinear_GradOfVmap_RunsTheUsersTranspose_SummingForASharedInput(int b)
    {
        var (xs, x, ops) = (Examples(b, 1.2), Shared(0.1), Operators(b));
        // ∇ Σ sin(A xₑ) = 2Aᵀ cos(A xₑ) per example
        var g = Ad.Grad<Tensor>(v => Np.Sum(Lax.Sin(Ad.Vmap<Tensor, Tensor>(u => Apply(s_a, u))(v))))(xs);
        AssertClose(Loop(b, e => Np.MatMul(Np.Transpose(s_a), Lax.Cos(Np.MatMul(s_a, xs[e]))) * 2.0), g);
        // x shared by per-example operators Aₑ: Σₑ 2Aₑᵀ cos(Aₑ x)
        var h = Ad.Grad<Tensor>(v => Np.Sum(Lax.Sin(Ad.Vmap<Tensor, Tensor, Tensor>(Apply, 0, null)(ops, v))))(x);
        AssertClose(Np.Sum(Loop(b, e => Np.MatMul(Np.Transpose(ops[e]), Lax.Cos(Np.MatMul(ops[e], x))) * 2.0), 0), h);
        // the transpose of the batched operator is the batched user transpose; transposing twice gives it back
        var cts = Examples(b, 0.0)[.., ..2];
        var lt = Ad.LinearTranspose<Tensor, Tensor>(Ad.Vmap<Tensor, Tensor>(u => Apply(s_a, u)), xs);
        AssertClose(Loop(b, e => Np.MatMul(Np.Transpose(s_a), cts[e]) * 2.0), lt.Apply(cts));
        var twice = Ad.LinearTranspose<Tensor, Tensor>(lt.Apply, cts);
        AssertClose(Loop(b, e => Np.MatMul(s_a, xs[e])), twice.Apply(xs));
        // x shared: the transpose sums the examples' cotangents
        var ls = Ad.LinearTranspose<Tensor, Tensor>(v => Ad.Vmap<Tensor, Tensor, Tensor>(Apply, 0, null)(ops, v), x);
        AssertClose(Np.Sum(Loop(b, e => Np.MatMul(Np.Transpose(ops[e]), cts[e]) * 2.0), 0), ls.Apply(cts));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void CustomLinear_VmapOfGrad_PerExampleGradientsRunTheUsersTranspose(int b)
    {
        var (xs, ops) = (Examples(b, 2.6), Operators(b));
        Func<Tensor, Tensor> grad = v => Ad.Grad<Tensor>(u => Np.Sum(Lax.Sin(Apply(s_a, u))))(v);
        var g = Ad.Vmap(grad)(xs);
        AssertClose(Loop(b, e => grad(xs[e])), g);
        AssertClose(Loop(b, e => Np.MatMul(Np.Transpose(s_a), Lax.Cos(Np.MatMul(s_a, xs[e]))) * 2.0), g);
        // per-example operators and inputs
        Func<Tensor, Tensor, Tensor> gradOp = (a, v) => Ad.Grad<Tensor>(u => Np.Sum(Lax.Sin(Apply(a, u))))(v);
        AssertClose(Loop(b, e => gradOp(ops[e], xs[e])), Ad.Vmap(gradOp, 0, 0)(ops, xs));
    }
}
