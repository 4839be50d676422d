using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Tests.Transforms;

/// <summary>
/// The transformations agree with each other on composed functions: Vjp is the transpose of the Jacobian
/// built by forward mode, JacFwd equals JacRev, Linearize's linear map is Jvp's tangent, and CheckGrads
/// passes to second order. Also random compositions of primitives, checked the same way.
/// </summary>
public class CompositionTests
{
    private static Tensor Vec(params double[] v) => Tensor.FromArray(v);

    private static Tensor Idx(int v) => new(NDArray.Scalar(DType.Int32, v));

    private static Tensor Const(Random r, params int[] shape) => Primitives.Gen.Uniform(r, DType.Float64, shape, -1, 1);

    /// <summary>Composed functions of one tensor, with a point in their domain.</summary>
    public static TheoryData<string> Functions => [.. s_functions.Keys];

    private static readonly Dictionary<string, (Func<Tensor, Tensor> F, Tensor X)> s_functions = Build();

    private static Dictionary<string, (Func<Tensor, Tensor> F, Tensor X)> Build()
    {
        var r = new Random(5);
        var w = Const(r, 3, 4);
        var idx = Tensor.FromArray([3, 0, 0, 2]);
        var pred = Tensor.FromArray([true, false, false, true, true, false, true, false], 2, 4);
        return new()
        {
            ["sin-rev-cumsum"] = (x => (Lax.Sin(x) * Lax.Rev(x, [0])) + Lax.CumSum(Lax.Exp(x) * 0.5, 0), Vec(0.3, -0.7, 1.1)),
            ["tanh-matmul-sum"] = (x => Lax.ReduceSum(Lax.Tanh(Lax.DotGeneral(x, w, [1], [0], [], [])), [1]), Tensor.FromArray([0.1, 0.5, -0.3, 0.8, -1.0, 0.2], 2, 3)),
            ["gather-pad-slice"] = (x => Lax.Gather(x, idx, 0) * Lax.Pad(Lax.Slice(x, [1], [3], [1]), Tensor.Scalar(0.5), [1], [1], [0]), Vec(0.3, -0.7, 1.1, 2.0)),
            ["softmax"] = (Softmax, Vec(0.3, -0.7, 1.1, 2.0, -0.1)),
            ["concat-transpose-select"] = (x =>
            {
                var c = Lax.Concatenate([x, x * x], 0);                // [4, 2]
                var t = Lax.Reshape(Lax.Transpose(c, [1, 0]), Shape.Of(2, 4));
                return Lax.Select(pred, t, Lax.Log1p(t * t));
            }, Tensor.FromArray([0.3, -0.7, 1.1, 0.4], 2, 2)),
            ["dynamic-update-scatter"] = (x =>
            {
                var updated = Lax.DynamicUpdateSlice(x * 2.0, Lax.Sin(Lax.Slice(x, [0], [2], [1])), [Idx(1)]);
                return updated + Lax.ScatterAdd(Lax.Cos(x), Tensor.FromArray([2, 2]), Lax.Exp(Lax.Slice(x, [1], [3], [1])), 0)
                    + Lax.DynamicSlice(Lax.Concatenate([x, x], 0), [Idx(2)], [3]);
            }, Vec(0.3, -0.7, 1.1)),
            ["pow-atan2-max-prod"] = (x =>
                Lax.Pow(x * x, Lax.BroadcastTo(Tensor.Scalar(1.5), x.Shape)) + Lax.Atan2(x, 1.0 + (x * x)) + Lax.Max(x, Lax.BroadcastTo(Tensor.Scalar(0.1), x.Shape))
                + Lax.BroadcastTo(Lax.ReduceProd(x, [0]), x.Shape), Vec(0.3, -0.7, 1.1)),
            ["reductions-max-min"] = (x =>
                Lax.Concatenate([Lax.ReduceMax(x, [1]), Lax.ReduceMin(x, [0]), Lax.ReduceSum(Lax.Sqrt(x * x + 1.0), [0, 1]).Reshape1()], 0),
                Tensor.FromArray([0.1, 0.5, -0.3, 0.8, -1.0, 0.2], 2, 3)),
            ["scalar-in-vector-out"] = (x => Lax.Concatenate([Lax.BroadcastInDim(Lax.Sin(x), Shape.Of(2), []), Lax.BroadcastInDim(x * Lax.Exp(x), Shape.Of(1), [])], 0), Tensor.Scalar(0.7)),
            ["f32-erf-logistic"] = (x => Lax.Erf(x) * Lax.Logistic(Lax.Rev(x, [0])), Tensor.FromArray([0.3f, -0.7f, 1.1f])),
        };
    }

