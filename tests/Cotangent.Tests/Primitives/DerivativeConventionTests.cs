using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Tests.Primitives;

/// <summary>
/// Derivatives at the points the finite-difference table avoids (kinks, ties, zeros), where the value
/// is a convention: we follow JAX's (ties split evenly, |x|′(0) = 1, 0⁰ and 0ʸ have zero derivative).
/// </summary>
public class DerivativeConventionTests
{
    private static Tensor Vec(params double[] v) => Tensor.FromArray(v);

    private static double[] Values(Tensor t) => t.ToArray<double>();

    private static double D(Func<Tensor, Tensor> f, double x) => Ad.Grad(f)(x).ToDouble();

    [Fact]
    public void MaxMin_Ties_SplitTheTangentEvenly()
    {
        var (gx, gy) = Ad.Grad<Tensor, Tensor>(Lax.Max, Wrt.Both)(1.0, 1.0);
        Assert.Equal(0.5, gx.ToDouble());
        Assert.Equal(0.5, gy.ToDouble());
        (gx, gy) = Ad.Grad<Tensor, Tensor>(Lax.Min, Wrt.Both)(1.0, 1.0);
        Assert.Equal(0.5, gx.ToDouble());
        Assert.Equal(0.5, gy.ToDouble());
        Assert.Equal(1.0, D(x => Lax.Max(x, x), 2.0));
        // Away from ties the winner takes all, also when broadcasting.
        var g = Ad.Grad<Tensor>(x => Lax.ReduceSum(Lax.Max(x, Lax.BroadcastTo(Tensor.Scalar(0.0), x.Shape)), [0]))(Vec(-1, 0, 2));
        Assert.Equal([0.0, 0.5, 1.0], Values(g));
        var gs = Ad.Grad<Tensor>(s => Lax.ReduceSum(Lax.Min(Vec(-1, 0, 2), s), [0]))(0.0);
        Assert.Equal(0.5 + 1.0, gs.ToDouble());
    }

    [Fact]
    public void ReduceMaxMin_Ties_AverageOverTheMaximizers()
    {
        Assert.Equal([0.0, 0.5, 0.5], Values(Ad.Grad<Tensor>(x => Lax.ReduceMax(x, [0]))(Vec(1, 3, 3))));
        Assert.Equal([1.0 / 3, 1.0 / 3, 1.0 / 3], Values(Ad.Grad<Tensor>(x => Lax.ReduceMin(x, [0]))(Vec(2, 2, 2))));
        var (_, t) = Ad.Jvp<Tensor, Tensor>(x => Lax.ReduceMax(x, [0]), Vec(1, 3, 3), Vec(10, 1, 2));
        Assert.Equal(1.5, t.ToDouble());
    }

    [Fact]
    public void Abs_AtZero_HasSlopeOne_AsInJax()
    {
        // JAX: select(x >= 0, ẋ, −ẋ).
        Assert.Equal(1.0, D(Lax.Abs, 0.0));
        Assert.Equal(1.0, D(Lax.Abs, -0.0));
        Assert.Equal(-1.0, D(Lax.Abs, -2.0));
        Assert.Equal(1.0, D(Lax.Abs, 3.0));
    }

    [Fact]
    public void Pow_AtZero_FollowsJax()
    {
        // d/dx x^y = y·x^(y−1): 0 at x = 0 for y > 1; 0 for y = 0 (0⁰ is constant 1).
        Assert.Equal(0.0, D(x => Lax.Pow(x, Tensor.Scalar(2.0)), 0.0));
        Assert.Equal(0.0, D(x => Lax.Pow(x, Tensor.Scalar(0.0)), 0.0));
        Assert.Equal(0.0, D(x => Lax.Pow(x, Tensor.Scalar(0.0)), 3.0));
        Assert.Equal(1.0, D(x => Lax.Pow(x, Tensor.Scalar(1.0)), 0.0));
        // d/dy x^y = ln(x)·x^y, taken as 0 at x = 0.
        Assert.Equal(0.0, D(y => Lax.Pow(Tensor.Scalar(0.0), y), 2.0));
        // A negative base with an integer exponent: d/dx (−2)³ = 3·4.
        Assert.Equal(12.0, D(x => Lax.Pow(x, Tensor.Scalar(3.0)), -2.0), 12);
        Assert.Equal(Math.Log(2) * 8, D(y => Lax.Pow(Tensor.Scalar(2.0), y), 3.0), 12);
    }

