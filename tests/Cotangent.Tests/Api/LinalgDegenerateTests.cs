using static Cotangent.Np;

namespace Cotangent.Tests.Api;

/// <summary>
/// Eigh at a repeated eigenvalue, as its docs (and JAX's rule) say: the eigenvalues' derivative stays finite and exact
/// when the eigenvectors are unused — Σ λ² = ‖A‖²_F has gradient 2A, and Σ wᵢλᵢ with equal weights on the repeated pair
/// has gradient Σ wᵢ vᵢvᵢᵀ — in reverse and forward mode, on 3×3 and 40×40 matrices.
/// </summary>
public class LinalgDegenerateTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(40)]
    public void EigenvalueDerivatives_AreExact_AtARepeatedEigenvalue(int n)
    {
        // A = Q·diag(λ)·Qᵀ with λ = (1, 1, 3, 4, …): the first eigenvalue is repeated.
        var rng = new Random(n);
        var m = new double[n, n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m[i, j] = rng.NextDouble() - 0.5;
        var q = Np.Linalg.Qr(Array(m)).Q;
        var lambda = new double[n];
        for (int i = 0; i < n; i++) lambda[i] = i == 0 ? 1 : i + 1 - (i == 1 ? 1 : 0);
        var a = MatMul(q * Array(lambda), q.T);
        a = (a + a.T) * 0.5;

        var g = Ad.Grad<Tensor>(x => Sum(Square(Np.Linalg.Eigvalsh(x))))(a).ToArray<double>();
        var twoA = (a * 2.0).ToArray<double>();
        for (int i = 0; i < g.Length; i++) Assert.Equal(twoA[i], g[i], 10);

        // Weights equal on the repeated pair: the gradient is Q·diag(w)·Qᵀ, which does not depend on how the pair's
        // eigenvectors are chosen.
        var w = new double[n];
        for (int i = 0; i < n; i++) w[i] = i < 2 ? 1 : 2 + i;
        var gw = Ad.Grad<Tensor>(x => Sum(Np.Linalg.Eigvalsh(x) * Array(w)))(a).ToArray<double>();
        var expected = MatMul(q * Array(w), q.T).ToArray<double>();
        for (int i = 0; i < gw.Length; i++) Assert.Equal(expected[i], gw[i], 10);

        // Forward mode along the identity: every eigenvalue moves by 1.
        var t = Ad.Jvp<Tensor, Tensor>(x => Np.Linalg.Eigvalsh(x), a, Eye(n)).Tangent.ToArray<double>();
        foreach (var v in t) Assert.Equal(1.0, v, 10);
    }
}
