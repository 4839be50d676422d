namespace Cotangent.Runtime.Tests.Reference;

/// <summary>
/// Plain scalar reference kernels: multi-index loops over values held as doubles (exact for f32, i32 and bool),
/// Math.* functions, no SIMD and no shared code with the runtime. The oracle for the kernel tests.
/// </summary>
internal static class Ref
{
    public static double[] Values(NDArray x)
    {
        var v = new double[x.Size];
        for (int i = 0; i < v.Length; i++) v[i] = x.GetDouble(i);
        return v;
    }

    /// <summary>Builds an array, rounding each double to the dtype (f32: nearest; i32: exact ints expected; bool: nonzero).</summary>
    public static NDArray Make(DType dtype, Shape shape, double[] v)
    {
        switch (dtype)
        {
            case DType.Float64: return NDArray.Wrap((double[])v.Clone(), shape);
            case DType.Float32: return NDArray.Wrap(v.Select(a => (float)a).ToArray(), shape);
            case DType.Int32: return NDArray.Wrap(v.Select(a => (int)a).ToArray(), shape);
            default: return NDArray.Wrap(v.Select(a => a != 0).ToArray(), shape);
        }
    }

    public static int[] Unravel(int flat, ReadOnlySpan<int> dims)
    {
        var idx = new int[dims.Length];
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            if (dims[i] == 0) return idx;
            idx[i] = flat % dims[i];
            flat /= dims[i];
        }

