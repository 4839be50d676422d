using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cotangent.Core;

namespace Cotangent.Transforms;

// Forward mode. A JvpTracer carries (primal, tangent); a null tangent is a symbolic zero, so rules run
// only where a perturbation actually flows. The primal and the rule's tangent arithmetic are bound
// under the parent trace, so nesting composes: under Linearize the parent is a partial-evaluation
// trace that computes the primal now and records the tangent ops into the linear program.

/// <summary>
/// The JVP rule of a primitive, as the JVP trace consults it: primal and tangent results together, so a
/// rule may compute its own primal (custom rules, calls of sub-programs).
/// </summary>
public interface IJvpRule
{
    /// <summary>
    /// Writes each result into <paramref name="primalsOut"/> and its tangent (null for a zero tangent) into
    /// <paramref name="tangentsOut"/>. <paramref name="tangents"/> has a null entry for each input whose
    /// tangent is zero; at least one is non-null. Bind only through the current trace (the parent of the
    /// JVP trace). Tangents of results whose dtype carries none (<see cref="Aval.CarriesTangent"/>) are dropped.
    /// </summary>
    void Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Params parameters, Span<Tensor> primalsOut, Span<Tensor?> tangentsOut);
}

/// <summary>
/// The JVP rule of a single-result primitive given as its tangent alone: the trace binds the primal,
/// and calls the rule only when the result carries a tangent, so no rule tests dtypes.
/// </summary>
/// <typeparam name="TParams">The primitive's parameter record.</typeparam>
public interface ITangentRule<TParams> : IJvpRule where TParams : Params, IParams<TParams>
{
    /// <summary>The output tangent (null for zero) from input primals and tangents (null entries: zero) and the primal result.</summary>
    Tensor? Tangent(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, TParams p);

    void IJvpRule.Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Params parameters, Span<Tensor> primalsOut, Span<Tensor?> tangentsOut)
    {
        var p = (TParams)parameters;
        var y = Dispatch.Bind((Primitive)this, primals, p);
        primalsOut[0] = y;
        tangentsOut[0] = Aval.CarriesTangent(y.DType) ? Tangent(primals, tangents, y, p) : null;
    }
}

/// <summary>Marks a primitive whose results never carry a tangent (comparisons, floor, sign, argmax, integer results).</summary>
public interface IZeroDerivative;

/// <summary>The forward-mode trace.</summary>
public sealed class JvpTrace : Trace
{
    /// <summary>Creates a JVP trace nested in the current trace.</summary>
    public JvpTrace(string transformation) : base(transformation) { }

    /// <inheritdoc/>
    public override void Process(Primitive primitive, ReadOnlySpan<Tensor> args, Params parameters, Span<Tensor> results)
    {
        // Operands live on the stack for the usual arities; rules read them as spans.
        OperandBuffer primalStore = default, tangentStore = default;
        Span<Tensor?> primals = args.Length <= 4 ? ((Span<Tensor?>)primalStore)[..args.Length] : new Tensor?[args.Length];
        Span<Tensor?> tangents = args.Length <= 4 ? ((Span<Tensor?>)tangentStore)[..args.Length] : new Tensor?[args.Length];
        bool anyTangent = false;
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a is JvpTracer j && ReferenceEquals(j.Trace, this))
            {
                primals[i] = j.PrimalValue;
                tangents[i] = j.Tangent;
                anyTangent = true;
            }
            else
            {
                if (a is Tracer t) CheckVisible(t);
                primals[i] = a;
            }
        }

        using (TraceContext.Enter(Parent))
        {
            // Every primal slot was filled above, so the span is non-null throughout.
            ReadOnlySpan<Tensor> known = MemoryMarshal.CreateReadOnlySpan(
                ref Unsafe.As<Tensor?, Tensor>(ref MemoryMarshal.GetReference(primals)), primals.Length);
            if (!anyTangent || primitive.Rule<IZeroDerivative>() is not null)
            {
                Dispatch.BindInto(primitive, known, parameters, results);
                return;
            }

            if (primitive.Rule<IJvpRule>() is not { } rule)
                throw new DifferentiationException($"Differentiation rule for '{primitive.Name}' is not implemented.");
            OperandBuffer outStore = default;
            Span<Tensor?> tangentsOut = results.Length <= 4 ? ((Span<Tensor?>)outStore)[..results.Length] : new Tensor?[results.Length];
            rule.Jvp(known, tangents, parameters, results, tangentsOut);
            // A result of a dtype without tangents (a comparison, an integer result) has a zero tangent whatever
            // the rule said.
            for (int i = 0; i < results.Length; i++)
                if (tangentsOut[i] is { } t && Aval.CarriesTangent(results[i].DType)) results[i] = new JvpTracer(this, results[i], t);
        }
    }

    /// <summary>Splits a function output into (primal, tangent or null) for this trace.</summary>
    public (Tensor Primal, Tensor? Tangent) Unpack(Tensor output)
    {
        if (output is JvpTracer j && ReferenceEquals(j.Trace, this)) return (j.PrimalValue, j.Tangent);
        if (output is Tracer t && (Parent is null || !Parent.IsSelfOrAncestor(t.Trace) || !t.Trace.IsActive)) throw Dispatch.Escaped(t);
        return (output, null);
    }
}

