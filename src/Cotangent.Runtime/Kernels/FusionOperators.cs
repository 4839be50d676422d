using System.Numerics;

namespace Cotangent.Runtime;

/// <summary>
/// The operator structs the eager kernels use for each float elementwise op, for code generators that fuse chains of
/// them into one loop (the Jit). Handing out the very types the eager dispatch calls is what makes a fused loop give the
/// eager kernels' bits: same vector code per lane, same scalar code for spans shorter than a vector. Only vectorizable
/// operators are listed; null means "not fusible" (the op then runs as its own eager kernel).
/// </summary>
internal static class FusionOperators
{
    /// <summary>The <see cref="IUnaryOperator{T}"/> struct <see cref="Kernels.Unary"/> applies for <paramref name="op"/> on
    /// <paramref name="dtype"/>, or null when the op is not fusible.</summary>
    public static Type? Unary(UnaryOp op, DType dtype)
    {
        if (dtype == DType.Float32)
        {
            Type? native = op switch
            {
                UnaryOp.Exp => typeof(WideFloatOperator<ExpFloat>),
                UnaryOp.Expm1 => typeof(FloatOperator<Expm1Float>),
                UnaryOp.Log => typeof(FloatOperator<LogFloat>),
                UnaryOp.Log1p => typeof(FloatOperator<Log1pFloat>),
                UnaryOp.Tanh => typeof(WideFloatOperator<TanhFloat>),
                UnaryOp.Logistic => typeof(FloatOperator<LogisticFloat>),
                UnaryOp.Sin => typeof(FloatOperator<SinFloat>),
                UnaryOp.Cos => typeof(FloatOperator<CosFloat>),
                UnaryOp.Tan => typeof(FloatOperator<TanFloat>),
                UnaryOp.Erf => typeof(FloatOperator<ErfFloat>),
                UnaryOp.Erfc => typeof(FloatOperator<ErfcFloat>),
                _ => null,
            };
            if (native is not null) return native;
            return Generic<float>(op);
        }

        return dtype == DType.Float64 ? Generic<double>(op) : null;
    }

    /// <summary>The <see cref="IBinaryOperator{T}"/> struct <see cref="Kernels.Binary"/> applies, or null when not fusible.</summary>
    public static Type? Binary(BinaryOp op, DType dtype)
    {
        Type? t = dtype switch
        {
            DType.Float64 => BinaryFor<double>(op),
            DType.Float32 => BinaryFor<float>(op),
            _ => null,
        };
        return t;
    }

    private static Type? BinaryFor<T>(BinaryOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
        => op switch
    {
        BinaryOp.Add => B<AddOperator<T>, T>(),
        BinaryOp.Sub => B<SubOperator<T>, T>(),
        BinaryOp.Mul => B<MulOperator<T>, T>(),
        BinaryOp.Div => B<DivOperator<T>, T>(),
        BinaryOp.Max => B<MaxOperator<T>, T>(),
        BinaryOp.Min => B<MinOperator<T>, T>(),
        BinaryOp.Pow => typeof(T) == typeof(float) ? B<PowFloatOperator, float>() : B<PowDoubleOperator, double>(),
        _ => null,
    };

    /// <summary>The ops <see cref="Kernels.Unary"/> sends through <c>UnaryFloat</c>; sqrt, abs, floor, ceil, round and sign
    /// (TensorPrimitives or scalar-only there) are left to their kernels.</summary>
    private static Type? Generic<T>(UnaryOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Type? t = op switch
        {
            UnaryOp.Neg => U<NegOperator<T>, T>(),
            UnaryOp.Rsqrt => U<RsqrtOperator<T>, T>(),
            UnaryOp.Exp => typeof(T) == typeof(double) ? U<WideDoubleOperator<ExpFunction>, double>() : F<T, ExpFunction>(),
            UnaryOp.Log => F<T, LogFunction>(),
            UnaryOp.Log1p => F<T, Log1pFunction>(),
            UnaryOp.Expm1 => F<T, Expm1Function>(),
            UnaryOp.Sin => F<T, SinFunction>(),
            UnaryOp.Cos => F<T, CosFunction>(),
            UnaryOp.Tan => F<T, TanFunction>(),
            UnaryOp.Asin => F<T, AsinFunction>(),
            UnaryOp.Acos => F<T, AcosFunction>(),
            UnaryOp.Atan => F<T, AtanFunction>(),
            UnaryOp.Sinh => F<T, SinhFunction>(),
            UnaryOp.Cosh => F<T, CoshFunction>(),
            UnaryOp.Tanh => typeof(T) == typeof(double) ? U<WideDoubleOperator<TanhFunction>, double>() : F<T, TanhFunction>(),
            UnaryOp.Logistic => F<T, LogisticFunction>(),
            UnaryOp.Erf => F<T, ErfFunction>(),
            UnaryOp.Erfc => F<T, ErfcFunction>(),
            UnaryOp.Exp2 => F<T, Exp2Function>(),
            UnaryOp.Log2 => F<T, Log2Function>(),
            UnaryOp.Log10 => F<T, Log10Function>(),
            _ => null,
        };
        return t;
    }

    /// <summary>A function of <see cref="IDoubleFunction"/>: for f64 the same function without ViaDoubleOperator's generic
    /// conversions (identical bits; fewer register spills once inlined into a long generated loop).</summary>
    private static Type? F<T, TFunction>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TFunction : struct, IDoubleFunction
        => typeof(T) == typeof(double) ? U<DoubleFunctionOperator<TFunction>, double>() : U<ViaDoubleOperator<T, TFunction>, T>();

    private static Type? U<TOp, T>()
        where TOp : struct, IUnaryOperator<T>
        => TOp.Vectorizable ? typeof(TOp) : null;

    private static Type? B<TOp, T>()
        where TOp : struct, IBinaryOperator<T>
        => TOp.Vectorizable ? typeof(TOp) : null;

    /// <summary>Whether the eager kernels would run vector code on this machine for this element type at 256 or 512 bits
    /// (a fused loop must use the same width to give the same bits).</summary>
    public static int VectorBits<T>()
        where T : struct
        => System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated && System.Runtime.Intrinsics.Vector512<T>.IsSupported ? 512
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.Vector256<T>.IsSupported ? 256
            : 0;

    /// <summary>Runs <paramref name="body"/> over [0, n) on up to two threads, split as the eager kernels split (the split
    /// point depends on n only, so results never depend on whether the worker helped).</summary>
    public static void Split(Action<int, int, int> body, int n, int threshold) => RangeSplit.Run(new DelegateBody(body), n, threshold);

    private readonly struct DelegateBody(Action<int, int, int> body) : IRangeBody
    {
        public void Run(int from, int to) => body(from, to, from == 0 ? 0 : 1);
    }
}
