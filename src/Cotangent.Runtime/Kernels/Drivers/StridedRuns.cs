using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cotangent.Runtime;

/// <summary>The strided-loop body of a broadcasting binary op: dispatches each inner run to a <see cref="BinaryDriver"/> loop.</summary>
internal readonly struct BinaryRun<T, TOp>(T[] x, T[] y, T[] d) : IStridedRun
    where TOp : struct, IBinaryOperator<T>
{
    private readonly T[] _x = x;
    private readonly T[] _y = y;
    private readonly T[] _d = d;

    /// <inheritdoc/>
    public void Run(int d, int o0, int s0, int o1, int s1, int o2, int s2, int n)
    {
        ref T xr = ref MemoryMarshal.GetArrayDataReference(_x);
        ref T yr = ref MemoryMarshal.GetArrayDataReference(_y);
        ref T dr = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_d), d);
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
        if (s0 == 1 && s1 == 1)
        {
            for (int i = 0; i < n; i++) Unsafe.Add(ref dr, i) = TOp.Invoke(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i));
            return;
        }

        for (int i = 0, ix = 0, iy = 0; i < n; i++, ix += s0, iy += s1)
            Unsafe.Add(ref dr, i) = TOp.Invoke(Unsafe.Add(ref xr, ix), Unsafe.Add(ref yr, iy));
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
        for (int i = 0, ip = 0, ia = 0, ib = 0; i < n; i++, ip += s0, ia += s1, ib += s2)
            Unsafe.Add(ref dr, i) = Unsafe.Add(ref pr, ip) ? Unsafe.Add(ref ar, ia) : Unsafe.Add(ref br, ib);
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
