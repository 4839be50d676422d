using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

/// <summary>The parameters of <c>while</c>: the predicate and body programs and how many constants each takes.</summary>
/// <param name="Cond">carry → bool scalar; inputs: its constants, then the carry.</param>
/// <param name="Body">carry → carry; inputs: its constants, then the carry.</param>
/// <param name="CondConsts">How many leading operands are the predicate's constants.</param>
/// <param name="BodyConsts">How many operands after them are the body's constants; the rest is the carry.</param>
/// <param name="CheckpointEvery">Above 1: reverse mode keeps the carry every this many trips and recomputes the rest.</param>
public sealed record WhileParams(Program Cond, Program Body, int CondConsts, int BodyConsts, int CheckpointEvery = 0) : Params, IParams<WhileParams>
{
    private readonly ProgramParams _cond = new(Cond);
    private readonly ProgramParams _body = new(Body);

    /// <inheritdoc/>
    public bool Equals(WhileParams? other) => other is not null && CondConsts == other.CondConsts && BodyConsts == other.BodyConsts
        && CheckpointEvery == other.CheckpointEvery && _cond.Equals(other._cond) && _body.Equals(other._body);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_cond, _body, CondConsts, BodyConsts, CheckpointEvery);

    /// <inheritdoc/>
    public override void Write(ParamWriter writer)
    {
        writer.Int("cond_consts", CondConsts);
        writer.Int("body_consts", BodyConsts);
        writer.Int("checkpoint", CheckpointEvery);
        writer.Program("cond", Cond);
        writer.Program("body", Body);
    }

    /// <inheritdoc/>
    public override IEnumerable<Program> SubPrograms => [Cond, Body];

    /// <inheritdoc/>
    public static WhileParams Read(ParamReader reader)
    {
        int cc = reader.Int("cond_consts");
        int bc = reader.Int("body_consts");
        int every = reader.Int("checkpoint");
        var cond = reader.Program("cond");
        return new WhileParams(cond, reader.Program("body"), cc, bc, every);
    }

    /// <summary>The number of carried values.</summary>
    public int Carry => Body.Inputs.Count - BodyConsts;
}

/// <summary>The catalogue entry of while.</summary>
public static partial class Catalogue
{
    /// <summary>while: see <see cref="Primitives.While"/>.</summary>
    public static readonly While While = new();
}

/// <summary>
/// while (JAX's lax.while_loop): <c>while[cond, body] cond_consts…, body_consts…, init…</c> applies the body to the
/// carry while the predicate holds. The JVP is a while of the body's JVP (a fixpoint decides which carries have
/// tangents). Reverse mode, which JAX does not have: when the known part of the loop can run now (its operands are
/// concrete, as under Grad), partial evaluation runs it, counting the trips and stacking each trip's residuals, and
/// stages the unknown part as a <c>scan</c> of that many steps over them, so the transpose is the scan's (a loop
/// running backwards over the stack). When the trip count is not known while tracing (a staged predicate), the whole
/// loop is staged: Jvp and Linearize work, transposing it raises a <see cref="LinearityException"/>.
/// </summary>
public sealed class While() : MultiResultPrimitive<WhileParams>("while"), IJvpRule, IPartialEvalRule, IBatchRule
{
    /// <inheritdoc/>
    public override NDArray[] Impl(ReadOnlySpan<NDArray> args, WhileParams p)
    {
        int cc = p.CondConsts, bc = p.BodyConsts, nk = p.Carry;
        var condIn = new Tensor[cc + nk];
        var bodyIn = new Tensor[bc + nk];
        for (int i = 0; i < cc; i++) condIn[i] = new Tensor(args[i]);
        for (int i = 0; i < bc; i++) bodyIn[i] = new Tensor(args[cc + i]);
        for (int k = 0; k < nk; k++) bodyIn[bc + k] = new Tensor(args[cc + bc + k]);
        var condRunner = p.Cond.NewRunner();
        var bodyRunner = p.Body.NewRunner();
        var go = new Tensor[1];
        var next = new Tensor[nk];
        while (true)
        {
            for (int k = 0; k < nk; k++) condIn[cc + k] = bodyIn[bc + k];
            if (condRunner is null) go = p.Cond.Evaluate(condIn);
            else condRunner.Run(condIn, go);
            if (!Dispatch.Concrete(go[0]).ReadOnlySpan<bool>()[0]) break;
            if (bodyRunner is null) next = p.Body.Evaluate(bodyIn);
            else bodyRunner.Run(bodyIn, next);
            for (int k = 0; k < nk; k++) bodyIn[bc + k] = next[k];
        }

        var result = new NDArray[nk];
        for (int k = 0; k < nk; k++) result[k] = Dispatch.Concrete(bodyIn[bc + k]);
        return result;
    }

