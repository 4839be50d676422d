using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Benchmarks;

/// <summary>
/// The functions issue #3 measures, each as f alone, as Cotangent's gradient (Linearize + Transpose),
/// and as a hand-written C# gradient (the baseline).
/// </summary>
public sealed class AdWorkloads
{
    private const int ElementCount = 1_000_000;
    private const int Steps = 1000;
    internal const int Batch = 128;

    private readonly double[] _x;
    private readonly double[] _gradBuffer;
    private readonly double[] _ys = new double[Steps + 1];
    private readonly Tensor _xt;
    private readonly Tensor[] _mlp;
    private readonly Tensor _images;

    public AdWorkloads()
    {
        _xt = new Tensor(Kernels.RandomNormal(1, DType.Float64, Shape.Of(ElementCount)));
        _x = _xt.ToArray<double>();
        _gradBuffer = new double[ElementCount];
        _mlp =
        [
            Init(2, 784, 256), new Tensor(NDArray.Zeros(DType.Float32, Shape.Of(256))),
            Init(3, 256, 256), new Tensor(NDArray.Zeros(DType.Float32, Shape.Of(256))),
            Init(4, 256, 10), new Tensor(NDArray.Zeros(DType.Float32, Shape.Of(10))),
        ];
        _images = new Tensor(Kernels.RandomUniform(5, DType.Float32, Shape.Of(Batch, 784), 0, 1));
    }

    /// <summary>The MLP's parameters (W1, b1, W2, b2, W3, b3).</summary>
    internal Tensor[] MlpParameters => _mlp;

    /// <summary>The 1M-element input.</summary>
    internal Tensor ElementwiseInput => _xt;

    private static Tensor Init(ulong seed, int rows, int cols) =>
        new Tensor(Kernels.RandomNormal(seed, DType.Float32, Shape.Of(rows, cols))) * (float)(1 / Math.Sqrt(rows));

    private static Tensor SumAll(Tensor x) => Lax.ReduceSum(x, [.. Enumerable.Range(0, x.Rank)]);

    private static Tensor MatMul(Tensor a, Tensor b) => Lax.DotGeneral(a, b, [1], [0], [], []);

    // --- 1M-element elementwise: f(x) = Σ tanh(x)·x + exp(−x²) ---------------------------------

    internal static Tensor ElementwiseF(Tensor x) => SumAll((Lax.Tanh(x) * x) + Lax.Exp(-(x * x)));

    public double ElementwiseF() => ElementwiseF(_xt).ToDouble();

    public Tensor ElementwiseGrad() => Ad.Grad<Tensor>(ElementwiseF)(_xt);

    /// <summary>Hand-written: f′(x) = (1 − tanh²x)·x + tanh x − 2x·e^(−x²), one fused scalar loop.</summary>
    public double[] ElementwiseHand()
    {
        var x = _x;
        var g = _gradBuffer;
        for (int i = 0; i < x.Length; i++)
        {
            double t = Math.Tanh(x[i]);
            g[i] = ((1 - (t * t)) * x[i]) + t - (2 * x[i] * Math.Exp(-x[i] * x[i]));
        }

        return g;
    }

    // --- MLP 784-256-256-10, f32, batch 128, loss −mean(log_softmax(o)) as in the TorchSharp benchmark ---

    internal Tensor MlpLoss(Tensor[] p)
    {
        var h1 = Lax.Tanh(MatMul(_images, p[0]) + p[1]);
        var h2 = Lax.Tanh(MatMul(h1, p[2]) + p[3]);
        var o = MatMul(h2, p[4]) + p[5];
        return -Np.Mean(Np.LogSoftmax(o, 1));
    }

    public double MlpF() => MlpLoss(_mlp).ToDouble();

    public Tensor[] MlpGrad() => Ad.Grad<Tensor[]>(MlpLoss)(_mlp);

