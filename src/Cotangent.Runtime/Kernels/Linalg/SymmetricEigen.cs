using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cotangent.Runtime;

/// <summary>
/// Symmetric eigendecomposition A = V·diag(λ)·Vᵀ by Householder tridiagonalization and the implicit QL algorithm with
/// shifts from the leading 2×2 block (EISPACK tred2/tql2 as in JAMA; LAPACK dsytd2 + dsteqr do the same):
/// <list type="number">
/// <item>A = Q·T·Qᵀ with T tridiagonal: reflectors H_k = I − τ·v·vᵀ zero column k below its subdiagonal, and each is
/// applied from both sides as one symmetric rank-2 update A₂₂ −= v·wᵀ + w·vᵀ (w = p − ½τ(pᵀv)v, p = τA₂₂v).</item>
/// <item>Q = H₀⋯H_{n−3} by the blocked (compact WY, GEMM) backward accumulation of <see cref="Orthogonal.FormQ{T}"/>,
/// stored transposed as W = Qᵀ.</item>
/// <item>Implicit QL sweeps on (d, e) only, recording every Givens rotation; T = Z·Λ·Zᵀ.</item>
/// <item>Vᵀ = Zᵀ·W: the recorded rotations are replayed on the rows of W, one block of columns at a time so the
/// block stays in cache (and the two threads take different blocks).</item>
/// </list>
/// O(n³) with small constants (about 4/3·n³ for T, 4/3·n³ for Q, ≈ 6·n·(number of rotations ≈ n²) for Z), against
/// several n³ per sweep for <see cref="Jacobi"/>. Backward stable: eigenvalue error ≈ n·ε·‖A‖.
/// </summary>
internal static unsafe class SymmetricEigen
{

