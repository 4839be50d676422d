using Cotangent.Runtime;
using TI = Cotangent.TensorIndex;

namespace Cotangent.Tests.Api;

/// <summary>One row per bad input: the typed exception and a fragment of its message.</summary>
public class ErrorTests
{
    private static readonly Tensor s_m23 = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 2, 3);
    private static readonly Tensor s_v3 = Np.Array(1.0, 2, 3);

    private static readonly Dictionary<string, (Action Act, Type Exception, string[] Fragments)> s_cases = new()
    {
        ["broadcast mismatch"] = (() => Np.Add(s_m23, Np.Array(1.0, 2)), typeof(ShapeException), ["(2, 3)", "(2,)"]),
        ["where broadcast mismatch"] = (() => Np.Where(Np.Array(true, false), s_m23, 0.0), typeof(ShapeException), ["where"]),
        ["broadcast_to mismatch"] = (() => Np.BroadcastTo(s_m23, 3, 3), typeof(ShapeException), ["broadcast_to", "(2, 3)"]),
        ["matmul mismatch"] = (() => Np.MatMul(s_m23, s_m23), typeof(ShapeException), ["matmul", "(2, 3)", "not aligned"]),
        ["matmul vector mismatch"] = (() => Np.MatMul(s_m23, Np.Array(1.0, 2)), typeof(ShapeException), ["matmul", "(2,)"]),
        ["matmul batch mismatch"] = (() => Np.MatMul(Np.Zeros([2, 2, 3]), Np.Zeros([3, 3, 2])), typeof(ShapeException), ["matmul", "(2, 2, 3)", "(3, 3, 2)"]),
        ["matmul scalar"] = (() => Np.MatMul(Tensor.Scalar(2), s_m23), typeof(ShapeException), ["matmul", "rank"]),
        ["dot mismatch"] = (() => Np.Dot(s_m23, s_v3.Reshape(3, 1).T), typeof(ShapeException), ["dot"]),
        ["axis out of range"] = (() => Np.Sum(s_m23, 2), typeof(AxisException), ["sum", "axis 2", "rank 2"]),
        ["negative axis out of range"] = (() => Np.Softmax(s_m23, -3), typeof(AxisException), ["softmax", "-3"]),
        ["repeated axis"] = (() => Np.Mean(s_m23, [0, -2]), typeof(AxisException), ["repeated"]),
        ["transpose bad permutation"] = (() => Np.Transpose(s_m23, 0, 0), typeof(AxisException), ["transpose"]),
        ["expand_dims axis"] = (() => Np.ExpandDims(s_v3, 3), typeof(AxisException), ["expand_dims"]),
        ["reshape incompatible"] = (() => Np.Reshape(s_m23, 4, 2), typeof(ShapeException), ["reshape", "(2, 3)", "6 elements"]),
        ["reshape inferred incompatible"] = (() => Np.Reshape(s_m23, 4, -1), typeof(ShapeException), ["reshape", "multiple of 4"]),
        ["reshape two unknowns"] = (() => Np.Reshape(s_m23, -1, -1), typeof(ShapeException), ["only one"]),
        ["squeeze non-unit axis"] = (() => Np.Squeeze(s_m23, 0), typeof(ShapeException), ["squeeze", "extent is 2"]),
        ["index out of bounds"] = (() => _ = s_m23[2], typeof(IndexBoundsException), ["index 2", "axis 0", "size 2"]),
        ["negative index out of bounds"] = (() => _ = s_m23[0, -4], typeof(IndexBoundsException), ["index -4", "size 3"]),
        ["too many indices"] = (() => _ = s_m23[0, 0, 0], typeof(IndexBoundsException), ["too many indices", "rank 2"]),
        ["two ellipses"] = (() => _ = s_m23[TI.Ellipsis, TI.Ellipsis], typeof(IndexBoundsException), ["single ellipsis"]),
        ["array index out of bounds"] = (() => _ = s_m23[Np.Array(0, 2)], typeof(IndexBoundsException), ["out of"]),
        ["zipped array index out of bounds"] = (() => _ = s_m23[Np.Array(0, 1), Np.Array(3, 0)], typeof(IndexBoundsException), ["index 3", "size 3"]),
        ["index arrays do not broadcast"] = (() => _ = s_m23[Np.Array(0, 1), Np.Array(0, 1, 2)], typeof(ShapeException), ["broadcast"]),
        ["float used as index"] = (() => _ = s_m23[Np.Array(0.0, 1.0)], typeof(DTypeException), ["float used as index", "int32"]),
        ["float used in take"] = (() => Np.Take(s_m23, Np.Array(1f)), typeof(DTypeException), ["float used as index"]),
        ["bool mask index"] = (() => _ = s_m23[Np.Array(true, false)], typeof(DTypeException), ["bool mask"]),
        ["empty concatenate"] = (() => Np.Concatenate([]), typeof(ShapeException), ["concatenate", "at least one"]),
        ["empty stack"] = (() => Np.Stack([]), typeof(ShapeException), ["stack", "at least one"]),
        ["concatenate mismatch"] = (() => Np.Concatenate([s_m23, Np.Zeros([3, 3])], 1), typeof(ShapeException), ["concatenate", "(3, 3)"]),
        ["concatenate dtype mismatch"] = (() => Np.Concatenate([s_m23, Np.Zeros([2, 3], DType.Float32)]), typeof(DTypeException), ["f64", "f32"]),
        ["stack shape mismatch"] = (() => Np.Stack([s_v3, Np.Array(1.0, 2)]), typeof(ShapeException), ["stack", "same shape"]),
        ["split not divisible"] = (() => Np.Split(s_m23, 2, 1), typeof(ShapeException), ["split", "2 equal sections"]),
        ["dtype mismatch add"] = (() => Np.Add(s_v3, Np.Array(1f, 2f, 3f)), typeof(DTypeException), ["f64", "f32"]),
        ["dtype mismatch maximum"] = (() => Np.Maximum(s_v3, Np.Array(1, 2, 3)), typeof(DTypeException), ["f64", "i32"]),
        ["dtype mismatch matmul"] = (() => Np.MatMul(s_m23, Np.Zeros([3], DType.Float32)), typeof(DTypeException), ["matmul", "f64", "f32"]),
        ["dtype mismatch where"] = (() => Np.Where(Np.Array(true, false, true), s_v3, Np.Array(1, 2, 3)), typeof(DTypeException), ["where", "f64", "i32"]),
        ["where non-bool condition"] = (() => Np.Where(s_v3, s_v3, s_v3), typeof(DTypeException), ["bool"]),
        ["float function on int"] = (() => Np.Exp(Np.Array(1, 2)), typeof(DTypeException), ["exp", "i32"]),
        ["non-integer literal with int"] = (() => Np.Maximum(Np.Array(1, 2), 0.5), typeof(DTypeException), ["0.5", "int32"]),
        ["all on float"] = (() => Np.All(s_v3), typeof(DTypeException), ["all", "bool"]),
        ["one_hot float labels"] = (() => Np.OneHot(s_v3, 3), typeof(DTypeException), ["one_hot", "int32"]),
        ["max of empty"] = (() => Np.Max(Np.Zeros([0, 2]), 0), typeof(ShapeException), ["max", "empty"]),
        ["pad wrong rank"] = (() => Np.Pad(s_m23, [(1, 1), (1, 1), (1, 1)]), typeof(ShapeException), ["pad"]),
        ["diagonal of vector"] = (() => Np.Diagonal(s_v3), typeof(ShapeException), ["diagonal"]),
    };

    public static TheoryData<string> Cases() => new(s_cases.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_raises_a_typed_exception_with_a_useful_message(string name)
    {
        var (act, type, fragments) = s_cases[name];
        var e = Assert.ThrowsAny<CotangentException>(act);
        Assert.IsType(type, e, exactMatch: false);
        foreach (var f in fragments) Assert.Contains(f, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Index_errors_are_raised_under_tracing_too()
    {
        Assert.Throws<IndexBoundsException>(() => Ad.Grad<Tensor>(x => Np.Sum(x[5]))(s_v3));
        Assert.Throws<DTypeException>(() => Ad.Grad<Tensor>(x => Np.Sum(x[Np.Array(0.5)]))(s_v3));
        Assert.Throws<ShapeException>(() => Ad.Grad<Tensor>(x => Np.Sum(Np.MatMul(x, x.Reshape(1, 3))))(s_v3));
    }
}
