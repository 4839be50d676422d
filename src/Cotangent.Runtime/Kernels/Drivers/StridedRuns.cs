using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

/// <summary>The strided-loop body of a broadcasting binary op: dispatches each inner run to a <see cref="BinaryDriver"/> loop.</summary>
internal readonly struct BinaryRun<T, TOp>(T[] x, T[] y, T[] d, int dBase = 0) : IStridedRun
    where TOp : struct, IBinaryOperator<T>
{
    private readonly T[] _x = x;
    private readonly T[] _y = y;
    private readonly T[] _d = d;
    private readonly int _dBase = dBase; // where the loop's output index 0 lands in d (a row range of a split loop)

    /// <inheritdoc/>
    public void Run(int d, int o0, int s0, int o1, int s1, int o2, int s2, int n)
    {
        ref T xr = ref MemoryMarshal.GetArrayDataReference(_x);
        ref T yr = ref MemoryMarshal.GetArrayDataReference(_y);
        ref T dr = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_d), _dBase + d);
        if (s0 == 1 && s1 == 1) BinaryDriver.Contiguous<T, TOp>(ref Unsafe.Add(ref xr, o0), ref Unsafe.Add(ref yr, o1), ref dr, n);
        else if (s0 == 0 && s1 == 1) BinaryDriver.ScalarLeft<T, TOp>(Unsafe.Add(ref xr, o0), ref Unsafe.Add(ref yr, o1), ref dr, n);
        else if (s0 == 1 && s1 == 0) BinaryDriver.ScalarRight<T, TOp>(ref Unsafe.Add(ref xr, o0), Unsafe.Add(ref yr, o1), ref dr, n);
        else BinaryDriver.Strided<T, TOp>(ref Unsafe.Add(ref xr, o0), s0, ref Unsafe.Add(ref yr, o1), s1, ref dr, n);
    }
}

/// <summary>Strided-loop body of a broadcasting comparison: d[i] = p(x[o0 + i·s0], y[o1 + i·s1]).</summary>
internal readonly struct CompareRun<T, TOp>(T[] x, T[] y, bool[] d) : IStridedRun
    where TOp : struct, ICompareOperator<T>
{
    private readonly T[] _x = x;
    private readonly T[] _y = y;
    private readonly bool[] _d = d;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(int d, int o0, int s0, int o1, int s1, int o2, int s2, int n)
    {
        ref T xr = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_x), o0);
        ref T yr = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_y), o1);
        ref bool dr = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_d), d);
        int i0 = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && (s0 | s1) is 0 or 1 && s0 + s1 > 0
            && (Vector256<T>.Count == 4 || Vector256<T>.Count == 8))
            i0 = CompareMasks.Run<T, TOp>(ref xr, s0, ref yr, s1, ref dr, n);
        if (s0 == 1 && s1 == 1)
        {
            for (int i = i0; i < n; i++) Unsafe.Add(ref dr, i) = TOp.Invoke(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i));
            return;
        }

        for (int i = i0, ix = i0 * s0, iy = i0 * s1; i < n; i++, ix += s0, iy += s1)
            Unsafe.Add(ref dr, i) = TOp.Invoke(Unsafe.Add(ref xr, ix), Unsafe.Add(ref yr, iy));
    }
}

/// <summary>
/// The vector part of a comparison run: lane masks become 0/1 bytes through the mask's sign bits and a table of
/// 4- or 8-byte patterns (one store per vector).
/// </summary>
internal static class CompareMasks
{
    /// <summary>Bool bytes for each 8-bit mask, as one little-endian ulong: byte i is bit i.</summary>
    private static readonly ulong[] s_bytes8 = Build(8);

    private static ulong[] Build(int bits)
    {
        var t = new ulong[1 << bits];
        for (int m = 0; m < t.Length; m++)
        {
            for (int b = 0; b < bits; b++) t[m] |= (ulong)((m >> b) & 1) << (8 * b);
        }

        return t;
    }

    /// <summary>Compares whole vectors (an operand with stride 0 is broadcast) and returns how many elements it wrote.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Run<T, TOp>(ref T x, int sx, ref T y, int sy, ref bool d, int n)
        where TOp : struct, ICompareOperator<T>
    {
        int w = Vector256<T>.Count, i = 0;
        var xs = Vector256.Create(x);
        var ys = Vector256.Create(y);
        ref byte db = ref Unsafe.As<bool, byte>(ref d);
        for (; i <= n - w; i += w)
        {
            var xv = sx == 0 ? xs : Vector256.LoadUnsafe(ref x, (nuint)i);
            var yv = sy == 0 ? ys : Vector256.LoadUnsafe(ref y, (nuint)i);
            uint mask = Vector256.ExtractMostSignificantBits(TOp.Invoke(xv, yv));
            ulong bytes = s_bytes8[mask];
            if (w == 8) Unsafe.WriteUnaligned(ref Unsafe.Add(ref db, i), bytes);
            else Unsafe.WriteUnaligned(ref Unsafe.Add(ref db, i), (uint)bytes);
        }

        return i;
    }
}

