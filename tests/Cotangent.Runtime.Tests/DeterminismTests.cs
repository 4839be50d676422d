using System.Runtime.Intrinsics;
using Cotangent.Runtime.Tests.Reference;

namespace Cotangent.Runtime.Tests;

/// <summary>
/// Every float kernel returns the same bits on every call and on every thread. Each case is evaluated once, then
/// 500 more times (past the JIT's tier-up after ~30 calls, with a pause for the background recompilation to be
/// installed) and 8 threads at once; every result must equal the first bit for bit. Each call reads copies of
/// its inputs and writes a freshly allocated array, so a kernel whose results depend on the buffers' alignment (TensorPrimitives' Sin and Sum do:
/// they peel a misaligned head differently) fails here as well as one that changes with the JIT tier.
/// </summary>
public class DeterminismTests
{
    private const int N = 5000;

    /// <summary>Fewer repetitions when 256-bit vectors are emulated (hardware intrinsics disabled in CI): the point there is coverage, not tiering.</summary>
    private static int Calls => Vector256.IsHardwareAccelerated ? 500 : 60;

    /// <summary>Varied values: typical, unit-interval, tiny to huge magnitudes, the exp/log extremes, and special values.</summary>
    private static double[] Values(int seed)
    {
        var rng = new Random(seed);
        var tiny = TestUtil.LogUniform(rng, N, 1e-300, 1e300, true);
        var v = new double[N];
        for (int i = 0; i < N; i++)
        {
            v[i] = (i % 10) switch
            {
                0 or 1 or 2 or 3 => (rng.NextDouble() - 0.5) * 6,
                4 or 5 => rng.NextDouble() * 2 - 1,
                6 or 7 => tiny[i],
                8 => (rng.NextDouble() - 0.5) * 1600,
                _ => (i / 10 % 8) switch
                {
                    0 => 0.0, 1 => -0.0, 2 => double.PositiveInfinity, 3 => double.NegativeInfinity,
                    4 => double.NaN, 5 => 5e-324, 6 => 1e6 * rng.NextDouble(), _ => 1.0,
                },
            };
        }

        return v;
    }

    private static readonly Dictionary<string, Func<NDArray>> s_cases = BuildCases();

    private static Dictionary<string, Func<NDArray>> BuildCases()
    {
        var cases = new Dictionary<string, Func<NDArray>>();
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            string t = dtype.ShortName();
            var x = Ref.Make(dtype, Shape.Of(N), Values(1));
            var y = Ref.Make(dtype, Shape.Of(N), Values(2));
            var matrix = Ref.Make(dtype, Shape.Of(50, 100), Values(3)[..5000]);
            var row = Ref.Make(dtype, Shape.Of(100), Values(4)[..100]);
            var finite = Ref.Make(dtype, Shape.Of(50, 100), TestUtil.LogUniform(new Random(5), 5000, 1e-3, 1e3, true));
            var vector = Ref.Make(dtype, Shape.Of(100), TestUtil.LogUniform(new Random(6), 100, 1e-3, 1e3, true));
            var odd = Ref.Make(dtype, Shape.Of(N - 3), Values(8)[..(N - 3)]);   // not a multiple of any vector width: the overlapping tail
            foreach (var op in Enum.GetValues<UnaryOp>())
            {
                if (op == UnaryOp.Not) continue;
                cases[$"{op} {t}"] = () => Kernels.Unary(op, Fresh(x));
                cases[$"{op} {t} odd length"] = () => Kernels.Unary(op, Fresh(odd));
            }

            cases[$"softplus {t}"] = () => Softplus(Fresh(odd));

            foreach (var op in Enum.GetValues<BinaryOp>())
            {
                if (op is BinaryOp.And or BinaryOp.Or) continue;
                cases[$"{op} {t}"] = () => Kernels.Binary(op, Fresh(x), Fresh(y));
                cases[$"{op} {t} broadcast"] = () => Kernels.Binary(op, Fresh(matrix), row);
            }

            foreach (var op in Enum.GetValues<ReduceOp>())
            {
                cases[$"reduce {op} {t} all"] = () => Kernels.Reduce(op, Fresh(x), [0]);
                cases[$"reduce {op} {t} finite all"] = () => Kernels.Reduce(op, Fresh(finite), [0, 1]);
                cases[$"reduce {op} {t} axis 0"] = () => Kernels.Reduce(op, Fresh(finite), [0]);
                cases[$"reduce {op} {t} axis 1"] = () => Kernels.Reduce(op, Fresh(finite), [1]);
            }

            cases[$"cumsum {t} axis 0"] = () => Kernels.CumSum(Fresh(finite), 0, false);
            cases[$"cumsum {t} axis 1"] = () => Kernels.CumSum(finite, 1, true);
            cases[$"matvec {t}"] = () => Kernels.DotGeneral(Fresh(finite), Fresh(vector), [1], [0], [], []);
            cases[$"vecmat {t}"] = () => Kernels.DotGeneral(Ref.Make(dtype, Shape.Of(50), Values(7)[..50]), finite, [0], [0], [], []);
            cases[$"matmul {t}"] = () => Kernels.DotGeneral(finite, Kernels.Reshape(finite, Shape.Of(100, 50)), [1], [0], [], []);
        }

        return cases;
    }

    public static TheoryData<string> Cases() => new(s_cases.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void SameBits_EveryCall_EveryThread(string name)
    {
        var run = s_cases[name];
        var first = Bits(run());
        for (int i = 0; i < Calls; i++)
        {
            if (i == Calls / 2) Thread.Sleep(50);   // let a background tier-1 recompilation get installed
            AssertSame(first, Bits(run()), $"{name}: call {i + 1}");
        }

        var results = new long[8][][];
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            results[t] = new long[10][];
            for (int i = 0; i < 10; i++) results[t][i] = Bits(run());
        })).ToArray();
        foreach (var th in threads) th.Start();
        foreach (var th in threads) th.Join();
        for (int t = 0; t < 8; t++)
            for (int i = 0; i < 10; i++) AssertSame(first, results[t][i], $"{name}: thread {t}, call {i}");
    }

    /// <summary>softplus (a per-vector function without a primitive yet) through the unary driver.</summary>
    private static NDArray Softplus(NDArray x)
    {
        if (x.DType == DType.Float64)
        {
            var y = new double[x.Size];
            UnaryDriver.Run<double, ViaDoubleOperator<double, SoftplusFunction>>(x.ReadOnlySpan<double>(), y);
            return NDArray.Wrap(y, x.Shape);
        }

        var yf = new float[x.Size];
        UnaryDriver.Run<float, FloatOperator<SoftplusFloat>>(x.ReadOnlySpan<float>(), yf);
        return NDArray.Wrap(yf, x.Shape);
    }

    /// <summary>A copy in a new buffer, so successive calls see their inputs at varying addresses (and alignments).</summary>
    private static NDArray Fresh(NDArray a) => a.DType == DType.Float64
        ? NDArray.Wrap(a.ToArray<double>(), a.Shape)
        : NDArray.Wrap(a.ToArray<float>(), a.Shape);

    private static long[] Bits(NDArray a) => a.DType == DType.Float64
        ? a.ToArray<double>().Select(BitConverter.DoubleToInt64Bits).ToArray()
        : a.ToArray<float>().Select(f => (long)BitConverter.SingleToInt32Bits(f)).ToArray();

    private static void AssertSame(long[] expected, long[] actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] != actual[i]) Assert.Fail($"{context}: element {i} has bits {actual[i]:X}, first call gave {expected[i]:X}.");
        }
    }
}
