using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

/// <summary>The parameters of <c>cond</c>: one closed program per branch, all with the same input and output types.</summary>
public sealed record CondParams : Params, IParams<CondParams>
{
    private readonly ProgramParams[] _branches;

    /// <summary>Wraps the branch programs (at least one).</summary>
    public CondParams(IReadOnlyList<Program> branches)
    {
        ArgumentNullException.ThrowIfNull(branches);
        if (branches.Count == 0) throw new ArgumentException("cond needs at least one branch.", nameof(branches));
        _branches = [.. branches.Select(b => new ProgramParams(b))];
    }

    /// <summary>The branch programs, in index order.</summary>
    public IReadOnlyList<Program> Branches => [.. _branches.Select(b => b.Program)];

    /// <summary>The number of branches.</summary>
    public int Count => _branches.Length;

    /// <summary>Branch <paramref name="i"/>.</summary>
    public Program this[int i] => _branches[i].Program;

    /// <inheritdoc/>
    public bool Equals(CondParams? other) => other is not null && _branches.AsSpan().SequenceEqual(other._branches);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var b in _branches) h.Add(b);
        return h.ToHashCode();
    }

    /// <inheritdoc/>
    public override void Write(ParamWriter writer)
    {
        writer.Int("branches", _branches.Length);
        for (int i = 0; i < _branches.Length; i++) writer.Program($"branch{i}", _branches[i].Program);
    }

    /// <inheritdoc/>
    public override IEnumerable<Program> SubPrograms => Branches;

    /// <inheritdoc/>
    public static CondParams Read(ParamReader reader)
    {
        int n = reader.Int("branches");
        var branches = new Program[n];
        for (int i = 0; i < n; i++) branches[i] = reader.Program($"branch{i}");
        return new CondParams(branches);
    }
}

/// <summary>The catalogue entry of cond.</summary>
public static partial class Catalogue
{
    /// <summary>cond: see <see cref="Primitives.Cond"/>.</summary>
    public static readonly Cond Cond = new();
}

/// <summary>
/// cond (JAX's lax.switch): <c>cond[branches] index, operands…</c> applies branch <c>clamp(index, 0, n − 1)</c> to the
/// operands. The index is an i32 scalar and is never differentiated. With a concrete index (eagerly, and under Jvp,
/// Linearize and Grad, whose primal values are concrete) every rule applies the chosen branch alone; with a staged
/// index the rules map over all branches: the JVP is a cond of the branches' JVPs, partial evaluation splits every
/// branch and merges their residuals (each branch writes zeros for the others'), the transpose is a cond of the
/// branches' transposes.
/// </summary>
public sealed class Cond() : MultiResultPrimitive<CondParams>("cond"), IJvpRule, IPartialEvalRule, IDceRule, ITransposeRule, IBatchRule
{
    /// <summary>The branch an index selects: clamped into range, as XLA does.</summary>
    public static int Clamp(int index, int count) => Math.Clamp(index, 0, count - 1);

    private static int ConcreteIndex(Tensor index, int count) => Clamp(Dispatch.Concrete(index).ReadOnlySpan<int>()[0], count);

    /// <inheritdoc/>
    public override NDArray[] Impl(ReadOnlySpan<NDArray> args, CondParams p)
    {
        var branch = p[Clamp(args[0].ReadOnlySpan<int>()[0], p.Count)];
        return ControlFlow.EvaluateConcrete(branch, args[1..]);
    }

    /// <inheritdoc/>
    public override Aval[] AbstractEval(ReadOnlySpan<Aval> args, CondParams p)
    {
        if (args.Length == 0 || args[0] != new Aval(Shape.Scalar, DType.Int32))
            throw new ShapeException($"cond: the first operand is the branch index, an i32 scalar; got {(args.Length == 0 ? "none" : args[0].ToString())}.");
        var outs = p[0].OutputAvals();
        for (int b = 0; b < p.Count; b++)
        {
            ControlFlow.CheckInputs(Name, $"branch {b}", p[b], args[1..]);
            var o = p[b].OutputAvals();
            if (!o.AsSpan().SequenceEqual(outs))
                throw new ShapeException($"cond: every branch must return the same types; branch 0 returns ({string.Join(", ", outs)}) but branch {b} returns ({string.Join(", ", o)}).");
        }

        return outs;
    }

