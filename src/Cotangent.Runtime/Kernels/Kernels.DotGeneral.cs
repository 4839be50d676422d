using System.Numerics;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

public static partial class Kernels
{
    /// <summary>
    /// XLA dot_general: contracts lhs axes <paramref name="contractLhs"/> with rhs axes <paramref name="contractRhs"/>
    /// (pairwise equal extents), batching over <paramref name="batchLhs"/>/<paramref name="batchRhs"/>. Result axes:
    /// batch axes, then lhs free axes in order, then rhs free axes in order. Same dtype both sides (f64, f32, i32).
    /// </summary>
    /// <remarks>
    /// Negative axes count from the end. Each side is viewed as a batch of matrices, [B, M, K] for lhs and [B, K, N] for
    /// rhs (either may also be read transposed); an operand is copied only when its axes cannot be viewed that way.
    /// Floating-point products run on the packed GEMM; int32 uses a plain loop with wrapping arithmetic.
    /// </remarks>
    /// <exception cref="DTypeException">The dtypes differ or are bool.</exception>
    /// <exception cref="AxisException">An axis is out of range or repeated, or the lhs and rhs axis lists differ in length.</exception>
    /// <exception cref="ShapeException">A contracting or batch extent differs between lhs and rhs.</exception>
    public static NDArray DotGeneral(NDArray lhs, NDArray rhs, ReadOnlySpan<int> contractLhs, ReadOnlySpan<int> contractRhs,
        ReadOnlySpan<int> batchLhs, ReadOnlySpan<int> batchRhs)
    {
        const string op = "dot_general";
        if (lhs.DType != rhs.DType)
            throw new DTypeException($"{op}: lhs is {lhs.DType.ShortName()} {lhs.Shape} but rhs is {rhs.DType.ShortName()} {rhs.Shape}; both sides must have the same dtype.");
        if (lhs.DType == DType.Bool)
            throw new DTypeException($"{op}: bool operands are not supported (lhs {lhs.Shape}, rhs {rhs.Shape}); use f64, f32 or i32.");
        if (contractLhs.Length != contractRhs.Length)
            throw new AxisException($"{op}: {contractLhs.Length} contracting axes for lhs {lhs.Shape} but {contractRhs.Length} for rhs {rhs.Shape}.");
        if (batchLhs.Length != batchRhs.Length)
            throw new AxisException($"{op}: {batchLhs.Length} batch axes for lhs {lhs.Shape} but {batchRhs.Length} for rhs {rhs.Shape}.");

        var dl = DotSide.Create(lhs.Shape, batchLhs, contractLhs, "lhs");
        var dr = DotSide.Create(rhs.Shape, batchRhs, contractRhs, "rhs");
        for (int i = 0; i < batchLhs.Length; i++)
        {
            int el = lhs.Shape[dl.Batch[i]], er = rhs.Shape[dr.Batch[i]];
            if (el != er)
                throw new ShapeException($"{op}: batch dimension {dl.Batch[i]} of lhs {lhs.Shape} has extent {el} but dimension {dr.Batch[i]} of rhs {rhs.Shape} has extent {er}.");
        }

        for (int i = 0; i < contractLhs.Length; i++)
        {
            int el = lhs.Shape[dl.Contract[i]], er = rhs.Shape[dr.Contract[i]];
            if (el != er)
                throw new ShapeException($"{op}: contracting dimension {dl.Contract[i]} of lhs {lhs.Shape} has extent {el} but dimension {dr.Contract[i]} of rhs {rhs.Shape} has extent {er}.");
        }

        var dims = new int[dl.Batch.Length + dl.Free.Length + dr.Free.Length];
        int d = 0;
        foreach (int ax in dl.Batch) dims[d++] = lhs.Shape[ax];
        foreach (int ax in dl.Free) dims[d++] = lhs.Shape[ax];
        foreach (int ax in dr.Free) dims[d++] = rhs.Shape[ax];
        var shape = Shape.Wrap(dims);

        int batch = DotSide.Extent(lhs.Shape, dl.Batch), m = DotSide.Extent(lhs.Shape, dl.Free);
        int k = DotSide.Extent(lhs.Shape, dl.Contract), n = DotSide.Extent(rhs.Shape, dr.Free);
        // The float GEMM overwrites every element when something is contracted (accumulate: false), so its result need
        // not be cleared first: one pass over C instead of two (a batch of outer products writes 100 MB for per-example
        // gradients). With nothing to contract (k = 0) the product is zero; the int path accumulates into zeros.
        var result = k > 0 && lhs.DType is DType.Float64 or DType.Float32
            ? NDArray.Trusted(lhs.DType, shape, NDArray.AllocateUninitialized(lhs.DType, shape.Size))
            : NDArray.Zeros(lhs.DType, shape);
        switch (lhs.DType)
        {
            case DType.Float64:
                DotFloat((double[])lhs.Data, lhs.Shape, dl, (double[])rhs.Data, rhs.Shape, dr, (double[])result.Data, batch, m, n, k);
                break;
            case DType.Float32:
                DotFloat((float[])lhs.Data, lhs.Shape, dl, (float[])rhs.Data, rhs.Shape, dr, (float[])result.Data, batch, m, n, k);
                break;
            default:
                DotInt32((int[])lhs.Data, lhs.Shape, dl, (int[])rhs.Data, rhs.Shape, dr, (int[])result.Data, batch, m, n, k);
                break;
        }

        return result;
    }

