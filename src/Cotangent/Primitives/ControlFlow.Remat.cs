using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

/// <summary>
/// Which values computed inside a <see cref="Lax.Checkpoint"/> region reverse mode keeps (JAX's checkpoint policies).
/// Everything else the region's linear program needs is recomputed from the region's inputs and the kept values when
/// the backward pass reaches it.
/// </summary>
public sealed record RematPolicy
{
    private RematPolicy(string kind, IReadOnlyList<string> names)
    {
        Kind = kind;
        Names = names;
    }

    /// <summary>The policy's name as printed: <c>nothing</c>, <c>dots</c>, <c>names</c> or <c>everything</c>.</summary>
    public string Kind { get; }

    /// <summary>For <see cref="SaveNames"/>, the names whose values are kept.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Keep nothing: only the region's inputs; the whole forward computation is redone in the backward pass.</summary>
    public static RematPolicy Nothing { get; } = new("nothing", []);

    /// <summary>Keep the results of dot_general (the expensive products); recompute the elementwise work around them.</summary>
    public static RematPolicy Dots { get; } = new("dots", []);

    /// <summary>Keep every residual (the same as no checkpoint); for comparison.</summary>
    public static RematPolicy Everything { get; } = new("everything", []);

    /// <summary>Keep the values tagged with <see cref="Lax.SaveName"/> under one of <paramref name="names"/>.</summary>
    /// <exception cref="ArgumentException">A name is not an identifier (letters, digits, '_', not starting with a digit).</exception>
    public static RematPolicy SaveNames(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (var n in names) NameTagParams.CheckName(n);
        return new("names", [.. names]);
    }

    /// <summary>Whether the results of <paramref name="equation"/> are kept.</summary>
    public bool Saves(Equation equation) => Kind switch
    {
        "everything" => true,
        "dots" => ReferenceEquals(equation.Primitive, Catalogue.DotGeneral),
        "names" => equation.Parameters is NameTagParams n && Names.Contains(n.Name),
        _ => false,
    };

    /// <inheritdoc/>
    public bool Equals(RematPolicy? other) => other is not null && Kind == other.Kind && Names.SequenceEqual(other.Names);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Names.Count);

    /// <summary>The policy from its printed kind and names.</summary>
    internal static RematPolicy Parse(string kind, string[] names) => kind switch
    {
        "nothing" => Nothing,
        "dots" => Dots,
        "everything" => Everything,
        "names" => SaveNames(names),
        _ => throw new ArgumentException($"Unknown checkpoint policy '{kind}'; expected nothing, dots, names or everything."),
    };
}

/// <summary>The parameters of <c>remat</c>: the region's program and the policy.</summary>
/// <param name="Program">The closed program of the region.</param>
/// <param name="Policy">Which computed values reverse mode keeps.</param>
public sealed record RematParams(Program Program, RematPolicy Policy) : Params, IParams<RematParams>
{
    private readonly ProgramParams _program = new(Program);

    /// <inheritdoc/>
    public bool Equals(RematParams? other) => other is not null && Policy.Equals(other.Policy) && _program.Equals(other._program);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_program, Policy);

    /// <inheritdoc/>
    public override void Write(ParamWriter writer)
    {
        writer.Name("policy", Policy.Kind);
        writer.Names("names", Policy.Names);
        writer.Program("program", Program);
    }

    /// <inheritdoc/>
    public override IEnumerable<Program> SubPrograms => [Program];

    /// <inheritdoc/>
    public static RematParams Read(ParamReader reader)
    {
        var kind = reader.Name("policy");
        var names = reader.Names("names");
        return new RematParams(reader.Program("program"), RematPolicy.Parse(kind, names));
    }
}

/// <summary>The catalogue entry of remat.</summary>
public static partial class Catalogue
{
    /// <summary>remat: see <see cref="Primitives.Remat"/>.</summary>
    public static readonly Remat Remat = new();
}

