using BenchmarkDotNet.Attributes;

namespace Cotangent.Benchmarks;

/// <summary>Gradient cost against f and against a hand-written gradient (issue #3), and single eager operations against
/// hand-written loops (issue #9). Ratios are read from one run.</summary>
[MemoryDiagnoser]
public class AdBenchmarks
{
    private readonly AdWorkloads _w = new();
    private readonly EagerOpWorkloads _ops = new();

    [Benchmark(Description = "elementwise 1M f64: f")]
    public double ElementwiseF() => _w.ElementwiseF();

    [Benchmark(Description = "elementwise 1M f64: Grad")]
    public object ElementwiseGrad() => _w.ElementwiseGrad();

    [Benchmark(Description = "elementwise 1M f64: hand-written grad")]
    public object ElementwiseHand() => _w.ElementwiseHand();

    [Benchmark(Description = "MLP 784-256-256-10 f32 b128: f")]
    public double MlpF() => _w.MlpF();

    [Benchmark(Description = "MLP 784-256-256-10 f32 b128: Grad")]
    public object MlpGrad() => _w.MlpGrad();

    [Benchmark(Description = "MLP 784-256-256-10 f32 b128: hand-written grad")]
    public object MlpHand() => _w.MlpHand();

    [Benchmark(Description = "recurrence 1000 steps: f")]
    public double RecurrenceF() => _w.RecurrenceF();

    [Benchmark(Description = "recurrence 1000 steps: Grad")]
    public double RecurrenceGrad() => _w.RecurrenceGrad();

    [Benchmark(Description = "recurrence 1000 steps: hand-written grad")]
    public double RecurrenceHand() => _w.RecurrenceHand();

    [Benchmark(Description = "neg 1M f64: eager op")]
    public object Neg1M() => _ops.Neg1M();

    [Benchmark(Description = "neg 1M f64: hand-written loop, reused buffer")]
    public object Neg1MHand() => _ops.Neg1MHand();

    [Benchmark(Description = "tanh 128x256 f32: eager op")]
    public object TanhF32() => _ops.TanhF32();

    [Benchmark(Description = "tanh 128x256 f32: hand-written loop, reused buffer")]
    public object TanhF32Hand() => _ops.TanhF32Hand();
}
