using Cotangent.Primitives;
using Cotangent.Runtime;
using static Cotangent.Np;

namespace Cotangent.Tests.Trust;

/// <summary>
/// The catalogue of misuses across the API: each gets a typed Cotangent exception with a message that
/// says what went wrong. None may surface as a raw .NET exception from inside the library.
/// </summary>
public class BadInputCatalogueTests
{
    private static readonly Tensor s_v3 = Tensor.FromArray([1.0, 2.0, 3.0]);
    private static readonly Tensor s_m23 = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 2, 3);
    private static readonly Tensor s_i3 = Tensor.FromArray([0, 1, 2]);

    public static TheoryData<string> Names => [.. s_cases.Keys];

    private static readonly Dictionary<string, (Action Act, Type Expected, string Fragment)> s_cases = new()
    {
        // shapes
        ["broadcast mismatch"] = (() => _ = s_v3 + Tensor.FromArray([1.0, 2.0]), typeof(ShapeException), "do not broadcast"),
        ["matmul mismatch"] = (() => MatMul(s_m23, s_m23), typeof(ShapeException), "matmul"),
        ["reshape incompatible"] = (() => Reshape(s_m23, [4, 2]), typeof(ShapeException), "reshape"),
        ["reshape two unknowns"] = (() => Reshape(s_m23, [-1, -1]), typeof(ShapeException), "-1"),
        ["concatenate empty"] = (() => Concatenate([], 0), typeof(ShapeException), "concatenate"),
        ["concatenate mismatched"] = (() => Concatenate([s_m23, s_v3], 0), typeof(ShapeException), "concatenate"),
        ["stack mismatched"] = (() => Stack([s_v3, Tensor.FromArray([1.0])], 0), typeof(ShapeException), "stack"),
        ["where mismatch"] = (() => Where(Tensor.FromArray([true, false]), s_v3, s_v3), typeof(ShapeException), "broadcast"),
        ["broadcast_to smaller"] = (() => BroadcastTo(s_m23, [3]), typeof(ShapeException), "broadcast"),
        ["from array wrong size"] = (() => Tensor.FromArray([1.0, 2.0, 3.0], 2, 2), typeof(ShapeException), "cannot fill"),
        ["to double of vector"] = (() => s_v3.ToDouble(), typeof(ShapeException), "one-element"),
        // axes
        ["sum axis out of range"] = (() => Sum(s_m23, 2), typeof(AxisException), "axis 2"),
        ["sum negative axis out of range"] = (() => Sum(s_m23, -3), typeof(AxisException), "-3"),
        ["repeated axis"] = (() => Sum(s_m23, [0, 0]), typeof(AxisException), "repeated"),
        ["softmax axis out of range"] = (() => Softmax(s_v3, 1), typeof(AxisException), "axis 1"),
        ["transpose bad permutation"] = (() => Transpose(s_m23, [0, 0]), typeof(AxisException), "transpose"),
        ["argmax of empty axis"] = (() => ArgMax(Zeros([0, 2]), 0), typeof(ShapeException), "empty"),
        // indices
        ["index out of bounds"] = (() => _ = s_v3[3], typeof(IndexBoundsException), "3"),
        ["negative index out of bounds"] = (() => _ = s_v3[-4], typeof(IndexBoundsException), "-4"),
        ["too many indices"] = (() => _ = s_v3[0, 0], typeof(IndexBoundsException), "too many"),
        ["float used as index"] = (() => Take(s_v3, Tensor.FromArray([0.0, 1.0]), 0), typeof(DTypeException), "index"),
        ["gather index out of range"] = (() => Take(s_v3, Tensor.FromArray([5]), 0).ToArray<double>(), typeof(IndexBoundsException), "5"),
        ["lax slice out of range"] = (() => Lax.Slice(s_v3, [0], [4], [1]), typeof(IndexBoundsException), "slice"),
        // dtypes
        ["mixed dtypes"] = (() => _ = s_v3 + Tensor.FromArray([1f, 2f, 3f]), typeof(DTypeException), "f32"),
        ["exp of int"] = (() => Exp(s_i3), typeof(DTypeException), "exp"),
        ["exp of int, staged"] = (() => Ad.MakeProgram<Tensor, Tensor>(x => Exp(x), s_i3), typeof(DTypeException), "float"),
        ["logical and of floats"] = (() => LogicalAnd(s_v3, s_v3), typeof(DTypeException), "bool"),
        ["to array wrong type"] = (() => s_v3.ToArray<float>(), typeof(DTypeException), "ToArray"),
        ["non-integer literal with int tensor"] = (() => _ = s_i3 * 1.5, typeof(DTypeException), "int32"),
        ["select non-bool predicate"] = (() => Lax.Select(s_v3, s_v3, s_v3), typeof(DTypeException), "predicate"),
        // trees and transformations
        ["grad of non-scalar"] = (() => Ad.Grad<Tensor>(x => x * 2.0)(s_v3), typeof(DifferentiationException), "scalar"),
        ["grad wrt int"] = (() => Ad.Grad<Tensor>(x => Sum(x.AsType(DType.Float64)))(s_i3), typeof(DifferentiationException), "no derivative"),
        ["jvp tangent tree mismatch"] = (() => Ad.Jvp<Tensor[], Tensor>(p => p[0], [s_v3], [s_v3, s_v3]), typeof(TreeStructureException), "structure"),
        ["jvp tangent shape mismatch"] = (() => Ad.Jvp<Tensor, Tensor>(x => x, s_v3, s_m23), typeof(ShapeException), "tangent"),
        ["pullback wrong shape"] = (() => Ad.Vjp<Tensor, Tensor>(x => x * 2.0, s_v3).Pullback(s_m23), typeof(ShapeException), "cotangent"),
        ["pullback wrong tree"] = (() => Ad.Vjp<Tensor[], Tensor[]>(p => [p[0]], [s_v3]).Pullback([s_v3, s_v3]), typeof(TreeStructureException), "structure"),
        ["linear transpose of non-linear"] = (() => Ad.LinearTranspose<Tensor, Tensor>(x => Exp(x), s_v3), typeof(LinearityException), "exp"),
        ["linear transpose of affine"] = (() => Ad.LinearTranspose<Tensor, Tensor>(x => x + 1.0, s_v3), typeof(LinearityException), "not linear"),
        ["escaped tracer"] = (() => EscapedTracer(), typeof(EscapedTracerException), "Grad"),
        ["concrete value inside MakeProgram"] = (() => Ad.MakeProgram<Tensor, Tensor>(x => x.ToDouble() > 0 ? x : -x, 1.0), typeof(ConcretizationException), "abstract"),
        ["jvp wrt int"] = (() => Ad.Jvp<Tensor, Tensor>(x => x, s_i3, s_i3), typeof(DifferentiationException), "no derivative"),
        ["one-hot of float labels"] = (() => OneHot(s_v3, 4), typeof(DTypeException), "int32"),
        ["hessian of non-scalar"] = (() => Ad.Hessian(x => x * x)(s_v3), typeof(DifferentiationException), "scalar"),
        ["uneven split"] = (() => Split(Arange(5), 2, 0), typeof(ShapeException), "split"),
        ["negative dimension"] = (() => Zeros([-1]), typeof(ShapeException), "negative"),
    };

    private static void EscapedTracer()
    {
        Tensor? leaked = null;
        Ad.Grad<Tensor>(x =>
        {
            leaked = x;
            return x * x;
        })(1.0);
        _ = Exp(leaked!);
    }

    [Fact]
    public void Catalogue_HasAtLeastThirtyMisuses() => Assert.True(s_cases.Count >= 30, $"only {s_cases.Count} cases");

    [Theory]
    [MemberData(nameof(Names))]
    public void Misuse_RaisesTypedExceptionWithClearMessage(string name)
    {
        var (act, expected, fragment) = s_cases[name];
        var ex = Record.Exception(act);
        Assert.NotNull(ex);
        Assert.False(ex is NullReferenceException or IndexOutOfRangeException or InvalidCastException or KeyNotFoundException or ArgumentOutOfRangeException,
            $"{name}: raw {ex.GetType().Name} escaped the library: {ex}");
        Assert.IsAssignableFrom(expected, ex);
        Assert.IsAssignableFrom<CotangentException>(ex);
        Assert.Contains(fragment, ex.Message, StringComparison.OrdinalIgnoreCase);

        // Nothing is left half-built: the failed transformation is no longer current, and work goes on.
        Assert.Null(Cotangent.Core.TraceContext.Current);
        Assert.Equal(6.0, Ad.Grad<Tensor>(x => x * x * x)(1.4142135623730951).ToDouble(), 12);
    }
}
