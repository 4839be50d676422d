using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

/// <summary>
/// The parameters of <c>scan</c>. The body takes the constants, the carry and one slice of each scanned input, and
/// returns the new carry and one slice of each stacked output.
/// </summary>
/// <param name="Body">The closed body program: inputs consts ++ carry ++ x slices, outputs carry ++ y slices.</param>
/// <param name="Length">The number of iterations (the leading extent of every scanned input and stacked output).</param>
/// <param name="Reverse">Iterate from the last slice to the first (outputs are still stored at their own index).</param>
/// <param name="Consts">How many leading operands are loop-invariant constants.</param>
/// <param name="Carry">How many operands after them are the carry.</param>
public sealed record ScanParams(Program Body, int Length, bool Reverse, int Consts, int Carry) : Params, IParams<ScanParams>
{
    private readonly ProgramParams _body = new(Body);

    /// <inheritdoc/>
    public bool Equals(ScanParams? other) => other is not null && Length == other.Length && Reverse == other.Reverse
        && Consts == other.Consts && Carry == other.Carry && _body.Equals(other._body);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_body, Length, Reverse, Consts, Carry);

    /// <inheritdoc/>
    public override void Write(ParamWriter writer)
    {
        writer.Int("length", Length);
        writer.Bool("reverse", Reverse);
        writer.Int("consts", Consts);
        writer.Int("carry", Carry);
        writer.Program("body", Body);
    }

    /// <inheritdoc/>
    public override IEnumerable<Program> SubPrograms => [Body];

    /// <inheritdoc/>
    public static ScanParams Read(ParamReader reader)
    {
        int length = reader.Int("length");
        bool reverse = reader.Bool("reverse");
        int consts = reader.Int("consts");
        int carry = reader.Int("carry");
        return new ScanParams(reader.Program("body"), length, reverse, consts, carry);
    }

    /// <summary>The number of scanned inputs.</summary>
    public int Xs => Body.Inputs.Count - Consts - Carry;
}

/// <summary>The catalogue entry of scan.</summary>
public static partial class Catalogue
{
    /// <summary>scan: see <see cref="Primitives.Scan"/>.</summary>
    public static readonly Scan Scan = new();
}

/// <summary>
/// scan (JAX's lax.scan): <c>scan[body, length, reverse, consts, carry] consts…, init…, xs…</c> runs the body
/// <c>length</c> times, threading the carry and slicing each x along its leading axis; the results are the final carry
/// and the stacked y slices. The JVP is a scan of the body's JVP (a fixpoint decides which carries have tangents);
/// partial evaluation splits the body into a known scan, which also stacks the residuals of every iteration (residuals
/// that are known constants are passed once, not stacked), and a staged scan that reads them; the transpose is a scan
/// running the other way whose carry accumulates the constants' cotangents; DCE drops unused outputs and the carries
/// nothing needs.
/// </summary>
public sealed class Scan() : MultiResultPrimitive<ScanParams>("scan"), IJvpRule, IPartialEvalRule, IDceRule, ITransposeRule, IBatchRule
{
    /// <inheritdoc/>
    public override NDArray[] Impl(ReadOnlySpan<NDArray> args, ScanParams p)
    {
        var body = p.Body;
        int nc = p.Consts, nk = p.Carry, nx = p.Xs;
        var ys = body.OutputAvals()[nk..];
        var inputs = new Tensor[body.Inputs.Count];
        for (int i = 0; i < nc + nk; i++) inputs[i] = new Tensor(args[i]);
        var stacked = new NDArray[ys.Length];
        // Not cleared: every step writes its own slice, so all p.Length slices are written before the result is read.
        for (int j = 0; j < ys.Length; j++) stacked[j] = NDArray.Uninitialized(ys[j].DType, Stacked(ys[j].Shape, p.Length));
        var runner = body.NewRunner();
        var outs = new Tensor[body.Outputs.Count];
        for (int step = 0; step < p.Length; step++)
        {
            int i = p.Reverse ? p.Length - 1 - step : step;
            for (int j = 0; j < nx; j++) inputs[nc + nk + j] = new Tensor(NDArray.CopyBlock(args[nc + nk + j], i, body.Inputs[nc + nk + j].Aval.Shape));

            if (runner is null) outs = body.Evaluate(inputs);
            else runner.Run(inputs, outs);
            for (int k = 0; k < nk; k++) inputs[nc + k] = outs[k];
            for (int j = 0; j < ys.Length; j++)
            {
                var y = Dispatch.Concrete(outs[nk + j]);
                Array.Copy(y.Data, 0, stacked[j].Data, i * y.Size, y.Size);
            }
        }

        var result = new NDArray[nk + ys.Length];
        for (int k = 0; k < nk; k++) result[k] = Dispatch.Concrete(inputs[nc + k]);
        stacked.CopyTo(result, nk);
        return result;
    }

