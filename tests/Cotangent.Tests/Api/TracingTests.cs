using static Cotangent.Tests.Api.ApiTestUtil;
using TI = Cotangent.TensorIndex;

namespace Cotangent.Tests.Api;

/// <summary>
/// Every API function must work on tracers: staged into a program with abstract inputs (no value is read), the
/// program evaluates to the eager result; and forward mode agrees with reverse mode.
/// </summary>
public class TracingTests
{
    private static readonly Tensor s_w = Tensor.FromArray(Data(51, 12), 3, 4);

    private static readonly Dictionary<string, Func<Tensor, Tensor>> s_functions = new()
    {
        ["elementwise"] = x => Np.Sin(x) * Np.Exp2(x) + Np.Log1p(Np.Abs(x)) - Np.Clip(x, -0.5, 0.5) + Np.Power(Np.Square(x) + 1, 0.3) + Np.Atan2(x, 2.0 + x * x),
        ["where"] = x => Np.Where(x > 0, Np.Sqrt(Np.Abs(x)), Np.Tanh(x)) + Np.Maximum(x, Np.Minimum(x, 0.1)),
        ["nn"] = x => Np.Softmax(x) + Np.LogSoftmax(x, 0) + Np.Gelu(x) + Np.Softplus(x) + Np.Relu(x) + Np.Sigmoid(x),
        ["reductions"] = x => Np.Sum(x, 0) + Np.Mean(x, 0) + Np.Max(x, 0) + Np.Min(x, [0]) + Np.Prod(x, 0) + Np.Var(x, 0) + Np.LogSumExp(x, 0) + Np.CumSum(x, 1)[-1],
        ["reductions_all"] = x => Np.Sum(x) + Np.Std(x, ddof: 1) + Np.Mean(x, keepDims: true).Reshape() + Np.Norm(x),
        ["argmax_take"] = x => Np.Take(x, Np.ArgMax(x, 0), 0)[0] + Np.TakeAlongAxis(x, Np.ArgMin(x, 0, keepDims: true), 0)[0],
        ["matmul"] = x => Np.MatMul(x, Np.Transpose(x)) + Np.Dot(x, s_w.T) + Np.Outer(x[0], x[1])[0..3, 0..3],
        ["matmul_batched"] = x => Np.Sum(Np.MatMul(Np.Stack([x, 2.0 * x]), s_w.T), 0),
        ["shape"] = x => Np.Concatenate(Np.Split(Np.Flip(x, 1), 2, 1).Reverse().ToArray(), 1) + Np.Reshape(Np.Transpose(x), 3, 4) + Np.Tile(x[TI.All, 0..1], 1, 4) + Np.Repeat(x[TI.All, 0..2], 2, 1),
        ["pad_squeeze"] = x => Np.Pad(x, [(0, 0), (1, 1)])[TI.All, 1..^1] + Np.Squeeze(Np.ExpandDims(x, 0)) + Np.MoveAxis(Np.SwapAxes(x, 0, 1), 0, 1),
        ["basic_index"] = x => x[Np.Slice(step: -1), Np.Slice(3, null, -1)] + x[1, Np.NewAxis] + x[Np.Ellipsis, ^1][TI.All, Np.NewAxis],
        ["advanced_index"] = x => x[Np.Array(2, -1, 0), Np.Array(1, 3, -4)][Np.NewAxis] + x[TI.All, Tensor.FromArray([0, 3, -1], 1, 3)][0],
        ["index_add"] = x => Np.IndexAdd(x, Np.Array(0, 0, 2), x[TI.All, 0..3], 1),
        ["diag_trace"] = x => Np.Diagonal(x) * Np.Trace(x, 1) + Np.Diagonal(Np.MatMul(x.T, x))[0..3],
    };

    public static TheoryData<string> Names() => new(s_functions.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Staged_program_matches_eager_evaluation(string name)
    {
        var f = s_functions[name];
        var x = Tensor.FromArray(Data(52, 12, 0.2, 1.5), 3, 4);
        var eager = f(x);
        var program = Ad.MakeProgram(f, x);
        var staged = program.Evaluate(x)[0];
        Assert.Equal(eager.Shape, staged.Shape);
        Close(Values(eager), staged, 1e-12);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_and_reverse_mode_agree(string name)
    {
        var f = s_functions[name];
        var x = Tensor.FromArray(Data(53, 12, 0.2, 1.5), 3, 4);
        var v = Tensor.FromArray(Data(54, 12), 3, 4);
        var (y, tangent) = Ad.Jvp(f, x, v);
        var u = Np.Reshape(Tensor.FromArray(Data(55, y.Size)), y.Shape);
        var (_, pullback) = Ad.Vjp(f, x);
        var cotangent = pullback(u);
        // ⟨u, J v⟩ = ⟨Jᵀ u, v⟩.
        double lhs = Values(u).Zip(Values(tangent)).Sum(p => p.First * p.Second);
        double rhs = Values(cotangent).Zip(Values(v)).Sum(p => p.First * p.Second);
        Close(lhs, rhs, 1e-10);
        // And J v matches a central difference.
        double h = 1e-6;
        var fp = Values(f(x + (h * v)));
        var fm = Values(f(x - (h * v)));
        Close(fp.Zip(fm).Select(p => (p.First - p.Second) / (2 * h)).ToArray(), tangent, 1e-5);
    }

    [Fact]
    public void Traced_integer_indices_are_gathered_not_read()
    {
        // The index tensor is an input of the staged program, so its values are unknown while tracing.
        var x = Tensor.FromArray(Data(56, 12), 3, 4);
        var program = Ad.MakeProgram<(Tensor X, Tensor I, Tensor J), Tensor>(p => p.X[p.I, p.J] + Np.Take(p.X, p.I, 0)[TI.All, 0], (x, Np.Array(0, 2), Np.Array(-1, 1)));
        var r = program.Evaluate(x, Np.Array(2, -3), Np.Array(3, -4))[0];
        var xv = Values(x);
        Close([xv[(2 * 4) + 3] + xv[(2 * 4) + 0], xv[(0 * 4) + 0] + xv[(0 * 4) + 0]], r, 1e-15, [2]);
    }
}
