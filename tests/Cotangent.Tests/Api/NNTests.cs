using Cotangent.Runtime;
using static Cotangent.Tests.Api.ApiTestUtil;

namespace Cotangent.Tests.Api;

public class NNTests
{
    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Softmax_rows_sum_to_one_and_match_the_stable_formula(DType dtype)
    {
        var data = Data(41, 12, -5, 5);
        var x = Make(data, dtype, 3, 4);
        var xv = Values(x);
        var expected = new double[12];
        var expectedLog = new double[12];
        for (int i = 0; i < 3; i++)
        {
            double m = Enumerable.Range(0, 4).Max(j => xv[(i * 4) + j]);
            double s = Enumerable.Range(0, 4).Sum(j => Math.Exp(xv[(i * 4) + j] - m));
            for (int j = 0; j < 4; j++)
            {
                expected[(i * 4) + j] = Math.Exp(xv[(i * 4) + j] - m) / s;
                expectedLog[(i * 4) + j] = xv[(i * 4) + j] - m - Math.Log(s);
            }
        }

        double tol = dtype == DType.Float32 ? 1e-6 : 1e-14;
        var sm = Np.Softmax(x);
        Close(expected, sm, tol, [3, 4]);
        Close([1, 1, 1], Np.Sum(sm, 1), tol);
        Close(expectedLog, Np.LogSoftmax(x, -1), tol, [3, 4]);
        Close([1, 1, 1, 1], Np.Sum(Np.Softmax(x, 0), 0), tol);
        Assert.Equal(1, Np.Sum(Np.Softmax(x, [0, 1])).ToDouble(), 5);
    }

    [Fact]
    public void Softmax_and_LogSoftmax_survive_huge_inputs()
    {
        var x = Np.Array(1000.0, 1000.0, -1000.0);
        Close([0.5, 0.5, 0], Np.Softmax(x), 1e-15);
        Close([-Math.Log(2), -Math.Log(2), -2000 - Math.Log(2)], Np.LogSoftmax(x), 1e-15);
        var withInf = Np.Array(0.0, double.NegativeInfinity);
        Close([1, 0], Np.Softmax(withInf), 0);
    }

    [Fact]
    public void Softmax_and_LogSumExp_gradients_match_finite_differences()
    {
        var data = Data(42, 8);
        var w = Tensor.FromArray(Data(43, 8), 2, 4);
        CheckGrad(x => Np.Sum(Np.Softmax(x) * w), data, [2, 4]);
        CheckGrad(x => Np.Sum(Np.LogSoftmax(x, 0) * w), data, [2, 4]);
        CheckGrad(x => Np.Sum(Np.LogSumExp(x, 1)), data, [2, 4]);
        CheckGrad(x => Np.Sum(Np.Softplus(x) + Np.Gelu(x)) + Np.Sum(Np.Var(x, 1, ddof: 1)) + Np.Std(x) + Np.Mean(Np.Elu(x) * Np.LeakyRelu(x)), data, [2, 4]);
        // The gradient of logsumexp is softmax, also at huge values.
        var big = Tensor.FromArray([1000.0, 1001, 999]);
        var g = Ad.Grad<Tensor>(v => Np.LogSumExp(v))(big);
        Close(Values(Np.Softmax(big)), g, 1e-12);
    }

    [Fact]
    public void OneHot_marks_the_label_column()
    {
        var oh = Np.OneHot(Tensor.FromArray([2, 0, 5, -1], 2, 2), 3);
        Assert.Equal(Shape.Of(2, 2, 3), oh.Shape);
        Close([0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0], oh, 0);
        Assert.Equal(DType.Float32, Np.OneHot(Np.Array(1), 2, DType.Float32).DType);
    }

    [Fact]
    public void Relu_gradient_is_zero_at_zero()
    {
        var g = Ad.Grad<Tensor>(v => Np.Sum(Np.Relu(v)))(Np.Array(-1.0, 0, 2));
        Close([0, 0, 1], g, 0);
    }
}
