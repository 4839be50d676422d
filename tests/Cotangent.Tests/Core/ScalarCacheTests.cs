using Cotangent.Core;
using Cotangent.Runtime;

namespace Cotangent.Tests.Core;

/// <summary>The shared literal cache returns the value and dtype asked for, from any number of threads at once.</summary>
public class ScalarCacheTests
{
    [Fact]
    public void Values_AndSignedZeros_AndDTypes_AreKeptApart()
    {
        Assert.Equal(0x8000000000000000UL, (ulong)BitConverter.DoubleToInt64Bits(ScalarCache.Get(-0.0, DType.Float64).ToDouble()));
        Assert.Equal(0UL, (ulong)BitConverter.DoubleToInt64Bits(ScalarCache.Get(0.0, DType.Float64).ToDouble()));
        var f64 = ScalarCache.Get(1.01, DType.Float64);
        var f32 = ScalarCache.Get(1.01, DType.Float32);
        Assert.Equal(DType.Float64, f64.DType);
        Assert.Equal(DType.Float32, f32.DType);
        Assert.Equal(1.01, f64.ToDouble());
        Assert.Equal((double)1.01f, f32.ToDouble());
        Assert.Same(f64, ScalarCache.Get(1.01, DType.Float64));   // a recurring literal is not made again
        Assert.Throws<DTypeException>(() => ScalarCache.Get(1.5, DType.Int32));
    }

    [Fact]
    public void ManyThreadsAtOnce_EachGetTheirOwnValues()
    {
        // 4 threads × 20,000 distinct literals through a 64-slot cache: slots are overwritten constantly, and a torn
        // entry (one thread's bits with another's tensor) would show as a wrong value or dtype.
        var failures = 0;
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                double v = (t * 100_000) + i + 0.25;
                var dtype = (i & 1) == 0 ? DType.Float64 : DType.Float32;
                var got = ScalarCache.Get(v, dtype);
                if (got.DType != dtype || got.ToDouble() != (dtype == DType.Float32 ? (float)v : v)) Interlocked.Increment(ref failures);
            }
        });
        Assert.Equal(0, failures);
    }
}
