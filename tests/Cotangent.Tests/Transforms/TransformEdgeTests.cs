using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Tests.Transforms;

/// <summary>
/// Structural edge cases of the transformations: identity and constant functions, repeated outputs,
/// unused inputs, and linear maps or transposes used inside other transformations.
/// </summary>
public class TransformEdgeTests
{
    private static Tensor Vec(params double[] v) => Tensor.FromArray(v);

    private static double[] Values(Tensor t) => t.ToArray<double>();

    [Fact]
    public void Identity_GradAndVjp()
    {
        Assert.Equal(1.0, Ad.Grad<Tensor>(x => x)(3.0).ToDouble());
        var (y, pullback) = Ad.Vjp<Tensor, Tensor>(x => x, Vec(1, 2));
        Assert.Equal([1.0, 2.0], Values(y));
        Assert.Equal([5.0, 6.0], Values(pullback(Vec(5, 6))));
        var t = Ad.LinearTranspose<Tensor, Tensor>(x => x, Vec(0, 0));
        Assert.Equal([5.0, 6.0], Values(t.Apply(Vec(5, 6))));
    }

    [Fact]
    public void ConstantOutput_AndUnusedInput_GetZeroCotangents()
    {
        var (gx, gy) = Ad.Grad<Tensor, Tensor>((x, y) => Lax.ReduceSum(Lax.Sin(x), [0]) + 0.0, Wrt.Both)(Vec(0.1, 0.2), Vec(3, 4, 5));
        Assert.Equal([Math.Cos(0.1), Math.Cos(0.2)], Values(gx));
        Assert.Equal([0.0, 0.0, 0.0], Values(gy));
        var g = Ad.Grad<Tensor>(_ => Tensor.Scalar(2.0))(Vec(1, 2));
        Assert.Equal([0.0, 0.0], Values(g));
        var (_, tangent) = Ad.Jvp<Tensor, (Tensor, Tensor)>(x => (x * 2.0, Vec(7, 7)), Vec(1, 2), Vec(1, 1));
        Assert.Equal([0.0, 0.0], Values(tangent.Item2));
    }

    [Fact]
    public void RepeatedOutputs_AccumulateCotangents()
    {
        var (_, pullback) = Ad.Vjp<Tensor, (Tensor, Tensor)>(x => (x, x), 2.0);
        Assert.Equal(7.0, pullback((3.0, 4.0)).ToDouble());
        var (_, pb2) = Ad.Vjp<Tensor, (Tensor, Tensor)>(x => { var s = Lax.Sin(x); return (s, s); }, 0.5);
        Assert.Equal(Math.Cos(0.5) * 3, pb2((1.0, 2.0)).ToDouble(), 15);
        var t = Ad.LinearTranspose<Tensor, (Tensor, Tensor)>(x => (x, x), 0.0);
        Assert.Equal(7.0, t.Apply((3.0, 4.0)).ToDouble());
    }

    [Fact]
    public void LinearTranspose_InsideGrad_DifferentiatesThroughTheResiduals()
    {
        // Lᵀ(1) for L(t) = x·t is x; its derivative in x is 1.
        Func<Tensor, Tensor> f = x => Ad.LinearTranspose<Tensor, Tensor>(t => t * x, 0.0).Apply(1.0);
        Assert.Equal(2.5, f(2.5).ToDouble());
        Assert.Equal(1.0, Ad.Grad(f)(2.5).ToDouble());
        // Lᵀ(c) for L(t) = sin(x)·t: d/dx = cos(x)·c.
        Func<Tensor, Tensor> h = x => Ad.LinearTranspose<Tensor, Tensor>(t => Lax.Sin(x) * t, 0.0).Apply(3.0);
        Assert.Equal(3 * Math.Cos(0.4), Ad.Grad(h)(0.4).ToDouble(), 14);
        Assert.Equal(3 * Math.Cos(0.4), Ad.Jvp(h, (Tensor)0.4, (Tensor)1.0).Tangent.ToDouble(), 14);
    }

    [Fact]
    public void LinearizeInsideJvp_ResidualsCarryTangents()
    {
        // g(x) = L_x(1) where L_x is the linearization of sin at x, i.e. cos x; g'(x) = −sin x.
        Func<Tensor, Tensor> g = x => Ad.Linearize<Tensor, Tensor>(Lax.Sin, x).Linear.Apply(1.0);
        Assert.Equal(Math.Cos(0.7), g(0.7).ToDouble(), 15);
        Assert.Equal(-Math.Sin(0.7), Ad.Jvp(g, (Tensor)0.7, (Tensor)1.0).Tangent.ToDouble(), 14);
        Assert.Equal(-Math.Sin(0.7), Ad.Grad(g)(0.7).ToDouble(), 14);
        // And the transposed linearization (a VJP) under Grad: d/dx [cos(x)·x] = cos x − x sin x.
        Func<Tensor, Tensor> k = x => Ad.Vjp<Tensor, Tensor>(Lax.Sin, x).Pullback(x);
        Assert.Equal(Math.Cos(0.7) - (0.7 * Math.Sin(0.7)), Ad.Grad(k)(0.7).ToDouble(), 14);
    }

