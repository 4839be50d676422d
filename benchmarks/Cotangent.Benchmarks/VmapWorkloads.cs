using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Benchmarks;

/// <summary>
/// Issue #12's measurements: per-example gradients of the MLP (batch 128) by Vmap against one batched gradient, the
/// Jacobian of ℝ²⁵⁶ → ℝ²⁵⁶ and the Hessian of a 256-input function by Vmap against the basis-vector loop they replaced,
/// and the batching trace's cost per primitive.
/// </summary>
public sealed class VmapWorkloads
{
    private const int N = 256;
    private readonly AdWorkloads _w;
    private readonly Tensor[] _mlp;
    private readonly Tensor _images;
    private readonly Tensor _m;
    private readonly Tensor _x;
    private readonly Tensor _chainInput;
    private readonly Tensor[] _chainExamples;

    /// <summary>Primitives in the chain the overhead rows run.</summary>
    public const int ChainPrimitives = 300;

    public VmapWorkloads(AdWorkloads w)
    {
        _w = w;
        _mlp = w.MlpParameters;
        _images = new Tensor(Kernels.RandomUniform(5, DType.Float32, Shape.Of(AdWorkloads.Batch, 784), 0, 1));
        _m = new Tensor(Kernels.RandomNormal(11, DType.Float64, Shape.Of(N, N))) * (1.0 / Math.Sqrt(N));
        _x = new Tensor(Kernels.RandomNormal(12, DType.Float64, Shape.Of(N)));
        _chainInput = new Tensor(Kernels.RandomNormal(13, DType.Float64, Shape.Of(16, 8)));
        _chainExamples = Enumerable.Range(0, 16).Select(e => _chainInput[e]).ToArray();
    }

    private static Tensor Dot(Tensor a, Tensor b) => Lax.DotGeneral(a, b, [a.Rank - 1], [0], [], []);

    /// <summary>One example's loss: the batch loss of <see cref="AdWorkloads.MlpLoss"/> is the mean of these.</summary>
    private static Tensor ExampleLoss(Tensor[] p, Tensor x)
    {
        var h1 = Lax.Tanh(Dot(x, p[0]) + p[1]);
        var h2 = Lax.Tanh(Dot(h1, p[2]) + p[3]);
        var o = Dot(h2, p[4]) + p[5];
        return -Np.Mean(Np.LogSoftmax(o, 0));
    }

    /// <summary>128 per-example gradients of every parameter, by Vmap(Grad).</summary>
    public Tensor[] PerExampleGrads() => Ad.Vmap<Tensor, Tensor[]>(x => Ad.Grad<Tensor[]>(p => ExampleLoss(p, x))(_mlp))(_images);

    /// <summary>The same by a loop over the examples.</summary>
    public Tensor[] PerExampleLoop()
    {
        var grads = Enumerable.Range(0, AdWorkloads.Batch).Select(e => Ad.Grad<Tensor[]>(p => ExampleLoss(p, _images[e]))(_mlp)).ToArray();
        return Enumerable.Range(0, _mlp.Length).Select(k => Np.Stack(grads.Select(g => g[k]).ToArray())).ToArray();
    }

    /// <summary>One gradient of the batch loss (the baseline).</summary>
    public Tensor[] BatchGrad() => _w.MlpGrad();

    private Tensor F(Tensor v) => Np.Tanh(Np.MatMul(_m, v)) * v;

    private Tensor Scalar(Tensor v) => Np.Sum(Np.Log1p(Np.Exp(Np.MatMul(_m, v)))) + (0.5 * Np.Sum(v * v));

    /// <summary>JacRev of ℝ²⁵⁶ → ℝ²⁵⁶ (one batched transpose).</summary>
    public Tensor JacRev() => Ad.JacRev(F)(_x);

    /// <summary>The basis loop JacRev was before Vmap: the transposed linear map applied to each basis cotangent.</summary>
    public Tensor JacRevLoop()
    {
        var (_, linear) = Ad.Linearize<Tensor, Tensor>(F, _x);
        var eye = Np.Eye(N);
        return Np.Stack(Enumerable.Range(0, N).Select(i => linear.ApplyTranspose(eye[i])).ToArray());
    }

    /// <summary>The Hessian of a 256-input function (JacFwd of Grad, one batched pass).</summary>
    public Tensor Hessian() => Ad.Hessian(Scalar)(_x);

    /// <summary>The basis loop the Hessian was before Vmap: the linearized gradient applied to each basis tangent.</summary>
    public Tensor HessianLoop()
    {
        var (_, linear) = Ad.Linearize<Tensor, Tensor>(Ad.Grad<Tensor>(Scalar), _x);
        var eye = Np.Eye(N);
        return Np.Stack(Enumerable.Range(0, N).Select(i => linear.Apply(eye[i])).ToArray(), 1);
    }

    private static Tensor Chain(Tensor v)
    {
        for (int i = 0; i < ChainPrimitives / 3; i++) v = (Np.Sin(v) * 1.01) + 0.1;
        return v;
    }

    /// <summary>A 300-primitive elementwise chain on 16 examples of 8, eagerly on the stacked array (no batching).</summary>
    public Tensor ChainEager() => Chain(_chainInput);

    /// <summary>The same chain, written per example and batched by Vmap.</summary>
    public Tensor ChainVmap() => Ad.Vmap<Tensor, Tensor>(Chain)(_chainInput);

    /// <summary>Worst relative difference between the Vmap results and the loops (a fair comparison computes the same thing).</summary>
    public (double F64, double F32) WorstDifference()
    {
        // Normwise: the largest difference over the largest magnitude of each array (elementwise ratios are meaningless
        // for f32 entries near zero, whose rounding depends on the summation order a batched GEMM chooses).
        static double Worst(Tensor a, Tensor b)
        {
            var (x, y) = (a.AsType(DType.Float64).ToArray<double>(), b.AsType(DType.Float64).ToArray<double>());
            double diff = 0, scale = 0;
            for (int i = 0; i < x.Length; i++)
            {
                diff = Math.Max(diff, Math.Abs(x[i] - y[i]));
                scale = Math.Max(scale, Math.Abs(y[i]));
            }

            return diff / Math.Max(scale, double.Epsilon);
        }

        double f64 = Math.Max(Math.Max(Worst(JacRev(), JacRevLoop()), Worst(Hessian(), HessianLoop())),
            Worst(ChainVmap(), Np.Stack(_chainExamples.Select(Chain).ToArray())));
        double f32 = 0;
        var (a, b) = (PerExampleGrads(), PerExampleLoop());
        for (int k = 0; k < a.Length; k++) f32 = Math.Max(f32, Worst(a[k], b[k]));
        return (f64, f32);
    }
}
