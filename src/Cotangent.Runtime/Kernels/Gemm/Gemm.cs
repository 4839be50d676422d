using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Cotangent.Runtime;

/// <summary>The instruction-set tier a GEMM call runs its micro-kernels on.</summary>
internal enum GemmIsa
{
    /// <summary>Plain scalar code: correct everywhere, including with hardware intrinsics disabled.</summary>
    Scalar,

    /// <summary>256-bit vectors with fused multiply-add (AVX2 + FMA).</summary>
    Vector256,

    /// <summary>512-bit vectors with fused multiply-add (AVX-512).</summary>
    Vector512,
}

/// <summary>
/// Dense matrix multiply C = A·B (or C += A·B) for <see cref="float"/> and <see cref="double"/>, in the
/// BLIS/GotoBLAS style: B is packed into L2-sized blocks of NR-column panels, A is read in MR-row panels
/// (straight from memory when it is row-major, packed otherwise), and a register-blocked micro-kernel
/// computes each MR×NR tile of C with fused multiply-adds. Large calls split the columns (or rows) of C
/// between the calling thread and one persistent worker thread.
/// </summary>
/// <remarks>
/// Operands are described by element strides, so transposed operands need no copy: A(i, p) is
/// <c>a[i * rsA + p * csA]</c>, B(p, j) is <c>b[p * rsB + j * csB]</c>, and C(i, j) is <c>c[i * ldc + j]</c>.
/// </remarks>
internal static unsafe partial class Gemm
{
    /// <summary>Multiply-adds (m·n·k) below which a call stays on one thread: fork/join would cost more than it saves.</summary>
    internal const long ParallelThreshold = 1L << 21;

    /// <summary>Cache-blocking knobs (KC: contracted steps per packed block; NC: columns per packed B block, sized for L2), for tuning.</summary>
    internal static int TuneKcF32 = 512, TuneKcF64 = 256, TuneNcF32 = 512, TuneNcF64 = 512;

    /// <summary>Tuning knob: rows of the Vector512 register tile (6 or 4).</summary>
    internal static int TuneMr512 = 6;

    /// <summary>Tuning knob: 0 splits large calls between threads by columns when possible, 1 always by rows.</summary>
    internal static int TuneSplit;

    private static int s_maxThreads = Math.Clamp(Environment.ProcessorCount, 1, 2);

    /// <summary>Threads a large call may use (1 or 2; default: 2 when the machine has two or more cores). A tuning knob for benchmarks.</summary>
    internal static int MaxThreads
    {
        get => s_maxThreads;
        set => s_maxThreads = Math.Clamp(value, 1, 2);
    }