    /// <summary>(y, ẏ) = jvp(branchᵢ)(x, ẋ); the index has no tangent.</summary>
    public void Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Params parameters, Span<Tensor> primalsOut, Span<Tensor?> tangentsOut)
    {
        var p = Typed(parameters);
        var index = primals[0];
        if (index.IsConcrete)
        {
            var branch = p[ConcreteIndex(index, p.Count)];
            var (outs, touts) = ForwardMode.Jvp(xs => branch.Evaluate(xs), primals[1..].ToArray(), tangents[1..].ToArray(), "cond");
            outs.CopyTo(primalsOut);
            touts.CopyTo(tangentsOut);
            return;
        }

        // Staged index: a cond of the branches' JVPs, each writing a tangent for every output any branch perturbs.
        var nonzero = new bool[tangents.Length - 1];
        for (int i = 0; i < nonzero.Length; i++) nonzero[i] = tangents[i + 1] is not null;
        var union = new bool[p[0].Outputs.Count];
        var first = p.Branches.Select(b => ForwardMode.JvpProgram(b, nonzero)).ToArray();
        foreach (var (_, nz) in first)
            for (int i = 0; i < union.Length; i++) union[i] |= nz[i];

        // A branch that already perturbs every output in the union is kept; the others are traced again with zeros written out.
        var branches = p.Branches.Select((b, k) => first[k].NonzeroOutputs.AsSpan().SequenceEqual(union) ? first[k].Program : ForwardMode.JvpProgram(b, nonzero, union).Program).ToArray();
        var args = new List<Tensor>(primals.ToArray());
        for (int i = 0; i < nonzero.Length; i++) if (nonzero[i]) args.Add(tangents[i + 1]!);
        var results = Bind([.. args], new CondParams(branches));
        int k = primalsOut.Length;
        for (int i = 0; i < primalsOut.Length; i++)
        {
            primalsOut[i] = results[i];
            tangentsOut[i] = union[i] ? results[k++] : null;
        }
    }

    /// <summary>
    /// A concrete index inlines its branch (known work is done now). A staged index stages the whole cond. A known but
    /// abstract index (an enclosing trace's value) splits every branch: the known cond computes the known outputs and
    /// every branch's residuals (zeros for the branches not taken), the staged cond the rest.
    /// </summary>
    public void PartialEval(StagingTrace trace, ReadOnlySpan<Tensor> args, Params parameters, Span<Tensor> results)
    {
        var p = Typed(parameters);
        var index = args[0];
        if (index.IsConcrete)
        {
            Tensor[] outs;
            using (TraceContext.Enter(trace)) outs = p[ConcreteIndex(index, p.Count)].Evaluate(args[1..]);
            outs.CopyTo(results);
            return;
        }

        if (ControlFlow.IsStaged(trace, index))
        {
            trace.Stage(this, args, p, results);
            return;
        }

        int n = args.Length - 1;
        var unknown = new bool[n];
        for (int i = 0; i < n; i++) unknown[i] = ControlFlow.IsStaged(trace, args[i + 1]);
        var instantiate = new bool[p[0].Outputs.Count];
        var first = p.Branches.Select(b => PartialEvaluation.Split(b, unknown)).ToArray();
        foreach (var split in first)
            for (int i = 0; i < instantiate.Length; i++) instantiate[i] |= split.UnknownOutputs[i];

        // A branch whose unknown outputs are already the union keeps its split; the others split again, instantiating the rest.
        var splits = p.Branches.Select((b, k) => first[k].UnknownOutputs.AsSpan().SequenceEqual(instantiate) ? first[k] : PartialEvaluation.Split(b, unknown, instantiate)).ToArray();
        var residualAvals = new List<Aval>();
        var offsets = new int[splits.Length];
        for (int b = 0; b < splits.Length; b++)
        {
            offsets[b] = residualAvals.Count;
            var known = splits[b].Known;
            for (int r = known.Outputs.Count - splits[b].ResidualCount; r < known.Outputs.Count; r++) residualAvals.Add(known.Outputs[r].Aval);
        }

        var knownAvals = new List<Aval>();
        var unknownAvals = new List<Aval>(residualAvals);
        for (int i = 0; i < n; i++) (unknown[i] ? unknownAvals : knownAvals).Add(args[i + 1].Aval);
        int knownOutCount = instantiate.Count(u => !u);
        // Known branch b: its known outputs, then every branch's residual slot (its own filled, the others zero).
        var knownBranches = new Program[splits.Length];
        var unknownBranches = new Program[splits.Length];
        for (int b = 0; b < splits.Length; b++)
        {
            var s = splits[b];
            int own = offsets[b];
            knownBranches[b] = Staging.MakeProgram(xs =>
            {
                var o = s.Known.Evaluate(xs);
                var list = new List<Tensor>(o[..knownOutCount]);
                for (int r = 0; r < residualAvals.Count; r++)
                    list.Add(r >= own && r < own + s.ResidualCount ? o[knownOutCount + r - own] : Staging.Zeros(residualAvals[r]));
                return [.. list];
            }, knownAvals, "cond");
            unknownBranches[b] = Staging.MakeProgram(xs => s.Unknown.Evaluate([.. xs.AsSpan(own, s.ResidualCount), .. xs.AsSpan(residualAvals.Count)]), unknownAvals, "cond");
        }

        var knownArgs = new List<Tensor> { index };
        var unknownArgs = new List<Tensor>();
        for (int i = 0; i < n; i++) (unknown[i] ? unknownArgs : knownArgs).Add(args[i + 1]);
        Tensor[] knownResults;
        using (TraceContext.Enter(trace.Parent)) knownResults = Bind([.. knownArgs], new CondParams(knownBranches));
        StagingTrace.NoteKnown("cond", knownResults);
        var staged = new Tensor[instantiate.Count(u => u)];
        trace.Stage(this, [index, .. knownResults.AsSpan(knownOutCount), .. unknownArgs], new CondParams(unknownBranches), staged);
        for (int i = 0, k = 0, u = 0; i < instantiate.Length; i++) results[i] = instantiate[i] ? staged[u++] : knownResults[k++];
    }

    /// <summary>Keeps the used results; an operand stays when any branch reads it; the index always stays.</summary>
    public bool Dce(Equation equation, ReadOnlySpan<bool> usedOutputs, Span<bool> usedInputs, out Equation pruned)
    {
        var p = Typed(equation.Parameters);
        int n = equation.Inputs.Length - 1;
        var used = new bool[n];
        var scratch = new bool[n];
        foreach (var b in p.Branches)
        {
            Array.Clear(scratch);
            Transforms.Dce.Prune(b, usedOutputs, scratch);
            for (int i = 0; i < n; i++) used[i] |= scratch[i];
        }

        usedInputs[0] = true;
        for (int i = 0; i < n; i++) usedInputs[i + 1] = used[i];
        var branches = new Program[p.Count];
        for (int b = 0; b < branches.Length; b++) branches[b] = ControlFlow.Restrict(p[b], usedOutputs, used);
        var inputs = new List<Atom>();
        for (int i = 0; i < equation.Inputs.Length; i++) if (usedInputs[i]) inputs.Add(equation.Inputs[i]);
        var outputs = new List<Var>();
        for (int i = 0; i < equation.Outputs.Length; i++) if (usedOutputs[i]) outputs.Add(equation.Outputs[i]);
        pruned = new Equation(this, [.. inputs], new VarList([.. outputs]), new CondParams(branches));
        return outputs.Count > 0;
    }

    /// <summary>Linear in the flagged operands when every branch is (the index is never linear).</summary>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, Params parameters)
    {
        if (linear[0]) return false;
        var flags = linear[1..];
        foreach (var b in Typed(parameters).Branches)
            if (!Transposition.IsLinearIn(b, flags)) return false;
        return true;
    }

    /// <summary>x̄ = transpose(branchᵢ)(ȳ): the chosen branch's backward pass, or a cond of the branches' transposes.</summary>
    public void Transpose(ReadOnlySpan<Tensor?> cotangents, ReadOnlySpan<TransposeArg> args, Params parameters, Span<Tensor?> result)
    {
        var p = Typed(parameters);
        var index = args[0].Value!;
        int n = args.Length - 1;
        var linear = new bool[n];
        var known = new Tensor[n];
        for (int i = 0; i < n; i++)
        {
            linear[i] = args[i + 1].IsLinear;
            if (!linear[i]) known[i] = args[i + 1].Value!;
        }

        if (index.IsConcrete)
        {
            var branch = Transposition.WithLinearInputs(p[ConcreteIndex(index, p.Count)], linear);
            var cts = Transposition.BackwardPass(branch, cotangents.ToArray(), known);
            for (int i = 0; i < n; i++) result[i + 1] = linear[i] ? cts[i] : null;
            return;
        }

        Tensor? level = null;
        foreach (var c in cotangents) level ??= c;
        var outAvals = p[0].OutputAvals();
        var branches = p.Branches.Select(b => Transposition.TransposeWithKnownInputs(Transposition.WithLinearInputs(b, linear))).ToArray();
        var operands = new List<Tensor> { index };
        for (int i = 0; i < n; i++) if (!linear[i]) operands.Add(known[i]);
        for (int i = 0; i < cotangents.Length; i++) operands.Add(cotangents[i] ?? Lax.ZerosAt(level!, outAvals[i]));
        var outs = Bind([.. operands], new CondParams(branches));
        for (int i = 0, k = 0; i < n; i++) result[i + 1] = linear[i] ? outs[k++] : null;
    }

    /// <summary>
    /// An unbatched index keeps one cond of the batched branches (an output is batched if any branch batches it). A batched
    /// index runs every branch on the whole batch and selects per example (JAX's rule): all branches are paid for, and each
    /// branch's float operands pass a stop_gradient for the examples that do not take it, so its derivative cannot leak.
    /// </summary>
    public void Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, Params parameters, Span<Tensor> results, Span<int> resultDims)
    {
        var p = (CondParams)parameters;
        var mask = BatchPrograms.Mask(dims[1..]);
        if (dims[0] == Batching.NotBatched)
        {
            var outBatched = new bool[results.Length];
            for (int b = 0; b < p.Count; b++)
            {
                var (_, batched) = Batching.BatchProgram(p[b], mask, axisSize);
                for (int i = 0; i < outBatched.Length; i++) outBatched[i] |= batched[i];
            }

            var branches = new Program[p.Count];
            for (int b = 0; b < p.Count; b++) branches[b] = Batching.BatchProgram(p[b], mask, axisSize, outBatched).Program;
            Dispatch.BindInto(this, [args[0], .. BatchPrograms.Fronted(args[1..], dims[1..])], new CondParams(branches), results);
            BatchPrograms.Dims(outBatched, resultDims);
            return;
        }

        var index = BatchRules.MoveAxis(args[0], dims[0], 0);
        index = Lax.Max(Lax.Min(index, BatchRules.IntScalar(p.Count - 1)), BatchRules.IntScalar(0));
        Tensor Taken(int b, int rank)
        {
            var shape = new int[rank];
            shape.AsSpan().Fill(1);
            shape[0] = axisSize;
            return Lax.Reshape(Lax.Eq(index, BatchRules.IntScalar(b)), Shape.Of(shape));
        }

        for (int b = p.Count - 1; b >= 0; b--)
        {
            var branch = p[b];
            // Each branch sees its float operands through select(taken, x, stop_gradient(x)) (JAX PR #5658): an example
            // that does not take the branch still runs it, and a NaN in that branch's derivative (√x at x < 0) would
            // otherwise reach the gradient through 0·NaN; this way its cotangent stops at the stop_gradient.
            var operands = new Tensor[args.Length - 1];
            var opDims = new int[operands.Length];
            for (int i = 0; i < operands.Length; i++)
            {
                var x = args[i + 1];
                if (!Aval.CarriesTangent(x.DType))
                {
                    (operands[i], opDims[i]) = (x, dims[i + 1]);
                    continue;
                }

                var front = BatchRules.Front(x, dims[i + 1], axisSize);
                (operands[i], opDims[i]) = (Lax.Select(Taken(b, front.Rank), front, Lax.StopGradient(front)), 0);
            }

            var (outs, outDims) = Batching.Vmap(xs => branch.Evaluate(xs), operands, opDims, axisSize);
            for (int i = 0; i < results.Length; i++)
            {
                var y = BatchRules.Front(outs[i], outDims[i], axisSize);
                if (b == p.Count - 1)
                {
                    results[i] = y;
                    continue;
                }

                results[i] = Lax.Select(Taken(b, y.Rank), y, results[i]);
            }
        }

        resultDims.Clear();
    }
}