    private static Tensor Softmax(Tensor x)
    {
        var m = Lax.BroadcastInDim(Lax.ReduceMax(x, [0]), x.Shape, []);
        var e = Lax.Exp(x - m);
        return e / Lax.BroadcastInDim(Lax.ReduceSum(e, [0]), x.Shape, []);
    }

    private static double[] Values(Tensor t) => Primitives.Gen.Values(t);

    private static void AssertClose(double[] expected, double[] actual, double tol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"{what}: element {i} is {actual[i]}, expected {expected[i]}");
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void VjpIsTheTransposeOfTheForwardJacobian(string name)
    {
        var (f, x) = s_functions[name];
        double tol = x.DType == DType.Float32 ? 1e-5 : 1e-12;
        var y = f(x);
        int m = y.Size, n = x.Size;
        var jf = Values(Ad.JacFwd(f)(x));
        var jr = Values(Ad.JacRev(f)(x));
        Assert.Equal(m * n, jf.Length);
        AssertClose(jf, jr, tol, "JacRev vs JacFwd");

        var r = new Random(1);
        var ct = Primitives.Gen.Std(r, y.DType, y.Shape.ToArray());
        var (y2, pullback) = Ad.Vjp(f, x);
        AssertClose(Values(y), Values(y2), 0, "Vjp's primal");
        var xbar = Values(pullback(ct));
        var c = Values(ct);
        var expected = new double[n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++) expected[j] += jf[(i * n) + j] * c[i];
        AssertClose(expected, xbar, tol * 10, "Vjp vs JacFwdᵀ·ct");

        var t = Primitives.Gen.Std(r, x.DType, x.Shape.ToArray());
        var (_, tangent) = Ad.Jvp(f, x, t);
        var (_, linear) = Ad.Linearize(f, x);
        ProgramChecker.Check(linear.Program);
        ProgramChecker.Check(linear.Transpose().Program);
        AssertClose(Values(tangent), Values(linear.Apply(t)), tol, "Linearize vs Jvp");
        var tv = Values(t);
        var jt = new double[m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) jt[i] += jf[(i * n) + j] * tv[j];
        AssertClose(jt, Values(tangent), tol * 10, "Jvp vs JacFwd·t");
        AssertClose(xbar, Values(linear.Transpose().Apply(ct)), tol, "transposed program vs pullback");
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void CheckGrads_SecondOrder(string name)
    {
        var (f, x) = s_functions[name];
        Ad.CheckGrads(f, x, order: 2);
    }

    // ---- random compositions -------------------------------------------------------------------

    private static readonly Func<Tensor, Tensor>[] s_unary =
    [
        Lax.Sin, Lax.Cos, Lax.Tanh, Lax.Atan, Lax.Logistic, Lax.Erf, x => Lax.Exp(Lax.Tanh(x)), x => Lax.Log1p(x * x), x => Lax.Sqrt(1.0 + (x * x)),
        Lax.Neg, x => Lax.Rev(x, [0]), x => Lax.CumSum(x, 0), x => Lax.CumSum(x, 0, reverse: true), x => x * 0.5,
        x => Lax.BroadcastInDim(Lax.ReduceSum(x, [0]), x.Shape, []), x => Lax.BroadcastInDim(Lax.ReduceProd(Lax.Tanh(x), [0]), x.Shape, []),
        x => Lax.Gather(x, Tensor.FromArray([3, 0, 0, 2]), 0),
        x => Lax.Concatenate([Lax.Slice(x, [2], [4], [1]), Lax.Slice(x, [0], [2], [1])], 0),
        x => Lax.Pad(Lax.Slice(x, [0], [4], [2]), Tensor.Scalar(0.25), [1], [0], [1]),
        x => Lax.Reshape(Lax.Transpose(Lax.Reshape(x, Shape.Of(2, 2)), [1, 0]), Shape.Of(4)),
    ];

    private static readonly Func<Tensor, Tensor, Tensor>[] s_binary =
    [
        Lax.Add, Lax.Sub, Lax.Mul, (x, y) => x / (1.5 + Lax.Sin(y)), (x, y) => Lax.Atan2(x, 2.0 + Lax.Cos(y)),
        (x, y) => Lax.Pow(1.5 + Lax.Sin(x), y), (x, y) => Lax.Select(Lax.Gt(x, y), x * y, x - y),
        (x, y) => Lax.DotGeneral(Lax.Reshape(x, Shape.Of(2, 2)), Lax.Reshape(y, Shape.Of(2, 2)), [1], [0], [], []).ReshapeTo(Shape.Of(4)),
        (x, y) => Lax.ScatterAdd(x, Tensor.FromArray([1, 1]), Lax.Slice(y, [0], [2], [1]), 0),
        (x, y) => Lax.DynamicUpdateSlice(x, Lax.Slice(y, [1], [3], [1]), [Idx(2)]),
    ];

    /// <summary>A random expression DAG over x: each node applies a random unary op to an earlier node or a binary op to two.</summary>
    private static Func<Tensor, Tensor> RandomProgram(int seed, out string description)
    {
        var r = new Random(seed);
        int nodes = r.Next(3, 8);
        var plan = new List<(int Op, bool IsBinary, int A, int B)>();
        for (int k = 0; k < nodes; k++)
        {
            bool binary = r.Next(2) == 0;
            plan.Add((binary ? r.Next(s_binary.Length) : r.Next(s_unary.Length), binary, r.Next(k + 1), r.Next(k + 1)));
        }

        description = string.Join("; ", plan.Select((p, k) => $"v{k + 1} = {(p.IsBinary ? "bin" : "un")}{p.Op}(v{p.A}{(p.IsBinary ? $", v{p.B}" : "")})"));
        return x =>
        {
            var values = new List<Tensor> { x };
            foreach (var p in plan)
                values.Add(p.IsBinary ? s_binary[p.Op](values[p.A], values[p.B]) : s_unary[p.Op](values[p.A]));
            // Use every node so nothing is dead: the sum of all nodes, weighted.
            var total = values[^1];
            for (int k = values.Count - 2; k >= 1; k--) total = total + (0.5 * values[k]);
            return total;
        };
    }

    public static TheoryData<int> Seeds => [.. Enumerable.Range(0, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomCompositions_PassCheckGrads(int seed)
    {
        var f = RandomProgram(seed, out var description);
        var x = Vec(0.3, -0.7, 1.1, 0.45);
        try
        {
            Ad.CheckGrads(f, x, order: 2);
            var (_, linear) = Ad.Linearize(f, x);
            ProgramChecker.Check(linear.Program);
            ProgramChecker.Check(linear.Transpose().Program);
        }
        catch (GradientCheckException ex)
        {
            Assert.Fail($"{description}\n{ex.Message}");
        }
    }
}

/// <summary>Small helpers for building test functions from Lax.</summary>
internal static class TensorTestExtensions
{
    /// <summary>Reshapes a rank-0 tensor to shape (1,).</summary>
    public static Tensor Reshape1(this Tensor t) => Lax.Reshape(t, Shape.Of(1));

    /// <summary>Reshapes to <paramref name="shape"/>.</summary>
    public static Tensor ReshapeTo(this Tensor t, Shape shape) => Lax.Reshape(t, shape);
}
