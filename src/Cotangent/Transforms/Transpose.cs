using System.Runtime.InteropServices;
using Cotangent.Core;

namespace Cotangent.Transforms;

// Transposition of linear programs. A linear program maps its linear inputs to its outputs through
// linear primitives only; its other operands (constants, residuals) are known. Walking the equations
// backwards, each rule maps the cotangent of an output to cotangents of its linear operands. Fan-out
// in the forward program becomes accumulation (add_any) here; an unused value gets a symbolic zero.

/// <summary>An operand of a linear equation seen by a transpose rule: a known value, or a linear (undefined) one.</summary>
/// <param name="Value">The known value, or null for a linear operand.</param>
/// <param name="Aval">The operand's type (always set).</param>
public readonly record struct TransposeArg(Tensor? Value, Aval Aval)
{
    /// <summary>True when this operand is linear: its cotangent is what the rule computes.</summary>
    public bool IsLinear => Value is null;
}

/// <summary>The transpose rule of a linear primitive.</summary>
public interface ITransposeRule
{
    /// <summary>
    /// Whether the primitive is linear when exactly the operands flagged in <paramref name="linear"/> are
    /// linear (e.g. mul: exactly one; div: the numerator only; select: never the predicate).
    /// </summary>
    bool AcceptsLinear(ReadOnlySpan<bool> linear, object? parameters);

    /// <summary>
    /// Writes into <paramref name="result"/> the cotangent of each linear operand (null for zero), each
    /// with exactly that operand's type. Entries of known operands are ignored.
    /// </summary>
    void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, object? parameters, Span<Tensor?> result);
}

/// <summary>Linearity checking, the backward pass, and transposition of whole programs.</summary>
public static class Transposition
{
    /// <summary>
    /// Verifies that every value derived from a linear input only flows into linear slots of linear
    /// primitives, and that every output is linear or zero (a materialized or constant zero: the zero map is linear).
    /// </summary>
    /// <exception cref="LinearityException">Names and prints the offending equation.</exception>
    public static void CheckLinearity(Program program)
    {
        var linear = LinearVars(program, out _);
        var flags = new List<bool>();
        var relaxed = new List<bool>();
        var zeros = new HashSet<Atom>();
        foreach (var eq in program.Equations)
            if (ReferenceEquals(eq.Primitive, Builtins.Zeros)) zeros.Add(eq.Output);
        var constants = new Dictionary<Var, Tensor>(program.ConstVars.Count);
        for (int i = 0; i < program.ConstVars.Count; i++) constants[program.ConstVars[i]] = program.ConstValues[i];
        for (int e = 0; e < program.Equations.Count; e++)
        {
            var eq = program.Equations[e];
            flags.Clear();
            relaxed.Clear();
            bool any = false;
            foreach (var a in eq.Inputs)
            {
                bool l = a is Var v && linear.Contains(v);
                any |= l;
                flags.Add(l);
                // A known float zero (a zeros equation, a 0 literal, an all-zero constant) belongs to every
                // linear space, so it may fill a linear slot: JVP rules pad tangents with zeros
                // (pad(ṫ, 0), select(p, ṫ, 0)). It may equally be an ordinary known operand — x·0 is
                // linear in x, and a bool False predicate or an empty index array is not a tangent at all —
                // so the equation is accepted if either reading is linear.
                relaxed.Add(l || (a.Aval.IsDifferentiable && (zeros.Contains(a) || IsZeroConstant(constants, a))));
            }

            if (!any) continue;
            var span = CollectionsMarshal.AsSpan(flags);
            if (eq.Primitive is not ITransposeRule rule)
                throw NotLinear(program, e, $"'{eq.Primitive.Name}' is not a linear primitive, but operand {string.Join(", ", Indices(span))} depends on a linear input");
            if (!rule.AcceptsLinear(span, eq.Parameters) && !rule.AcceptsLinear(CollectionsMarshal.AsSpan(relaxed), eq.Parameters))
                throw NotLinear(program, e, $"'{eq.Primitive.Name}' is not linear in operand(s) {string.Join(", ", Indices(span))} taken together (e.g. mul needs exactly one linear operand, div a linear numerator only, select a known predicate)");
        }

        for (int i = 0; i < program.Outputs.Count; i++)
        {
            var o = program.Outputs[i];
            if (o is Var v && (linear.Contains(v) || zeros.Contains(v))) continue;
            // A constant zero output is the zero map, which is linear (its transpose is zero too).
            if (o.Aval.IsDifferentiable && IsZeroConstant(constants, o)) continue;
            throw new LinearityException($"Output {i} of the function does not depend linearly on its inputs (it is a constant), so the function is affine, not linear.\n{program}");
        }
    }

