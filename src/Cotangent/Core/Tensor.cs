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
    // A tensor stores its shape, dtype and buffer directly (no separate array object), so a concrete
    // scalar costs this object plus a one-element buffer. A tracer has no buffer.
    private readonly Shape _shape;
    private readonly Array? _data;
    private readonly DType _dtype;

    /// <summary>Wraps a concrete array.</summary>
    public Tensor(NDArray array)
    {
        if (array.IsDefault) throw new ArgumentException("The array holds no buffer.", nameof(array));
        _shape = array.Shape;
        _dtype = array.DType;
        _data = array.Data;
    }

    /// <summary>Creates a tracer's base with only an abstract value.</summary>
    private protected Tensor(Aval aval)
    {
        _shape = aval.Shape;
        _dtype = aval.DType;
    }

    /// <summary>Shape and dtype.</summary>
    public Aval Aval => new(_shape, _dtype);

    /// <summary>The shape.</summary>
    public Shape Shape => _shape;

    /// <summary>The element type.</summary>
    public DType DType => _dtype;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Rank;

    /// <summary>Number of elements.</summary>
    public int Size => _shape.Size;

    /// <summary>True when this tensor holds data (it is not a tracer).</summary>
    internal bool IsConcrete => _data is not null;

    /// <summary>The concrete array, or null for a tracer.</summary>
    internal NDArray? Array => _data is null ? null : NDArray.Trusted(_dtype, _shape, _data);

    /// <summary>
    /// The concrete value, looking through tracers that carry one (forward-mode and linearize tracers
    /// know their primal value, so ordinary C# control flow on values works under Grad).
    /// </summary>
    /// <exception cref="ConcretizationException">The value is abstract (inside MakeProgram staging).</exception>
    public NDArray Value
    {
        get
        {
            Tensor t = this;
            while (t._data is null)
            {
                var tracer = (Tracer)t;
                t = tracer.Primal ?? throw new ConcretizationException(
                    $"The value of a {Aval} tracer of {tracer.Trace.Transformation} is abstract here: only its shape and dtype are known. " +
                    (tracer.Trace.Transformation == "Vmap"
                        ? "Under Vmap a value stands for a whole batch, so C# control flow cannot depend on it; use Np.Where, Lax.Cond or Lax.WhileLoop."
                        : "Use Np.Where or move the decision outside the staged function."));
            }

            return NDArray.Trusted(t._dtype, t._shape, t._data);
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
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
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
    /// <exception cref="ArgumentNullException">t is null.</exception>
    public static explicit operator double(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return t.ToDouble();
    }

    /// <summary>NumPy-like text: the values (truncated when large), then shape and dtype.</summary>
    public override string ToString() => _data is null
        ? $"Tracer<{Aval}> of {((Tracer)this).Trace.Transformation}"
        : TensorFormatter.Format(NDArray.Trusted(_dtype, _shape, _data));
}
