using Cotangent.Runtime;

namespace Cotangent.Tests.Transforms;

/// <summary>
/// Jacobians and Hessians built on Vmap: the blocks of tree-to-tree Jacobians agree with the Jacobian of the raveled
/// function (itself checked against central differences elsewhere), forward and reverse agree, and the Hessian of a
/// two-argument function has the cross blocks.
/// </summary>
public class TreeJacobianTests
{
    private sealed record Layer(Tensor W, Tensor B);

    private static void Close(Tensor expected, Tensor actual, double tol = 1e-10)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var (a, b) = (expected.ToArray<double>(), actual.ToArray<double>());
        for (int i = 0; i < a.Length; i++)
            Assert.True(Math.Abs(a[i] - b[i]) <= tol * (1 + Math.Abs(a[i])), $"element {i}: expected {a[i]}, got {b[i]}");
    }

    private static readonly Tensor s_x = Np.RandomNormal(1, [5, 3]);

    private static (Tensor Y, Tensor Z) Net(Layer p) => (Np.Tanh(Np.MatMul(s_x, p.W) + p.B), Np.Sum(Np.Sin(p.W)) * p.B);

    [Fact]
    public void Blocks_MatchTheRaveledJacobian_ForwardAndReverse()
    {
        var p = new Layer(Np.RandomNormal(2, [3, 4]), Np.RandomNormal(3, [4]));
        var (flat, unravel) = Tree.Ravel(p);
        Tensor Flat(Tensor v)
        {
            var (y, z) = Net(unravel(v));
            return Np.Concatenate([Np.Reshape(y, [-1]), z], 0);
        }

        var full = Ad.JacFwd(Flat)(flat);   // [24, 16]
        var fwd = Ad.JacFwd<Layer, (Tensor, Tensor)>(Net)(p);
        var rev = Ad.JacRev<Layer, (Tensor, Tensor)>(Net)(p);
        Assert.Equal(Shape.Of(5, 4, 3, 4), fwd[0, 0].Shape);
        Assert.Equal(Shape.Of(4, 4), fwd[1, 1].Shape);
        Close(full, fwd.ToMatrix());
        Close(full, rev.ToMatrix());
        // A row is a tree like the input; a column a tree like the output.
        Layer row = rev.Row(1);
        Close(rev[1, 0], row.W);
        var (cy, cz) = fwd.Column(1);
        Close(fwd[0, 1], cy);
        Close(fwd[1, 1], cz);
        Close(full, Ad.JacRev(Flat)(flat));
    }

    [Fact]
    public void Hessian_OfTwoArguments_HasTheCrossBlocks()
    {
        var w = Np.RandomNormal(4, [3]);
        var b = Np.RandomNormal(5, [2]);
        Func<Tensor, Tensor, Tensor> f = (u, v) => Np.Sum(Np.Exp(Np.Outer(u, v))) + Np.Sum(u * u * u);
        var h = Ad.Hessian<Tensor, Tensor>(f)(w, b);
        Tensor Joint(Tensor z) => f(z[..3], z[3..]);
        var full = Ad.Hessian(Joint)(Np.Concatenate([w, b], 0));   // [5, 5], itself JacFwd(Grad)
        Close(full, h.ToMatrix());
        Assert.Equal(Shape.Of(3, 2), h[0, 1].Shape);
        Close(h[0, 1], Np.Transpose(h[1, 0]));   // symmetric across the blocks
    }

    [Fact]
    public void Jacobians_AtRealisticSize_MatchTheBasisLoop()
    {
        // 256 → 256: the batched pass against applying the linear map to each basis vector in turn.
        var x = Np.RandomNormal(6, [256]);
        var m = Np.RandomNormal(7, [256, 256]) * 0.05;
        Func<Tensor, Tensor> f = v => Np.Tanh(Np.MatMul(m, v)) * v;
        var (_, linear) = Ad.Linearize(f, x);
        var eye = Np.Eye(256);
        var loop = Np.Stack(Enumerable.Range(0, 256).Select(i => linear.ApplyTranspose(eye[i])).ToArray());
        Close(loop, Ad.JacRev(f)(x));
        Close(loop, Ad.JacFwd(f)(x));   // row i of J is Jᵀ·eᵢ
    }
}
