using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

/// <summary>
/// The parameters of <c>custom_vjp_call</c>: the function, its forward pass, its backward pass and, optionally, a JVP
/// rule, as closed programs that all take the captured values first.
/// </summary>
/// <param name="Fun">Inputs consts ++ args; outputs the results.</param>
/// <param name="Fwd">Inputs consts ++ args; outputs the results ++ residuals.</param>
/// <param name="Bwd">Inputs consts ++ residuals ++ result cotangents; outputs one cotangent per arg.</param>
/// <param name="Jvp">Null, or inputs consts ++ args ++ tangents; outputs results ++ result tangents.</param>
/// <param name="Consts">How many leading operands are captured values.</param>
public sealed record CustomVjpParams(Program Fun, Program Fwd, Program Bwd, Program? Jvp, int Consts) : Params, IParams<CustomVjpParams>
{
    private readonly ProgramParams _fun = new(Fun);
    private readonly ProgramParams _fwd = new(Fwd);
    private readonly ProgramParams _bwd = new(Bwd);
    private readonly ProgramParams? _jvp = Jvp is null ? null : new(Jvp);

    /// <inheritdoc/>
    public bool Equals(CustomVjpParams? other) => other is not null && Consts == other.Consts && _fun.Equals(other._fun)
        && _fwd.Equals(other._fwd) && _bwd.Equals(other._bwd) && Equals(_jvp, other._jvp);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_fun, _fwd, _bwd, _jvp, Consts);

    /// <inheritdoc/>
    public override void Write(ParamWriter writer)
    {
        writer.Int("consts", Consts);
        writer.Bool("has_jvp", Jvp is not null);
        writer.Program("fun", Fun);
        writer.Program("fwd", Fwd);
        writer.Program("bwd", Bwd);
        if (Jvp is not null) writer.Program("jvp", Jvp);
    }

    /// <inheritdoc/>
    public override IEnumerable<Program> SubPrograms => Jvp is null ? [Fun, Fwd, Bwd] : [Fun, Fwd, Bwd, Jvp];

    /// <inheritdoc/>
    public static CustomVjpParams Read(ParamReader reader)
    {
        int consts = reader.Int("consts");
        bool hasJvp = reader.Bool("has_jvp");
        var fun = reader.Program("fun");
        var fwd = reader.Program("fwd");
        var bwd = reader.Program("bwd");
        return new CustomVjpParams(fun, fwd, bwd, hasJvp ? reader.Program("jvp") : null, consts);
    }

    /// <summary>The number of explicit arguments.</summary>
    public int Args => Fun.Inputs.Count - Consts;

    /// <summary>The number of residuals the forward pass saves.</summary>
    public int Residuals => Fwd.Outputs.Count - Fun.Outputs.Count;
}

/// <summary>
/// The parameters of <c>custom_lin</c>: the backward pass that is its transpose and, optionally, the JVP rule's tangent
/// part that evaluates it forwards.
/// </summary>
/// <param name="Bwd">Inputs consts ++ residuals ++ result cotangents; outputs one cotangent per arg.</param>
/// <param name="Jvp">Null, or inputs consts ++ args ++ tangents (one per arg); outputs the result tangents.</param>
/// <param name="Consts">How many leading operands are captured values.</param>
/// <param name="Args">How many primal arguments follow them.</param>
/// <param name="Residuals">How many residuals follow the arguments; then come the tangents of the float arguments.</param>
public sealed record CustomLinParams(Program Bwd, Program? Jvp, int Consts, int Args, int Residuals) : Params, IParams<CustomLinParams>
{
    private readonly ProgramParams _bwd = new(Bwd);
    private readonly ProgramParams? _jvp = Jvp is null ? null : new(Jvp);

