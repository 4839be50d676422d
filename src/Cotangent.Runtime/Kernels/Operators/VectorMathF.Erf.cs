using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

internal static partial class VectorMathF
{
    // 2/√π = ErfC0Hi + ErfC0Lo, so x·2/√π keeps its full value through the leading term.
    private const float ErfC0Hi = 1.128379225730896f;
    private const float ErfC0Lo = -5.8635382771399236e-08f;

    /// <summary>
    /// erf x. |x| &lt; 1: x·(2/√π + z·P(z)), z = x², P a degree-5 Chebyshev fit of (erf(x)/x − 2/√π)/z (relative error
    /// below 2⁻²⁶), with 2/√π split in two (the sum is below 1.13, so it rounds no coarser than the result). 1 ≤ |x| &lt; 4: 1 − e^{−x²}·G(|x| − 2.5), G a degree-10 Chebyshev fit of
    /// erfc(x)·e^{x²} on [1, 4] (its error, at most 0.4 ulp of the result, is scaled down by erfc ≤ 0.16); from 3.6 on
    /// the result rounds to ±1, and |x| is clamped at 4 (NaN passes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Erf(Vector256<float> x)
    {
        var a = Vector256.Abs(x);
        var one = Vector256<float>.One;
        var isSmall = Vector256.LessThan(a, one);
        var small = Vector256<float>.Zero;
        if (isSmall != Vector256<float>.Zero)
        {
            var z = x * x;
            var p = C(8.3797553088516e-05f) * z + C(-0.0008161986479535699f);
            p = p * z + C(0.0052045788615942f);
            p = p * z + C(-0.026861699298024178f);
            p = p * z + C(0.1128375381231308f);
            p = p * z + C(-0.37612637877464294f);
            small = x * (C(ErfC0Hi) + (C(ErfC0Lo) + z * p));
            if (isSmall == Vector256<float>.AllBitsSet) return small;
        }

        var ac = Vector256.Min(a, C(4f));
        var s = ac - C(2.5f);
        var g = C(1.6118907524287351e-06f) * s + C(-6.377862064255169e-06f);
        g = g * s + C(1.4689557247038465e-05f);
        g = g * s + C(-5.362729280022904e-05f);
        g = g * s + C(0.00021231356367934495f);
        g = g * s + C(-0.0007389278616756201f);
        g = g * s + C(0.0024665086530148983f);
        g = g * s + C(-0.007999388501048088f);
        g = g * s + C(0.024938056245446205f);
        g = g * s + C(-0.0743475928902626f);
        g = g * s + C(0.21080636978149414f);
        var large = Vector256.CopySign(one - Exp(-(ac * ac)) * g, x);
        return Vector256.ConditionalSelect(isSmall, small, large);
    }
}
