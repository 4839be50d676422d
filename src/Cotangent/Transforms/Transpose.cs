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

/// <summary>The transpose rule of a linear primitive, as transposition consults it: one cotangent per result.</summary>
public interface ITransposeRule
{
    /// <summary>
    /// Whether the primitive is linear when exactly the operands flagged in <paramref name="linear"/> are
    /// linear (e.g. mul: exactly one; div: the numerator only; select: never the predicate).
    /// </summary>
    bool AcceptsLinear(ReadOnlySpan<bool> linear, Params parameters);

    /// <summary>
    /// Writes into <paramref name="result"/> the cotangent of each linear operand (null for zero), each
    /// with exactly that operand's type, given one cotangent per result (null entries: zero; at least one
    /// is non-null). Entries of known operands are ignored.
    /// </summary>
    void Transpose(ReadOnlySpan<Tensor?> cotangents, ReadOnlySpan<TransposeArg> args, Params parameters, Span<Tensor?> result);
}

/// <summary>The transpose rule of a single-result linear primitive, with its typed parameters.</summary>
/// <typeparam name="TParams">The primitive's parameter record.</typeparam>
public interface ITransposeRule<TParams> : ITransposeRule where TParams : Params, IParams<TParams>
{
    /// <summary>Whether the primitive is linear when exactly the flagged operands are linear.</summary>
    bool AcceptsLinear(ReadOnlySpan<bool> linear, TParams p);

    /// <summary>Writes the cotangent of each linear operand (null for zero) given the result's cotangent.</summary>
    void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, TParams p, Span<Tensor?> result);

    bool ITransposeRule.AcceptsLinear(ReadOnlySpan<bool> linear, Params parameters) => AcceptsLinear(linear, (TParams)parameters);

    void ITransposeRule.Transpose(ReadOnlySpan<Tensor?> cotangents, ReadOnlySpan<TransposeArg> args, Params parameters, Span<Tensor?> result)
    {
        if (cotangents[0] is { } ct) Transpose(ct, args, (TParams)parameters, result);
    }
}

/// <summary>Linearity checking, the backward pass, and transposition of whole programs.</summary>
public static class Transposition
{
    /// <summary>
    /// Verifies that every value derived from a linear input only flows into linear slots of linear
    /// primitives, and that every output is linear. A float <c>zeros</c> equation is a linear value (the
    /// zero of the space; transformations stage zero tangents and cotangents that way), so the zero map and
    /// zero-padded tangents are linear without looking at any value.
    /// </summary>
    /// <exception cref="LinearityException">Names and prints the offending equation, its linear operands and the rule.</exception>
    public static void CheckLinearity(Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (FindLinearityViolation(program) is not { } violation) return;
        var text = ProgramPrinter.Print(program);
        var names = ProgramPrinter.Names(program);
        string line = "";
        if (violation.Equation is { } eq)
        {
            // Show the offending line of the printed program (equation e is line e + 1 after the header).
            var lines = text.Split('\n');
            line = violation.EquationIndex + 1 < lines.Length ? lines[violation.EquationIndex + 1].Trim() : eq.Primitive.Name;
            if (line.StartsWith("let ", StringComparison.Ordinal)) line = line[4..];
        }

        var where = violation.Equation is null ? "" : $"in equation {violation.EquationIndex}, ";
        throw new LinearityException($"The function is not linear: {where}{violation.Describe(v => names.TryGetValue(v, out var n) ? n : "?", line)}\n{text}");
    }