    /// <inheritdoc/>
    public bool Equals(CustomLinParams? other) => other is not null && Consts == other.Consts && Args == other.Args
        && Residuals == other.Residuals && _bwd.Equals(other._bwd) && Equals(_jvp, other._jvp);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_bwd, _jvp, Consts, Args, Residuals);

    /// <inheritdoc/>
    public override void Write(ParamWriter writer)
    {
        writer.Int("consts", Consts);
        writer.Int("args", Args);
        writer.Int("residuals", Residuals);
        writer.Bool("has_jvp", Jvp is not null);
        writer.Program("bwd", Bwd);
        if (Jvp is not null) writer.Program("jvp", Jvp);
    }

    /// <inheritdoc/>
    public override IEnumerable<Program> SubPrograms => Jvp is null ? [Bwd] : [Bwd, Jvp];

    /// <inheritdoc/>
    public static CustomLinParams Read(ParamReader reader)
    {
        int consts = reader.Int("consts");
        int args = reader.Int("args");
        int residuals = reader.Int("residuals");
        bool hasJvp = reader.Bool("has_jvp");
        var bwd = reader.Program("bwd");
        return new CustomLinParams(bwd, hasJvp ? reader.Program("jvp") : null, consts, args, residuals);
    }

    /// <summary>The index of the first tangent operand.</summary>
    public int TangentStart => Consts + Args + Residuals;
}

/// <summary>The catalogue entries of custom_vjp_call and custom_lin.</summary>
public static partial class Catalogue
{
    /// <summary>custom_vjp_call: see <see cref="Primitives.CustomVjpCall"/>.</summary>
    public static readonly CustomVjpCall CustomVjpCall = new();

    /// <summary>custom_lin: see <see cref="Primitives.CustomLin"/>.</summary>
    public static readonly CustomLin CustomLin = new();
}

/// <summary>
/// custom_vjp_call (JAX's custom_vjp_call): <c>custom_vjp_call[consts, has_jvp, fun, fwd, bwd, jvp?] consts…, args…</c>
/// is <c>fun(args)</c>, whose reverse-mode derivative is the user's backward pass. Its JVP runs the forward pass now
/// (results and residuals) and gives as tangent a <c>custom_lin</c> of the residuals and the input tangents: under
/// Linearize that equation is recorded into the linear program and its transpose rule runs the backward pass, so no
/// backward tape exists. Captured values must not carry tangents.
/// </summary>
public sealed class CustomVjpCall() : MultiResultPrimitive<CustomVjpParams>("custom_vjp_call"), IJvpRule, IBatchRule
{
    /// <inheritdoc/>
    public override NDArray[] Impl(ReadOnlySpan<NDArray> args, CustomVjpParams p) => ControlFlow.EvaluateConcrete(p.Fun, args);

    /// <inheritdoc/>
    public override Aval[] AbstractEval(ReadOnlySpan<Aval> args, CustomVjpParams p)
    {
        ControlFlow.CheckInputs(Name, "the function", p.Fun, args);
        ControlFlow.CheckInputs(Name, "the forward pass", p.Fwd, args);
        var outs = p.Fun.OutputAvals();
        var fwdOuts = p.Fwd.OutputAvals();
        if (fwdOuts.Length < outs.Length)
            throw new ShapeException($"{Name}: the forward pass returns {fwdOuts.Length} values, fewer than the function's {outs.Length} results.");
        CustomRules.CheckTypes(Name, "the forward pass's results", fwdOuts.AsSpan(0, outs.Length), outs);
        CustomRules.CheckTypes(Name, "the backward pass's inputs", p.Bwd.InputAvals(), [.. args[..p.Consts], .. fwdOuts.AsSpan(outs.Length), .. outs]);
        if (p.Bwd.Outputs.Count != p.Args)
            throw new ShapeException($"{Name}: the backward pass returns {p.Bwd.Outputs.Count} cotangents for {p.Args} arguments.");
        if (p.Jvp is { } jvp)
        {
            CustomRules.CheckTypes(Name, "the JVP rule's inputs", jvp.InputAvals(), [.. args, .. args[p.Consts..]]);
            CustomRules.CheckTypes(Name, "the JVP rule's results", jvp.OutputAvals(), [.. outs, .. outs]);
        }

        return outs;
    }

