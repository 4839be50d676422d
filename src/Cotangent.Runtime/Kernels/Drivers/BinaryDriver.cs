using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

/// <summary>
/// d = f(x, y) inner loops for the three layouts a broadcast inner run can have after collapsing: both operands
/// contiguous, one operand a repeated scalar (stride 0), or anything else (strided scalar loop). Vector paths go
/// 512 → 256 → 128 and finish with an overlapping last vector, as in <see cref="UnaryDriver"/>.
/// </summary>
internal static class BinaryDriver
{
    /// <summary>d[i] = f(x[i], y[i]) for i &lt; n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Contiguous<T, TOp>(ref T x, ref T y, ref T d, int n)
        where TOp : struct, IBinaryOperator<T>
    {
        if (TOp.Vectorizable)
        {
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && n >= Vector512<T>.Count)
            {
                int w = Vector512<T>.Count, i = 0;
                for (; i <= n - w; i += w)
                    TOp.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
                if (i < n)
                    TOp.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(n - w)), Vector512.LoadUnsafe(ref y, (nuint)(n - w))).StoreUnsafe(ref d, (nuint)(n - w));
                return;
            }

            if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
            {
                int w = Vector256<T>.Count, i = 0;
                for (; i <= n - w; i += w)
                    TOp.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
                if (i < n)
                    TOp.Invoke(Vector256.LoadUnsafe(ref x, (nuint)(n - w)), Vector256.LoadUnsafe(ref y, (nuint)(n - w))).StoreUnsafe(ref d, (nuint)(n - w));
                return;
            }

            if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported && n >= Vector128<T>.Count)
            {
                int w = Vector128<T>.Count, i = 0;
                for (; i <= n - w; i += w)
                    TOp.Invoke(Vector128.LoadUnsafe(ref x, (nuint)i), Vector128.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
                if (i < n)
                    TOp.Invoke(Vector128.LoadUnsafe(ref x, (nuint)(n - w)), Vector128.LoadUnsafe(ref y, (nuint)(n - w))).StoreUnsafe(ref d, (nuint)(n - w));
                return;
            }
        }

        for (int i = 0; i < n; i++)
            Unsafe.Add(ref d, i) = TOp.Invoke(Unsafe.Add(ref x, i), Unsafe.Add(ref y, i));
    }

    /// <summary>d[i] = f(x, y[i]) for i &lt; n (x broadcast).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScalarLeft<T, TOp>(T x, ref T y, ref T d, int n)
        where TOp : struct, IBinaryOperator<T>
    {
        if (TOp.Vectorizable)
        {
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && n >= Vector512<T>.Count)
            {
                int w = Vector512<T>.Count, i = 0;
                var xv = Vector512.Create(x);
                for (; i <= n - w; i += w)
                    TOp.Invoke(xv, Vector512.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
                if (i < n)
                    TOp.Invoke(xv, Vector512.LoadUnsafe(ref y, (nuint)(n - w))).StoreUnsafe(ref d, (nuint)(n - w));
                return;
            }

            if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
            {
                int w = Vector256<T>.Count, i = 0;
                var xv = Vector256.Create(x);
                for (; i <= n - w; i += w)
                    TOp.Invoke(xv, Vector256.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
                if (i < n)
                    TOp.Invoke(xv, Vector256.LoadUnsafe(ref y, (nuint)(n - w))).StoreUnsafe(ref d, (nuint)(n - w));
                return;
            }

            if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported && n >= Vector128<T>.Count)
            {
                int w = Vector128<T>.Count, i = 0;
                var xv = Vector128.Create(x);
                for (; i <= n - w; i += w)
                    TOp.Invoke(xv, Vector128.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
                if (i < n)
                    TOp.Invoke(xv, Vector128.LoadUnsafe(ref y, (nuint)(n - w))).StoreUnsafe(ref d, (nuint)(n - w));
                return;
            }
        }

        for (int i = 0; i < n; i++)
            Unsafe.Add(ref d, i) = TOp.Invoke(x, Unsafe.Add(ref y, i));
    }

    /// <summary>d[i] = f(x[i], y) for i &lt; n (y broadcast).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScalarRight<T, TOp>(ref T x, T y, ref T d, int n)
        where TOp : struct, IBinaryOperator<T>
    {
        if (TOp.Vectorizable)
        {
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && n >= Vector512<T>.Count)
            {
                int w = Vector512<T>.Count, i = 0;
                var yv = Vector512.Create(y);
                for (; i <= n - w; i += w)
                    TOp.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i), yv).StoreUnsafe(ref d, (nuint)i);
                if (i < n)
                    TOp.Invoke(Vector512.LoadUnsafe(ref x, (nuint)(n - w)), yv).StoreUnsafe(ref d, (nuint)(n - w));
                return;
            }

            if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
            {
                int w = Vector256<T>.Count, i = 0;
                var yv = Vector256.Create(y);
                for (; i <= n - w; i += w)
                    TOp.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i), yv).StoreUnsafe(ref d, (nuint)i);
                if (i < n)
                    TOp.Invoke(Vector256.LoadUnsafe(ref x, (nuint)(n - w)), yv).StoreUnsafe(ref d, (nuint)(n - w));
                return;
            }

            if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported && n >= Vector128<T>.Count)
            {
                int w = Vector128<T>.Count, i = 0;
                var yv = Vector128.Create(y);
                for (; i <= n - w; i += w)
                    TOp.Invoke(Vector128.LoadUnsafe(ref x, (nuint)i), yv).StoreUnsafe(ref d, (nuint)i);
                if (i < n)
                    TOp.Invoke(Vector128.LoadUnsafe(ref x, (nuint)(n - w)), yv).StoreUnsafe(ref d, (nuint)(n - w));
                return;
            }
        }

        for (int i = 0; i < n; i++)
            Unsafe.Add(ref d, i) = TOp.Invoke(Unsafe.Add(ref x, i), y);
    }

    /// <summary>d[i] = f(x[i·sx], y[i·sy]) for i &lt; n (general strides, scalar).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Strided<T, TOp>(ref T x, int sx, ref T y, int sy, ref T d, int n)
        where TOp : struct, IBinaryOperator<T>
    {
        for (int i = 0, ix = 0, iy = 0; i < n; i++, ix += sx, iy += sy)
            Unsafe.Add(ref d, i) = TOp.Invoke(Unsafe.Add(ref x, ix), Unsafe.Add(ref y, iy));
    }
}
