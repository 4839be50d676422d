// Property tests of Np.Linalg on random well-conditioned matrices (issue #14, item 4).
//
// Each [Fact] draws cases from CsCheck — sizes n = 1…40 (one case in ten 41…80), 0–2 leading batch axes of extent 1–3,
// float64 (float32 in about one case in seven) and a seed for the values — and builds the matrices itself with plain
// loops, independent of the library: SPD as B·Bᵀ + n·I; general as a row permutation of uniform [−1, 1) with diagonal
// ±(n + 1 + [0, 1)) (diagonally dominant); symmetric or SPD with a known, well-separated spectrum as Q·diag(λ)·Qᵀ; and
// rectangular with known singular values in [1, 3] as U·diag(s)·Vᵀ, the orthonormal factors by Gram–Schmidt of
// uniform matrices. Products in the checks are plain loops too.
//
// Norm: every identity is checked as ‖X − Y‖_F / ‖Y‖_F ≤ tol (Frobenius over the whole batch), with tol = 1e-12 for
// float64 and 10·c·max(n, 8)·1.2e-7 for float32 (c = 1…10 by the number of factors in the product).
// Derivatives: Ad.CheckGrads to order 2 on n ≤ 5, float64. Vmap: Vmap(f) over 1–3 examples equals the loop, to 1e-12.
//
// Determinism, iteration multiplier (COTANGENT_PROPERTY_ITERATIONS) and replay (CsCheck_Seed) are AdProperties': each
// property draws from a fixed PCG stream seeded by its name; a failure prints the case and its seed, then CsCheck
// shrinks from there.

using Cotangent.Runtime;
using Cotangent.Tests.Properties;
using CsCheck;
using Xunit.Abstractions;

namespace Cotangent.Tests.Api;

/// <summary>
/// Np.Linalg identities on random well-conditioned matrices drawn by CsCheck: reconstruction (Cholesky, QR, Eigh, SVD),
/// residuals (Solve, Inv, TriangularSolve, CholeskySolve), Det/Slogdet against known spectra, Penrose conditions of Pinv
/// and Lstsq, matrix norms, second-order derivatives by CheckGrads, and Vmap against the loop.
/// </summary>
[Trait("Category", "Property")]
public sealed class LinalgProperties(ITestOutputHelper output)
{
    /// <summary>One drawn case: an M×N matrix shape (M = N for square properties), leading batch axes, dtype, seed.</summary>
    private sealed record Case(int M, int N, int[] Batch, DType DType, int Seed)
    {
        /// <summary>The number of matrices in the batch.</summary>
        public int Count => Batch.Aggregate(1, (a, b) => a * b);

        /// <summary>The batch axes followed by <paramref name="tail"/>.</summary>
        public int[] Shape(params int[] tail) => [.. Batch, .. tail];

        /// <inheritdoc/>
        public override string ToString() => $"{DType.ShortName()}[{string.Join(", ", Shape(M, N))}] seed {Seed}";
    }

    private static Gen<int> Size(int max, int big) => Gen.Frequency((9, Gen.Int[1, max]), (1, Gen.Int[max + 1, big]));

    /// <summary>Cases for the value identities: sizes 1…40 (occasionally 80), 0–2 batch axes, some float32.</summary>
    private static Gen<Case> Cases(bool square) => Gen.Select(Size(40, 80), Size(40, 80), Gen.Int[1, 3].Array[0, 2], Gen.Int[0, 6], Gen.Int[0, int.MaxValue],
        (m, n, batch, d, seed) => new Case(square ? n : m, n, batch, d == 0 ? DType.Float32 : DType.Float64, seed));

    /// <summary>Cases for derivatives and Vmap: float64, n ≤ 5, at most one batch axis of extent ≤ 2.</summary>
    private static Gen<Case> SmallCases { get; } = Gen.Select(Gen.Int[1, 5], Gen.Int[1, 5], Gen.Int[1, 2].Array[0, 1], Gen.Int[0, int.MaxValue],
        (m, n, batch, seed) => new Case(m, n, batch, DType.Float64, seed));

    // ---- value identities ----

