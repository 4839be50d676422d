using Cotangent.Runtime;

namespace Cotangent;

/// <summary>
/// NumPy-like operations composed from the primitive catalogue (through <c>Lax</c>). Every function works on
/// concrete tensors and on tracers, so all of them can be transformed (Jvp, Linearize, Vjp, Grad, JacFwd/JacRev, Hessian). Works well
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
    /// <example><code>
    /// var z = Np.Zeros([2, 3], DType.Float32);                  // f32[2, 3] of zeros
    /// </code></example>
    public static Tensor Zeros(int[] shape, DType dtype = DType.Float64) => Full(shape, 0, dtype);

    /// <summary>A tensor of <paramref name="shape"/> filled with 0.</summary>
    public static Tensor Zeros(Shape shape, DType dtype = DType.Float64) => Full(shape, 0, dtype);

    /// <summary>A tensor of <paramref name="shape"/> filled with 1.</summary>
    public static Tensor Ones(int[] shape, DType dtype = DType.Float64) => Full(shape, 1, dtype);

    /// <summary>A float64 tensor of zeros with the given dimensions: <c>Zeros(5)</c>, <c>Zeros(2, 3)</c>; <c>Zeros()</c> is a scalar.</summary>
    /// <exception cref="ArgumentNullException">shape is null.</exception>
    /// <exception cref="ShapeException">A dimension is negative.</exception>
    /// <example><code>
    /// var b = Np.Zeros(16);                                     // f64[16]
    /// var w = Np.Zeros(2, 3);                                   // f64[2, 3]
    /// </code></example>
    public static Tensor Zeros(params int[] shape) => Full(shape, 0, DType.Float64);

    /// <summary>A float64 tensor of ones with the given dimensions: <c>Ones(5)</c>, <c>Ones(2, 3)</c>; <c>Ones()</c> is a scalar.</summary>
    /// <exception cref="ArgumentNullException">shape is null.</exception>
    /// <exception cref="ShapeException">A dimension is negative.</exception>
    /// <example><code>
    /// var x = Np.Zeros(2, 3) + Np.Ones(3);                      // broadcasting: f64[2, 3] of ones
    /// </code></example>
    public static Tensor Ones(params int[] shape) => Full(shape, 1, DType.Float64);

    /// <summary>A tensor of <paramref name="shape"/> filled with 1.</summary>
    public static Tensor Ones(Shape shape, DType dtype = DType.Float64) => Full(shape, 1, dtype);

    /// <summary>A tensor of <paramref name="shape"/> whose elements are all <paramref name="value"/> (converted to <paramref name="dtype"/>).</summary>
    /// <exception cref="ShapeException">An extent is negative, or the tensor is too large to allocate.</exception>
    /// <exception cref="DTypeException">dtype is int32 and the value is NaN, infinite or outside the int32 range.</exception>
    /// <example><code>
    /// var half = Np.Full([2, 2], 0.5);                          // [[0.5, 0.5], [0.5, 0.5]]
    /// </code></example>
    public static Tensor Full(int[] shape, double value, DType dtype = DType.Float64)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Full(Shape.Of(shape), value, dtype);
    }

    /// <summary>A tensor of <paramref name="shape"/> whose elements are all <paramref name="value"/>.</summary>
    /// <exception cref="ShapeException">The tensor is too large to allocate.</exception>
    /// <exception cref="DTypeException">dtype is int32 and the value is NaN, infinite or outside the int32 range.</exception>
    public static Tensor Full(Shape shape, double value, DType dtype = DType.Float64)
    {
        ArgumentNullException.ThrowIfNull(shape);
        DTypeCheckFill(value, dtype);
        return Allocating("full", shape, dtype, (shape, value, dtype), static s => NDArray.Full(s.dtype, s.shape, s.value));
    }

    /// <summary>
    /// Zeros with the shape and dtype of <paramref name="like"/>. When <paramref name="like"/> is a tracer the zeros are
    /// made at its level (a staged value gets a staged <c>zeros</c> equation), so <c>x => Np.ZerosLike(x)</c> is the
    /// linear zero map under <see cref="Ad.LinearTranspose{TIn, TOut}"/>.
    /// </summary>
    public static Tensor ZerosLike(Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        return like is Core.Tracer ? Primitives.Lax.ZerosLike(like) : Full(like.Shape, 0, like.DType);
    }

    /// <summary>Ones with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor OnesLike(Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        return Full(like.Shape, 1, like.DType);
    }

    /// <summary>The value <paramref name="value"/> with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor FullLike(Tensor like, double value)
    {
        ArgumentNullException.ThrowIfNull(like);
        return Full(like.Shape, value, like.DType);
    }

    /// <summary>The int32 values 0, 1, …, stop − 1.</summary>
    /// <example><code>
    /// var i = Np.Arange(5);                                     // i32: [0, 1, 2, 3, 4]
    /// </code></example>
    public static Tensor Arange(int stop) => Arange(0, stop, 1);

    /// <summary>The int32 values start, start + step, … while below stop (above it for a negative step).</summary>
    /// <exception cref="ValueException">step is 0.</exception>
    /// <exception cref="ShapeException">The range has more than <see cref="int.MaxValue"/> values, or is too large to allocate.</exception>
    /// <example><code>
    /// var i = Np.Arange(2, 10, 3);                              // i32: [2, 5, 8]
    /// </code></example>
    public static Tensor Arange(int start, int stop, int step = 1)
    {
        if (step == 0) throw new ValueException("arange: step cannot be zero (the range would never reach stop).");
        // In long: stop − start, the count and −int.MinValue overflow int.
        long st = step;
        long n = Math.Max(0, st > 0 ? ((long)stop - start + st - 1) / st : ((long)start - stop - st - 1) / -st);
        if (n > int.MaxValue)
            throw new ShapeException($"arange: the range [{start}, {stop}) with step {step} has {n} values, more than {int.MaxValue}.");
        var shape = Shape.Of((int)n);
        return Allocating("arange", shape, DType.Int32, (start, step, n: (int)n), static s =>
        {
            var data = new int[s.n];
            for (int i = 0; i < data.Length; i++) data[i] = (int)(s.start + ((long)i * s.step));
            return NDArray.Wrap(data, Shape.Of(s.n));
        });
    }

    /// <summary>
    /// The values start + i·step for i = 0 … ⌈(stop − start)/step⌉ − 1 (NumPy's arange), computed in double and
    /// converted to <paramref name="dtype"/>.
    /// </summary>
    /// <exception cref="ValueException">step is 0 or a bound is not finite.</exception>
    /// <exception cref="ShapeException">The range has more than <see cref="int.MaxValue"/> values, or is too large to allocate.</exception>
    /// <exception cref="DTypeException">dtype is bool, or int32 and a value is outside the int32 range.</exception>
    /// <example><code>
    /// var t = Np.Arange(0.0, 1.0, 0.25);                        // f64: [0, 0.25, 0.5, 0.75]
    /// </code></example>
    public static Tensor Arange(double start, double stop, double step = 1, DType dtype = DType.Float64)
    {
        if (step == 0 || !double.IsFinite(step) || !double.IsFinite(start) || !double.IsFinite(stop))
            throw new ValueException($"arange: needs finite bounds and a non-zero step, got ({start}, {stop}, {step}).");
        double count = Math.Max(0, Math.Ceiling((stop - start) / step));
        if (count > int.MaxValue)
            throw new ShapeException($"arange: the range [{start}, {stop}) with step {step} has {count:R} values, more than {int.MaxValue}.");
        return FromDoubles("arange", dtype, (int)count, i => start + (i * step));
    }

    /// <summary>
    /// <paramref name="num"/> evenly spaced values from start to stop: start + i·(stop − start)/(num − 1) with the
    /// last value exactly stop when <paramref name="endpoint"/>, else start + i·(stop − start)/num.
    /// </summary>
    /// <exception cref="ShapeException">num is negative, or the result is too large to allocate.</exception>
    /// <exception cref="DTypeException">dtype is bool, or int32 and a value is outside the int32 range.</exception>
    /// <example><code>
    /// var t = Np.Linspace(0, 1, 5);                             // [0, 0.25, 0.5, 0.75, 1]
    /// </code></example>
    public static Tensor Linspace(double start, double stop, int num = 50, bool endpoint = true, DType dtype = DType.Float64)
    {
        if (num < 0) throw new ShapeException($"linspace: the number of samples num = {num} is negative; it is the length of the result.");
        int div = endpoint ? num - 1 : num;
        double delta = div > 0 ? (stop - start) / div : 0;
        return FromDoubles("linspace", dtype, num, i => endpoint && num > 1 && i == num - 1 ? stop : start + (i * delta));
    }

    /// <summary>The n×m matrix with ones on diagonal k (k &gt; 0 above the main diagonal, k &lt; 0 below) and zeros elsewhere.</summary>
    /// <exception cref="ShapeException">n or m is negative, or the matrix is too large to allocate.</exception>
    /// <example><code>
    /// var i3 = Np.Eye(3);                                       // the 3×3 identity
    /// var shift = Np.Eye(2, 3, k: 1);                           // [[0, 1, 0], [0, 0, 1]]
    /// </code></example>
    public static Tensor Eye(int n, int? m = null, int k = 0, DType dtype = DType.Float64)
    {
        int cols = m ?? n;
        var shape = Shape.Of(n, cols);
        var a = Allocating("eye", shape, dtype, (dtype, shape), static s => NDArray.Zeros(s.dtype, s.shape)).Value;
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
    /// <example><code>
    /// var x = Np.Array(0.5, 1.0, 2.0);                          // f64[3]; Tensor.FromArray(data, shape) for other shapes
    /// </code></example>
    public static Tensor Array(params double[] values) => Tensor.FromArray(values);

    /// <summary>A 1-d float32 tensor of the values (copied).</summary>
    public static Tensor Array(params float[] values) => Tensor.FromArray(values);

    /// <summary>A 1-d int32 tensor of the values (copied).</summary>
    public static Tensor Array(params int[] values) => Tensor.FromArray(values);

    /// <summary>A 1-d bool tensor of the values (copied).</summary>
    public static Tensor Array(params bool[] values) => Tensor.FromArray(values);

    /// <summary>A 2-d float64 tensor of the values (copied, row-major).</summary>
    /// <example><code>
    /// var m = Np.Array(new double[,] { { 1, 2 }, { 3, 4 } });   // f64[2, 2]
    /// </code></example>
    public static Tensor Array(double[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int r = values.GetLength(0), c = values.GetLength(1);
        var data = new double[r * c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) data[(i * c) + j] = values[i, j];
        return new Tensor(NDArray.Wrap(data, Shape.Of(r, c)));
    }

    /// <summary>A 2-d float32 tensor of the values (copied, row-major).</summary>
    public static Tensor Array(float[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int r = values.GetLength(0), c = values.GetLength(1);
        var data = new float[r * c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) data[(i * c) + j] = values[i, j];
        return new Tensor(NDArray.Wrap(data, Shape.Of(r, c)));
    }

    /// <summary>A 2-d int32 tensor of the values (copied, row-major).</summary>
    public static Tensor Array(int[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int r = values.GetLength(0), c = values.GetLength(1);
        var data = new int[r * c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) data[(i * c) + j] = values[i, j];
        return new Tensor(NDArray.Wrap(data, Shape.Of(r, c)));
    }

    private static Tensor FromDoubles(string op, DType dtype, int n, Func<int, double> value)
    {
        var shape = Shape.Of(n);
        if (dtype == DType.Bool) throw new DTypeException($"{op}: bool is not a valid dtype for a numeric range.");
        return Allocating(op, shape, dtype, (op, dtype, shape, value), static s =>
        {
            int n = s.shape.Size;
            switch (s.dtype)
            {
                case DType.Float64:
                {
                    var d = new double[n];
                    for (int i = 0; i < n; i++) d[i] = s.value(i);
                    return NDArray.Wrap(d, s.shape);
                }

                case DType.Float32:
                {
                    var d = new float[n];
                    for (int i = 0; i < n; i++) d[i] = (float)s.value(i);
                    return NDArray.Wrap(d, s.shape);
                }

                default:
                {
                    var d = new int[n];
                    for (int i = 0; i < n; i++) d[i] = DTypes.ToInt32(Math.Floor(s.value(i)), s.op);
                    return NDArray.Wrap(d, s.shape);
                }
            }
        });
    }

    /// <summary>The int32 fill value must exist before anything is allocated.</summary>
    private static void DTypeCheckFill(double value, DType dtype)
    {
        if (dtype == DType.Int32) DTypes.ToInt32(value, "full");
    }

    /// <summary>Creates a tensor, reporting a failed allocation as a <see cref="ShapeException"/> that names the size.</summary>
    private static Tensor Allocating<TState>(string op, Shape shape, DType dtype, TState state, Func<TState, NDArray> make)
    {
        try
        {
            return new Tensor(make(state));
        }
        catch (OutOfMemoryException ex)
        {
            throw Core.Allocation.TooLarge(op, new Core.Aval(shape, dtype), ex);
        }
    }
}
