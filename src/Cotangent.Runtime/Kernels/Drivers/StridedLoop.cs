using System.Runtime.CompilerServices;

namespace Cotangent.Runtime;

/// <summary>
/// The body of a strided loop: handles one inner run of <c>n</c> consecutive elements of the dense "walk" array
/// (usually the result) starting at <c>d</c>, while up to three operands advance from offsets <c>o0..o2</c> by
/// their inner strides <c>s0..s2</c> (0 = broadcast, 1 = contiguous, anything else = gathered).
/// </summary>
internal interface IStridedRun
{
    /// <summary>Processes one inner run.</summary>
    void Run(int d, int o0, int s0, int o1, int s1, int o2, int s2, int n);
}

/// <summary>
/// Walks a dense row-major index space while tracking the element offsets of up to three strided operands.
/// Axes of extent 1 are dropped and adjacent axes that are contiguous in every operand are merged first, so a
/// broadcast like (1000, 1000) + (1000,) becomes 1000 runs of 1000 contiguous elements, and a same-shape
/// operation becomes one run. The run body sees the innermost strides and picks a SIMD path for 0/1 strides.
/// </summary>
internal static class StridedLoop
{
    /// <summary>The maximum rank any kernel handles (stack buffers are sized by it).</summary>
    public const int MaxRank = 64;

    /// <summary>
    /// Runs <paramref name="body"/> over <paramref name="dims"/>. Each stride span has one entry per dim or is empty
    /// (an unused operand). Offsets start at the given bases. Nothing runs when the space is empty.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TRun>(ref TRun body, ReadOnlySpan<int> dims,
        ReadOnlySpan<int> strides0, int base0, ReadOnlySpan<int> strides1, int base1, ReadOnlySpan<int> strides2, int base2)
        where TRun : struct, IStridedRun
    {
        if (dims.Length > MaxRank) throw new ShapeException($"Rank {dims.Length} exceeds the supported maximum of {MaxRank}.");
        Span<int> e = stackalloc int[dims.Length + 1];
        Span<int> a = stackalloc int[dims.Length + 1];
        Span<int> b = stackalloc int[dims.Length + 1];
        Span<int> c = stackalloc int[dims.Length + 1];

        // Collapse: keep axes of extent > 1; merge axis into the previous kept one when contiguous for all operands.
        int r = 0;
        for (int i = 0; i < dims.Length; i++)
        {
            int ext = dims[i];
            if (ext == 0) return;
            if (ext == 1) continue;
            int sa = strides0.IsEmpty ? 0 : strides0[i];
            int sb = strides1.IsEmpty ? 0 : strides1[i];
            int sc = strides2.IsEmpty ? 0 : strides2[i];
            if (r > 0 && a[r - 1] == sa * ext && b[r - 1] == sb * ext && c[r - 1] == sc * ext)
            {
                e[r - 1] *= ext;
                a[r - 1] = sa;
                b[r - 1] = sb;
                c[r - 1] = sc;
                continue;
            }

            e[r] = ext;
            a[r] = sa;
            b[r] = sb;
            c[r] = sc;
            r++;
        }

        if (r == 0)
        {
            // A single element (rank 0, or all extents 1).
            body.Run(0, base0, 0, base1, 0, base2, 0, 1);
            return;
        }

        int inner = e[r - 1];
        int ia = a[r - 1], ib = b[r - 1], ic = c[r - 1];
        if (r == 1)
        {
            body.Run(0, base0, ia, base1, ib, base2, ic, inner);
            return;
        }

        // Odometer over the outer axes 0..r-2, updating operand offsets incrementally.
        Span<int> idx = stackalloc int[r - 1];
        idx.Clear();
        int o0 = base0, o1 = base1, o2 = base2;
        int outer = 1;
        for (int i = 0; i < r - 1; i++) outer *= e[i];
        for (int k = 0, d = 0; k < outer; k++, d += inner)
        {
            body.Run(d, o0, ia, o1, ib, o2, ic, inner);
            for (int ax = r - 2; ax >= 0; ax--)
            {
                o0 += a[ax];
                o1 += b[ax];
                o2 += c[ax];
                if (++idx[ax] < e[ax]) break;
                o0 -= a[ax] * e[ax];
                o1 -= b[ax] * e[ax];
                o2 -= c[ax] * e[ax];
                idx[ax] = 0;
            }
        }
    }
}