    /// <summary>
    /// (y, r) = fwd(x) now; ẏ = custom_lin(x, r, ẋ), whose transpose is bwd(r, ·) and whose forward evaluation (if a JVP
    /// rule was given) is the rule's tangent part.
    /// </summary>
    public void Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Params parameters, Span<Tensor> primalsOut, Span<Tensor?> tangentsOut)
    {
        var p = Typed(parameters);
        int nc = p.Consts, n = p.Args, m = primalsOut.Length;
        for (int i = 0; i < nc; i++) if (tangents[i] is not null) throw CustomRules.ClosedOver("CustomVjp", i);
        var level = CustomRules.Level(tangents)!;
        var fwd = p.Fwd.Evaluate(primals);
        var linArgs = new List<Tensor>(primals.ToArray());
        linArgs.AddRange(fwd.AsSpan(m));
        for (int i = 0; i < n; i++)
        {
            var x = primals[nc + i];
            if (Aval.CarriesTangent(x.DType)) linArgs.Add(tangents[nc + i] ?? Builtins.ZerosAt(level, x.Aval));
        }

        // The rule's tangent part alone: forward evaluation of custom_lin needs no primal results.
        Program? jvpTangents = null;
        if (p.Jvp is { } jvp)
        {
            var used = new bool[2 * m];
            used.AsSpan(m).Fill(true);
            var keep = new bool[jvp.Inputs.Count];
            Array.Fill(keep, true);
            jvpTangents = ControlFlow.Restrict(jvp, used, keep);
        }

        var lin = Catalogue.CustomLin.Bind([.. linArgs], new CustomLinParams(p.Bwd, jvpTangents, nc, n, p.Residuals));
        for (int i = 0; i < m; i++)
        {
            primalsOut[i] = fwd[i];
            tangentsOut[i] = lin[i];
        }
    }

    /// <summary>
    /// A custom_vjp_call of the batched programs (JAX's custom_vjp batching), so the user's backward pass still runs under
    /// Grad of Vmap. A result is batched when the function, the forward pass or the JVP rule batches it (all are then forced
    /// to, as they share its type); the residuals are batched as the forward pass makes them. The backward pass takes the
    /// captured values, those residuals and cotangents batched as the results, and returns each argument's cotangent
    /// batched as that argument: broadcast when the argument is batched, and summed over the batch when it is not (an
    /// argument shared by every example collects x̄ = Σₑ x̄ₑ).
    /// </summary>
    public void Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, Params parameters, Span<Tensor> results, Span<int> resultDims)
    {
        var p = Typed(parameters);
        int nc = p.Consts, m = results.Length;
        var mask = BatchPrograms.Mask(dims);
        bool[] jvpInputs = [.. mask, .. mask.AsSpan(nc)];
        var fun0 = Batching.BatchProgram(p.Fun, mask, axisSize);
        var fwd0 = Batching.BatchProgram(p.Fwd, mask, axisSize);
        var outs = (bool[])fun0.BatchedOutputs.Clone();
        for (int i = 0; i < m; i++) outs[i] |= fwd0.BatchedOutputs[i];
        (Program, bool[])? rule0 = null;
        if (p.Jvp is { } rule)
        {
            var batched = Batching.BatchProgram(rule, jvpInputs, axisSize);
            for (int i = 0; i < m; i++) outs[i] |= batched.BatchedOutputs[i] || batched.BatchedOutputs[m + i];
            rule0 = batched;
        }

        var residuals = fwd0.BatchedOutputs[m..];
        var fun = BatchPrograms.Forced(p.Fun, mask, axisSize, fun0, outs);
        var fwd = BatchPrograms.Forced(p.Fwd, mask, axisSize, fwd0, [.. outs, .. residuals]);
        var jvp = p.Jvp is null ? null : BatchPrograms.Forced(p.Jvp, jvpInputs, axisSize, rule0!.Value, [.. outs, .. outs]);
        var bwd = BatchPrograms.Matched(p.Bwd, [.. mask.AsSpan(0, nc), .. residuals, .. outs], mask.AsSpan(nc), axisSize);
        Dispatch.BindInto(this, BatchPrograms.Fronted(args, dims), new CustomVjpParams(fun, fwd, bwd, jvp, nc), results);
        BatchPrograms.Dims(outs, resultDims);
    }
}

/// <summary>
/// custom_lin (JAX's custom_lin): <c>custom_lin[consts, args, residuals, has_jvp, bwd, jvp?] consts…, args…, residuals…,
/// tangents…</c>, the tangent of a custom_vjp function: linear in the tangents (one per float argument), with every other
/// operand known. Its transpose is the user's backward pass, x̄ = bwd(r, ȳ). Evaluating it forwards (forward mode: Jvp,
/// JacFwd) needs the JVP rule given to <c>Lax.CustomVjp</c>; without one it raises a <see cref="DifferentiationException"/>.
/// </summary>
public sealed class CustomLin() : MultiResultPrimitive<CustomLinParams>("custom_lin"), IJvpRule, ITransposeRule, IBatchRule
{
    private static DifferentiationException NeedsJvp() => new(
        "Forward-mode differentiation (Jvp, JacFwd, or a Jvp inside another transformation) of a function defined with " +
        "Lax.CustomVjp needs a JVP rule: its backward pass only defines reverse mode. Pass the jvp argument of Lax.CustomVjp " +
        "(beyond JAX, which has no forward mode for custom_vjp), or differentiate in reverse mode (Grad, Vjp, JacRev).");

