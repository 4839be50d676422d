using Cotangent.Runtime.Tests.Reference;
using static Cotangent.Runtime.Tests.TestUtil;

namespace Cotangent.Runtime.Tests;

/// <summary>Shape-manipulating kernels against the reference, all dtypes, including zero-size and rank-0 arrays.</summary>
public class StructuralTests
{
    private static NDArray Sample(DType dtype, params int[] dims) => Uniform(new Random(dims.Sum() + (int)dtype), dtype, Shape.Of(dims), -50, 50);

    private static IEnumerable<int[]> Permutations(int[] items) => items.Length <= 1
        ? [items]
        : items.SelectMany(i => Permutations(items.Where(j => j != i).ToArray()).Select(p => new[] { i }.Concat(p).ToArray()));

    [Fact]
    public void Reshape_SharesBufferAndKeepsOrder()
    {
        var x = Sample(DType.Float64, 2, 3, 4);
        var y = Kernels.Reshape(x, Shape.Of(6, 4));
        Assert.Same(x.Data, y.Data);
        Assert.Equal(Shape.Of(6, 4), y.Shape);
        Assert.Equal(Shape.Scalar, Kernels.Reshape(Sample(DType.Int32, 1, 1), Shape.Scalar).Shape);
        Assert.Equal(Shape.Of(0, 5), Kernels.Reshape(Sample(DType.Bool, 5, 0), Shape.Of(0, 5)).Shape);
    }

    [Theory]
    [InlineData(2, 3, 4)]
    [InlineData(0, 3, 2)]
    [InlineData(5, 1, 33)]
    public void Transpose_AllPermutationsOfRank3(int a, int b, int c)
    {
        foreach (var dtype in Enum.GetValues<DType>())
        {
            var x = Sample(dtype, a, b, c);
            foreach (var perm in Permutations([0, 1, 2]))
                Same(RefStructural.Transpose(x, perm), Kernels.Transpose(x, perm), $"{dtype} perm [{string.Join(",", perm)}]");
        }
    }

    [Fact]
    public void Transpose_Large2DAndScalar()
    {
        var x = Sample(DType.Float64, 67, 131);
        Same(RefStructural.Transpose(x, [1, 0]), Kernels.Transpose(x, [1, 0]));
        var s = NDArray.Scalar(DType.Float32, 3);
        Same(s, Kernels.Transpose(s, []));
    }

    [Fact]
    public void BroadcastInDim_MatchesReference()
    {
        (int[] X, int[] Shape, int[] Dims)[] cases =
        [
            ([3], [2, 3], [1]), ([3], [3, 2], [0]), ([3, 1], [3, 4], [0, 1]), ([], [2, 2], []), ([1, 3], [2, 4, 3], [1, 2]),
            ([2, 1, 4], [2, 5, 3, 4], [0, 2, 3]), ([0], [2, 0], [1]), ([1], [0], [0]), ([], [], []),
        ];
        foreach (var (xd, sd, bd) in cases)
        {
            foreach (var dtype in Enum.GetValues<DType>())
            {
                var x = Sample(dtype, xd);
                Same(RefStructural.BroadcastInDim(x, Shape.Of(sd), bd), Kernels.BroadcastInDim(x, Shape.Of(sd), bd), $"{Shape.Of(xd)} → {Shape.Of(sd)}");
            }
        }
    }

    [Fact]
    public void Slice_WithStrides_MatchesReference()
    {
        (int[] X, int[] Start, int[] Limit, int[] Strides)[] cases =
        [
            ([7, 9], [1, 2], [7, 9], [2, 3]), ([7, 9], [0, 0], [7, 9], [1, 1]), ([7, 9], [3, 4], [3, 9], [1, 2]),
            ([4, 5, 6], [1, 0, 2], [4, 5, 6], [2, 2, 3]), ([0, 4], [0, 1], [0, 3], [1, 1]), ([], [], [], []), ([10], [9], [10], [5]),
        ];
        foreach (var (xd, st, li, sr) in cases)
        {
            foreach (var dtype in Enum.GetValues<DType>())
            {
                var x = Sample(dtype, xd);
                Same(RefStructural.Slice(x, st, li, sr), Kernels.Slice(x, st, li, sr), $"{Shape.Of(xd)} [{string.Join(",", st)}]");
            }
        }
    }

    [Fact]
    public void Pad_LowHighInterior_MatchesReference()
    {
        (int[] X, int[] Lo, int[] Hi, int[] In)[] cases =
        [
            ([2, 3], [1, 0], [0, 2], [1, 2]), ([4], [0], [0], [0]), ([4], [2], [3], [1]), ([0, 2], [1, 1], [1, 0], [3, 1]),
            ([], [], [], []), ([3, 1, 2], [0, 2, 1], [1, 0, 1], [0, 5, 1]),
        ];
        foreach (var (xd, lo, hi, inn) in cases)
        {
            foreach (var dtype in Enum.GetValues<DType>())
            {
                var x = Sample(dtype, xd);
                var value = NDArray.Scalar(dtype, dtype == DType.Bool ? 1 : -7);
                Same(RefStructural.Pad(x, value.GetDouble(0), lo, hi, inn), Kernels.Pad(x, value, lo, hi, inn), $"pad {Shape.Of(xd)}");
            }
        }
    }

    [Fact]
    public void Concatenate_MatchesReference()
    {
        foreach (var dtype in Enum.GetValues<DType>())
        {
            var xs = new[] { Sample(dtype, 2, 3), Sample(dtype, 2, 0), Sample(dtype, 2, 5) };
            Same(RefStructural.Concatenate(xs, 1), Kernels.Concatenate(xs, 1));
            Same(RefStructural.Concatenate(xs, 1), Kernels.Concatenate(xs, -1));
            var ys = new[] { Sample(dtype, 1, 4), Sample(dtype, 3, 4) };
            Same(RefStructural.Concatenate(ys, 0), Kernels.Concatenate(ys, 0));
            Same(ys[1], Kernels.Concatenate([ys[1]], 0));
        }
    }

    [Fact]
    public void Reverse_EveryAxisSubset_MatchesReference()
    {
        foreach (var dtype in Enum.GetValues<DType>())
        {
            foreach (var dims in new[] { new[] { 2, 3, 4 }, new[] { 3, 0, 2 }, new[] { 1, 5, 37 } })
            {
                var x = Sample(dtype, dims);
                for (int m = 0; m < 8; m++)
                {
                    var axes = Enumerable.Range(0, 3).Where(i => (m >> i & 1) != 0).ToArray();
                    Same(RefStructural.Reverse(x, axes), Kernels.Reverse(x, axes), $"reverse {Shape.Of(dims)} [{string.Join(",", axes)}]");
                }
            }
        }
    }
}