    [Fact]
    public void PiecewiseConstant_HaveZeroDerivative_Everywhere()
    {
        foreach (var f in new Func<Tensor, Tensor>[] { Lax.Floor, Lax.Ceil, Lax.Round, Lax.Sign })
        {
            Assert.Equal(0.0, D(f, 0.0));
            Assert.Equal(0.0, D(f, 1.5));
            Assert.Equal(0.0, D(f, -2.0));
        }
    }

    [Fact]
    public void Rem_DerivativeIsOneInXAndMinusTruncQuotientInY()
    {
        var (gx, gy) = Ad.Grad<Tensor, Tensor>(Lax.Rem, Wrt.Both)(7.5, 2.0);
        Assert.Equal(1.0, gx.ToDouble());
        Assert.Equal(-3.0, gy.ToDouble());
        (gx, gy) = Ad.Grad<Tensor, Tensor>(Lax.Rem, Wrt.Both)(-7.5, 2.0);
        Assert.Equal(1.0, gx.ToDouble());
        Assert.Equal(3.0, gy.ToDouble());
    }

    [Fact]
    public void Select_UntakenBranch_GetsZeroCotangent()
    {
        // grad of where(x > 0, x², 3x): 2x where taken, 3 elsewhere; the untaken case gets 0.
        var g = Ad.Grad<Tensor>(x => Lax.ReduceSum(Lax.Select(Lax.Gt(x, Lax.BroadcastTo(Tensor.Scalar(0.0), x.Shape)), x * x, 3.0 * x), [0]))(Vec(-1, 2, 0.5));
        Assert.Equal([3.0, 4.0, 1.0], Values(g));
        // A broadcast predicate and broadcast cases.
        var (ga, gb) = Ad.Grad<Tensor, Tensor>((a, b) => Lax.ReduceSum(Lax.Select(Tensor.FromArray([true, false, true]), a, b), [0]), Wrt.Both)(Vec(1, 2, 3), 5.0);
        Assert.Equal([1.0, 0.0, 1.0], Values(ga));
        Assert.Equal(1.0, gb.ToDouble());
    }

    [Fact]
    public void ReduceProd_WithZeros_IsExact()
    {
        Assert.Equal([0.0, 6.0, 0.0], Values(Ad.Grad<Tensor>(x => Lax.ReduceProd(x, [0]))(Vec(2, 0, 3))));
        Assert.Equal([0.0, 0.0, 0.0], Values(Ad.Grad<Tensor>(x => Lax.ReduceProd(x, [0]))(Vec(0, 0, 3))));
        Assert.Equal([12.0, 8.0, 6.0], Values(Ad.Grad<Tensor>(x => Lax.ReduceProd(x, [0]))(Vec(2, 3, 4))));
    }

    [Fact]
    public void ConvertToInteger_HasZeroDerivative_AndRoundTripsFloatDtypes()
    {
        Assert.Equal(0.0, D(x => Lax.Convert(Lax.Convert(x, DType.Int32), DType.Float64) * x, 0.0));
        Assert.Equal(2.0, D(x => Lax.Convert(Lax.Convert(x, DType.Int32), DType.Float64) * x, 2.5));
        var g = Ad.Grad<Tensor>(x => Lax.Convert(Lax.Convert(x, DType.Float32) * 3.0f, DType.Float64))(1.0);
        Assert.Equal(DType.Float64, g.DType);
        Assert.Equal(3.0, g.ToDouble());
    }
}
