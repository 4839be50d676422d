using Cotangent.Runtime;
using CsCheck;

namespace Cotangent.Tests.Properties;

/// <summary>The kinds of step a random program is made of (each maps to one or a few catalogue primitives).</summary>
internal enum OpKind
{
    Unary, Binary, Div, Pow, Atan2, Rem, Select, ReduceSum, ReduceExtreme, ReduceProd, CumSum, Broadcast, Reshape, Transpose,
    Slice, Pad, Concatenate, Rev, Gather, ScatterAdd, DynamicSlice, DynamicUpdateSlice, Dot, Convert, ZeroDerivative, ArgGather, Iota, ControlFlow,
}

/// <summary>
/// The raw random choice behind one step: its kind, two operand choices (0 = the most recent value, 1 the
/// one before, …) and a seed for the step's details (axes, shapes, which function). Any choice
/// elaborates to a well-typed step, so CsCheck can shrink these integers freely.
/// </summary>
internal sealed record OpChoice(OpKind Kind, int A, int B, int Detail);

/// <summary>Size limits of generated programs.</summary>
/// <param name="MaxOps">Most steps (at least 1).</param>
/// <param name="MaxExtent">Largest extent of an input axis.</param>
/// <param name="MaxInputSize">Most input elements in total (axes are set to 1 until it fits).</param>
/// <param name="MaxSize">Most elements of any step's value (a step that would exceed it is replaced).</param>
internal sealed record ProgramSizes(int MaxOps, int MaxExtent, int MaxInputSize, int MaxSize)
{
    /// <summary>Extents an input axis is drawn from (each capped at <see cref="MaxExtent"/>; the first is the shrink target).</summary>
    public int[] Extents { get; init; } = [2, 3, 1, 2, 3, 3];

    /// <summary>
    /// Arrays of a few KB (up to 1,200 inputs, 2,400 elements per step): past the ~2 KB where the runtime stops
    /// handing out pre-cleared memory, so a buffer that is read before it is written shows up here.
    /// </summary>
    public static ProgramSizes Large { get; } = new(8, 600, 1200, 2400) { Extents = [300, 17, 40, 24, 600, 9] };

    /// <summary>For checks that cost O(program) per sample.</summary>
    public static ProgramSizes Default { get; } = new(12, 3, 48, 48);

    /// <summary>For Jacobians (cost grows with input and output sizes).</summary>
    public static ProgramSizes Jacobian { get; } = new(10, 3, 12, 24);

    /// <summary>For Hessians by three nestings (cost grows with the input size squared).</summary>
    public static ProgramSizes Hessian { get; } = new(8, 2, 6, 16);
}

/// <summary>CsCheck generators of <see cref="RandomProgram"/>s.</summary>
internal static class ProgramGen
{
    /// <summary>Kinds weighted by repetition; the first (shrink target) is the simplest.</summary>
    private static readonly OpKind[] s_kinds = Weighted(
        (OpKind.Unary, 8), (OpKind.Binary, 6), (OpKind.Div, 2), (OpKind.Pow, 1), (OpKind.Atan2, 1), (OpKind.Rem, 1), (OpKind.Select, 2),
        (OpKind.ReduceSum, 2), (OpKind.ReduceExtreme, 2), (OpKind.ReduceProd, 1), (OpKind.CumSum, 1), (OpKind.Broadcast, 2),
        (OpKind.Reshape, 2), (OpKind.Transpose, 2), (OpKind.Slice, 2), (OpKind.Pad, 2), (OpKind.Concatenate, 2), (OpKind.Rev, 1),
        (OpKind.Gather, 2), (OpKind.ScatterAdd, 1), (OpKind.DynamicSlice, 1), (OpKind.DynamicUpdateSlice, 1), (OpKind.Dot, 3), (OpKind.Convert, 2),
        (OpKind.ZeroDerivative, 2), (OpKind.ArgGather, 2), (OpKind.Iota, 1), (OpKind.ControlFlow, 2));

    /// <summary>One raw step.</summary>
    public static Gen<OpChoice> Op { get; } = Gen.Select(Gen.Int[0, s_kinds.Length - 1], Gen.Int[0, 15], Gen.Int[0, 15], Gen.Int[0, 1 << 20],
        (k, a, b, d) => new OpChoice(s_kinds[k], a, b, d));

    /// <summary>Random programs within <paramref name="sizes"/>; <paramref name="scalarOutput"/> forces a scalar result.</summary>
    public static Gen<RandomProgram> Programs(ProgramSizes sizes, bool scalarOutput = false) =>
        Gen.Select(Gen.Bool, Gen.Int[0, 9], Gen.Int[0, sizes.Extents.Length - 1].Select(i => Math.Min(sizes.MaxExtent, sizes.Extents[i])).Array[4], Gen.Int[0, 63].Array[1, 3], Op.Array[1, sizes.MaxOps], Gen.Bool, Gen.Int[0, 1_000_000],
            (f32, rank, baseDims, masks, ops, reduce, seed) =>
                new Elaborator(sizes).Build(f32 ? DType.Float32 : DType.Float64, baseDims[..s_baseRank[rank]], masks, ops, reduce || scalarOutput, seed));

    /// <summary>Rank of the base input shape: mostly 1–3 (shrinks towards 2).</summary>
    private static readonly int[] s_baseRank = [2, 2, 1, 3, 2, 1, 3, 0, 4, 4];

    private static OpKind[] Weighted(params (OpKind Kind, int Weight)[] table) =>
        table.SelectMany(t => Enumerable.Repeat(t.Kind, t.Weight)).ToArray();
}