    /// <summary>L·Lᵀ = A with L lower triangular (exact zeros above, positive diagonal); 2·Σ log Lᵢᵢ = Slogdet; CholeskySolve residual.</summary>
    [Fact]
    public void Cholesky_Reconstructs_IsLower_AndSolves() => ForAll(Cases(square: true), 120, c =>
    {
        int n = c.N;
        var r = new Random(c.Seed);
        var a = Build(c, r, Spd);
        var l = Values(Np.Linalg.Cholesky(a));
        var logdet = new double[c.Count];
        for (int b = 0; b < c.Count; b++)
            for (int i = 0; i < n; i++)
            {
                Assert.True(l[(b * n * n) + (i * n) + i] > 0, $"L[{i},{i}] ≤ 0");
                logdet[b] += 2 * Math.Log(l[(b * n * n) + (i * n) + i]);
                for (int j = i + 1; j < n; j++) Assert.True(l[(b * n * n) + (i * n) + j] == 0, $"L[{i},{j}] = {l[(b * n * n) + (i * n) + j]} above the diagonal");
            }

        Close(Mul(l, l, c.Count, n, n, n, transY: true), Values(a), Tol(c, 1), "L·Lᵀ vs A");
        Close(Values(Np.Linalg.Slogdet(a).LogAbsDet), logdet, Tol(c, 1), "Slogdet vs 2·Σ log Lᵢᵢ");
        var rhs = Matrices(r, c.Count, n, 3, c.DType, shape: c.Shape(n, 3));
        var x = Values(Np.Linalg.CholeskySolve(Np.Linalg.Cholesky(a), rhs));
        Close(Mul(Values(a), x, c.Count, n, n, 3), Values(rhs), Tol(c, 10), "A·CholeskySolve(L, B) vs B");
    });

    /// <summary>Q·R = A for tall, square and wide A; QᵀQ = I; R upper triangular with exact zeros below.</summary>
    [Fact]
    public void Qr_Reconstructs_WithOrthonormalQ_AndUpperR() => ForAll(Cases(square: false), 120, c =>
    {
        int m = c.M, n = c.N, k = Math.Min(m, n);
        var a = Matrices(new Random(c.Seed), c.Count, m, n, c.DType, c.Shape(m, n));
        var (qt, rt) = Np.Linalg.Qr(a);
        Assert.Equal(Shape.Of(c.Shape(m, k)), qt.Shape);
        Assert.Equal(Shape.Of(c.Shape(k, n)), rt.Shape);
        var q = Values(qt);
        var rv = Values(rt);
        for (int b = 0; b < c.Count; b++)
            for (int i = 0; i < k; i++)
                for (int j = 0; j < Math.Min(i, n); j++) Assert.True(rv[(b * k * n) + (i * n) + j] == 0, $"R[{i},{j}] below the diagonal");
        Close(Mul(q, rv, c.Count, m, k, n), Values(a), Tol(c, 3), "Q·R vs A");
        Close(Mul(q, q, c.Count, k, m, k, transX: true), Identity(c.Count, k), Tol(c, 3), "QᵀQ vs I");
    });

    /// <summary>A = Q·diag(λ)·Qᵀ with known, separated λ: Eigh gives w ascending and equal to λ, V·diag(w)·Vᵀ = A, VᵀV = I.</summary>
    [Fact]
    public void Eigh_RecoversAKnownSpectrum_WithOrthonormalVectors() => ForAll(Cases(square: true), 120, c =>
    {
        int n = c.N;
        var lambdas = new List<double[]>();
        var a = Build(c, new Random(c.Seed), (r, n1) => Symmetric(r, n1, lambdas, positive: false));
        var (wt, vt) = Np.Linalg.Eigh(a);
        var w = Values(wt);
        var v = Values(vt);
        var expected = lambdas.SelectMany(x => x).ToArray();
        for (int i = 0; i < w.Length; i++)
            if (i % n > 0) Assert.True(w[i - 1] <= w[i], $"eigenvalues not ascending at {i}: {w[i - 1]} > {w[i]}");
        Close(w, expected, Tol(c, 3), "eigenvalues vs the constructed spectrum");
        Assert.Equal(w, Values(Np.Linalg.Eigvalsh(a)));
        var vl = new double[v.Length];
        for (int i = 0; i < v.Length; i++) vl[i] = v[i] * w[(i / (n * n) * n) + (i % n)];
        Close(Mul(vl, v, c.Count, n, n, n, transY: true), Values(a), Tol(c, 10), "V·diag(w)·Vᵀ vs A");
        Close(Mul(v, v, c.Count, n, n, n, transX: true), Identity(c.Count, n), Tol(c, 10), "VᵀV vs I");
    });

