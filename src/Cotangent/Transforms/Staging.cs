using Cotangent.Core;

namespace Cotangent.Transforms;

// Staging: tracing a function into a Program. The same trace does Linearize's online partial
// evaluation: with forwardKnown set, an operation none of whose inputs is one of this trace's tracers
// is "known" and is computed now by the parent trace; only operations touching a staged value are
// recorded. Known values a recorded equation reads become the program's constants (the residuals).
// A primitive may replace that default split with its own partial-evaluation rule (a call of a
// sub-program inlines itself, so its known part is computed and only its unknown part is recorded).

/// <summary>
/// The partial-evaluation rule of a primitive: how to apply it when some inputs are known values and
/// some are staged. Without one, the whole application is staged (the default).
/// </summary>
public interface IPartialEvalRule
{
    /// <summary>
    /// Writes one value per result into <paramref name="results"/>: known values computed now (by binding
    /// under <paramref name="trace"/>'s parent) or staged tracers of <paramref name="trace"/>. Called with
    /// <paramref name="trace"/> current and at least one input staged.
    /// </summary>
    void PartialEval(StagingTrace trace, ReadOnlySpan<Tensor> args, Params parameters, Span<Tensor> results);
}

/// <summary>A trace that records equations into a program.</summary>
public sealed class StagingTrace : Trace
{
    // Each trace numbers its variables densely under its own serial, so passes can index arrays.
    private readonly int _serial = Var.NewOwner();
    private int _nextId;
    private readonly bool _forwardKnown;
    private readonly List<Var> _inputs = [];
    private readonly ChunkedList<Equation> _equations = new();
    private readonly List<Var> _constVars = [];
    private readonly List<Tensor> _constValues = [];
    private readonly Dictionary<Tensor, Var> _constIndex = new(ReferenceEqualityComparer.Instance);
    private readonly Literal?[] _recentLiterals = new Literal?[8];
    private readonly HashSet<Var> _zeroVars = [];

    /// <summary>Whether <paramref name="value"/> is a result of a <c>zeros</c> equation this trace recorded.</summary>
    public bool IsStagedZeros(Tensor value) => value is StagingTracer s && ReferenceEquals(s.Trace, this) && _zeroVars.Contains(s.Var);

    [ThreadStatic]
    private static System.Runtime.CompilerServices.ConditionalWeakTable<Tensor, string>? s_provenance;

    // Whether provenance was on when this trace began (Ad.Residuals turns it on before it linearizes): read once here, not
    // from the thread-static on every known operation.
    private readonly bool _provenanceAtStart = s_provenance is not null;

    /// <summary>
    /// While set (on this thread), partial evaluation notes which primitive computed each known value, so a report can
    /// say where every residual of a linearization came from. Off by default: it costs a table entry per operation.
    /// </summary>
    public static System.Runtime.CompilerServices.ConditionalWeakTable<Tensor, string>? Provenance
    {
        get => s_provenance;
        set => s_provenance = value;
    }

    /// <summary>The equation's primitive with its parameters (those of sub-program primitives omitted: they print whole programs).</summary>
    private static string Describe(Primitive primitive, Params parameters) =>
        parameters.IsEmpty || parameters.SubPrograms.Any() ? primitive.Name : $"{primitive.Name}[{parameters}]";

    /// <summary>Notes <paramref name="source"/> as the origin of <paramref name="values"/> when <see cref="Provenance"/> is on.</summary>
    public static void NoteKnown(string source, ReadOnlySpan<Tensor> values)
    {
        if (s_provenance is not { } table) return;
        foreach (var v in values) table.TryAdd(v, source);
    }

    /// <summary>Creates a staging trace nested in the current one.</summary>
    /// <param name="transformation">Name used in errors (e.g. "MakeProgram", "Linearize").</param>
    /// <param name="forwardKnown">Compute operations on known values now instead of recording them (partial evaluation).</param>
    public StagingTrace(string transformation, bool forwardKnown) : base(transformation) => _forwardKnown = forwardKnown;

