using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cotangent.Runtime;

public static partial class Kernels
{
    /// <summary>Elementwise unary op. Floats: all ops but Not. Int32: Neg, Abs, Sign. Bool: Not.</summary>
    /// <exception cref="DTypeException">The op is not defined for x's dtype.</exception>
    public static NDArray Unary(UnaryOp op, NDArray x)
    {
        bool ok = x.DType switch
        {
            DType.Float64 or DType.Float32 => op != UnaryOp.Not,
            DType.Int32 => op is UnaryOp.Neg or UnaryOp.Abs or UnaryOp.Sign,
            _ => op == UnaryOp.Not,
        };
        if (!ok)
        {
            string accepted = x.DType == DType.Bool ? "bool accepts only not" : x.DType == DType.Int32 ? "i32 accepts neg, abs and sign" : "not needs bool";
            throw new DTypeException($"{Name(op)}: not defined for {Describe(x)}; {accepted}.");
        }

        var result = NDArray.AllocateUninitialized(x.DType, x.Size);
        if (x.Size == 0) return NDArray.Wrap(x.DType, x.Shape, result); // some TensorPrimitives calls reject empty spans
        switch (x.DType)
        {
            case DType.Float64: RangeSplit.Run(new UnaryFloatBody<double>(op, (double[])x.Data, (double[])result), x.Size, UnaryThreshold(op)); break;
            case DType.Float32: RangeSplit.Run(new UnaryFloatBody<float>(op, (float[])x.Data, (float[])result), x.Size, UnaryThreshold(op)); break;
            case DType.Int32:
                var xi = x.ReadOnlySpan<int>();
                var yi = ((int[])result).AsSpan();
                if (op == UnaryOp.Neg) UnaryDriver.Run<int, NegOperator<int>>(xi, yi);
                else if (op == UnaryOp.Abs) UnaryDriver.Run<int, IntAbsOperator>(xi, yi);
                else UnaryDriver.Run<int, SignOperator<int>>(xi, yi);
                break;
            default:
                UnaryDriver.Run<byte, NotOperator>(AsBytes((bool[])x.Data).AsSpan(0, x.Size), AsBytes((bool[])result));
                break;
        }

        return NDArray.Wrap(x.DType, x.Shape, result);
    }

    /// <summary>Element count from which a float unary op is split over two threads: sooner for the functions that cost tens of operations.</summary>
    private static int UnaryThreshold(UnaryOp op)
        => op is UnaryOp.Neg or UnaryOp.Abs or UnaryOp.Sign or UnaryOp.Floor or UnaryOp.Ceil or UnaryOp.Round or UnaryOp.Sqrt or UnaryOp.Rsqrt
            ? RangeSplit.CheapThreshold
            : RangeSplit.CostlyThreshold;