    /// <inheritdoc/>
    public override Aval[] AbstractEval(ReadOnlySpan<Aval> args, WhileParams p)
    {
        int cc = p.CondConsts, bc = p.BodyConsts, nk = p.Carry;
        if (cc < 0 || bc < 0 || nk < 0 || p.Cond.Inputs.Count != cc + nk)
            throw new ShapeException($"while: the predicate takes {p.Cond.Inputs.Count} inputs but has {cc} constants and the carry has {nk} values.");
        if (args.Length != cc + bc + nk)
            throw new ShapeException($"while: expects {cc + bc + nk} operands ({cc} predicate constants, {bc} body constants, {nk} carries), got {args.Length}.");
        var condOut = p.Cond.OutputAvals();
        if (condOut.Length != 1 || condOut[0] != new Aval(Shape.Scalar, DType.Bool))
            throw new ShapeException($"while: the predicate must return one bool scalar, got ({string.Join(", ", condOut)}).");
        ControlFlow.CheckInputs(Name, "the predicate", p.Cond, [.. args[..cc], .. args[(cc + bc)..]]);
        ControlFlow.CheckInputs(Name, "the body", p.Body, args[cc..]);
        var outs = p.Body.OutputAvals();
        if (outs.Length != nk)
            throw new ShapeException($"while: the body must return the {nk} carried values, got {outs.Length}.");
        for (int k = 0; k < nk; k++)
        {
            if (outs[k] != args[cc + bc + k])
                throw new ShapeException($"while: the body must return its carry with the same types; carry {k} enters as {args[cc + bc + k]} but leaves as {outs[k]}.");
        }

        return outs;
    }