    /// <summary>
    /// A = U₀·diag(s)·V₀ᵀ, tall or wide, with known s in [1, 3]: U·diag(S)·Vt = A, UᵀU = I, Vt·Vtᵀ = I, S descending, ≥ 0 and
    /// equal to s; Norm 2, −2, "nuc", "fro" from S.
    /// </summary>
    [Fact]
    public void Svd_Reconstructs_TallAndWide_WithKnownSingularValues_AndNorms() => ForAll(Cases(square: false), 120, c =>
    {
        int m = c.M, n = c.N, k = Math.Min(m, n);
        var sigmas = new List<double[]>();
        var a = Build(c, new Random(c.Seed), (r, _) => Rectangular(r, m, n, sigmas));
        var (ut, st, vtt) = Np.Linalg.Svd(a);
        var u = Values(ut);
        var s = Values(st);
        var vt = Values(vtt);
        for (int i = 0; i < s.Length; i++)
        {
            Assert.True(s[i] >= 0, $"S[{i}] = {s[i]} < 0");
            if (i % k > 0) Assert.True(s[i - 1] >= s[i], $"singular values not descending at {i}");
        }

        Close(s, sigmas.SelectMany(x => x).ToArray(), Tol(c, 3), "S vs the constructed singular values");
        var us = new double[u.Length];
        for (int i = 0; i < u.Length; i++) us[i] = u[i] * s[(i / (m * k) * k) + (i % k)];
        Close(Mul(us, vt, c.Count, m, k, n), Values(a), Tol(c, 10), "U·diag(S)·Vt vs A");
        Close(Mul(u, u, c.Count, k, m, k, transX: true), Identity(c.Count, k), Tol(c, 10), "UᵀU vs I");
        Close(Mul(vt, vt, c.Count, k, n, k, transY: true), Identity(c.Count, k), Tol(c, 10), "Vt·Vtᵀ vs I");
        int[] axes = [c.Batch.Length, c.Batch.Length + 1];
        var rows = Enumerable.Range(0, c.Count).Select(b => s.Skip(b * k).Take(k).ToArray()).ToArray();
        Close(Values(Np.Linalg.Norm(a, 2, axes)), rows.Select(x => x[0]).ToArray(), Tol(c, 3), "Norm(A, 2) vs max S");
        Close(Values(Np.Linalg.Norm(a, -2, axes)), rows.Select(x => x[^1]).ToArray(), Tol(c, 3), "Norm(A, −2) vs min S");
        Close(Values(Np.Linalg.Norm(a, "nuc", axes)), rows.Select(x => x.Sum()).ToArray(), Tol(c, 3), "Norm(A, nuc) vs Σ S");
        Close(Values(Np.Linalg.Norm(a, "fro", axes)), rows.Select(x => Math.Sqrt(x.Sum(y => y * y))).ToArray(), Tol(c, 3), "Norm(A, fro) vs √Σ S²");
    });

