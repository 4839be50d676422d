using Cotangent.Core;
using Cotangent.Runtime;

namespace Cotangent;

/// <summary>
/// An n-dimensional array of float64, float32, int32 or bool: the value every Cotangent function takes
/// and returns. Tensors are immutable. Inside a transformation the tensors a function sees are tracers
/// (subclasses) that record or transform each operation; outside they hold concrete data.
/// </summary>
public partial class Tensor
{
    private readonly NDArray? _array;

    /// <summary>Wraps a concrete array.</summary>
    public Tensor(NDArray array)
    {
        _array = array;
        Aval = new Aval(array.Shape, array.DType);
    }

    /// <summary>Creates a tracer's base with only an abstract value.</summary>
    private protected Tensor(Aval aval) => Aval = aval;

    /// <summary>Shape and dtype.</summary>
    public Aval Aval { get; }

    /// <summary>The shape.</summary>
    public Shape Shape => Aval.Shape;

    /// <summary>The element type.</summary>
    public DType DType => Aval.DType;

    /// <summary>Number of dimensions.</summary>
    public int Rank => Aval.Shape.Rank;

    /// <summary>Number of elements.</summary>
    public int Size => Aval.Shape.Size;

    /// <summary>The concrete array, or null for a tracer.</summary>
    internal NDArray? Array => _array;

    /// <summary>
    /// The concrete value, looking through tracers that carry one (forward-mode and linearize tracers
    /// know their primal value, so ordinary C# control flow on values works under Grad).
    /// </summary>
    /// <exception cref="ConcretizationException">The value is abstract (inside MakeProgram/Jit staging).</exception>
    public NDArray Value
    {
        get
        {
            Tensor t = this;
            while (t._array is null)
            {
                var tracer = (Tracer)t;
                t = tracer.Primal ?? throw new ConcretizationException(
                    $"The value of a {Aval} tracer of {tracer.Trace.Transformation} is abstract here: only its shape and dtype are known. " +
                    "Use Np.Where or move the decision outside the staged function.");
            }

            return t._array;
        }
    }

    /// <summary>Creates a float64 tensor of the given shape (row-major data, copied). With no shape, a 1-d tensor.</summary>
    public static Tensor FromArray(double[] data, params int[] shape) => From(data, shape);

    /// <summary>Creates a float32 tensor of the given shape (row-major data, copied).</summary>
    public static Tensor FromArray(float[] data, params int[] shape) => From(data, shape);

    /// <summary>Creates an int32 tensor of the given shape (row-major data, copied).</summary>
    public static Tensor FromArray(int[] data, params int[] shape) => From(data, shape);

    /// <summary>Creates a bool tensor of the given shape (row-major data, copied).</summary>
    public static Tensor FromArray(bool[] data, params int[] shape) => From(data, shape);

    private static Tensor From<T>(T[] data, int[] shape)
        where T : unmanaged
    {
        var s = shape.Length == 0 ? Shape.Of(data.Length) : Shape.Of(shape);
        if (s.Size != data.Length)
            throw new ShapeException($"Tensor.FromArray: {data.Length} values cannot fill shape {s} ({s.Size} elements).");
        return new Tensor(NDArray.Wrap((T[])data.Clone(), s));
    }

    /// <summary>A rank-0 tensor of <paramref name="dtype"/> holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float64) => new(NDArray.Scalar(dtype, value));

    /// <summary>A rank-0 float64 tensor.</summary>
    public static implicit operator Tensor(double value) => new(NDArray.Scalar(DType.Float64, value));

    /// <summary>A rank-0 float32 tensor.</summary>
    public static implicit operator Tensor(float value) => new(NDArray.Scalar(DType.Float32, value));

    /// <summary>A rank-0 int32 tensor.</summary>
    public static implicit operator Tensor(int value) => new(NDArray.Scalar(DType.Int32, value));

    /// <summary>A rank-0 bool tensor.</summary>
    public static implicit operator Tensor(bool value) => new(NDArray.Scalar(DType.Bool, value ? 1 : 0));

    /// <summary>The elements as a new row-major array; <typeparamref name="T"/> must match <see cref="DType"/>.</summary>
    /// <exception cref="DTypeException">The element type does not match.</exception>
    public T[] ToArray<T>()
        where T : unmanaged
    {
        var v = Value;
        if (DTypes.Of<T>() != v.DType)
            throw new DTypeException($"ToArray<{typeof(T).Name}>: the tensor holds {v.DType.ShortName()} values; call ToArray<{v.DType.ElementType().Name}>() or convert with AsType first.");
        return v.ToArray<T>();
    }

    /// <summary>The single element of a size-1 tensor converted to double.</summary>
    /// <exception cref="ShapeException">The tensor has more or fewer than one element.</exception>
    public double ToDouble()
    {
        var v = Value;
        if (v.Size != 1) throw new ShapeException($"ToDouble: a tensor of shape {v.Shape} has {v.Size} elements; only a one-element tensor converts to a scalar.");
        return v.GetDouble(0);
    }

    /// <summary>The single element of a size-1 tensor.</summary>
    public static explicit operator double(Tensor t) => t.ToDouble();

    /// <summary>NumPy-like text: the values (truncated when large), then shape and dtype.</summary>
    public override string ToString() => _array is null
        ? $"Tracer<{Aval}> of {((Tracer)this).Trace.Transformation}"
        : TensorFormatter.Format(_array);
}
