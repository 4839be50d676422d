using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

/// <summary>
/// What the custom-rule primitives (custom_jvp_call, custom_vjp_call and custom_lin, custom_linear) share: tracing the
/// user's functions into closed programs that all take the same captured values as leading operands, checking the types
/// the user's functions return, and checking that a user's JVP rule is linear in its tangents.
/// </summary>
internal static class CustomRules
{
    /// <summary>
    /// Rebuilds traced programs (each from <see cref="ControlFlow.TraceClosed"/>, taking its own captured values first) so that
    /// every one takes the union of all captured values (each tensor once) followed by its own inputs.
    /// </summary>
    public static (Program[] Programs, Tensor[] Captured) ShareCaptured(IReadOnlyList<(Program Program, Tensor[] Captured)> traced, string transformation)
    {
        var all = new List<Tensor>();
        var index = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        var maps = new int[traced.Count][];
        for (int k = 0; k < traced.Count; k++)
        {
            var captured = traced[k].Captured;
            maps[k] = new int[captured.Length];
            for (int i = 0; i < captured.Length; i++)
            {
                if (!index.TryGetValue(captured[i], out int at))
                {
                    at = all.Count;
                    index[captured[i]] = at;
                    all.Add(captured[i]);
                }

                maps[k][i] = at;
            }
        }

        var programs = new Program[traced.Count];
        if (all.Count == 0)
        {
            for (int k = 0; k < programs.Length; k++) programs[k] = traced[k].Program;
            return (programs, []);
        }

        var allAvals = Staging.AvalsOf(all);
        for (int k = 0; k < programs.Length; k++)
        {
            var (program, own) = traced[k];
            var map = maps[k];
            var ownInputs = program.InputAvals()[own.Length..];
            programs[k] = Staging.MakeProgram(xs =>
            {
                var args = new Tensor[program.Inputs.Count];
                for (int i = 0; i < map.Length; i++) args[i] = xs[map[i]];
                for (int i = 0; i < ownInputs.Length; i++) args[map.Length + i] = xs[all.Count + i];
                return program.Evaluate(args);
            }, [.. allAvals, .. ownInputs], transformation);
        }

        return (programs, [.. all]);
    }

    /// <summary>Throws unless <paramref name="actual"/> are exactly <paramref name="expected"/> (what a user function returned against what it must).</summary>
    public static void CheckTypes(string api, string what, ReadOnlySpan<Aval> actual, ReadOnlySpan<Aval> expected)
    {
        if (actual.Length != expected.Length)
            throw new ShapeException($"{api}: {what} must be {expected.Length} values but {actual.Length} were returned.");
        for (int i = 0; i < actual.Length; i++)
        {
            if (actual[i] != expected[i])
                throw Aval.MismatchError(actual[i], expected[i], $"{api}: {what}, value {i}, has type {actual[i]} but must have type {expected[i]}.");
        }
    }

    /// <summary>
    /// Traces a user's JVP rule (primals, tangents) → (outputs, output tangents) at <paramref name="avals"/> into a closed
    /// program with inputs primals ++ tangents and outputs outputs ++ tangents, checking the counts and types against
    /// <paramref name="outputs"/> (the function's result types).
    /// </summary>
    public static (Program Program, Tensor[] Captured) TraceJvpRule(Func<Tensor[], Tensor[], (Tensor[] Outputs, Tensor[] Tangents)> jvp, Aval[] avals, Aval[] outputs, string api)
    {
        int n = avals.Length;
        var traced = ControlFlow.TraceClosed(xs =>
        {
            var (outs, touts) = jvp(xs[..n], xs[n..]);
            if (outs is null || touts is null) throw new ArgumentException($"{api}: the JVP rule returned a null outputs or tangents array.");
            CheckTypes(api, "the JVP rule's outputs", Staging.AvalsOf(outs), outputs);
            CheckTypes(api, "the JVP rule's tangents", Staging.AvalsOf(touts), outputs);
            return [.. outs, .. touts];
        }, [.. avals, .. avals], api);
        return traced;
    }

    /// <summary>
    /// Checks that a JVP rule program (inputs consts ++ primals ++ tangents, outputs primals ++ tangents) computes its
    /// float output tangents linearly from the input tangents: the rule is staged with the primals known and the tangents
    /// linear, and the linearity checker reads it. Reverse mode transposes exactly this tangent part, so a rule that is
    /// not linear (ẏ = ẋ² or ẏ = ẋ + 1) has no transpose and would give wrong gradients.
    /// </summary>
    /// <exception cref="LinearityException">The rule is not linear in the tangents; the message shows the offending equation.</exception>
    public static void CheckRuleLinear(Program rule, int consts, int args, string api)
    {
        var outAvals = rule.OutputAvals();
        int m = outAvals.Length / 2;
        var used = new bool[outAvals.Length];
        for (int i = 0; i < m; i++) used[m + i] = Aval.CarriesTangent(outAvals[m + i].DType);
        var keep = new bool[rule.Inputs.Count];
        Array.Fill(keep, true);
        var tangentPart = ControlFlow.Restrict(rule, used, keep);
        var linear = new bool[rule.Inputs.Count];
        for (int i = 0; i < args; i++) linear[consts + args + i] = Aval.CarriesTangent(rule.Inputs[consts + args + i].Aval.DType);
        try
        {
            Transposition.CheckLinearity(Transposition.WithLinearInputs(tangentPart, linear));
        }
        catch (LinearityException e)
        {
            throw new LinearityException($"{api}: the JVP rule must be linear in the tangents (ẏ = J(x)·ẋ, with the primals held fixed), " +
                $"since reverse mode transposes it; it is not. {e.Message}", e);
        }
    }

