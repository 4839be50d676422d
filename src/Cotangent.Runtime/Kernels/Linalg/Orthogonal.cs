using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cotangent.Runtime;

/// <summary>
/// Householder QR (LAPACK dgeqr2 + dorg2r, optionally column-pivoted as dgeqp3) and the SVD by pivoted QR followed by
/// one-sided Jacobi on Rᵀ (Hestenes; Drmač–Veselić's preconditioning: Rᵀ's columns are nearly orthogonal and graded, so
/// few sweeps are needed), on row-major buffers. Everything a kernel returns is written
/// here, element by element, so the outputs may come from uninitialized allocations.
/// </summary>
internal static unsafe class Orthogonal
{
    /// <summary>
    /// In-place QR of the row-major m×n <paramref name="a"/>: on return R is on and above the diagonal and reflector j
    /// (H_j = I − τ_j·v·vᵀ, v₀ = 1 implied) below it in column j, with Q = H₀⋯H_{k−1}, k = min(m, n). With
    /// <paramref name="perm"/> (length n) the columns are pivoted (dgeqp3's rule: step j takes the remaining column of
    /// largest norm), so A[:, perm] = Q·R with |r₀₀| ≥ |r₁₁| ≥ ….
    /// </summary>
    public static void Factor<T>(T* a, int m, int n, T* tau, int[]? perm = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = Math.Min(m, n);
        if (perm is not null || k < 2 * Nb)
        {
            FactorUnblocked(a, m, n, n, tau, perm);
            return;
        }

        // Blocked (dgeqrf): factor a panel of Nb columns unblocked, then apply its reflectors to the trailing columns at
        // once as Hᵀ = I − V·Tᵀ·Vᵀ (compact WY), i.e. two GEMMs and a small triangular product.
        var wy = new WyScratch<T>(m, Nb, n);
        for (int j0 = 0; j0 < k; j0 += Nb)
        {
            int jb = Math.Min(Nb, k - j0), nc = n - j0 - jb;
            FactorUnblocked(a + ((nint)j0 * n) + j0, m - j0, jb, n, tau + j0, null);
            if (nc == 0) continue;
            wy.Build(a + ((nint)j0 * n) + j0, n, m - j0, jb, tau + j0);
            wy.ApplyLeft(a + ((nint)j0 * n) + j0 + jb, n, nc, transposeT: true);
        }
    }

    /// <summary>Panel width of the blocked QR and Q formation.</summary>
    internal static int Nb = 32;

    /// <summary><see cref="Factor{T}"/> one column at a time (dgeqr2; dgeqp3 with <paramref name="perm"/>) on an m×n block with row stride <paramref name="lda"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FactorUnblocked<T>(T* a, int m, int n, nint lda, T* tau, int[]? perm)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = Math.Min(m, n);
        var wb = new T[Math.Max(n, 1)];
        var norms = perm is null ? null : new T[n];
        if (perm is not null)
        {
            for (int j = 0; j < n; j++) perm[j] = j;
        }