    /// <summary>The fastest micro-kernel tier this process can run.</summary>
    internal static GemmIsa BestIsa { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? GemmIsa.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? GemmIsa.Vector256
        : GemmIsa.Scalar;

    /// <summary>Row-major C[m×n] (=, or += when <paramref name="accumulate"/>) A[m×k]·B[k×n], optionally with A or B stored transposed.</summary>
    /// <param name="a">A, or Aᵀ (k×m row-major) when <paramref name="transA"/>.</param>
    /// <param name="b">B, or Bᵀ (n×k row-major) when <paramref name="transB"/>.</param>
    /// <param name="c">The m×n result, row-major.</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">The contracted extent.</param>
    /// <param name="transA">A is given as its transpose.</param>
    /// <param name="transB">B is given as its transpose.</param>
    /// <param name="accumulate">Add into C instead of overwriting it.</param>
    /// <param name="isa">Micro-kernel tier (default: <see cref="BestIsa"/>); lower tiers exist for tests.</param>
    /// <param name="maxThreads">Thread limit (default: <see cref="MaxThreads"/>).</param>
    internal static void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k,
        bool transA = false, bool transB = false, bool accumulate = false, GemmIsa? isa = null, int? maxThreads = null)
        where T : unmanaged, INumber<T>
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentOutOfRangeException(nameof(m), "Matrix extents must be non-negative.");
        if (a.Length < (long)m * k || b.Length < (long)k * n || c.Length < (long)m * n)
            throw new ArgumentException($"Buffers too small for a {m}×{k} · {k}×{n} product.");
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = c)
        {
            Multiply(m, n, k,
                pa, transA ? 1 : k, transA ? m : 1,
                pb, transB ? 1 : n, transB ? k : 1,
                pc, n, accumulate, isa ?? BestIsa, maxThreads ?? MaxThreads);
        }
    }

    /// <summary>C[m×n] (=|+=) A·B over strided operands; see the class remarks for the stride convention.</summary>
    internal static void Multiply<T>(int m, int n, int k, T* a, nint rsA, nint csA, T* b, nint rsB, nint csB,
        T* c, nint ldc, bool accumulate, GemmIsa isa, int maxThreads)
        where T : unmanaged, INumber<T>
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new NotSupportedException($"Gemm supports float and double, not {typeof(T).Name}.");
        if (isa > BestIsa) isa = BestIsa;
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate)
            {
                for (int i = 0; i < m; i++) new Span<T>(c + i * ldc, n).Clear();
            }

            return;
        }

        // Matrix·vector and vector·matrix are memory-bound: stream the matrix once instead of packing it. The dot
        // products are pairwise with a fixed order and the row updates plain multiply-then-add, so the results do not
        // depend on the JIT tier or the buffers' alignment.
        if (n == 1 && csA == 1 && rsB == 1)
        {
            var x = new ReadOnlySpan<T>(b, k);
            for (int i = 0; i < m; i++)
            {
                T dot = typeof(T) == typeof(double)
                    ? (T)(object)FloatReductions.Dot(new ReadOnlySpan<double>((double*)(a + i * rsA), k), MemoryMarshal.Cast<T, double>(x))
                    : (T)(object)FloatReductions.Dot(new ReadOnlySpan<float>((float*)(a + i * rsA), k), MemoryMarshal.Cast<T, float>(x));
                c[i * ldc] = accumulate ? c[i * ldc] + dot : dot;
            }

            return;
        }

        if (m == 1 && csB == 1)
        {
            var row = new Span<T>(c, n);
            if (!accumulate) row.Clear();
            for (int q = 0; q < k; q++) AddScaledRow(b + q * rsB, a[q * csA], c, n);
            return;
        }

        if (m * n <= SmallOutput && isa >= GemmIsa.Vector256 && TuneSmallOutput)
        {
            MultiplySmallOutput(m, n, k, a, rsA, csA, b, rsB, csB, c, ldc, accumulate);
            return;
        }

        var p = new Problem<T>
        {
            M = m, N = n, K = k, A = a, RsA = rsA, CsA = csA, B = b, RsB = rsB, CsB = csB, C = c, Ldc = ldc,
            Accumulate = accumulate, Isa = isa,
        };
        if (maxThreads >= 2 && (long)m * n * k >= ParallelThreshold)
        {
            // Split C between this thread and the worker: by column panels (each thread packs only its own part of B
            // and both read A in place), or by row panels when C is too narrow to give each thread a panel.
            GetTile<T>(isa, out int mr, out int nr);
            int colPanels = (n + nr - 1) / nr;
            int rowPanels = (m + mr - 1) / mr;
            if (TuneSplit == 1) colPanels = 1;
            if (colPanels >= 2 && Worker.TryRun(new SplitJob<T>(p, splitColumns: true, (colPanels + 1) / 2 * nr))) return;
            if (colPanels < 2 && rowPanels >= 2 && Worker.TryRun(new SplitJob<T>(p, splitColumns: false, (rowPanels + 1) / 2 * mr))) return;
        }

        Run(in p, 0, m, 0, n);
    }

    /// <summary>Products with at most this many outputs (2×2 blocks, 4×4 transforms) skip the tiled path.</summary>
    internal const int SmallOutput = 16;

    /// <summary>Whether small outputs take <see cref="MultiplySmallOutput{T}"/> (tests compare it with the tiled path).</summary>
    internal static bool TuneSmallOutput = true;

    /// <summary>
    /// C[m×n] (=|+=) A·B for a product with at most <see cref="SmallOutput"/> outputs, without packing: the tiled path pads
    /// such an output to a whole register tile and packs A and B for it (a batch of 2×2 blocks contracting 1,000 points
    /// spent three quarters of its time packing, for 4,000 multiply-adds). Each output is summed exactly as the vector
    /// micro-kernels sum it — a fused multiply-add per step in k order, from zero within each kc block, each block then
    /// added to C — so the result has the tiled path's bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplySmallOutput<T>(int m, int n, int k, T* a, nint rsA, nint csA, T* b, nint rsB, nint csB, T* c, nint ldc, bool accumulate)
        where T : unmanaged, INumber<T>
    {
        GetBlocking<T>(out int kcMax, out _);
        kcMax = Math.Max(kcMax, 1);
        // Four outputs at a time in four registers: four independent chains of multiply-adds keep the FMA unit busy while
        // each output is still summed strictly in k order. A group short of four repeats its last output (not stored).
        int outputs = m * n;
        for (int o = 0; o < outputs; o += 4)
        {
            int count = Math.Min(4, outputs - o);
            int o1 = o + Math.Min(1, count - 1), o2 = o + Math.Min(2, count - 1), o3 = o + Math.Min(3, count - 1);
            nint a0 = o / n * rsA, a1 = o1 / n * rsA, a2 = o2 / n * rsA, a3 = o3 / n * rsA;
            nint b0 = o % n * csB, b1 = o1 % n * csB, b2 = o2 % n * csB, b3 = o3 % n * csB;
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                T s0 = T.Zero, s1 = T.Zero, s2 = T.Zero, s3 = T.Zero;
                T* aq = a + pc * csA;
                T* bq = b + pc * rsB;
                for (int q = 0; q < kc; q++, aq += csA, bq += rsB)
                {
                    s0 = FusedMultiplyAdd(aq[a0], bq[b0], s0);
                    s1 = FusedMultiplyAdd(aq[a1], bq[b1], s1);
                    s2 = FusedMultiplyAdd(aq[a2], bq[b2], s2);
                    s3 = FusedMultiplyAdd(aq[a3], bq[b3], s3);
                }

                bool add = accumulate || pc > 0;
                Store(o, s0);
                if (count > 1) Store(o1, s1);
                if (count > 2) Store(o2, s2);
                if (count > 3) Store(o3, s3);

                void Store(int output, T sum)
                {
                    T* cij = c + output / n * ldc + output % n;
                    *cij = add ? sum + *cij : sum;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T FusedMultiplyAdd<T>(T x, T y, T z)
        where T : unmanaged, INumber<T>
        => typeof(T) == typeof(double)
            ? (T)(object)Math.FusedMultiplyAdd((double)(object)x, (double)(object)y, (double)(object)z)
            : (T)(object)MathF.FusedMultiplyAdd((float)(object)x, (float)(object)y, (float)(object)z);

    /// <summary>
    /// <paramref name="batch"/> independent products, operand i starting <c>i * stride</c> elements after the first.
    /// When each product is too small to split but the batch is large, the batch itself is split between threads.
    /// </summary>
    internal static void MultiplyBatched<T>(int batch, int m, int n, int k, T* a, nint strideA, nint rsA, nint csA,
        T* b, nint strideB, nint rsB, nint csB, T* c, nint strideC, nint ldc, bool accumulate, GemmIsa isa, int maxThreads)
        where T : unmanaged, INumber<T>
    {
        long work = (long)m * n * k;
        if (batch >= 2 && maxThreads >= 2 && work < ParallelThreshold && work * batch >= ParallelThreshold)
        {
            var job = new BatchJob<T>(batch, m, n, k, a, strideA, rsA, csA, b, strideB, rsB, csB, c, strideC, ldc, accumulate, isa);
            if (Worker.TryRun(job)) return;
        }

        for (int i = 0; i < batch; i++)
            Multiply(m, n, k, a + i * strideA, rsA, csA, b + i * strideB, rsB, csB, c + i * strideC, ldc, accumulate, isa, maxThreads);
    }

    /// <summary>The register tile (rows × columns of C per micro-kernel call) of a tier.</summary>
    internal static void GetTile<T>(GemmIsa isa, out int mr, out int nr)
    {
        int lanes512 = 64 / Unsafe.SizeOf<T>();
        (mr, nr) = isa switch
        {
            GemmIsa.Vector512 => (TuneMr512, 4 * lanes512),
            GemmIsa.Vector256 => (6, lanes512),
            _ => (4, 4),
        };
    }

    /// <summary>Cache blocking: KC (contracted steps per packed block) and NC (columns per packed B block, which should sit in L2).</summary>
    private static void GetBlocking<T>(out int kc, out int nc)
    {
        kc = typeof(T) == typeof(float) ? TuneKcF32 : TuneKcF64;
        nc = typeof(T) == typeof(float) ? TuneNcF32 : TuneNcF64;
    }

    /// <summary>Computes C[r0:r1, c0:c1] on the current thread with its own packing buffers.</summary>
    /// <remarks>The edge tile is not zeroed on entry (SkipLocalsInit): the micro-kernel stores all of it before it is read,
    /// and a batch of small products (4×4, all edge) would otherwise clear 3 KB of stack per product.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void Run<T>(in Problem<T> p, int r0, int r1, int c0, int c1)
        where T : unmanaged, INumber<T>
    {
        GetTile<T>(p.Isa, out int mr, out int nr);
        GetBlocking<T>(out int kcMax, out int ncMax);
        ncMax = Math.Min((Math.Max(ncMax, 1) + nr - 1) / nr * nr, (c1 - c0 + nr - 1) / nr * nr);
        kcMax = Math.Max(kcMax, 1);
        kcMax = Math.Min(kcMax, p.K);
        T* bp = Buffers<T>.PackB(kcMax * ncMax);
        T* ap = Buffers<T>.PackA(mr * kcMax);
        T* tile = stackalloc T[6 * 64];
        bool directA = p.CsA == 1;

        for (int jc = c0; jc < c1; jc += ncMax)
        {
            int nc = Math.Min(ncMax, c1 - jc);
            for (int pc = 0; pc < p.K; pc += kcMax)
            {
                int kc = Math.Min(kcMax, p.K - pc);
                bool acc = p.Accumulate || pc > 0;
                PackB(p, pc, kc, jc, nc, nr, bp);
                for (int ir = r0; ir < r1; ir += mr)
                {
                    int mrr = Math.Min(mr, r1 - ir);
                    T* aPanel;
                    nint ars, aps;
                    if (directA && mrr == mr)
                    {
                        aPanel = p.A + ir * p.RsA + pc;
                        ars = p.RsA;
                        aps = 1;
                    }
                    else
                    {
                        PackA(p, ir, mrr, pc, kc, mr, ap);
                        aPanel = ap;
                        ars = 1;
                        aps = mr;
                    }

                    T* cRow = p.C + ir * p.Ldc + jc;
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int nrr = Math.Min(nr, nc - jr);
                        if (mrr == mr && nrr == nr)
                        {
                            MicroKernel(p.Isa, mr, kc, aPanel, ars, aps, bp + jr * kc, cRow + jr, p.Ldc, acc);
                        }
                        else
                        {
                            MicroKernel(p.Isa, mr, kc, aPanel, ars, aps, bp + jr * kc, tile, nr, false);
                            for (int r = 0; r < mrr; r++)
                            {
                                T* dst = cRow + r * p.Ldc + jr;
                                T* src = tile + r * nr;
                                if (acc)
                                {
                                    for (int j = 0; j < nrr; j++) dst[j] += src[j];
                                }
                                else
                                {
                                    for (int j = 0; j < nrr; j++) dst[j] = src[j];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MicroKernel<T>(GemmIsa isa, int mr, int kc, T* a, nint ars, nint aps, T* b, T* c, nint ldc, bool acc)
        where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
        {
            if (isa == GemmIsa.Vector512)
            {
                if (mr == 6) Kernel6x64F32(kc, (float*)a, ars, aps, (float*)b, (float*)c, ldc, acc);
                else Kernel4x64F32(kc, (float*)a, ars, aps, (float*)b, (float*)c, ldc, acc);
            }
            else if (isa == GemmIsa.Vector256) Kernel6x16F32(kc, (float*)a, ars, aps, (float*)b, (float*)c, ldc, acc);
            else KernelScalar(kc, a, ars, aps, b, c, ldc, acc);
        }
        else
        {
            if (isa == GemmIsa.Vector512)
            {
                if (mr == 6) Kernel6x32F64(kc, (double*)a, ars, aps, (double*)b, (double*)c, ldc, acc);
                else Kernel4x32F64(kc, (double*)a, ars, aps, (double*)b, (double*)c, ldc, acc);
            }
            else if (isa == GemmIsa.Vector256) Kernel6x8F64(kc, (double*)a, ars, aps, (double*)b, (double*)c, ldc, acc);
            else KernelScalar(kc, a, ars, aps, b, c, ldc, acc);
        }
    }

    /// <summary>4×4 scalar micro-kernel: the portable fallback.</summary>
    private static void KernelScalar<T>(int kc, T* a, nint ars, nint aps, T* b, T* c, nint ldc, bool acc)
        where T : unmanaged, INumber<T>
    {
        for (int r = 0; r < 4; r++)
        {
            T* ar = a + r * ars;
            T s0 = T.Zero, s1 = T.Zero, s2 = T.Zero, s3 = T.Zero;
            T* bp = b;
            for (int q = 0; q < kc; q++, bp += 4)
            {
                T x = ar[q * aps];
                s0 += x * bp[0];
                s1 += x * bp[1];
                s2 += x * bp[2];
                s3 += x * bp[3];
            }

            T* cr = c + r * ldc;
            if (acc)
            {
                cr[0] += s0;
                cr[1] += s1;
                cr[2] += s2;
                cr[3] += s3;
            }
            else
            {
                cr[0] = s0;
                cr[1] = s1;
                cr[2] = s2;
                cr[3] = s3;
            }
        }
    }

    /// <summary>Packs B[pc:pc+kc, jc:jc+nc] as consecutive NR-column panels, each kc rows of NR (zero-padded).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB<T>(in Problem<T> p, int pc, int kc, int jc, int nc, int nr, T* dst)
        where T : unmanaged, INumber<T>
    {
        T* src0 = p.B + pc * p.RsB + jc * p.CsB;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int nrr = Math.Min(nr, nc - jr);
            T* d = dst + jr * kc;
            T* s = src0 + jr * p.CsB;
            if (p.CsB == 1)
            {
                if (nrr == nr)
                {
                    int bytes = nr * sizeof(T);
                    for (int q = 0; q < kc; q++, d += nr, s += p.RsB)
                        CopySmall((byte*)s, (byte*)d, bytes);
                }
                else
                {
                    for (int q = 0; q < kc; q++, d += nr, s += p.RsB)
                    {
                        for (int j = 0; j < nrr; j++) d[j] = s[j];
                        for (int j = nrr; j < nr; j++) d[j] = T.Zero;
                    }
                }
            }
            else
            {
                // Strided columns (e.g. B given transposed). With contiguous rows of Bᵀ, transpose 8×8 (f32) or
                // 4×4 (f64) blocks in registers; gather the remainder element by element.
                int jDone = 0, qDone = 0;
                if (p.RsB == 1 && p.Isa != GemmIsa.Scalar && Avx.IsSupported)
                {
                    int blk = 32 / sizeof(T);
                    jDone = nrr / blk * blk;
                    qDone = kc / blk * blk;
                    for (int j = 0; j < jDone; j += blk)
                    {
                        for (int q = 0; q < qDone; q += blk)
                        {
                            if (typeof(T) == typeof(float)) Transpose8x8((float*)(s + j * p.CsB + q), p.CsB, (float*)(d + q * nr + j), nr);
                            else Transpose4x4((double*)(s + j * p.CsB + q), p.CsB, (double*)(d + q * nr + j), nr);
                        }
                    }
                }

                for (int j = 0; j < nrr; j++)
                {
                    T* sj = s + j * p.CsB;
                    T* dj = d + j;
                    for (int q = j < jDone ? qDone : 0; q < kc; q++) dj[q * nr] = sj[q * p.RsB];
                }

                for (int j = nrr; j < nr; j++)
                {
                    for (int q = 0; q < kc; q++) d[q * nr + j] = T.Zero;
                }
            }
        }
    }

    /// <summary>dst[q·ldd + j] = src[j·lds + q] for an 8×8 block of floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint lds, float* dst, nint ldd)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + lds);
        var r2 = Avx.LoadVector256(src + 2 * lds);
        var r3 = Avx.LoadVector256(src + 3 * lds);
        var r4 = Avx.LoadVector256(src + 4 * lds);
        var r5 = Avx.LoadVector256(src + 5 * lds);
        var r6 = Avx.LoadVector256(src + 6 * lds);
        var r7 = Avx.LoadVector256(src + 7 * lds);
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * ldd, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * ldd, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * ldd, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * ldd, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>dst[q·ldd + j] = src[j·lds + q] for a 4×4 block of doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(double* src, nint lds, double* dst, nint ldd)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + lds);
        var r2 = Avx.LoadVector256(src + 2 * lds);
        var r3 = Avx.LoadVector256(src + 3 * lds);
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        Avx.Store(dst, Avx.Permute2x128(t0, t2, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(t1, t3, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(t0, t2, 0x31));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(t1, t3, 0x31));
    }

    /// <summary>
    /// Copies a panel row of at most a few dozen bytes (MR or NR elements) with vector moves: packing calls this once per
    /// k step, and a Buffer.MemoryCopy call per 24–64 bytes cost more than the copy (an Aᵀ·B product spent a third of its
    /// time there).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopySmall(byte* src, byte* dst, int bytes)
    {
        int i = 0;
        for (; i <= bytes - 32; i += 32) Vector256.Store(Vector256.Load(src + i), dst + i);
        if (i <= bytes - 16)
        {
            Vector128.Store(Vector128.Load(src + i), dst + i);
            i += 16;
        }

        if (i <= bytes - 8)
        {
            *(ulong*)(dst + i) = *(ulong*)(src + i);
            i += 8;
        }

        for (; i < bytes; i++) dst[i] = src[i];
    }

    /// <summary>Packs A[ir:ir+mrr, pc:pc+kc] as kc columns of MR (rows beyond mrr zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA<T>(in Problem<T> p, int ir, int mrr, int pc, int kc, int mr, T* dst)
        where T : unmanaged, INumber<T>
    {
        T* src = p.A + ir * p.RsA + pc * p.CsA;
        if (p.RsA == 1 && mrr == mr)
        {
            // A stored transposed: each step's MR values are adjacent, so copy them step by step.
            int bytes = mr * sizeof(T);
            for (int q = 0; q < kc; q++) CopySmall((byte*)(src + q * p.CsA), (byte*)(dst + q * mr), bytes);
            return;
        }

        for (int r = 0; r < mrr; r++)
        {
            T* sr = src + r * p.RsA;
            T* dr = dst + r;
            for (int q = 0; q < kc; q++) dr[q * mr] = sr[q * p.CsA];
        }

        for (int r = mrr; r < mr; r++)
        {
            for (int q = 0; q < kc; q++) dst[q * mr + r] = T.Zero;
        }
    }

    /// <summary>The operands and options of one call.</summary>
    private struct Problem<T>
        where T : unmanaged
    {
        public int M, N, K;
        public T* A, B, C;
        public nint RsA, CsA, RsB, CsB, Ldc;
        public bool Accumulate;
        public GemmIsa Isa;
    }

    /// <summary>Per-thread packing buffers, 64-byte aligned and pinned (allocated on the pinned object heap).</summary>
    private static class Buffers<T>
        where T : unmanaged
    {
        [ThreadStatic] private static T[]? s_a;
        [ThreadStatic] private static T[]? s_b;

        public static T* PackA(int length) => Get(ref s_a, length);

        public static T* PackB(int length) => Get(ref s_b, length);

        private static T* Get(ref T[]? buffer, int length)
        {
            int pad = 64 / sizeof(T);
            if (buffer is null || buffer.Length < length + pad)
            {
                buffer = GC.AllocateUninitializedArray<T>(length + pad, pinned: true);
                if (RuntimeOptions.PoisonAllocations) new Span<byte>(Unsafe.AsPointer(ref buffer[0]), buffer.Length * sizeof(T)).Fill(0xFF); // NaN bits
            }

            nint addr = (nint)Unsafe.AsPointer(ref buffer[0]);
            return (T*)((addr + 63) & ~(nint)63);
        }
    }

    /// <summary>c[j] = c[j] + b[j]·s for j &lt; n: a separate multiply and add per element (never fused), vector or scalar alike.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddScaledRow<T>(T* b, T s, T* c, int n)
        where T : unmanaged, INumber<T>
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var sv = Vector256.Create(s);
            for (; j <= n - Vector256<T>.Count; j += Vector256<T>.Count)
                Vector256.Store(Vector256.Load(c + j) + Vector256.Load(b + j) * sv, c + j);
        }

        for (; j < n; j++) c[j] += b[j] * s;
    }
}
