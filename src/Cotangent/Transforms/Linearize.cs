using System.Globalization;
using System.Text;
using Cotangent.Core;
using Cotangent.Runtime;

namespace Cotangent.Transforms;

// Linearize = JVP + online partial evaluation. The JVP trace runs on top of a staging trace that
// forwards known operations: every primal operation (no staged operand) is computed now by the
// enclosing trace, while every tangent operation is recorded. What is recorded is the linear
// program; the known values it reads are its residuals. Since the primal really runs, ordinary C#
// control flow on primal values works.

/// <summary>
/// A linear map given by a linear program and its residuals: the result of <see cref="Linearization.Linearize"/>
/// or of transposing another linear function.
/// </summary>
public sealed class LinearFunction
{
    private readonly Program _source;   // as given, or as the trace recorded it (dead code included)
    private Program? _program;          // pruned; for a recorded program, made when first read

    /// <summary>Wraps a program whose inputs are all linear.</summary>
    public LinearFunction(Program program)
        : this(program ?? throw new ArgumentNullException(nameof(program)), pruned: true)
    {
    }

    private LinearFunction(Program source, bool pruned)
    {
        _source = source;
        if (pruned) _program = source;
    }

    // A linear program straight from its trace: dead code is removed when the program is first asked for, and not at all
    // when the map is only transposed once (Grad), whose backward pass skips dead equations anyway.
    internal static LinearFunction Recorded(Program recorded) => new(recorded, pruned: false);

    /// <summary>The linear program; its constants are the residuals.</summary>
    public Program Program => _program ??= Dce.Run(_source);

    /// <summary>Applies the map (the JVP at the linearization point, without re-running the function).</summary>
    /// <exception cref="ArgumentNullException">tangents or one of them is null.</exception>
    public Tensor[] Apply(params Tensor[] tangents)
    {
        ArgumentNullException.ThrowIfNull(tangents);
        if (tangents.Length == 0 || !HasFloatZeros()) return Program.Evaluate(tangents);
        // The program's zeros are the zero of the tangent space (a zero tangent a rule instantiated), not known arrays:
        // they are made at the tangents' level, so when the map is traced again (LinearTranspose of a function calling
        // Apply, say) they stay staged and linear instead of being computed now as constants — which would make a
        // custom rule's equation look affine to the linearity checker.
        var level = tangents[0];
        ArgumentNullException.ThrowIfNull(level, nameof(tangents));
        return Program.Evaluate(tangents, eq => ReferenceEquals(eq.Primitive, Builtins.Zeros) && eq.Outputs[0].Aval.IsDifferentiable
            ? Builtins.ZerosAt(level, eq.Outputs[0].Aval) : null);
    }

    private bool? _hasFloatZeros;

    private bool HasFloatZeros() => _hasFloatZeros ??= Program.Equations.Any(eq => ReferenceEquals(eq.Primitive, Builtins.Zeros) && eq.Outputs[0].Aval.IsDifferentiable);

    /// <summary>The transposed map, as a new linear program over the same residuals.</summary>
    public LinearFunction Transpose() => new(Transposition.TransposeProgram(Program));

    /// <summary>Applies the transpose directly (the backward pass), with zeros materialized.</summary>
    public Tensor[] ApplyTranspose(params Tensor?[] cotangents)
    {
        ArgumentNullException.ThrowIfNull(cotangents);
        if (cotangents.Length != _source.Outputs.Count)
            throw new TreeStructureException($"The transpose takes {_source.Outputs.Count} cotangents but was given {cotangents.Length}.");
        for (int i = 0; i < cotangents.Length; i++)
        {
            if (cotangents[i] is { } c && c.Aval != _source.Outputs[i].Aval)
                throw Aval.MismatchError(c.Aval, _source.Outputs[i].Aval, $"Cotangent {i} has type {c.Aval} but the output it belongs to has type {_source.Outputs[i].Aval}; a cotangent must match its output's shape and dtype.");
        }

        // A recorded program's dead equations are skipped by the pass (no cotangent reaches them), so it runs unpruned.
        var cts = Transposition.BackwardPassOrDecline(_source, cotangents) ?? BackwardPassOfWhatIsReached(_source, cotangents);
        var result = new Tensor[cts.Length];
        for (int i = 0; i < cts.Length; i++) result[i] = cts[i] ?? Staging.Zeros(_source.Inputs[i].Aval);
        return result;
    }

