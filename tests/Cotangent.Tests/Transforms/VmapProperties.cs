using Cotangent.Primitives;
using Cotangent.Runtime;
using Cotangent.Tests.Properties;
using Xunit.Abstractions;

namespace Cotangent.Tests.Transforms;

/// <summary>
/// Vmap over the random programs of the AD properties: Vmap(f) equals f applied to each example and stacked, with each
/// input batched at its first axis, its last axis, or not at all (chosen per program), and the same for per-example
/// gradients, Vmap(Grad(f)). Examples differ (inputs scaled per example), so a rule that mixes them up is caught.
/// </summary>
[Trait("Category", "Property")]
public sealed class VmapProperties(ITestOutputHelper output)
{
    private const int Batch = 3;

    /// <summary>Vmap(f)(xs) = stack(f(xᵢ)).</summary>
    [Fact]
    public void Vmap_EqualsTheLoop() => AdProperties.Check(output, ProgramGen.Programs(ProgramSizes.Default), 400, AgreesWithTheLoop, nameof(Vmap_EqualsTheLoop));

    /// <summary>The same on arrays of a few KB.</summary>
    [Fact]
    public void Vmap_EqualsTheLoop_OnLargeArrays() => AdProperties.Check(output, ProgramGen.Programs(ProgramSizes.Large), 60, AgreesWithTheLoop, nameof(Vmap_EqualsTheLoop_OnLargeArrays));

    private static void AgreesWithTheLoop(RandomProgram p)
    {
        var f = p.Function();
        var (batched, axes, examples) = Batched(p);
        var vmapped = Ad.Vmap<Tensor[], Tensor>(f, axes)(batched);
        for (int e = 0; e < Batch; e++) Compare(p, f(examples[e]), Take(vmapped, e), $"example {e}");
    }

    /// <summary>Per-example gradients: Vmap(Grad(f))(xs) = stack(Grad(f)(xᵢ)).</summary>
    [Fact]
    public void PerExampleGradients_EqualTheLoop() => AdProperties.Check(output, ProgramGen.Programs(ProgramSizes.Default, scalarOutput: true), 200, p =>
    {
        var f = p.Function();
        var grad = Ad.Grad(f);
        var (batched, axes, examples) = Batched(p);
        // Every gradient comes out batched at 0 (an unbatched input's gradient still depends on the batched ones).
        Tensor[] vmapped;
        try
        {
            vmapped = Ad.Vmap<Tensor[], Tensor[]>(grad, axes)(batched);
        }
        catch (LinearityException) when (p.Kinds.Contains("while", StringComparison.Ordinal))
        {
            // Under Vmap a while loop's trip count is a per-example value, unknown while tracing: as under Jit (and as in
            // JAX), reverse mode through it is refused with the typed error.
            return;
        }

        for (int e = 0; e < Batch; e++)
        {
            var expected = grad(examples[e]);
            for (int i = 0; i < expected.Length; i++) Compare(p, expected[i], Take(vmapped[i], e), $"example {e}, gradient {i}");
        }
    }, nameof(PerExampleGradients_EqualTheLoop));

    private static (Tensor[] Batched, int?[] Axes, Tensor[][] Examples) Batched(RandomProgram p)
    {
        var xs = p.Inputs(p.DType);
        var r = new Random(p.ValueSeed);
        var axes = new int?[xs.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            int pick = r.Next(3);
            axes[i] = pick == 0 ? null : pick == 1 ? 0 : xs[i].Rank;
        }

        if (axes.All(a => a is null)) axes[0] = 0;
        var examples = new Tensor[Batch][];
        for (int e = 0; e < Batch; e++)
            examples[e] = xs.Select((x, i) => axes[i] is null ? x : x * (1 - (e / 20.0))).ToArray();
        var batched = new Tensor[xs.Length];
        for (int i = 0; i < xs.Length; i++)
            batched[i] = axes[i] is { } a ? Np.Stack(Enumerable.Range(0, Batch).Select(e => examples[e][i]).ToArray(), a) : xs[i];
        return (batched, axes, examples);
    }

    private static Tensor Take(Tensor y, int e)
    {
        var start = new int[y.Rank];
        var limit = y.Shape.ToArray();
        start[0] = e;
        limit[0] = e + 1;
        return Lax.Reshape(Lax.Slice(y, start, limit, Enumerable.Repeat(1, y.Rank).ToArray()), Shape.Of(y.Shape.Dims[1..]));
    }

    /// <summary>Within a rounding tolerance relative to the values' scale (a batched reduction may sum in another order).</summary>
    private static void Compare(RandomProgram p, Tensor expected, Tensor actual, string what)
    {
        if (expected.Aval != actual.Aval) throw new PropertyException($"{what}: type {actual.Aval}, loop {expected.Aval}");
        var e = Numerics.Values(expected);
        var a = Numerics.Values(actual);
        double scale = Numerics.MaxAbs(e);
        double rtol = p.UsesFloat32 || p.DType == DType.Float32 ? 2e-3 : 1e-9;
        Numerics.AssertClose(e, a, rtol, rtol * scale + 1e-300, what + " vs the loop");
    }
}
