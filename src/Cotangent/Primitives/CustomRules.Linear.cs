using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

/// <summary>
/// The parameters of <c>custom_linear</c>: a user's linear operator and its transpose, as closed programs that both take
/// the captured values first.
/// </summary>
/// <param name="Fun">Inputs consts ++ xs; outputs L(xs), linear in xs.</param>
/// <param name="Transpose">Inputs consts ++ cotangents of L's outputs; outputs Lᵀ(cotangents), one per x.</param>
/// <param name="Consts">How many leading operands are captured values (held fixed: the operator's data).</param>
public sealed record CustomLinearParams(Program Fun, Program Transpose, int Consts) : Params, IParams<CustomLinearParams>
{
    private readonly ProgramParams _fun = new(Fun);
    private readonly ProgramParams _transpose = new(Transpose);

    /// <inheritdoc/>
    public bool Equals(CustomLinearParams? other) => other is not null && Consts == other.Consts && _fun.Equals(other._fun) && _transpose.Equals(other._transpose);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_fun, _transpose, Consts);

    /// <inheritdoc/>
    public override void Write(ParamWriter writer)
    {
        writer.Int("consts", Consts);
        writer.Program("fun", Fun);
        writer.Program("transpose", Transpose);
    }

    /// <inheritdoc/>
    public override IEnumerable<Program> SubPrograms => [Fun, Transpose];

    /// <inheritdoc/>
    public static CustomLinearParams Read(ParamReader reader)
    {
        int consts = reader.Int("consts");
        var fun = reader.Program("fun");
        return new CustomLinearParams(fun, reader.Program("transpose"), consts);
    }

    /// <summary>The transposed operator: Lᵀ, whose transpose is L again.</summary>
    public CustomLinearParams Transposed() => new(Transpose, Fun, Consts);
}

/// <summary>The catalogue entry of custom_linear.</summary>
public static partial class Catalogue
{
    /// <summary>custom_linear: see <see cref="Primitives.CustomLinear"/>.</summary>
    public static readonly CustomLinear CustomLinear = new();
}

/// <summary>
/// custom_linear (JAX's linear_call / custom_transpose): <c>custom_linear[consts, fun, transpose] consts…, xs…</c> is
/// <c>L(xs) = fun(xs)</c>, a linear operator given with its transpose (a matrix-free operator). It is linear in the xs,
/// so its JVP is itself applied to the tangents, and its transpose rule is the user's transpose, itself a custom_linear
/// whose transpose is <c>fun</c>: transposing twice gives L back. The captured values are the operator's data; a tangent
/// of one is pushed through <c>fun</c> as an ordinary program.
/// </summary>
public sealed class CustomLinear() : MultiResultPrimitive<CustomLinearParams>("custom_linear"), IJvpRule, ITransposeRule, IBatchRule
{
    /// <inheritdoc/>
    public override NDArray[] Impl(ReadOnlySpan<NDArray> args, CustomLinearParams p) => ControlFlow.EvaluateConcrete(p.Fun, args);

    /// <inheritdoc/>
    public override Aval[] AbstractEval(ReadOnlySpan<Aval> args, CustomLinearParams p)
    {
        ControlFlow.CheckInputs(Name, "the operator", p.Fun, args);
        var outs = p.Fun.OutputAvals();
        CustomRules.CheckTypes(Name, "the transpose's inputs", p.Transpose.InputAvals(), [.. args[..p.Consts], .. outs]);
        CustomRules.CheckTypes(Name, "the transpose's results", p.Transpose.OutputAvals(), args[p.Consts..]);
        return outs;
    }

    /// <summary>ẏ = L(ẋ) (linear), plus, when the operator's data c moves, ∂fun/∂c · ċ at x.</summary>
    public void Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Params parameters, Span<Tensor> primalsOut, Span<Tensor?> tangentsOut)
    {
        var p = Typed(parameters);
        int nc = p.Consts;
        var values = Bind(primals, p);
        values.CopyTo(primalsOut);
        var level = CustomRules.Level(tangents[nc..]);
        if (level is not null)
        {
            var args = primals.ToArray();
            for (int i = nc; i < args.Length; i++) args[i] = tangents[i] ?? Builtins.ZerosAt(level, primals[i].Aval);
            var lin = Bind(args, p);
            for (int i = 0; i < lin.Length; i++) tangentsOut[i] = lin[i];
        }

        if (CustomRules.Level(tangents[..nc]) is null) return;
        var onlyConsts = tangents.ToArray();
        Array.Fill(onlyConsts, null, nc, onlyConsts.Length - nc);
        var (_, touts) = ForwardMode.Jvp(xs => p.Fun.Evaluate(xs), primals.ToArray(), onlyConsts, "custom_linear");
        for (int i = 0; i < touts.Length; i++) tangentsOut[i] = Builtins.Add(tangentsOut[i], touts[i]);
    }

    /// <summary>Linear in all the xs together; the captured values are the operator's data, never linear.</summary>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, Params parameters)
    {
        int nc = Typed(parameters).Consts;
        return !linear[..nc].Contains(true) && !linear[nc..].Contains(false);
    }

    /// <summary>x̄ = Lᵀ(ȳ), bound as the custom_linear of the transpose (so it can be transposed back).</summary>
    public void Transpose(ReadOnlySpan<Tensor?> cotangents, ReadOnlySpan<TransposeArg> args, Params parameters, Span<Tensor?> result)
    {
        var p = Typed(parameters);
        int nc = p.Consts;
        var level = CustomRules.Level(cotangents)!;
        var outAvals = p.Fun.OutputAvals();
        var operands = new Tensor[nc + cotangents.Length];
        for (int i = 0; i < nc; i++) operands[i] = args[i].Value!;
        for (int j = 0; j < cotangents.Length; j++) operands[nc + j] = cotangents[j] ?? Builtins.ZerosAt(level, outAvals[j]);
        var cts = Bind(operands, p.Transposed());
        for (int i = 0; i < cts.Length; i++) result[nc + i] = cts[i];
    }

    /// <summary>
    /// A custom_linear of the batched operator and its batched transpose. The operator's results are batched as the batched
    /// operator makes them; the transpose takes cotangents batched as those results and returns one per x batched as that
    /// x: broadcast where x is batched, summed over the batch where it is not, since for a shared x,
    /// ⟨L_B x, ȳ⟩ = Σₑ ⟨Lₑ x, ȳₑ⟩ = ⟨x, Σₑ Lₑᵀ ȳₑ⟩. The pair stays each other's transpose, so transposing twice still
    /// gives the batched operator back.
    /// </summary>
    public void Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, Params parameters, Span<Tensor> results, Span<int> resultDims)
    {
        var p = Typed(parameters);
        int nc = p.Consts;
        var mask = BatchPrograms.Mask(dims);
        var (fun, outs) = Batching.BatchProgram(p.Fun, mask, axisSize);
        var transpose = BatchPrograms.Matched(p.Transpose, [.. mask.AsSpan(0, nc), .. outs], mask.AsSpan(nc), axisSize);
        Dispatch.BindInto(this, BatchPrograms.Fronted(args, dims), new CustomLinearParams(fun, transpose, nc), results);
        BatchPrograms.Dims(outs, resultDims);
    }
}