    /// <summary>General diagonally dominant A: ‖A·X − B‖ small for matrix and vector B; Inv(A)·A = A·Inv(A) = I; TriangularSolve residual.</summary>
    [Fact]
    public void Solve_Inv_AndTriangularSolve_HaveSmallResiduals() => ForAll(Cases(square: true), 120, c =>
    {
        int n = c.N;
        var r = new Random(c.Seed);
        var a = Build(c, r, General);
        var av = Values(a);
        var b = Matrices(r, c.Count, n, 2, c.DType, c.Shape(n, 2));
        Close(Mul(av, Values(Np.Linalg.Solve(a, b)), c.Count, n, n, 2), Values(b), Tol(c, 10), "A·Solve(A, B) vs B");
        var bv = Matrices(r, c.Count, n, 1, c.DType, c.Shape(n));
        Close(Mul(av, Values(Np.Linalg.Solve(a, bv)), c.Count, n, n, 1), Values(bv), Tol(c, 10), "A·Solve(A, b) vs b (vector b)");
        var inv = Values(Np.Linalg.Inv(a));
        Close(Mul(inv, av, c.Count, n, n, n), Identity(c.Count, n), Tol(c, 10), "Inv(A)·A vs I");
        Close(Mul(av, inv, c.Count, n, n, n), Identity(c.Count, n), Tol(c, 10), "A·Inv(A) vs I");
        // One triangle of a dominant matrix; the other is not zeroed (it must not be read).
        bool lower = r.Next(2) == 0, transpose = r.Next(2) == 0;
        var d = Build(c, r, Dominant);
        var dv = Values(d);
        var x = Values(Np.Linalg.TriangularSolve(d, b, lower, transpose));
        var t = dv.Select((v, i) => (i / n % n, i % n) is var (row, col) && (row == col || (lower ? row > col : row < col)) ? v : 0).ToArray();
        Close(Mul(t, x, c.Count, n, n, 2, transX: transpose), Values(b), Tol(c, 10), $"TriangularSolve residual (lower={lower}, transpose={transpose})");
    });

    /// <summary>SPD with known spectrum λ: Det = Π λ = Π Eigvalsh; B·Bᵀ + n·I: Det = Π Eigvalsh; general A: sign·exp(logabs) = Det.</summary>
    [Fact]
    public void Det_IsTheProductOfEigenvalues_AndAgreesWithSlogdet() => ForAll(Cases(square: true), 120, c =>
    {
        int n = c.N;
        var r = new Random(c.Seed);
        var lambdas = new List<double[]>();
        var known = Build(c, r, (r1, n1) => Symmetric(r1, n1, lambdas, positive: true));
        var spd = Build(c, r, Spd);
        var general = Build(c, r, General);
        // Each determinant relative to its own size (f64); float32 overflows (3.4e38) for the larger SPD determinants,
        // so there log|det| from Slogdet is compared with Σ log λ, to tol·max(1, |log det|).
        void Matches(Tensor a, double[] w, string what)
        {
            var det = Values(Np.Linalg.Det(a));
            var log = Values(Np.Linalg.Slogdet(a).LogAbsDet);
            for (int b = 0; b < c.Count; b++)
            {
                var wb = w.Skip(b * n).Take(n).ToArray();
                double prod = wb.Aggregate(1.0, (x, y) => x * y), logProd = wb.Sum(x => Math.Log(x));
                if (c.DType == DType.Float64) Assert.True(Math.Abs(det[b] - prod) <= Tol(c, 3) * prod, $"{what}: Det {det[b]} vs Π λ {prod}");
                else Assert.True(Math.Abs(log[b] - logProd) <= Tol(c, 3) * Math.Max(1, Math.Abs(logProd)), $"{what}: log|det| {log[b]} vs Σ log λ {logProd}");
            }
        }

        Matches(known, lambdas.SelectMany(x => x).ToArray(), "Q·diag(λ)·Qᵀ");
        Matches(spd, Values(Np.Linalg.Eigvalsh(spd)), "B·Bᵀ + n·I");
        var (sign, logAbs) = Np.Linalg.Slogdet(general);
        var det = Values(Np.Linalg.Det(general));
        var sv = Values(sign);
        var lv = Values(logAbs);
        for (int b = 0; b < c.Count; b++)
        {
            Assert.True(sv[b] == Math.Sign(det[b]) || !double.IsFinite(det[b]), $"Slogdet sign {sv[b]} vs Det {det[b]}");
            if (c.DType == DType.Float64 || n <= 8)
                Assert.True(Math.Abs((sv[b] * Math.Exp(lv[b])) - det[b]) <= Tol(c, 3) * Math.Abs(det[b]), $"sign·exp(logabs) = {sv[b] * Math.Exp(lv[b])} vs Det {det[b]}");
        }
    });

