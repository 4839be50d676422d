using Cotangent.Runtime;

namespace Cotangent;

/// <summary>
/// NumPy-like operations composed from the primitive catalogue (through <c>Lax</c>). Every function works on
/// concrete tensors and on tracers, so all of them can be transformed (Grad, Jvp, Vmap, Jit). Works well
/// with <c>using static Cotangent.Np;</c>.
/// </summary>
/// <remarks>
/// Dtypes: binary functions require both tensor operands to have the same dtype and throw
/// <see cref="DTypeException"/> naming both otherwise (no implicit promotion; convert with <see cref="AsType"/>).
/// C# <c>double</c> arguments are weakly typed: they take the tensor operand's dtype.
/// </remarks>
public static partial class Np
{
    /// <summary>A tensor of <paramref name="shape"/> filled with 0.</summary>
    public static Tensor Zeros(int[] shape, DType dtype = DType.Float64) => Full(shape, 0, dtype);

    /// <summary>A tensor of <paramref name="shape"/> filled with 0.</summary>
    public static Tensor Zeros(Shape shape, DType dtype = DType.Float64) => Full(shape, 0, dtype);

    /// <summary>A tensor of <paramref name="shape"/> filled with 1.</summary>
    public static Tensor Ones(int[] shape, DType dtype = DType.Float64) => Full(shape, 1, dtype);

    /// <summary>A tensor of <paramref name="shape"/> filled with 1.</summary>
    public static Tensor Ones(Shape shape, DType dtype = DType.Float64) => Full(shape, 1, dtype);

    /// <summary>A tensor of <paramref name="shape"/> whose elements are all <paramref name="value"/> (converted to <paramref name="dtype"/>).</summary>
    /// <exception cref="ShapeException">An extent is negative.</exception>
    public static Tensor Full(int[] shape, double value, DType dtype = DType.Float64) => Full(Shape.Of(shape), value, dtype);

    /// <summary>A tensor of <paramref name="shape"/> whose elements are all <paramref name="value"/>.</summary>
    public static Tensor Full(Shape shape, double value, DType dtype = DType.Float64) => new(NDArray.Full(dtype, shape, value));

    /// <summary>Zeros with the shape and dtype of <paramref name="like"/> (which may be a tracer: only its type is used).</summary>
    public static Tensor ZerosLike(Tensor like) => Full(like.Shape, 0, like.DType);

    /// <summary>Ones with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor OnesLike(Tensor like) => Full(like.Shape, 1, like.DType);

    /// <summary>The value <paramref name="value"/> with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor FullLike(Tensor like, double value) => Full(like.Shape, value, like.DType);

    /// <summary>The int32 values 0, 1, …, stop − 1.</summary>
    public static Tensor Arange(int stop) => Arange(0, stop, 1);

    /// <summary>The int32 values start, start + step, … while below stop (above it for a negative step).</summary>
    /// <exception cref="ArgumentException">step is 0.</exception>
    public static Tensor Arange(int start, int stop, int step = 1)
    {
        if (step == 0) throw new ArgumentException("arange: step cannot be zero.", nameof(step));
        long n = Math.Max(0, step > 0 ? ((long)stop - start + step - 1) / step : ((long)start - stop - step - 1) / -step);
        var data = new int[n];
        for (int i = 0; i < n; i++) data[i] = start + (i * step);
        return new Tensor(NDArray.Wrap(data, Shape.Of((int)n)));
    }

    /// <summary>
    /// The values start + i·step for i = 0 … ⌈(stop − start)/step⌉ − 1 (NumPy's arange), computed in double and
    /// converted to <paramref name="dtype"/>.
    /// </summary>
    /// <exception cref="ArgumentException">step is 0 or a bound is not finite.</exception>
    public static Tensor Arange(double start, double stop, double step = 1, DType dtype = DType.Float64)
    {
        if (step == 0 || !double.IsFinite(step) || !double.IsFinite(start) || !double.IsFinite(stop))
            throw new ArgumentException($"arange: needs finite bounds and a non-zero step, got ({start}, {stop}, {step}).", nameof(step));
        int n = (int)Math.Max(0, Math.Ceiling((stop - start) / step));
        return FromDoubles(dtype, n, i => start + (i * step));
    }