    /// <summary>Eigenvalues ascending into <paramref name="w"/>, eigenvectors as the columns of the row-major n×n <paramref name="v"/>; <paramref name="a"/> (n×n, lower triangle read) is destroyed.</summary>
    public static void Eigh<T>(Span<T> a, int n, Span<T> w, Span<T> v)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0) return;
        // Scale by a power of two (exact) so that max|a_ij| is in [1, 2): no overflow or harmful underflow below.
        T amax = T.Zero;
        bool finite = true;
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                T x = T.Abs(a[(i * n) + j]);
                if (!T.IsFinite(x)) finite = false;
                else if (x > amax) amax = x;
            }

        if (!finite)
        {
            w.Fill(T.NaN);
            v.Fill(T.NaN);
            return;
        }

        if (amax == T.Zero)
        {
            w.Clear();
            v.Clear();
            for (int i = 0; i < n; i++) v[(i * n) + i] = T.One;
            return;
        }

        int exponent = T.ILogB(amax);
        T scale = T.ScaleB(T.One, -exponent);
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) a[(j * n) + i] = a[(i * n) + j] *= scale;

        int cw = ChunkWidth<T>(), chunks = (n + cw - 1) / cw;
        var wt = new T[n * n];
        var panels = new T[chunks * n * cw];
        var d = new T[n];
        var e = new T[n];
        var rotations = new RotationList<T>(Math.Max(16, n * 4));
        fixed (T* pa = a)
        fixed (T* pw = wt)
        fixed (T* pp = panels)
        {
            Tridiagonalize(pa, n, d, e);
            FormQ(pa, n, pw);
            if (!Ql(d, e, n, rotations))
            {
                w.Fill(T.NaN);
                v.Fill(T.NaN);
                return;
            }

            ToPanels(pw, n, pp);
            ApplyRotations(pp, n, chunks, rotations);
        }

        // Ascending eigenvalues (ties keep their index order); Vᵀ's rows are the eigenvectors.
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(order, (x, y) => d[x] != d[y] ? d[x].CompareTo(d[y]) : x.CompareTo(y));
        T unscale = T.ScaleB(T.One, exponent);
        for (int j = 0; j < n; j++) w[j] = d[order[j]] * unscale;
        FromPanels(panels, n, order, v);
    }

    /// <summary>
    /// Reduces the full symmetric row-major n×n <paramref name="a"/> (both triangles valid) to tridiagonal form:
    /// d = diag T, e[k] = T[k+1, k] (e[n−1] = 0). Reflector k is stored in row k right of the superdiagonal (v₀ = 1
    /// implied) with τ_k on the superdiagonal itself; the strict lower triangle is left stale.
    /// </summary>
    /// <remarks>
    /// Step k's rank-2 update A₂₂ −= v·wᵀ + w·vᵀ is deferred: step k + 1 first applies it to row k + 1 (which, by
    /// symmetry, holds the column the next reflector is built from), then applies it to every later row and at once
    /// takes that row's dot product with the new v (p = τ·A₂₂·v). One pass over the trailing block per step instead
    /// of two reads and a write.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tridiagonalize<T>(T* a, int n, T[] d, T[] e)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The pending update (vP, wP) of the previous step, indexed from its first row/column k.
        var vb = new T[n];
        var pb = new T[n];
        var vpb = new T[n];
        var wpb = new T[n];
        bool pending = false;
        fixed (T* v0 = vb)
        fixed (T* p0 = pb)
        fixed (T* vp0 = vpb)
        fixed (T* wp0 = wpb)
        {
            T* v = v0, p = p0, vP = vp0, wP = wp0;
            for (int k = 0; k < n - 2; k++)
            {
                T* rowk = a + ((nint)k * n);
                if (pending) Vec.Rank2Row(rowk + k, vP, wP, -wP[0], -vP[0], n - k);
                d[k] = rowk[k];
                int len = n - k - 1;
                T* x = rowk + k + 1;
                T alpha = x[0];
                T xnorm2 = T.Zero;
                for (int i = 1; i < len; i++) xnorm2 += x[i] * x[i];
                T tau = T.Zero;
                if (xnorm2 == T.Zero)
                {
                    // Already reduced: H_k = I (τ = 0).
                    e[k] = alpha;
                }
                else
                {
                    // dlarfg: H·x = β·e₀ with β = −sign(α)‖x‖, τ = (β − α)/β, v = x/(α − β) with v₀ = 1.
                    T beta = T.Sqrt((alpha * alpha) + xnorm2);
                    if (alpha >= T.Zero) beta = -beta;
                    tau = (beta - alpha) / beta;
                    T inv = T.One / (alpha - beta);
                    v[0] = T.One;
                    for (int i = 1; i < len; i++) v[i] = x[i] *= inv;
                    e[k] = beta;
                }

                x[0] = tau;
                // Rows k+1…: the pending update, then p_i = τ·(row i)·v while the row is in cache.
                for (int i = 0; i < len; i++)
                {
                    T* ri = a + ((nint)(k + 1 + i) * n) + k + 1;
                    if (pending) Vec.Rank2Row(ri, vP + 1, wP + 1, -wP[i + 1], -vP[i + 1], len);
                    if (tau != T.Zero) p[i] = tau * Vec.Dot(ri, v, len);
                }

                pending = tau != T.Zero;
                if (pending)
                {
                    // w = p − ½τ(pᵀv)·v becomes the pending update of A₂₂ = rows/columns k+1….
                    T half = T.CreateTruncating(0.5) * tau * Vec.Dot(p, v, len);
                    for (int i = 0; i < len; i++) p[i] -= half * v[i];
                    T* t = vP;
                    vP = v;
                    v = t;
                    t = wP;
                    wP = p;
                    p = t;
                }
            }

            int last = Math.Max(0, n - 2);
            if (pending)
            {
                for (int i = last; i < n; i++) Vec.Rank2Row(a + ((nint)i * n) + last, vP, wP, -wP[i - last], -vP[i - last], n - last);
            }

            if (n >= 2)
            {
                d[n - 2] = a[((n - 2) * n) + n - 2];
                e[n - 2] = a[((n - 2) * n) + n - 1];
            }

            d[n - 1] = a[((n - 1) * n) + n - 1];
            e[n - 1] = T.Zero;
        }
    }

    /// <summary>
    /// Q = H₀⋯H_{n−3} into the row-major n×n <paramref name="q"/>: reflector k (in row k right of the superdiagonal,
    /// acting on indices k+1…) is copied below the subdiagonal of column k, which is the layout of a QR factorization of
    /// A[1:, :n−1]; Q = diag(1, Q′) with Q′ formed by the blocked <see cref="Orthogonal.FormQ{T}"/> (GEMM-based).
    /// </summary>
    private static void FormQ<T>(T* a, int n, T* q)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n < 3)
        {
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) q[(i * n) + j] = i == j ? T.One : T.Zero;
            return;
        }

        int r = n - 1;
        var tau = new T[r];
        for (int k = 0; k < n - 2; k++)
        {
            T* x = a + ((nint)k * n) + k + 1;
            tau[k] = x[0];
            for (int t = 1; t < n - k - 1; t++) a[((nint)(k + 1 + t) * n) + k] = x[t];
        }

        var qp = new T[r * r];
        fixed (T* pt = tau)
        fixed (T* pq = qp)
        {
            Orthogonal.FormQ(a + n, r, r, pt, pq, r, n);
        }

        q[0] = T.One;
        for (int j = 1; j < n; j++) q[j] = q[j * n] = T.Zero;
        for (int i = 1; i < n; i++) new Span<T>(qp, ((i - 1) * r), r).CopyTo(new Span<T>(q + ((nint)i * n) + 1, r));
    }

    /// <summary>
    /// Implicit QL on the symmetric tridiagonal (d, e) (tql2): d becomes the eigenvalues (unsorted) and every rotation
    /// G acting on (i, i + 1) is recorded; applying them in order as W ← Gᵀ·W to Qᵀ gives Vᵀ. False when an eigenvalue
    /// fails to converge in 60 sweeps (dsteqr's info &gt; 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Ql<T>(T[] d, T[] e, int n, RotationList<T> rotations)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T eps = MachineEpsilon<T>();
        T two = T.CreateTruncating(2);
        T f = T.Zero, tst1 = T.Zero;
        for (int l = 0; l < n; l++)
        {
            // Find the first negligible subdiagonal e[m] at or after l (e[n − 1] = 0 ends the search).
            tst1 = T.Max(tst1, T.Abs(d[l]) + T.Abs(e[l]));
            int m = l;
            while (m < n - 1 && T.Abs(e[m]) > eps * tst1) m++;
            if (m > l)
            {
                int iter = 0;
                do
                {
                    if (++iter > 60) return false;
                    // Shift: the eigenvalue of the leading 2×2 block [d_l e_l; e_l d_{l+1}] nearer d_l.
                    T g = d[l];
                    T p = (d[l + 1] - g) / (two * e[l]);
                    T r = Hypot(p, T.One);
                    if (p < T.Zero) r = -r;
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    T dl1 = d[l + 1];
                    T h = g - d[l];
                    for (int i = l + 2; i < n; i++) d[i] -= h;
                    f += h;

                    // One QL sweep from the bottom of the unreduced block up: rotations on (i, i + 1), i = m − 1 … l.
                    p = d[m];
                    T c = T.One, c2 = T.One, c3 = T.One, s = T.Zero, s2 = T.Zero;
                    T el1 = e[l + 1];
                    for (int i = m - 1; i >= l; i--)
                    {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = (c * d[i]) - (s * g);
                        d[i + 1] = h + (s * ((c * g) + (s * d[i])));
                        rotations.Add(i, c, s);
                    }

                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                }
                while (T.Abs(e[l]) > eps * tst1);
            }

            d[l] += f;
            e[l] = T.Zero;
        }

        return true;
    }

    /// <summary>
    /// Replays the rotations on W's rows: W[i+1] ← s·W[i] + c·W[i+1], W[i] ← c·W[i] − s·W[i+1]. Column blocks of
    /// <see cref="ChunkWidth{T}"/> are independent; a block of n rows stays in L2 while the whole list streams past,
    /// and within a QL sweep (i descending) the shared row is carried in registers.
    /// </summary>
    private static void ApplyRotations<T>(T* panels, int n, int chunks, RotationList<T> rotations)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = rotations.Count;
        if (count == 0) return;
        fixed (int* idx = rotations.Index)
        fixed (T* cs = rotations.Cs)
        {
            if (Gemm.MaxThreads >= 2 && chunks >= 2 && (long)count * n >= 1L << 22)
            {
                // Two threads, one half of the column blocks each.
                nint pAddr = (nint)panels, idxAddr = (nint)idx, csAddr = (nint)cs;
                int half = chunks / 2;
                var other = Task.Run(() => ApplyChunks<T>((T*)pAddr, n, (int*)idxAddr, (T*)csAddr, count, half, chunks));
                ApplyChunks(panels, n, idx, cs, count, 0, half);
                other.GetAwaiter().GetResult();
                return;
            }

            ApplyChunks(panels, n, idx, cs, count, 0, chunks);
        }
    }

    /// <summary>Writes a carried row (four vectors) back to its panel row at <paramref name="p"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<T>(Vector<T> x0, Vector<T> x1, Vector<T> x2, Vector<T> x3, T* p, int vw)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Store(x0, p);
        Store(x1, p + vw);
        Store(x2, p + (2 * vw));
        Store(x3, p + (3 * vw));
    }

    /// <summary>Rotations on the column blocks chunk0…chunk1−1; block c is the contiguous n×CW panel at c·n·CW.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ApplyChunks<T>(T* panels, int n, int* idx, T* cs, int count, int chunk0, int chunk1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vw = Vector<T>.Count, ld = ChunkWidth<T>();
        for (int chunk = chunk0; chunk < chunk1; chunk++)
        {
            T* b = panels + ((nint)chunk * n * ld);
            // The carried row (its current values in x0…x3) and its index, −1 when none.
            int carried = -1;
            Vector<T> x0 = default, x1 = default, x2 = default, x3 = default;
            for (int r = 0; r < count; r++)
            {
                int i = idx[r];
                var c = new Vector<T>(cs[2 * r]);
                var s = new Vector<T>(cs[(2 * r) + 1]);
                T* pi = b + ((nint)i * ld);
                T* pj = pi + ld;
                if (carried != i + 1)
                {
                    if (carried >= 0) StoreRow(x0, x1, x2, x3, b + ((nint)carried * ld), vw);

                    x0 = Load(pj);
                    x1 = Load(pj + vw);
                    x2 = Load(pj + (2 * vw));
                    x3 = Load(pj + (3 * vw));
                }

                // Row i + 1 is final for this rotation; row i becomes the carried one.
                var y0 = Load(pi);
                var y1 = Load(pi + vw);
                var y2 = Load(pi + (2 * vw));
                var y3 = Load(pi + (3 * vw));
                Store(MulAdd(s, y0, c * x0), pj);
                Store(MulAdd(s, y1, c * x1), pj + vw);
                Store(MulAdd(s, y2, c * x2), pj + (2 * vw));
                Store(MulAdd(s, y3, c * x3), pj + (3 * vw));
                x0 = MulAdd(c, y0, -(s * x0));
                x1 = MulAdd(c, y1, -(s * x1));
                x2 = MulAdd(c, y2, -(s * x2));
                x3 = MulAdd(c, y3, -(s * x3));
                carried = i;
            }

            if (carried >= 0) StoreRow(x0, x1, x2, x3, b + ((nint)carried * ld), vw);
        }
    }

    /// <summary>W = Qᵀ from the row-major n×n Q into column panels: W's element (r, j) = Q[j, r] goes to ((j / CW)·n + r)·CW + j % CW (the panels' tails stay zero).</summary>
    private static void ToPanels<T>(T* q, int n, T* panels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int ld = ChunkWidth<T>();
        for (int c = 0; c * ld < n; c++)
        {
            int width = Math.Min(ld, n - (c * ld));
            T* panel = panels + ((nint)c * n * ld);
            for (int t = 0; t < width; t++)
            {
                T* qrow = q + ((nint)((c * ld) + t) * n);
                for (int r = 0; r < n; r++) panel[(r * ld) + t] = qrow[r];
            }
        }
    }

    /// <summary>v[i, j] = Vᵀ[order[j], i] from the panels: the sorted eigenvectors as columns.</summary>
    private static void FromPanels<T>(T[] panels, int n, int[] order, Span<T> v)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int ld = ChunkWidth<T>();
        for (int c = 0; c * ld < n; c++)
        {
            int width = Math.Min(ld, n - (c * ld));
            for (int j = 0; j < n; j++)
            {
                int src = ((c * n) + order[j]) * ld;
                for (int t = 0; t < width; t++) v[(((c * ld) + t) * n) + j] = panels[src + t];
            }
        }
    }

    /// <summary>Columns per rotation block: four vectors.</summary>
    internal static int ChunkWidth<T>()
        where T : unmanaged => 4 * Vector<T>.Count;

    /// <summary>ε = 2⁻⁵² (f64) or 2⁻²³ (f32): the spacing of floats at 1.</summary>
    internal static T MachineEpsilon<T>()
        where T : unmanaged, IFloatingPointIeee754<T> => (T.One - T.BitDecrement(T.One)) * T.CreateTruncating(2);

    /// <summary>√(x² + y²): the plain formula while the squares cannot overflow (the matrix is scaled to max |a_ij| ≈ 1), else the careful one.</summary>
    private static T Hypot<T>(T x, T y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T big = T.CreateTruncating(typeof(T) == typeof(double) ? 1e150 : 1e18);
        return T.Abs(x) < big && T.Abs(y) < big ? T.Sqrt((x * x) + (y * y)) : T.Hypot(x, y);
    }

    /// <summary>a·b + c, fused (one rounding) where the hardware has FMA, else a multiply and an add.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Vector<T> MulAdd<T>(Vector<T> a, Vector<T> b, Vector<T> c)
        where T : unmanaged
    {
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            if (typeof(T) == typeof(double)) return Vector.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
            if (typeof(T) == typeof(float)) return Vector.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        }

        return (a * b) + c;
    }

    private static Vector<T> Load<T>(T* p)
        where T : unmanaged => *(Vector<T>*)p;

    private static void Store<T>(Vector<T> x, T* p)
        where T : unmanaged => *(Vector<T>*)p = x;

    /// <summary>A growable list of rotations (row index i; c and s interleaved).</summary>
    private sealed class RotationList<T>(int capacity)
        where T : unmanaged
    {
        public int[] Index { get; private set; } = new int[capacity];

        public T[] Cs { get; private set; } = new T[2 * capacity];

        public int Count { get; private set; }

        public void Add(int i, T c, T s)
        {
            if (Count == Index.Length)
            {
                var index = Index;
                var cs = Cs;
                Array.Resize(ref index, 2 * Count);
                Array.Resize(ref cs, 4 * Count);
                Index = index;
                Cs = cs;
            }

            Index[Count] = i;
            Cs[2 * Count] = c;
            Cs[(2 * Count) + 1] = s;
            Count++;
        }
    }
}