    [Fact]
    public void LinearMapIsReusable_AndPullbackMayBeCalledManyTimes()
    {
        var (_, linear) = Ad.Linearize<Tensor, Tensor>(x => Lax.Exp(x) * x, Vec(0.5, 1.0));
        var a = Values(linear.Apply(Vec(1, 0)));
        var b = Values(linear.Apply(Vec(1, 0)));
        Assert.Equal(a, b);
        var (_, pullback) = Ad.Vjp<Tensor, Tensor>(x => Lax.Exp(x) * x, Vec(0.5, 1.0));
        Assert.Equal(Values(pullback(Vec(1, 0))), Values(pullback(Vec(1, 0))));
        Assert.Equal(Math.Exp(0.5) * 1.5, Values(pullback(Vec(1, 0)))[0], 14);
    }

    [Fact]
    public void ZeroSizeInputs_Differentiate()
    {
        var x = new Tensor(NDArray.Zeros(DType.Float64, Shape.Of(0, 3)));
        var g = Ad.Grad<Tensor>(z => Lax.ReduceSum(Lax.Sin(z), [0, 1]))(x);
        Assert.Equal(x.Shape, g.Shape);
        Ad.CheckGrads<Tensor, Tensor>(z => Lax.Exp(z) * z, x);
        var j = Ad.JacFwd(z => Lax.Sin(z))(x);
        Assert.Equal(Shape.Of(0, 3, 0, 3), j.Shape);
    }

    [Fact]
    public void RankZeroEverywhere()
    {
        Ad.CheckGrads<(Tensor, Tensor), Tensor>(p => Lax.Atan2(p.Item1, p.Item2) * Lax.Pow(p.Item2, p.Item1), ((Tensor)0.3, (Tensor)1.7), order: 3);
    }

    [Fact]
    public void StopGradient_IsAConstantForEveryTransformation_AtEveryOrder()
    {
        // f(x) = x · sg(x): f′ = sg(x) = x₀, f″ = 0 (JAX's values); the value is x².
        Func<Tensor, Tensor> f = x => x * Lax.StopGradient(x);
        Assert.Equal(9.0, f(3.0).ToDouble());
        Assert.Equal(3.0, Ad.Grad(f)(3.0).ToDouble());
        Assert.Equal(0.0, Ad.Grad(Ad.Grad(f))(3.0).ToDouble());
        Assert.Equal(3.0, Ad.Jvp(f, (Tensor)3.0, (Tensor)1.0).Tangent.ToDouble());

        // At realistic sizes, and with the gradient of a function of only stopped values being exactly zero.
        var x = Np.Sin(Np.Arange(0.0, 50_000.0) * 0.001);
        var g = Ad.Grad<Tensor>(v => Np.Sum(Np.Exp(Lax.StopGradient(v)) * v))(x).ToArray<double>();
        var want = Np.Exp(x).ToArray<double>();
        Assert.Equal(want, g);
        Assert.All(Ad.Grad<Tensor>(v => Np.Sum(Np.Exp(Lax.StopGradient(v))))(x).ToArray<double>(), d => Assert.Equal(0.0, d));
    }

    [Fact]
    public void Softmax_LogSoftmax_LogSumExp_GradientsUnchangedByTheStoppedShift()
    {
        // The shift by the maximum is a constant for differentiation; the derivatives are softmax's closed forms.
        var x = Tensor.FromArray([0.5, -1.0, 2.0, 2.0, 0.1], [5]);
        var s = Np.Softmax(x).ToArray<double>();
        var gLse = Ad.Grad<Tensor>(v => Np.LogSumExp(v))(x).ToArray<double>();
        var gLs = Ad.Grad<Tensor>(v => Np.Sum(Np.LogSoftmax(v) * Tensor.FromArray([1.0, 2.0, 3.0, 4.0, 5.0], [5])))(x).ToArray<double>();
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(s[i], gLse[i], 1e-15);
            // ∂/∂xᵢ Σⱼ wⱼ (xⱼ − lse) = wᵢ − sᵢ Σ w
            Assert.Equal((i + 1) - (s[i] * 15), gLs[i], 1e-13);
        }

        Ad.CheckGrads<Tensor, Tensor>(v => Np.LogSoftmax(v), x, order: 2);
        Ad.CheckGrads<Tensor, Tensor>(v => Np.Softmax(v), x, order: 2);
    }
}