    /// <summary>
    /// The first place where <paramref name="program"/> breaks the rules of linear programs, or null when it keeps
    /// them: a value that depends on a linear input may only be an operand of a linear primitive, in a slot that
    /// primitive is linear in. With <paramref name="requireLinearOutputs"/> every output must be linear too (a
    /// linear function); without it the program may also return non-linear values (a mixed program, such as a JVP
    /// with its tangent inputs marked linear). In a mixed program an equation holding sub-programs (a scan of a JVP
    /// body, say) may take linear and non-linear operands at once: partial evaluation splits it into a non-linear
    /// and a linear equation, and the linear half is checked after the split (<see cref="Unzipping.Unzip"/>).
    /// </summary>
    public static LinearityViolation? FindLinearityViolation(Program program, bool requireLinearOutputs = true)
    {
        ArgumentNullException.ThrowIfNull(program);
        var linear = LinearVars(program, out _);
        var flags = new List<bool>();
        for (int e = 0; e < program.Equations.Count; e++)
        {
            var eq = program.Equations[e];
            flags.Clear();
            bool any = false;
            foreach (var a in eq.Inputs)
            {
                bool l = a is Var v && linear.Contains(v);
                any |= l;
                flags.Add(l);
            }

            if (!any) continue;
            if (!requireLinearOutputs && eq.Parameters.SubPrograms.Any()) continue;
            var span = CollectionsMarshal.AsSpan(flags);
            if (eq.Primitive is not ITransposeRule && eq.Parameters.SubPrograms.Any())
                return new LinearityViolation(e, eq, Indices(span), -1, eq.Primitive.Name == "while"
                    ? "'while' is a loop whose linear part cannot be split from its primal part, because its trip count is known only when it runs, so it has no transpose: for reverse mode, use scan or fori_loop with a fixed trip count (Jvp works)."
                    : $"'{eq.Primitive.Name}' holds a program that mixes linear and non-linear work that could not be split, so it is not linear in these operands.");
            if (eq.Primitive is not ITransposeRule rule)
                return new LinearityViolation(e, eq, Indices(span), -1,
                    $"'{eq.Primitive.Name}' is not a linear primitive, and a value that depends on a linear input may only be an operand of a linear one (add, sub, neg, mul or div by a known value, dot_general with one linear side, reshape, transpose, reduce_sum, …).");
            if (!rule.AcceptsLinear(span, eq.Parameters))
                return new LinearityViolation(e, eq, Indices(span), -1,
                    $"'{eq.Primitive.Name}' is not linear in these operands taken together (mul and dot_general are linear in one operand at a time, the other known; div in its numerator only; select with a known predicate; add, sub and add_any in both operands at once — x + c with c known is affine).");
        }

        if (!requireLinearOutputs) return null;
        // A zeros result of any dtype is the zero map (an int or bool output's tangent space has only zero).
        var zeros = new HashSet<Var>();
        foreach (var eq in program.Equations)
            if (ReferenceEquals(eq.Primitive, Builtins.Zeros)) zeros.Add(eq.Outputs[0]);
        for (int i = 0; i < program.Outputs.Count; i++)
        {
            if (program.Outputs[i] is Var v && (linear.Contains(v) || zeros.Contains(v))) continue;
            return new LinearityViolation(-1, null, [], i,
                "every output of a linear function must depend linearly on its linear inputs. Constants are never inspected, even all-zero ones: write the zero map as Np.ZerosLike(x), a zero at the input's level.");
        }

        return null;
    }

    private static List<int> Indices(ReadOnlySpan<bool> flags)
    {
        var list = new List<int>();
        for (int i = 0; i < flags.Length; i++) if (flags[i]) list.Add(i);
        return list;
    }

    /// <summary>
    /// The linear variables: those that depend on a linear input, and the results of float <c>zeros</c>
    /// equations (staged zero tangents); also the indices of the equations that produce them.
    /// </summary>
    private static VarSet LinearVars(Program program, out List<int> linearEquations)
    {
        var linear = new VarSet(program);
        for (int i = 0; i < program.Inputs.Count; i++)
            if (program.LinearInputs[i]) linear.Add(program.Inputs[i]);
        linearEquations = [];
        for (int e = 0; e < program.Equations.Count; e++)
        {
            var eq = program.Equations[e];
            bool isLinear = ReferenceEquals(eq.Primitive, Builtins.Zeros) && eq.Outputs[0].Aval.IsDifferentiable;
            foreach (var a in eq.Inputs)
            {
                if (a is Var v && linear.Contains(v))
                {
                    isLinear = true;
                    break;
                }
            }

            if (!isLinear) continue;
            foreach (var o in eq.Outputs) linear.Add(o);
            linearEquations.Add(e);
        }

        return linear;
    }

