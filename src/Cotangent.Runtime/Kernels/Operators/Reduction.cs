using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static Cotangent.Runtime.SpanCast;

namespace Cotangent.Runtime;

/// <summary>
/// Σ with identity 0, for int32 (wrapping, so any order gives the same result). Float sums take the pairwise path of
/// <see cref="Kernels.Reduce"/> instead; Aggregate also sums floats pairwise should it be reached with them.
/// </summary>
internal readonly struct SumReduce<T> : IReduceOperator<T>
    where T : INumber<T>
{
    public static T Identity => T.Zero;
    public static T Combine(T x, T y) => x + y;

    public static T Aggregate(ReadOnlySpan<T> x)
    {
        if (typeof(T) == typeof(double)) return (T)(object)FloatReductions.Sum(As<T, double>(x));
        if (typeof(T) == typeof(float)) return (T)(object)FloatReductions.Sum(As<T, float>(x));
        return TensorPrimitives.Sum(x);
    }

    public static void Accumulate(Span<T> acc, ReadOnlySpan<T> x) => TensorPrimitives.Add(acc, x, acc);
}

/// <summary>Π with identity 1. Float runs multiply in a fixed order (TensorPrimitives.Product's order depends on the buffer's alignment).</summary>
internal readonly struct ProdReduce<T> : IReduceOperator<T>
    where T : INumber<T>
{
    public static T Identity => T.One;
    public static T Combine(T x, T y) => x * y;

    public static T Aggregate(ReadOnlySpan<T> x)
    {
        if (typeof(T) == typeof(double)) return (T)(object)FloatReductions.Product(As<T, double>(x));
        if (typeof(T) == typeof(float)) return (T)(object)FloatReductions.Product(As<T, float>(x));
        return x.IsEmpty ? T.One : TensorPrimitives.Product(x);
    }

    public static void Accumulate(Span<T> acc, ReadOnlySpan<T> x) => TensorPrimitives.Multiply(acc, x, acc);
}

/// <summary>Reinterprets a span of T as the same elements of TTo (called only when T is TTo).</summary>
internal static class SpanCast
{
    public static ReadOnlySpan<TTo> As<T, TTo>(ReadOnlySpan<T> x) => MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, TTo>(ref MemoryMarshal.GetReference(x)), x.Length);
}

/// <summary>max with identity −∞ (int: int.MinValue, bool: false); NaN propagates.</summary>
internal readonly struct MaxReduce<T> : IReduceOperator<T>
    where T : INumber<T>, IMinMaxValue<T>
{
    public static T Identity => typeof(T) == typeof(double) ? (T)(object)double.NegativeInfinity
        : typeof(T) == typeof(float) ? (T)(object)float.NegativeInfinity : T.MinValue;

    public static T Combine(T x, T y) => T.Max(x, y);
    public static T Aggregate(ReadOnlySpan<T> x) => x.IsEmpty ? Identity : TensorPrimitives.Max(x);
    public static void Accumulate(Span<T> acc, ReadOnlySpan<T> x) => TensorPrimitives.Max(acc, x, acc);
}

/// <summary>min with identity +∞ (int: int.MaxValue, bool stored as a byte: true = 1); NaN propagates.</summary>
internal readonly struct MinReduce<T> : IReduceOperator<T>
    where T : INumber<T>, IMinMaxValue<T>
{
    public static T Identity => typeof(T) == typeof(double) ? (T)(object)double.PositiveInfinity
        : typeof(T) == typeof(float) ? (T)(object)float.PositiveInfinity
        : typeof(T) == typeof(byte) ? T.One : T.MaxValue;

    public static T Combine(T x, T y) => T.Min(x, y);
    public static T Aggregate(ReadOnlySpan<T> x) => x.IsEmpty ? Identity : TensorPrimitives.Min(x);
    public static void Accumulate(Span<T> acc, ReadOnlySpan<T> x) => TensorPrimitives.Min(acc, x, acc);
}

/// <summary>
/// Strided-loop body of a reduction. The loop walks the input densely; operand 0 is the output viewed with stride 0
/// on reduced axes. An inner run with output stride 0 folds a contiguous input run into one output element; with
/// output stride 1 it accumulates a contiguous input row into a contiguous output row (the inner axis is kept).
/// </summary>
internal readonly struct ReduceRun<T, TOp>(T[] x, T[] acc) : IStridedRun
    where TOp : struct, IReduceOperator<T>
{
    private readonly T[] _x = x;
    private readonly T[] _acc = acc;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(int d, int o0, int s0, int o1, int s1, int o2, int s2, int n)
    {
        if (s0 == 0)
        {
            _acc[o0] = TOp.Combine(_acc[o0], TOp.Aggregate(_x.AsSpan(d, n)));
            return;
        }

        if (s0 == 1)
        {
            TOp.Accumulate(_acc.AsSpan(o0, n), _x.AsSpan(d, n));
            return;
        }

        ref T xr = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_x), d);
        ref T ar = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_acc), o0);
        for (int i = 0, ia = 0; i < n; i++, ia += s0)
            Unsafe.Add(ref ar, ia) = TOp.Combine(Unsafe.Add(ref ar, ia), Unsafe.Add(ref xr, i));
    }
}
