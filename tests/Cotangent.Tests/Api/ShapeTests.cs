using Cotangent.Runtime;
using static Cotangent.Tests.Api.ApiTestUtil;

namespace Cotangent.Tests.Api;

public class ShapeTests
{
    private static Tensor Iota(DType dtype, params int[] shape) =>
        Make(Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(i => (double)i).ToArray(), dtype, shape);

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Reshape_infers_one_extent_and_keeps_row_major_order(DType dtype)
    {
        var x = Iota(dtype, 2, 3, 4);
        var y = Np.Reshape(x, 4, -1);
        Assert.Equal(Shape.Of(4, 6), y.Shape);
        Assert.Equal(Values(x), Values(y));
        Assert.Equal(Shape.Of(24), Np.Ravel(x).Shape);
        Assert.Equal(Shape.Of(24), Np.Flatten(x).Shape);
        Assert.Equal(Shape.Of(1, 24), Np.Reshape(x, 1, -1).Shape);
    }

    [Fact]
    public void Transpose_SwapAxes_MoveAxis_match_index_permutations()
    {
        var x = Iota(DType.Float64, 2, 3, 4);
        var xv = Values(x);
        void Check(Tensor y, int[] perm)
        {
            var shape = perm.Select(p => new[] { 2, 3, 4 }[p]).ToArray();
            Assert.Equal(Shape.Of(shape), y.Shape);
            var yv = Values(y);
            foreach (var idx in Indices(shape))
            {
                var src = new int[3];
                for (int i = 0; i < 3; i++) src[perm[i]] = idx[i];
                Assert.Equal(xv[Offset([2, 3, 4], src)], yv[Offset(shape, idx)]);
            }
        }

        Check(Np.Transpose(x), [2, 1, 0]);
        Check(Np.Transpose(x, 1, -1, 0), [1, 2, 0]);
        Check(Np.SwapAxes(x, 0, 2), [2, 1, 0]);
        Check(Np.MoveAxis(x, 0, -1), [1, 2, 0]);
        Check(Np.MoveAxis(x, 2, 0), [2, 0, 1]);
        Check(x.T, [2, 1, 0]);
    }

    [Fact]
    public void Squeeze_ExpandDims_BroadcastTo()
    {
        var x = Iota(DType.Float64, 1, 3, 1);
        Assert.Equal(Shape.Of(3), Np.Squeeze(x).Shape);
        Assert.Equal(Shape.Of(3, 1), Np.Squeeze(x, 0).Shape);
        Assert.Equal(Shape.Of(1, 3), Np.Squeeze(x, [-1]).Shape);
        Assert.Equal(Shape.Of(1, 3, 1, 1), Np.ExpandDims(x, -1).Shape);
        Assert.Equal(Shape.Of(1, 1, 3, 1), Np.ExpandDims(x, 1).Shape);
        var b = Np.BroadcastTo(Np.Array(1.0, 2, 3), 2, 3);
        Close([1, 2, 3, 1, 2, 3], b, 0, [2, 3]);
        var arrays = Np.BroadcastArrays(Np.Array(1.0, 2), Tensor.FromArray([5.0, 6, 7], 3, 1));
        Assert.All(arrays, a => Assert.Equal(Shape.Of(3, 2), a.Shape));
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Split_Concatenate_Stack_round_trip(DType dtype)
    {
        var x = Iota(dtype, 4, 6);
        foreach (int axis in new[] { 0, 1, -1 })
        {
            var parts = Np.Split(x, 2, axis);
            Assert.Equal(2, parts.Length);
            Assert.Equal(Values(x), Values(Np.Concatenate(parts, axis)));
        }

        var uneven = Np.Split(x, [1, 4], 1);
        Assert.Equal([1, 3, 2], uneven.Select(p => p.Shape[1]));
        Assert.Equal(Values(x), Values(Np.Concatenate(uneven, 1)));
        var past = Np.Split(x, [2, 10], 0);
        Assert.Equal([2, 2, 0], past.Select(p => p.Shape[0]));

        var rows = Enumerable.Range(0, 4).Select(i => x[i]).ToArray();
        var stacked = Np.Stack(rows);
        Assert.Equal(Values(x), Values(stacked));
        var cols = Np.Stack(rows, axis: 1);
        Assert.Equal(Shape.Of(6, 4), cols.Shape);
        Assert.Equal(Values(Np.Transpose(x)), Values(cols));
        Assert.Equal(Shape.Of(2, 6), Np.VStack([rows[0], rows[1]]).Shape);
        Assert.Equal(Shape.Of(12), Np.HStack([rows[0], rows[1]]).Shape);
    }

    [Fact]
    public void Flip_Pad_Tile_Repeat()
    {
        var x = Iota(DType.Float64, 2, 3);
        Close([2, 1, 0, 5, 4, 3], Np.Flip(x, 1), 0, [2, 3]);
        Close([5, 4, 3, 2, 1, 0], Np.Flip(x), 0, [2, 3]);
        Close([3, 4, 5, 0, 1, 2], Np.Flip(x, [-2]), 0, [2, 3]);
        var p = Np.Pad(x, [(1, 0), (0, 2)], value: -1);
        Close([-1, -1, -1, -1, -1, 0, 1, 2, -1, -1, 3, 4, 5, -1, -1], p, 0, [3, 5]);
        Assert.Equal(Shape.Of(4, 5), Np.Pad(x, 1).Shape);
        Close([0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5], Np.Tile(x, 1, 2), 0, [2, 6]);
        Close([0, 1, 0, 1, 0, 1], Np.Tile(Np.Array(0.0, 1), 3), 0, [6]);
        Assert.Equal(Shape.Of(2, 2, 3), Np.Tile(x, 2, 1, 1).Shape);
        Close([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5], Np.Repeat(x, 2), 0, [12]);
        Close([0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5], Np.Repeat(x, 2, 0), 0, [4, 3]);
        Close([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5], Np.Repeat(x, 2, 1), 0, [2, 6]);
    }

    [Fact]
    public void Shape_functions_are_differentiable()
    {
        var data = Data(21, 12);
        var w = Tensor.FromArray(Data(22, 12), 3, 4);
        CheckGrad(x => Np.Sum(Np.Transpose(Np.Reshape(x, 4, 3)) * w), data, [12]);
        CheckGrad(x => Np.Sum(Np.Square(Np.Concatenate(Np.Split(x, [1, 3], 0).Reverse().ToArray(), 0)) * Np.Arange(12.0, 24.0)), data, [12]);
        CheckGrad(x => Np.Sum(Np.Tile(Np.Pad(Np.Reshape(x, 3, 4), [(1, 2), (0, 1)], 3.0), 2, 1) * Np.Sin(Np.Arange(0.0, 60.0).Reshape(12, 5))), data, [12]);
        CheckGrad(x => Np.Sum(Np.Repeat(Np.Flip(x), 2) * Np.Arange(0.0, 24.0)), data, [12]);
    }
}