    // Some linear equation has no transpose rule (a staged while loop's tangent, say). A zero cotangent flows nowhere, so
    // only the equations the given cotangents reach matter: prune to those outputs and run the strict pass, which
    // names an untransposable equation that is really used.
    private static Tensor?[] BackwardPassOfWhatIsReached(Program program, Tensor?[] cotangents)
    {
        var usedOutputs = new bool[cotangents.Length];
        var reaching = new List<Tensor?>();
        for (int i = 0; i < cotangents.Length; i++)
        {
            usedOutputs[i] = cotangents[i] is not null;
            if (usedOutputs[i]) reaching.Add(cotangents[i]);
        }

        var usedInputs = new bool[program.Inputs.Count];
        var pruned = Dce.Prune(program, usedOutputs, usedInputs);
        var inner = Transposition.BackwardPass(pruned, reaching);
        var cts = new Tensor?[program.Inputs.Count];
        for (int i = 0, k = 0; i < cts.Length; i++) if (usedInputs[i]) cts[i] = inner[k++];
        return cts;
    }

    /// <summary>The program followed by its residual values.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(ProgramPrinter.Print(Program));
        if (Program.ConstVars.Count > 0)
        {
            sb.Append("\nresiduals:");
            // The constants are the first names the printer gives, in order.
            using var names = ProgramPrinter.VarNames().GetEnumerator();
            for (int i = 0; i < Program.ConstVars.Count; i++)
            {
                names.MoveNext();
                var value = Program.ConstValues[i];
                var text = value.Array is null ? value.ToString() : value.ToString().Replace("\n", "\n    ", StringComparison.Ordinal);
                sb.Append(CultureInfo.InvariantCulture, $"\n  {names.Current} = {text}");
            }
        }

        return sb.ToString();
    }
}

/// <summary>Linearization of flat functions (the API layer adds trees).</summary>
public static class Linearization
{
    /// <summary>
    /// Evaluates <paramref name="f"/> at <paramref name="primals"/> (all floating point) and returns the
    /// outputs with the linear map from input tangents to output tangents.
    /// </summary>
    /// <remarks>With <paramref name="pruneLater"/> the linear program keeps its dead code until
    /// <see cref="LinearFunction.Program"/> is first read: for a map that is only transposed once, as Grad does.</remarks>
    public static (Tensor[] Outputs, LinearFunction Linear) Linearize(Func<Tensor[], Tensor[]> f, IReadOnlyList<Tensor> primals, string transformation = "Linearize", bool pruneLater = false)
    {
        var partial = new StagingTrace(transformation, forwardKnown: true);
        JvpTrace jvp;
        using (TraceContext.Enter(partial)) jvp = new JvpTrace(transformation);
        try
        {
            var inputs = new Tensor[primals.Count];
            for (int i = 0; i < inputs.Length; i++)
            {
                var p = primals[i];
                if (!Aval.CarriesTangent(p.DType))
                    throw new DifferentiationException($"{transformation}: input {i} has dtype {p.DType.ShortName()}, which has no derivative; differentiate only with respect to float64/float32 inputs.");
                inputs[i] = new JvpTracer(jvp, p, partial.NewInput(p.Aval));
            }

            Tensor[] outs;
            using (TraceContext.Enter(jvp)) outs = f(inputs);
            var primalOuts = new Tensor[outs.Length];
            var tangentOuts = new Tensor?[outs.Length];
            var avals = new Aval[outs.Length];
            for (int i = 0; i < outs.Length; i++)
            {
                (primalOuts[i], tangentOuts[i]) = jvp.Unpack(outs[i]);
                avals[i] = outs[i].Aval;
            }

            var recorded = partial.Build(tangentOuts, avals, linearInputs: true);
            return (primalOuts, pruneLater ? LinearFunction.Recorded(recorded) : new LinearFunction(Dce.Run(recorded)));
        }
        finally
        {
            jvp.Deactivate();
            partial.Deactivate();
        }
    }
}
