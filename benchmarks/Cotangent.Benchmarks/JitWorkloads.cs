using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Cotangent.Runtime;

namespace Cotangent.Benchmarks;

/// <summary>
/// Issue #11's rows: the compiled forms of the AD workloads against their baselines — the 1000-step recurrence's
/// gradient against the hand-written C# gradient, the 1M-element value-and-gradient against a hand-written fused
/// vector loop calling the same per-vector math, and one MLP training step (loss, gradient, SGD update) compiled
/// against eager.
/// </summary>
public sealed class JitWorkloads
{
    private const int ElementCount = 1_000_000;
    private const float LearningRate = 0.01f;

    private readonly AdWorkloads _w;
    private readonly Tensor _xt;
    private readonly double[] _x;
    private readonly double[] _grad = new double[ElementCount];
    private readonly JitFunction<Tensor, Tensor> _recurrenceGrad;
    private readonly JitFunction<Tensor, (Tensor Value, Tensor Grad)> _elementwise;
    private readonly Tensor[] _mlp;
    private readonly JitFunction<Tensor[], Tensor[]> _mlpStep;

    /// <summary>The same functions and data as <paramref name="workloads"/>.</summary>
    public JitWorkloads(AdWorkloads workloads)
    {
        _w = workloads;
        _xt = workloads.ElementwiseInput;
        _x = _xt.ToArray<double>();
        _recurrenceGrad = Ad.Jit(Ad.Grad<Tensor>(AdWorkloads.Recurrence));
        _elementwise = Ad.Jit(Ad.ValueAndGrad<Tensor>(AdWorkloads.ElementwiseF));
        _mlp = workloads.MlpParameters;
        _mlpStep = Ad.Jit<Tensor[], Tensor[]>(MlpStep);
    }

    /// <summary>Jit(Grad(f)) of the recurrence, compiled once in the constructor's first call.</summary>
    public double RecurrenceJitGrad() => _recurrenceGrad.Invoke(0.5).ToDouble();

    /// <summary>Trace, optimize, generate and run once (first call of a fresh Jit(Grad(f))), in milliseconds; and the
    /// part before the first run (trace and compile, with the code generation but not the JIT's compilation of it).</summary>
    public static (double FirstCallMs, double CompileMs, string Passes) RecurrenceCompileTime()
    {
        var watch = Stopwatch.StartNew();
        var jitted = Ad.Jit(Ad.Grad<Tensor>(AdWorkloads.Recurrence));
        var lowered = jitted.Lower(0.5);
        jitted.Invoke(0.5);
        var passes = string.Join(", ", lowered.Passes.Select(p => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{p.Pass} {p.Ms:F1}")));
        return (watch.Elapsed.TotalMilliseconds, lowered.CompileTime.TotalMilliseconds, passes);
    }

    // --- 1M-element value and gradient --------------------------------------------------------------

    /// <summary>Jit(ValueAndGrad(f)).</summary>
    public Tensor ElementwiseJit() => _elementwise.Invoke(_xt).Grad;

    /// <summary>Hand-written fused loop, one thread: value Σ tanh(x)·x + e^(−x²) and gradient
    /// (1 − tanh²x)·x + tanh x − 2x·e^(−x²) into a reused buffer, with the library's per-vector tanh and exp (Vector512
    /// where accelerated, else Vector256).</summary>
    public double ElementwiseFusedHand() => FusedRange(0, ElementCount);

    /// <summary>The same loop split over two threads the way the library splits loops.</summary>
    public double ElementwiseFusedHandTwoThreads()
    {
        var partial = new double[2];
        FusionOperators.Split((from, to, part) => partial[part] = FusedRange(from, to), ElementCount, 1 << 13);
        return partial[0] + partial[1];
    }

    private double FusedRange(int from, int to)
    {
        ref double x = ref MemoryMarshal.GetArrayDataReference(_x);
        ref double g = ref MemoryMarshal.GetArrayDataReference(_grad);
        int i = from;
        double wideSum = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // Eight lanes where the machine has them, as the library's fused loops then run.
            var acc8 = Vector512<double>.Zero;
            for (; i <= to - 8; i += 8)
            {
                var v = Vector512.LoadUnsafe(ref x, (nuint)i);
                var t = TanhFunction.Invoke(v);
                var e = ExpFunction.Invoke(-(v * v));
                acc8 += (t * v) + e;
                var one = Vector512<double>.One;
                ((one - (t * t)) * v + t - (v + v) * e).StoreUnsafe(ref g, (nuint)i);
            }

            wideSum = Vector512.Sum(acc8);
        }

        var acc = Vector256<double>.Zero;
        for (; i <= to - 4; i += 4)
        {
            var v = Vector256.LoadUnsafe(ref x, (nuint)i);
            var t = TanhFunction.Invoke(v);
            var e = ExpFunction.Invoke(-(v * v));
            acc += (t * v) + e;
            var one = Vector256<double>.One;
            ((one - (t * t)) * v + t - (v + v) * e).StoreUnsafe(ref g, (nuint)i);
        }

        double sum = wideSum + Vector256.Sum(acc);
        for (; i < to; i++)
        {
            double v = Unsafe.Add(ref x, i), t = TanhFunction.Invoke(v), e = ExpFunction.Invoke(-(v * v));
            sum += (t * v) + e;
            Unsafe.Add(ref g, i) = ((1 - (t * t)) * v) + t - (2 * v * e);
        }

        return sum;
    }

    // --- MLP training step ----------------------------------------------------------------------------

    /// <summary>One SGD step: p − η·∇loss(p).</summary>
    private Tensor[] MlpStep(Tensor[] p)
    {
        var g = Ad.Grad<Tensor[]>(_w.MlpLoss)(p);
        var next = new Tensor[p.Length];
        for (int i = 0; i < p.Length; i++) next[i] = p[i] - (g[i] * LearningRate);
        return next;
    }

    /// <summary>The step eagerly.</summary>
    public Tensor[] MlpStepEager() => MlpStep(_mlp);

    /// <summary>The step compiled.</summary>
    public Tensor[] MlpStepJit() => _mlpStep.Invoke(_mlp);

    /// <summary>Bytes of the step's outputs (the new parameters).</summary>
    public long MlpParameterBytes => _mlp.Sum(t => (long)t.Size * sizeof(float));

    /// <summary>Largest difference between the compiled and eager steps' new parameters, relative to the update size.</summary>
    public double MlpStepDifference()
    {
        var eager = MlpStepEager();
        var jit = MlpStepJit();
        double worst = 0;
        for (int i = 0; i < eager.Length; i++)
        {
            var a = eager[i].ToArray<float>();
            var b = jit[i].ToArray<float>();
            var p = _mlp[i].ToArray<float>();
            for (int j = 0; j < a.Length; j++) worst = Math.Max(worst, Math.Abs(a[j] - b[j]) / (1e-7 + Math.Abs(a[j] - p[j])));
        }

        return worst;
    }
}