    /// <summary>
    /// The backward pass: cotangents of the linear inputs given cotangents of the outputs (null: zero).
    /// Non-linear inputs take their values from <paramref name="knownInputs"/> (indexed like the inputs).
    /// Known equations are evaluated forward first; linear ones are transposed in reverse order.
    /// Every operation is bound under the current trace, so the pass can itself be traced or differentiated.
    /// </summary>
    public static Tensor?[] BackwardPass(Program program, IReadOnlyList<Tensor?> outputCotangents, IReadOnlyList<Tensor>? knownInputs = null) =>
        BackwardPass(program, outputCotangents, knownInputs, declineUntransposable: false)!;

    /// <summary>
    /// The backward pass, or null — decided before anything runs — when some linear equation has no transpose rule.
    /// Such an equation may be one no cotangent reaches (dead code, or the tangent of an output given no cotangent, such
    /// as Grad's auxiliary outputs), so the caller prunes the program to what the cotangents reach and runs the strict
    /// pass on that, which reports an untransposable equation only when it is really used.
    /// </summary>
    internal static Tensor?[]? BackwardPassOrDecline(Program program, IReadOnlyList<Tensor?> outputCotangents) =>
        BackwardPass(program, outputCotangents, knownInputs: null, declineUntransposable: true);

    private static Tensor?[]? BackwardPass(Program program, IReadOnlyList<Tensor?> outputCotangents, IReadOnlyList<Tensor>? knownInputs, bool declineUntransposable)
    {
        var linear = LinearVars(program, out var linearEquations);
        // Every linear equation must transpose. Checked before any runs: transposition goes backwards, and a later
        // equation reading a value that a non-transposable one computed (a staged while's primal result, say) would
        // otherwise be handed a missing operand instead of this error.
        foreach (int e in linearEquations)
        {
            var eq = program.Equations[e];
            if (eq.Inputs.Length > 0 && eq.Primitive.Rule<ITransposeRule>() is null)
            {
                if (declineUntransposable) return null;
                throw new LinearityException($"'{eq.Primitive.Name}' has no transpose rule: it is not linear. Only linear primitives can be transposed.\n{program}");
            }
        }

        var known = new VarMap<Tensor>(program);
        for (int i = 0; i < program.ConstVars.Count; i++) known.Set(program.ConstVars[i], program.ConstValues[i]);
        for (int i = 0; i < program.Inputs.Count; i++)
            if (!program.LinearInputs[i]) known.Set(program.Inputs[i], knownInputs![i]);

        // Eagerly, cotangent buffers this pass creates go back to the pool at their last use. Everything the pass did
        // not create, and every known value, is protected.
        var recycler = BufferRecycler.ForEagerEvaluation();
        if (recycler is not null)
        {
            foreach (var c in program.ConstValues) recycler.Protect(c);
            if (knownInputs is not null) foreach (var k in knownInputs) recycler.Protect(k);
            foreach (var c in outputCotangents) recycler.Protect(c);
        }

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
            Program.BindEquation(eq, CollectionsMarshal.AsSpan(args), known);
            if (recycler is not null) foreach (var o in eq.Outputs) recycler.Protect(known[o]);
        }

        var cts = new VarMap<Tensor>(program);
        for (int i = 0; i < program.Outputs.Count; i++)
        {
            if (outputCotangents[i] is { } ct && program.Outputs[i] is Var v && linear.Contains(v))
                Accumulate(cts, v, ct, source: null, recycler);
        }

        var targs = new List<TransposeArg>();
        var results = new List<Tensor?>();
        var outCts = new List<Tensor?>();
        for (int k = linearEquations.Count - 1; k >= 0; k--)
        {
            var eq = program.Equations[linearEquations[k]];
            outCts.Clear();
            bool any = false;
            foreach (var o in eq.Outputs)
            {
                var ct = cts.Remove(o, out var c) ? c : null;
                any |= ct is not null;
                outCts.Add(ct);
            }

            if (!any || eq.Inputs.Length == 0) continue;   // zero cotangent, or a staged zero: nothing flows back
            if (eq.Primitive.Rule<ITransposeRule>() is not { } rule)
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

            rule.Transpose(CollectionsMarshal.AsSpan(outCts), CollectionsMarshal.AsSpan(targs), eq.Parameters, CollectionsMarshal.AsSpan(results));
            for (int i = 0; i < eq.Inputs.Length; i++)
            {
                if (results[i] is { } r && eq.Inputs[i] is Var v && linear.Contains(v))
                    Accumulate(cts, v, r, eq.Primitive, recycler);
            }

            // The outputs' cotangents were consumed by the rule (after its results are held: they may be views).
            if (recycler is not null) foreach (var c in outCts) recycler.Drop(c, CollectionsMarshal.AsSpan(results));
        }