    private static Shape Stacked(Shape slice, int length) => Shape.Of([length, .. slice.Dims]);

    /// <inheritdoc/>
    public override Aval[] AbstractEval(ReadOnlySpan<Aval> args, ScanParams p)
    {
        var body = p.Body;
        if (p.Length < 0) throw new ShapeException($"scan: the length must be non-negative, got {p.Length}.");
        if (p.Consts < 0 || p.Carry < 0 || p.Consts + p.Carry > body.Inputs.Count)
            throw new ShapeException($"scan: {p.Consts} constants and {p.Carry} carries do not fit a body of {body.Inputs.Count} inputs.");
        if (args.Length != body.Inputs.Count)
            throw new ShapeException($"scan: the body takes {body.Inputs.Count} operands but {args.Length} were given.");
        var outs = body.OutputAvals();
        if (outs.Length < p.Carry)
            throw new ShapeException($"scan: the body returns {outs.Length} values, fewer than its {p.Carry} carries.");
        for (int i = 0; i < args.Length; i++)
        {
            var expected = body.Inputs[i].Aval;
            if (i >= p.Consts + p.Carry) expected = expected with { Shape = Stacked(expected.Shape, p.Length) };
            if (args[i] != expected)
                throw Aval.MismatchError(args[i], expected, $"scan: operand {i} has type {args[i]} but the body expects {expected}" +
                    (i >= p.Consts + p.Carry ? $" (a scanned input is stacked along a leading axis of length {p.Length})." : "."));
        }

        for (int k = 0; k < p.Carry; k++)
        {
            if (outs[k] != body.Inputs[p.Consts + k].Aval)
                throw new ShapeException($"scan: the body must return its carry with the same types; carry {k} enters as {body.Inputs[p.Consts + k].Aval} but leaves as {outs[k]}.");
        }

        var result = new Aval[outs.Length];
        for (int i = 0; i < outs.Length; i++) result[i] = i < p.Carry ? outs[i] : outs[i] with { Shape = Stacked(outs[i].Shape, p.Length) };
        return result;
    }