    /// <summary>The first non-null tangent (the level zeros are made at), or null.</summary>
    public static Tensor? Level(ReadOnlySpan<Tensor?> tangents)
    {
        foreach (var t in tangents) if (t is not null) return t;
        return null;
    }

    /// <summary>The error for a tangent of a value a custom rule's functions captured rather than received as an argument.</summary>
    public static DifferentiationException ClosedOver(string api, int index) => new(
        $"{api}: differentiating with respect to a value the function or its rules capture from outside (captured value {index}) " +
        "is not supported: the custom rule only says how the result depends on the explicit arguments (as in JAX). " +
        "Pass the value as an argument instead.");
}

/// <summary>
/// The parameters of <c>custom_jvp_call</c>: the function and its JVP rule as closed programs, both taking the
/// captured values first.
/// </summary>
/// <param name="Fun">Inputs consts ++ args; outputs the results.</param>
/// <param name="Jvp">Inputs consts ++ args ++ tangents (one per arg, of its type); outputs results ++ result tangents.</param>
/// <param name="Consts">How many leading operands are captured values.</param>
public sealed record CustomJvpParams(Program Fun, Program Jvp, int Consts) : Params, IParams<CustomJvpParams>
{
    private readonly ProgramParams _fun = new(Fun);
    private readonly ProgramParams _jvp = new(Jvp);

    /// <inheritdoc/>
    public bool Equals(CustomJvpParams? other) => other is not null && Consts == other.Consts && _fun.Equals(other._fun) && _jvp.Equals(other._jvp);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_fun, _jvp, Consts);

    /// <inheritdoc/>
    public override void Write(ParamWriter writer)
    {
        writer.Int("consts", Consts);
        writer.Program("fun", Fun);
        writer.Program("jvp", Jvp);
    }

    /// <inheritdoc/>
    public override IEnumerable<Program> SubPrograms => [Fun, Jvp];

    /// <inheritdoc/>
    public static CustomJvpParams Read(ParamReader reader)
    {
        int consts = reader.Int("consts");
        var fun = reader.Program("fun");
        return new CustomJvpParams(fun, reader.Program("jvp"), consts);
    }

    /// <summary>The number of explicit arguments.</summary>
    public int Args => Fun.Inputs.Count - Consts;
}

/// <summary>The catalogue entry of custom_jvp_call.</summary>
public static partial class Catalogue
{
    /// <summary>custom_jvp_call: see <see cref="Primitives.CustomJvpCall"/>.</summary>
    public static readonly CustomJvpCall CustomJvpCall = new();
}

/// <summary>
/// custom_jvp_call (JAX's custom_jvp_call): <c>custom_jvp_call[consts, fun, jvp] consts…, args…</c> is <c>fun(args)</c>,
/// differentiated by the user's rule: (y, ẏ) = jvp(x, ẋ). The rule is evaluated under the current trace, so under
/// Linearize its primal part is computed now and its tangent part (checked linear when the call was made) is recorded
/// into the linear program and transposed like any other: reverse mode needs no separate VJP. Higher orders differentiate
/// the rule itself. Captured values must not carry tangents.
/// </summary>
public sealed class CustomJvpCall() : MultiResultPrimitive<CustomJvpParams>("custom_jvp_call"), IJvpRule, IDceRule, IBatchRule
{
    /// <inheritdoc/>
    public override NDArray[] Impl(ReadOnlySpan<NDArray> args, CustomJvpParams p) => ControlFlow.EvaluateConcrete(p.Fun, args);

    /// <inheritdoc/>
    public override Aval[] AbstractEval(ReadOnlySpan<Aval> args, CustomJvpParams p)
    {
        ControlFlow.CheckInputs(Name, "the function", p.Fun, args);
        int n = p.Args;
        var jvpInputs = p.Jvp.InputAvals();
        var outs = p.Fun.OutputAvals();
        if (jvpInputs.Length != p.Consts + 2 * n)
            throw new ShapeException($"{Name}: the JVP rule takes {jvpInputs.Length} operands but {p.Consts} captured values, {n} primals and {n} tangents are {p.Consts + 2 * n}.");
        CustomRules.CheckTypes(Name, "the JVP rule's inputs", jvpInputs.AsSpan(0, p.Consts + n), args);
        CustomRules.CheckTypes(Name, "the JVP rule's tangent inputs", jvpInputs.AsSpan(p.Consts + n), args[p.Consts..]);
        CustomRules.CheckTypes(Name, "the JVP rule's results", p.Jvp.OutputAvals(), [.. outs, .. outs]);
        return outs;
    }

