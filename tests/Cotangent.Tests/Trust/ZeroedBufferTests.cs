using Cotangent.Primitives;
using Cotangent.Runtime;
using static Cotangent.Np;

namespace Cotangent.Tests.Trust;

/// <summary>
/// What is documented as zero is zero, at sizes where the runtime's uninitialized allocations really hand back
/// old heap memory (arrays over ~2 KB). Each test first fills and drops many large arrays with a non-zero
/// pattern, so a buffer that is not cleared shows that pattern instead of zeros. Small arrays are always
/// cleared by the runtime, which is why tests at small sizes never saw this.
/// </summary>
public class ZeroedBufferTests
{
    private const int N = 1500; // 12 KB of f64, 6 KB of f32

    /// <summary>Fills and drops ~40 MB of arrays holding <paramref name="pattern"/>, then collects, so freed memory is dirty.</summary>
    private static void DirtyHeap(double pattern = 12345.678)
    {
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 400; i++)
            {
                var d = GC.AllocateUninitializedArray<double>(2048 + (i % 7) * 512);
                d.AsSpan().Fill(pattern);
                GC.KeepAlive(d);
                var f = GC.AllocateUninitializedArray<float>(2048 + (i % 5) * 512);
                f.AsSpan().Fill((float)pattern);
                GC.KeepAlive(f);
            }

            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        }
    }

    private static void AllZero(Tensor t, string what)
    {
        var v = t.Value;
        for (int i = 0; i < v.Size; i++)
            Assert.True(v.GetDouble(i) == 0, $"{what}: element {i} of {v.Size} is {v.GetDouble(i)}, expected 0");
    }

    public static TheoryData<DType> Floats => [DType.Float64, DType.Float32];

    [Fact]
    public void Allocate_IsZeroed_ForEveryDTypeAndLargeSizes()
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32, DType.Int32, DType.Bool })
        {
            foreach (int n in new[] { 300, 1024, 4096, 100_000 })
            {
                DirtyHeap();
                var a = NDArray.Wrap(dtype, Shape.Of(n), NDArray.Allocate(dtype, n));
                AllZero(new Tensor(a), $"NDArray.Allocate({dtype}, {n})");
                AllZero(new Tensor(NDArray.Zeros(dtype, Shape.Of(n))), $"NDArray.Zeros({dtype}, {n})");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Floats))]
    public void ZerosAndZerosLike_AreZero(DType dtype)
    {
        DirtyHeap();
        AllZero(Zeros([40, 50], dtype), "Zeros");
        DirtyHeap();
        AllZero(ZerosLike(Ones([N], dtype)), "ZerosLike");
        DirtyHeap();
        AllZero(Lax.ZerosLike(Ones([N], dtype)), "Lax.ZerosLike");
    }

    [Theory]
    [MemberData(nameof(Floats))]
    public void Eye_HasZeroOffDiagonal(DType dtype)
    {
        DirtyHeap();
        var e = Eye(300, dtype: dtype).Value;
        int bad = 0;
        for (int i = 0; i < 300; i++)
            for (int j = 0; j < 300; j++)
                if (e.GetDouble((i * 300) + j) != (i == j ? 1 : 0)) bad++;
        Assert.Equal(0, bad);
    }

    [Theory]
    [MemberData(nameof(Floats))]
    public void GradOfSelectFunctions_IsTheIndicator(DType dtype)
    {
        var x = AsType(Tensor.FromArray(Enumerable.Range(0, N).Select(i => (i % 3) - 1.0 + (i * 1e-4)).ToArray(), [N]), dtype);
        var xs = Api.ApiTestUtil.Values(x);
        var cases = new (string Name, Func<Tensor, Tensor> F, Func<double, double> Expected)[]
        {
            ("Relu", v => Sum(Relu(v)), v => v > 0 ? 1 : 0),
            ("Where", v => Sum(Where(v > 0.0, v, ZerosLike(v))), v => v > 0 ? 1 : 0),
            ("LeakyRelu", v => Sum(LeakyRelu(v, 0.1)), v => v >= 0 ? 1 : 0.1),
            ("Maximum", v => Sum(Maximum(v, 0.0)), v => v > 0 ? 1 : v < 0 ? 0 : 0.5),
        };
        foreach (var (name, f, expected) in cases)
        {
            for (int call = 0; call < 3; call++)
            {
                DirtyHeap();
                var g = Ad.Grad(f)(x).Value;
                for (int i = 0; i < N; i++)
                    Assert.True(g.GetDouble(i) == (dtype == DType.Float32 ? (float)expected(xs[i]) : expected(xs[i])),
                        $"{name} ({dtype}), call {call}: gradient element {i} (x = {xs[i]}) is {g.GetDouble(i)}, expected {expected(xs[i])}");
            }
        }
    }

    [Fact]
    public void GradOfAnUnusedInput_IsZero()
    {
        var x = TestFunctions.Random(1, N);
        var y = TestFunctions.Random(2, 30, 50);
        DirtyHeap();
        var (gx, gy) = Ad.Grad<Tensor, Tensor>((a, b) => Sum(Sin(a)), Wrt.Both)(x, y);
        AllZero(gy, "gradient of an unused input");
        Assert.Equal(Cos(x).ToArray<double>(), gx.ToArray<double>());
    }

    [Fact]
    public void GradOfGather_CountsTheTakenPositions()
    {
        var x = TestFunctions.Random(3, N);
        var idx = Tensor.FromArray(Enumerable.Range(0, 400).Select(i => (i * 7) % 300).ToArray(), [400]);
        DirtyHeap();
        var g = Ad.Grad<Tensor>(v => Sum(Take(v, idx)))(x).ToArray<double>();
        var expected = new double[N];
        foreach (int i in idx.ToArray<int>()) expected[i]++;
        Assert.Equal(expected, g);
    }

    [Fact]
    public void GradOfDynamicSlice_IsOneOnTheWindowOnly()
    {
        var x = TestFunctions.Random(4, 40, 50);
        DirtyHeap();
        var g = Ad.Grad<Tensor>(v => Sum(Lax.DynamicSlice(v, [Tensor.Scalar(5, DType.Int32), Tensor.Scalar(7, DType.Int32)], [10, 20])))(x).Value;
        for (int i = 0; i < 40; i++)
            for (int j = 0; j < 50; j++)
                Assert.True(g.GetDouble((i * 50) + j) == (i is >= 5 and < 15 && j is >= 7 and < 27 ? 1 : 0), $"element ({i}, {j}) is {g.GetDouble((i * 50) + j)}");
        DirtyHeap();
        var u = Ad.Grad<Tensor>(v => Sum(Lax.DynamicUpdateSlice(v, ZerosLike(v[..10, ..20]), [Tensor.Scalar(3, DType.Int32), Tensor.Scalar(4, DType.Int32)])))(x).Value;
        for (int i = 0; i < 40; i++)
            for (int j = 0; j < 50; j++)
                Assert.True(u.GetDouble((i * 50) + j) == (i is >= 3 and < 13 && j is >= 4 and < 24 ? 0 : 1), $"update-slice element ({i}, {j}) is {u.GetDouble((i * 50) + j)}");
    }

    [Fact]
    public void JacFwdAndJacRev_OfAnElementwiseMap_AreDiagonal()
    {
        var x = TestFunctions.Random(5, 60); // a 60×60 Jacobian: 28 KB
        var c = Cos(x).ToArray<double>();
        foreach (var (name, jac) in new[] { ("JacFwd", Ad.JacFwd(Sin)), ("JacRev", Ad.JacRev(Sin)) })
        {
            DirtyHeap();
            var j = jac(x).Value;
            for (int r = 0; r < 60; r++)
                for (int k = 0; k < 60; k++)
                    Assert.True(j.GetDouble((r * 60) + k) == (r == k ? c[r] : 0), $"{name}[{r}, {k}] = {j.GetDouble((r * 60) + k)}");
        }
    }

    [Fact]
    public void ZeroTangentOfAConstantOutput_IsZero()
    {
        // f ignores x in its second output, so the JVP materializes a zero tangent for it.
        var x = TestFunctions.Random(6, N);
        DirtyHeap();
        var (_, t) = Ad.Jvp<Tensor, (Tensor, Tensor)>(v => (Sin(v), Ones([N])), x, OnesLike(x));
        AllZero(t.Item2, "zero tangent");
    }
}
