using static Cotangent.Np;

namespace Cotangent.Tests.Trust;

/// <summary>
/// Derivatives where they are undefined behave as in JAX. In particular the gradient of
/// Where(c, f(x), g(x)) is Where(c, f′, g′) · ẋ, and the branch not taken still contributes 0 · f′(x):
/// if f′(x) is infinite or NaN there, 0 · ∞ = NaN poisons the gradient. The safe pattern makes the
/// untaken branch's input harmless with a second Where.
/// </summary>
public class NanBehaviourTests
{
    [Fact]
    public void WhereWithNanBranch_GradientIsNan_AsInJax()
    {
        // f(x) = x > 0 ? log x : 0, at x = 0: the log branch is not taken, yet 0 · (1/0) = NaN.
        var g = Ad.Grad<Tensor>(x => Sum(Where(x > 0.0, Log(x), ZerosLike(x))))(Tensor.FromArray([0.0, 2.0]));
        var values = g.ToArray<double>();
        Assert.True(double.IsNaN(values[0]));
        Assert.Equal(0.5, values[1], 15);
    }

    [Fact]
    public void DoubleWhere_SafePattern_GivesFiniteGradient()
    {
        // Feed the untaken branch a safe value: log(where(x > 0, x, 1)).
        var g = Ad.Grad<Tensor>(x =>
        {
            var positive = x > 0.0;
            var safe = Where(positive, x, OnesLike(x));
            return Sum(Where(positive, Log(safe), ZerosLike(x)));
        })(Tensor.FromArray([0.0, 2.0]));
        Assert.Equal([0.0, 0.5], g.ToArray<double>());
    }

    [Fact]
    public void SqrtAtZero_HasInfiniteDerivative()
    {
        var g = Ad.Grad<Tensor>(x => Sqrt(x))(0.0).ToDouble();
        Assert.True(double.IsPositiveInfinity(g));
    }

    [Fact]
    public void AbsAtZero_HasSlopeOne_AsInJax()
    {
        // JAX's abs JVP is select(x >= 0, ẋ, −ẋ).
        Assert.Equal(1.0, Ad.Grad<Tensor>(x => Abs(x))(0.0).ToDouble());
    }

    [Fact]
    public void MaxTie_SplitsTheGradient_AsInJax()
    {
        var (gx, gy) = Ad.Grad<Tensor, Tensor>((x, y) => Maximum(x, y), Wrt.Both)(1.0, 1.0);
        Assert.Equal(0.5, gx.ToDouble());
        Assert.Equal(0.5, gy.ToDouble());
    }

    [Fact]
    public void NanInput_PropagatesThroughValueAndGradient()
    {
        var (value, grad) = Ad.ValueAndGrad<Tensor>(x => Sum(Sin(x) * x))(Tensor.FromArray([double.NaN, 1.0]));
        Assert.True(double.IsNaN(value.ToDouble()));
        Assert.True(double.IsNaN(grad.ToArray<double>()[0]));
        Assert.Equal(Math.Cos(1) + Math.Sin(1), grad.ToArray<double>()[1], 14);
    }

    [Fact]
    public void PowZeroToZero_HasZeroDerivative_AsInJax()
    {
        var (gx, gy) = Ad.Grad<Tensor, Tensor>((x, y) => Power(x, y), Wrt.Both)(0.0, 0.0);
        Assert.Equal(0.0, gx.ToDouble());
        Assert.Equal(0.0, gy.ToDouble());
    }
}