    private static List<int> Indices(ReadOnlySpan<bool> flags)
    {
        var list = new List<int>();
        for (int i = 0; i < flags.Length; i++) if (flags[i]) list.Add(i);
        return list;
    }

    private static bool IsZeroConstant(Dictionary<Var, Tensor> constants, Atom a)
    {
        Tensor? value = a switch
        {
            Literal l => l.Value,
            Var v when constants.TryGetValue(v, out var c) => c,
            _ => null,
        };

        if (value?.Array is not { } array) return false;
        for (int i = 0; i < array.Size; i++)
            if (array.GetDouble(i) != 0) return false;
        return true;
    }

    private static LinearityException NotLinear(Program program, int e, string why)
    {
        var eq = program.Equations[e];
        var text = ProgramPrinter.Print(program);
        // Show the offending line of the printed program (equation e is line e + 1 after the header).
        var lines = text.Split('\n');
        var line = e + 1 < lines.Length ? lines[e + 1].Trim() : eq.Primitive.Name;
        if (line.StartsWith("let ", StringComparison.Ordinal)) line = line[4..];
        return new LinearityException($"The function is not linear: in equation {e}, `{line}`: {why}.\n{text}");
    }

    /// <summary>The variables that depend on a linear input; also the indices of equations that produce them.</summary>
    private static VarSet LinearVars(Program program, out List<int> linearEquations)
    {
        var linear = new VarSet(program);
        for (int i = 0; i < program.Inputs.Count; i++)
            if (program.LinearInputs[i]) linear.Add(program.Inputs[i]);
        linearEquations = [];
        for (int e = 0; e < program.Equations.Count; e++)
        {
            foreach (var a in program.Equations[e].Inputs)
            {
                if (a is Var v && linear.Contains(v))
                {
                    linear.Add(program.Equations[e].Output);
                    linearEquations.Add(e);
                    break;
                }
            }
        }

        return linear;
    }