    /// <summary>Hand-written backpropagation with the same kernels (GEMM, elementwise, reductions).</summary>
    public NDArray[] MlpHand()
    {
        var x = _images.Value;
        var (w1, b1, w2, b2, w3, b3) = (_mlp[0].Value, _mlp[1].Value, _mlp[2].Value, _mlp[3].Value, _mlp[4].Value, _mlp[5].Value);
        var h1 = Kernels.Unary(UnaryOp.Tanh, Kernels.Binary(BinaryOp.Add, Mm(x, w1), b1));
        var h2 = Kernels.Unary(UnaryOp.Tanh, Kernels.Binary(BinaryOp.Add, Mm(h1, w2), b2));
        var o = Kernels.Binary(BinaryOp.Add, Mm(h2, w3), b3);
        // L = −(1/(B·C)) Σ log_softmax(o), so dL/do = (softmax(o) − 1/C) / B.
        var shifted = Kernels.Binary(BinaryOp.Sub, o, Kernels.Reduce(ReduceOp.Max, o, [1]).WithShape(Shape.Of(Batch, 1)));
        var e = Kernels.Unary(UnaryOp.Exp, shifted);
        var softmax = Kernels.Binary(BinaryOp.Div, e, Kernels.Reduce(ReduceOp.Sum, e, [1]).WithShape(Shape.Of(Batch, 1)));
        var d = Kernels.Binary(BinaryOp.Mul, Kernels.Binary(BinaryOp.Sub, softmax, NDArray.Scalar(DType.Float32, 0.1)), NDArray.Scalar(DType.Float32, 1.0 / Batch));
        var gw3 = MmTn(h2, d);
        var gb3 = Kernels.Reduce(ReduceOp.Sum, d, [0]);
        var dh2 = Kernels.Binary(BinaryOp.Mul, MmNt(d, w3), OneMinusSquare(h2));
        var gw2 = MmTn(h1, dh2);
        var gb2 = Kernels.Reduce(ReduceOp.Sum, dh2, [0]);
        var dh1 = Kernels.Binary(BinaryOp.Mul, MmNt(dh2, w2), OneMinusSquare(h1));
        var gw1 = MmTn(x, dh1);
        var gb1 = Kernels.Reduce(ReduceOp.Sum, dh1, [0]);
        return [gw1, gb1, gw2, gb2, gw3, gb3];
    }

    private static NDArray OneMinusSquare(NDArray h) =>
        Kernels.Binary(BinaryOp.Sub, NDArray.Scalar(h.DType, 1), Kernels.Binary(BinaryOp.Mul, h, h));

    private static NDArray Mm(NDArray a, NDArray b) => Kernels.DotGeneral(a, b, [1], [0], [], []);

    private static NDArray MmTn(NDArray a, NDArray b) => Kernels.DotGeneral(a, b, [0], [0], [], []);

    private static NDArray MmNt(NDArray a, NDArray b) => Kernels.DotGeneral(a, b, [1], [1], [], []);

    // --- 1000-step scalar recurrence y ← sin(y)·1.01 + 0.1 (3 primitives per step) ----------------

    internal static Tensor Recurrence(Tensor y)
    {
        for (int i = 0; i < Steps; i++) y = (Lax.Sin(y) * 1.01) + 0.1;
        return y;
    }

    public double RecurrenceF() => Recurrence(0.5).ToDouble();

    public double RecurrenceGrad() => Ad.Grad<Tensor>(Recurrence)(0.5).ToDouble();

    /// <summary>Hand-written: forward storing y, backward ȳ ← ȳ · 1.01 · cos y.</summary>
    public double RecurrenceHand()
    {
        var ys = _ys;
        ys[0] = 0.5;
        for (int i = 0; i < Steps; i++) ys[i + 1] = (Math.Sin(ys[i]) * 1.01) + 0.1;
        double g = 1;
        for (int i = Steps - 1; i >= 0; i--) g *= 1.01 * Math.Cos(ys[i]);
        return g;
    }

    /// <summary>Primitives bound by one evaluation of the recurrence.</summary>
    public static int RecurrencePrimitives => 3 * Steps;
}
