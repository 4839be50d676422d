using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Cotangent.Runtime;

namespace Cotangent.Benchmarks;

/// <summary>Sums of a 1000×1000 f64 matrix over all axes, axis 0 and axis 1, against TensorPrimitives and scalar loops.</summary>
[MemoryDiagnoser]
public class ReductionBenchmarks
{
    private NDArray _m;
    private double[] _data = null!;
    private double[] _acc = null!;

    [GlobalSetup]
    public void Setup()
    {
        _m = Kernels.RandomUniform(4, DType.Float64, Shape.Of(1000, 1000), -1, 1);
        _data = _m.ToArray<double>();
        _acc = new double[1000];
    }

    [Benchmark]
    public NDArray SumAll_Kernel() => Kernels.Reduce(ReduceOp.Sum, _m, [0, 1]);

    [Benchmark]
    public double SumAll_TensorPrimitives() => TensorPrimitives.Sum(_data);

    [Benchmark]
    public double SumAll_ScalarLoop()
    {
        double s = 0;
        foreach (double v in _data) s += v;
        return s;
    }

    [Benchmark]
    public NDArray SumAxis0_Kernel() => Kernels.Reduce(ReduceOp.Sum, _m, [0]);

    [Benchmark]
    public void SumAxis0_ScalarLoop()
    {
        Array.Clear(_acc);
        for (int r = 0; r < 1000; r++)
            for (int c = 0; c < 1000; c++)
                _acc[c] += _data[r * 1000 + c];
    }

    [Benchmark]
    public NDArray SumAxis1_Kernel() => Kernels.Reduce(ReduceOp.Sum, _m, [1]);

    [Benchmark]
    public void SumAxis1_ScalarLoop()
    {
        for (int r = 0; r < 1000; r++)
        {
            double s = 0;
            for (int c = 0; c < 1000; c++) s += _data[r * 1000 + c];
            _acc[r] = s;
        }
    }
}
