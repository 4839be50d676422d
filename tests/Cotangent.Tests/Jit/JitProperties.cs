using Cotangent.Runtime;
using Cotangent.Tests.Properties;
using Xunit.Abstractions;

namespace Cotangent.Tests.Jit;

/// <summary>
/// Jit against eager evaluation over the random programs of the AD properties: the compiled function, its gradient
/// compiled whole, the gradient of the compiled function and its JVP. Values agree bit for bit when no reduction is
/// fused (a fused loop computes each element with the eager kernels' own vector code); with reductions, the sums are
/// reassociated (vector lanes, two thread halves) and agree within a rounding tolerance.
/// </summary>
[Trait("Category", "Property")]
public sealed class JitProperties(ITestOutputHelper output)
{
    /// <summary>Jit(f)(x) = f(x).</summary>
    [Fact]
    public void Jit_EqualsEager() => AdProperties.Check(output, ProgramGen.Programs(ProgramSizes.Default), 600, p =>
    {
        var f = p.Function();
        var xs = p.Inputs(p.DType);
        Compare(p, f(xs), Ad.Jit(f).Invoke(xs), "Jit(f)");
    }, nameof(Jit_EqualsEager));

    /// <summary>The same on arrays of a few KB, where buffers handed back dirty expose any element a loop fails to write.</summary>
    [Fact]
    public void Jit_EqualsEager_OnLargeArrays() => AdProperties.Check(output, ProgramGen.Programs(ProgramSizes.Large), 150, p =>
    {
        var f = p.Function();
        var xs = p.Inputs(p.DType);
        var jitted = Ad.Jit(f);
        Compare(p, f(xs), jitted.Invoke(xs), "Jit(f)");
        Compare(p, f(xs), jitted.Invoke(xs), "Jit(f), second call (recycled buffers)");
    }, nameof(Jit_EqualsEager_OnLargeArrays));

    /// <summary>Jit(Grad(f)) = Grad(f) and Grad(Jit(f)) = Grad(f), for scalar outputs.</summary>
    [Fact]
    public void Gradients_ThroughJit_EqualEager() => AdProperties.Check(output, ProgramGen.Programs(ProgramSizes.Default, scalarOutput: true), 300, p =>
    {
        var f = p.Function();
        var xs = p.Inputs(p.DType);
        var grad = Ad.Grad(f);
        var expected = grad(xs);
        if (p.Kinds.Contains("while", StringComparison.Ordinal))
        {
            // A while loop's trip count is unknown while tracing, so (as in JAX) reverse mode through a compiled one is
            // refused — with the typed error, whichever way round the transformations are.
            AssertRefusedOrEqual(p, expected, () => Ad.Jit(grad).Invoke(xs), "Jit(Grad(f))");
            AssertRefusedOrEqual(p, expected, () => Ad.Grad(Ad.Jit(f).AsFunc())(xs), "Grad(Jit(f))");
            return;
        }

        var compiledWhole = Ad.Jit(grad).Invoke(xs);
        var throughCall = Ad.Grad(Ad.Jit(f).AsFunc())(xs);
        for (int i = 0; i < expected.Length; i++)
        {
            Compare(p, expected[i], compiledWhole[i], $"Jit(Grad(f)) input {i}");
            Compare(p, expected[i], throughCall[i], $"Grad(Jit(f)) input {i}");
        }
    }, nameof(Gradients_ThroughJit_EqualEager));

    /// <summary>Jvp(Jit(f)) = Jvp(f).</summary>
    [Fact]
    public void Jvp_ThroughJit_EqualsEager() => AdProperties.Check(output, ProgramGen.Programs(ProgramSizes.Default), 300, p =>
    {
        var f = p.Function();
        var xs = p.Inputs(p.DType);
        var t = p.Tangents(p.DType, 1);
        var (y, dy) = Ad.Jvp(f, xs, t);
        var (yj, dyj) = Ad.Jvp(Ad.Jit(f).AsFunc(), xs, t);
        Compare(p, y, yj, "Jvp(Jit(f)) primal");
        Compare(p, dy, dyj, "Jvp(Jit(f)) tangent");
    }, nameof(Jvp_ThroughJit_EqualsEager));

    private static void AssertRefusedOrEqual(RandomProgram p, Tensor[] expected, Func<Tensor[]> run, string what)
    {
        Tensor[] actual;
        try
        {
            actual = run();
        }
        catch (LinearityException)
        {
            return;
        }

        for (int i = 0; i < expected.Length; i++) Compare(p, expected[i], actual[i], $"{what} input {i}");
    }

    /// <summary>Bitwise without reductions; otherwise within a tolerance relative to the values' scale.</summary>
    private static void Compare(RandomProgram p, Tensor expected, Tensor actual, string what)
    {
        if (expected.Aval != actual.Aval) throw new PropertyException($"{what}: type {actual.Aval}, eager {expected.Aval}");
        bool reassociates = p.ReduceToScalar || p.Sinks.Length > 0 || p.Steps.Any(s => s.Kind == "reduce_sum");
        if (!reassociates)
        {
            Numerics.AssertBitwiseEqual(expected, actual, what + " vs eager");
            return;
        }

        var e = Numerics.Values(expected);
        var a = Numerics.Values(actual);
        double scale = Numerics.MaxAbs(e);
        double rtol = p.UsesFloat32 || p.DType == DType.Float32 ? 2e-3 : 1e-9;
        Numerics.AssertClose(e, a, rtol, rtol * scale + 1e-300, what + " vs eager");
    }
}