    /// <summary>One float unary op over a range of a contiguous array, as a splittable loop body.</summary>
    private readonly struct UnaryFloatBody<T>(UnaryOp op, T[] x, T[] y) : IRangeBody
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int from, int to)
        {
            if (typeof(T) == typeof(float))
                UnaryFloat32(op, ((float[])(object)x).AsSpan(from, to - from), ((float[])(object)y).AsSpan(from, to - from));
            else
                UnaryFloat64(op, ((double[])(object)x).AsSpan(from, to - from), ((double[])(object)y).AsSpan(from, to - from));
        }
    }

    /// <summary>
    /// Float unary dispatch. Every transcendental function is our own explicit-operation code (VectorMath and the
    /// IDoubleFunction operators): TensorPrimitives' versions change by an ulp when the JIT recompiles them with fused
    /// multiply-adds at a higher tier, and its tanh, sinh, expm1 and log1p lose all accuracy near 0. TensorPrimitives
    /// remains only for exactly rounded operations (sqrt, abs, floor, ceil, round), whose results cannot vary.
    /// </summary>
    private static void UnaryFloat<T>(UnaryOp op, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (op)
        {
            case UnaryOp.Neg: UnaryDriver.Run<T, NegOperator<T>>(x, y); break;
            case UnaryOp.Exp: UnaryDriver.Run<T, ViaDoubleOperator<T, ExpFunction>>(x, y); break;
            case UnaryOp.Log: UnaryDriver.Run<T, ViaDoubleOperator<T, LogFunction>>(x, y); break;
            case UnaryOp.Log1p: UnaryDriver.Run<T, ViaDoubleOperator<T, Log1pFunction>>(x, y); break;
            case UnaryOp.Expm1: UnaryDriver.Run<T, ViaDoubleOperator<T, Expm1Function>>(x, y); break;
            case UnaryOp.Sin: UnaryDriver.Run<T, ViaDoubleOperator<T, SinFunction>>(x, y); break;
            case UnaryOp.Cos: UnaryDriver.Run<T, ViaDoubleOperator<T, CosFunction>>(x, y); break;
            case UnaryOp.Tan: UnaryDriver.Run<T, ViaDoubleOperator<T, TanFunction>>(x, y); break;
            case UnaryOp.Asin: UnaryDriver.Run<T, ViaDoubleOperator<T, AsinFunction>>(x, y); break;
            case UnaryOp.Acos: UnaryDriver.Run<T, ViaDoubleOperator<T, AcosFunction>>(x, y); break;
            case UnaryOp.Atan: UnaryDriver.Run<T, ViaDoubleOperator<T, AtanFunction>>(x, y); break;
            case UnaryOp.Sinh: UnaryDriver.Run<T, ViaDoubleOperator<T, SinhFunction>>(x, y); break;
            case UnaryOp.Cosh: UnaryDriver.Run<T, ViaDoubleOperator<T, CoshFunction>>(x, y); break;
            case UnaryOp.Tanh: UnaryDriver.Run<T, ViaDoubleOperator<T, TanhFunction>>(x, y); break;
            case UnaryOp.Logistic: UnaryDriver.Run<T, ViaDoubleOperator<T, LogisticFunction>>(x, y); break;
            case UnaryOp.Sqrt: TensorPrimitives.Sqrt(x, y); break;
            case UnaryOp.Rsqrt: UnaryDriver.Run<T, RsqrtOperator<T>>(x, y); break;
            case UnaryOp.Abs: TensorPrimitives.Abs(x, y); break;
            case UnaryOp.Sign: UnaryDriver.Run<T, SignOperator<T>>(x, y); break;
            case UnaryOp.Floor: TensorPrimitives.Floor(x, y); break;
            case UnaryOp.Ceil: TensorPrimitives.Ceiling(x, y); break;
            case UnaryOp.Round: TensorPrimitives.Round(x, y); break;
            case UnaryOp.Erf: UnaryDriver.Run<T, ViaDoubleOperator<T, ErfFunction>>(x, y); break;
            case UnaryOp.Erfc: UnaryDriver.Run<T, ViaDoubleOperator<T, ErfcFunction>>(x, y); break;
            case UnaryOp.Exp2: UnaryDriver.Run<T, ViaDoubleOperator<T, Exp2Function>>(x, y); break;
            case UnaryOp.Log2: UnaryDriver.Run<T, ViaDoubleOperator<T, Log2Function>>(x, y); break;
            case UnaryOp.Log10: UnaryDriver.Run<T, ViaDoubleOperator<T, Log10Function>>(x, y); break;
            default: throw new DTypeException($"{Name(op)}: not defined for floats.");
        }
    }

    /// <summary>f64 unary dispatch: the functions with a native Vector512 form run at full width; the rest go through
    /// <see cref="UnaryFloat{T}"/>.</summary>
    private static void UnaryFloat64(UnaryOp op, ReadOnlySpan<double> x, Span<double> y)
    {
        switch (op)
        {
            case UnaryOp.Exp: UnaryDriver.Run<double, WideDoubleOperator<ExpFunction>>(x, y); break;
            case UnaryOp.Tanh: UnaryDriver.Run<double, WideDoubleOperator<TanhFunction>>(x, y); break;
            default: UnaryFloat(op, x, y); break;
        }
    }

    /// <summary>
    /// f32 unary dispatch: the functions <see cref="VectorMathF"/> has are computed natively in single precision (8 lanes
    /// per 256-bit vector instead of two widened double vectors); the rest go through <see cref="UnaryFloat{T}"/>.
    /// </summary>
    private static void UnaryFloat32(UnaryOp op, ReadOnlySpan<float> x, Span<float> y)
    {
        switch (op)
        {
            case UnaryOp.Exp: UnaryDriver.Run<float, WideFloatOperator<ExpFloat>>(x, y); break;
            case UnaryOp.Expm1: UnaryDriver.Run<float, FloatOperator<Expm1Float>>(x, y); break;
            case UnaryOp.Log: UnaryDriver.Run<float, FloatOperator<LogFloat>>(x, y); break;
            case UnaryOp.Log1p: UnaryDriver.Run<float, FloatOperator<Log1pFloat>>(x, y); break;
            case UnaryOp.Tanh: UnaryDriver.Run<float, WideFloatOperator<TanhFloat>>(x, y); break;
            case UnaryOp.Logistic: UnaryDriver.Run<float, FloatOperator<LogisticFloat>>(x, y); break;
            case UnaryOp.Sin: UnaryDriver.Run<float, FloatOperator<SinFloat>>(x, y); break;
            case UnaryOp.Cos: UnaryDriver.Run<float, FloatOperator<CosFloat>>(x, y); break;
            case UnaryOp.Tan: UnaryDriver.Run<float, FloatOperator<TanFloat>>(x, y); break;
            case UnaryOp.Erf: UnaryDriver.Run<float, FloatOperator<ErfFloat>>(x, y); break;
            case UnaryOp.Erfc: UnaryDriver.Run<float, FloatOperator<ErfcFloat>>(x, y); break;
            default: UnaryFloat(op, x, y); break;
        }
    }

    /// <summary>Elementwise binary op with NumPy broadcasting by strides. Both inputs have the same dtype.
    /// Floats: all but And/Or. Int32: Add, Sub, Mul, Div, Max, Min, Rem, Pow. Bool: And, Or, Max, Min.</summary>
    /// <remarks>Int32 division and remainder never trap: x / 0 = −1 and x % 0 = x (XLA's convention); overflow wraps.</remarks>
    /// <exception cref="DTypeException">The dtypes differ or the op is not defined for them.</exception>
    /// <exception cref="ShapeException">The shapes do not broadcast.</exception>
    public static NDArray Binary(BinaryOp op, NDArray x, NDArray y)
    {
        // Rank-0 f64 arithmetic (scalar code under Grad): computed here, skipping the broadcast machinery; + − × ÷ are
        // correctly rounded, so these are the bits the general path gives.
        if (x.DType == DType.Float64 && y.DType == DType.Float64 && x.Shape.Rank == 0 && y.Shape.Rank == 0
            && op is BinaryOp.Add or BinaryOp.Sub or BinaryOp.Mul or BinaryOp.Div)
        {
            double a = ((double[])x.Data)[0], b = ((double[])y.Data)[0];
            double r = op switch { BinaryOp.Add => a + b, BinaryOp.Sub => a - b, BinaryOp.Mul => a * b, _ => a / b };
            return NDArray.Trusted(DType.Float64, x.Shape, new[] { r });
        }

        string name = Name(op);
        RequireSameDType(name, x, y);
        bool ok = x.DType switch
        {
            DType.Float64 or DType.Float32 => op is not (BinaryOp.And or BinaryOp.Or),
            DType.Int32 => op is not (BinaryOp.Atan2 or BinaryOp.And or BinaryOp.Or),
            _ => op is BinaryOp.And or BinaryOp.Or or BinaryOp.Max or BinaryOp.Min,
        };
        if (!ok)
        {
            string accepted = op is BinaryOp.And or BinaryOp.Or ? "it needs bool operands" : x.DType == DType.Bool ? "bool accepts and, or, max and min" : "it needs float operands";
            throw new DTypeException($"{name}: not defined for {Describe(x)} and {Describe(y)}; {accepted}.");
        }

        var shape = Shape.Broadcast(x.Shape, y.Shape, name);
        var result = NDArray.AllocateUninitialized(x.DType, shape.Size);
        switch (x.DType)
        {
            case DType.Float64: BinaryFloat(op, (double[])x.Data, x.Shape, (double[])y.Data, y.Shape, (double[])result, shape); break;
            case DType.Float32: BinaryFloat(op, (float[])x.Data, x.Shape, (float[])y.Data, y.Shape, (float[])result, shape); break;
            case DType.Int32: BinaryInt(op, (int[])x.Data, x.Shape, (int[])y.Data, y.Shape, (int[])result, shape); break;
            default:
                var (xb, yb, db) = (AsBytes((bool[])x.Data), AsBytes((bool[])y.Data), AsBytes((bool[])result));
                if (op is BinaryOp.And or BinaryOp.Min) Broadcast<byte, AndOperator>(xb, x.Shape, yb, y.Shape, db, shape);
                else Broadcast<byte, OrOperator>(xb, x.Shape, yb, y.Shape, db, shape);
                break;
        }

        return NDArray.Wrap(x.DType, shape, result);
    }

    private static void BinaryFloat<T>(BinaryOp op, T[] x, Shape xs, T[] y, Shape ys, T[] d, Shape shape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (op)
        {
            case BinaryOp.Add: Broadcast<T, AddOperator<T>>(x, xs, y, ys, d, shape); break;
            case BinaryOp.Sub: Broadcast<T, SubOperator<T>>(x, xs, y, ys, d, shape); break;
            case BinaryOp.Mul: Broadcast<T, MulOperator<T>>(x, xs, y, ys, d, shape); break;
            case BinaryOp.Div: Broadcast<T, DivOperator<T>>(x, xs, y, ys, d, shape); break;
            case BinaryOp.Pow:
                // f32: vectorized through double log₂/exp₂; f64: double-double log₂ and one exponential.
                if (typeof(T) == typeof(float)) Broadcast<float, PowFloatOperator>((float[])(object)x, xs, (float[])(object)y, ys, (float[])(object)d, shape);
                else Broadcast<double, PowDoubleOperator>((double[])(object)x, xs, (double[])(object)y, ys, (double[])(object)d, shape);
                break;
            case BinaryOp.Max: Broadcast<T, MaxOperator<T>>(x, xs, y, ys, d, shape); break;
            case BinaryOp.Min: Broadcast<T, MinOperator<T>>(x, xs, y, ys, d, shape); break;
            case BinaryOp.Atan2: Broadcast<T, Atan2Operator<T>>(x, xs, y, ys, d, shape); break;
            default: Broadcast<T, RemOperator<T>>(x, xs, y, ys, d, shape); break;
        }
    }

    private static void BinaryInt(BinaryOp op, int[] x, Shape xs, int[] y, Shape ys, int[] d, Shape shape)
    {
        switch (op)
        {
            case BinaryOp.Add: Broadcast<int, AddOperator<int>>(x, xs, y, ys, d, shape); break;
            case BinaryOp.Sub: Broadcast<int, SubOperator<int>>(x, xs, y, ys, d, shape); break;
            case BinaryOp.Mul: Broadcast<int, MulOperator<int>>(x, xs, y, ys, d, shape); break;
            case BinaryOp.Div: Broadcast<int, IntDivOperator>(x, xs, y, ys, d, shape); break;
            case BinaryOp.Pow: Broadcast<int, IntPowOperator>(x, xs, y, ys, d, shape); break;
            case BinaryOp.Max: Broadcast<int, MaxOperator<int>>(x, xs, y, ys, d, shape); break;
            case BinaryOp.Min: Broadcast<int, MinOperator<int>>(x, xs, y, ys, d, shape); break;
            default: Broadcast<int, IntRemOperator>(x, xs, y, ys, d, shape); break;
        }
    }

    /// <summary>
    /// Runs a binary operator over broadcast operands. Equal shapes are one contiguous run; otherwise operands are
    /// read through broadcast strides (0 on stretched axes), never materialized.
    /// </summary>
    private static void Broadcast<T, TOp>(T[] x, Shape xs, T[] y, Shape ys, T[] d, Shape shape)
        where TOp : struct, IBinaryOperator<T>
    {
        if (shape.Size == 0) return;
        if (xs == shape && ys == shape)
        {
            RangeSplit.Run(new ContiguousBinaryBody<T, TOp>(x, y, d), shape.Size, RangeSplit.CheapThreshold);
            return;
        }

        // A scalar against a full array (x · 1.01, 1 − t²): one contiguous run with a repeated operand.
        if (xs == shape && ys.Size == 1)
        {
            RangeSplit.Run(new ScalarBinaryBody<T, TOp>(x, y[0], d, scalarLeft: false), shape.Size, RangeSplit.CheapThreshold);
            return;
        }

        if (ys == shape && xs.Size == 1)
        {
            RangeSplit.Run(new ScalarBinaryBody<T, TOp>(y, x[0], d, scalarLeft: true), shape.Size, RangeSplit.CheapThreshold);
            return;
        }

        var xStrides = Shape.BroadcastStrides(xs, shape);
        var yStrides = Shape.BroadcastStrides(ys, shape);
        // A row or column broadcast (a bias added to every row, every row scaled by its own factor) of a large result:
        // the rows are split between this thread and the worker, as equal shapes are split by element.
        if (shape.Size >= RangeSplit.CheapThreshold && shape.Dims[0] >= MinSplitRows)
        {
            RangeSplit.Run(new BroadcastRowsBody<T, TOp>(x, xStrides, y, yStrides, d, shape), shape.Dims[0], MinSplitRows);
            return;
        }

        var run = new BinaryRun<T, TOp>(x, y, d);
        StridedLoop.Run(ref run, shape.Dims, xStrides, 0, yStrides, 0, default, 0);
    }

    // RangeSplit splits at a multiple of 64; fewer leading rows than twice that stay on one thread.
    private const int MinSplitRows = 128;

    /// <summary>A broadcasting binary op over a range of the result's leading axis, as a splittable loop body.</summary>
    private readonly struct BroadcastRowsBody<T, TOp>(T[] x, int[] xStrides, T[] y, int[] yStrides, T[] d, Shape shape) : IRangeBody
        where TOp : struct, IBinaryOperator<T>
    {
        public void Run(int from, int to)
        {
            if (from >= to) return;
            Span<int> dims = stackalloc int[shape.Rank];
            shape.Dims.CopyTo(dims);
            dims[0] = to - from;
            int rowSize = shape.Size / shape.Dims[0];
            var run = new BinaryRun<T, TOp>(x, y, d, from * rowSize);
            StridedLoop.Run(ref run, dims, xStrides, from * xStrides[0], yStrides, from * yStrides[0], default, 0);
        }
    }

    /// <summary>A binary operator over a range of three equal-shaped contiguous arrays, as a splittable loop body.</summary>
    private readonly struct ContiguousBinaryBody<T, TOp>(T[] x, T[] y, T[] d) : IRangeBody
        where TOp : struct, IBinaryOperator<T>
    {
        public void Run(int from, int to) => BinaryDriver.Contiguous<T, TOp>(
            ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), from), ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(y), from),
            ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(d), from), to - from);
    }

    /// <summary>A binary operator between a contiguous array and a repeated scalar, over a range, as a splittable loop body.</summary>
    private readonly struct ScalarBinaryBody<T, TOp>(T[] array, T scalar, T[] d, bool scalarLeft) : IRangeBody
        where TOp : struct, IBinaryOperator<T>
    {
        public void Run(int from, int to)
        {
            ref T a = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), from);
            ref T r = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(d), from);
            if (scalarLeft) BinaryDriver.ScalarLeft<T, TOp>(scalar, ref a, ref r, to - from);
            else BinaryDriver.ScalarRight<T, TOp>(ref a, scalar, ref r, to - from);
        }
    }

    /// <summary>Elementwise comparison with broadcasting; same dtype in; bool out (false &lt; true for bool).</summary>
    /// <exception cref="DTypeException">The dtypes differ.</exception>
    /// <exception cref="ShapeException">The shapes do not broadcast.</exception>
    public static NDArray Compare(CompareOp op, NDArray x, NDArray y)
    {
        string name = Name(op);
        RequireSameDType(name, x, y);
        var shape = Shape.Broadcast(x.Shape, y.Shape, name);
        var result = (bool[])NDArray.AllocateUninitialized(DType.Bool, shape.Size);
        if (shape.Size > 0)
        {
            switch (x.DType)
            {
                case DType.Float64: CompareTyped((double[])x.Data, x.Shape, (double[])y.Data, y.Shape, result, shape, op); break;
                case DType.Float32: CompareTyped((float[])x.Data, x.Shape, (float[])y.Data, y.Shape, result, shape, op); break;
                case DType.Int32: CompareTyped((int[])x.Data, x.Shape, (int[])y.Data, y.Shape, result, shape, op); break;
                default: CompareTyped(AsBytes((bool[])x.Data), x.Shape, AsBytes((bool[])y.Data), y.Shape, result, shape, op); break;
            }
        }

        return NDArray.Wrap(DType.Bool, shape, result);
    }

    private static void CompareTyped<T>(T[] x, Shape xs, T[] y, Shape ys, bool[] d, Shape shape, CompareOp op)
        where T : INumber<T>
    {
        switch (op)
        {
            case CompareOp.Eq: CompareRun<T, EqOperator<T>>(x, xs, y, ys, d, shape); break;
            case CompareOp.Ne: CompareRun<T, NeOperator<T>>(x, xs, y, ys, d, shape); break;
            case CompareOp.Lt: CompareRun<T, LtOperator<T>>(x, xs, y, ys, d, shape); break;
            case CompareOp.Le: CompareRun<T, LeOperator<T>>(x, xs, y, ys, d, shape); break;
            case CompareOp.Gt: CompareRun<T, GtOperator<T>>(x, xs, y, ys, d, shape); break;
            default: CompareRun<T, GeOperator<T>>(x, xs, y, ys, d, shape); break;
        }
    }

    private static void CompareRun<T, TOp>(T[] x, Shape xs, T[] y, Shape ys, bool[] d, Shape shape)
        where TOp : struct, ICompareOperator<T>
    {
        var run = new CompareRun<T, TOp>(x, y, d);
        StridedLoop.Run(ref run, shape.Dims, Shape.BroadcastStrides(xs, shape), 0, Shape.BroadcastStrides(ys, shape), 0, default, 0);
    }

    /// <summary>pred ? onTrue : onFalse elementwise, all three broadcast together; pred is bool; the cases share a dtype.</summary>
    /// <exception cref="DTypeException">pred is not bool or the cases' dtypes differ.</exception>
    /// <exception cref="ShapeException">The three shapes do not broadcast.</exception>
    public static NDArray Select(NDArray pred, NDArray onTrue, NDArray onFalse)
    {
        if (pred.DType != DType.Bool)
            throw new DTypeException($"select: the predicate must be bool, got {Describe(pred)}.");
        RequireSameDType("select", onTrue, onFalse);
        var shape = Shape.Broadcast(Shape.Broadcast(pred.Shape, onTrue.Shape, "select"), onFalse.Shape, "select");
        var result = NDArray.AllocateUninitialized(onTrue.DType, shape.Size);
        switch (onTrue.DType)
        {
            case DType.Float64: SelectTyped(pred, (double[])onTrue.Data, onTrue.Shape, (double[])onFalse.Data, onFalse.Shape, (double[])result, shape); break;
            case DType.Float32: SelectTyped(pred, (float[])onTrue.Data, onTrue.Shape, (float[])onFalse.Data, onFalse.Shape, (float[])result, shape); break;
            case DType.Int32: SelectTyped(pred, (int[])onTrue.Data, onTrue.Shape, (int[])onFalse.Data, onFalse.Shape, (int[])result, shape); break;
            default: SelectTyped(pred, (bool[])onTrue.Data, onTrue.Shape, (bool[])onFalse.Data, onFalse.Shape, (bool[])result, shape); break;
        }

        return NDArray.Wrap(onTrue.DType, shape, result);
    }

    private static void SelectTyped<T>(NDArray pred, T[] a, Shape aShape, T[] b, Shape bShape, T[] d, Shape shape)
    {
        var run = new SelectRun<T>((bool[])pred.Data, a, b, d);
        StridedLoop.Run(ref run, shape.Dims, Shape.BroadcastStrides(pred.Shape, shape), 0,
            Shape.BroadcastStrides(aShape, shape), 0, Shape.BroadcastStrides(bShape, shape), 0);
    }

    /// <summary>Converts element type. Float→int truncates toward zero (saturating; NaN → 0); nonzero (and NaN) → true for bool.</summary>
    /// <remarks>Converting to the same dtype returns <paramref name="x"/> itself: the data is unchanged and arrays are immutable.</remarks>
    public static NDArray Convert(NDArray x, DType dtype)
    {
        if (x.DType == dtype) return x;
        var result = NDArray.AllocateUninitialized(dtype, x.Size);
        int n = x.Size;
        switch (x.DType, dtype)
        {
            case (DType.Float64, DType.Float32): TensorPrimitives.ConvertTruncating<double, float>(x.ReadOnlySpan<double>(), (float[])result); break;
            case (DType.Float32, DType.Float64): TensorPrimitives.ConvertTruncating<float, double>(x.ReadOnlySpan<float>(), (double[])result); break;
            case (DType.Int32, DType.Float64): TensorPrimitives.ConvertTruncating<int, double>(x.ReadOnlySpan<int>(), (double[])result); break;
            case (DType.Int32, DType.Float32): TensorPrimitives.ConvertTruncating<int, float>(x.ReadOnlySpan<int>(), (float[])result); break;
            case (DType.Float64, DType.Int32): ConvertLoop<double, int>(x.ReadOnlySpan<double>(), (int[])result); break;
            case (DType.Float32, DType.Int32): ConvertLoop<float, int>(x.ReadOnlySpan<float>(), (int[])result); break;
            case (DType.Float64, DType.Bool): ToBool(x.ReadOnlySpan<double>(), (bool[])result); break;
            case (DType.Float32, DType.Bool): ToBool(x.ReadOnlySpan<float>(), (bool[])result); break;
            case (DType.Int32, DType.Bool): ToBool(x.ReadOnlySpan<int>(), (bool[])result); break;
            default:
                // From bool: true → 1, false → 0.
                var src = x.ReadOnlySpan<bool>();
                switch (dtype)
                {
                    case DType.Float64: { var d = (double[])result; for (int i = 0; i < n; i++) d[i] = src[i] ? 1.0 : 0.0; break; }
                    case DType.Float32: { var d = (float[])result; for (int i = 0; i < n; i++) d[i] = src[i] ? 1f : 0f; break; }
                    default: { var d = (int[])result; for (int i = 0; i < n; i++) d[i] = src[i] ? 1 : 0; break; }
                }

                break;
        }

        return NDArray.Wrap(dtype, x.Shape, result);
    }

    /// <summary>Float → int32 by C# cast: truncation toward zero, saturating at the int range, NaN → 0 (.NET 9+ semantics on every platform).</summary>
    private static void ConvertLoop<TFrom, TTo>(ReadOnlySpan<TFrom> x, Span<TTo> y)
        where TFrom : INumberBase<TFrom>
        where TTo : INumberBase<TTo>
    {
        for (int i = 0; i < x.Length; i++) y[i] = TTo.CreateSaturating(x[i]);
    }

    /// <summary>x ≠ 0 (NaN ≠ 0, so NaN → true).</summary>
    private static void ToBool<T>(ReadOnlySpan<T> x, Span<bool> y)
        where T : INumberBase<T>
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] != T.Zero;
    }

    /// <summary>Views a bool buffer as its 0/1 bytes (same size and layout; kernels only ever store 0 or 1).</summary>
    private static byte[] AsBytes(bool[] data) => Unsafe.As<byte[]>(data);
}
