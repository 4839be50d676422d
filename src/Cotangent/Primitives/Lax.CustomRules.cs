using Cotangent.Core;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

public static partial class Lax
{
    /// <summary>
    /// <paramref name="f"/> with a custom derivative rule (JAX's custom_jvp): the result evaluates f, and every
    /// transformation differentiates it with <paramref name="jvp"/>, (x, ẋ) → (f(x), ẏ). The rule must be linear in the
    /// tangents (checked; a <see cref="LinearityException"/> otherwise): reverse mode transposes its tangent part, so no
    /// separate VJP is written. Higher derivatives differentiate the rule itself. Eagerly, with no transformation active,
    /// f simply runs; otherwise f and the rule are traced at the arguments' types into one <c>custom_jvp_call</c>.
    /// </summary>
    /// <param name="f">The function, from the arguments to its results.</param>
    /// <param name="jvp">(primals, tangents) → (results, result tangents); one tangent per argument, of its type (zero
    /// for integer arguments), and one per result, of its type.</param>
    /// <returns>The function with the rule attached.</returns>
    /// <exception cref="LinearityException">(When called under a transformation) the rule is not linear in the tangents.</exception>
    /// <exception cref="ShapeException">(When called under a transformation) the rule returns values of the wrong number or types.</exception>
    /// <exception cref="DifferentiationException">A value that f or the rule captures from outside is differentiated; pass it as an argument.</exception>
    /// <example><code>
    /// // softplus(x) = log(1 + eˣ), computed stably, with the derivative σ(x) (which stays finite at x = 1000)
    /// var softplus = Lax.CustomJvp(
    ///     x => [Np.Maximum(x[0], 0.0) + Lax.Log1p(Lax.Exp(-Lax.Abs(x[0])))],
    ///     (x, t) => ([Np.Maximum(x[0], 0.0) + Lax.Log1p(Lax.Exp(-Lax.Abs(x[0])))], [t[0] * Lax.Logistic(x[0])]));
    /// </code></example>
    public static Func<Tensor[], Tensor[]> CustomJvp(Func<Tensor[], Tensor[]> f, Func<Tensor[], Tensor[], (Tensor[] Outputs, Tensor[] Tangents)> jvp)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(jvp);
        return args =>
        {
            RequireArguments(args);
            if (TraceContext.Current is null) return f(args);
            var avals = Staging.AvalsOf(args);
            var fun = ControlFlow.TraceClosed(f, avals, "CustomJvp");
            var rule = CustomRules.TraceJvpRule(jvp, avals, fun.Program.OutputAvals(), "CustomJvp");
            var (programs, consts) = CustomRules.ShareCaptured([fun, rule], "CustomJvp");
            CustomRules.CheckRuleLinear(programs[1], consts.Length, args.Length, "CustomJvp");
            return Catalogue.CustomJvpCall.Bind([.. consts, .. args], new CustomJvpParams(programs[0], programs[1], consts.Length));
        };
    }

    /// <summary>
    /// <paramref name="f"/> with a custom reverse-mode derivative (JAX's custom_vjp): <paramref name="fwd"/> computes the
    /// results and residuals, <paramref name="bwd"/> maps (residuals, result cotangents) to argument cotangents. Under
    /// Grad, Vjp and JacRev the forward pass runs during linearization and the tangent is a linear <c>custom_lin</c>
    /// equation whose transpose is bwd, so reverse mode stays linearize-then-transpose. Beyond JAX, forward mode (Jvp,
    /// JacFwd, and the inner forward pass of JacRev∘JacFwd) uses <paramref name="jvp"/> when given; without it forward mode
    /// raises a <see cref="DifferentiationException"/>. (Hessian = JacFwd∘Grad differentiates fwd and bwd themselves, as
    /// JAX does, so it needs no jvp rule when they are differentiable.)
    /// </summary>
    /// <param name="f">The function, from the arguments to its results.</param>
    /// <param name="fwd">The forward pass: arguments → (the results of f, the residuals bwd needs).</param>
    /// <param name="bwd">The backward pass: (residuals, result cotangents) → one cotangent per argument (of its type;
    /// for an integer argument any value, which is ignored).</param>
    /// <param name="jvp">Optional forward rule (primals, tangents) → (results, result tangents), linear in the tangents.</param>
    /// <returns>The function with the rules attached.</returns>
    /// <exception cref="ShapeException">(When called under a transformation) fwd, bwd or jvp return values of the wrong number or types.</exception>
    /// <exception cref="LinearityException">(When called under a transformation) the jvp rule is not linear in the tangents.</exception>
    /// <exception cref="DifferentiationException">Forward mode without a jvp rule, or a captured value is differentiated.</exception>
    /// <example><code>
    /// // straight-through estimator: round forwards, the identity backwards
    /// var ste = Lax.CustomVjp(x => [Lax.Round(x[0])], x => ([Lax.Round(x[0])], []), (r, ct) => [ct[0]]);
    /// </code></example>
    public static Func<Tensor[], Tensor[]> CustomVjp(Func<Tensor[], Tensor[]> f, Func<Tensor[], (Tensor[] Outputs, Tensor[] Residuals)> fwd,
        Func<Tensor[], Tensor[], Tensor[]> bwd, Func<Tensor[], Tensor[], (Tensor[] Outputs, Tensor[] Tangents)>? jvp = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(fwd);
        ArgumentNullException.ThrowIfNull(bwd);
        return args =>
        {
            RequireArguments(args);
            if (TraceContext.Current is null) return f(args);
            const string api = "CustomVjp";
            var avals = Staging.AvalsOf(args);
            int n = args.Length;
            var fun = ControlFlow.TraceClosed(f, avals, api);
            var outs = fun.Program.OutputAvals();
            int m = outs.Length;
            var forward = ControlFlow.TraceClosed(xs =>
            {
                var (o, r) = fwd(xs);
                if (o is null || r is null) throw new ArgumentException($"{api}: the forward pass returned a null outputs or residuals array.");
                CustomRules.CheckTypes(api, "the forward pass's outputs", Staging.AvalsOf(o), outs);
                return [.. o, .. r];
            }, avals, api);
            var residuals = forward.Program.OutputAvals()[m..];
            var backward = ControlFlow.TraceClosed(xs =>
            {
                var cts = bwd(xs[..residuals.Length], xs[residuals.Length..]);
                if (cts is null) throw new ArgumentException($"{api}: the backward pass returned null.");
                if (cts.Length != n) throw new ShapeException($"{api}: the backward pass must return one cotangent per argument ({n}) but returned {cts.Length}.");
                for (int i = 0; i < n; i++)
                {
                    ArgumentNullException.ThrowIfNull(cts[i], $"the backward pass's cotangent {i}");
                    if (Aval.CarriesTangent(avals[i].DType) && cts[i].Aval != avals[i])
                        throw Aval.MismatchError(cts[i].Aval, avals[i], $"{api}: the backward pass returned a cotangent of type {cts[i].Aval} for argument {i} of type {avals[i]}.");
                }

                return cts;
            }, [.. residuals, .. outs], api);
            var traced = new List<(Program, Tensor[])> { fun, forward, backward };
            if (jvp is not null) traced.Add(CustomRules.TraceJvpRule(jvp, avals, outs, api));
            var (programs, consts) = CustomRules.ShareCaptured(traced, api);
            if (jvp is not null) CustomRules.CheckRuleLinear(programs[3], consts.Length, n, api);
            var p = new CustomVjpParams(programs[0], programs[1], programs[2], jvp is null ? null : programs[3], consts.Length);
            return Catalogue.CustomVjpCall.Bind([.. consts, .. args], p);
        };
    }

    /// <summary>
    /// A user linear operator with its transpose (JAX's linear_call): the result applies <paramref name="f"/>, which must
    /// be linear in its arguments (checked), and transposition — reverse mode, <c>Ad.LinearTranspose</c> — uses
    /// <paramref name="transpose"/> instead of transposing f's operations, so a matrix-free operator can bring its own
    /// adjoint. The transpose is itself such an operator whose transpose is f, so transposing twice gives f back. Values
    /// the functions capture are the operator's data (held fixed under transposition; differentiated through f if they
    /// move).
    /// </summary>
    /// <param name="f">L: arguments → results, linear in the arguments.</param>
    /// <param name="transpose">Lᵀ: one cotangent per result → one per argument (of its type), linear.</param>
    /// <returns>The operator.</returns>
    /// <exception cref="LinearityException">(When called under a transformation) f or transpose is not linear.</exception>
    /// <exception cref="ShapeException">(When called under a transformation) transpose returns values of the wrong number or types.</exception>
    public static Func<Tensor[], Tensor[]> CustomLinear(Func<Tensor[], Tensor[]> f, Func<Tensor[], Tensor[]> transpose)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(transpose);
        return args =>
        {
            RequireArguments(args);
            if (TraceContext.Current is null) return f(args);
            const string api = "CustomLinear";
            var avals = Staging.AvalsOf(args);
            var fun = ControlFlow.TraceClosed(f, avals, api);
            var outs = fun.Program.OutputAvals();
            var back = ControlFlow.TraceClosed(cts =>
            {
                var xs = transpose(cts);
                if (xs is null) throw new ArgumentException($"{api}: the transpose returned null.");
                CustomRules.CheckTypes(api, "the transpose's results", Staging.AvalsOf(xs), avals);
                return xs;
            }, outs, api);
            var (programs, consts) = CustomRules.ShareCaptured([fun, back], api);
            CheckOperatorLinear(programs[0], consts.Length, api, "the operator");
            CheckOperatorLinear(programs[1], consts.Length, api, "the transpose");
            return Catalogue.CustomLinear.Bind([.. consts, .. args], new CustomLinearParams(programs[0], programs[1], consts.Length));
        };
    }

    // The argument array and every element must be present (a null would otherwise surface deep inside tracing).
    private static void RequireArguments(Tensor[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        foreach (var a in args) ArgumentNullException.ThrowIfNull(a, nameof(args));
    }

    // A program consts ++ xs → ys must be linear in the xs with the consts held fixed.
    private static void CheckOperatorLinear(Program program, int consts, string api, string what)
    {
        var linear = new bool[program.Inputs.Count];
        linear.AsSpan(consts).Fill(true);
        try
        {
            Transposition.CheckLinearity(Transposition.WithLinearInputs(program, linear));
        }
        catch (LinearityException e)
        {
            throw new LinearityException($"{api}: {what} must be linear in its arguments (values it captures are held fixed), but it is not. {e.Message}", e);
        }
    }
}
