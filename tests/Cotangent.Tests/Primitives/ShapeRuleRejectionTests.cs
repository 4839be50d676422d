using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Tests.Primitives;

/// <summary>
/// Misuse is rejected with a typed exception both by the shape rule (what staging sees) and by the
/// kernel (what eager evaluation sees), so a program that passes the checker never fails at run time
/// with an untyped error.
/// </summary>
public class ShapeRuleRejectionTests
{
    private static Tensor F(params int[] shape) => Gen.Uniform(new Random(1), DType.Float64, shape, -1, 1);

    private static Tensor F32(params int[] shape) => Gen.Uniform(new Random(1), DType.Float32, shape, -1, 1);

    private static Tensor I(params int[] shape) => Gen.Uniform(new Random(1), DType.Int32, shape, 0, 1);

    private static Tensor B(params int[] shape) => Gen.Bools(new Random(1), DType.Bool, shape);

    private static Tensor Scalar(int v) => new(NDArray.Scalar(DType.Int32, v));

    private static readonly (string Name, Primitive P, Tensor[] Args, Params Params)[] s_bad =
    [
        ("add shapes", Catalogue.Add, [F(2, 3), F(3, 2)], NoParams.Instance),
        ("add dtypes", Catalogue.Add, [F(3), F32(3)], NoParams.Instance),
        ("exp of int", Catalogue.Exp, [I(3)], NoParams.Instance),
        ("not of float", Catalogue.Not, [F(3)], NoParams.Instance),
        ("and of float", Catalogue.And, [F(3), F(3)], NoParams.Instance),
        ("select float predicate", Catalogue.Select, [F(3), F(3), F(3)], NoParams.Instance),
        ("select shapes", Catalogue.Select, [B(2), F(3), F(3)], NoParams.Instance),
        ("select case dtypes", Catalogue.Select, [B(3), F(3), F32(3)], NoParams.Instance),
        ("reduce_sum axis out of range", Catalogue.ReduceSum, [F(2, 3)], new AxesParams(new Ints([2]))),
        ("reduce_sum repeated axis", Catalogue.ReduceSum, [F(2, 3)], new AxesParams(new Ints([1, 1]))),
        ("argmax empty axis", Catalogue.ArgMax, [F(0, 3)], new AxisParams(0)),
        ("cumsum axis", Catalogue.CumSum, [F(3)], new CumSumParams(1, false)),
        ("reshape size", Catalogue.Reshape, [F(2, 3)], new ShapeParams(Shape.Of(4))),
        ("transpose length", Catalogue.Transpose, [F(2, 3)], new PermutationParams(new Ints([0]))),
        ("transpose repeated", Catalogue.Transpose, [F(2, 3)], new PermutationParams(new Ints([0, 0]))),
        ("broadcast extent", Catalogue.BroadcastInDim, [F(2)], new BroadcastParams(Shape.Of(3), new Ints([0]))),
        ("broadcast dims count", Catalogue.BroadcastInDim, [F(2)], new BroadcastParams(Shape.Of(2, 2), new Ints([]))),
        ("slice limit", Catalogue.Slice, [F(3)], new SliceParams(new Ints([0]), new Ints([4]), new Ints([1]))),
        ("slice stride 0", Catalogue.Slice, [F(3)], new SliceParams(new Ints([0]), new Ints([3]), new Ints([0]))),
        ("slice start after limit", Catalogue.Slice, [F(3)], new SliceParams(new Ints([2]), new Ints([1]), new Ints([1]))),
        ("pad negative", Catalogue.Pad, [F(3), F()], new PadParams(new Ints([-1]), new Ints([0]), new Ints([0]))),
        ("pad non-scalar value", Catalogue.Pad, [F(3), F(1)], new PadParams(new Ints([1]), new Ints([0]), new Ints([0]))),
        ("concatenate shapes", Catalogue.Concatenate, [F(2, 3), F(3, 3)], new AxisParams(1)),
        ("concatenate ranks", Catalogue.Concatenate, [F(2, 3), F(3)], new AxisParams(0)),
        ("concatenate axis", Catalogue.Concatenate, [F(2), F(3)], new AxisParams(1)),
        ("rev axis", Catalogue.Rev, [F(2)], new AxesParams(new Ints([1]))),
        ("gather float indices", Catalogue.Gather, [F(3), F(2)], new AxisParams(0)),
        ("gather axis", Catalogue.Gather, [F(3), I(2)], new AxisParams(1)),
        ("scatter_add updates shape", Catalogue.ScatterAdd, [F(3), I(2), F(3)], new AxisParams(0)),
        ("dynamic_slice size", Catalogue.DynamicSlice, [F(3), Scalar(0)], new SizesParams(new Ints([4]))),
        ("dynamic_slice start count", Catalogue.DynamicSlice, [F(3, 2), Scalar(0)], new SizesParams(new Ints([1, 1]))),
        ("dynamic_slice float start", Catalogue.DynamicSlice, [F(3), F()], new SizesParams(new Ints([1]))),
        ("dynamic_update_slice too big", Catalogue.DynamicUpdateSlice, [F(3), F(4), Scalar(0)], NoParams.Instance),
        ("dynamic_update_slice dtypes", Catalogue.DynamicUpdateSlice, [F(3), F32(2), Scalar(0)], NoParams.Instance),
        ("dot_general contraction", Catalogue.DotGeneral, [F(2, 3), F(4, 2)], new DotParams(new Ints([1]), new Ints([0]), new Ints([]), new Ints([]))),
        ("dot_general batch", Catalogue.DotGeneral, [F(2, 3), F(3, 3)], new DotParams(new Ints([1]), new Ints([1]), new Ints([0]), new Ints([0]))),
        ("dot_general dtypes", Catalogue.DotGeneral, [F(3), F32(3)], new DotParams(new Ints([0]), new Ints([0]), new Ints([]), new Ints([]))),
        ("iota dimension", Catalogue.Iota, [], new IotaParams(DType.Float64, Shape.Of(3), 1)),
    ];

    public static TheoryData<string> Cases => [.. s_bad.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void ShapeRuleAndKernel_BothRejectWithATypedException(string name)
    {
        var (_, p, args, parameters) = s_bad.Single(c => c.Name == name);
        var avals = args.Select(a => a.Aval).ToArray();
        var rule = Record.Exception(() => p.ResultAvals(avals, parameters));
        Assert.True(rule is CotangentException, $"{name}: the shape rule of '{p.Name}' should throw a CotangentException, got {rule?.GetType().Name ?? "nothing"}: {rule?.Message}");
        Assert.False(string.IsNullOrWhiteSpace(rule!.Message));
        var arrays = args.Select(a => a.Value).ToArray();
        var kernel = Record.Exception(() => p.Evaluate(arrays, parameters, new NDArray[1]));
        Assert.True(kernel is CotangentException, $"{name}: the kernel of '{p.Name}' should throw a CotangentException, got {kernel?.GetType().Name ?? "nothing"}: {kernel?.Message}");
        // Eager binding goes through the same checks.
        Assert.IsAssignableFrom<CotangentException>(Record.Exception(() => Dispatch.BindMany(p, args, parameters)));
    }
}
