using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cotangent.Runtime;

/// <summary>
/// Dense factorizations on row-major n×n buffers, LAPACK-style, with the n³ work in <see cref="Gemm"/> calls: Cholesky and
/// LU are recursive on column halves (see <see cref="Cholesky{T}"/>, <see cref="Lu{T}"/>); the triangular solves step
/// through panels of <see cref="Nb"/> rows (a substitution in the diagonal block after one GEMM update). The GEMM only
/// computes C = A·B or C += A·B, so the updates that subtract multiply by a negated copy of one operand.
/// </summary>
internal static unsafe class Factor
{
    /// <summary>
    /// Block size of the triangular solves: blocks of this many rows. 32 beat 64 (and 96, 128) for the former blocked LU
    /// at n = 512 and 1024 on the 2-core AVX2 machine: the unblocked work shrinks with the block.
    /// </summary>
    internal static int Nb = 32;

    /// <summary>
    /// Blocks of at most this many columns are factored (or solved) directly at the bottom of the recursive Cholesky. 32
    /// beat 16, 48 and 64 at n = 512 and 1024 (single thread, best of repeated runs under load: 2.1 vs 2.6–3.0 ms at 512).
    /// </summary>
    internal static int CholeskyLeaf = 32;

    /// <summary>
    /// In-place lower Cholesky of the n×n row-major <paramref name="a"/> (lower triangle read; upper zeroed); all NaN when
    /// not positive definite. Recursive (Gustavson; LAPACK's potrf2 with BLAS-3 in the halves): with A = [A₁₁ ·; A₂₁ A₂₂],
    /// L₁₁ = chol(A₁₁), L₂₁ = A₂₁L₁₁⁻ᵀ (recursive triangular solve), A₂₂ −= L₂₁L₂₁ᵀ (recursive lower-triangle update),
    /// L₂₂ = chol(A₂₂). Nearly all the n³/3 flops land in GEMM calls whose inner extent is half the current block, so the
    /// micro-kernel runs on long k loops instead of the narrow panels of a fixed-block right-looking loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Cholesky<T>(Span<T> a, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0) return;
        // Scratch for the negated copies the GEMM subtracts with (it only computes C += A·B): n₂×n₁ ≤ n²/4 at any level.
        // The solve leaves need CholeskyLeaf × (rows rounded up to 4 vectors, plus one) for a transposed block.
        int scratch = n <= CholeskyLeaf ? 1 : Math.Max(n / 2 * ((n + 1) / 2), CholeskyLeaf * (n + (5 * Vector<T>.Count))) + 1;
        var work = ArrayPool<T>.Shared.Rent(scratch);
        try
        {
            fixed (T* p = a)
            fixed (T* pw = work)
            {
                if (!CholeskyRecursive(p, n, n, pw))
                {
                    a.Fill(T.NaN);
                    return;
                }

                for (int i = 0; i < n; i++) new Span<T>(p + (i * n) + i + 1, n - i - 1).Clear();
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(work);
        }
    }

    /// <summary>The split of an n-column block: about half, rounded up to a multiple of 16 (whole GEMM register tiles).</summary>
    private static int Half(int n)
    {
        int h = ((((n + 1) / 2) + 15) / 16) * 16;
        return h < n ? h : n / 2;
    }