    /// <summary>Pinv's four Penrose conditions (A·P·A = A, P·A·P = P, A·P and P·A symmetric); Lstsq's X = P·B.</summary>
    [Fact]
    public void Pinv_SatisfiesThePenroseConditions_AndLstsqAgrees() => ForAll(Cases(square: false), 100, c =>
    {
        int m = c.M, n = c.N, nb = c.Count;
        var r = new Random(c.Seed);
        var a = Build(c, r, (r1, _) => Rectangular(r1, m, n, []));
        var av = Values(a);
        var p = Values(Np.Linalg.Pinv(a));
        var ap = Mul(av, p, nb, m, n, m);
        var pa = Mul(p, av, nb, n, m, n);
        Close(Mul(ap, av, nb, m, m, n), av, Tol(c, 10), "A·P·A vs A");
        Close(Mul(pa, p, nb, n, n, m), p, Tol(c, 10), "P·A·P vs P");
        Close(ap, Transposed(ap, m), Tol(c, 10), "(A·P)ᵀ vs A·P");
        Close(pa, Transposed(pa, n), Tol(c, 10), "(P·A)ᵀ vs P·A");
        if (c.Batch.Length > 0) return; // Lstsq takes one matrix
        var b = Matrices(r, 1, m, 2, c.DType, [m, 2]);
        Close(Values(Np.Linalg.Lstsq(a, b).X), Mul(p, Values(b), 1, n, m, 2), Tol(c, 10), "Lstsq X vs Pinv(A)·B");
    });

    // ---- derivatives and Vmap ----

    /// <summary>A function under test: its name, how to draw its arguments for a case, and its (tensor-valued) body.</summary>
    private sealed record Fn(string Name, Func<Case, Random, Tensor[]> Args, Func<Tensor[], Random, Func<Tensor[], Tensor>> Body);

    private static Tensor Weights(Random r, params int[] shape) => Matrices(r, 1, 1, shape.Aggregate(1, (x, y) => x * y), DType.Float64, shape);

