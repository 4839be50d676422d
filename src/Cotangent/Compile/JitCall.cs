using System.Collections.Concurrent;
using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Compile;

/// <summary>
/// The parameters of <c>jit_call</c>: the program and a name for printing. The compiled form and the programs derived
/// from this one by the transformations (its JVP, its split by partial evaluation, its transpose, its pruned forms) are
/// cached here, so <c>Grad(Jit(f))</c> called again with the same shapes compiles nothing new.
/// </summary>
/// <param name="Program">The closed program to run.</param>
/// <param name="Name">The name printed with the call (the function's name, or what derived it: <c>jvp(f)</c> …).</param>
public sealed record JitCallParams(Program Program, string Name) : Params, IParams<JitCallParams>
{
    private readonly ProgramParams _program = new(Program);
    private Executable? _executable;
    private readonly object _gate = new();

    internal ConcurrentDictionary<string, object> Derived { get; } = new();

    /// <summary>The compiled program (compiled on first use, once, whichever thread asks first).</summary>
    internal Executable Executable
    {
        get
        {
            if (_executable is { } e) return e;
            lock (_gate) return _executable ??= Executable.Compile(Program);
        }
    }

    /// <summary>Whether <see cref="Executable"/> has been compiled.</summary>
    internal bool IsCompiled => _executable is not null;

    /// <inheritdoc/>
    public bool Equals(JitCallParams? other) => other is not null && Name == other.Name && _program.Equals(other._program);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_program, Name);

    /// <inheritdoc/>
    public override void Write(ParamWriter writer)
    {
        writer.Name("name", Name);
        writer.Program("program", Program);
    }

    /// <inheritdoc/>
    public override IEnumerable<Program> SubPrograms => [Program];

    /// <inheritdoc/>
    public static JitCallParams Read(ParamReader reader)
    {
        var name = reader.Name("name");
        return new JitCallParams(reader.Program("program"), name);
    }

    /// <summary>The derived parameters for <paramref name="key"/>, made once.</summary>
    internal T Derive<T>(string key, Func<T> make)
        where T : class
        => (T)Derived.GetOrAdd(key, _ => make());
}

/// <summary>
/// jit_call (JAX's pjit): runs a program compiled to generated code. Every transformation of it is a jit_call of the
/// transformed program, so compiled code composes: the JVP runs the compiled JVP program, partial evaluation runs the
/// compiled known part now and stages a jit_call of the unknown part, and the transpose runs the compiled transposed
/// program. Each derived program is made once per parameters object (see <see cref="JitCallParams"/>).
/// </summary>
public sealed class JitCall() : MultiResultPrimitive<JitCallParams>("jit_call"), IJvpRule, IPartialEvalRule, IDceRule, ITransposeRule, IBatchRule
{
    /// <inheritdoc/>
    public override NDArray[] Impl(ReadOnlySpan<NDArray> args, JitCallParams p) => p.Executable.Run(args);

    /// <inheritdoc/>
    public override Aval[] AbstractEval(ReadOnlySpan<Aval> args, JitCallParams p)
    {
        ControlFlow.CheckInputs(Name, "the compiled program", p.Program, args);
        return p.Program.OutputAvals();
    }

    private static string Mask(ReadOnlySpan<bool> flags)
    {
        Span<char> c = flags.Length <= 256 ? stackalloc char[flags.Length] : new char[flags.Length];
        for (int i = 0; i < flags.Length; i++) c[i] = flags[i] ? '1' : '0';
        return new string(c);
    }

