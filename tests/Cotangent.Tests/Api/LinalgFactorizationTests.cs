using Cotangent.Primitives;
using Cotangent.Runtime;
using Cotangent.Tests.Primitives;

namespace Cotangent.Tests.Api;

/// <summary>
/// Np.Linalg: reconstruction and backward-error identities (checked with plain loops, not the library's GEMM) at
/// sizes on both sides of the block size 64 and batched; derivatives by CheckGrads to second order; singular and
/// non-PD inputs; and a Newton's-method logistic regression with Ad.Hessian + Solve.
/// </summary>
public class LinalgFactorizationTests
{
    /// <summary>Sizes: tiny, one block, one block + 1, several blocks (the blocked/GEMM paths).</summary>
    public static TheoryData<int, DType> Sizes => new()
    {
        { 1, DType.Float64 }, { 7, DType.Float64 }, { 64, DType.Float64 }, { 65, DType.Float64 }, { 150, DType.Float64 },
        { 7, DType.Float32 }, { 130, DType.Float32 },
    };

    /// <summary>Relative tolerance c·n·ε (the backward-stability bound of the notes' §5, with c = 10); 1e-12 for f64 at these sizes.</summary>
    private static double Bound(int n, DType d) => d == DType.Float64 ? 1e-12 : 10 * Math.Max(n, 8) * 1.2e-7;

    private static double[] V(Tensor t) => ApiTestUtil.Values(t);