    /// <summary>(c, ċ) = while(cond ∘ primal part, jvp(body)): the predicate reads only primals; the carries with a tangent are a fixpoint.</summary>
    public void Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Params parameters, Span<Tensor> primalsOut, Span<Tensor?> tangentsOut)
    {
        var p = Typed(parameters);
        int cc = p.CondConsts, bc = p.BodyConsts, nk = p.Carry;
        Tensor? level = null;
        foreach (var t in tangents) level ??= t;
        // Body operands: body consts then carry; the predicate's constants never carry a tangent into the loop.
        var nz = new bool[bc + nk];
        for (int i = 0; i < nz.Length; i++) nz[i] = tangents[cc + i] is not null;
        var (jvp, _) = ControlFlow.CarryFixpoint(nz, bc, nk, () =>
        {
            var r = ForwardMode.JvpProgram(p.Body, nz, ControlFlow.Leading(nz, bc, nk, nk));
            return (r, r.NonzeroOutputs);
        });

        // jvp: (body consts, carry, const tangents, carry tangents) → (carry, carry tangents); regroup so consts come first.
        int nbt = 0, nkt = 0;
        for (int i = 0; i < bc; i++) if (nz[i]) nbt++;
        for (int k = 0; k < nk; k++) if (nz[bc + k]) nkt++;
        var order = new List<int>();
        for (int i = 0; i < bc; i++) order.Add(i);
        for (int i = 0; i < nbt; i++) order.Add(bc + nk + i);
        for (int k = 0; k < nk; k++) order.Add(bc + k);
        for (int i = 0; i < nkt; i++) order.Add(bc + nk + nbt + i);
        var body = ControlFlow.Reorder(jvp, [.. order], [.. Enumerable.Range(0, nk + nkt)]);
        // The predicate ignores the tangents: a program over (consts, carry, carry tangents) that reads the first two.
        var carryTangentAvals = new List<Aval>();
        for (int k = 0; k < nk; k++) if (nz[bc + k]) carryTangentAvals.Add(p.Body.Inputs[bc + k].Aval);
        var cond = Staging.MakeProgram(xs => p.Cond.Evaluate(xs.AsSpan(0, cc + nk)), [.. p.Cond.InputAvals(), .. carryTangentAvals], "while");
        var args = new List<Tensor>(primals[..(cc + bc)].ToArray());
        for (int i = 0; i < bc; i++) if (nz[i]) args.Add(tangents[cc + i]!);
        args.AddRange(primals[(cc + bc)..].ToArray());
        for (int k = 0; k < nk; k++) if (nz[bc + k]) args.Add(tangents[cc + bc + k] ?? Lax.ZerosAt(level!, primals[cc + bc + k].Aval));
        var results = Bind([.. args], new WhileParams(cond, body, cc, bc + nbt, p.CheckpointEvery));
        for (int k = 0, t = nk; k < nk; k++)
        {
            primalsOut[k] = results[k];
            tangentsOut[k] = nz[bc + k] ? results[t++] : null;
        }
    }

    /// <summary>
    /// With every known operand concrete: the known part runs now, trip by trip, stacking its residuals, and the unknown
    /// part is staged as a scan of the counted length over them. Otherwise (a known operand is an enclosing trace's
    /// value, or the predicate depends on an unknown carry) the whole loop is staged.
    /// </summary>
    public void PartialEval(StagingTrace trace, ReadOnlySpan<Tensor> args, Params parameters, Span<Tensor> results)
    {
        var p = Typed(parameters);
        int cc = p.CondConsts, bc = p.BodyConsts, nk = p.Carry;
        var unknown = new bool[args.Length];
        for (int i = 0; i < args.Length; i++) unknown[i] = ControlFlow.IsStaged(trace, args[i]);
        // Body inputs: body consts, carry. Fixpoint over which carries are unknown.
        var bodyUnknown = unknown[cc..].ToArray();
        var split = ControlFlow.CarryFixpoint(bodyUnknown, bc, nk, () =>
        {
            var r = PartialEvaluation.Split(p.Body, bodyUnknown, ControlFlow.Leading(bodyUnknown, bc, nk, nk));
            return (r, r.UnknownOutputs);
        });

        // The predicate may read only known values.
        var condReads = new bool[cc + nk];
        Transforms.Dce.Prune(p.Cond, [true], condReads);
        bool condKnown = true;
        for (int i = 0; i < cc; i++) condKnown &= !condReads[i] || !unknown[i];
        for (int k = 0; k < nk; k++) condKnown &= !condReads[cc + k] || !bodyUnknown[bc + k];
        var condIn = new Tensor[cc + nk];
        for (int i = 0; i < cc; i++) condIn[i] = args[i];
        for (int k = 0; k < nk; k++) condIn[cc + k] = args[cc + bc + k];
        Tensor? first = null;
        if (condKnown && !Array.TrueForAll(bodyUnknown, u => u))
        {
            // The trip count must be known now: the predicate's value concrete (eagerly, or under an enclosing JVP).
            using (TraceContext.Enter(trace.Parent)) first = p.Cond.Evaluate(condIn)[0];
        }

        if (first is null || !first.IsConcrete)
        {
            trace.Stage(this, args, p, results);
            return;
        }

        // Run the known part now: the predicate on the known carry, the known body producing (known carry, residuals).
        var known = split.Known;   // inputs: known body consts, known carry; outputs: known carry, residuals
        int kb = 0, kk = 0;
        for (int i = 0; i < bc; i++) if (!bodyUnknown[i]) kb++;
        for (int k = 0; k < nk; k++) if (!bodyUnknown[bc + k]) kk++;
        var knownIn = new List<Tensor>();
        for (int i = 0; i < bc; i++) if (!bodyUnknown[i]) knownIn.Add(args[cc + i]);
        for (int k = 0; k < nk; k++) if (!bodyUnknown[bc + k]) knownIn.Add(args[cc + bc + k]);
        var carry = new Tensor[nk];
        for (int k = 0; k < nk; k++) carry[k] = args[cc + bc + k];
        var residualAvals = known.OutputAvals()[kk..];
        var residuals = new List<Tensor>[residualAvals.Length];
        for (int r = 0; r < residuals.Length; r++) residuals[r] = [];
        var stacked = new Tensor[residualAvals.Length];
        int n = 0;
        using (TraceContext.Enter(trace.Parent))
        {
            var go = first;
            while (Dispatch.Concrete(go).ReadOnlySpan<bool>()[0])
            {
                n++;
                var outs = known.Evaluate([.. knownIn]);
                if (p.CheckpointEvery <= 1) for (int r = 0; r < residuals.Length; r++) residuals[r].Add(Lax.Reshape(outs[kk + r], Shape.Of([1, .. residualAvals[r].Shape.Dims])));
                for (int k = 0, j = 0; k < nk; k++)
                {
                    if (bodyUnknown[bc + k]) continue;
                    carry[k] = outs[j];
                    knownIn[kb + j] = outs[j];
                    j++;
                }

                for (int k = 0; k < nk; k++) condIn[cc + k] = carry[k];
                go = p.Cond.Evaluate(condIn)[0];
                if (!go.IsConcrete) throw new InvalidOperationException("while: the predicate stopped being concrete during the loop.");
            }

            // The stack of residuals, one row per trip.
            for (int r = 0; r < stacked.Length && p.CheckpointEvery <= 1; r++)
            {
                var a = residualAvals[r];
                stacked[r] = residuals[r].Count switch
                {
                    0 => Staging.Zeros(a with { Shape = Shape.Of([0, .. a.Shape.Dims]) }),
                    1 => residuals[r][0],
                    _ => Lax.Concatenate([.. residuals[r]], 0),
                };
            }
        }

        if (p.CheckpointEvery > 1 && n > p.CheckpointEvery)
        {
            // With the trip count known, the loop is a checkpointed scan of the whole body over n steps: its partial
            // evaluation keeps the carry every k trips and recomputes each block in the backward pass (the known part runs
            // once more here to produce the kept carries).
            var bodyConsts = args[cc..(cc + bc)].ToArray();
            Tensor[] final;
            using (TraceContext.Enter(trace))
            {
                final = Lax.Scan((c, _) => (p.Body.Evaluate([.. bodyConsts, .. c]), []), args[(cc + bc)..].ToArray(), [], n, checkpointEvery: p.CheckpointEvery).Carry;
            }

            final.CopyTo(results);
            return;
        }

        StagingTrace.NoteKnown($"while (stacked over {n} trips)", stacked);
        // The unknown part: residuals, unknown body consts, unknown carry → unknown carry; as a scan, the residuals are its xs.
        var u = split.Unknown;
        int nr = split.ResidualCount, ub = bc - kb, uk = nk - kk;
        var order = new List<int>();
        for (int i = 0; i < ub; i++) order.Add(nr + i);
        for (int k = 0; k < uk; k++) order.Add(nr + ub + k);
        for (int r = 0; r < nr; r++) order.Add(r);
        var scanBody = ControlFlow.Reorder(u, [.. order], [.. Enumerable.Range(0, uk)]);
        var scanArgs = new List<Tensor>();
        for (int i = 0; i < bc; i++) if (bodyUnknown[i]) scanArgs.Add(args[cc + i]);
        for (int k = 0; k < nk; k++) if (bodyUnknown[bc + k]) scanArgs.Add(args[cc + bc + k]);
        scanArgs.AddRange(stacked);
        var staged = new Tensor[uk];
        trace.Stage(Catalogue.Scan, [.. scanArgs], new ScanParams(scanBody, n, false, ub, uk), staged);
        for (int k = 0, s = 0; k < nk; k++) results[k] = bodyUnknown[bc + k] ? staged[s++] : carry[k];
    }

    /// <summary>
    /// The carry fixpoint as for scan, then the predicate batched. An unbatched predicate keeps the loop as it is. A batched
    /// one (examples finish at different trips) makes every carry batched: the loop runs while any example's predicate
    /// holds, and each trip keeps select(pred, body(c), c), so a finished example's carry no longer changes (its body still
    /// runs, masked, as in JAX).
    /// </summary>
    public void Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, Params parameters, Span<Tensor> results, Span<int> resultDims)
    {
        var p = (WhileParams)parameters;
        int ncc = p.CondConsts, nbc = p.BodyConsts, nk = args.Length - ncc - nbc;
        var mask = BatchPrograms.Mask(dims);
        var (body, carry, _) = BatchPrograms.CarryFixpoint(p.Body, mask[ncc..(ncc + nbc)], mask[(ncc + nbc)..], [], axisSize);
        var (cond, predBatched) = Batching.BatchProgram(p.Cond, [.. mask[..ncc], .. carry], axisSize);
        var consts = BatchPrograms.Fronted(args[..(ncc + nbc)], dims[..(ncc + nbc)]);
        if (!predBatched[0])
        {
            Tensor[] operands = [.. consts, .. BatchPrograms.AsMasked(args[(ncc + nbc)..], dims[(ncc + nbc)..], carry, axisSize)];
            Dispatch.BindInto(this, operands, new WhileParams(cond, body, ncc, nbc, p.CheckpointEvery), results);
            BatchPrograms.Dims(carry, resultDims);
            return;
        }

        var all = Enumerable.Repeat(true, nk).ToArray();
        var (body2, _) = Batching.BatchProgram(p.Body, [.. mask[ncc..(ncc + nbc)], .. all], axisSize, all);
        var (cond2, _) = Batching.BatchProgram(p.Cond, [.. mask[..ncc], .. all], axisSize, [true]);
        // any(pred): the loop goes on while one example still runs.
        var anyCond = Staging.MakeProgram(xs => [Lax.Gt(Lax.ReduceMax(Lax.Convert(cond2.Evaluate(xs)[0], DType.Int32), [0]), BatchRules.IntScalar(0))], cond2.InputAvals(), "Vmap");
        var stepAvals = new List<Aval>(cond2.InputAvals()[..ncc]);
        stepAvals.AddRange(body2.InputAvals());
        var step = Staging.MakeProgram(xs =>
        {
            var c = xs.AsSpan(ncc + nbc).ToArray();
            var pred = cond2.Evaluate([.. xs.AsSpan(0, ncc), .. c])[0];
            var next = body2.Evaluate(xs.AsSpan(ncc).ToArray());
            var kept = new Tensor[nk];
            for (int i = 0; i < nk; i++)
            {
                var shape = new int[c[i].Rank];
                shape.AsSpan().Fill(1);
                shape[0] = axisSize;
                kept[i] = Lax.Select(Lax.Reshape(pred, Shape.Of(shape)), next[i], c[i]);
            }

            return kept;
        }, stepAvals, "Vmap");
        var loopOperands = new List<Tensor>(consts[..ncc]);
        loopOperands.AddRange(consts);
        loopOperands.AddRange(BatchRules.AllFront(args[(ncc + nbc)..], dims[(ncc + nbc)..], axisSize));
        Dispatch.BindInto(this, [.. loopOperands], new WhileParams(anyCond, step, ncc, ncc + nbc, p.CheckpointEvery), results);
        resultDims.Clear();
    }
}
