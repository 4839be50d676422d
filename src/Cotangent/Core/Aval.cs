using Cotangent.Runtime;

namespace Cotangent.Core;

/// <summary>
/// An abstract value: the shape and dtype of an array without its elements. Staging and the checker
/// reason with avals; a primitive's shape rule maps input avals to its output aval.
/// </summary>
/// <param name="Shape">The shape.</param>
/// <param name="DType">The element type.</param>
public readonly record struct Aval(Shape Shape, DType DType)
{
    /// <summary>The rank-0 aval of the given dtype.</summary>
    public static Aval ScalarOf(DType dtype) => new(Shape.Scalar, dtype);

    /// <summary>
    /// The error for a value of type <paramref name="got"/> where <paramref name="expected"/> was needed: a
    /// <see cref="DTypeException"/> when only the dtypes differ, else a <see cref="ShapeException"/>.
    /// </summary>
    internal static CotangentException MismatchError(Aval got, Aval expected, string message) =>
        got.Shape == expected.Shape && got.DType != expected.DType ? new DTypeException(message) : new ShapeException(message);

    /// <summary>True when values of this type can carry a tangent (floating-point dtypes).</summary>
    public bool IsDifferentiable => CarriesTangent(DType);

    /// <summary>
    /// Whether values of <paramref name="dtype"/> carry tangents and cotangents: the one place that decides it (float64
    /// and float32 do; int32 and bool never do, so their tangents are always symbolic zeros). The JVP trace consults it
    /// before any rule runs, so rules never test dtypes themselves.
    /// </summary>
    public static bool CarriesTangent(DType dtype) => dtype.IsFloat();

    /// <summary>Printed form, e.g. <c>f64[3,2]</c>; a scalar is <c>f64[]</c>.</summary>
    public override string ToString()
    {
        var dims = Shape.Dims;
        var sb = new System.Text.StringBuilder(DType.ShortName()).Append('[');
        for (int i = 0; i < dims.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(dims[i]);
        }

        return sb.Append(']').ToString();
    }
}