        var result = new Tensor?[program.Inputs.Count];
        for (int i = 0; i < result.Length; i++)
            if (program.LinearInputs[i] && cts.TryGet(program.Inputs[i], out var ct)) result[i] = ct;
        return result;
    }

    // `source` is the primitive whose transpose produced the cotangent, or null for an output's cotangent (named only in
    // the error, so no message is built per call).
    private static void Accumulate(VarMap<Tensor> cts, Var v, Tensor ct, Primitive? source, BufferRecycler? recycler)
    {
        if (ct.Aval != v.Aval)
            throw Aval.MismatchError(ct.Aval, v.Aval, $"The transpose of {(source is null ? "an output" : $"'{source.Name}'")} produced a cotangent of type {ct.Aval} for a value of type {v.Aval}.");
        bool had = cts.TryGet(v, out var prior);
        var value = had ? Builtins.AddAny.Bind(prior, ct) : ct;
        cts.Set(v, value);
        if (recycler is null) return;
        recycler.Hold(value);
        Tensor? held = value;
        if (had) recycler.Drop(prior, new ReadOnlySpan<Tensor?>(in held));
    }

    /// <summary>
    /// The transposed program: its inputs are cotangents of <paramref name="program"/>'s outputs (all
    /// linear), its outputs the cotangents of the linear inputs, its constants the same residuals.
    /// Obtained by staging the backward pass.
    /// </summary>
    public static Program TransposeProgram(Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var outputAvals = program.OutputAvals();
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

    /// <summary>
    /// The transpose of a program with known (non-linear) inputs, as the rules of primitives holding sub-programs
    /// bind it: its inputs are the known inputs in order, then a cotangent for every output (linear); its outputs
    /// are the cotangents of the linear inputs in order, zeros where none flows.
    /// </summary>
    public static Program TransposeWithKnownInputs(Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var avals = new List<Aval>();
        var linearAvals = new List<Aval>();
        for (int i = 0; i < program.Inputs.Count; i++)
        {
            if (program.LinearInputs[i]) linearAvals.Add(program.Inputs[i].Aval);
            else avals.Add(program.Inputs[i].Aval);
        }

        int knownCount = avals.Count;
        avals.AddRange(program.OutputAvals());
        return StagingTrace.Run("LinearTranspose", forwardKnown: true, trace =>
        {
            var inputCts = trace.Call(avals, xs =>
            {
                var knownInputs = new Tensor[program.Inputs.Count];
                for (int i = 0, k = 0; i < knownInputs.Length; i++) if (!program.LinearInputs[i]) knownInputs[i] = xs[k++];
                return BackwardPass(program, xs[knownCount..], knownInputs);
            });
            var outs = new List<Tensor?>();
            for (int i = 0; i < program.Inputs.Count; i++) if (program.LinearInputs[i]) outs.Add(inputCts[i]);
            var built = Dce.Run(trace.Build(outs, linearAvals));
            var linear = new bool[built.Inputs.Count];
            for (int i = knownCount; i < linear.Length; i++) linear[i] = true;
            return new Program(built, built.Inputs, built.ConstVars, built.ConstValues, built.Equations, built.Outputs, linear);
        });
    }

    /// <summary><paramref name="program"/> with the inputs flagged in <paramref name="linear"/> marked linear.</summary>
    public static Program WithLinearInputs(Program program, ReadOnlySpan<bool> linear)
    {
        ArgumentNullException.ThrowIfNull(program);
        return new Program(program, program.Inputs, program.ConstVars, program.ConstValues, program.Equations, program.Outputs, linear.ToArray());
    }

    /// <summary>Whether <paramref name="program"/> is linear in exactly the flagged inputs (the linearity checker, as a test).</summary>
    public static bool IsLinearIn(Program program, ReadOnlySpan<bool> linear)
    {
        try
        {
            CheckLinearity(WithLinearInputs(program, linear));
            return true;
        }
        catch (LinearityException)
        {
            return false;
        }
    }
}
