using System.Diagnostics;
using Xunit.Abstractions;
using static Cotangent.Np;

namespace Cotangent.Tests.Trust;

/// <summary>
/// A small MLP trained by Grad for many steps keeps managed memory bounded: nothing a transformation
/// creates (traces, programs, residuals, cached constants) outlives its step. CI runs 3,000 steps;
/// set COTANGENT_LONG_RUN_STEPS=100000 for the long run.
/// </summary>
[Collection(nameof(MemoryMeasurement))]
public class LongRunTests
{
    private readonly ITestOutputHelper _out;

    public LongRunTests(ITestOutputHelper output) => _out = output;

    private sealed record Params(Tensor W1, Tensor B1, Tensor W2, Tensor B2);

    [Fact]
    [Trait("Category", "LongRun")]
    public void GradTrainingLoop_KeepsManagedMemoryBounded()
    {
        int steps = int.TryParse(Environment.GetEnvironmentVariable("COTANGENT_LONG_RUN_STEPS"), out var n) && n > 0 ? n : 3000;
        var x = RandomNormal(1, [32, 8]);
        var y = Sum(Sin(x), 1, keepDims: true);
        var p = new Params(RandomNormal(2, [8, 16]) * 0.3, Zeros([16]), RandomNormal(3, [16, 1]) * 0.3, Zeros([1]));
        Func<Params, Tensor> loss = q => Mean(Square(MatMul(Tanh(MatMul(x, q.W1) + q.B1), q.W2) + q.B2 - y));
        var grad = Ad.Grad(loss);

        Params Step(Params q)
        {
            var g = grad(q);
            return new Params(q.W1 - (g.W1 * 0.05), q.B1 - (g.B1 * 0.05), q.W2 - (g.W2 * 0.05), q.B2 - (g.B2 * 0.05));
        }

        int warmup = Math.Min(500, steps / 4);
        for (int i = 0; i < warmup; i++) p = Step(p);
        double firstLoss = loss(p).ToDouble();
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        var sw = Stopwatch.StartNew();
        long peak = baseline;
        for (int i = warmup; i < steps; i++)
        {
            p = Step(p);
            if (i % 1000 == 999) peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
        }

        long final = GC.GetTotalMemory(forceFullCollection: true);
        double lastLoss = loss(p).ToDouble();
        _out.WriteLine($"{steps} steps, {sw.Elapsed.TotalMicroseconds / (steps - warmup):F1} µs/step; managed memory after collection: " +
            $"baseline {baseline / 1024} KiB, peak {peak / 1024} KiB, final {final / 1024} KiB; loss {firstLoss:G4} → {lastLoss:G4}");
        Assert.True(final - baseline < 1 << 20, $"managed memory grew by {(final - baseline) / 1024} KiB over {steps - warmup} steps");
        Assert.True(lastLoss < firstLoss, "training should make progress");
    }
}

/// <summary>Tests that measure process-wide managed memory run alone: other tests allocating in parallel would blur the figure.</summary>
[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement;
