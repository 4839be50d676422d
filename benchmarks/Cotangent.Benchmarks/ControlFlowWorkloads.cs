using Cotangent.Primitives;

namespace Cotangent.Benchmarks;

/// <summary>
/// Issue #10's loop rows: a 10⁵-step scalar recurrence x ← sin(x)·1.01 + 0.1 as one Scan (ForiLoop) against the same
/// loop written in C#, which under Grad records one equation per operation. Value and gradient for each, and the scan
/// under Jit.
/// </summary>
public sealed class ControlFlowWorkloads
{
    public const int Steps = 100_000;

    private readonly Tensor _x = Tensor.Scalar(0.5);

    private static Tensor Scan(Tensor x) => Lax.ForiLoop(0, Steps, (_, c) => [(Lax.Sin(c[0]) * 1.01) + 0.1], x)[0];

    private static Tensor Unrolled(Tensor x)
    {
        for (int i = 0; i < Steps; i++) x = (Lax.Sin(x) * 1.01) + 0.1;
        return x;
    }

    public double ScanF() => Scan(_x).ToDouble();

    public double UnrolledF() => Unrolled(_x).ToDouble();

    public double ScanGrad() => Ad.Grad<Tensor>(Scan)(_x).ToDouble();

    public double UnrolledGrad() => Ad.Grad<Tensor>(Unrolled)(_x).ToDouble();

    private readonly JitFunction<Tensor, Tensor> _scanJit = Ad.Jit<Tensor, Tensor>(Scan);
    private readonly JitFunction<Tensor, Tensor> _scanGradJit = Ad.Jit(Ad.Grad<Tensor>(Scan));

    /// <summary>The scan compiled: its body runs as generated straight-line code each step.</summary>
    public double ScanJitF() => _scanJit.Invoke(_x).ToDouble();

    /// <summary>Its gradient compiled (forward scan and reverse scan, each body generated code).</summary>
    public double ScanJitGrad() => _scanGradJit.Invoke(_x).ToDouble();
}
