using System.Numerics;

namespace Cotangent.Runtime;

/// <summary>
/// Householder QR (LAPACK dgeqr2 + dorg2r) and the SVD by QR followed by one-sided Jacobi on R (Hestenes; Drmač–Veselić's
/// preconditioning idea without the column pivoting), on row-major buffers. Everything a kernel returns is written
/// here, element by element, so the outputs may come from uninitialized allocations.
/// </summary>
internal static unsafe class Orthogonal
{
    /// <summary>
    /// In-place QR of the row-major m×n <paramref name="a"/>: on return R is on and above the diagonal and reflector j
    /// (H_j = I − τ_j·v·vᵀ, v₀ = 1 implied) below it in column j, with Q = H₀⋯H_{k−1}, k = min(m, n).
    /// </summary>
    public static void Factor<T>(T* a, int m, int n, T* tau)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = Math.Min(m, n);
        var wb = new T[Math.Max(n, 1)];
        fixed (T* w = wb)
        {
            for (int j = 0; j < k; j++)
            {
                T* col = a + ((nint)j * n) + j;
                int len = m - j, rest = n - j - 1;
                tau[j] = Reflector(col, n, len);
                if (tau[j] == T.Zero || rest == 0) continue;
                // A[j:, j+1:] ← H·A[j:, j+1:]: w = vᵀA (a combination of rows), then row i −= τ·v_i·w.
                T* row0 = col + 1;
                new Span<T>(row0, rest).CopyTo(new Span<T>(w, rest));
                for (int i = 1; i < len; i++) Vec.Axpy(col[(nint)i * n], row0 + ((nint)i * n), w, rest);
                Vec.Axpy(-tau[j], w, row0, rest);
                for (int i = 1; i < len; i++) Vec.Axpy(-tau[j] * col[(nint)i * n], w, row0 + ((nint)i * n), rest);
            }
        }
    }

    /// <summary>
    /// dlarfg on x = (x₀, x₁…) read with stride <paramref name="stride"/>: H·x = β·e₀ with β = −sign(x₀)‖x‖; x₀ becomes β
    /// and x₁… become v₁… (v = x/(x₀ − β)); returns τ = (β − x₀)/β, or 0 (H = I) when x₁… are all zero.
    /// </summary>
    private static T Reflector<T>(T* x, int stride, int len)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T alpha = x[0], amax = T.Zero;
        for (int i = 1; i < len; i++) amax = T.Max(amax, T.Abs(x[(nint)i * stride]));
        if (amax == T.Zero) return T.Zero;
        amax = T.Max(amax, T.Abs(alpha));
        // ‖x‖ = s·√Σ(x_i/s)² with s = max|x_i|: no overflow or underflow in the squares.
        T inv = T.One / amax, sum = T.Zero;
        for (int i = 0; i < len; i++)
        {
            T t = x[(nint)i * stride] * inv;
            sum += t * t;
        }

        T beta = amax * T.Sqrt(sum);
        if (alpha >= T.Zero) beta = -beta;
        T tau = (beta - alpha) / beta;
        T scale = T.One / (alpha - beta);
        for (int i = 1; i < len; i++) x[(nint)i * stride] *= scale;
        x[0] = beta;
        return tau;
    }

    /// <summary>
    /// The first <paramref name="qc"/> columns of Q = H₀⋯H_{k−1} (from <see cref="Factor{T}"/>'s output) into the
    /// row-major m×qc <paramref name="q"/>, by backward accumulation Q ← H_j·Q, which only touches Q[j:, j:].
    /// </summary>
    public static void FormQ<T>(T* a, int m, int n, T* tau, T* q, int qc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = Math.Min(m, n);
        for (int i = 0; i < m; i++)
        {
            var row = new Span<T>(q + ((nint)i * qc), qc);
            row.Clear();
            if (i < qc) row[i] = T.One;
        }

        var wb = new T[Math.Max(qc, 1)];
        fixed (T* w = wb)
        {
            for (int j = k - 1; j >= 0; j--)
            {
                if (tau[j] == T.Zero) continue;
                T* v = a + ((nint)j * n) + j;
                T* q0 = q + ((nint)j * qc) + j;
                int len = m - j, cols = qc - j;
                new Span<T>(q0, cols).CopyTo(new Span<T>(w, cols));
                for (int i = 1; i < len; i++) Vec.Axpy(v[(nint)i * n], q0 + ((nint)i * qc), w, cols);
                Vec.Axpy(-tau[j], w, q0, cols);
                for (int i = 1; i < len; i++) Vec.Axpy(-tau[j] * v[(nint)i * n], w, q0 + ((nint)i * qc), cols);
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
            Factor(px, bigM, bigN, pt);
            FormQ(px, bigM, bigN, pt, pq, bigN);
            for (int i = 0; i < bigN; i++)
            {
                for (int j = i; j < bigN; j++) py[(j * bigN) + i] = px[(i * bigN) + j];
                pz[(i * bigN) + i] = T.One;
            }

            if (!Jacobi(py, pz, bigN))
            {
                u.Fill(T.NaN);
                s.Fill(T.NaN);
                vt.Fill(T.NaN);
                return false;
            }

            // σ_j = ‖y_j‖, descending; U_r's column j = y_j/σ_j, completed to an orthonormal basis where σ_j = 0.
            var sigma = new T[bigN];
            for (int j = 0; j < bigN; j++) sigma[j] = Norm(py + (j * bigN), bigN);
            var order = new int[bigN];
            for (int i = 0; i < bigN; i++) order[i] = i;
            Array.Sort(order, (p1, p2) => sigma[p1] != sigma[p2] ? sigma[p2].CompareTo(sigma[p1]) : p1.CompareTo(p2));
            var ur = new T[bigN * bigN];
            var missing = new List<int>();
            T tiny = T.CreateTruncating(typeof(T) == typeof(double) ? 1e-290 : 1e-35);
            for (int j = 0; j < bigN; j++)
            {
                T sj = sigma[order[j]];
                if (sj <= tiny)
                {
                    missing.Add(j);
                    continue;
                }

                T inv = T.One / sj;
                for (int i = 0; i < bigN; i++) ur[(i * bigN) + j] = py[(order[j] * bigN) + i] * inv;
            }

            if (missing.Count > 0) Complete(ur, bigN, missing);
            // U_X = Q·U_r (M×N).
            var ux = new T[bigM * bigN];
            Gemm.Multiply<T>(q, ur, ux, bigM, bigN, bigN);
            T unscale = T.ScaleB(T.One, exponent);
            for (int j = 0; j < k; j++) s[j] = sigma[order[j]] <= tiny ? T.Zero : sigma[order[j]] * unscale;
            if (!wide)
            {
                // A = U_X·Σ·Vᵀ: U = U_X (m×k), Vᵀ row j = z_{order[j]}.
                ux.AsSpan(0, m * k).CopyTo(u);
                for (int j = 0; j < k; j++) new Span<T>(pz + (order[j] * bigN), n).CopyTo(vt.Slice(j * n, n));
            }
            else
            {
                // A = Xᵀ = V·Σ·U_Xᵀ: U[i, j] = z_{order[j]}[i] (m×k), Vᵀ[j, i] = U_X[i, j] (k×n).
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < k; j++) u[(i * k) + j] = pz[(order[j] * bigN) + i];
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