    /// <summary>‖X·Y − Z‖_F / ‖Z‖_F over a batch of row-major n×n (X n×k, Y k×m) matrices.</summary>
    private static double RelProductError(double[] x, double[] y, double[] z, int batch, int n, int k, int m, bool transY = false)
    {
        double num = 0, den = 0;
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                {
                    double s = 0;
                    for (int t = 0; t < k; t++) s += x[(b * n * k) + (i * k) + t] * (transY ? y[(b * m * k) + (j * k) + t] : y[(b * k * m) + (t * m) + j]);
                    double e = s - z[(b * n * m) + (i * m) + j];
                    num += e * e;
                    den += z[(b * n * m) + (i * m) + j] * z[(b * n * m) + (i * m) + j];
                }

        return Math.Sqrt(num / den);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Cholesky_ReconstructsA_AndIsLowerTriangular(int n, DType dtype)
    {
        var a = LinalgGen.Spd(new Random(n), dtype, [2], n);
        var l = V(Np.Linalg.Cholesky(a));
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++) Assert.Equal(0.0, l[(b * n * n) + (i * n) + j]);
        Assert.InRange(RelProductError(l, l, V(a), 2, n, n, n, transY: true), 0, Bound(n, dtype));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Lu_ReconstructsPermutedA_WithMultipliersAtMostOne(int n, DType dtype)
    {
        var r = new Random(n);
        var a = Gen.Std(r, dtype, [2, n, n]);
        var (luT, permT) = Lax.Lu(a);
        Assert.Equal(a.Shape, luT.Shape);
        Assert.Equal(Shape.Of(2, n), permT.Shape);
        Assert.Equal(dtype, permT.DType);
        var factors = V(luT);
        var perms = V(permT);
        var av = V(a);
        var l = new double[2 * n * n];
        var u = new double[2 * n * n];
        var pa = new double[2 * n * n];
        for (int b = 0; b < 2; b++)
        {
            int o = b * n * n;
            var perm = Enumerable.Range(0, n).Select(i => (int)perms[(b * n) + i]).ToArray();
            Assert.Equal(Enumerable.Range(0, n), perm.Order());
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double v = factors[o + (i * n) + j];
                    l[(b * n * n) + (i * n) + j] = i > j ? v : i == j ? 1 : 0;
                    u[(b * n * n) + (i * n) + j] = i <= j ? v : 0;
                    pa[(b * n * n) + (i * n) + j] = av[(b * n * n) + (perm[i] * n) + j];
                    if (i > j) Assert.InRange(Math.Abs(v), 0, 1);
                }
        }

        Assert.InRange(RelProductError(l, u, pa, 2, n, n, n), 0, 10 * Bound(n, dtype)); // growth factor: random matrices stay far below the bound
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void TriangularSolve_AllFlagSets_HaveSmallBackwardError(int n, DType dtype)
    {
        var r = new Random(n);
        // Off-diagonal entries of size 1/n: random triangles with O(1) entries are exponentially ill-conditioned in n
        // (worst with a unit diagonal), which would test the matrix, not the solver.
        var a = Np.Add(Np.Multiply(Gen.Std(r, dtype, [n, n]), Lax.Scalar(1.0 / n, Np.Eye(1, dtype: dtype))), Np.Multiply(Np.Eye(n, dtype: dtype), Lax.Scalar(2, Np.Eye(1, dtype: dtype))));
        foreach (bool left in new[] { true, false })
            foreach (bool lower in new[] { true, false })
                foreach (bool trans in new[] { false, true })
                    foreach (bool unit in new[] { false, true })
                    {
                        int k = 3;
                        var b = Gen.Std(r, dtype, left ? [n, k] : [k, n]);
                        var x = V(Lax.TriangularSolve(a, b, left, lower, trans, unit));
                        // op(T) as a dense matrix: the read triangle, the unit diagonal, transposed if asked.
                        var av = V(a);
                        var t = new double[n * n];
                        for (int i = 0; i < n; i++)
                            for (int j = 0; j < n; j++)
                            {
                                bool inside = i == j || (lower ? i > j : i < j);
                                double v = !inside ? 0 : i == j && unit ? 1 : av[(i * n) + j];
                                if (trans) t[(j * n) + i] = v;
                                else t[(i * n) + j] = v;
                            }

                        double err = left ? RelProductError(t, x, V(b), 1, n, n, k) : RelProductError(x, t, V(b), 1, k, n, n);
                        Assert.True(err <= 100 * Bound(n, dtype), $"left={left} lower={lower} trans={trans} unit={unit}: relative residual {err}");
                    }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Solve_AndInv_HaveSmallResiduals_Batched(int n, DType dtype)
    {
        var r = new Random(n);
        var a = Gen.Std(r, dtype, [2, n, n]);
        var b = Gen.Std(r, dtype, [2, n, 3]);
        var x = V(Np.Linalg.Solve(a, b));
        Assert.InRange(RelProductError(V(a), x, V(b), 2, n, n, 3), 0, 100 * Bound(n, dtype));
        var inv = V(Np.Linalg.Inv(a));
        var eye = V(Np.BroadcastTo(Np.Eye(n, dtype: dtype), [2, n, n]));
        Assert.InRange(RelProductError(V(a), inv, eye, 2, n, n, n), 0, 1000 * Bound(n, dtype));
    }

    [Fact]
    public void Svd_Reconstructs_AndItsDerivativeMatchesFiniteDifferences()
    {
        foreach (int[] shape in new[] { new[] { 5, 3 }, new[] { 3, 5 }, new[] { 2, 4, 4 } })
        {
            var a = Gen.Std(new Random(11), DType.Float64, shape);
            var (u, s, vt) = Np.Linalg.Svd(a);
            var rebuilt = V(Np.MatMul(u * Np.ExpandDims(s, -2), vt));
            var av = V(a);
            for (int i = 0; i < av.Length; i++) Assert.True(Math.Abs(rebuilt[i] - av[i]) <= 1e-12 * (1 + Math.Abs(av[i])), $"U·S·Vᵀ differs from A at {i} for {string.Join("x", shape)}");
            var sv = V(s);
            Assert.All(sv, x => Assert.True(x >= 0));
            Ad.CheckGrads<Tensor, Tensor>(x =>
            {
                var (ux, sx, vtx) = Np.Linalg.Svd(x);
                // Sign-invariant functions of the singular vectors: uᵢuᵢᵀ and vᵢvᵢᵀ products.
                return Np.Sum(sx * sx * sx) + Np.Sum(Np.MatMul(ux * ux, Np.ExpandDims(Np.Sin(sx), -1))) + Np.Sum(vtx * vtx * 0.5 * Np.ExpandDims(sx, -1));
            }, a, order: 1);
        }
    }

    [Fact]
    public void LstsqAndPinv_AgreeWithTheNormalEquations_AndAreDifferentiable()
    {
        var a = Gen.Std(new Random(21), DType.Float64, [7, 3]);
        var b = Gen.Std(new Random(22), DType.Float64, [7, 2]);
        var (x, residuals, rank, s) = Np.Linalg.Lstsq(a, b);
        // Full column rank: x solves AᵀA x = Aᵀb.
        var expected = V(Np.Linalg.Solve(Np.MatMul(a.T, a), Np.MatMul(a.T, b)));
        var got = V(x);
        for (int i = 0; i < got.Length; i++) Assert.True(Math.Abs(got[i] - expected[i]) <= 1e-12 * (1 + Math.Abs(expected[i])), $"x[{i}]");
        Assert.Equal(3, (int)rank.ToDouble());
        Assert.Equal([3], s.Shape.Dims.ToArray());
        var r = Np.MatMul(a, x) - b;
        var rv = V(Np.Sum(r * r, 0));
        var resid = V(residuals);
        for (int k = 0; k < 2; k++) Assert.Equal(rv[k], resid[k], 12);

        // A·A⁺·A = A, also for a rank-deficient matrix (a repeated column), whose rank lstsq reports.
        var deficient = Np.Concatenate([a, a[.., 0..1]], 1);
        var p = Np.Linalg.Pinv(deficient);
        var back = V(Np.MatMul(Np.MatMul(deficient, p), deficient));
        var dv = V(deficient);
        for (int i = 0; i < dv.Length; i++) Assert.True(Math.Abs(back[i] - dv[i]) <= 1e-12 * (1 + Math.Abs(dv[i])), $"A·A⁺·A at {i}");
        Assert.Equal(3, (int)Np.Linalg.Lstsq(deficient, b).Rank.ToDouble());

        Ad.CheckGrads<(Tensor A, Tensor B), Tensor>(z => Np.Sum(Np.Sin(Np.Linalg.Lstsq(z.A, z.B).X)), (a, b), order: 1);
        Ad.CheckGrads<Tensor, Tensor>(m => Np.Sum(Np.Linalg.Pinv(m) * Np.Linalg.Pinv(m)), a, order: 1);
    }

    [Fact]
    public void Qr_Reconstructs_IsOrthonormal_AndIsDifferentiable()
    {
        var a = Gen.Std(new Random(7), DType.Float64, [6, 4]);
        var (q, r) = Np.Linalg.Qr(a);
        Assert.Equal([6, 4], q.Shape.Dims.ToArray());
        Assert.Equal([4, 4], r.Shape.Dims.ToArray());
        var qr = V(Np.MatMul(q, r));
        var av = V(a);
        for (int i = 0; i < av.Length; i++) Assert.True(Math.Abs(qr[i] - av[i]) <= 1e-12 * (1 + Math.Abs(av[i])), $"Q·R differs from A at {i}");
        var qtq = V(Np.MatMul(q.T, q));
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) Assert.True(Math.Abs(qtq[(i * 4) + j] - (i == j ? 1 : 0)) <= 1e-12, "QᵀQ ≠ I");
        var rv = V(r);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < i; j++) Assert.Equal(0.0, rv[(i * 4) + j]);

        // The JVP rule (JAX's) against central differences, to second order, through both results.
        Ad.CheckGrads<Tensor, Tensor>(x =>
        {
            var (qx, rx) = Np.Linalg.Qr(x);
            return Np.Sum(Np.Sin(qx)) + Np.Sum(rx * rx * 0.25);
        }, a, order: 2);

        var (qc, rc) = Np.Linalg.Qr(a, "complete");
        Assert.Equal([6, 6], qc.Shape.Dims.ToArray());
        Assert.Equal([6, 4], rc.Shape.Dims.ToArray());
        Assert.Throws<ValueException>(() => Np.Linalg.Qr(a, "economic"));
        Assert.Throws<DifferentiationException>(() => Ad.Grad<Tensor>(x => Np.Sum(Np.Linalg.Qr(x).R))(Gen.Std(new Random(1), DType.Float64, [2, 3])));
    }