    /// <summary>
    /// (c, y, ċ, ẏ) = scan(jvp(body)): the carries with a tangent are the least fixpoint containing the initial
    /// carries with one and closed under the body.
    /// </summary>
    public void Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Params parameters, Span<Tensor> primalsOut, Span<Tensor?> tangentsOut)
    {
        var p = Typed(parameters);
        var body = p.Body;
        int nc = p.Consts, nk = p.Carry, nx = p.Xs, ny = body.Outputs.Count - nk;
        var nz = new bool[primals.Length];
        Tensor? level = null;
        for (int i = 0; i < nz.Length; i++)
        {
            nz[i] = tangents[i] is not null;
            level ??= tangents[i];
        }

        var (jvp, nzOut) = ControlFlow.CarryFixpoint(nz, nc, nk, () =>
        {
            var r = ForwardMode.JvpProgram(body, nz, ControlFlow.Leading(nz, nc, nk, nk + ny));
            return (r, r.NonzeroOutputs);
        });

        // The JVP program reads (primals, tangents) and writes (primals, tangents); scan wants each group together.
        int[] groups = [nc, nk, nx];
        var order = Interleave(groups, nz);
        var outGroups = new bool[nk + ny];
        Array.Copy(nzOut, outGroups, nk + ny);
        var reordered = ControlFlow.Reorder(jvp, order, Interleave([nk, ny], outGroups));
        var args = new List<Tensor>();
        var tangentOf = Enumerable.Range(0, nz.Length).Where(i => nz[i]).ToArray();
        foreach (int i in order)
        {
            if (i < primals.Length) args.Add(primals[i]);
            else args.Add(tangents[tangentOf[i - primals.Length]] ?? Lax.ZerosAt(level!, primals[tangentOf[i - primals.Length]].Aval));
        }

        int ncT = Count(nz, 0, nc), nkT = Count(nz, nc, nk);
        var results = Bind([.. args], new ScanParams(reordered, p.Length, p.Reverse, nc + ncT, nk + nkT));
        // results: carry, carry tangents, ys, y tangents
        int r = 0;
        for (int k = 0; k < nk; k++) primalsOut[k] = results[r++];
        for (int k = 0; k < nk; k++) tangentsOut[k] = nz[nc + k] ? results[r++] : null;
        for (int j = 0; j < ny; j++) primalsOut[nk + j] = results[r++];
        for (int j = 0; j < ny; j++) tangentsOut[nk + j] = nzOut[nk + j] ? results[r++] : null;
    }

    private static int Count(bool[] flags, int start, int length)
    {
        int n = 0;
        for (int i = start; i < start + length; i++) if (flags[i]) n++;
        return n;
    }

    /// <summary>
    /// For values laid out as (group₁ … groupₙ, then the flagged ones again in the same order as tangents), the order
    /// group₁, its flagged tangents, group₂, its flagged tangents, …: indices into that layout.
    /// </summary>
    private static int[] Interleave(int[] groups, bool[] flagged)
    {
        int total = groups.Sum();
        var tangentIndex = new int[total];
        for (int i = 0, t = total; i < total; i++) tangentIndex[i] = flagged[i] ? t++ : -1;
        var order = new List<int>();
        for (int g = 0, start = 0; g < groups.Length; start += groups[g], g++)
        {
            for (int i = start; i < start + groups[g]; i++) order.Add(i);
            for (int i = start; i < start + groups[g]; i++) if (flagged[i]) order.Add(tangentIndex[i]);
        }

        return [.. order];
    }

    /// <summary>
    /// Splits the body (a fixpoint makes a carry unknown when its initial value or the body makes it so): a known scan
    /// runs now under the enclosing trace and stacks each iteration's residuals; a staged scan reads them. A residual that
    /// is one of the known constants is passed once as a constant of the staged scan instead of being stacked.
    /// </summary>
    public void PartialEval(StagingTrace trace, ReadOnlySpan<Tensor> args, Params parameters, Span<Tensor> results)
    {
        var p = Typed(parameters);
        var body = p.Body;
        int nc = p.Consts, nk = p.Carry, nx = p.Xs, ny = body.Outputs.Count - nk;
        var unknown = new bool[args.Length];
        for (int i = 0; i < args.Length; i++) unknown[i] = ControlFlow.IsStaged(trace, args[i]);
        var split = ControlFlow.CarryFixpoint(unknown, nc, nk, () =>
        {
            var r = PartialEvaluation.Split(body, unknown, ControlFlow.Leading(unknown, nc, nk, nk + ny));
            return (r, r.UnknownOutputs);
        });

        if (Array.TrueForAll(unknown, u => u))
        {
            trace.Stage(this, args, p, results);
            return;
        }

        var known = split.Known;
        int kc = nc - Count(unknown, 0, nc), kk = nk - Count(unknown, nc, nk);
        int knownOuts = known.Outputs.Count - split.ResidualCount;
        // A second split of the known body by what depends on its constants alone: that part runs once, outside the
        // loop, and the residuals it computes (loop-invariant ones, e.g. a weight itself) are passed to the staged scan
        // once instead of being stacked per step.
        var perStep = new bool[known.Inputs.Count];
        for (int i = kc; i < perStep.Length; i++) perStep[i] = true;
        var keepPerStep = new bool[known.Outputs.Count];
        for (int i = 0; i < knownOuts; i++) keepPerStep[i] = true;
        var hoist = PartialEvaluation.Split(known, perStep, keepPerStep);
        var invariantSlots = new List<int>();
        var stackedSlots = new List<int>();
        for (int r = 0; r < split.ResidualCount; r++) (hoist.UnknownOutputs[knownOuts + r] ? stackedSlots : invariantSlots).Add(r);
        var knownArgs = new List<Tensor>();
        var unknownOperands = new List<Tensor>();
        for (int i = 0; i < args.Length; i++) (unknown[i] ? unknownOperands : knownArgs).Add(args[i]);
        Tensor[] once, knownResults;
        using (TraceContext.Enter(trace.Parent))
        {
            // hoist.Known: known consts → (invariant residuals, the per-step part's own residuals)
            once = hoist.Known.Evaluate(knownArgs.GetRange(0, kc).ToArray());
            knownResults = Bind([.. once.AsSpan(invariantSlots.Count), .. knownArgs.Skip(kc)],
                new ScanParams(hoist.Unknown, p.Length, p.Reverse, hoist.ResidualCount, kk));
        }

        var invariantValues = once[..invariantSlots.Count];
        StagingTrace.NoteKnown("scan (loop-invariant, computed once)", invariantValues);
        StagingTrace.NoteKnown($"scan (stacked over {p.Length} steps)", knownResults);

        var stackedValues = knownResults[knownOuts..];
        var unknownBody = split.Unknown;   // inputs: residuals, unknown consts, unknown carry, unknown xs
        int uc = nc - kc, uk = nk - kk, ux = Count(unknown, nc + nk, nx);
        int nr = split.ResidualCount;
        var order = new List<int>();
        foreach (int r in invariantSlots) order.Add(r);
        for (int i = 0; i < uc; i++) order.Add(nr + i);
        for (int i = 0; i < uk; i++) order.Add(nr + uc + i);
        foreach (int r in stackedSlots) order.Add(r);
        for (int i = 0; i < ux; i++) order.Add(nr + uc + uk + i);
        var identity = Enumerable.Range(0, unknownBody.Outputs.Count).ToArray();
        var stagedBody = ControlFlow.Reorder(unknownBody, [.. order], identity);
        var unknownConsts = unknownOperands.GetRange(0, uc);
        var unknownCarry = new List<Tensor>();
        for (int k = 0; k < nk; k++) if (unknown[nc + k]) unknownCarry.Add(args[nc + k]);
        var unknownXs = unknownOperands.GetRange(uc + uk, ux);
        var stagedArgs = new List<Tensor>();
        stagedArgs.AddRange(invariantValues);
        stagedArgs.AddRange(unknownConsts);
        stagedArgs.AddRange(unknownCarry);
        stagedArgs.AddRange(stackedValues);
        stagedArgs.AddRange(unknownXs);
        var staged = new Tensor[unknownBody.Outputs.Count];
        trace.Stage(this, [.. stagedArgs], new ScanParams(stagedBody, p.Length, p.Reverse, invariantSlots.Count + uc, uk), staged);
        for (int i = 0, kn = 0, u = 0; i < nk + ny; i++) results[i] = split.UnknownOutputs[i] ? staged[u++] : knownResults[kn++];
    }

    /// <summary>Keeps used outputs and the carries they need (a fixpoint: a kept carry keeps every carry its update reads).</summary>
    public bool Dce(Equation equation, ReadOnlySpan<bool> usedOutputs, Span<bool> usedInputs, out Equation pruned)
    {
        var p = Typed(equation.Parameters);
        var body = p.Body;
        int nc = p.Consts, nk = p.Carry;
        var used = usedOutputs.ToArray();
        var reads = ControlFlow.CarryFixpoint(used, 0, nk, () =>
        {
            var r = new bool[body.Inputs.Count];
            Transforms.Dce.Prune(body, used, r);
            return (r, r[nc..]);
        });

        var keep = reads.ToArray();
        for (int k = 0; k < nk; k++) keep[nc + k] = used[k];
        var newBody = ControlFlow.Restrict(body, used, keep);
        keep.CopyTo(usedInputs);
        var inputs = new List<Atom>();
        for (int i = 0; i < equation.Inputs.Length; i++) if (keep[i]) inputs.Add(equation.Inputs[i]);
        var outputs = new List<Var>();
        for (int i = 0; i < equation.Outputs.Length; i++) if (used[i]) outputs.Add(equation.Outputs[i]);
        pruned = new Equation(this, [.. inputs], new VarList([.. outputs]), new ScanParams(newBody, p.Length, p.Reverse, Count(keep, 0, nc), Count(keep, nc, nk)));
        return outputs.Count > 0;
    }

    /// <summary>Linear when every carry is linear and the body is linear in the flagged operands.</summary>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, Params parameters)
    {
        var p = Typed(parameters);
        for (int k = 0; k < p.Carry; k++) if (!linear[p.Consts + k]) return false;
        return Transposition.IsLinearIn(p.Body, linear);
    }

    /// <summary>
    /// The transpose runs the other way: its carry is (Σ of the linear constants' cotangents, the carry's cotangent),
    /// its scanned inputs the known slices and the outputs' cotangents, its stacked outputs the linear inputs' cotangents.
    /// </summary>
    public void Transpose(ReadOnlySpan<Tensor?> cotangents, ReadOnlySpan<TransposeArg> args, Params parameters, Span<Tensor?> result)
    {
        var p = Typed(parameters);
        var body = p.Body;
        int nc = p.Consts, nk = p.Carry, nx = p.Xs, ny = body.Outputs.Count - nk;
        var linear = new bool[args.Length];
        for (int i = 0; i < args.Length; i++) linear[i] = args[i].IsLinear;
        Tensor? level = null;
        foreach (var c in cotangents) level ??= c;
        var bodyT = Transposition.TransposeWithKnownInputs(Transposition.WithLinearInputs(body, linear));
        // bodyT: (known consts, known xs, carry cts, y cts) → (linear const cts, carry cts, linear x cts)
        var kcIdx = Enumerable.Range(0, nc).Where(i => !linear[i]).ToArray();
        var lcIdx = Enumerable.Range(0, nc).Where(i => linear[i]).ToArray();
        var kxIdx = Enumerable.Range(nc + nk, nx).Where(i => !linear[i]).ToArray();
        var lxIdx = Enumerable.Range(nc + nk, nx).Where(i => linear[i]).ToArray();
        var sliceAvals = body.InputAvals();
        var outAvals = body.OutputAvals();
        var avals = new List<Aval>();
        foreach (int i in kcIdx) avals.Add(sliceAvals[i]);
        foreach (int i in lcIdx) avals.Add(sliceAvals[i]);
        for (int k = 0; k < nk; k++) avals.Add(outAvals[k]);
        foreach (int i in kxIdx) avals.Add(sliceAvals[i]);
        for (int j = 0; j < ny; j++) avals.Add(outAvals[nk + j]);
        int a = kcIdx.Length, l = lcIdx.Length, kx = kxIdx.Length;
        var stepBody = Staging.MakeProgram(xs =>
        {
            // xs: known consts, const-ct accumulators, carry cts, known x slices, y cts
            var outs = bodyT.Evaluate([.. xs.AsSpan(0, a), .. xs.AsSpan(a + l + nk, kx), .. xs.AsSpan(a + l, nk), .. xs.AsSpan(a + l + nk + kx, ny)]);
            var next = new List<Tensor>();
            for (int i = 0; i < l; i++) next.Add(Builtins.AddAny.Bind(xs[a + i], outs[i]));
            next.AddRange(outs.AsSpan(l, nk));
            next.AddRange(outs.AsSpan(l + nk));
            return [.. next];
        }, avals, "scan transpose");
        var operands = new List<Tensor>();
        foreach (int i in kcIdx) operands.Add(args[i].Value!);
        foreach (int i in lcIdx) operands.Add(Lax.ZerosAt(level!, args[i].Aval));
        for (int k = 0; k < nk; k++) operands.Add(cotangents[k] ?? Lax.ZerosAt(level!, outAvals[k]));
        foreach (int i in kxIdx) operands.Add(args[i].Value!);
        for (int j = 0; j < ny; j++) operands.Add(cotangents[nk + j] ?? Lax.ZerosAt(level!, outAvals[nk + j] with { Shape = Stacked(outAvals[nk + j].Shape, p.Length) }));
        var outsT = Bind([.. operands], new ScanParams(stepBody, p.Length, !p.Reverse, a, l + nk));
        for (int i = 0; i < l; i++) result[lcIdx[i]] = outsT[i];
        for (int k = 0; k < nk; k++) result[nc + k] = outsT[l + k];
        for (int i = 0; i < lxIdx.Length; i++) result[lxIdx[i]] = outsT[l + nk + i];
    }

    /// <summary>
    /// Batched constants and carries at the front of the body's inputs, a batched scanned input with its batch axis after
    /// the iteration axis; which carries are batched is a fixpoint (a carry becomes batched once the body mixes a batched
    /// value into it). Stacked outputs come out with the batch at axis 1.
    /// </summary>
    public void Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, Params parameters, Span<Tensor> results, Span<int> resultDims)
    {
        var p = (ScanParams)parameters;
        int nc = p.Consts, nk = p.Carry;
        var mask = BatchPrograms.Mask(dims);
        var (body, carry, outBatched) = BatchPrograms.CarryFixpoint(p.Body, mask[..nc], mask[nc..(nc + nk)], mask[(nc + nk)..], axisSize);
        var operands = new Tensor[args.Length];
        BatchPrograms.Fronted(args[..nc], dims[..nc]).CopyTo(operands, 0);
        BatchPrograms.AsMasked(args[nc..(nc + nk)], dims[nc..(nc + nk)], carry, axisSize).CopyTo(operands, nc);
        for (int i = nc + nk; i < args.Length; i++) operands[i] = mask[i] ? BatchRules.MoveAxis(args[i], dims[i], 1) : args[i];
        Dispatch.BindInto(this, operands, new ScanParams(body, p.Length, p.Reverse, nc, nk), results);
        for (int i = 0; i < results.Length; i++) resultDims[i] = !outBatched[i] ? Batching.NotBatched : i < nk ? 0 : 1;
    }
}
