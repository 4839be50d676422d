using Cotangent.Runtime;
using static Cotangent.Tests.Api.ApiTestUtil;

namespace Cotangent.Tests.Api;

public class CreationTests
{
    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    [InlineData(DType.Int32)]
    public void Zeros_ones_full_have_the_shape_dtype_and_value(DType dtype)
    {
        var z = Np.Zeros([2, 3], dtype);
        var o = Np.Ones([2, 3], dtype);
        var f = Np.Full([4], 7, dtype);
        Assert.Equal((Shape.Of(2, 3), dtype), (z.Shape, z.DType));
        Assert.All(Values(z), v => Assert.Equal(0, v));
        Assert.All(Values(o), v => Assert.Equal(1, v));
        Assert.All(Values(f), v => Assert.Equal(7, v));
        var like = Np.OnesLike(f);
        Assert.Equal((f.Shape, f.DType), (like.Shape, like.DType));
        Assert.Equal(f.Shape, Np.ZerosLike(f).Shape);
    }

    [Theory]
    [InlineData(0, 5, 1)]
    [InlineData(2, 11, 3)]
    [InlineData(5, 0, -2)]
    [InlineData(3, 3, 1)]
    [InlineData(4, 1, 1)]
    public void Arange_int_matches_a_loop(int start, int stop, int step)
    {
        var expected = new List<double>();
        for (int v = start; step > 0 ? v < stop : v > stop; v += step) expected.Add(v);
        var a = Np.Arange(start, stop, step);
        Assert.Equal(DType.Int32, a.DType);
        Assert.Equal(expected, Values(a));
    }

    [Fact]
    public void Arange_float_and_linspace_match_numpy()
    {
        Close([0, 0.25, 0.5, 0.75], Np.Arange(0.0, 1.0, 0.25), 1e-15, [4]);
        Close([1, 0.5, 0], Np.Arange(1.0, -0.1, -0.5, DType.Float32), 1e-7, [3]);
        Close([0, 0.25, 0.5, 0.75, 1], Np.Linspace(0, 1, 5), 1e-15, [5]);
        Close([0, 0.2, 0.4, 0.6, 0.8], Np.Linspace(0, 1, 5, endpoint: false), 1e-15, [5]);
        Assert.Equal(3.0, Values(Np.Linspace(-1, 3, 7))[^1]);
        Close([2], Np.Linspace(2, 5, 1), 0, [1]);
        Assert.Equal(0, Np.Linspace(2, 5, 0).Size);
        Assert.Equal(5, Np.Arange(5).Size);
    }

    [Theory]
    [InlineData(3, null, 0)]
    [InlineData(3, 4, 1)]
    [InlineData(4, 2, -1)]
    [InlineData(2, 2, 5)]
    public void Eye_has_ones_on_diagonal_k(int n, int? m, int k)
    {
        var e = Np.Eye(n, m, k);
        int cols = m ?? n;
        Assert.Equal(Shape.Of(n, cols), e.Shape);
        var v = Values(e);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < cols; j++) Assert.Equal(j - i == k ? 1 : 0, v[(i * cols) + j]);
    }

    [Fact]
    public void Array_builders_copy_values_row_major()
    {
        var a = Np.Array(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal(Shape.Of(2, 3), a.Shape);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], Values(a));
        Assert.Equal(DType.Int32, Np.Array(1, 2, 3).DType);
        Assert.Equal(DType.Float32, Np.Array(1f, 2f).DType);
        Assert.Equal(DType.Bool, Np.Array(true, false).DType);
    }

    [Fact]
    public void Random_is_seeded_deterministic_and_in_range()
    {
        var u1 = Np.RandomUniform(42, [1000], -1, 3);
        var u2 = Np.RandomUniform(42, [1000], -1, 3);
        Assert.Equal(Values(u1), Values(u2));
        Assert.All(Values(u1), v => Assert.InRange(v, -1, 3));
        Assert.NotEqual(Values(u1), Values(Np.RandomUniform(43, [1000], -1, 3)));
        var n = Values(Np.RandomNormal(7, [20000]));
        double mean = n.Average(), var = n.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, -0.05, 0.05);
        Assert.InRange(var, 0.95, 1.05);
        var shifted = Values(Np.RandomNormal(7, [20000], mean: 3, std: 2, dtype: DType.Float32));
        Assert.InRange(shifted.Average(), 2.9, 3.1);
        var ints = Values(Np.RandomInt(1, [500], -3, 4));
        Assert.All(ints, v => Assert.InRange(v, -3, 3));
        Assert.Equal(7, ints.Distinct().Count());
        var perm = Values(Np.RandomPermutation(9, 50));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (double)i), perm.Order());
        var seeds = Np.SplitSeed(5, 3);
        Assert.Equal(3, seeds.Distinct().Count());
    }

    [Theory]
    [InlineData(int.MinValue, int.MaxValue)]
    [InlineData(int.MinValue, 1)]
    [InlineData(-1, int.MaxValue)]
    public void RandomInt_over_ranges_wider_than_int_is_uniform(int low, int high)
    {
        // high − low overflowed int, so every sample was low. Check range and uniformity over 16 equal bins.
        const int N = 32000, Bins = 16;
        var ints = Np.RandomInt(11, [N], low, high).ToArray<int>();
        Assert.All(ints, v => Assert.InRange(v, low, high - 1));
        double width = (double)high - low;
        var counts = new int[Bins];
        foreach (var v in ints) counts[(int)Math.Min(Bins - 1, (v - (double)low) / width * Bins)]++;
        double expected = (double)N / Bins, chiSquare = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.True(chiSquare < 45, $"χ² = {chiSquare:F1} over {Bins} bins (15 degrees of freedom; 45 is p ≈ 1e-4): {string.Join(", ", counts)}");
        Assert.True(ints.Distinct().Count() > N * 0.99, "a range of 2^31 or more values should give almost no repeats");
    }

    [Theory]
    [InlineData(int.MaxValue - 1, int.MaxValue)]
    [InlineData(int.MinValue, int.MinValue + 1)]
    public void RandomInt_over_a_one_value_range_at_the_int_limits_gives_that_value(int low, int high) =>
        Assert.All(Np.RandomInt(3, [100], low, high).ToArray<int>(), v => Assert.Equal(low, v));
}
