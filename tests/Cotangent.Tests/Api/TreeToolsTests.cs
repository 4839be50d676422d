using Cotangent.Runtime;

namespace Cotangent.Tests.Api;

/// <summary>Tree.Map over several trees, Reduce, Ravel/Unravel, tree arithmetic, and Jacobians/Hessians over trees.</summary>
public class TreeToolsTests
{
    private sealed record Layer(Tensor W, Tensor B, string Name);

    private static Layer MakeLayer() => new(Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 2, 3), Np.Array(-1.0, 0.5), "dense");

    [Fact]
    public void Map_OverTwoAndThreeTrees_CombinesLeavesAndKeepsStaticMembers()
    {
        var a = MakeLayer();
        var b = Tree.Scale(a, 10);
        var sum = Tree.Map(a, b, (x, y) => x + y);
        Assert.Equal("dense", sum.Name);
        Assert.Equal(new[] { 11.0, 22, 33, 44, 55, 66 }, sum.W.ToArray<double>());
        var fma = Tree.Map(a, b, a, (x, y, z) => (x * y) - z);
        Assert.Equal(new[] { 11.0, 2 }, fma.B.ToArray<double>());   // 10B² − B
    }

    [Fact]
    public void Map_WithDifferentStructures_IsATreeStructureError()
    {
        var error = Assert.Throws<TreeStructureException>(() => Tree.Map(new[] { Np.Zeros(2) }, new[] { Np.Zeros(2), Np.Zeros(2) }, (x, y) => x + y));
        Assert.Contains("different structures", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reduce_FoldsInFlattenOrder()
    {
        var a = MakeLayer();
        Assert.Equal(8, Tree.Reduce(a, 0, (n, leaf) => n + leaf.Size));
        Assert.Equal(8, Tree.Size(a));
        Assert.Equal("[2,3][2]", Tree.Reduce(a, "", (s, leaf) => s + $"[{string.Join(",", leaf.Shape.Dims.ToArray())}]"));
    }

    [Fact]
    public void Ravel_ConcatenatesLeavesInOrder_AndUnravelRebuildsTheTree()
    {
        var a = MakeLayer();
        var (flat, unravel) = Tree.Ravel(a);
        Assert.Equal(new[] { 1.0, 2, 3, 4, 5, 6, -1, 0.5 }, flat.ToArray<double>());
        var back = unravel(flat * 2.0);
        Assert.Equal("dense", back.Name);
        Assert.Equal(Shape.Of(2, 3), back.W.Shape);
        Assert.Equal(new[] { -2.0, 1 }, back.B.ToArray<double>());
        Assert.Equal(new[] { 2.0, 4, 6, 8, 10, 12 }, Tree.Unravel(a, flat * 2.0).W.ToArray<double>());
    }

    [Fact]
    public void Ravel_RejectsMixedDtypes_AndUnravelRejectsWrongLength()
    {
        Assert.Throws<DTypeException>(() => Tree.Ravel((Np.Zeros(2), Np.Zeros([2], DType.Float32))));
        var (_, unravel) = Tree.Ravel(MakeLayer());
        Assert.Throws<ShapeException>(() => unravel(Np.Zeros(7)));
        var (empty, unravelEmpty) = Tree.Ravel(System.Array.Empty<Tensor>());
        Assert.Equal(0, empty.Size);
        Assert.Empty(unravelEmpty(empty));
    }

    [Fact]
    public void Unravel_IsDifferentiable()
    {
        var a = MakeLayer();
        var (flat, unravel) = Tree.Ravel(a);
        // Σ W² + Σ B³ through unravel: gradient 2W then 3B², in ravel order.
        var g = Ad.Grad<Tensor>(v => { var p = unravel(v); return Np.Sum(p.W * p.W) + Np.Sum(p.B * p.B * p.B); })(flat);
        Assert.Equal(new[] { 2.0, 4, 6, 8, 10, 12, 3, 0.75 }, g.ToArray<double>());
    }

    [Fact]
    public void Arithmetic_AddSubtractScaleDotNorm()
    {
        var a = (Np.Array(3.0), new[] { Np.Array(4.0, 0.0) });
        var b = (Np.Array(1.0), new[] { Np.Array(2.0, 5.0) });
        Assert.Equal(4.0, Tree.Add(a, b).Item1.ToDouble());
        Assert.Equal(new[] { 2.0, -5 }, Tree.Subtract(a, b).Item2[0].ToArray<double>());
        Assert.Equal(new[] { 8.0, 0 }, Tree.Multiply(a, b).Item2[0].ToArray<double>());
        Assert.Equal(new[] { 5.0, 2.5 }, Tree.AddScaled(a, 0.5, b).Item2[0].ToArray<double>());
        Assert.Equal(3 + 8, Tree.Dot(a, b).ToDouble());
        Assert.Equal(5.0, Tree.Norm(a).ToDouble());
        Assert.Equal(0.0, Tree.Norm(Tree.ZerosLike(a)).ToDouble());
        Assert.Equal(0.0, Tree.Dot(System.Array.Empty<Tensor>(), System.Array.Empty<Tensor>()).ToDouble());
    }

    [Fact]
    public void HessianOverATree_IsTheMatrixOfTheRaveledParameters()
    {
        // f(w, b) = Σ w² b + b³ with w ∈ R², b scalar-vector [1]: H = [[2b, 0, 2w0], [0, 2b, 2w1], [2w0, 2w1, 6b]].
        var x = (W: Np.Array(1.0, 2.0), B: Np.Array(3.0));
        Func<(Tensor W, Tensor B), Tensor> f = p => Np.Sum(p.W * p.W * p.B) + Np.Sum(p.B * p.B * p.B);
        var h = Ad.Hessian(f)(x);
        Assert.Equal(Shape.Of(3, 3), h.Shape);
        Assert.Equal(new[] { 6.0, 0, 2, 0, 6, 4, 2, 4, 18 }, h.ToArray<double>());

        var v = (W: Np.Array(1.0, 0.0), B: Np.Array(1.0));
        var hv = Ad.HessianVectorProduct(f, x, v);
        Assert.Equal(new[] { 8.0, 4 }, hv.W.ToArray<double>());
        Assert.Equal(new[] { 20.0 }, hv.B.ToArray<double>());
    }

    [Fact]
    public void JacobiansOverATree_AgreeForwardAndReverse()
    {
        var x = (W: Tensor.FromArray([1.0, 2, 3, 4], 2, 2), B: Np.Array(0.5, -1.0));
        Func<(Tensor W, Tensor B), Tensor> f = p => Np.Tanh(Np.MatMul(p.W, Np.Array(1.0, -2.0)) + p.B);
        var jf = Ad.JacFwd(f)(x);
        var jr = Ad.JacRev(f)(x);
        Assert.Equal(Shape.Of(2, 6), jf.Shape);
        Assert.True(Np.AllClose(jf, jr, 1e-12, 1e-14));
        // ∂y0/∂b0 = 1 − tanh²(W0·u + b0), ∂y0/∂b1 = 0.
        double z0 = (1 * 1.0) + (2 * -2.0) + 0.5;
        Assert.Equal(1 - (Math.Tanh(z0) * Math.Tanh(z0)), jf.ToArray<double>()[4], 12);
        Assert.Equal(0.0, jf.ToArray<double>()[5]);
    }
}