        return idx;
    }

    public static int Ravel(int[] idx, ReadOnlySpan<int> dims)
    {
        int flat = 0;
        for (int i = 0; i < dims.Length; i++) flat = flat * dims[i] + idx[i];
        return flat;
    }

    /// <summary>Flat index into <paramref name="src"/> of result multi-index <paramref name="idx"/> under NumPy broadcasting.</summary>
    public static int BroadcastIndex(int[] idx, Shape src)
    {
        int off = idx.Length - src.Rank, flat = 0;
        for (int i = 0; i < src.Rank; i++) flat = flat * src[i] + (src[i] == 1 ? 0 : idx[i + off]);
        return flat;
    }

    public static Shape BroadcastShape(Shape a, Shape b)
    {
        int r = Math.Max(a.Rank, b.Rank);
        var d = new int[r];
        for (int i = 0; i < r; i++)
        {
            int da = i - (r - a.Rank) >= 0 ? a[i - (r - a.Rank)] : 1;
            int db = i - (r - b.Rank) >= 0 ? b[i - (r - b.Rank)] : 1;
            d[i] = da == 1 ? db : da;
        }

        return Shape.Of(d);
    }

    // ---- elementwise ----

    public static double Unary(UnaryOp op, double x, DType dtype) => op switch
    {
        UnaryOp.Neg => -x,
        UnaryOp.Exp => Math.Exp(x),
        UnaryOp.Log => Math.Log(x),
        // 2·atanh(x / (2 + x)) = log(1 + x) in real arithmetic, with no cancellation near 0; for |x| ≥ 1/2, 1 + x is
        // exact or harmless and the plain log is accurate.
        UnaryOp.Log1p => Math.Abs(x) < 0.5 ? 2 * Math.Atanh(x / (2 + x)) : Math.Log(1 + x),
        // eˣ − 1 = 2·sinh(x/2)·e^{x/2}; below −40 the answer is −1 to double precision.
        UnaryOp.Expm1 => x < -40 ? Math.Exp(x) - 1 : 2 * Math.Sinh(x / 2) * Math.Exp(x / 2),
        UnaryOp.Sin => Math.Sin(x),
        UnaryOp.Cos => Math.Cos(x),
        UnaryOp.Tan => Math.Tan(x),
        UnaryOp.Asin => Math.Asin(x),
        UnaryOp.Acos => Math.Acos(x),
        UnaryOp.Atan => Math.Atan(x),
        UnaryOp.Sinh => Math.Sinh(x),
        UnaryOp.Cosh => Math.Cosh(x),
        UnaryOp.Tanh => Math.Tanh(x),
        UnaryOp.Logistic => 1 / (1 + Math.Exp(-x)),
        UnaryOp.Sqrt => Math.Sqrt(x),
        UnaryOp.Rsqrt => 1 / Math.Sqrt(x),
        UnaryOp.Abs => dtype == DType.Int32 ? (x == int.MinValue ? int.MinValue : Math.Abs(x)) : Math.Abs(x),
        UnaryOp.Sign => x > 0 ? 1 : x < 0 ? -1 : x,
        UnaryOp.Floor => Math.Floor(x),
        UnaryOp.Ceil => Math.Ceiling(x),
        UnaryOp.Round => Math.Round(x, MidpointRounding.ToEven),
        UnaryOp.Erf => ReferenceErf.Erf(x),
        UnaryOp.Erfc => ReferenceErf.Erfc(x),
        UnaryOp.Not => x != 0 ? 0 : 1,
        UnaryOp.Exp2 => Math.Pow(2, x),
        UnaryOp.Log2 => Math.Log2(x),
        UnaryOp.Log10 => Math.Log10(x),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    public static NDArray Unary(UnaryOp op, NDArray x)
    {
        var v = Values(x);
        var r = new double[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            r[i] = Unary(op, v[i], x.DType);
            if (x.DType == DType.Int32 && op == UnaryOp.Neg && v[i] == int.MinValue) r[i] = int.MinValue;
        }

        return Make(x.DType, x.Shape, r);
    }

    public static double Binary(BinaryOp op, double x, double y, DType dtype)
    {
        if (dtype == DType.Int32)
        {
            long a = (long)x, b = (long)y;
            long r = op switch
            {
                BinaryOp.Add => a + b,
                BinaryOp.Sub => a - b,
                BinaryOp.Mul => a * b,
                BinaryOp.Div => b == 0 ? -1 : a / b,
                BinaryOp.Rem => b == 0 ? a : a % b,
                BinaryOp.Max => Math.Max(a, b),
                BinaryOp.Min => Math.Min(a, b),
                BinaryOp.Pow => IntPow(a, b),
                _ => throw new ArgumentOutOfRangeException(nameof(op)),
            };
            return unchecked((int)r);
        }

        if (dtype == DType.Bool)
        {
            bool a = x != 0, b = y != 0;
            return op is BinaryOp.And or BinaryOp.Min ? (a && b ? 1 : 0) : (a || b ? 1 : 0);
        }

        return op switch
        {
            BinaryOp.Add => x + y,
            BinaryOp.Sub => x - y,
            BinaryOp.Mul => x * y,
            BinaryOp.Div => x / y,
            BinaryOp.Pow => Math.Pow(x, y),
            BinaryOp.Max => double.IsNaN(x) || double.IsNaN(y) ? double.NaN : Math.Max(x, y),
            BinaryOp.Min => double.IsNaN(x) || double.IsNaN(y) ? double.NaN : Math.Min(x, y),
            BinaryOp.Atan2 => Math.Atan2(x, y),
            BinaryOp.Rem => FMod(x, y),
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };
    }

    /// <summary>fmod by its definition: subtract the largest y·2ᵏ not above |x| until |x| &lt; |y| (every step is exact).</summary>
    private static double FMod(double x, double y)
    {
        if (double.IsNaN(x) || double.IsNaN(y) || double.IsInfinity(x) || y == 0) return double.NaN;
        if (double.IsInfinity(y)) return x;
        // Repeated subtraction of scaled y: exact in binary floating point (each step is exact by Sterbenz).
        double ax = Math.Abs(x), ay = Math.Abs(y);
        while (ax >= ay)
        {
            double t = ay;
            while (t * 2 <= ax && double.IsFinite(t * 2)) t *= 2;
            ax -= t;
        }

        return x < 0 ? -ax : ax;
    }

    private static long IntPow(long a, long b)
    {
        if (b < 0) return a == 1 ? 1 : a == -1 ? (b % 2 == 0 ? 1 : -1) : 0;
        int r = 1;
        for (long i = 0; i < b; i++) r = unchecked(r * (int)a);
        return r;
    }

    public static NDArray Binary(BinaryOp op, NDArray x, NDArray y)
    {
        var shape = BroadcastShape(x.Shape, y.Shape);
        var xv = Values(x);
        var yv = Values(y);
        var r = new double[shape.Size];
        for (int i = 0; i < r.Length; i++)
        {
            var idx = Unravel(i, shape.Dims);
            r[i] = Binary(op, xv[BroadcastIndex(idx, x.Shape)], yv[BroadcastIndex(idx, y.Shape)], x.DType);
        }

        return Make(x.DType, shape, r);
    }

    public static NDArray Compare(CompareOp op, NDArray x, NDArray y)
    {
        var shape = BroadcastShape(x.Shape, y.Shape);
        var xv = Values(x);
        var yv = Values(y);
        var r = new double[shape.Size];
        for (int i = 0; i < r.Length; i++)
        {
            var idx = Unravel(i, shape.Dims);
            double a = xv[BroadcastIndex(idx, x.Shape)], b = yv[BroadcastIndex(idx, y.Shape)];
            bool c = op switch
            {
                CompareOp.Eq => a == b,
                CompareOp.Ne => a != b,
                CompareOp.Lt => a < b,
                CompareOp.Le => a <= b,
                CompareOp.Gt => a > b,
                _ => a >= b,
            };
            r[i] = c ? 1 : 0;
        }

        return Make(DType.Bool, shape, r);
    }

    public static NDArray Select(NDArray p, NDArray a, NDArray b)
    {
        var shape = BroadcastShape(BroadcastShape(p.Shape, a.Shape), b.Shape);
        var pv = Values(p);
        var av = Values(a);
        var bv = Values(b);
        var r = new double[shape.Size];
        for (int i = 0; i < r.Length; i++)
        {
            var idx = Unravel(i, shape.Dims);
            r[i] = pv[BroadcastIndex(idx, p.Shape)] != 0 ? av[BroadcastIndex(idx, a.Shape)] : bv[BroadcastIndex(idx, b.Shape)];
        }

        return Make(a.DType, shape, r);
    }
}