    /// <summary>The functions whose derivatives and Vmap are checked; eigen- and singular vectors enter sign-invariantly.</summary>
    private static readonly Fn[] s_functions =
    [
        new("Cholesky(A)∘W", (c, r) => [Build(c, r, Spd)], (x, r) => { var w = Weights(r, Dims(x)); return z => Np.Linalg.Cholesky(z[0]) * w; }),
        new("CholeskySolve(Cholesky(A), B)", (c, r) => [Build(c, r, Spd), Matrices(r, c.Count, c.N, 2, c.DType, c.Shape(c.N, 2))], (_, _) => z => Np.Linalg.CholeskySolve(Np.Linalg.Cholesky(z[0]), z[1])),
        new("Solve(A, B)", (c, r) => [Build(c, r, General), Matrices(r, c.Count, c.N, 2, c.DType, c.Shape(c.N, 2))], (_, _) => z => Np.Linalg.Solve(z[0], z[1])),
        new("TriangularSolve(A, b, lower)", (c, r) => [Build(c, r, Dominant), Matrices(r, c.Count, c.N, 1, c.DType, c.Shape(c.N))], (_, _) => z => Np.Linalg.TriangularSolve(z[0], z[1], lower: true)),
        new("Inv(A)", (c, r) => [Build(c, r, General)], (_, _) => z => Np.Linalg.Inv(z[0])),
        new("Slogdet(A).LogAbsDet", (c, r) => [Build(c, r, General)], (_, _) => z => Np.Linalg.Slogdet(z[0]).LogAbsDet),
        new("Det(A)", (c, r) => [Build(c, r, General)], (_, _) => z => Np.Linalg.Det(z[0])),
        new("Eigvalsh(A)∘w", (c, r) => [Build(c, r, (r1, n) => Symmetric(r1, n, [], positive: false))], (x, r) => { var w = Weights(r, Dims(x)[0]); return z => Np.Linalg.Eigvalsh(z[0]) * w; }),
        new("(V·diag(d)·Vᵀ)∘W from Eigh", (c, r) => [Build(c, r, (r1, n) => Symmetric(r1, n, [], positive: false))], (x, r) =>
        {
            var (d, w) = (Weights(r, Dims(x)[0]), Weights(r, Dims(x)));
            return z => Sandwich(Np.Linalg.Eigh(z[0]).Eigenvectors, d, null) * w;
        }),
        new("Σᵢ Q∘W₁ + Σᵢ R∘W₂ from Qr (m ≥ n)", (c, r) => [Build(c with { M = Math.Max(c.M, c.N) }, r, (r1, _) => Rectangular(r1, Math.Max(c.M, c.N), c.N, []))], (x, r) =>
        {
            var (w1, w2) = (Weights(r, Dims(x)), Weights(r, Dims(x)[1], Dims(x)[1]));
            return z => Np.Linalg.Qr(z[0]) switch { var (q, rr) => Np.Sum(q * w1, -2) + Np.Sum(rr * w2, -2) };
        }),
        new("(U·diag(d + S²)·Vt)∘W from Svd", (c, r) => [Build(c, r, (r1, _) => Rectangular(r1, c.M, c.N, []))], (x, r) =>
        {
            var (d, w) = (Weights(r, Dims(x).Min()), Weights(r, Dims(x)));
            return z => Np.Linalg.Svd(z[0]) switch { var (u, s, vt) => Sandwich(u, d + (s * s), vt) * w };
        }),
        new("Pinv(A)", (c, r) => [Build(c, r, (r1, _) => Rectangular(r1, c.M, c.N, []))], (_, _) => z => Np.Linalg.Pinv(z[0])),
        new("Norm(A, 2) + Norm(A, nuc)", (c, r) => [Build(c, r, (r1, _) => Rectangular(r1, c.M, c.N, []))], (_, _) => z => Np.Linalg.Norm(z[0], 2, [z[0].Rank - 2, z[0].Rank - 1]) + Np.Linalg.Norm(z[0], "nuc", [z[0].Rank - 2, z[0].Rank - 1])),
        new("Lstsq(A, B).X (one matrix)", (c, r) => [ApiTestUtil.Make(Rectangular(r, c.M, c.N, []), c.DType, c.M, c.N), Matrices(r, 1, c.M, 2, c.DType, [c.M, 2])], (_, _) => z => Np.Linalg.Lstsq(z[0], z[1]).X),
    ];

    /// <summary>X·diag(d)·Yᵀ (Y = X when null), batched: invariant under the sign of each column of X and Y together.</summary>
    private static Tensor Sandwich(Tensor x, Tensor d, Tensor? yt) => Np.MatMul(x * Np.ExpandDims(d, -2), yt ?? Np.SwapAxes(x, -1, -2));

    private static int[] Dims(Tensor[] x) => [x[0].Shape[x[0].Rank - 2], x[0].Shape[x[0].Rank - 1]];

    private static Gen<(Case Case, Fn Fn)> FunctionCases { get; } = Gen.Select(SmallCases, Gen.Int[0, s_functions.Length - 1], (c, i) => (c, s_functions[i]));

    /// <summary>Every function's derivatives against central differences (Ad.CheckGrads), order 1 and 2, forward and reverse.</summary>
    [Fact]
    public void Derivatives_MatchFiniteDifferences_ToSecondOrder() => ForAll(FunctionCases, 280, cf =>
    {
        var (c, fn) = cf;
        var r = new Random(c.Seed);
        var args = fn.Args(c, r);
        var f = fn.Body(args, r);
        try
        {
            Ad.CheckGrads(f, args, order: 2, seed: c.Seed);
        }
        catch (GradientCheckException ex)
        {
            throw new InvalidOperationException($"{fn.Name}: {ex.Message}", ex);
        }
    }, print: cf => $"{cf.Fn.Name} at {cf.Case}");