    /// <summary>
    /// <paramref name="num"/> evenly spaced values from start to stop: start + i·(stop − start)/(num − 1) with the
    /// last value exactly stop when <paramref name="endpoint"/>, else start + i·(stop − start)/num.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">num is negative.</exception>
    public static Tensor Linspace(double start, double stop, int num = 50, bool endpoint = true, DType dtype = DType.Float64)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(num);
        int div = endpoint ? num - 1 : num;
        double delta = div > 0 ? (stop - start) / div : 0;
        return FromDoubles(dtype, num, i => endpoint && num > 1 && i == num - 1 ? stop : start + (i * delta));
    }

    /// <summary>The n×m matrix with ones on diagonal k (k &gt; 0 above the main diagonal, k &lt; 0 below) and zeros elsewhere.</summary>
    /// <exception cref="ShapeException">n or m is negative.</exception>
    public static Tensor Eye(int n, int? m = null, int k = 0, DType dtype = DType.Float64)
    {
        int cols = m ?? n;
        var a = NDArray.Zeros(dtype, Shape.Of(n, cols));
        var d = NDArray.Full(dtype, Shape.Scalar, 1);
        for (int i = 0; i < n; i++)
        {
            int j = i + k;
            if (j >= 0 && j < cols) System.Array.Copy(d.Data, 0, a.Data, (i * cols) + j, 1);
        }

        return new Tensor(a);
    }

    /// <summary>The n×n identity matrix.</summary>
    public static Tensor Identity(int n, DType dtype = DType.Float64) => Eye(n, n, 0, dtype);

    /// <summary>A 1-d float64 tensor of the values (copied).</summary>
    public static Tensor Array(params double[] values) => Tensor.FromArray(values);

    /// <summary>A 1-d float32 tensor of the values (copied).</summary>
    public static Tensor Array(params float[] values) => Tensor.FromArray(values);

    /// <summary>A 1-d int32 tensor of the values (copied).</summary>
    public static Tensor Array(params int[] values) => Tensor.FromArray(values);

    /// <summary>A 1-d bool tensor of the values (copied).</summary>
    public static Tensor Array(params bool[] values) => Tensor.FromArray(values);

    /// <summary>A 2-d float64 tensor of the values (copied, row-major).</summary>
    public static Tensor Array(double[,] values)
    {
        int r = values.GetLength(0), c = values.GetLength(1);
        var data = new double[r * c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) data[(i * c) + j] = values[i, j];
        return new Tensor(NDArray.Wrap(data, Shape.Of(r, c)));
    }

    /// <summary>A 2-d float32 tensor of the values (copied, row-major).</summary>
    public static Tensor Array(float[,] values)
    {
        int r = values.GetLength(0), c = values.GetLength(1);
        var data = new float[r * c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) data[(i * c) + j] = values[i, j];
        return new Tensor(NDArray.Wrap(data, Shape.Of(r, c)));
    }

    /// <summary>A 2-d int32 tensor of the values (copied, row-major).</summary>
    public static Tensor Array(int[,] values)
    {
        int r = values.GetLength(0), c = values.GetLength(1);
        var data = new int[r * c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) data[(i * c) + j] = values[i, j];
        return new Tensor(NDArray.Wrap(data, Shape.Of(r, c)));
    }

    private static Tensor FromDoubles(DType dtype, int n, Func<int, double> value)
    {
        var shape = Shape.Of(n);
        switch (dtype)
        {
            case DType.Float64:
            {
                var d = new double[n];
                for (int i = 0; i < n; i++) d[i] = value(i);
                return new Tensor(NDArray.Wrap(d, shape));
            }

            case DType.Float32:
            {
                var d = new float[n];
                for (int i = 0; i < n; i++) d[i] = (float)value(i);
                return new Tensor(NDArray.Wrap(d, shape));
            }

            case DType.Int32:
            {
                var d = new int[n];
                for (int i = 0; i < n; i++) d[i] = checked((int)Math.Floor(value(i)));
                return new Tensor(NDArray.Wrap(d, shape));
            }

            default:
                throw new DTypeException("arange/linspace: bool is not a valid dtype for a numeric range.");
        }
    }
}
