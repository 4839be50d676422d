using Cotangent.Runtime;

namespace Cotangent.Tests.Api;

/// <summary>Np.Linalg.Norm: every vector and matrix order against hand-computed values, batching over other axes, keepDims, derivatives, errors.</summary>
public class LinalgNormTests
{
    // A = [[1, −2], [3, 4]]: AᵀA = [[10, 10], [10, 20]], eigenvalues 15 ± √125, so σ = √(15 ± √125); σ₁σ₂ = |det A| = 10.
    private static readonly Tensor s_a = Tensor.FromArray([1.0, -2.0, 3.0, 4.0], 2, 2);
    private static readonly double s_s1 = Math.Sqrt(15 + Math.Sqrt(125)), s_s2 = Math.Sqrt(15 - Math.Sqrt(125));

    public static TheoryData<double, double> MatrixOrders => new()
    {
        { 1, 6 }, { -1, 4 }, { double.PositiveInfinity, 7 }, { double.NegativeInfinity, 3 },
        { 2, Math.Sqrt(15 + Math.Sqrt(125)) }, { -2, Math.Sqrt(15 - Math.Sqrt(125)) },
    };

    [Theory]
    [MemberData(nameof(MatrixOrders))]
    public void MatrixOrders_MatchHandComputedValues(double ord, double expected)
        => Assert.Equal(expected, Np.Linalg.Norm(s_a, ord).ToDouble(), 1e-13);

    [Fact]
    public void NamedOrders_AndVectorOrders()
    {
        Assert.Equal(Math.Sqrt(30), Np.Linalg.Norm(s_a, "fro").ToDouble(), 1e-14);
        Assert.Equal(s_s1 + s_s2, Np.Linalg.Norm(s_a, "nuc").ToDouble(), 1e-13);
        Assert.Equal(10, s_s1 * s_s2, 1e-12);
        var v = Tensor.FromArray([3.0, -4.0, 0.0, 1.0]);
        Assert.Equal(8, Np.Linalg.Norm(v, 1).ToDouble());
        Assert.Equal(Math.Sqrt(26), Np.Linalg.Norm(v, 2).ToDouble(), 1e-15);
        Assert.Equal(4, Np.Linalg.Norm(v, double.PositiveInfinity).ToDouble());
        Assert.Equal(0, Np.Linalg.Norm(v, double.NegativeInfinity).ToDouble());
        Assert.Equal(3, Np.Linalg.Norm(v, 0).ToDouble());
        Assert.Equal(Math.Cbrt(92), Np.Linalg.Norm(v, 3).ToDouble(), 1e-14);
    }

    [Fact]
    public void Batched_OverOtherAxes_WithKeepDims()
    {
        // Matrices on axes (0, 2) of a [2, 3, 2] tensor: the batch axis 1 stays.
        var x = Np.Stack([s_a, s_a * 2.0, s_a * -1.0], 1);
        Assert.Equal(Shape.Of(2, 3, 2), x.Shape);
        foreach (var ord in new[] { 1.0, 2.0, double.PositiveInfinity })
        {
            var n = Np.Linalg.Norm(x, ord, [0, 2]);
            Assert.Equal(Shape.Of(3), n.Shape);
            double one = Np.Linalg.Norm(s_a, ord).ToDouble();
            Assert.Equal([one, 2 * one, one], n.ToArray<double>(), (p, q) => Math.Abs(p - q) < 1e-12);
            Assert.Equal(Shape.Of(1, 3, 1), Np.Linalg.Norm(x, ord, [0, 2], keepDims: true).Shape);
        }

        Assert.Equal(Shape.Of(1, 3, 1), Np.Linalg.Norm(x, "nuc", [0, 2], keepDims: true).Shape);
        Assert.Equal(Shape.Of(2, 1, 2), Np.Linalg.Norm(x, 1, [1], keepDims: true).Shape);
    }

    [Fact]
    public void Derivatives_MatchFiniteDifferences()
    {
        var m = Tensor.FromArray([1.0, -2.0, 0.5, 3.0, 4.0, -1.5, 0.7, 0.2, 2.5], 3, 3);
        foreach (var ord in new[] { 1.0, -1.0, 2.0, -2.0, double.PositiveInfinity, double.NegativeInfinity })
            Ad.CheckGrads<Tensor, Tensor>(a => Np.Linalg.Norm(a, ord), m, order: 2);
        Ad.CheckGrads<Tensor, Tensor>(a => Np.Linalg.Norm(a, "fro"), m, order: 2);
        Ad.CheckGrads<Tensor, Tensor>(a => Np.Linalg.Norm(a, "nuc"), m, order: 2);
        var v = Tensor.FromArray([3.0, -4.0, 0.5, 1.0]);
        foreach (var ord in new[] { 1.0, 2.0, 3.0, 0.5, double.PositiveInfinity, double.NegativeInfinity })
            Ad.CheckGrads<Tensor, Tensor>(a => Np.Linalg.Norm(a, ord), v, order: 2);
        // the count of nonzeros has no derivative
        Assert.Equal([0.0, 0.0, 0.0, 0.0], Ad.Grad<Tensor>(a => Np.Linalg.Norm(a, 0))(v).ToArray<double>());
    }

    [Fact]
    public void BadArguments_RaiseTypedErrors()
    {
        Assert.Throws<ValueException>(() => Np.Linalg.Norm(s_a, 3));
        Assert.Throws<ValueException>(() => Np.Linalg.Norm(s_a, "max"));
        Assert.Throws<ShapeException>(() => Np.Linalg.Norm(Np.Zeros(2, 2, 2), 2));
        Assert.Throws<ShapeException>(() => Np.Linalg.Norm(Tensor.FromArray([1.0, 2.0]), "fro"));
        Assert.Throws<ShapeException>(() => Np.Linalg.Norm(s_a, 1, [0, 0]));
        Assert.Throws<ArgumentNullException>(() => Np.Linalg.Norm(s_a, (string)null!));
    }
}
