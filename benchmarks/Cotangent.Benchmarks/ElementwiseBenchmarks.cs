using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Cotangent.Runtime;

namespace Cotangent.Benchmarks;

/// <summary>
/// 1M-element f64 elementwise kernels against baselines: TensorPrimitives on raw spans (the speed ceiling for a
/// single pass; note its Tanh is inaccurate near 0), the same into a freshly allocated 8 MB result (what any kernel
/// returning a new array pays: a large-object-heap allocation, first-touch page faults and gen-2 collections), and a
/// plain scalar Math.* loop.
/// </summary>
[MemoryDiagnoser]
public class ElementwiseBenchmarks
{
    internal const int N = 1_000_000;
    private NDArray _x;
    private NDArray _matrix;
    private NDArray _row;
    private double[] _xs = null!;
    private double[] _dst = null!;
    private double[] _rowData = null!;

    [GlobalSetup]
    public void Setup()
    {
        _x = Kernels.RandomUniform(1, DType.Float64, Shape.Of(N), -3, 3);
        _matrix = Kernels.RandomUniform(2, DType.Float64, Shape.Of(1000, 1000), -1, 1);
        _row = Kernels.RandomUniform(3, DType.Float64, Shape.Of(1000), -1, 1);
        _xs = _x.ToArray<double>();
        _rowData = _row.ToArray<double>();
        _dst = new double[N];
    }

    [Benchmark]
    public NDArray Exp_Kernel() => Kernels.Unary(UnaryOp.Exp, _x);

    [Benchmark]
    public void Exp_TensorPrimitives() => TensorPrimitives.Exp(_xs, _dst);

    /// <summary>TensorPrimitives into a freshly allocated result, as a kernel that returns a new array must do.</summary>
    [Benchmark]
    public double[] Exp_TensorPrimitivesAllocating()
    {
        var d = GC.AllocateUninitializedArray<double>(N);
        TensorPrimitives.Exp(_xs, d);
        return d;
    }

    [Benchmark]
    public void Exp_ScalarLoop()
    {
        for (int i = 0; i < _xs.Length; i++) _dst[i] = Math.Exp(_xs[i]);
    }

    [Benchmark]
    public NDArray Tanh_Kernel() => Kernels.Unary(UnaryOp.Tanh, _x);

    [Benchmark]
    public void Tanh_TensorPrimitives() => TensorPrimitives.Tanh(_xs, _dst);

    [Benchmark]
    public double[] Tanh_TensorPrimitivesAllocating()
    {
        var d = GC.AllocateUninitializedArray<double>(N);
        TensorPrimitives.Tanh(_xs, d);
        return d;
    }

    [Benchmark]
    public void Tanh_ScalarLoop()
    {
        for (int i = 0; i < _xs.Length; i++) _dst[i] = Math.Tanh(_xs[i]);
    }

    [Benchmark]
    public NDArray BroadcastAdd_Kernel() => Kernels.Binary(BinaryOp.Add, _matrix, _row);

    [Benchmark]
    public void BroadcastAdd_TensorPrimitivesPerRow()
    {
        var m = _matrix.ReadOnlySpan<double>();
        for (int r = 0; r < 1000; r++) TensorPrimitives.Add(m.Slice(r * 1000, 1000), _rowData, _dst.AsSpan(r * 1000, 1000));
    }

    [Benchmark]
    public void BroadcastAdd_ScalarLoop()
    {
        var m = _matrix.ReadOnlySpan<double>();
        for (int r = 0; r < 1000; r++)
            for (int c = 0; c < 1000; c++)
                _dst[r * 1000 + c] = m[r * 1000 + c] + _rowData[c];
    }
}