    /// <inheritdoc/>
    public override NDArray[] Impl(ReadOnlySpan<NDArray> args, CustomLinParams p)
    {
        if (p.Jvp is null) throw NeedsJvp();
        var argAvals = new Aval[p.Args];
        for (int i = 0; i < argAvals.Length; i++) argAvals[i] = new Aval(args[p.Consts + i].Shape, args[p.Consts + i].DType);
        return ControlFlow.EvaluateConcrete(p.Jvp, JvpOperands(args, argAvals, p, aval => NDArray.Zeros(aval.DType, aval.Shape)));
    }

    /// <summary>consts ++ args ++ one tangent per arg (zeros for the args that carry none) from custom_lin's operands.</summary>
    private static T[] JvpOperands<T>(ReadOnlySpan<T> operands, Aval[] argAvals, CustomLinParams p, Func<Aval, T> zero)
    {
        int nc = p.Consts, n = p.Args;
        var result = new T[nc + 2 * n];
        operands[..(nc + n)].CopyTo(result);
        for (int i = 0, k = p.TangentStart; i < n; i++)
            result[nc + n + i] = Aval.CarriesTangent(argAvals[i].DType) ? operands[k++] : zero(argAvals[i]);
        return result;
    }

    /// <inheritdoc/>
    public override Aval[] AbstractEval(ReadOnlySpan<Aval> args, CustomLinParams p)
    {
        int nc = p.Consts, n = p.Args, nr = p.Residuals;
        var bwdIn = p.Bwd.InputAvals();
        var outs = bwdIn[(nc + nr)..];
        var expected = new List<Aval>(args.Length);
        if (args.Length < nc + n + nr)
            throw new ShapeException($"{Name}: takes at least {nc + n + nr} operands ({nc} captured, {n} arguments, {nr} residuals) but {args.Length} were given.");
        expected.AddRange(args[..nc]);
        for (int i = 0; i < n; i++) expected.Add(args[nc + i]);
        expected.AddRange(bwdIn.AsSpan(nc, nr));
        for (int i = 0; i < n; i++) if (Aval.CarriesTangent(args[nc + i].DType)) expected.Add(args[nc + i]);
        CustomRules.CheckTypes(Name, "the operands", args, [.. expected]);
        CustomRules.CheckTypes(Name, "the backward pass's captured inputs", bwdIn.AsSpan(0, nc), args[..nc]);
        if (p.Bwd.Outputs.Count != n)
            throw new ShapeException($"{Name}: the backward pass returns {p.Bwd.Outputs.Count} cotangents for {n} arguments.");
        for (int i = 0; i < n; i++)
        {
            if (Aval.CarriesTangent(args[nc + i].DType) && p.Bwd.Outputs[i].Aval != args[nc + i])
                throw Aval.MismatchError(p.Bwd.Outputs[i].Aval, args[nc + i], $"{Name}: the backward pass returns a cotangent of type {p.Bwd.Outputs[i].Aval} for argument {i} of type {args[nc + i]}.");
        }

        if (p.Jvp is { } jvp) CustomRules.CheckTypes(Name, "the JVP rule's tangents", jvp.OutputAvals(), outs);
        return outs;
    }