    [Fact]
    public void Solve_VectorRightHandSide_BroadcastsLeadingAxes()
    {
        var a = LinalgGen.PivotStable(new Random(1), DType.Float64, [3], 4);
        var b = Gen.Std(new Random(2), DType.Float64, [4]);
        var x = Np.Linalg.Solve(a, b);
        Assert.Equal([3, 4], x.Shape.ToArray());
        var back = Np.MatMul(a, Np.Reshape(x, [3, 4, 1]));
        var bb = V(b);
        var bv = V(back);
        for (int i = 0; i < 12; i++) Assert.Equal(bb[i % 4], bv[i], 1e-12);
    }

    [Fact]
    public void Det_IsMultiplicative_AndAgreesWithSlogdet_AndPermutationSigns()
    {
        var r = new Random(3);
        var a = Gen.Std(r, DType.Float64, [2, 5, 5]);
        var b = Gen.Std(r, DType.Float64, [2, 5, 5]);
        var dab = V(Np.Linalg.Det(Np.MatMul(a, b)));
        var da = V(Np.Linalg.Det(a));
        var db = V(Np.Linalg.Det(b));
        var (sign, logAbs) = Np.Linalg.Slogdet(a);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(da[i] * db[i], dab[i], 1e-10 * Math.Abs(dab[i]));
            Assert.Equal(da[i], V(sign)[i] * Math.Exp(V(logAbs)[i]), 1e-12 * Math.Abs(da[i]));
        }