/// <summary>
/// remat (JAX's checkpoint): applies a region's program; under reverse mode the policy decides which of the values the
/// region computes are kept as residuals. Partial evaluation runs the region's known part now but keeps only the policy's
/// values; it stages a <c>remat</c> whose program recomputes the other residuals from the region's inputs and those
/// values, followed by the linear part. The backward pass (the transpose rule) evaluates that recomputation forward and
/// transposes the linear part, so the memory held between the forward and backward passes is the policy's alone.
/// </summary>
public sealed class Remat() : MultiResultPrimitive<RematParams>("remat"), IJvpRule, IPartialEvalRule, IDceRule, ITransposeRule, IBatchRule
{
    /// <inheritdoc/>
    public override NDArray[] Impl(ReadOnlySpan<NDArray> args, RematParams p) => ControlFlow.EvaluateConcrete(p.Program, args);

    /// <inheritdoc/>
    public override Aval[] AbstractEval(ReadOnlySpan<Aval> args, RematParams p)
    {
        ControlFlow.CheckInputs(Name, "the region", p.Program, args);
        return p.Program.OutputAvals();
    }

    /// <summary>(y, ẏ) = remat(jvp(region)): the tangent computation stays inside the region, under the same policy.</summary>
    public void Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Params parameters, Span<Tensor> primalsOut, Span<Tensor?> tangentsOut)
    {
        var p = Typed(parameters);
        var nz = new bool[tangents.Length];
        for (int i = 0; i < nz.Length; i++) nz[i] = tangents[i] is not null;
        var (jvp, nzOut) = ForwardMode.JvpProgram(p.Program, nz);
        var args = new List<Tensor>(primals.ToArray());
        for (int i = 0; i < nz.Length; i++) if (nz[i]) args.Add(tangents[i]!);
        var results = Bind([.. args], new RematParams(jvp, p.Policy));
        for (int i = 0, t = primalsOut.Length; i < primalsOut.Length; i++)
        {
            primalsOut[i] = results[i];
            tangentsOut[i] = nzOut[i] ? results[t++] : null;
        }
    }

    /// <summary>
    /// Known part now, keeping only what the policy saves; a staged remat recomputes the rest from the region's known
    /// inputs and the saved values, then runs the unknown part.
    /// </summary>
    public void PartialEval(StagingTrace trace, ReadOnlySpan<Tensor> args, Params parameters, Span<Tensor> results)
    {
        var p = Typed(parameters);
        var program = p.Program;
        var unknown = new bool[args.Length];
        for (int i = 0; i < args.Length; i++) unknown[i] = ControlFlow.IsStaged(trace, args[i]);
        var split = PartialEvaluation.Split(program, unknown);
        var known = split.Known;
        int knownOuts = known.Outputs.Count - split.ResidualCount;
        // Saved values: the results of the equations the policy keeps.
        var saved = new List<Var>();
        var recompute = new List<Equation>();
        foreach (var eq in known.Equations)
        {
            if (p.Policy.Saves(eq)) saved.AddRange(eq.Outputs);
            else recompute.Add(eq);
        }

        // R: (known inputs, saved) → residuals, by the equations not saved.
        var residualAtoms = known.Outputs.Skip(knownOuts).ToArray();
        var r = new Program([.. known.Inputs, .. saved], known.ConstVars, known.ConstValues, recompute, residualAtoms);
        var knownInputAvals = known.InputAvals();
        var unknownAvals = new List<Aval>();
        for (int i = 0; i < args.Length; i++) if (unknown[i]) unknownAvals.Add(args[i].Aval);
        int ki = knownInputAvals.Length, ns = saved.Count;
        var region = Staging.MakeProgram(
            xs => split.Unknown.Evaluate([.. r.Evaluate(xs.AsSpan(0, ki + ns)), .. xs.AsSpan(ki + ns)]),
            [.. knownInputAvals, .. saved.Select(v => v.Aval), .. unknownAvals], "remat");
        // Keep only the known inputs and saved values the staged region reads.
        var reads = new bool[region.Inputs.Count];
        var all = new bool[region.Outputs.Count];
        Array.Fill(all, true);
        Transforms.Dce.Prune(region, all, reads);
        for (int i = ki + ns; i < reads.Length; i++) reads[i] = true;
        region = ControlFlow.Restrict(region, all, reads);
        var knownSide = new Program(known.Inputs, known.ConstVars, known.ConstValues, known.Equations,
            [.. known.Outputs.Take(knownOuts), .. saved.Where((_, j) => reads[ki + j])]);
        var knownArgs = new List<Tensor>();
        var unknownArgs = new List<Tensor>();
        for (int i = 0; i < args.Length; i++) (unknown[i] ? unknownArgs : knownArgs).Add(args[i]);
        Tensor[] knownResults;
        using (TraceContext.Enter(trace.Parent)) knownResults = Transforms.Dce.Run(knownSide).Evaluate([.. knownArgs]);
        StagingTrace.NoteKnown($"remat (kept by policy {p.Policy.Kind})", knownResults.AsSpan(knownOuts));
        StagingTrace.NoteKnown("remat (a result of the region)", knownResults.AsSpan(0, knownOuts));
        var stagedArgs = new List<Tensor>();
        for (int i = 0; i < ki; i++) if (reads[i]) stagedArgs.Add(knownArgs[i]);
        stagedArgs.AddRange(knownResults.AsSpan(knownOuts));
        stagedArgs.AddRange(unknownArgs);
        var staged = new Tensor[region.Outputs.Count];
        trace.Stage(this, [.. stagedArgs], new RematParams(region, p.Policy), staged);
        for (int i = 0, k = 0, u = 0; i < results.Length; i++) results[i] = split.UnknownOutputs[i] ? staged[u++] : knownResults[k++];
    }

    /// <summary>Keeps the used results and the inputs they read.</summary>
    public bool Dce(Equation equation, ReadOnlySpan<bool> usedOutputs, Span<bool> usedInputs, out Equation pruned)
    {
        var p = Typed(equation.Parameters);
        var kept = Transforms.Dce.Prune(p.Program, usedOutputs, usedInputs);
        var inputs = new List<Atom>();
        for (int i = 0; i < equation.Inputs.Length; i++) if (usedInputs[i]) inputs.Add(equation.Inputs[i]);
        var outputs = new List<Var>();
        for (int i = 0; i < equation.Outputs.Length; i++) if (usedOutputs[i]) outputs.Add(equation.Outputs[i]);
        pruned = new Equation(this, [.. inputs], new VarList([.. outputs]), new RematParams(kept, p.Policy));
        return outputs.Count > 0;
    }

    /// <summary>Linear when the region's program is linear in the flagged operands (its other work reads known values only).</summary>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, Params parameters) => Transposition.IsLinearIn(Typed(parameters).Program, linear);

    /// <summary>x̄ = the region's backward pass: the recomputation runs forward here, then the linear part is transposed.</summary>
    public void Transpose(ReadOnlySpan<Tensor?> cotangents, ReadOnlySpan<TransposeArg> args, Params parameters, Span<Tensor?> result)
    {
        var p = Typed(parameters);
        var linear = new bool[args.Length];
        var known = new Tensor[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            linear[i] = args[i].IsLinear;
            if (!linear[i]) known[i] = args[i].Value!;
        }

        var cts = Transposition.BackwardPass(Transposition.WithLinearInputs(p.Program, linear), cotangents.ToArray(), known);
        for (int i = 0; i < args.Length; i++) result[i] = linear[i] ? cts[i] : null;
    }

    /// <summary>A remat of the batched program.</summary>
    public void Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, Params parameters, Span<Tensor> results, Span<int> resultDims)
    {
        var p = (RematParams)parameters;
        var (program, outBatched) = Batching.BatchProgram(p.Program, BatchPrograms.Mask(dims), axisSize);
        Dispatch.BindInto(this, BatchPrograms.Fronted(args, dims), new RematParams(program, p.Policy), results);
        BatchPrograms.Dims(outBatched, resultDims);
    }
}