    /// <summary>Recursive lower Cholesky of the n×n block at <paramref name="a"/> (row stride ld); false when a pivot is not positive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool CholeskyRecursive<T>(T* a, int n, nint ld, T* work)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n <= CholeskyLeaf) return CholeskyUnblocked(a, n, ld);
        int n1 = Half(n), n2 = n - n1;
        if (!CholeskyRecursive(a, n1, ld, work)) return false;
        T* a21 = a + (n1 * ld);
        SolveRightLowerTransposed(a, n1, a21, n2, ld, work);
        NegatedCopy(a21, n2, n1, ld, work);
        SyrkLower(a21 + n1, n2, work, n1, a21, ld, n1);
        return CholeskyRecursive(a21 + n1, n2, ld, work);
    }

    /// <summary>Left-looking Cholesky of a small block: l_jj = √(a_jj − Σ_k l_jk²), l_ij = (a_ij − Σ_k l_ik·l_jk)/l_jj (dots of contiguous rows).</summary>
    private static bool CholeskyUnblocked<T>(T* a, int n, nint ld)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j = 0; j < n; j++)
        {
            T* rj = a + (j * ld);
            T d = rj[j] - Dot(rj, rj, j);
            if (!(d > T.Zero)) return false;
            d = T.Sqrt(d);
            rj[j] = d;
            for (int i = j + 1; i < n; i++)
            {
                T* ri = a + (i * ld);
                ri[j] = (ri[j] - Dot(ri, rj, j)) / d;
            }
        }

        return true;
    }

    /// <summary>
    /// X·Lᵀ = B in place on the m×n block <paramref name="b"/> (L n×n lower at <paramref name="l"/>, both with row stride ld),
    /// recursive on L = [L_a 0; L_b L_c]: X_a·L_aᵀ = B_a, then B_b −= X_a·L_bᵀ (GEMM), then X_b·L_cᵀ = B_b.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SolveRightLowerTransposed<T>(T* l, int n, T* b, int m, nint ld, T* work)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n <= CholeskyLeaf)
        {
            SolveRightLeaf(l, n, b, m, ld, work);
            return;
        }

        int h = Half(n);
        SolveRightLowerTransposed(l, h, b, m, ld, work);
        NegatedCopy(b, m, h, ld, work);
        // B_b += (−X_a)·L_bᵀ, with L_bᵀ(p, j) = l[(h + j)·ld + p].
        Gemm.Multiply(m, n - h, h, work, h, 1, l + (h * ld), 1, ld, b + h, ld, accumulate: true, Gemm.BestIsa, Gemm.MaxThreads);
        SolveRightLowerTransposed(l + (h * ld) + h, n - h, b + h, m, ld, work);
    }

    /// <summary>
    /// The leaf of <see cref="SolveRightLowerTransposed"/> (n ≤ <see cref="CholeskyLeaf"/>): column j of X is
    /// x_j = (b_j − Σ_{k&lt;j} l_jk·x_k) / l_jj, computed on Xᵀ (transposed into <paramref name="work"/>, zero rows padding m
    /// to whole vectors) so each step is a vector operation over 4 vectors of rows. Rows of B are independent, so the
    /// padding rows stay zero and never mix in.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SolveRightLeaf<T>(T* l, int n, T* b, int m, nint ld, T* work)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector<T>.Count, step = 4 * w;
        int mr = (m + step - 1) / step * step;
        // Row stride of Xᵀ: one vector past the padded rows, so the columns do not alias at 4 KiB when m is a power of two.
        nint mp = mr + w;
        for (int i = 0; i < m; i++)
        {
            T* bi = b + (i * ld);
            for (int j = 0; j < n; j++) work[(j * mp) + i] = bi[j];
        }

        for (int j = 0; j < n; j++) new Span<T>(work + (j * mp) + m, mr - m).Clear();
        for (nint i0 = 0; i0 < mr; i0 += step)
        {
            for (int j = 0; j < n; j++)
            {
                T* xj = work + (j * mp) + i0;
                var acc0 = Unsafe.ReadUnaligned<Vector<T>>(xj);
                var acc1 = Unsafe.ReadUnaligned<Vector<T>>(xj + w);
                var acc2 = Unsafe.ReadUnaligned<Vector<T>>(xj + (2 * w));
                var acc3 = Unsafe.ReadUnaligned<Vector<T>>(xj + (3 * w));
                T* lj = l + (j * ld);
                for (int k = 0; k < j; k++)
                {
                    var c = new Vector<T>(lj[k]);
                    T* xk = work + (k * mp) + i0;
                    acc0 -= c * Unsafe.ReadUnaligned<Vector<T>>(xk);
                    acc1 -= c * Unsafe.ReadUnaligned<Vector<T>>(xk + w);
                    acc2 -= c * Unsafe.ReadUnaligned<Vector<T>>(xk + (2 * w));
                    acc3 -= c * Unsafe.ReadUnaligned<Vector<T>>(xk + (3 * w));
                }

                var d = new Vector<T>(lj[j]);
                Unsafe.WriteUnaligned(xj, acc0 / d);
                Unsafe.WriteUnaligned(xj + w, acc1 / d);
                Unsafe.WriteUnaligned(xj + (2 * w), acc2 / d);
                Unsafe.WriteUnaligned(xj + (3 * w), acc3 / d);
            }
        }

        for (int i = 0; i < m; i++)
        {
            T* bi = b + (i * ld);
            for (int j = 0; j < n; j++) bi[j] = work[(j * mp) + i];
        }
    }

    /// <summary>
    /// The lower triangle of C += (−X)·Xᵀ for the m×m block <paramref name="c"/> (row stride ld), X m×k at <paramref name="x"/>
    /// (row stride ld) and −X at <paramref name="negX"/> (row stride ldn): recursive on C = [C₁₁ ·; C₂₁ C₂₂], C₂₁ by one GEMM,
    /// small diagonal blocks by a square GEMM (their strict upper part is scratch: the caller zeroes it at the end).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SyrkLower<T>(T* c, int m, T* negX, nint ldn, T* x, nint ld, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m <= CholeskyLeaf)
        {
            Gemm.Multiply(m, m, k, negX, ldn, 1, x, 1, ld, c, ld, accumulate: true, Gemm.BestIsa, Gemm.MaxThreads);
            return;
        }

        int h = Half(m);
        SyrkLower(c, h, negX, ldn, x, ld, k);
        Gemm.Multiply(m - h, h, k, negX + (h * ldn), ldn, 1, x, 1, ld, c + (h * ld), ld, accumulate: true, Gemm.BestIsa, Gemm.MaxThreads);
        SyrkLower(c + (h * ld) + h, m - h, negX + (h * ldn), ldn, x + (h * ld), ld, k);
    }

    /// <summary>dst (m×n, contiguous) = −src (m×n, row stride ld).</summary>
    private static void NegatedCopy<T>(T* src, int m, int n, nint ld, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            T* s = src + (i * ld);
            T* d = dst + (i * n);
            for (int j = 0; j < n; j++) d[j] = -s[j];
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
    /// Columns at or below which the recursive LU factors a panel unblocked. 8 beat 16 and 32 at n = 128, 512 and 1024
    /// (single thread, best thread-CPU time of repeated runs under load ~9: 0.13 vs 0.14–0.18 ms at 128, 4.4 vs 4.9–5.4 ms at 512).
    /// </summary>
    internal static int LuLeaf = 8;

    /// <summary>
    /// In-place LU with partial pivoting (getrf), A[perm] = L·U, recursive on the columns (Toledo; LAPACK's getrf2): with
    /// A = [A₁ A₂] split into column halves, factor the tall panel A₁ = P₁[L₁₁; L₂₁]U₁₁, apply its row swaps to A₂, then
    /// U₁₂ = L₁₁⁻¹A₁₂ (recursive unit-lower solve), A₂₂ −= L₂₁U₁₂ (one GEMM with inner extent n₁), factor A₂₂ and apply its
    /// swaps to L₂₁. The n³ work is in GEMMs of inner extent about half the current block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Lu<T>(Span<T> a, int n, int[] perm)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < n; i++) perm[i] = i;
        if (n == 0) return;
        // Scratch for the negated GEMM operands (the GEMM only computes C += A·B), at most (n − n₁)·n₁ ≤ n²/4, and for the
        // transposed leaf panels, at most LuLeaf × (n + one vector).
        var work = ArrayPool<T>.Shared.Rent(Math.Max(n / 2 * ((n + 1) / 2), LuLeaf * (n + Vector<T>.Count)) + 1);
        var ipiv = ArrayPool<int>.Shared.Rent(n);
        try
        {
            fixed (T* p = a)
            fixed (T* pw = work)
            fixed (int* pi = ipiv)
            {
                LuRecursive(p, n, n, n, pi, pw);
            }

            // ipiv is the sequence of row interchanges (k ↔ ipiv[k]); perm is their product.
            for (int k = 0; k < n; k++) (perm[k], perm[ipiv[k]]) = (perm[ipiv[k]], perm[k]);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(work);
            ArrayPool<int>.Shared.Return(ipiv);
        }
    }

    /// <summary>Recursive LU of the m×n panel at <paramref name="a"/> (row stride ld, m ≥ n); ipiv[k] is the row (from the panel top) swapped with row k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LuRecursive<T>(T* a, int m, int n, nint ld, int* ipiv, T* work)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n <= LuLeaf)
        {
            LuUnblocked(a, m, n, ld, ipiv, work);
            return;
        }

        int n1 = Half(n), n2 = n - n1;
        LuRecursive(a, m, n1, ld, ipiv, work);
        T* a12 = a + n1, a21 = a + (n1 * ld), a22 = a21 + n1;
        SwapRows(a12, n2, ld, ipiv, 0, n1);
        SolveLeftUnitLower(a, n1, a12, n2, ld, work);
        // A₂₂ += (−L₂₁)·U₁₂.
        NegatedCopy(a21, m - n1, n1, ld, work);
        Gemm.Multiply(m - n1, n2, n1, work, n1, 1, a12, ld, 1, a22, ld, accumulate: true, Gemm.BestIsa, Gemm.MaxThreads);
        LuRecursive(a22, m - n1, n2, ld, ipiv + n1, work);
        for (int k = n1; k < n; k++) ipiv[k] += n1;
        SwapRows(a, n1, ld, ipiv, n1, n);
    }

    /// <summary>
    /// Unblocked right-looking LU of a narrow m×n panel, on its transpose in <paramref name="work"/> so every step is a long
    /// contiguous vector operation: per column j, the largest |a_ij| on or below the diagonal is the pivot (first on ties),
    /// the rows swap within the panel, l_ij = a_ij / u_jj, and each later column c takes a_ic −= u_jc·l_ij. A zero pivot
    /// leaves its column as is (getrf's info &gt; 0): U is singular.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LuUnblocked<T>(T* a, int m, int n, nint ld, int* ipiv, T* work)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Column stride of the transposed panel: padded past m so the columns do not alias at 4 KiB when m is a power of two.
        nint mp = m + Vector<T>.Count;
        for (int i = 0; i < m; i++)
        {
            T* ri = a + (i * ld);
            for (int c = 0; c < n; c++) work[(c * mp) + i] = ri[c];
        }

        for (int j = 0; j < n; j++)
        {
            T* cj = work + (j * mp);
            int piv = j;
            T best = T.Abs(cj[j]);
            for (int i = j + 1; i < m; i++)
            {
                T v = T.Abs(cj[i]);
                if (v > best)
                {
                    best = v;
                    piv = i;
                }
            }

            ipiv[j] = piv;
            if (piv != j)
            {
                for (int c = 0; c < n; c++) (work[(c * mp) + j], work[(c * mp) + piv]) = (work[(c * mp) + piv], work[(c * mp) + j]);
            }

            T d = cj[j];
            if (d == T.Zero) continue;
            var l = new Span<T>(cj + j + 1, m - j - 1);
            Divide(l, d);
            for (int c = j + 1; c < n; c++)
            {
                T* cc = work + (c * mp);
                Axpy(-cc[j], l, new Span<T>(cc + j + 1, m - j - 1));
            }
        }

        for (int i = 0; i < m; i++)
        {
            T* ri = a + (i * ld);
            for (int c = 0; c < n; c++) ri[c] = work[(c * mp) + i];
        }
    }

    /// <summary>Applies the interchanges k ↔ ipiv[k], k = k0…k1−1 in order, to the n-column block at <paramref name="a"/> (laswp).</summary>
    private static void SwapRows<T>(T* a, int n, nint ld, int* ipiv, int k0, int k1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int k = k0; k < k1; k++)
        {
            int p = ipiv[k];
            if (p == k) continue;
            T* rk = a + (k * ld);
            T* rp = a + (p * ld);
            for (int c = 0; c < n; c++) (rk[c], rp[c]) = (rp[c], rk[c]);
        }
    }

    /// <summary>
    /// L⁻¹B in place on the m×k block <paramref name="b"/>, L m×m unit lower at <paramref name="l"/> (row stride ld for both),
    /// recursive on L = [L_a 0; L_b L_c]: X_a = L_a⁻¹B_a, B_b −= L_b·X_a (GEMM), X_b = L_c⁻¹B_b. Leaves substitute by rows:
    /// x_i = b_i − Σ_{j&lt;i} l_ij·x_j.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SolveLeftUnitLower<T>(T* l, int m, T* b, int k, nint ld, T* work)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m <= 2 * LuLeaf)
        {
            for (int i = 1; i < m; i++)
            {
                var row = new Span<T>(b + (i * ld), k);
                for (int j = 0; j < i; j++) Axpy(-l[(i * ld) + j], new ReadOnlySpan<T>(b + (j * ld), k), row);
            }

            return;
        }

        int h = Half(m);
        SolveLeftUnitLower(l, h, b, k, ld, work);
        NegatedCopy(l + (h * ld), m - h, h, ld, work);
        Gemm.Multiply(m - h, k, h, work, h, 1, b, ld, 1, b + (h * ld), ld, accumulate: true, Gemm.BestIsa, Gemm.MaxThreads);
        SolveLeftUnitLower(l + (h * ld) + h, m - h, b + (h * ld), k, ld, work);
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

    /// <summary>x /= d, elementwise (a true division, as the unvectorized loop).</summary>
    private static void Divide<T>(Span<T> x, T d)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var vd = new Vector<T>(d);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                (new Vector<T>(x[i..]) / vd).CopyTo(x[i..]);
        }

        for (; i < x.Length; i++) x[i] /= d;
    }

    private static void Scale<T>(Span<T> x, T alpha)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) x[i] *= alpha;
    }
}