    /// <summary>Vmap(f) over 1–3 stacked examples equals f on each example, and so does Vmap(Grad(Σ f)).</summary>
    [Fact]
    public void Vmap_AndPerExampleGradients_EqualTheLoop() => ForAll(Gen.Select(FunctionCases, Gen.Int[1, 3]), 280, cfe =>
    {
        var ((c, fn), examples) = cfe;
        var r = new Random(c.Seed);
        var perExample = Enumerable.Range(0, examples).Select(e => fn.Args(c, new Random(c.Seed + e))).ToArray();
        var f = fn.Body(perExample[0], r);
        var stacked = Enumerable.Range(0, perExample[0].Length).Select(i => Np.Stack(perExample.Select(x => x[i]).ToArray(), 0)).ToArray();
        var vmapped = Values(Ad.Vmap<Tensor[], Tensor>(f)(stacked));
        var loop = perExample.SelectMany(x => Values(f(x))).ToArray();
        Close(vmapped, loop, 1e-12, $"{fn.Name}: Vmap(f) vs the loop");
        var grad = Ad.Grad<Tensor[]>(z => Np.Sum(f(z)));
        var vgrads = Ad.Vmap<Tensor[], Tensor[]>(grad)(stacked);
        var grads = perExample.Select(x => grad(x)).ToArray();
        for (int i = 0; i < vgrads.Length; i++)
            Close(Values(vgrads[i]), grads.SelectMany(g => Values(g[i])).ToArray(), 1e-12, $"{fn.Name}: Vmap(Grad(Σ f)) vs the loop, argument {i}");
    }, print: cfe => $"{cfe.Item1.Fn.Name} at {cfe.Item1.Case}, {cfe.Item2} examples");

    // ---- matrices (plain loops) ----

    private static Tensor Build(Case c, Random r, Func<Random, int, double[]> one)
    {
        var values = new List<double>();
        for (int b = 0; b < c.Count; b++) values.AddRange(one(r, c.N));
        return ApiTestUtil.Make([.. values], c.DType, c.Shape(values.Count / c.Count / c.N, c.N));
    }

    private static Tensor Matrices(Random r, int count, int m, int n, DType dtype, int[] shape) => ApiTestUtil.Make(Uniform(r, count * m * n), dtype, shape);

    private static double[] Uniform(Random r, int length) => Enumerable.Range(0, length).Select(_ => (2 * r.NextDouble()) - 1).ToArray();

    /// <summary>B·Bᵀ + n·I with B uniform in [−1, 1).</summary>
    private static double[] Spd(Random r, int n)
    {
        var bm = Uniform(r, n * n);
        return Mul(bm, bm, 1, n, n, n, transY: true).Select((v, i) => i % (n + 1) == 0 ? v + n : v).ToArray();
    }

    /// <summary>Uniform [−1, 1) off the diagonal, ±(n + 1 + [0, 1)) on it: strictly dominant by rows and columns (margin ≥ 2), so its triangles are well conditioned too.</summary>
    private static double[] Dominant(Random r, int n)
    {
        var a = Uniform(r, n * n);
        for (int i = 0; i < n; i++) a[(i * n) + i] = (r.Next(2) == 0 ? -1 : 1) * (n + 1 + r.NextDouble());
        return a;
    }

    /// <summary>A random row permutation of <see cref="Dominant"/>, so LU pivots.</summary>
    private static double[] General(Random r, int n)
    {
        var d = Dominant(r, n);
        var perm = Enumerable.Range(0, n).OrderBy(_ => r.Next()).ToArray();
        var a = new double[n * n];
        for (int i = 0; i < n; i++) Array.Copy(d, i * n, a, perm[i] * n, n);
        return a;
    }

