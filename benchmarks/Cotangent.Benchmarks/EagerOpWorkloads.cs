using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Benchmarks;

/// <summary>
/// Single eager operations against hand-written vector loops into a reused buffer (issue #9's per-operation rows):
/// what one primitive costs through the library (dispatch, a result buffer, the kernel) against the loop alone.
/// The hand-written loops use the widest hardware-accelerated vector (Vector512 when AVX-512 is there, else
/// Vector256) on one thread.
/// </summary>
public sealed class EagerOpWorkloads
{
    private readonly Tensor _x1M = new(Kernels.RandomNormal(11, DType.Float64, Shape.Of(1_000_000)));
    private readonly Tensor _h = new(Kernels.RandomNormal(12, DType.Float32, Shape.Of(128, 256)));
    private readonly double[] _x1MData;
    private readonly float[] _hData;
    private readonly double[] _out1M = new double[1_000_000];
    private readonly float[] _outH = new float[128 * 256];

    public EagerOpWorkloads()
    {
        _x1MData = _x1M.ToArray<double>();
        _hData = _h.ToArray<float>();
    }

    /// <summary>−x on 1M f64 through the library.</summary>
    public Tensor Neg1M() => Lax.Neg(_x1M);

    /// <summary>−x on 1M f64 by a hand-written vector loop into a reused buffer.</summary>
    public double[] Neg1MHand()
    {
        ref double x = ref MemoryMarshal.GetArrayDataReference(_x1MData);
        ref double y = ref MemoryMarshal.GetArrayDataReference(_out1M);
        int n = _x1MData.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8) (-Vector512.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
        }
        else
        {
            for (; i <= n - 4; i += 4) (-Vector256.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
        }

        for (; i < n; i++) Unsafe.Add(ref y, i) = -Unsafe.Add(ref x, i);
        return _out1M;
    }

    /// <summary>tanh on 128×256 f32 through the library.</summary>
    public Tensor TanhF32() => Lax.Tanh(_h);

    /// <summary>
    /// tanh on 128×256 f32 by a hand-written Vector512 loop (Vector256 where 512-bit vectors are not accelerated): tanh x = 1 − 2/(e^{2x} + 1) with a Cephes-style f32 exp
    /// (degree-5 polynomial after reduction by ln 2), inputs clamped to ±9 where tanh rounds to ±1 in f32. A fast,
    /// reasonable kernel (a few ulps, not faithful near 0): the kind of loop a user would write by hand.
    /// </summary>
    public float[] TanhF32Hand()
    {
        ref float x = ref MemoryMarshal.GetArrayDataReference(_hData);
        ref float y = ref MemoryMarshal.GetArrayDataReference(_outH);
        int n = _hData.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16) TanhVector(Vector512.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
        }

        for (; i <= n - 8; i += 8) TanhVector(Vector256.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref y, i) = MathF.Tanh(Unsafe.Add(ref x, i));
        return _outH;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> TanhVector(Vector256<float> x)
    {
        var t = Vector256.Min(Vector256.Max(x, Vector256.Create(-9f)), Vector256.Create(9f));
        var z = t + t;
        var k = Vector256.Round(z * Vector256.Create(1.44269504f));
        var r = z - (k * Vector256.Create(0.693359375f)) + (k * Vector256.Create(2.12194440e-4f));
        var p = Vector256.Create(1.9875691500E-4f);
        p = (p * r) + Vector256.Create(1.3981999507E-3f);
        p = (p * r) + Vector256.Create(8.3334519073E-3f);
        p = (p * r) + Vector256.Create(4.1665795894E-2f);
        p = (p * r) + Vector256.Create(1.6666665459E-1f);
        p = (p * r) + Vector256.Create(5.0000001201E-1f);
        var e = (p * r * r) + r + Vector256<float>.One;
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(k) + Vector256.Create(127), 23).AsSingle();
        e *= scale;
        return Vector256<float>.One - (Vector256.Create(2f) / (e + Vector256<float>.One));
    }

    /// <summary>The same on sixteen lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> TanhVector(Vector512<float> x)
    {
        var t = Vector512.Min(Vector512.Max(x, Vector512.Create(-9f)), Vector512.Create(9f));
        var z = t + t;
        var k = Vector512.Round(z * Vector512.Create(1.44269504f));
        var r = z - (k * Vector512.Create(0.693359375f)) + (k * Vector512.Create(2.12194440e-4f));
        var p = Vector512.Create(1.9875691500E-4f);
        p = (p * r) + Vector512.Create(1.3981999507E-3f);
        p = (p * r) + Vector512.Create(8.3334519073E-3f);
        p = (p * r) + Vector512.Create(4.1665795894E-2f);
        p = (p * r) + Vector512.Create(1.6666665459E-1f);
        p = (p * r) + Vector512.Create(5.0000001201E-1f);
        var e = (p * r * r) + r + Vector512<float>.One;
        var scale = Vector512.ShiftLeft(Vector512.ConvertToInt32(k) + Vector512.Create(127), 23).AsSingle();
        e *= scale;
        return Vector512<float>.One - (Vector512.Create(2f) / (e + Vector512<float>.One));
    }
}