        // An odd permutation matrix has determinant −1; an even one +1.
        var swap = Tensor.FromArray(new double[] { 0, 1, 0, 1, 0, 0, 0, 0, 1 }, 3, 3);
        var cycle = Tensor.FromArray(new double[] { 0, 1, 0, 0, 0, 1, 1, 0, 0 }, 3, 3);
        Assert.Equal(-1.0, V(Np.Linalg.Det(swap))[0]);
        Assert.Equal(1.0, V(Np.Linalg.Det(cycle))[0]);
    }

    [Fact]
    public void SingularAndNonPdInputs_GiveTheDocumentedValues()
    {
        var singular = Tensor.FromArray(new double[] { 1, 2, 2, 4 }, 2, 2);
        Assert.Equal(0.0, V(Np.Linalg.Det(singular))[0]);
        var (sign, logAbs) = Np.Linalg.Slogdet(singular);
        Assert.Equal(0.0, V(sign)[0]);
        Assert.Equal(double.NegativeInfinity, V(logAbs)[0]);
        Assert.Contains(V(Np.Linalg.Solve(singular, Tensor.FromArray(new double[] { 1, 1 }, 2))), v => !double.IsFinite(v));
        var indefinite = Tensor.FromArray(new double[] { 1, 2, 2, 1 }, 2, 2);
        Assert.All(V(Np.Linalg.Cholesky(indefinite)), v => Assert.True(double.IsNaN(v)));
    }

    [Fact]
    public void MatrixPower_MatchesRepeatedProducts_AndInverse()
    {
        var a = LinalgGen.PivotStable(new Random(4), DType.Float64, [], 3);
        var expected = Np.MatMul(Np.MatMul(Np.MatMul(Np.MatMul(a, a), a), a), a);
        ApiTestUtil.Close(V(expected), Np.Linalg.MatrixPower(a, 5), 1e-9);
        ApiTestUtil.Close(V(Np.Eye(3)), Np.MatMul(Np.Linalg.MatrixPower(a, -2), Np.MatMul(a, a)), 1e-12);
        ApiTestUtil.Close(V(Np.Eye(3)), Np.Linalg.MatrixPower(a, 0), 0);
    }

    /// <summary>Every function's derivatives against finite differences, to second order, forward and reverse.</summary>
    [Fact]
    public void Derivatives_MatchFiniteDifferences_ToSecondOrder()
    {
        var r = new Random(5);
        var spd = LinalgGen.Spd(r, DType.Float64, [2], 3);
        var gen = LinalgGen.PivotStable(r, DType.Float64, [2], 3);
        var tri = LinalgGen.Triangular(r, DType.Float64, [], 3);
        var b = Gen.Std(r, DType.Float64, [2, 3, 2]);
        Ad.CheckGrads(Np.Linalg.Cholesky, spd);
        Ad.CheckGrads((Tensor x) => Np.Linalg.CholeskySolve(Np.Linalg.Cholesky(x), b), spd);
        Ad.CheckGrads(((Tensor A, Tensor B) p) => Np.Linalg.Solve(p.A, p.B), (gen, b));
        Ad.CheckGrads(((Tensor A, Tensor B) p) => Np.Linalg.TriangularSolve(p.A, p.B, lower: true, transpose: true), (tri, Gen.Std(r, DType.Float64, [3])));
        Ad.CheckGrads(Np.Linalg.Inv, gen);
        Ad.CheckGrads(Np.Linalg.Det, gen);
        Ad.CheckGrads((Tensor x) => Np.Linalg.Slogdet(x).LogAbsDet, gen);
        Ad.CheckGrads((Tensor x) => Np.Linalg.MatrixPower(x, -3), gen);
    }

    [Fact]
    public void Gradients_MatchClosedForms()
    {
        // ∇ log|det A| = A⁻ᵀ; ∇_b ⟨c, A⁻¹b⟩ = A⁻ᵀc.
        var a = LinalgGen.PivotStable(new Random(6), DType.Float64, [], 4);
        var g = Ad.Grad((Tensor x) => Np.Linalg.Slogdet(x).LogAbsDet)(a);
        ApiTestUtil.Close(V(Np.Transpose(Np.Linalg.Inv(a))), g, 1e-12);
        var c = Gen.Std(new Random(7), DType.Float64, [4]);
        var gb = Ad.Grad((Tensor b) => Np.Sum(Np.Multiply(c, Np.Linalg.Solve(a, b))))(Np.Zeros([4]));
        ApiTestUtil.Close(V(Np.Linalg.Solve(Np.Transpose(a), c)), gb, 1e-12);
    }

    /// <summary>
    /// Logistic regression by Newton's method, the issue's first "must show": the Hessian from Ad.Hessian, the step from
    /// Solve. Newton converges quadratically, so a handful of steps bring the gradient to rounding level.
    /// </summary>
    [Fact]
    public void NewtonsMethod_LogisticRegression_ConvergesQuadratically()
    {
        var r = new Random(8);
        int m = 200, d = 3;
        var xs = new double[m * d];
        var ys = new double[m];
        double[] wTrue = [1.5, -2, 0.5];
        for (int i = 0; i < m; i++)
        {
            double z = 0;
            for (int j = 0; j < d; j++) z += wTrue[j] * (xs[(i * d) + j] = (2 * r.NextDouble()) - 1);
            ys[i] = r.NextDouble() < 1 / (1 + Math.Exp(-z)) ? 1 : -1;
        }

        var x = Tensor.FromArray(xs, m, d);
        var y = Tensor.FromArray(ys, m);
        // Mean logistic loss log(1 + exp(−y·Xw)) plus a small ridge so the minimum is unique.
        Tensor Loss(Tensor w) => Np.Add(Np.Mean(Np.Log1p(Np.Exp(Np.Negative(Np.Multiply(y, Np.MatMul(x, w)))))), Np.Multiply(Np.Sum(Np.Multiply(w, w)), 1e-3));
        var grad = Ad.Grad<Tensor>(Loss);
        var hessian = Ad.Hessian(Loss);
        var w = Np.Zeros([d]);
        var norms = new List<double>();
        for (int step = 0; step < 8; step++)
        {
            var g = grad(w);
            norms.Add(Math.Sqrt(V(g).Sum(v => v * v)));
            w = Np.Subtract(w, Np.Linalg.Solve(hessian(w), g));
        }

        Assert.True(norms[^1] < 1e-13, $"gradient norms {string.Join(", ", norms)}");
        // Quadratic convergence: once small, each step roughly squares the norm.
        int k = norms.FindIndex(v => v < 1e-3);
        Assert.True(k >= 0 && k + 1 < norms.Count && norms[k + 1] < 10 * norms[k] * norms[k] + 1e-15, $"gradient norms {string.Join(", ", norms)}");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Eigh_ReconstructsA_WithOrthonormalVectors_AndAscendingValues(int n, DType dtype)
    {
        var r = new Random(n);
        var m = Gen.Std(r, dtype, [2, n, n]);
        var a = Np.Add(m, Np.Transpose(m, 0, 2, 1));
        var (w, v) = Np.Linalg.Eigh(a);
        var wv = V(w);
        var vv = V(v);
        var vl = new double[vv.Length];
        var eye = new double[vv.Length];
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < n; i++)
            {
                if (i > 0) Assert.True(wv[(b * n) + i - 1] <= wv[(b * n) + i]);
                eye[(b * n * n) + (i * n) + i] = 1;
                for (int j = 0; j < n; j++) vl[(b * n * n) + (i * n) + j] = vv[(b * n * n) + (i * n) + j] * wv[(b * n) + j];
            }

        // V·Λ·Vᵀ = A and Vᵀ·V = I (as V·Vᵀ with V's transpose: square orthogonal matrices satisfy both).
        Assert.InRange(RelProductError(vl, vv, V(a), 2, n, n, n, transY: true), 0, 10 * Bound(n, dtype));
        Assert.InRange(RelProductError(vv, vv, eye, 2, n, n, n, transY: true), 0, 10 * Bound(n, dtype));
    }

    [Fact]
    public void Eigh_Derivatives_MatchFiniteDifferences_ToSecondOrder()
    {
        var a = LinalgGen.SpreadSymmetric(new Random(9), DType.Float64, [2], 4);
        // Sign-invariant functions of the eigenvectors (each column's sign is arbitrary): w, and V∘V.
        Ad.CheckGrads(Np.Linalg.Eigvalsh, a);
        Ad.CheckGrads((Tensor x) =>
        {
            var (_, v) = Np.Linalg.Eigh(x);
            return Np.Multiply(v, v);
        }, a);
        // ∂λ_k/∂A = v_k v_kᵀ for the symmetrized input.
        var g = Ad.Grad((Tensor x) => Np.Sum(Np.Linalg.Eigvalsh(x)))(a);
        var eye = Np.BroadcastTo(Np.Eye(4), [2, 4, 4]);
        ApiTestUtil.Close(V(eye), g, 1e-12);
    }

    /// <summary>
    /// The issue's second "must show": normal modes of a chain of n unit masses joined by n + 1 unit springs between
    /// fixed walls. The stiffness matrix is the Hessian of the potential (Ad.Hessian) and the squared frequencies are
    /// its eigenvalues (Eigh), known in closed form: ω_k² = 4 sin²(kπ / (2(n + 1))), modes sin(ijπ/(n+1)).
    /// </summary>
    [Fact]
    public void NormalModes_OfASpringChain_FromTheHessianOfThePotential()
    {
        int n = 12;
        Tensor Potential(Tensor x)
        {
            // U = ½ Σ (x_{i+1} − x_i)² with x_0 = x_{n+1} = 0 (the walls).
            var zero = Np.Zeros([1]);
            var padded = Np.Concatenate([zero, x, zero], 0);
            var stretch = Np.Subtract(padded[1..], padded[..^1]);
            return Np.Multiply(Np.Sum(Np.Multiply(stretch, stretch)), 0.5);
        }

        var x0 = Gen.Std(new Random(10), DType.Float64, [n]); // the potential is quadratic: any point gives the same Hessian
        var k = Ad.Hessian(Potential)(x0);
        var (w, v) = Np.Linalg.Eigh(k);
        var wv = V(w);
        var vv = V(v);
        for (int j = 1; j <= n; j++)
        {
            double s = Math.Sin(j * Math.PI / (2 * (n + 1)));
            Assert.Equal(4 * s * s, wv[j - 1], 1e-12);
            // Mode j is ∝ sin(i·j·π/(n + 1)): |⟨v, mode⟩| = ‖mode‖.
            double dot = 0, norm = 0;
            for (int i = 1; i <= n; i++)
            {
                double mode = Math.Sin(i * j * Math.PI / (n + 1));
                dot += vv[((i - 1) * n) + j - 1] * mode;
                norm += mode * mode;
            }

            Assert.Equal(Math.Sqrt(norm), Math.Abs(dot), 1e-10);
        }
    }
}
