using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

/// <summary>
/// Sixteen-lane (Vector512) forms of the single-precision exp and tanh (a network's activations and its softmax). Each
/// is its 256-bit namesake operation for operation, so every lane gets the same bits at either width
/// (<c>WideMathTests</c> compares them); on AVX-512 machines they do twice the lanes per instruction.
/// </summary>
internal static partial class VectorMathF
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> W(float c) => Vector512.Create(c);

    /// <summary>eˣ on sixteen lanes: <see cref="Exp(Vector256{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        var xc = Vector512.MinNative(Vector512.MaxNative(x, W(-104f)), W(89f));
        var k = xc * W(Log2E) + W(RoundMagic) - W(RoundMagic);
        var r = (xc - k * W(Ln2Hi)) - k * W(Ln2Lo);
        var p = Vector512<float>.One + Expm1Reduced(r);

        // p·2ᵏ as (p·2^k₁)·2^k₂, k₁ = round(k/2): ScaleByPow2.
        var k1 = k * W(0.5f) + W(RoundMagic) - W(RoundMagic);
        var y = p * Pow2(k1) * Pow2(k - k1);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), y, x);
    }

    /// <summary>tanh on sixteen lanes: <see cref="Tanh(Vector256{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        var a = Vector512.MinNative(Vector512.Abs(x), W(9.5f));
        var u = a + a;
        var k = u * W(Log2E) + W(RoundMagic) - W(RoundMagic);
        var r = (u - k * W(Ln2Hi)) - k * W(Ln2Lo);
        var p = Pow2(k);
        var t = p * Expm1Reduced(r) + (p - Vector512<float>.One);
        var two = W(2f);
        var d = t + two;
        var c = (Vector512.MaxNative(t, two) - d) + Vector512.MinNative(t, two);
        var q = t / d;
        var y = (q - q * (c * (Vector512.Create(0x7EF311C7) - d.AsInt32()).AsSingle())) | (x & W(-0f));
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), y, x);
    }

    /// <summary>eʳ − 1 for the reduced argument: <see cref="Expm1Reduced(Vector256{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Expm1Reduced(Vector512<float> r)
    {
        var q = W(0.00019891017291229218f) * r + W(0.001393367419950664f);
        q = q * r + W(0.00833331048488617f);
        q = q * r + W(0.041666463017463684f);
        q = q * r + W(0.1666666716337204f);
        q = q * r + W(0.5f);
        return r + r * r * q;
    }

    /// <summary>2ᵏ for an integral k in [−126, 127]: <see cref="Pow2(Vector256{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pow2(Vector512<float> k)
        => Vector512.ShiftLeft((k + W(RoundMagic + 127f)).AsInt32(), 23).AsSingle();
}