    /// <summary>(y, ẏ) = jvp(x, ẋ), the user's rule evaluated under the current trace; zero tangents are instantiated.</summary>
    public void Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Params parameters, Span<Tensor> primalsOut, Span<Tensor?> tangentsOut)
    {
        var p = Typed(parameters);
        int nc = p.Consts, n = p.Args;
        for (int i = 0; i < nc; i++) if (tangents[i] is not null) throw CustomRules.ClosedOver("CustomJvp", i);
        var level = CustomRules.Level(tangents)!;
        var args = new Tensor[nc + 2 * n];
        primals.CopyTo(args);
        for (int i = 0; i < n; i++) args[nc + n + i] = tangents[nc + i] ?? Builtins.ZerosAt(level, primals[nc + i].Aval);
        var outs = p.Jvp.Evaluate(args);
        int m = primalsOut.Length;
        for (int i = 0; i < m; i++)
        {
            primalsOut[i] = outs[i];
            tangentsOut[i] = outs[m + i];
        }
    }

    /// <summary>
    /// A custom_jvp_call of the batched function and rule, so the user's rule still differentiates the batched call (Grad
    /// of Vmap). The rule's tangent inputs are batched exactly where their primals are (a tangent has its primal's type).
    /// A result is batched when the function, the rule's result or the rule's tangent batches it, and all three are then
    /// forced to batch it, since they must share one type. Forcing an output feeds nothing back into the programs, so this
    /// output fixpoint is reached after one union.
    /// </summary>
    public void Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, Params parameters, Span<Tensor> results, Span<int> resultDims)
    {
        var p = Typed(parameters);
        int nc = p.Consts, m = results.Length;
        var mask = BatchPrograms.Mask(dims);
        bool[] jvpInputs = [.. mask, .. mask.AsSpan(nc)];
        var fun0 = Batching.BatchProgram(p.Fun, mask, axisSize);
        var rule0 = Batching.BatchProgram(p.Jvp, jvpInputs, axisSize);
        var outs = (bool[])fun0.BatchedOutputs.Clone();
        for (int i = 0; i < m; i++) outs[i] |= rule0.BatchedOutputs[i] || rule0.BatchedOutputs[m + i];
        var fun = BatchPrograms.Forced(p.Fun, mask, axisSize, fun0, outs);
        var jvp = BatchPrograms.Forced(p.Jvp, jvpInputs, axisSize, rule0, [.. outs, .. outs]);
        Dispatch.BindInto(this, BatchPrograms.Fronted(args, dims), new CustomJvpParams(fun, jvp, nc), results);
        BatchPrograms.Dims(outs, resultDims);
    }

    /// <summary>
    /// Keeps the used results in both programs (a result and its tangent together); an argument stays when the function
    /// or the rule reads it or its tangent, a captured value when either program reads it.
    /// </summary>
    public bool Dce(Equation equation, ReadOnlySpan<bool> usedOutputs, Span<bool> usedInputs, out Equation pruned)
    {
        var p = Typed(equation.Parameters);
        int nc = p.Consts, n = p.Args, m = usedOutputs.Length;
        var funReads = new bool[nc + n];
        Transforms.Dce.Prune(p.Fun, usedOutputs, funReads);
        var jvpUsed = new bool[2 * m];
        usedOutputs.CopyTo(jvpUsed);
        usedOutputs.CopyTo(jvpUsed.AsSpan(m));
        var jvpReads = new bool[nc + 2 * n];
        Transforms.Dce.Prune(p.Jvp, jvpUsed, jvpReads);
        for (int i = 0; i < nc; i++) usedInputs[i] = funReads[i] || jvpReads[i];
        for (int i = 0; i < n; i++) usedInputs[nc + i] = funReads[nc + i] || jvpReads[nc + i] || jvpReads[nc + n + i];
        if (!usedOutputs.Contains(false) && !usedInputs.Contains(false))
        {
            pruned = equation;
            return true;
        }

        var funKeep = usedInputs.ToArray();
        var jvpKeep = new bool[nc + 2 * n];
        usedInputs.CopyTo(jvpKeep);
        usedInputs[nc..].CopyTo(jvpKeep.AsSpan(nc + n));
        int keptConsts = 0;
        for (int i = 0; i < nc; i++) if (usedInputs[i]) keptConsts++;
        var inputs = new List<Atom>();
        for (int i = 0; i < equation.Inputs.Length; i++) if (usedInputs[i]) inputs.Add(equation.Inputs[i]);
        var outputs = new List<Var>();
        for (int i = 0; i < equation.Outputs.Length; i++) if (usedOutputs[i]) outputs.Add(equation.Outputs[i]);
        var parameters = new CustomJvpParams(ControlFlow.Restrict(p.Fun, usedOutputs, funKeep), ControlFlow.Restrict(p.Jvp, jvpUsed, jvpKeep), keptConsts);
        pruned = new Equation(this, [.. inputs], new VarList([.. outputs]), parameters);
        return outputs.Count > 0;
    }
}