    /// <summary>
    /// Runs <paramref name="body"/> with a fresh staging trace and deactivates the trace afterwards, also when the body
    /// throws, so no live tracer of it can escape: the one place that sets up and tears down a staging trace.
    /// </summary>
    public static T Run<T>(string transformation, bool forwardKnown, Func<StagingTrace, T> body)
    {
        var trace = new StagingTrace(transformation, forwardKnown);
        try
        {
            return body(trace);
        }
        finally
        {
            trace.Deactivate();
        }
    }

    /// <summary>Calls <paramref name="f"/> on new program inputs of the given types, with this trace current.</summary>
    public TOut Call<TOut>(IReadOnlyList<Aval> inputs, Func<Tensor[], TOut> f)
    {
        var tracers = new Tensor[inputs.Count];
        for (int i = 0; i < tracers.Length; i++) tracers[i] = NewInput(inputs[i]);
        using (TraceContext.Enter(this)) return f(tracers);
    }

    private Var NewVar(Aval aval) => new(aval, _serial, _nextId++);

    /// <summary>A new program input of the given type, as a tracer.</summary>
    public Tensor NewInput(Aval aval)
    {
        var v = NewVar(aval);
        _inputs.Add(v);
        return new StagingTracer(this, v);
    }

    /// <inheritdoc/>
    public override void Process(Primitive primitive, ReadOnlySpan<Tensor> args, Params parameters, Span<Tensor> results)
    {
        bool anyStaged = false;
        foreach (var a in args)
        {
            if (a is Tracer t)
            {
                if (ReferenceEquals(t.Trace, this)) anyStaged = true;
                else CheckVisible(t);
            }
        }

        if (_forwardKnown)
        {
            if (!anyStaged)
            {
                // Known operands: the enclosing trace computes the result — eagerly, when there is none. A kernel-only
                // primitive then runs directly, without making eager evaluation current around it.
                if (Parent is null && primitive.EvaluatesWithoutBinding && !_provenanceAtStart)
                {
                    results[0] = Dispatch.EvaluateEagerly(primitive, args, parameters);
                    return;
                }

                using (TraceContext.Enter(Parent)) Dispatch.BindInto(primitive, args, parameters, results);
                if (s_provenance is not null) NoteKnown(Describe(primitive, parameters), results);
                return;
            }

            if (primitive.Rule<IPartialEvalRule>() is { } rule)
            {
                rule.PartialEval(this, args, parameters, results);
                return;
            }
        }

        Stage(primitive, args, parameters, results);
    }

    /// <summary>Records the application as an equation and writes its result tracers into <paramref name="results"/>.</summary>
    public void Stage(Primitive primitive, ReadOnlySpan<Tensor> args, Params parameters, Span<Tensor> results)
    {
        var atoms = new Atom[args.Length];
        AvalBuffer avalStore = default;
        Span<Aval> avals = args.Length <= 4 ? ((Span<Aval>)avalStore)[..args.Length] : new Aval[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            atoms[i] = ToAtom(args[i]);
            avals[i] = args[i].Aval;
        }

        VarList outputs;
        if (!primitive.MultipleResults)
        {
            outputs = new VarList(NewVar(primitive.ResultAval(avals, parameters)));
        }
        else
        {
            var resultAvals = primitive.ResultAvals(avals, parameters);
            var vars = new Var[resultAvals.Length];
            for (int i = 0; i < vars.Length; i++) vars[i] = NewVar(resultAvals[i]);
            outputs = vars;
        }

        _equations.Add(new Equation(primitive, atoms, outputs, parameters));
        if (ReferenceEquals(primitive, Builtins.Zeros)) _zeroVars.Add(outputs[0]);
        for (int i = 0; i < outputs.Length; i++) results[i] = new StagingTracer(this, outputs[i]);
    }

    /// <summary>
    /// A staged <c>zeros</c> equation of the given type: a zero that belongs to this trace's program (a
    /// zero tangent or cotangent), never computed now and so never a stored residual array.
    /// </summary>
    public Tensor StageZeros(Aval aval) => new StagingTracer(this, Emit(Builtins.Zeros, new AvalParams(aval), aval));

    /// <summary>Records a single-result equation without inputs directly (used to materialize symbolic zeros).</summary>
    internal Var Emit(Primitive primitive, Params parameters, Aval aval)
    {
        var output = NewVar(aval);
        _equations.Add(new Equation(primitive, [], new VarList(output), parameters));
        if (ReferenceEquals(primitive, Builtins.Zeros)) _zeroVars.Add(output);
        return output;
    }

