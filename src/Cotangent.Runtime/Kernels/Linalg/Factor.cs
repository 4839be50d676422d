using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cotangent.Runtime;

/// <summary>
/// Blocked dense factorizations on row-major n×n buffers, LAPACK-style: an unblocked step on a diagonal block or
/// panel of <see cref="Nb"/> columns, then the trailing update as one GEMM on <see cref="Gemm"/> (where the n³ work
/// is). The GEMM only computes C = A·B or C += A·B, so the updates that subtract multiply by a negated copy of the
/// (thin) panel.
/// </summary>
internal static unsafe class Factor
{
    /// <summary>
    /// Block size: panels of this many columns; the GEMM updates have this inner extent. 32 beat 64 (and 96, 128) for LU
    /// and Cholesky at n = 512 and 1024 on the 2-core AVX2 machine (single thread, min of repeated runs: LU 5.1–5.3 vs
    /// 6.1–6.4 ms at 512, Cholesky about equal): the unblocked panel work shrinks with the block.
    /// </summary>
    internal static int Nb = 32;

    /// <summary>In-place lower Cholesky of the n×n row-major <paramref name="a"/> (lower triangle read; upper zeroed); all NaN when not positive definite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Cholesky<T>(Span<T> a, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int nb = Nb;
        var neg = new T[Math.Max(0, n - nb) * nb];
        fixed (T* p = a)
        fixed (T* pn = neg)
        {
            for (int k0 = 0; k0 < n; k0 += nb)
            {
                int kb = Math.Min(nb, n - k0), k1 = k0 + kb, rest = n - k1;
                // Diagonal block: L₁₁L₁₁ᵀ = A₁₁ (left-looking within the block: dot products of contiguous rows).
                for (int j = k0; j < k1; j++)
                {
                    T* rj = p + (j * n) + k0;
                    T d = rj[j - k0] - Dot(rj, rj, j - k0);
                    if (!(d > T.Zero))
                    {
                        a.Fill(T.NaN);
                        return;
                    }

                    d = T.Sqrt(d);
                    rj[j - k0] = d;
                    for (int i = j + 1; i < k1; i++)
                    {
                        T* ri = p + (i * n) + k0;
                        ri[j - k0] = (ri[j - k0] - Dot(ri, rj, j - k0)) / d;
                    }
                }

                if (rest == 0) break;
                // Panel: L₂₁ = A₂₁L₁₁⁻ᵀ, row by row (each row is a forward substitution with L₁₁).
                for (int i = k1; i < n; i++)
                {
                    T* ri = p + (i * n) + k0;
                    for (int j = 0; j < kb; j++)
                    {
                        T* lj = p + ((k0 + j) * n) + k0;
                        ri[j] = (ri[j] - Dot(ri, lj, j)) / lj[j];
                    }

                    for (int j = 0; j < kb; j++) pn[((i - k1) * kb) + j] = -ri[j];
                }

                // Trailing lower part: A₂₂ −= L₂₁L₂₁ᵀ, in column blocks so only the lower triangle is updated.
                const int cb = 256;
                for (int j0 = 0; j0 < rest; j0 += cb)
                {
                    int jb = Math.Min(cb, rest - j0);
                    Gemm.Multiply(rest - j0, jb, kb,
                        pn + (j0 * kb), kb, 1,
                        p + ((k1 + j0) * n) + k0, 1, n,
                        p + ((k1 + j0) * n) + k1 + j0, n, accumulate: true, Gemm.BestIsa, Gemm.MaxThreads);
                }
            }

            for (int i = 0; i < n; i++) new Span<T>(p + (i * n) + i + 1, n - i - 1).Clear();
        }
    }

    /// <summary>Triangular solves over a batch: <paramref name="b"/> (overwritten by X) is [batch, m, k] (left) or [batch, k, m] (right).</summary>
    public static void SolveBatch<T>(T[] a, T[] b, int batch, int m, int k, bool left, bool lower, bool transA, bool unit)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || k == 0) return;
        var scratch = left ? null : new T[m * k];
        for (int q = 0; q < batch; q++)
        {
            var am = a.AsSpan(q * m * m, m * m);
            var bm = b.AsSpan(q * m * k, m * k);
            if (left)
            {
                SolveLeft(am, bm, m, k, lower, transA, unit);
            }
            else
            {
                // X·op(A) = B ⇔ op(A)ᵀ·Xᵀ = Bᵀ: solve on the transposed right-hand side with transA flipped.
                for (int i = 0; i < k; i++)
                    for (int j = 0; j < m; j++) scratch![(j * k) + i] = bm[(i * m) + j];
                SolveLeft(am, scratch, m, k, lower, !transA, unit);
                for (int i = 0; i < k; i++)
                    for (int j = 0; j < m; j++) bm[(i * m) + j] = scratch![(j * k) + i];
            }
        }
    }

    /// <summary>
    /// op(A)·X = B in place on the row-major m×k <paramref name="b"/>, blocked: each block of rows first gets the
    /// GEMM update from the rows already solved, then a substitution with its diagonal block. The solved rows are
    /// kept negated (so the update is a plain C += A·B) and flipped back at the end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SolveLeft<T>(ReadOnlySpan<T> a, Span<T> b, int m, int k, bool lower, bool transA, bool unit)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // T(i, j) = op(A)(i, j) = a[i·rs + j·cs]; op(A) is lower triangular when lower ≠ transA.
        nint rs = transA ? 1 : m, cs = transA ? m : 1;
        bool forward = lower != transA;
        int nb = Nb;
        fixed (T* pa = a)
        fixed (T* pb = b)
        {
            int blocks = (m + nb - 1) / nb;
            for (int blk = 0; blk < blocks; blk++)
            {
                int i0 = forward ? blk * nb : Math.Max(0, m - ((blk + 1) * nb));
                int i1 = forward ? Math.Min(m, i0 + nb) : m - (blk * nb);
                // Rows already solved: [0, i0) going forward, [i1, m) going backward.
                int s0 = forward ? 0 : i1, s1 = forward ? i0 : m;
                if (s1 > s0)
                {
                    Gemm.Multiply(i1 - i0, k, s1 - s0,
                        pa + (i0 * rs) + (s0 * cs), rs, cs,
                        pb + (s0 * k), k, 1,
                        pb + (i0 * k), k, accumulate: true, Gemm.BestIsa, Gemm.MaxThreads);
                }

                for (int t = 0; t < i1 - i0; t++)
                {
                    int i = forward ? i0 + t : i1 - 1 - t;
                    var row = new Span<T>(pb + (i * k), k);
                    int j0 = forward ? i0 : i + 1, j1 = forward ? i : i1;
                    for (int j = j0; j < j1; j++)
                    {
                        // Row j holds −x_j: b_i += T(i, j)·(−x_j).
                        Axpy(pa[(i * rs) + (j * cs)], new ReadOnlySpan<T>(pb + (j * k), k), row);
                    }

                    T scale = unit ? -T.One : -T.One / pa[(i * rs) + (i * cs)];
                    Scale(row, scale);
                }
            }

            Scale(new Span<T>(pb, m * k), -T.One);
        }
    }

    /// <summary>Packed LU of each n×n matrix of <paramref name="a"/> into the [batch, n + 1, n] <paramref name="result"/>.</summary>
    public static void LuBatch<T>(T[] a, T[] result, int batch, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var perm = new int[n];
        for (int q = 0; q < batch; q++)
        {
            var m = result.AsSpan(q * (n + 1) * n, (n + 1) * n);
            a.AsSpan(q * n * n, n * n).CopyTo(m);
            Lu(m[..(n * n)], n, perm);
            for (int i = 0; i < n; i++) m[(n * n) + i] = T.CreateTruncating(perm[i]);
        }
    }

    /// <summary>
    /// In-place LU with partial pivoting (getrf): panels of <see cref="Nb"/> columns factored unblocked with row swaps
    /// across the whole width, then U₁₂ = L₁₁⁻¹A₁₂ and the GEMM update A₂₂ −= L₂₁U₁₂. A[perm] = L·U.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Lu<T>(Span<T> a, int n, int[] perm)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < n; i++) perm[i] = i;
        int nb = Nb;
        var neg = new T[Math.Max(0, n - nb) * nb];
        fixed (T* p = a)
        fixed (T* pn = neg)
        {
            for (int k0 = 0; k0 < n; k0 += nb)
            {
                int kb = Math.Min(nb, n - k0), k1 = k0 + kb, rest = n - k1;
                for (int j = k0; j < k1; j++)
                {
                    int piv = j;
                    T best = T.Abs(p[(j * n) + j]);
                    for (int i = j + 1; i < n; i++)
                    {
                        T v = T.Abs(p[(i * n) + j]);
                        if (v > best)
                        {
                            best = v;
                            piv = i;
                        }
                    }

                    if (piv != j)
                    {
                        T* rj = p + (j * n);
                        T* rp = p + (piv * n);
                        for (int c = 0; c < n; c++) (rj[c], rp[c]) = (rp[c], rj[c]);
                        (perm[j], perm[piv]) = (perm[piv], perm[j]);
                    }

                    T d = p[(j * n) + j];
                    // A zero pivot leaves its column as is (getrf's info > 0): U is singular.
                    if (d == T.Zero) continue;
                    var urow = new ReadOnlySpan<T>(p + (j * n) + j + 1, k1 - j - 1);
                    for (int i = j + 1; i < n; i++)
                    {
                        T l = p[(i * n) + j] /= d;
                        Axpy(-l, urow, new Span<T>(p + (i * n) + j + 1, k1 - j - 1));
                    }
                }

                if (rest == 0) break;
                // U₁₂ = L₁₁⁻¹A₁₂ (unit lower, forward substitution on rows).
                for (int i = k0 + 1; i < k1; i++)
                {
                    var row = new Span<T>(p + (i * n) + k1, rest);
                    for (int j = k0; j < i; j++) Axpy(-p[(i * n) + j], new ReadOnlySpan<T>(p + (j * n) + k1, rest), row);
                }

                // A₂₂ += (−L₂₁)·U₁₂.
                for (int i = 0; i < rest; i++)
                    for (int j = 0; j < kb; j++) pn[(i * kb) + j] = -p[((k1 + i) * n) + k0 + j];
                Gemm.Multiply(rest, rest, kb, pn, kb, 1, p + (k0 * n) + k1, n, 1, p + (k1 * n) + k1, n, accumulate: true, Gemm.BestIsa, Gemm.MaxThreads);
            }
        }
    }

    private static T Dot<T>(T* x, T* y, int len)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var vx = new ReadOnlySpan<T>(x, len);
        var vy = new ReadOnlySpan<T>(y, len);
        T sum = T.Zero;
        int i = 0;
        if (Vector.IsHardwareAccelerated && len >= Vector<T>.Count)
        {
            var acc = Vector<T>.Zero;
            for (; i <= len - Vector<T>.Count; i += Vector<T>.Count)
                acc += new Vector<T>(vx[i..]) * new Vector<T>(vy[i..]);
            sum = Vector.Sum(acc);
        }

        for (; i < len; i++) sum += vx[i] * vy[i];
        return sum;
    }

    /// <summary>y += α·x.</summary>
    private static void Axpy<T>(T alpha, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var va = new Vector<T>(alpha);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                (new Vector<T>(y[i..]) + (va * new Vector<T>(x[i..]))).CopyTo(y[i..]);
        }

        for (; i < x.Length; i++) y[i] += alpha * x[i];
    }

    private static void Scale<T>(Span<T> x, T alpha)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) x[i] *= alpha;
    }
}
