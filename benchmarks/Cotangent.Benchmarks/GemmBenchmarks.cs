using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Cotangent.Runtime;

namespace Cotangent.Benchmarks;

/// <summary>Square GEMM (C = A·B, n×n) through the managed packed kernel; the GFLOPS column is 2·n³ / mean time.</summary>
[Config(typeof(GflopsConfig))]
public class GemmBenchmarks
{
    private float[] _a32 = [], _b32 = [], _c32 = [];
    private double[] _a64 = [], _b64 = [], _c64 = [];

    /// <summary>Matrix extent (m = n = k).</summary>
    [Params(64, 256, 512, 1024)]
    public int N { get; set; }

    /// <summary>Thread limit passed to the kernel.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Fills the operands with deterministic values.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        int size = N * N;
        _a32 = new float[size];
        _b32 = new float[size];
        _c32 = new float[size];
        _a64 = new double[size];
        _b64 = new double[size];
        _c64 = new double[size];
        for (int i = 0; i < size; i++)
        {
            _a64[i] = rng.NextDouble() - 0.5;
            _b64[i] = rng.NextDouble() - 0.5;
            _a32[i] = (float)_a64[i];
            _b32[i] = (float)_b64[i];
        }
    }

    /// <summary>f32 n×n·n×n.</summary>
    [Benchmark]
    public void F32() => Gemm.Multiply<float>(_a32, _b32, _c32, N, N, N, maxThreads: Threads);

    /// <summary>f64 n×n·n×n.</summary>
    [Benchmark]
    public void F64() => Gemm.Multiply<double>(_a64, _b64, _c64, N, N, N, maxThreads: Threads);

    private sealed class GflopsConfig : ManualConfig
    {
        public GflopsConfig() => AddColumn(new GflopsColumn());
    }

    /// <summary>GFLOPS = 2·N³ flops / mean nanoseconds.</summary>
    private sealed class GflopsColumn : IColumn
    {
        public string Id => nameof(GflopsColumn);

        public string ColumnName => "GFLOPS";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Billions of floating-point operations per second (2·N³ per call / mean time)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            var stats = summary[benchmarkCase]?.ResultStatistics;
            if (stats is null) return "NA";
            double n = System.Convert.ToDouble(benchmarkCase.Parameters["N"], CultureInfo.InvariantCulture);
            return (2 * n * n * n / stats.Mean).ToString("F1", CultureInfo.InvariantCulture);
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