/// <summary>A (primal, tangent) pair inside a JVP trace.</summary>
public sealed class JvpTracer : Tracer
{
    /// <summary>Creates the pair; the tangent must have the primal's type.</summary>
    public JvpTracer(JvpTrace trace, Tensor primal, Tensor tangent) : base(trace, primal.Aval)
    {
        if (tangent.Aval != primal.Aval)
            throw new DifferentiationException($"A tangent of type {tangent.Aval} does not match its primal {primal.Aval}; tangents must have the primal's shape and dtype.");
        PrimalValue = primal;
        Tangent = tangent;
    }

    /// <summary>The primal value (a value of the parent trace).</summary>
    public Tensor PrimalValue { get; }

    /// <summary>The tangent (a value of the parent trace).</summary>
    public Tensor Tangent { get; }

    /// <inheritdoc/>
    public override Tensor? Primal => PrimalValue;
}

/// <summary>Forward-mode differentiation of flat functions (the API layer adds trees).</summary>
public static class ForwardMode
{
    /// <summary>
    /// Evaluates <paramref name="f"/> at <paramref name="primals"/> and pushes <paramref name="tangents"/>
    /// forward (null: zero tangent). Returns the outputs and their tangents (null where zero).
    /// </summary>
    public static (Tensor[] Outputs, Tensor?[] Tangents) Jvp(Func<Tensor[], Tensor[]> f, IReadOnlyList<Tensor> primals, IReadOnlyList<Tensor?> tangents, string transformation = "Jvp")
    {
        var trace = new JvpTrace(transformation);
        try
        {
            var inputs = new Tensor[primals.Count];
            for (int i = 0; i < inputs.Length; i++)
                inputs[i] = tangents[i] is { } t ? new JvpTracer(trace, primals[i], t) : primals[i];
            Tensor[] outs;
            using (TraceContext.Enter(trace)) outs = f(inputs);
            var primalsOut = new Tensor[outs.Length];
            var tangentsOut = new Tensor?[outs.Length];
            for (int i = 0; i < outs.Length; i++) (primalsOut[i], tangentsOut[i]) = trace.Unpack(outs[i]);
            return (primalsOut, tangentsOut);
        }
        finally
        {
            trace.Deactivate();
        }
    }

    /// <summary>
    /// The JVP of <paramref name="program"/> as a program (what the rules of primitives holding sub-programs bind).
    /// Its inputs are the primals, then a tangent for each input flagged in <paramref name="nonzeroInputs"/>; its
    /// outputs are the primals, then a tangent for each output in the returned mask: those with a nonzero tangent,
    /// and those <paramref name="instantiate"/> asks for (a zero is then written out). Inputs and outputs whose
    /// dtype carries no tangent never have one.
    /// </summary>
    public static (Program Program, bool[] NonzeroOutputs) JvpProgram(Program program, ReadOnlySpan<bool> nonzeroInputs, ReadOnlySpan<bool> instantiate = default)
    {
        ArgumentNullException.ThrowIfNull(program);
        var inputAvals = program.InputAvals();
        bool[] nz = new bool[inputAvals.Length];
        var avals = new List<Aval>(inputAvals);
        for (int i = 0; i < nz.Length; i++)
        {
            nz[i] = nonzeroInputs[i] && Aval.CarriesTangent(inputAvals[i].DType);
            if (nz[i]) avals.Add(inputAvals[i]);
        }

        var outAvals = program.OutputAvals();
        bool[] inst = new bool[outAvals.Length];
        for (int i = 0; i < inst.Length; i++) inst[i] = !instantiate.IsEmpty && instantiate[i] && Aval.CarriesTangent(outAvals[i].DType);
        var nonzeroOutputs = new bool[outAvals.Length];
        var result = StagingTrace.Run("Jvp", forwardKnown: false, trace => trace.Build(trace.Call(avals, xs =>
        {
            var tangents = new Tensor?[nz.Length];
            for (int i = 0, k = nz.Length; i < nz.Length; i++) if (nz[i]) tangents[i] = xs[k++];
            var (outs, touts) = Jvp(ys => program.Evaluate(ys), xs[..nz.Length], tangents, "Jvp");
            var list = new List<Tensor>(outs);
            for (int i = 0; i < outs.Length; i++)
            {
                nonzeroOutputs[i] = touts[i] is not null || inst[i];
                if (nonzeroOutputs[i]) list.Add(touts[i] ?? Staging.Zeros(outAvals[i]));
            }

            return list;
        })));
        return (result, nonzeroOutputs);
    }
}
