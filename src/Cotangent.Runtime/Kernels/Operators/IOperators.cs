using System.Runtime.Intrinsics;

namespace Cotangent.Runtime;

/// <summary>
/// An elementwise one-input operator. Drivers are generic over the operator struct, so the JIT specializes each
/// loop and inlines <c>Invoke</c>: no delegate or virtual call per element. The vector overloads are only called
/// when <see cref="Vectorizable"/> is true; they must agree with the scalar <c>Invoke</c> within a few ulps.
/// </summary>
internal interface IUnaryOperator<T>
{
    /// <summary>True when the vector overloads are implemented.</summary>
    static abstract bool Vectorizable { get; }

    /// <summary>f(x) for one element.</summary>
    static abstract T Invoke(T x);

    /// <summary>f applied to each lane.</summary>
    static virtual Vector128<T> Invoke(Vector128<T> x) => throw new NotSupportedException();

    /// <summary>f applied to each lane.</summary>
    static virtual Vector256<T> Invoke(Vector256<T> x) => throw new NotSupportedException();

    /// <summary>f applied to each lane.</summary>
    static virtual Vector512<T> Invoke(Vector512<T> x) => throw new NotSupportedException();
}

/// <summary>An elementwise two-input operator; see <see cref="IUnaryOperator{T}"/> for the contract.</summary>
internal interface IBinaryOperator<T>
{
    /// <summary>True when the vector overloads are implemented.</summary>
    static abstract bool Vectorizable { get; }

    /// <summary>f(x, y) for one element.</summary>
    static abstract T Invoke(T x, T y);

    /// <summary>f applied lane by lane.</summary>
    static virtual Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => throw new NotSupportedException();

    /// <summary>f applied lane by lane.</summary>
    static virtual Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => throw new NotSupportedException();

    /// <summary>f applied lane by lane.</summary>
    static virtual Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => throw new NotSupportedException();
}

/// <summary>An elementwise predicate of two inputs (comparisons); the result is a bool.</summary>
internal interface ICompareOperator<T>
{
    /// <summary>p(x, y).</summary>
    static abstract bool Invoke(T x, T y);

    /// <summary>p on each lane as a mask (all bits set where true); must agree with the scalar form, NaN included.</summary>
    static abstract Vector256<T> Invoke(Vector256<T> x, Vector256<T> y);
}

/// <summary>
/// A reduction: an associative, commutative combine with an identity. <c>Combine</c> of vectors is lane-wise;
/// <c>Aggregate</c> folds a contiguous span (possibly via TensorPrimitives).
/// </summary>
internal interface IReduceOperator<T>
{
    /// <summary>The identity element (0 for sum, −∞ for max …).</summary>
    static abstract T Identity { get; }

    /// <summary>Combines two partial results.</summary>
    static abstract T Combine(T x, T y);

    /// <summary>Folds a contiguous run into one value (the identity when empty).</summary>
    static abstract T Aggregate(ReadOnlySpan<T> x);

    /// <summary>acc[i] = Combine(acc[i], x[i]) for a contiguous run (row accumulation for non-inner reductions).</summary>
    static abstract void Accumulate(Span<T> acc, ReadOnlySpan<T> x);
}

/// <summary>
/// A real function evaluated in double precision, scalar and on 4 lanes. <see cref="ViaDoubleOperator{T, TFunction}"/>
/// lifts it to a unary operator for f64 and f32 (f32 lanes are widened, evaluated and rounded once).
/// </summary>
internal interface IDoubleFunction
{
    /// <summary>f(x).</summary>
    static abstract double Invoke(double x);

    /// <summary>f on each lane.</summary>
    static abstract Vector256<double> Invoke(Vector256<double> x);
}

/// <summary>An <see cref="IDoubleFunction"/> with a native eight-lane form giving the same bits per lane as its
/// four-lane one (<see cref="WideDoubleOperator{TFunction}"/> runs it on Vector512 without splitting).</summary>
internal interface IWideDoubleFunction : IDoubleFunction
{
    /// <summary>f on each of eight lanes.</summary>
    static abstract Vector512<double> Invoke(Vector512<double> x);
}