    private static unsafe void DotFloat<T>(T[] lhs, Shape ls, DotSide dl, T[] rhs, Shape rs, DotSide dr, T[] result, int batch, int m, int n, int k)
        where T : unmanaged, INumber<T>
    {
        if (result.Length == 0) return;

        // lhs as [B, M, K] (row-major A) or [B, K, M] (A stored transposed); rhs as [B, K, N] or [B, N, K].
        var (a, aRowsFirst) = dl.AsMatrices(lhs, ls, isLhs: true);
        var (b, bRowsFirst) = dr.AsMatrices(rhs, rs, isLhs: false);
        nint rsA = aRowsFirst ? k : 1, csA = aRowsFirst ? 1 : m;
        nint rsB = bRowsFirst ? n : 1, csB = bRowsFirst ? 1 : k;
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = result)
        {
            Gemm.MultiplyBatched(batch, m, n, k, pa, (nint)m * k, rsA, csA, pb, (nint)k * n, rsB, csB,
                pc, (nint)m * n, n, accumulate: false, Gemm.BestIsa, Gemm.MaxThreads);
        }
    }

    private static void DotInt32(int[] lhs, Shape ls, DotSide dl, int[] rhs, Shape rs, DotSide dr, int[] result, int batch, int m, int n, int k)
    {
        if (result.Length == 0 || k == 0) return;
        var (a, aRowsFirst) = dl.AsMatrices(lhs, ls, isLhs: true);
        var (b, bRowsFirst) = dr.AsMatrices(rhs, rs, isLhs: false);
        int rsA = aRowsFirst ? k : 1, csA = aRowsFirst ? 1 : m;
        int rsB = bRowsFirst ? n : 1, csB = bRowsFirst ? 1 : k;
        for (int t = 0; t < batch; t++)
        {
            int a0 = t * m * k, b0 = t * k * n, c0 = t * m * n;
            for (int i = 0; i < m; i++)
            {
                var c = result.AsSpan(c0 + i * n, n);
                for (int p = 0; p < k; p++)
                {
                    int x = a[a0 + i * rsA + p * csA];
                    if (x == 0) continue;
                    int bp = b0 + p * rsB;
                    int j = 0;
                    if (csB == 1 && Vector256.IsHardwareAccelerated)
                    {
                        // c[j] += x·b[p, j], eight lanes at a time (int multiply and add wrap, as the scalar loop does).
                        var xv = Vector256.Create(x);
                        var bRow = b.AsSpan(bp, n);
                        for (; j <= n - 8; j += 8)
                            (Vector256.Create<int>(c.Slice(j, 8)) + (xv * Vector256.Create<int>(bRow.Slice(j, 8)))).CopyTo(c.Slice(j, 8));
                    }

                    for (; j < n; j++) c[j] = unchecked(c[j] + x * b[bp + j * csB]);
                }
            }
        }
    }

    /// <summary>One operand's axes split into batch, contracting and free axes (all normalized).</summary>
    private sealed class DotSide
    {
        private DotSide(int[] batch, int[] contract, int[] free)
        {
            Batch = batch;
            Contract = contract;
            Free = free;
        }

        public int[] Batch { get; }

        public int[] Contract { get; }

        public int[] Free { get; }

        public static DotSide Create(Shape shape, ReadOnlySpan<int> batch, ReadOnlySpan<int> contract, string side)
        {
            var seen = new bool[shape.Rank];
            var b = Normalize(shape, batch, seen, side, "batch");
            var c = Normalize(shape, contract, seen, side, "contracting");
            var free = new int[shape.Rank - b.Length - c.Length];
            int f = 0;
            for (int ax = 0; ax < shape.Rank; ax++)
            {
                if (!seen[ax]) free[f++] = ax;
            }

            return new DotSide(b, c, free);
        }

        private static int[] Normalize(Shape shape, ReadOnlySpan<int> axes, bool[] seen, string side, string kind)
        {
            var result = new int[axes.Length];
            for (int i = 0; i < axes.Length; i++)
            {
                int r = shape.Rank;
                int ax = axes[i];
                if (ax < -r || ax >= r)
                    throw new AxisException($"dot_general: {kind} axis {ax} is out of range for {side} of shape {shape} (rank {r}); valid axes are {-r}..{r - 1}.");
                if (ax < 0) ax += r;
                if (seen[ax])
                    throw new AxisException($"dot_general: axis {ax} of {side} {shape} is used more than once among the batch and contracting axes.");
                seen[ax] = true;
                result[i] = ax;
            }

            return result;
        }

        public static int Extent(Shape shape, int[] axes)
        {
            int e = 1;
            foreach (int ax in axes) e *= shape[ax];
            return e;
        }

        /// <summary>
        /// The operand as a batch of matrices, without copying when its layout allows: [B, free, contract] or
        /// [B, contract, free]; otherwise a copy in the preferred order ([B, free, contract] for lhs, which has
        /// <paramref name="isLhs"/>, and [B, contract, free] for rhs). RowsFirst tells whether the matrix rows
        /// (free axes for lhs, contracting axes for rhs) come first in memory.
        /// </summary>
        public (T[] Data, bool RowsFirst) AsMatrices<T>(T[] data, Shape shape, bool isLhs)
            where T : unmanaged
        {
            var freeMajor = Concat(Batch, Free, Contract);
            var contractMajor = Concat(Batch, Contract, Free);
            if (IsIdentityIgnoringUnitAxes(shape, freeMajor)) return (data, isLhs);
            if (IsIdentityIgnoringUnitAxes(shape, contractMajor)) return (data, !isLhs);
            return (PermuteCopy(data, shape, isLhs ? freeMajor : contractMajor), true);
        }

        private static int[] Concat(int[] x, int[] y, int[] z)
        {
            var r = new int[x.Length + y.Length + z.Length];
            x.CopyTo(r, 0);
            y.CopyTo(r, x.Length);
            z.CopyTo(r, x.Length + y.Length);
            return r;
        }

        /// <summary>True when reading axes in order <paramref name="perm"/> is the memory order (extent-1 axes do not matter).</summary>
        private static bool IsIdentityIgnoringUnitAxes(Shape shape, int[] perm)
        {
            int last = -1;
            foreach (int ax in perm)
            {
                if (shape[ax] == 1) continue;
                if (ax < last) return false;
                last = ax;
            }

            return true;
        }

        /// <summary>A row-major copy of <paramref name="data"/> with its axes reordered: result axis i is input axis perm[i].</summary>
        private static T[] PermuteCopy<T>(T[] data, Shape shape, int[] perm)
            where T : unmanaged
        {
            int size = shape.Size;
            var result = NDArray.AllocateUninitialized<T>(size);
            if (size == 0) return result;
            int rank = perm.Length;
            var ext = new int[rank];
            var stride = new int[rank];
            var src = shape.Strides;
            for (int i = 0; i < rank; i++)
            {
                ext[i] = shape[perm[i]];
                stride[i] = src[perm[i]];
            }

            var idx = new int[rank];
            int inner = rank - 1, innerExt = ext[inner], innerStride = stride[inner];
            int s = 0;
            for (int o = 0; o < size; o += innerExt)
            {
                for (int j = 0, sj = s; j < innerExt; j++, sj += innerStride) result[o + j] = data[sj];

                // Advance the outer index (odometer), keeping s = Σ idx·stride.
                for (int ax = inner - 1; ax >= 0; ax--)
                {
                    s += stride[ax];
                    if (++idx[ax] < ext[ax]) break;
                    s -= stride[ax] * ext[ax];
                    idx[ax] = 0;
                }
            }

            return result;
        }
    }
}
