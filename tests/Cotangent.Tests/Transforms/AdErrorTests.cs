using Cotangent.Primitives;

namespace Cotangent.Tests.Transforms;

/// <summary>Misuse of the transformations fails with a typed exception whose message says what and how to fix.</summary>
public class AdErrorTests
{
    private static readonly Tensor s_vector = Tensor.FromArray([1.0, 2.0, 3.0]);

    [Fact]
    public void Grad_OfNonScalar_Throws()
    {
        var ex = Assert.Throws<DifferentiationException>(() => Ad.Grad<Tensor>(x => Lax.Sin(x))(s_vector));
        Assert.Contains("scalar output", ex.Message, StringComparison.Ordinal);
        Assert.Contains("f64[3]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Grad_WithRespectToInt_Throws()
    {
        var ex = Assert.Throws<DifferentiationException>(() => Ad.Grad<Tensor>(x => Lax.Convert(x, Runtime.DType.Float64) * 2.0)(3));
        Assert.Contains("no derivative", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LinearTranspose_OfNonLinearFunction_NamesTheEquation()
    {
        var ex = Assert.Throws<LinearityException>(() => Ad.LinearTranspose<Tensor, Tensor>(x => Lax.Sin(x) * 2.0, s_vector));
        Assert.Contains("sin", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not a linear primitive", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LinearTranspose_OfProductOfInputs_IsRejected()
    {
        var ex = Assert.Throws<LinearityException>(() => Ad.LinearTranspose<Tensor, Tensor>(x => x * x, s_vector));
        Assert.Contains("mul", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LinearTranspose_OfAffineFunction_IsRejected()
    {
        var ex = Assert.Throws<LinearityException>(() => Ad.LinearTranspose<Tensor, Tensor>(x => x + 1.0, s_vector));
        Assert.Contains("add", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EscapedTracer_UsedLater_NamesTheTransformation()
    {
        Tensor? leaked = null;
        Ad.Grad<Tensor>(x =>
        {
            leaked = x;
            return x * x;
        })(2.0);
        var ex = Assert.Throws<EscapedTracerException>(() => Lax.Sin(leaked!));
        Assert.Contains("Grad", ex.Message, StringComparison.Ordinal);
        Assert.Contains("after it returned", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EscapedTracer_UsedInLaterTransformation_Throws()
    {
        Tensor? leaked = null;
        Ad.Jvp<Tensor, Tensor>(x =>
        {
            leaked = x;
            return x * x;
        }, 2.0, 1.0);
        Assert.Throws<EscapedTracerException>(() => Ad.Grad<Tensor>(y => y * leaked!)(3.0));
    }

    [Fact]
    public void Pullback_WithWrongCotangentShape_Throws()
    {
        var (_, pullback) = Ad.Vjp<Tensor, Tensor>(x => Lax.Sin(x), s_vector);
        var ex = Assert.Throws<ShapeException>(() => pullback(Tensor.FromArray([1.0, 2.0])));
        Assert.Contains("f64[2]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("f64[3]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pullback_WithWrongCotangentDType_Throws()
    {
        var (_, pullback) = Ad.Vjp<Tensor, Tensor>(x => Lax.Sin(x), s_vector);
        // Only the dtype is wrong, so the error is a DTypeException, not a ShapeException.
        var ex = Assert.Throws<DTypeException>(() => pullback(Tensor.FromArray([1f, 2f, 3f])));
        Assert.Contains("f32[3]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pullback_WithWrongTreeStructure_Throws()
    {
        var (_, pullback) = Ad.Vjp<Tensor, (Tensor, Tensor)>(x => (Lax.Sin(x), Lax.Cos(x)), s_vector);
        var ex = Assert.Throws<TreeStructureException>(() => pullback((s_vector, null!)));
        Assert.Contains("structure", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Jvp_WithMismatchedTangentTree_Throws()
    {
        Assert.Throws<TreeStructureException>(() => Ad.Jvp<Tensor[], Tensor>(xs => xs[0] * xs[1], [1.0, 2.0], [1.0]));
    }

    [Fact]
    public void Jvp_WithTangentOfWrongShape_Throws()
    {
        Assert.Throws<ShapeException>(() => Ad.Jvp<Tensor, Tensor>(x => Lax.Sin(x), s_vector, 1.0));
    }
}