    /// <summary>
    /// With a JVP rule, custom_lin(x, r, ṫ) = jvpᵗ(x, ṫ), so its JVP is that program's (the residuals do not enter). Without
    /// one it is linear in the tangents, ẏ = custom_lin(x, r, ẗ); a perturbation of x or r has no rule.
    /// </summary>
    public void Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Params parameters, Span<Tensor> primalsOut, Span<Tensor?> tangentsOut)
    {
        var p = Typed(parameters);
        if (p.Jvp is { } jvp)
        {
            var level = CustomRules.Level(tangents)!;
            var argAvals = new Aval[p.Args];
            for (int i = 0; i < argAvals.Length; i++) argAvals[i] = primals[p.Consts + i].Aval;
            var xs = JvpOperands(primals, argAvals, p, aval => Builtins.ZerosAt(level, aval));
            var ts = JvpOperands(tangents, argAvals, p, _ => (Tensor?)null);
            var (outs, touts) = ForwardMode.Jvp(a => jvp.Evaluate(a), xs, ts, "custom_lin");
            outs.CopyTo(primalsOut);
            touts.CopyTo(tangentsOut);
            return;
        }

        int start = p.TangentStart;
        for (int i = 0; i < start; i++) if (tangents[i] is not null) throw NeedsJvp();
        var tangentLevel = CustomRules.Level(tangents[start..])!;
        var args = primals.ToArray();
        for (int i = start; i < args.Length; i++) args[i] = tangents[i] ?? Builtins.ZerosAt(tangentLevel, primals[i].Aval);
        var values = Bind(primals, p);
        var lin = Bind(args, p);
        values.CopyTo(primalsOut);
        for (int i = 0; i < lin.Length; i++) tangentsOut[i] = lin[i];
    }

    /// <summary>Linear in the tangents together: every captured value, argument and residual is known.</summary>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, Params parameters)
    {
        int start = Typed(parameters).TangentStart;
        return !linear[..start].Contains(true) && !linear[start..].Contains(false);
    }

    /// <summary>x̄ = bwd(r, ȳ): the user's backward pass, with zero cotangents instantiated.</summary>
    public void Transpose(ReadOnlySpan<Tensor?> cotangents, ReadOnlySpan<TransposeArg> args, Params parameters, Span<Tensor?> result)
    {
        var p = Typed(parameters);
        int nc = p.Consts, n = p.Args, nr = p.Residuals;
        var level = CustomRules.Level(cotangents)!;
        var outAvals = p.Bwd.InputAvals()[(nc + nr)..];
        var bwdArgs = new Tensor[nc + nr + cotangents.Length];
        for (int i = 0; i < nc; i++) bwdArgs[i] = args[i].Value!;
        for (int i = 0; i < nr; i++) bwdArgs[nc + i] = args[nc + n + i].Value!;
        for (int j = 0; j < cotangents.Length; j++) bwdArgs[nc + nr + j] = cotangents[j] ?? Builtins.ZerosAt(level, outAvals[j]);
        var cts = p.Bwd.Evaluate(bwdArgs);
        for (int i = 0, k = p.TangentStart; i < n; i++)
        {
            if (!Aval.CarriesTangent(args[nc + i].Aval.DType)) continue;
            if (args[k].IsLinear) result[k] = cts[i];
            k++;
        }
    }

    /// <summary>
    /// A custom_lin of the batched backward pass and JVP rule. An argument and its tangent must share one type, so both are
    /// batched (at 0, broadcasting the other) when either is. Every result tangent is batched: some operand is, and a
    /// tangent out of residuals or tangents that vary per example varies too. The backward pass takes cotangents batched as
    /// those results and returns each argument's cotangent batched as the argument and its tangent: summed over the batch
    /// where they are not (x̄ = Σₑ x̄ₑ, the transpose of sharing x across the examples). The JVP rule takes the arguments
    /// and one tangent per argument batched alike.
    /// </summary>
    public void Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, Params parameters, Span<Tensor> results, Span<int> resultDims)
    {
        var p = Typed(parameters);
        int nc = p.Consts, n = p.Args, start = p.TangentStart;
        var mask = BatchPrograms.Mask(dims);
        var operands = (bool[])mask.Clone();
        var argBatched = new bool[n];
        for (int i = 0, k = start; i < n; i++)
        {
            argBatched[i] = mask[nc + i];
            if (!Aval.CarriesTangent(args[nc + i].DType)) continue;
            argBatched[i] |= mask[k];
            operands[nc + i] = operands[k] = argBatched[i];
            k++;
        }

        var outs = new bool[results.Length];
        Array.Fill(outs, true);
        var bwd = BatchPrograms.Matched(p.Bwd, [.. mask.AsSpan(0, nc), .. mask.AsSpan(nc + n, p.Residuals), .. outs], argBatched, axisSize);
        var jvp = p.Jvp is null ? null : Batching.BatchProgram(p.Jvp, [.. mask.AsSpan(0, nc), .. argBatched, .. argBatched], axisSize, outs).Program;
        Dispatch.BindInto(this, BatchPrograms.AsMasked(args, dims, operands, axisSize), new CustomLinParams(bwd, jvp, nc, n, p.Residuals), results);
        BatchPrograms.Dims(outs, resultDims);
    }
}