    /// <summary>
    /// The backward pass: cotangents of the linear inputs given cotangents of the outputs (null: zero).
    /// Non-linear inputs take their values from <paramref name="knownInputs"/> (indexed like the inputs).
    /// Known equations are evaluated forward first; linear ones are transposed in reverse order.
    /// Every operation is bound under the current trace, so the pass can itself be traced or differentiated.
    /// </summary>
    public static Tensor?[] BackwardPass(Program program, IReadOnlyList<Tensor?> outputCotangents, IReadOnlyList<Tensor>? knownInputs = null)
    {
        var linear = LinearVars(program, out var linearEquations);
        var known = new VarMap<Tensor>(program);
        for (int i = 0; i < program.ConstVars.Count; i++) known.Set(program.ConstVars[i], program.ConstValues[i]);
        for (int i = 0; i < program.Inputs.Count; i++)
            if (!program.LinearInputs[i]) known.Set(program.Inputs[i], knownInputs![i]);

        // Forward: evaluate equations that do not touch linear values (they compute known operands).
        var args = new List<Tensor>();
        int next = 0;
        for (int e = 0; e < program.Equations.Count; e++)
        {
            if (next < linearEquations.Count && linearEquations[next] == e)
            {
                next++;
                continue;
            }

            var eq = program.Equations[e];
            args.Clear();
            foreach (var a in eq.Inputs) args.Add(a is Literal l ? l.Value : known[(Var)a]);
            known.Set(eq.Output, Dispatch.Bind(eq.Primitive, CollectionsMarshal.AsSpan(args), eq.Parameters));
        }

        var cts = new VarMap<Tensor>(program);
        for (int i = 0; i < program.Outputs.Count; i++)
        {
            if (outputCotangents[i] is { } ct && program.Outputs[i] is Var v && linear.Contains(v))
                Accumulate(cts, v, ct, "an output");
        }

        var targs = new List<TransposeArg>();
        var results = new List<Tensor?>();
        for (int k = linearEquations.Count - 1; k >= 0; k--)
        {
            var eq = program.Equations[linearEquations[k]];
            if (!cts.Remove(eq.Output, out var ct)) continue;   // zero cotangent: nothing flows back
            if (eq.Primitive is not ITransposeRule rule)
                throw new LinearityException($"'{eq.Primitive.Name}' has no transpose rule: it is not linear. Only linear primitives can be transposed.\n{program}");
            targs.Clear();
            results.Clear();
            foreach (var a in eq.Inputs)
            {
                targs.Add(a switch
                {
                    Literal l => new TransposeArg(l.Value, l.Aval),
                    Var v when linear.Contains(v) => new TransposeArg(null, v.Aval),
                    Var v => new TransposeArg(known[v], v.Aval),
                    _ => throw new InvalidOperationException("unknown atom"),
                });
                results.Add(null);
            }

            rule.Transpose(ct, CollectionsMarshal.AsSpan(targs), eq.Parameters, CollectionsMarshal.AsSpan(results));
            for (int i = 0; i < eq.Inputs.Length; i++)
            {
                if (results[i] is { } r && eq.Inputs[i] is Var v && linear.Contains(v))
                    Accumulate(cts, v, r, $"'{eq.Primitive.Name}'");
            }
        }

        var result = new Tensor?[program.Inputs.Count];
        for (int i = 0; i < result.Length; i++)
            if (program.LinearInputs[i] && cts.TryGet(program.Inputs[i], out var ct)) result[i] = ct;
        return result;
    }

    private static void Accumulate(VarMap<Tensor> cts, Var v, Tensor ct, string source)
    {
        if (ct.Aval != v.Aval)
            throw Aval.MismatchError(ct.Aval, v.Aval, $"The transpose of {source} produced a cotangent of type {ct.Aval} for a value of type {v.Aval}.");
        cts.Set(v, cts.TryGet(v, out var prior) ? Builtins.AddAny.Bind(prior, ct) : ct);
    }

    /// <summary>
    /// The transposed program: its inputs are cotangents of <paramref name="program"/>'s outputs (all
    /// linear), its outputs the cotangents of the linear inputs, its constants the same residuals.
    /// Obtained by staging the backward pass.
    /// </summary>
    public static Program TransposeProgram(Program program)
    {
        var outputAvals = new Aval[program.Outputs.Count];
        for (int i = 0; i < outputAvals.Length; i++) outputAvals[i] = program.Outputs[i].Aval;
        return StagingTrace.Run("LinearTranspose", forwardKnown: true, trace =>
        {
            var inputCts = trace.Call(outputAvals, cts => BackwardPass(program, cts));
            var linearAvals = new List<Aval>();
            var outs = new List<Tensor?>();
            for (int i = 0; i < program.Inputs.Count; i++)
            {
                if (!program.LinearInputs[i]) continue;
                outs.Add(inputCts[i]);
                linearAvals.Add(program.Inputs[i].Aval);
            }

            return Dce.Run(trace.Build(outs, linearAvals, linearInputs: true));
        });
    }
}
