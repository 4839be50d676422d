using static Cotangent.Runtime.Tests.TestUtil;

namespace Cotangent.Runtime.Tests;

/// <summary>Each kind of bad input raises its typed exception with a message naming the operation and the culprit.</summary>
public class ErrorTests
{
    private static readonly NDArray s_f64 = NDArray.Zeros(DType.Float64, Shape.Of(2, 3));
    private static readonly NDArray s_f32 = NDArray.Zeros(DType.Float32, Shape.Of(2, 3));
    private static readonly NDArray s_i32 = NDArray.Zeros(DType.Int32, Shape.Of(2, 3));
    private static readonly NDArray s_bool = NDArray.Zeros(DType.Bool, Shape.Of(2, 3));

    private static void Throws<TException>(Action action, params string[] fragments)
        where TException : Exception
    {
        var e = Assert.Throws<TException>(action);
        foreach (var f in fragments) Assert.Contains(f, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BroadcastMismatch() =>
        Throws<ShapeException>(() => Kernels.Binary(BinaryOp.Add, s_f64, NDArray.Zeros(DType.Float64, Shape.Of(4))), "add", "(2, 3)", "(4,)", "do not broadcast");

    [Fact]
    public void BroadcastMismatch_CompareAndSelect()
    {
        Throws<ShapeException>(() => Kernels.Compare(CompareOp.Lt, s_f64, NDArray.Zeros(DType.Float64, Shape.Of(3, 2))), "lt");
        Throws<ShapeException>(() => Kernels.Select(NDArray.Zeros(DType.Bool, Shape.Of(5)), s_f64, s_f64), "select");
    }

    [Fact]
    public void AxisOutOfRange()
    {
        Throws<AxisException>(() => Kernels.Reduce(ReduceOp.Sum, s_f64, [2]), "reduce_sum", "axis 2", "rank 2");
        Throws<AxisException>(() => Kernels.Reduce(ReduceOp.Max, s_f64, [0, -2]), "repeated");
        Throws<AxisException>(() => Kernels.ArgReduce(true, s_f64, -3), "argmax", "axis -3");
        Throws<AxisException>(() => Kernels.CumSum(s_f64, 5, false), "cumsum");
        Throws<AxisException>(() => Kernels.Transpose(s_f64, [0, 0]), "transpose", "not a permutation");
        Throws<AxisException>(() => Kernels.Transpose(s_f64, [0]), "transpose", "rank 2");
        Throws<AxisException>(() => Kernels.Reverse(s_f64, [3]), "reverse");
        Throws<AxisException>(() => Kernels.Concatenate([s_f64], 2), "concatenate");
        Throws<AxisException>(() => Kernels.Gather(s_f64, NDArray.Zeros(DType.Int32, Shape.Of(1)), 2), "gather");
        Throws<AxisException>(() => Kernels.Iota(DType.Int32, Shape.Of(3), 1), "iota");
        Throws<AxisException>(() => Kernels.BroadcastInDim(NDArray.Zeros(DType.Float64, Shape.Of(3)), Shape.Of(2, 3), [2]), "broadcast_in_dim");
        Throws<AxisException>(() => Kernels.Reduce(ReduceOp.Sum, NDArray.Scalar(DType.Float64, 1), [0]), "rank 0");
    }

    [Fact]
    public void ReshapeToIncompatibleSize() =>
        Throws<ShapeException>(() => Kernels.Reshape(s_f64, Shape.Of(4, 2)), "reshape", "(2, 3)", "(4, 2)");

    [Fact]
    public void IndexOutOfBounds()
    {
        Throws<IndexBoundsException>(() => Kernels.Gather(s_f64, NDArray.Wrap(new[] { 0, 3 }, Shape.Of(2)), 0), "gather", "index 3", "[0, 2)");
        Throws<IndexBoundsException>(() => Kernels.Gather(s_f64, NDArray.Wrap(new[] { -1 }, Shape.Of(1)), 1), "index -1");
        Throws<IndexBoundsException>(() => Kernels.ScatterAdd(s_f64, NDArray.Wrap(new[] { 9 }, Shape.Of(1)), NDArray.Zeros(DType.Float64, Shape.Of(2, 1)), 1), "scatter_add", "index 9");
        Throws<IndexBoundsException>(() => Kernels.Slice(s_f64, [0, 1], [2, 4], [1, 1]), "slice", "limit 4");
        Throws<IndexBoundsException>(() => Kernels.Slice(s_f64, [2, 0], [1, 3], [1, 1]), "slice");
        Throws<IndexBoundsException>(() => Kernels.DynamicSlice(s_f64, [0, 0], [3, 1]), "dynamic_slice", "size 3");
    }

    [Fact]
    public void FloatUsedAsIndex()
    {
        Throws<DTypeException>(() => Kernels.Gather(s_f64, NDArray.Zeros(DType.Float64, Shape.Of(2)), 0), "gather", "float used as index");
        Throws<DTypeException>(() => Kernels.ScatterAdd(s_f64, NDArray.Zeros(DType.Float32, Shape.Of(2)), NDArray.Zeros(DType.Float64, Shape.Of(2, 3)), 0), "scatter_add", "float used as index");
        Throws<DTypeException>(() => Kernels.Gather(s_f64, NDArray.Zeros(DType.Bool, Shape.Of(2)), 0), "bool used as index");
    }

    [Fact]
    public void EmptyConcatenate() => Throws<ShapeException>(() => Kernels.Concatenate([], 0), "concatenate", "at least one");

    [Fact]
    public void ConcatenateMismatches()
    {
        Throws<ShapeException>(() => Kernels.Concatenate([s_f64, NDArray.Zeros(DType.Float64, Shape.Of(3, 3))], 1), "concatenate", "(3, 3)");
        Throws<DTypeException>(() => Kernels.Concatenate([s_f64, s_f32], 0), "concatenate", "f32");
    }

    [Fact]
    public void DTypeMismatch()
    {
        Throws<DTypeException>(() => Kernels.Binary(BinaryOp.Add, s_f64, s_f32), "add", "f64(2, 3)", "f32(2, 3)");
        Throws<DTypeException>(() => Kernels.Compare(CompareOp.Eq, s_i32, s_f32), "eq");
        Throws<DTypeException>(() => Kernels.Select(s_bool, s_f64, s_i32), "select");
        Throws<DTypeException>(() => Kernels.Select(s_f64, s_f64, s_f64), "select", "predicate must be bool");
        Throws<DTypeException>(() => Kernels.Pad(s_f64, NDArray.Scalar(DType.Int32, 0), [0, 0], [0, 0], [0, 0]), "pad");
        Throws<DTypeException>(() => Kernels.DynamicUpdateSlice(s_f64, s_i32, [0, 0]), "dynamic_update_slice");
        Throws<DTypeException>(() => Kernels.ScatterAdd(s_f64, NDArray.Zeros(DType.Int32, Shape.Of(2)), NDArray.Zeros(DType.Float32, Shape.Of(2, 3)), 0), "scatter_add");
    }

    [Fact]
    public void DTypeMisuse()
    {
        Throws<DTypeException>(() => Kernels.Unary(UnaryOp.Not, s_f64), "not", "f64(2, 3)");
        Throws<DTypeException>(() => Kernels.Unary(UnaryOp.Exp, s_i32), "exp", "i32");
        Throws<DTypeException>(() => Kernels.Unary(UnaryOp.Neg, s_bool), "neg", "bool");
        Throws<DTypeException>(() => Kernels.Binary(BinaryOp.And, s_f64, s_f64), "and", "bool");
        Throws<DTypeException>(() => Kernels.Binary(BinaryOp.Or, s_i32, s_i32), "or");
        Throws<DTypeException>(() => Kernels.Binary(BinaryOp.Add, s_bool, s_bool), "add", "bool");
        Throws<DTypeException>(() => Kernels.Binary(BinaryOp.Atan2, s_i32, s_i32), "atan2");
        Throws<DTypeException>(() => Kernels.Reduce(ReduceOp.Sum, s_bool, [0]), "reduce_sum", "bool");
        Throws<DTypeException>(() => Kernels.CumSum(s_bool, 0, false), "cumsum");
        Throws<DTypeException>(() => Kernels.ScatterAdd(s_bool, NDArray.Zeros(DType.Int32, Shape.Of(1)), NDArray.Zeros(DType.Bool, Shape.Of(1, 3)), 0), "scatter_add");
        Throws<DTypeException>(() => Kernels.RandomUniform(1, DType.Int32, Shape.Of(2), 0, 1), "random_uniform");
        Throws<DTypeException>(() => Kernels.RandomNormal(1, DType.Bool, Shape.Of(2)), "random_normal");
        Throws<DTypeException>(() => Kernels.Iota(DType.Bool, Shape.Of(2), 0), "iota");
    }

    [Fact]
    public void OtherShapeErrors()
    {
        Throws<ShapeException>(() => Kernels.BroadcastInDim(NDArray.Zeros(DType.Float64, Shape.Of(3)), Shape.Of(2, 4), [1]), "broadcast_in_dim", "extent 3");
        Throws<ShapeException>(() => Kernels.Slice(s_f64, [0], [1], [1]), "slice", "expected 2");
        Throws<ShapeException>(() => Kernels.Slice(s_f64, [0, 0], [1, 1], [1, 0]), "stride 0");
        Throws<ShapeException>(() => Kernels.Pad(s_f64, NDArray.Scalar(DType.Float64, 0), [-1, 0], [0, 0], [0, 0]), "pad", "non-negative");
        Throws<ShapeException>(() => Kernels.Pad(s_f64, s_f64, [0, 0], [0, 0], [0, 0]), "pad", "scalar");
        Throws<ShapeException>(() => Kernels.ScatterAdd(s_f64, NDArray.Zeros(DType.Int32, Shape.Of(3)), s_f64, 0), "scatter_add", "updates must have shape (3, 3)");
        Throws<ShapeException>(() => Kernels.DynamicUpdateSlice(s_f64, NDArray.Zeros(DType.Float64, Shape.Of(3, 1)), [0, 0]), "does not fit");
        Throws<ShapeException>(() => Kernels.ArgReduce(false, NDArray.Zeros(DType.Float64, Shape.Of(2, 0)), 1), "argmin", "empty");
    }

    [Fact]
    public void RandomBounds() =>
        Assert.Throws<ValueException>(() => Kernels.RandomUniform(1, DType.Float64, S(2), 1, 0));

    [Fact]
    public void Shape_WithAZeroExtent_IsEmptyHoweverLargeTheOthers()
    {
        // Only a non-zero element count can overflow; (2^20, 2^20, 0) has no elements.
        var s = Shape.Of(1 << 20, 1 << 20, 0);
        Assert.Equal(0, s.Size);
        Assert.All(s.Strides.ToArray(), st => Assert.True(st >= 0));
        Assert.Equal(0, Shape.Of(0, int.MaxValue, int.MaxValue).Size);
        Throws<ShapeException>(() => Shape.Of(1 << 20, 1 << 20, 1), "1099511627776 elements");
    }

    [Fact]
    public void ShapeIndexer_OutOfRange_IsAnAxisError()
    {
        Throws<AxisException>(() => _ = Shape.Of(2, 3)[2], "axis 2", "rank 2");
        Throws<AxisException>(() => _ = Shape.Scalar[0], "axis 0");
    }

    [Fact]
    public void IntFill_WithNoInt32Value_IsADTypeError()
    {
        Throws<DTypeException>(() => NDArray.Full(DType.Int32, S(2), double.NaN), "NaN", "int32");
        Throws<DTypeException>(() => NDArray.Scalar(DType.Int32, 2147483648.0), "2147483648", "int32");
        Assert.Equal(int.MinValue, NDArray.Scalar(DType.Int32, -2147483648.9).ToArray<int>()[0]);
    }

    [Fact]
    public void Slice_WithAStrideNearIntMax_TakesOneElement()
    {
        var x = NDArray.Wrap(new[] { 1.0, 2.0, 3.0 }, S(3));
        Assert.Equal([2.0], Kernels.Slice(x, [1], [3], [int.MaxValue]).ToArray<double>());
    }
}
