using Xunit.Abstractions;
using Cotangent.Primitives;

namespace Cotangent.Tests.Transforms;

public class SmokeTests
{
    private readonly ITestOutputHelper _out;

    public SmokeTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void Grad_SinTimesX()
    {
        Func<Tensor, Tensor> f = x => Lax.Sin(x) * x;
        var g = Ad.Grad(f)(2.0);
        Assert.Equal(Math.Cos(2) * 2 + Math.Sin(2), g.ToDouble(), 12);
        var (y, lin) = Ad.Linearize(f, (Tensor)2.0);
        _out.WriteLine(Ad.MakeProgram(f, (Tensor)2.0).ToString());
        _out.WriteLine(lin.ToString());
        _out.WriteLine(lin.Transpose().ToString());
    }

    [Fact]
    public void PerturbationConfusion()
    {
        // d/dx [x · d/dy (x·y)] at x=1, y=2 = d/dx [x · x] = 2x = 2
        Func<Tensor, Tensor> f = x => x * Ad.Grad<Tensor>(y => x * y)(2.0);
        Assert.Equal(2.0, Ad.Grad(f)(1.0).ToDouble(), 12);
    }

    [Fact]
    public void TripleGrad()
    {
        Func<Tensor, Tensor> f = x => x * x * x * x;
        Assert.Equal(24.0 * 1.0, Ad.Grad(Ad.Grad(Ad.Grad(f)))(1.0).ToDouble(), 10);
    }
}
