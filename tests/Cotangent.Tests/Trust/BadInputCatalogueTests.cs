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
        // The checker reads no values (issue #8): a constant output is affine even when it holds zeros; the zero map is
        // written at the input's level (Np.ZerosLike(x)), as the message says.
        ["linear transpose of a constant zero array"] = (() => Ad.LinearTranspose<Tensor, Tensor>(_ => Zeros([2]), s_m23), typeof(LinearityException), "ZerosLike"),
        ["escaped tracer"] = (() => EscapedTracer(), typeof(EscapedTracerException), "Grad"),
        ["concrete value inside MakeProgram"] = (() => Ad.MakeProgram<Tensor, Tensor>(x => x.ToDouble() > 0 ? x : -x, 1.0), typeof(ConcretizationException), "abstract"),
        ["jvp wrt int"] = (() => Ad.Jvp<Tensor, Tensor>(x => x, s_i3, s_i3), typeof(DifferentiationException), "no derivative"),
        ["one-hot of float labels"] = (() => OneHot(s_v3, 4), typeof(DTypeException), "int32"),
        ["hessian of non-scalar"] = (() => Ad.Hessian(x => x * x)(s_v3), typeof(DifferentiationException), "scalar"),
        ["uneven split"] = (() => Split(Arange(5), 2, 0), typeof(ShapeException), "split"),
        ["negative dimension"] = (() => Zeros([-1]), typeof(ShapeException), "negative"),
        // integer overflow and impossible sizes (issue #7, second pass)
        ["arange wider than int"] = (() => Arange(int.MinValue, int.MaxValue), typeof(ShapeException), "4294967295 values"),
        ["arange of doubles wider than int"] = (() => Arange(0.0, 1e10), typeof(ShapeException), "more than 2147483647"),
        ["int32 arange past the int32 range"] = (() => Arange(0.0, 4e9, 3e9, DType.Int32), typeof(DTypeException), "int32"),
        ["shape product overflows"] = (() => Zeros([100000, 100000, 100000]), typeof(ShapeException), "1000000000000000 elements"),
        ["valid int size that cannot be allocated"] = (() => Zeros([int.MaxValue]), typeof(ShapeException), "17179869176 bytes"),
        ["primitive result that cannot be allocated"] = (() => BroadcastTo(s_v3[..1], [int.MaxValue]), typeof(ShapeException), "broadcast_in_dim: cannot allocate"),
        ["staged pad past int extent"] = (() => Ad.MakeProgram<Tensor, Tensor>(x => Pad(x, [(int.MaxValue, int.MaxValue)]), s_v3), typeof(ShapeException), "more than 2147483647"),
        ["staged concatenate past int extent"] = (() => Ad.MakeProgram<Tensor, Tensor>(x => Concatenate([x, x, x]), Zeros([1 << 30, 0])), typeof(ShapeException), "extent 3221225472"),
        ["repeat past int elements"] = (() => Repeat(s_v3, int.MaxValue), typeof(ShapeException), "more than 2147483647"),
        // values a parameter cannot take
        ["full int32 with NaN"] = (() => Full([2], double.NaN, DType.Int32), typeof(DTypeException), "NaN"),
        ["full int32 past the range"] = (() => Full([2], 3e9, DType.Int32), typeof(DTypeException), "int32"),
        ["int32 scalar of infinity"] = (() => Tensor.Scalar(double.PositiveInfinity, DType.Int32), typeof(DTypeException), "int32"),
        ["arange step zero"] = (() => Arange(0, 5, 0), typeof(ValueException), "step cannot be zero"),
        ["arange of doubles step zero"] = (() => Arange(0.0, 5.0, 0.0), typeof(ValueException), "non-zero step"),
        ["arange of doubles infinite bound"] = (() => Arange(0.0, double.PositiveInfinity), typeof(ValueException), "finite"),
        ["linspace negative num"] = (() => Linspace(0, 1, -1), typeof(ShapeException), "negative"),
        ["repeat negative"] = (() => Repeat(s_v3, -1), typeof(ShapeException), "negative"),
        ["slice step zero"] = (() => _ = s_v3[Slice(0, 3, 0)], typeof(ValueException), "step cannot be zero"),
        ["^0 as a position"] = (() => _ = s_v3[^0], typeof(IndexBoundsException), "^0"),
        ["random int empty range"] = (() => RandomInt(1, [2], 5, 5), typeof(ValueException), "low < high"),
        ["random uniform bounds out of order"] = (() => RandomUniform(1, [2], 1, 0), typeof(ValueException), "low ≤ high"),
        ["split seed negative count"] = (() => SplitSeed(1, -1), typeof(ValueException), "negative"),
        ["check grads order 0"] = (() => Ad.CheckGrads<Tensor, Tensor>(x => x, s_v3, order: 0), typeof(ValueException), "order 0"),
        // raw .NET exceptions that escaped before
        ["shape axis out of range"] = (() => _ = s_v3.Shape[5], typeof(AxisException), "axis 5"),
        ["shape negative axis"] = (() => _ = s_m23.Shape[-1], typeof(AxisException), "axis -1"),
        ["jacrev of an int output"] = (() => Ad.JacRev(x => x.AsType(DType.Int32))(s_v3), typeof(DifferentiationException), "JacRev"),
        ["sin of null"] = (() => Sin(null!), typeof(ArgumentNullException), "sin"),
        ["grad of a null function"] = (() => Ad.Grad<Tensor>(null!), typeof(ArgumentNullException), "f"),
        ["grad at null"] = (() => Ad.Grad<Tensor>(x => Sum(x))(null!), typeof(ArgumentNullException), "Grad: the argument x is null"),
        ["concatenate with a null element"] = (() => Concatenate([s_v3, null!]), typeof(ArgumentNullException), "Element 1"),
        ["sum of null"] = (() => Sum(null!), typeof(ArgumentNullException), "x"),
        ["null plus a literal"] = (() => _ = (Tensor)null! + 1.0, typeof(ArgumentNullException), "null"),
        // messages that misled
        ["negative take index shown as written"] = (() => Take(s_v3, Tensor.FromArray([-5]), 0), typeof(IndexBoundsException), "index -5 "),
        ["negative array index shown as written"] = (() => _ = s_v3[Tensor.FromArray([-5])], typeof(IndexBoundsException), "index -5 "),
        ["jvp tangent of the wrong dtype"] = (() => Ad.Jvp<Tensor, Tensor>(x => x, s_v3, s_v3.AsType(DType.Float32)), typeof(DTypeException), "f32[3]"),
        ["linear map tangent of the wrong dtype"] = (() => Ad.Linearize<Tensor, Tensor>(x => x * 2.0, s_v3).Linear.Apply(s_v3.AsType(DType.Float32)), typeof(DTypeException), "f32[3]"),
        ["check grads at NaN"] = (() => Ad.CheckGrads<Tensor, Tensor>(x => Sin(x), Full([3], double.NaN)), typeof(GradientCheckException), "meaningless"),
        ["check grads where f is NaN"] = (() => Ad.CheckGrads<Tensor, Tensor>(x => Sqrt(x - 10.0), s_v3), typeof(GradientCheckException), "meaningless"),
    };

    public static TheoryData<string> MustWorkNames => [.. s_mustWork.Keys];

    /// <summary>
    /// Edge inputs that used to be rejected or to give a wrong value (issue #7): each must give NumPy's (or JAX's)
    /// answer, which is written out here independently of the implementation.
    /// </summary>
    private static readonly Dictionary<string, (Func<Tensor[]> Act, Tensor[] Expected)> s_mustWork = new()
    {
        // slice lengths computed without int overflow: Python gives one element when the step overshoots
        ["slice 0:3 with step int.MaxValue"] = (() => [s_v3[Slice(0, 3, int.MaxValue)]], [Tensor.FromArray([1.0])]),
        ["slice ::int.MinValue"] = (() => [s_v3[Slice(null, null, int.MinValue)]], [Tensor.FromArray([3.0])]),
        ["slice 2::int.MinValue"] = (() => [Arange(5)[Slice(2, null, int.MinValue)]], [Tensor.FromArray([2])]),
        ["slice -1::int.MaxValue"] = (() => [Arange(5)[Slice(-1, null, int.MaxValue)]], [Tensor.FromArray([4])]),
        ["slice 3:0:int.MaxValue is empty"] = (() => [Arange(5)[Slice(3, 0, int.MaxValue)]], [Tensor.FromArray(System.Array.Empty<int>())]),
        ["lax slice with stride int.MaxValue"] = (() => [Lax.Slice(s_v3, [1], [3], [int.MaxValue])], [Tensor.FromArray([2.0])]),
        ["gradient through a huge-step slice"] = (() => [Ad.Grad<Tensor>(x => Sum(x[Slice(1, null, int.MaxValue)]))(s_v3)], [Tensor.FromArray([0.0, 1.0, 0.0])]),
        // np.split semantics for unsorted and out-of-range indices
        ["split at [3, 1]"] = (() => Split(Arange(5), [3, 1]),
            [Tensor.FromArray([0, 1, 2]), Tensor.FromArray(System.Array.Empty<int>()), Tensor.FromArray([1, 2, 3, 4])]),
        ["split at [-2, 10]"] = (() => Split(Arange(5), [-2, 10]),
            [Tensor.FromArray([0, 1, 2]), Tensor.FromArray([3, 4]), Tensor.FromArray(System.Array.Empty<int>())]),
        ["split at [4, 2, 2]"] = (() => Split(Arange(5), [4, 2, 2]),
            [Tensor.FromArray([0, 1, 2, 3]), Tensor.FromArray(System.Array.Empty<int>()), Tensor.FromArray(System.Array.Empty<int>()), Tensor.FromArray([2, 3, 4])]),
        // int ranges near the int32 limits
        ["arange ending at int.MaxValue"] = (() => [Arange(int.MaxValue - 2, int.MaxValue)], [Tensor.FromArray([int.MaxValue - 2, int.MaxValue - 1])]),
        ["arange over the whole int32 range by 2^30"] = (() => [Arange(int.MinValue, int.MaxValue, 1 << 30)], [Tensor.FromArray([int.MinValue, -(1 << 30), 0, 1 << 30])]),
        ["arange down from int.MaxValue"] = (() => [Arange(int.MaxValue, int.MinValue, int.MinValue)], [Tensor.FromArray([int.MaxValue, -1])]),
        ["full int32 truncates toward zero"] = (() => [Full([2], -2.9, DType.Int32)], [Tensor.FromArray([-2, -2])]),
        // the zero map is linear; its transpose is the zero map
        ["transpose of ZerosLike"] = (() => [Ad.LinearTranspose<Tensor, Tensor>(x => ZerosLike(x), s_v3).Apply(s_v3)], [Zeros([3])]),
        ["transpose of x * 0"] = (() => [Ad.LinearTranspose<Tensor, Tensor>(x => x * 0.0, s_v3).Apply(s_v3)], [Zeros([3])]),
        ["transpose of the zero map, twice"] = (() => [Ad.LinearTranspose<Tensor, Tensor>(x => ZerosLike(x), s_v3).Transpose().Apply(s_v3)], [Zeros([3])]),
        // a zero extent makes any shape valid, however large the other extents
        ["zeros of (2^20, 2^20, 0)"] = (() => [Zeros([1 << 20, 1 << 20, 0])], [Tensor.FromArray(System.Array.Empty<double>(), 1 << 20, 1 << 20, 0)]),
        ["sum over axis 0 of (2^20, 2^20, 0)"] = (() => [Sum(Zeros([1 << 20, 1 << 20, 0]), 0)], [Tensor.FromArray(System.Array.Empty<double>(), 1 << 20, 0)]),
        ["(2^20, 2^20, 0) plus one"] = (() => [Zeros([1 << 20, 1 << 20, 0]) + 1.0], [Tensor.FromArray(System.Array.Empty<double>(), 1 << 20, 1 << 20, 0)]),
        // softmax over an empty axis is empty (NumPy, JAX), not an error from max
        ["softmax over an empty axis"] = (() => [Softmax(Zeros([2, 0]))], [Zeros([2, 0])]),
        ["log softmax over an empty axis"] = (() => [LogSoftmax(Zeros([2, 0]))], [Zeros([2, 0])]),
        ["softmax over all axes of an empty tensor"] = (() => [Softmax(Zeros([0, 3]), [0, 1])], [Zeros([0, 3])]),
        ["gradient of softmax over an empty axis"] = (() => [Ad.Grad<Tensor>(x => Sum(Softmax(x)))(Zeros([2, 0]))], [Zeros([2, 0])]),
    };

    [Fact]
    public void MustWork_CoversTheIssueCases() => Assert.True(s_mustWork.Count >= 20, $"only {s_mustWork.Count} cases");

    [Theory]
    [MemberData(nameof(MustWorkNames))]
    public void EdgeInput_GivesTheNumPyResult(string name)
    {
        var (act, expected) = s_mustWork[name];
        var actual = act();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Aval, actual[i].Aval);
            Assert.Equal(expected[i].Value.Bytes.ToArray(), actual[i].Value.Bytes.ToArray());
        }
    }

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
        // Null arguments are the one .NET exception the library raises on purpose.
        if (expected != typeof(ArgumentNullException)) Assert.IsAssignableFrom<CotangentException>(ex);
        Assert.Contains(fragment, ex.Message, StringComparison.OrdinalIgnoreCase);

        // Nothing is left half-built: the failed transformation is no longer current, and work goes on.
        Assert.Null(Cotangent.Core.TraceContext.Current);
        Assert.Equal(6.0, Ad.Grad<Tensor>(x => x * x * x)(1.4142135623730951).ToDouble(), 12);
    }
}
