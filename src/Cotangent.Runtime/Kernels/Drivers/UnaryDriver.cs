using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

/// <summary>
/// y[i] = f(x[i]) over contiguous spans, written once for every operator: Vector512 → 256 → 128 → scalar.
/// The remainder is handled by re-running the last full vector at offset n − width (the overlap recomputes a few
/// elements with identical results, which is safe because the output never aliases the input), so there is no
/// scalar tail unless the whole span is shorter than one vector.
/// </summary>
internal static class UnaryDriver
{
    /// <summary>Applies <typeparamref name="TOp"/> to each element of <paramref name="x"/> into <paramref name="y"/> (same length, no aliasing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T, TOp>(ReadOnlySpan<T> x, Span<T> y)
        where TOp : struct, IUnaryOperator<T>
    {
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        int n = x.Length;
        if (TOp.Vectorizable)
        {
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && n >= Vector512<T>.Count)
            {
                int w = Vector512<T>.Count;
                int i = 0;
                for (; i <= n - w; i += w)
                    TOp.Invoke(Vector512.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
                if (i < n)
                    TOp.Invoke(Vector512.LoadUnsafe(ref xr, (nuint)(n - w))).StoreUnsafe(ref yr, (nuint)(n - w));
                return;
            }

            if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
            {
                int w = Vector256<T>.Count;
                int i = 0;
                for (; i <= n - w; i += w)
                    TOp.Invoke(Vector256.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
                if (i < n)
                    TOp.Invoke(Vector256.LoadUnsafe(ref xr, (nuint)(n - w))).StoreUnsafe(ref yr, (nuint)(n - w));
                return;
            }

            if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported && n >= Vector128<T>.Count)
            {
                int w = Vector128<T>.Count;
                int i = 0;
                for (; i <= n - w; i += w)
                    TOp.Invoke(Vector128.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
                if (i < n)
                    TOp.Invoke(Vector128.LoadUnsafe(ref xr, (nuint)(n - w))).StoreUnsafe(ref yr, (nuint)(n - w));
                return;
            }
        }

        for (int i = 0; i < n; i++)
            Unsafe.Add(ref yr, i) = TOp.Invoke(Unsafe.Add(ref xr, i));
    }
}