    /// <summary>(y, ẏ) = jit_call(jvp(program))(x, ẋ).</summary>
    public void Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Params parameters, Span<Tensor> primalsOut, Span<Tensor?> tangentsOut)
    {
        var p = Typed(parameters);
        var nz = new bool[tangents.Length];
        for (int i = 0; i < nz.Length; i++) nz[i] = tangents[i] is not null;
        var (jvp, nzOut) = p.Derive("jvp:" + Mask(nz), () =>
        {
            var (program, nonzero) = ForwardMode.JvpProgram(p.Program, nz);
            return Tuple.Create(new JitCallParams(program, $"jvp({p.Name})"), nonzero);
        });
        var args = new List<Tensor>(primals.ToArray());
        for (int i = 0; i < nz.Length; i++) if (nz[i]) args.Add(tangents[i]!);
        var results = Bind([.. args], jvp);
        for (int i = 0, t = primalsOut.Length; i < primalsOut.Length; i++)
        {
            primalsOut[i] = results[i];
            tangentsOut[i] = nzOut[i] ? results[t++] : null;
        }
    }

    /// <summary>The known part runs now, compiled; a jit_call of the unknown part is staged, reading the residuals.</summary>
    public void PartialEval(StagingTrace trace, ReadOnlySpan<Tensor> args, Params parameters, Span<Tensor> results)
    {
        var p = Typed(parameters);
        var unknown = new bool[args.Length];
        for (int i = 0; i < args.Length; i++) unknown[i] = ControlFlow.IsStaged(trace, args[i]);
        var (known, staged, unknownOutputs, residuals) = p.Derive("pe:" + Mask(unknown), () =>
        {
            var split = PartialEvaluation.Split(p.Program, unknown);
            return Tuple.Create(new JitCallParams(split.Known, $"known({p.Name})"), new JitCallParams(split.Unknown, $"unknown({p.Name})"),
                split.UnknownOutputs, split.ResidualCount);
        });
        var knownArgs = new List<Tensor>();
        var unknownArgs = new List<Tensor>();
        for (int i = 0; i < args.Length; i++) (unknown[i] ? unknownArgs : knownArgs).Add(args[i]);
        Tensor[] knownResults;
        using (TraceContext.Enter(trace.Parent)) knownResults = Bind([.. knownArgs], known);
        int knownOuts = knownResults.Length - residuals;
        StagingTrace.NoteKnown($"jit_call {p.Name}", knownResults);
        var stagedResults = new Tensor[staged.Program.Outputs.Count];
        trace.Stage(this, [.. knownResults.AsSpan(knownOuts), .. unknownArgs], staged, stagedResults);
        for (int i = 0, k = 0, u = 0; i < results.Length; i++) results[i] = unknownOutputs[i] ? stagedResults[u++] : knownResults[k++];
    }

    /// <summary>Keeps the used results and the inputs they read.</summary>
    public bool Dce(Equation equation, ReadOnlySpan<bool> usedOutputs, Span<bool> usedInputs, out Equation pruned)
    {
        var p = Typed(equation.Parameters);
        var used = usedOutputs.ToArray();
        var (kept, reads) = p.Derive("dce:" + Mask(used), () =>
        {
            var r = new bool[p.Program.Inputs.Count];
            var program = Transforms.Dce.Prune(p.Program, used, r);
            return Tuple.Create(new JitCallParams(program, p.Name), r);
        });
        reads.CopyTo(usedInputs);
        var inputs = new List<Atom>();
        for (int i = 0; i < equation.Inputs.Length; i++) if (reads[i]) inputs.Add(equation.Inputs[i]);
        var outputs = new List<Var>();
        for (int i = 0; i < equation.Outputs.Length; i++) if (usedOutputs[i]) outputs.Add(equation.Outputs[i]);
        pruned = new Equation(this, [.. inputs], new VarList([.. outputs]), kept);
        return outputs.Count > 0;
    }

    /// <summary>Linear when the program is linear in the flagged operands.</summary>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, Params parameters)
    {
        var p = Typed(parameters);
        var mask = linear.ToArray();
        return p.Derive("linear:" + Mask(mask), () => Tuple.Create(Transposition.IsLinearIn(p.Program, mask))).Item1;
    }

    /// <summary>x̄ = jit_call(transpose(program))(known inputs, ȳ): the transposed program, compiled.</summary>
    public void Transpose(ReadOnlySpan<Tensor?> cotangents, ReadOnlySpan<TransposeArg> args, Params parameters, Span<Tensor?> result)
    {
        var p = Typed(parameters);
        var linear = new bool[args.Length];
        for (int i = 0; i < args.Length; i++) linear[i] = args[i].IsLinear;
        var transposed = p.Derive("transpose:" + Mask(linear),
            () => new JitCallParams(Transposition.TransposeWithKnownInputs(Transposition.WithLinearInputs(p.Program, linear)), $"transpose({p.Name})"));
        var operands = new List<Tensor>();
        for (int i = 0; i < args.Length; i++) if (!linear[i]) operands.Add(args[i].Value!);
        var outAvals = p.Program.OutputAvals();
        for (int i = 0; i < cotangents.Length; i++) operands.Add(cotangents[i] ?? Staging.Zeros(outAvals[i]));
        var cts = Bind([.. operands], transposed);
        for (int i = 0, k = 0; i < args.Length; i++) result[i] = linear[i] ? cts[k++] : null;
    }

    /// <summary>A jit_call of the batched program, made and compiled once per (mask, batch size) for these parameters.</summary>
    public void Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, Params parameters, Span<Tensor> results, Span<int> resultDims)
    {
        var p = (JitCallParams)parameters;
        var mask = BatchPrograms.Mask(dims);
        var key = $"vmap {axisSize} {string.Concat(mask.Select(m => m ? '1' : '0'))}";
        var (batched, outBatched) = p.Derive(key, () =>
        {
            var (program, outs) = Batching.BatchProgram(p.Program, mask, axisSize);
            return Tuple.Create(new JitCallParams(program, p.Name), outs);
        });
        Dispatch.BindInto(this, BatchPrograms.Fronted(args, dims), batched, results);
        BatchPrograms.Dims(outBatched, resultDims);
    }
}