/// <summary>Strided-loop body of select: d[i] = p[o0 + i·s0] ? a[o1 + i·s1] : b[o2 + i·s2].</summary>
internal readonly struct SelectRun<T>(bool[] pred, T[] onTrue, T[] onFalse, T[] d) : IStridedRun
{
    private readonly bool[] _p = pred;
    private readonly T[] _a = onTrue;
    private readonly T[] _b = onFalse;
    private readonly T[] _d = d;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(int d, int o0, int s0, int o1, int s1, int o2, int s2, int n)
    {
        ref bool pr = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_p), o0);
        ref T ar = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_a), o1);
        ref T br = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_b), o2);
        ref T dr = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_d), d);
        int i0 = 0;
        if (s0 == 1 && (s1 | s2) is 0 or 1 && Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported
            && (Vector256<T>.Count == 4 || Vector256<T>.Count == 8))
            i0 = SelectMasks<T>.Run(ref pr, ref ar, s1, ref br, s2, ref dr, n);
        for (int i = i0, ip = i0 * s0, ia = i0 * s1, ib = i0 * s2; i < n; i++, ip += s0, ia += s1, ib += s2)
            Unsafe.Add(ref dr, i) = Unsafe.Add(ref pr, ip) ? Unsafe.Add(ref ar, ia) : Unsafe.Add(ref br, ib);
    }
}

/// <summary>
/// The vector part of a select run with a contiguous predicate: 4 or 8 bool bytes are packed into a lane bitmask
/// (one multiply gathers the low bit of each byte into the top byte) and looked up as a lane mask.
/// </summary>
internal static class SelectMasks<T>
{
    /// <summary>Lane masks for every bitmask: entry m holds Count lanes, lane i all ones when bit i of m is set.</summary>
    private static readonly T[] s_masks = Build();

    private static T[] Build()
    {
        int w = Vector256<T>.Count;
        if (w != 4 && w != 8) return [];
        var masks = new T[(1 << w) * w];
        var ones = Vector256<T>.AllBitsSet.GetElement(0);
        for (int m = 0; m < 1 << w; m++)
        {
            for (int i = 0; i < w; i++) masks[(m * w) + i] = ((m >> i) & 1) != 0 ? ones : default!;
        }

        return masks;
    }

    /// <summary>Selects whole vectors (a branch with stride 0 is broadcast) and returns how many elements it wrote.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Run(ref bool p, ref T a, int sa, ref T b, int sb, ref T d, int n)
    {
        int w = Vector256<T>.Count, i = 0;
        var av = Vector256.Create(a);
        var bv = Vector256.Create(b);
        ref byte pb = ref Unsafe.As<bool, byte>(ref p);
        ref T masks = ref MemoryMarshal.GetArrayDataReference(s_masks);
        for (; i <= n - w; i += w)
        {
            ulong bytes = w == 8 ? Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref pb, i)) : Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref pb, i));
            // Any nonzero byte counts as true, as in the scalar loop: its top bit after ((b & 0x7F) + 0x7F) | b.
            bytes = ((((bytes & 0x7F7F7F7F7F7F7F7FUL) + 0x7F7F7F7F7F7F7F7FUL) | bytes) >> 7) & 0x0101010101010101UL;
            int bits = (int)((bytes * 0x0102040810204080UL) >> 56);
            var mask = Vector256.LoadUnsafe(ref masks, (nuint)(bits * w));
            var x = sa == 0 ? av : Vector256.LoadUnsafe(ref a, (nuint)i);
            var y = sb == 0 ? bv : Vector256.LoadUnsafe(ref b, (nuint)i);
            Vector256.ConditionalSelect(mask, x, y).StoreUnsafe(ref d, (nuint)i);
        }

        return i;
    }
}

/// <summary>
/// Strided-loop body of a gathering copy: d[i] = x[o0 + i·s0]. Contiguous runs are block copies and stride-0 runs
/// are fills, so transpose, broadcast, slice and reverse all reduce to memcpy-sized pieces where the layout allows.
/// </summary>
internal readonly struct CopyRun<T>(T[] x, T[] d) : IStridedRun
{
    private readonly T[] _x = x;
    private readonly T[] _d = d;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(int d, int o0, int s0, int o1, int s1, int o2, int s2, int n)
    {
        if (s0 == 1)
        {
            _x.AsSpan(o0, n).CopyTo(_d.AsSpan(d, n));
            return;
        }

        if (s0 == 0)
        {
            _d.AsSpan(d, n).Fill(_x[o0]);
            return;
        }

        ref T xr = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_x), o0);
        ref T dr = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_d), d);
        for (int i = 0, ix = 0; i < n; i++, ix += s0)
            Unsafe.Add(ref dr, i) = Unsafe.Add(ref xr, ix);
    }
}

/// <summary>
/// Strided-loop body of a scattering copy: x is walked densely and written to d[o0 + i·s0]. Used to place a block
/// into a larger array (pad, concatenate, dynamic_update_slice).
/// </summary>
internal readonly struct PlaceRun<T>(T[] x, T[] d) : IStridedRun
{
    private readonly T[] _x = x;
    private readonly T[] _d = d;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(int d, int o0, int s0, int o1, int s1, int o2, int s2, int n)
    {
        if (s0 == 1)
        {
            _x.AsSpan(d, n).CopyTo(_d.AsSpan(o0, n));
            return;
        }

        ref T xr = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_x), d);
        ref T dr = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_d), o0);
        for (int i = 0, id = 0; i < n; i++, id += s0)
            Unsafe.Add(ref dr, id) = Unsafe.Add(ref xr, i);
    }
}