    private Atom ToAtom(Tensor value)
    {
        if (value is StagingTracer s && ReferenceEquals(s.Trace, this)) return s.Var;
        // Concrete scalars print inline; any other known value (an array, or a tracer of an enclosing
        // transformation) becomes a constant variable, shared when the same tensor is used again.
        if (value.IsConcrete && value.Rank == 0)
        {
            // Residual scalars are mostly distinct; repeated constants (`* 1.01` in a loop) are the same
            // tensor, so a few recent literals are kept rather than a dictionary of every one.
            int slot = (System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(value) & 0x7fffffff) % _recentLiterals.Length;
            var cached = _recentLiterals[slot];
            if (cached is not null && ReferenceEquals(cached.Value, value)) return cached;
            return _recentLiterals[slot] = new Literal(value);
        }

        if (!_constIndex.TryGetValue(value, out var v))
        {
            v = NewVar(value.Aval);
            _constIndex[value] = v;
            _constVars.Add(v);
            _constValues.Add(value);
        }

        return v;
    }

    /// <summary>
    /// Finishes the program with the given outputs. A null output is a symbolic zero of the matching
    /// aval in <paramref name="zeroAvals"/>, materialized here with the <c>zeros</c> builtin.
    /// </summary>
    public Program Build(IReadOnlyList<Tensor?> outputs, IReadOnlyList<Aval>? zeroAvals = null, bool linearInputs = false)
    {
        var atoms = new Atom[outputs.Count];
        for (int i = 0; i < atoms.Length; i++)
        {
            var o = outputs[i];
            if (o is null)
            {
                var aval = zeroAvals![i];
                atoms[i] = Emit(Builtins.Zeros, new AvalParams(aval), aval);
            }
            else
            {
                atoms[i] = ToAtom(o);
            }
        }

        var linear = new bool[_inputs.Count];
        if (linearInputs) Array.Fill(linear, true);
        // The lists are handed over, not copied: a finished trace records nothing more. Every variable in them came from
        // NewVar, so the trace's count bounds their numbers.
        return new Program(_inputs, _constVars, _constValues, _equations, atoms, linear, denseSize: _nextId);
    }
}

/// <summary>A staged value: a variable of the program being recorded. Its value is abstract.</summary>
public sealed class StagingTracer : Tracer
{
    internal StagingTracer(StagingTrace trace, Var v) : base(trace, v.Aval) => Var = v;

    /// <summary>The program variable this tracer stands for.</summary>
    public Var Var { get; }

    /// <inheritdoc/>
    public override Tensor? Primal => null;
}

/// <summary>Tracing a function into a <see cref="Program"/> (JAX's make_jaxpr).</summary>
public static class Staging
{
    /// <summary>Traces <paramref name="f"/> at inputs of the given types; every operation is recorded.</summary>
    public static Program MakeProgram(Func<Tensor[], Tensor[]> f, IReadOnlyList<Aval> inputs, string transformation = "MakeProgram")
        => StagingTrace.Run(transformation, forwardKnown: false, trace => trace.Build(trace.Call(inputs, f)));

    /// <summary>The avals of concrete example tensors.</summary>
    public static Aval[] AvalsOf(IReadOnlyList<Tensor> examples)
    {
        var result = new Aval[examples.Count];
        for (int i = 0; i < result.Length; i++) result[i] = examples[i].Aval;
        return result;
    }

    /// <summary>A zero array of the given type as a tensor, bound under the current trace.</summary>
    public static Tensor Zeros(Aval aval) => Builtins.Zeros.Bind([], new AvalParams(aval));
}

/// <summary>
/// A program split by partial evaluation (JAX's partial_eval_jaxpr_nounits): <see cref="Known"/> computes the
/// known outputs and the residuals from the known inputs; <see cref="Unknown"/> computes the unknown outputs from
/// the residuals followed by the unknown inputs.
/// </summary>
/// <param name="Known">Inputs: the known inputs in order. Outputs: the known outputs in order, then the residuals.</param>
/// <param name="Unknown">Inputs: the residuals, then the unknown inputs in order. Outputs: the unknown outputs in order.</param>
/// <param name="UnknownOutputs">Which outputs of the original program <see cref="Unknown"/> computes.</param>
/// <param name="ResidualCount">The number of residuals.</param>
public sealed record PartialProgram(Program Known, Program Unknown, bool[] UnknownOutputs, int ResidualCount);