    /// <summary>Q·diag(λ)·Qᵀ with λ ascending, gaps ≥ ½: centred on 0, or in [1, 2] (positive) with gaps ≥ 1/(2n).</summary>
    private static double[] Symmetric(Random r, int n, List<double[]> spectra, bool positive)
    {
        var lambda = Enumerable.Range(0, n).Select(i => positive ? 1 + ((i + 0.5 + (0.25 * ((2 * r.NextDouble()) - 1))) / n) : i - (n / 2.0) + (0.25 * ((2 * r.NextDouble()) - 1))).ToArray();
        spectra.Add(lambda);
        var q = Orthonormal(r, n, n);
        var ql = new double[n * n];
        for (int i = 0; i < ql.Length; i++) ql[i] = q[i] * lambda[i % n];
        var a = Mul(ql, q, 1, n, n, n, transY: true);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++) a[(j * n) + i] = a[(i * n) + j]; // exactly symmetric
        return a;
    }

    /// <summary>U·diag(s)·Vᵀ (m×n) with s descending in [1, 3] and gaps ≥ 1/k.</summary>
    private static double[] Rectangular(Random r, int m, int n, List<double[]> spectra)
    {
        int k = Math.Min(m, n);
        var s = Enumerable.Range(0, k).Select(i => 1 + (2 * (k - i - 0.5 + (0.25 * ((2 * r.NextDouble()) - 1))) / k)).ToArray();
        spectra.Add(s);
        var u = Orthonormal(r, m, k);
        var v = Orthonormal(r, n, k);
        for (int i = 0; i < u.Length; i++) u[i] *= s[i % k];
        return Mul(u, v, 1, m, k, n, transY: true);
    }

    /// <summary>An m×k matrix with orthonormal columns: modified Gram–Schmidt, twice, of a uniform matrix.</summary>
    private static double[] Orthonormal(Random r, int m, int k)
    {
        var q = Uniform(r, m * k);
        for (int pass = 0; pass < 2; pass++)
            for (int j = 0; j < k; j++)
            {
                for (int p = 0; p < j; p++)
                {
                    double dot = 0;
                    for (int i = 0; i < m; i++) dot += q[(i * k) + p] * q[(i * k) + j];
                    for (int i = 0; i < m; i++) q[(i * k) + j] -= dot * q[(i * k) + p];
                }

                double norm = Math.Sqrt(Enumerable.Range(0, m).Sum(i => q[(i * k) + j] * q[(i * k) + j]));
                for (int i = 0; i < m; i++) q[(i * k) + j] /= norm;
            }

        return q;
    }

    // ---- checks ----

    private static double[] Values(Tensor t) => ApiTestUtil.Values(t);

    /// <summary>1e-12 for float64; c·n·ε with c = 10·<paramref name="factor"/> for float32.</summary>
    private static double Tol(Case c, double factor) => c.DType == DType.Float64 ? 1e-12 : 10 * factor * Math.Max(Math.Max(c.M, c.N), 8) * 1.2e-7;

    /// <summary>Batched X·Y (X count×m×k, Y count×k×n, either transposed in storage) by plain loops.</summary>
    private static double[] Mul(double[] x, double[] y, int count, int m, int k, int n, bool transX = false, bool transY = false)
    {
        var z = new double[count * m * n];
        for (int b = 0; b < count; b++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int t = 0; t < k; t++)
                        s += x[(b * m * k) + (transX ? (t * m) + i : (i * k) + t)] * y[(b * k * n) + (transY ? (j * k) + t : (t * n) + j)];
                    z[(b * m * n) + (i * n) + j] = s;
                }

        return z;
    }

    private static double[] Identity(int count, int n) => Enumerable.Range(0, count * n * n).Select(i => i % (n * n) % (n + 1) == 0 ? 1.0 : 0).ToArray();

    private static double[] Transposed(double[] x, int n) => Enumerable.Range(0, x.Length).Select(i => x[(i / (n * n) * n * n) + (i % n * n) + (i / n % n)]).ToArray();

    /// <summary>‖actual − expected‖_F / ‖expected‖_F ≤ tol (absolute when expected is 0).</summary>
    private static void Close(double[] actual, double[] expected, double tol, string what)
    {
        Assert.True(actual.Length == expected.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        double num = 0, den = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            num += (actual[i] - expected[i]) * (actual[i] - expected[i]);
            den += expected[i] * expected[i];
        }

        double err = den == 0 ? Math.Sqrt(num) : Math.Sqrt(num / den);
        Assert.True(err <= tol, $"{what}: relative Frobenius error {err:E3} > {tol:E1}");
    }

    /// <summary>AdProperties.Check over any generator: a fixed PCG stream per property, CsCheck_Seed replay, shrinking on failure.</summary>
    private void ForAll<T>(Gen<T> gen, int iterations, Action<T> check, Func<T, string>? print = null, [System.Runtime.CompilerServices.CallerMemberName] string property = "")
        => AdProperties.Check(output, gen, iterations, check, property, print);
}