        fixed (T* w = wb)
        {
            for (int j = 0; j < k; j++)
            {
                if (norms is not null)
                {
                    // Squared norms of the trailing columns (recomputed: no downdating error), then swap the largest in.
                    Array.Clear(norms);
                    fixed (T* pn = norms)
                    {
                        for (int i = j; i < m; i++) Vec.AddSquares(a + (i * lda) + j, pn + j, n - j);
                    }

                    int best = j;
                    for (int c = j + 1; c < n; c++)
                    {
                        if (norms[c] > norms[best]) best = c;
                    }

                    if (best != j)
                    {
                        for (int i = 0; i < m; i++) (a[(i * lda) + j], a[(i * lda) + best]) = (a[(i * lda) + best], a[(i * lda) + j]);
                        (perm![j], perm[best]) = (perm[best], perm[j]);
                    }
                }

                T* col = a + (j * lda) + j;
                int len = m - j, rest = n - j - 1;
                tau[j] = Reflector(col, lda, len);
                if (tau[j] == T.Zero || rest == 0) continue;
                // A[j:, j+1:] ← H·A[j:, j+1:]: w = vᵀA (a combination of rows), then row i −= τ·v_i·w.
                T* row0 = col + 1;
                new Span<T>(row0, rest).CopyTo(new Span<T>(w, rest));
                for (int i = 1; i < len; i++) Vec.Axpy(col[i * lda], row0 + (i * lda), w, rest);
                Vec.Axpy(-tau[j], w, row0, rest);
                for (int i = 1; i < len; i++) Vec.Axpy(-tau[j] * col[i * lda], w, row0 + (i * lda), rest);
            }
        }
    }

    /// <summary>
    /// dlarfg on x = (x₀, x₁…) read with stride <paramref name="stride"/>: H·x = β·e₀ with β = −sign(x₀)‖x‖; x₀ becomes β
    /// and x₁… become v₁… (v = x/(x₀ − β)); returns τ = (β − x₀)/β, or 0 (H = I) when x₁… are all zero.
    /// </summary>
    private static T Reflector<T>(T* x, nint stride, int len)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T alpha = x[0], amax = T.Zero;
        for (int i = 1; i < len; i++) amax = T.Max(amax, T.Abs(x[i * stride]));
        if (amax == T.Zero) return T.Zero;
        amax = T.Max(amax, T.Abs(alpha));
        // ‖x‖ = s·√Σ(x_i/s)² with s = max|x_i|: no overflow or underflow in the squares.
        T inv = T.One / amax, sum = T.Zero;
        for (int i = 0; i < len; i++)
        {
            T t = x[i * stride] * inv;
            sum += t * t;
        }

        T beta = amax * T.Sqrt(sum);
        if (alpha >= T.Zero) beta = -beta;
        T tau = (beta - alpha) / beta;
        T scale = T.One / (alpha - beta);
        for (int i = 1; i < len; i++) x[i * stride] *= scale;
        x[0] = beta;
        return tau;
    }

    /// <summary>
    /// The first <paramref name="qc"/> columns of Q = H₀⋯H_{k−1} (from <see cref="Factor{T}"/>'s output) into the
    /// row-major m×qc <paramref name="q"/>, by backward accumulation Q ← H_j·Q, which only touches Q[j:, j:]. The
    /// reflectors' rows are <paramref name="lda"/> apart (0: n).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FormQ<T>(T* a, int m, int n, T* tau, T* q, int qc, nint lda = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = Math.Min(m, n);
        if (lda == 0) lda = n;
        for (int i = 0; i < m; i++)
        {
            var row = new Span<T>(q + ((nint)i * qc), qc);
            row.Clear();
            if (i < qc) row[i] = T.One;
        }

        // Blocked (dorgqr): the trailing blocks of Nb reflectors, last first, each as Q[j0:, j0:] −= V·(T·(Vᵀ·Q[j0:, j0:]));
        // the first (or only) few reflectors one at a time.
        int unblocked = k;
        if (k >= 2 * Nb)
        {
            var wy = new WyScratch<T>(m, Nb, qc);
            int j0 = ((k - 1) / Nb) * Nb;
            for (; j0 >= Nb; j0 -= Nb)
            {
                int jb = Math.Min(Nb, k - j0);
                wy.Build(a + (j0 * lda) + j0, lda, m - j0, jb, tau + j0);
                wy.ApplyLeft(q + ((nint)j0 * qc) + j0, qc, qc - j0, transposeT: false);
            }

            unblocked = Nb;
        }

        var wb = new T[Math.Max(qc, 1)];
        fixed (T* w = wb)
        {
            for (int j = unblocked - 1; j >= 0; j--)
            {
                if (tau[j] == T.Zero) continue;
                T* v = a + (j * lda) + j;
                T* q0 = q + ((nint)j * qc) + j;
                int len = m - j, cols = qc - j;
                new Span<T>(q0, cols).CopyTo(new Span<T>(w, cols));
                for (int i = 1; i < len; i++) Vec.Axpy(v[i * lda], q0 + ((nint)i * qc), w, cols);
                Vec.Axpy(-tau[j], w, q0, cols);
                for (int i = 1; i < len; i++) Vec.Axpy(-tau[j] * v[i * lda], w, q0 + ((nint)i * qc), cols);
            }
        }
    }

    /// <summary>
    /// Thin SVD of the row-major m×n <paramref name="a"/> (not modified): U (m×k), s (k, descending, ≥ 0) and Vᵀ (k×n),
    /// k = min(m, n). False (outputs all NaN) when the input is not finite or Jacobi fails to converge.
    /// </summary>
    public static bool Svd<T>(ReadOnlySpan<T> a, int m, int n, Span<T> u, Span<T> s, Span<T> vt)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = Math.Min(m, n);
        if (k == 0) return true;
        // X = A (m ≥ n) or Aᵀ, so X is M×N with M ≥ N; scaled by a power of two to max|x| ∈ [1, 2).
        bool wide = m < n;
        int bigM = Math.Max(m, n), bigN = k;
        var x = new T[bigM * bigN];
        T amax = T.Zero;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T e = a[(i * n) + j];
                if (!T.IsFinite(e))
                {
                    u.Fill(T.NaN);
                    s.Fill(T.NaN);
                    vt.Fill(T.NaN);
                    return false;
                }

                amax = T.Max(amax, T.Abs(e));
                x[wide ? (j * m) + i : (i * n) + j] = e;
            }

        int exponent = amax == T.Zero ? 0 : T.ILogB(amax);
        T scale = T.ScaleB(T.One, -exponent);
        for (int i = 0; i < x.Length; i++) x[i] *= scale;

        // X = Q·R; then R = U_r·Σ·Vᵀ by one-sided Jacobi on R's columns (stored as the rows of Y = Rᵀ), so X = (Q·U_r)·Σ·Vᵀ.
        var tau = new T[bigN];
        var q = new T[bigM * bigN];
        var y = new T[bigN * bigN];
        var z = new T[bigN * bigN];
        fixed (T* px = x)
        fixed (T* pt = tau)
        fixed (T* pq = q)
        fixed (T* py = y)
        fixed (T* pz = z)
        {
            var perm = new int[bigN];
            Factor(px, bigM, bigN, pt, perm);
            FormQ(px, bigM, bigN, pt, pq, bigN);
            // Y = R (its rows are the columns of Rᵀ), Z = I.
            for (int i = 0; i < bigN; i++)
            {
                for (int j = i; j < bigN; j++) py[(i * bigN) + j] = px[(i * bigN) + j];
                pz[(i * bigN) + i] = T.One;
            }

            if (!Jacobi(py, pz, bigN))
            {
                u.Fill(T.NaN);
                s.Fill(T.NaN);
                vt.Fill(T.NaN);
                return false;
            }

            // Rᵀ·V = U₁·Σ with σ_j = ‖y_j‖ (descending), U₁'s column j = y_j/σ_j (completed to an orthonormal basis where
            // σ_j = 0) and V's column j = z_j. Then X·P = Q·R = (Q·V)·Σ·U₁ᵀ, so X = U_X·Σ·V_Xᵀ with U_X = Q·V, V_X = P·U₁.
            var sigma = new T[bigN];
            for (int j = 0; j < bigN; j++) sigma[j] = Norm(py + (j * bigN), bigN);
            var order = new int[bigN];
            for (int i = 0; i < bigN; i++) order[i] = i;
            Array.Sort(order, (p1, p2) => sigma[p1] != sigma[p2] ? sigma[p2].CompareTo(sigma[p1]) : p1.CompareTo(p2));
            var u1 = new T[bigN * bigN];
            var vz = new T[bigN * bigN];
            var missing = new List<int>();
            T tiny = T.CreateTruncating(typeof(T) == typeof(double) ? 1e-290 : 1e-35);
            for (int j = 0; j < bigN; j++)
            {
                T* zj = pz + (order[j] * bigN);
                for (int i = 0; i < bigN; i++) vz[(i * bigN) + j] = zj[i];
                T sj = sigma[order[j]];
                if (sj <= tiny)
                {
                    missing.Add(j);
                    continue;
                }

                T inv = T.One / sj;
                T* yj = py + (order[j] * bigN);
                for (int i = 0; i < bigN; i++) u1[(i * bigN) + j] = yj[i] * inv;
            }

            if (missing.Count > 0) Complete(u1, bigN, missing);
            var ux = new T[bigM * bigN];
            Gemm.Multiply<T>(q, vz, ux, bigM, bigN, bigN);
            T unscale = T.ScaleB(T.One, exponent);
            for (int j = 0; j < k; j++) s[j] = sigma[order[j]] <= tiny ? T.Zero : sigma[order[j]] * unscale;
            if (!wide)
            {
                // A = X: U = U_X (m×k); Vᵀ[j, perm[i]] = U₁[i, j].
                ux.AsSpan(0, m * k).CopyTo(u);
                for (int i = 0; i < bigN; i++)
                    for (int j = 0; j < k; j++) vt[(j * n) + perm[i]] = u1[(i * bigN) + j];
            }
            else
            {
                // A = Xᵀ = V_X·Σ·U_Xᵀ: U[perm[i], j] = U₁[i, j] (m×k), Vᵀ[j, i] = U_X[i, j] (k×n).
                for (int i = 0; i < bigN; i++)
                    for (int j = 0; j < k; j++) u[(perm[i] * k) + j] = u1[(i * bigN) + j];
                for (int j = 0; j < k; j++)
                    for (int i = 0; i < n; i++) vt[(j * n) + i] = ux[(i * bigN) + j];
            }
        }

        return true;
    }

    /// <summary>
    /// One-sided Jacobi on the rows of the N×N <paramref name="y"/>: rotates pairs (p, q) until every pair is orthogonal
    /// to working accuracy (|y_p·y_q| ≤ ε·‖y_p‖·‖y_q‖), applying the same rotations to the rows of <paramref name="z"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Jacobi<T>(T* y, T* z, int nn)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T eps = SymmetricEigen.MachineEpsilon<T>();
        T half = T.CreateTruncating(0.5), big = T.CreateTruncating(typeof(T) == typeof(double) ? 1e150 : 1e18);
        var norms = new T[nn];
        for (int sweep = 0; sweep < 80; sweep++)
        {
            bool rotated = false;
            for (int p = 0; p < nn; p++) norms[p] = Vec.Dot(y + (p * nn), y + (p * nn), nn);
            for (int p = 0; p < nn - 1; p++)
            {
                T* yp = y + (p * nn);
                for (int q = p + 1; q < nn; q++)
                {
                    T* yq = y + (q * nn);
                    T alpha = norms[p], beta = norms[q];
                    if (alpha == T.Zero || beta == T.Zero) continue;
                    T gamma = Vec.Dot(yp, yq, nn);
                    if (T.Abs(gamma) <= eps * T.Sqrt(alpha) * T.Sqrt(beta)) continue;
                    rotated = true;
                    // [y_p y_q]·[c s; −s c] makes them orthogonal: t = tan θ, the smaller root of t² + 2ζt − 1 = 0.
                    T zeta = (beta - alpha) * half / gamma;
                    T t = T.Abs(zeta) > big ? half / zeta : (zeta >= T.Zero ? T.One : -T.One) / (T.Abs(zeta) + T.Sqrt(T.One + (zeta * zeta)));
                    T c = T.One / T.Sqrt(T.One + (t * t)), sn = c * t;
                    Vec.Rotate(yp, yq, c, sn, nn);
                    Vec.Rotate(z + (p * nn), z + (q * nn), c, sn, nn);
                    // Exact updates of the squared norms: ‖y_p'‖² = α − tγ, ‖y_q'‖² = β + tγ (refreshed each sweep).
                    norms[p] = alpha - (t * gamma);
                    norms[q] = beta + (t * gamma);
                }
            }

            if (!rotated) return true;
        }

        return false;
    }

    /// <summary>Fills the <paramref name="missing"/> columns of the orthonormal-so-far N×N <paramref name="ur"/> with unit vectors orthogonal to all other columns (Gram–Schmidt, twice, on e_0, e_1, …).</summary>
    private static void Complete<T>(T[] ur, int nn, List<int> missing)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var filled = new bool[nn];
        for (int j = 0; j < nn; j++) filled[j] = true;
        foreach (int j in missing) filled[j] = false;
        var cand = new T[nn];
        int next = 0;
        foreach (int j in missing)
        {
            while (true)
            {
                Array.Clear(cand);
                cand[next++ % nn] = T.One;
                for (int pass = 0; pass < 2; pass++)
                    for (int l = 0; l < nn; l++)
                    {
                        if (!filled[l]) continue;
                        T dot = T.Zero;
                        for (int i = 0; i < nn; i++) dot += ur[(i * nn) + l] * cand[i];
                        for (int i = 0; i < nn; i++) cand[i] -= dot * ur[(i * nn) + l];
                    }

                T norm = T.Zero;
                for (int i = 0; i < nn; i++) norm += cand[i] * cand[i];
                norm = T.Sqrt(norm);
                if (norm > T.CreateTruncating(0.5) || next > 2 * nn)
                {
                    for (int i = 0; i < nn; i++) ur[(i * nn) + j] = cand[i] / norm;
                    filled[j] = true;
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Compact WY form of a block of jb reflectors (Schreiber–Van Loan; LAPACK dlarft/dlarfb): H₀⋯H_{jb−1} = I − V·T·Vᵀ
    /// with V the unit lower trapezoidal reflector matrix and T upper triangular, built from G = VᵀV by
    /// T[i, i] = τ_i, T[0:i, i] = −τ_i·T[0:i, 0:i]·G[0:i, i].
    /// </summary>
    private sealed class WyScratch<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T[] _v, _negV, _t, _g, _w1, _w2, _tv;
        private int _mm, _jb;

        public WyScratch(int m, int nb, int maxCols)
        {
            _v = new T[m * nb];
            _negV = new T[m * nb];
            _t = new T[nb * nb];
            _g = new T[nb * nb];
            _w1 = new T[nb * Math.Max(maxCols, 1)];
            _w2 = new T[nb * Math.Max(maxCols, 1)];
            _tv = new T[nb];
        }

        /// <summary>V, −V and T from the jb reflectors stored below the diagonal of the mm×jb block at <paramref name="a"/> (row stride lda).</summary>
        public void Build(T* a, nint lda, int mm, int jb, T* tau)
        {
            (_mm, _jb) = (mm, jb);
            for (int i = 0; i < mm; i++)
                for (int c = 0; c < jb; c++)
                {
                    T x = i == c ? T.One : i > c ? a[(i * lda) + c] : T.Zero;
                    _v[(i * jb) + c] = x;
                    _negV[(i * jb) + c] = -x;
                }

            fixed (T* pv = _v)
            fixed (T* pg = _g)
            {
                Gemm.Multiply(jb, jb, mm, pv, 1, jb, pv, jb, 1, pg, jb, false, Gemm.BestIsa, 1);
            }

            Array.Clear(_t);
            for (int i = 0; i < jb; i++)
            {
                _t[(i * jb) + i] = tau[i];
                for (int r = 0; r < i; r++) _tv[r] = -tau[i] * _g[(r * jb) + i];
                for (int r = 0; r < i; r++)
                {
                    T sum = T.Zero;
                    for (int c = r; c < i; c++) sum += _t[(r * jb) + c] * _tv[c];
                    _t[(r * jb) + i] = sum;
                }
            }
        }

        /// <summary>C ← (I − V·op(T)·Vᵀ)·C for the mm×nc block C at <paramref name="c"/> (row stride ldc); op(T) = Tᵀ applies Hᵀ.</summary>
        public void ApplyLeft(T* c, nint ldc, int nc, bool transposeT)
        {
            int mm = _mm, jb = _jb;
            fixed (T* pv = _v)
            fixed (T* pnv = _negV)
            fixed (T* pt = _t)
            fixed (T* pw1 = _w1)
            fixed (T* pw2 = _w2)
            {
                // W₁ = Vᵀ·C, W₂ = op(T)·W₁, C += (−V)·W₂.
                Gemm.Multiply(jb, nc, mm, pv, 1, jb, c, ldc, 1, pw1, nc, false, Gemm.BestIsa, Gemm.MaxThreads);
                Gemm.Multiply(jb, nc, jb, pt, transposeT ? 1 : jb, transposeT ? jb : 1, pw1, nc, 1, pw2, nc, false, Gemm.BestIsa, 1);
                Gemm.Multiply(mm, nc, jb, pnv, jb, 1, pw2, nc, 1, c, ldc, true, Gemm.BestIsa, Gemm.MaxThreads);
            }
        }
    }

    private static T Norm<T>(T* x, int len)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T amax = T.Zero;
        for (int i = 0; i < len; i++) amax = T.Max(amax, T.Abs(x[i]));
        if (amax == T.Zero) return T.Zero;
        T inv = T.One / amax, sum = T.Zero;
        for (int i = 0; i < len; i++)
        {
            T t = x[i] * inv;
            sum += t * t;
        }

        return amax * T.Sqrt(sum);
    }
}