/// <summary>Partial evaluation of whole programs, as the rules of primitives that hold sub-programs need it.</summary>
public static class PartialEvaluation
{
    /// <summary>
    /// Splits <paramref name="program"/> given which inputs are unknown. An output is unknown when it depends on an
    /// unknown input, or when <paramref name="instantiate"/> (optional, per output) asks for it: a known value is
    /// then passed through as a residual. Nested sub-program calls split by their own rules.
    /// </summary>
    public static PartialProgram Split(Program program, ReadOnlySpan<bool> unknownInputs, ReadOnlySpan<bool> instantiate = default)
    {
        ArgumentNullException.ThrowIfNull(program);
        var knownAvals = new List<Aval>();
        for (int i = 0; i < program.Inputs.Count; i++) if (!unknownInputs[i]) knownAvals.Add(program.Inputs[i].Aval);
        bool[] unknown = unknownInputs.ToArray();
        bool[] inst = instantiate.IsEmpty ? new bool[program.Outputs.Count] : instantiate.ToArray();
        Program? unknownProgram = null;
        bool[] unknownOutputs = new bool[program.Outputs.Count];
        int residualCount = 0;
        // The known part is recorded by an outer staging trace; an inner partial-evaluation trace forwards every
        // equation without unknown operands to it and records the others: the unknown part. Known values the unknown
        // part reads become its constants, which are turned into its leading inputs: the residuals.
        var known = StagingTrace.Run("PartialEval", forwardKnown: false, outer =>
        {
            var outs = outer.Call(knownAvals, knownIns => StagingTrace.Run("PartialEval", forwardKnown: true, inner =>
            {
                var args = new Tensor[program.Inputs.Count];
                int k = 0;
                for (int i = 0; i < args.Length; i++) args[i] = unknown[i] ? inner.NewInput(program.Inputs[i].Aval) : knownIns[k++];
                Tensor[] results;
                using (TraceContext.Enter(inner)) results = program.Evaluate(args);
                var knownOuts = new List<Tensor>();
                var unknownOuts = new List<Tensor?>();
                for (int i = 0; i < results.Length; i++)
                {
                    unknownOutputs[i] = inst[i] || results[i] is StagingTracer s && ReferenceEquals(s.Trace, inner);
                    if (unknownOutputs[i]) unknownOuts.Add(results[i]);
                    else knownOuts.Add(results[i]);
                }

                var u = Dce.Run(inner.Build(unknownOuts));
                // Constants that are concrete stay constants; any other (a value of the known part) is a residual.
                var residualVars = new List<Var>();
                var constVars = new List<Var>();
                var constValues = new List<Tensor>();
                var zeroEquations = new List<Equation>();
                for (int i = 0; i < u.ConstVars.Count; i++)
                {
                    if (outer.IsStagedZeros(u.ConstValues[i]))
                    {
                        // A zero of the known part (a staged zero tangent) is remade in the unknown part, never a residual:
                        // it stays the zero of the space there, which the linearity checker accepts.
                        zeroEquations.Add(new Equation(Builtins.Zeros, [], new VarList(u.ConstVars[i]), new AvalParams(u.ConstVars[i].Aval)));
                    }
                    else if (u.ConstValues[i].IsConcrete)
                    {
                        constVars.Add(u.ConstVars[i]);
                        constValues.Add(u.ConstValues[i]);
                    }
                    else
                    {
                        residualVars.Add(u.ConstVars[i]);
                        knownOuts.Add(u.ConstValues[i]);
                    }
                }

                residualCount = residualVars.Count;
                unknownProgram = new Program([.. residualVars, .. u.Inputs], constVars, constValues, [.. zeroEquations, .. u.Equations], u.Outputs);
                return knownOuts;
            }));
            return Dce.Run(outer.Build(outs));
        });
        return new PartialProgram(known, unknownProgram!, unknownOutputs, residualCount);
    }
}