/// <summary>Small vectorized level-1 helpers over raw pointers for the factorization kernels.</summary>
internal static unsafe class Vec
{
    /// <summary>Σ x_i·y_i.</summary>
    public static T Dot<T>(T* x, T* y, int len)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vw = Vector<T>.Count, i = 0;
        T sum = T.Zero;
        if (len >= 2 * vw)
        {
            Vector<T> a0 = Vector<T>.Zero, a1 = Vector<T>.Zero;
            for (; i <= len - (2 * vw); i += 2 * vw)
            {
                a0 += *(Vector<T>*)(x + i) * *(Vector<T>*)(y + i);
                a1 += *(Vector<T>*)(x + i + vw) * *(Vector<T>*)(y + i + vw);
            }

            sum = Vector.Sum(a0 + a1);
        }

        for (; i < len; i++) sum += x[i] * y[i];
        return sum;
    }

    /// <summary>y += α·x.</summary>
    public static void Axpy<T>(T alpha, T* x, T* y, int len)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vw = Vector<T>.Count, i = 0;
        var va = new Vector<T>(alpha);
        for (; i <= len - vw; i += vw) *(Vector<T>*)(y + i) += va * *(Vector<T>*)(x + i);
        for (; i < len; i++) y[i] += alpha * x[i];
    }

    /// <summary>s_i += x_i².</summary>
    public static void AddSquares<T>(T* x, T* s, int len)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vw = Vector<T>.Count, i = 0;
        for (; i <= len - vw; i += vw)
        {
            var a = *(Vector<T>*)(x + i);
            *(Vector<T>*)(s + i) += a * a;
        }

        for (; i < len; i++) s[i] += x[i] * x[i];
    }

    /// <summary>The plane rotation (x, y) ← (c·x − s·y, s·x + c·y).</summary>
    public static void Rotate<T>(T* x, T* y, T c, T s, int len)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vw = Vector<T>.Count, i = 0;
        var vc = new Vector<T>(c);
        var vs = new Vector<T>(s);
        for (; i <= len - vw; i += vw)
        {
            var a = *(Vector<T>*)(x + i);
            var b = *(Vector<T>*)(y + i);
            *(Vector<T>*)(x + i) = (vc * a) - (vs * b);
            *(Vector<T>*)(y + i) = (vs * a) + (vc * b);
        }

        for (; i < len; i++)
        {
            T a = x[i], b = y[i];
            x[i] = (c * a) - (s * b);
            y[i] = (s * a) + (c * b);
        }
    }

    /// <summary>r += α·x + β·y.</summary>
    public static void Rank2Row<T>(T* r, T* x, T* y, T alpha, T beta, int len)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vw = Vector<T>.Count, i = 0;
        var va = new Vector<T>(alpha);
        var vb = new Vector<T>(beta);
        for (; i <= len - vw; i += vw) *(Vector<T>*)(r + i) += (va * *(Vector<T>*)(x + i)) + (vb * *(Vector<T>*)(y + i));
        for (; i < len; i++) r[i] += (alpha * x[i]) + (beta * y[i]);
    }
}
