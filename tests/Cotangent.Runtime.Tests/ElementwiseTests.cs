using Cotangent.Runtime.Tests.Reference;
using static Cotangent.Runtime.Tests.TestUtil;

namespace Cotangent.Runtime.Tests;

/// <summary>
/// Every unary, binary and comparison op against the scalar reference for every contiguous length 0..257 (each
/// SIMD width, its remainder and the scalar path), f64 and f32, over tiny, typical and huge inputs in each domain.
/// Tolerances, relative to |expected|: f64 4 ulps (4·2⁻⁵²) for transcendental functions; f32 2 ulps against the
/// double-precision reference rounded to float; 0 for ops that are exact (neg, abs, floor, sqrt, +, −, ·, / …).
/// Sin, cos and tan are measured against max(|expected|, min(|x|, 1)) because near their zeros only absolute
/// accuracy in the argument's scale is meaningful.
/// </summary>
public class ElementwiseTests
{
    internal const int MaxLength = 257;

    private static readonly UnaryOp[] s_exactUnary = [UnaryOp.Neg, UnaryOp.Abs, UnaryOp.Sign, UnaryOp.Floor, UnaryOp.Ceil, UnaryOp.Round, UnaryOp.Sqrt];

    public static TheoryData<UnaryOp, DType> FloatUnaryCases()
    {
        var data = new TheoryData<UnaryOp, DType>();
        foreach (var op in Enum.GetValues<UnaryOp>())
        {
            if (op == UnaryOp.Not) continue;
            data.Add(op, DType.Float64);
            data.Add(op, DType.Float32);
        }

        return data;
    }

    /// <summary>Input ranges per op: (low magnitude, high magnitude, random sign?) for tiny, typical and huge.</summary>
    private static (double Lo, double Hi, bool Signed)[] Ranges(UnaryOp op, DType dtype)
    {
        bool f32 = dtype == DType.Float32;
        double expMax = f32 ? 87 : 700, big = f32 ? 1e38 : 1e300;
        (double, double, bool) tiny = (1e-12, 1e-6, true), tinyPos = (1e-12, 1e-6, false);
        return op switch
        {
            UnaryOp.Exp or UnaryOp.Expm1 or UnaryOp.Logistic => [tiny, (1e-3, 30, true), (30 < expMax ? 30 : 10, expMax, true)],
            // Up to the overflow threshold of sinh and cosh (710.47 for f64), past where eˣ alone overflows.
            UnaryOp.Sinh or UnaryOp.Cosh => [tiny, (1e-3, 30, true), (f32 ? 10 : 30, f32 ? 89 : 710.4, true)],
            UnaryOp.Exp2 => [tiny, (1e-3, 30, true), (30, f32 ? 127 : 1023, true)],
            UnaryOp.Log or UnaryOp.Log2 or UnaryOp.Log10 or UnaryOp.Sqrt or UnaryOp.Rsqrt => [tinyPos, (1e-3, 1e3, false), (1e3, big, false), (f32 ? 1e-37 : 1e-300, 1e-12, false)],
            UnaryOp.Log1p => [tiny, (1e-3, 0.999, true), (1, 1e3, false), (1e3, big, false)],
            UnaryOp.Sin or UnaryOp.Cos or UnaryOp.Tan => [tiny, (1e-3, 10, true), (10, 1e5, true)],
            UnaryOp.Asin or UnaryOp.Acos => [tiny, (1e-3, 1, true)],
            UnaryOp.Tanh => [tiny, (1e-3, 20, true), (20, big, true)],
            UnaryOp.Erf => [tiny, (1e-3, 6, true), (6, big, true)],
            UnaryOp.Erfc => [tiny, (1e-3, 6, true), (6, f32 ? 9 : 26.5, true), (27.5, big, true)],
            _ => [tiny, (1e-3, 100, true), (100, big, true)],
        };
    }

    [Theory]
    [MemberData(nameof(FloatUnaryCases))]
    public void Unary_Float_MatchesReference_AllLengths(UnaryOp op, DType dtype)
    {
        var rng = new Random(1234 + (int)op * 7 + (int)dtype);
        bool exact = s_exactUnary.Contains(op);
        double rel = exact ? 0 : dtype == DType.Float64 ? 8 * Eps64 : 4 * Eps32;
        if (op == UnaryOp.Erfc && dtype == DType.Float64) rel *= 2; // 1 − erf on [½, 1): erf's rounding is up to ~4 ulp of erfc there
        double abs = dtype == DType.Float64 ? 1e-306 : 1e-37;
        bool trig = op is UnaryOp.Sin or UnaryOp.Cos or UnaryOp.Tan;
        foreach (var (lo, hi, signed) in Ranges(op, dtype))
        {
            for (int n = 0; n <= MaxLength; n++)
            {
                var v = LogUniform(rng, n, lo, hi, signed);
                var x = Ref.Make(dtype, Shape.Of(n), v);
                var xs = Ref.Values(x);
                var expected = Ref.Make(dtype, x.Shape, xs.Select(a => Ref.Unary(op, a, dtype)).ToArray());
                double[]? scale = trig ? xs.Select((a, i) => Math.Max(Math.Abs(expected.GetDouble(i)), Math.Min(Math.Abs(a), 1))).ToArray() : null;
                Close(expected, Kernels.Unary(op, x), rel, abs, scale, $"{op} {dtype.ShortName()} n={n} range [{lo}, {hi}]");
            }
        }
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Unary_SpecialValues(DType dtype)
    {
        double[] v = [0.0, -0.0, 0.5, 1.5, 2.5, -0.5, -2.5, 3.5, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 1e-300, -7.25];
        var x = Ref.Make(dtype, Shape.Of(v.Length), v);
        foreach (var op in new[] { UnaryOp.Round, UnaryOp.Floor, UnaryOp.Ceil, UnaryOp.Sign, UnaryOp.Abs, UnaryOp.Neg, UnaryOp.Tanh, UnaryOp.Erf, UnaryOp.Expm1, UnaryOp.Sinh, UnaryOp.Exp })
        {
            var xs = Ref.Values(x);
            var expected = Ref.Make(dtype, x.Shape, xs.Select(a => Ref.Unary(op, a, dtype)).ToArray());
            Close(expected, Kernels.Unary(op, x), dtype == DType.Float64 ? 8 * Eps64 : 4 * Eps32, 0, null, $"{op}");
        }

        // Half to even: 0.5 → 0, 1.5 → 2, 2.5 → 2, −2.5 → −2.
        var r = Kernels.Unary(UnaryOp.Round, x);
        Assert.Equal([0.0, 2.0, 2.0, -0.0, -2.0, 4.0], new[] { 2, 3, 4, 5, 6, 7 }.Select(r.GetDouble));
        Assert.True(double.IsNegative(Kernels.Unary(UnaryOp.Sign, x).GetDouble(1)), "sign(−0) keeps the sign of zero");
    }

    [Fact]
    public void Erf_MatchesKnownValuesAndComplement()
    {
        // erf at a few points (Abramowitz & Stegun table 7.1 / high-precision values).
        (double X, double Erf)[] known =
        [
            (0.1, 0.1124629160182848922), (0.5, 0.5204998778130465377), (1.0, 0.8427007929497148693),
            (1.5, 0.9661051464753107271), (2.0, 0.9953222650189527342), (3.0, 0.9999779095030014146),
            (4.0, 0.9999999845827420997),
        ];
        foreach (var (x, e) in known)
        {
            Assert.InRange(Kernels.Unary(UnaryOp.Erf, NDArray.Scalar(DType.Float64, x)).GetDouble(0), e - 4e-16, e + 4e-16);
            Assert.InRange(ReferenceErf.Erf(x), e - 4e-16, e + 4e-16);
            Assert.InRange(Kernels.Unary(UnaryOp.Erf, NDArray.Scalar(DType.Float64, -x)).GetDouble(0), -e - 4e-16, -e + 4e-16);
        }
    }

    [Theory]
    [InlineData(UnaryOp.Neg)]
    [InlineData(UnaryOp.Abs)]
    [InlineData(UnaryOp.Sign)]
    public void Unary_Int_MatchesReference_AllLengths(UnaryOp op)
    {
        var rng = new Random(77 + (int)op);
        for (int n = 0; n <= MaxLength; n++)
        {
            var v = Enumerable.Range(0, n).Select(i => i % 50 == 3 ? int.MinValue : (double)rng.Next(int.MinValue, int.MaxValue)).ToArray();
            var x = Ref.Make(DType.Int32, Shape.Of(n), v);
            Same(Ref.Unary(op, x), Kernels.Unary(op, x), $"{op} n={n}");
        }
    }

    [Fact]
    public void Not_MatchesReference_AllLengths()
    {
        var rng = new Random(5);
        for (int n = 0; n <= MaxLength; n++)
        {
            var x = Uniform(rng, DType.Bool, Shape.Of(n));
            Same(Ref.Unary(UnaryOp.Not, x), Kernels.Unary(UnaryOp.Not, x), $"n={n}");
        }
    }

    public static TheoryData<BinaryOp, DType> BinaryCases()
    {
        var data = new TheoryData<BinaryOp, DType>();
        foreach (var op in Enum.GetValues<BinaryOp>())
        {
            if (op is not (BinaryOp.And or BinaryOp.Or))
            {
                data.Add(op, DType.Float64);
                data.Add(op, DType.Float32);
            }

            if (op is not (BinaryOp.Atan2 or BinaryOp.And or BinaryOp.Or)) data.Add(op, DType.Int32);
            if (op is BinaryOp.And or BinaryOp.Or or BinaryOp.Max or BinaryOp.Min) data.Add(op, DType.Bool);
        }

        return data;
    }

    /// <summary>Operands for a binary op: a domain where the op is defined, with NaNs and special cases mixed in.</summary>
    private static (NDArray X, NDArray Y) BinaryInputs(Random rng, BinaryOp op, DType dtype, Shape xs, Shape ys)
    {
        if (dtype == DType.Bool) return (Uniform(rng, dtype, xs), Uniform(rng, dtype, ys));
        if (dtype == DType.Int32)
        {
            return op switch
            {
                BinaryOp.Pow => (Uniform(rng, dtype, xs, -6, 7), Uniform(rng, dtype, ys, -3, 14)),
                BinaryOp.Div or BinaryOp.Rem => (Uniform(rng, dtype, xs, -1000, 1000), Uniform(rng, dtype, ys, -5, 6)),
                _ => (Uniform(rng, dtype, xs, int.MinValue, int.MaxValue), Uniform(rng, dtype, ys, int.MinValue, int.MaxValue)),
            };
        }

        double[] Gen(Shape s, double lo, double hi, bool signed) => LogUniform(rng, s.Size, lo, hi, signed);
        var (x, y) = op switch
        {
            BinaryOp.Pow => (Gen(xs, 1e-3, 10, false), Gen(ys, 1e-3, 5, true)),
            BinaryOp.Rem => (Gen(xs, 1e-3, 100, true), Gen(ys, 0.1, 10, true)),
            _ => (Gen(xs, 1e-6, 1e6, true), Gen(ys, 1e-6, 1e6, true)),
        };
        if (op is BinaryOp.Max or BinaryOp.Min or BinaryOp.Add)
        {
            for (int i = 0; i < x.Length; i += 13) x[i] = double.NaN;
            for (int i = 5; i < y.Length; i += 11) y[i] = double.NaN;
        }

        return (Ref.Make(dtype, xs, x), Ref.Make(dtype, ys, y));
    }

    private static double BinaryTolerance(BinaryOp op, DType dtype) =>
        op is BinaryOp.Pow or BinaryOp.Atan2 ? (dtype == DType.Float64 ? 8 * Eps64 : 2 * Eps32) : 0;

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void Binary_MatchesReference_AllLengths(BinaryOp op, DType dtype)
    {
        var rng = new Random(99 + (int)op * 5 + (int)dtype);
        for (int n = 0; n <= MaxLength; n++)
        {
            var (x, y) = BinaryInputs(rng, op, dtype, Shape.Of(n), Shape.Of(n));
            Close(Ref.Binary(op, x, y), Kernels.Binary(op, x, y), BinaryTolerance(op, dtype), 0, null, $"{op} {dtype.ShortName()} n={n}");
        }
    }

    [Fact]
    public void Binary_IntEdgeCases_FollowXla()
    {
        var x = NDArray.Wrap(new[] { 7, -7, int.MinValue, int.MinValue, 5, 0 }, Shape.Of(6));
        var y = NDArray.Wrap(new[] { 0, 2, -1, -1, 0, 0 }, Shape.Of(6));
        Assert.Equal([-1, -3, int.MinValue, int.MinValue, -1, -1], Kernels.Binary(BinaryOp.Div, x, y).ToArray<int>());
        Assert.Equal([7, -1, 0, 0, 5, 0], Kernels.Binary(BinaryOp.Rem, x, y).ToArray<int>());
    }

    [Fact]
    public void Binary_FloatMaxMin_SignedZeroAndNaN()
    {
        var x = NDArray.Wrap(new[] { -0.0, 0.0, double.NaN, 1.0 }, Shape.Of(4));
        var y = NDArray.Wrap(new[] { 0.0, -0.0, 1.0, double.NaN }, Shape.Of(4));
        var max = Kernels.Binary(BinaryOp.Max, x, y).ToArray<double>();
        var min = Kernels.Binary(BinaryOp.Min, x, y).ToArray<double>();
        Assert.False(double.IsNegative(max[0]) || double.IsNegative(max[1]));
        Assert.True(double.IsNegative(min[0]) && double.IsNegative(min[1]));
        Assert.True(double.IsNaN(max[2]) && double.IsNaN(max[3]) && double.IsNaN(min[2]) && double.IsNaN(min[3]));
    }

    public static TheoryData<CompareOp, DType> CompareCases()
    {
        var data = new TheoryData<CompareOp, DType>();
        foreach (var op in Enum.GetValues<CompareOp>())
            foreach (var dt in Enum.GetValues<DType>())
                data.Add(op, dt);
        return data;
    }

    [Theory]
    [MemberData(nameof(CompareCases))]
    public void Compare_MatchesReference_AllLengths(CompareOp op, DType dtype)
    {
        var rng = new Random(31 + (int)op * 4 + (int)dtype);
        for (int n = 0; n <= MaxLength; n++)
        {
            // Few distinct values so equality and ties are common; floats also get NaNs and signed zeros.
            var x = Uniform(rng, dtype, Shape.Of(n), -3, 3);
            var y = Uniform(rng, dtype, Shape.Of(n), -3, 3);
            if (dtype.IsFloat())
            {
                var xv = Ref.Values(x).Select((a, i) => i % 17 == 4 ? double.NaN : i % 19 == 2 ? -0.0 : Math.Round(a)).ToArray();
                var yv = Ref.Values(y).Select((a, i) => i % 23 == 6 ? double.NaN : i % 19 == 2 ? 0.0 : Math.Round(a)).ToArray();
                x = Ref.Make(dtype, x.Shape, xv);
                y = Ref.Make(dtype, y.Shape, yv);
            }

            Same(Ref.Compare(op, x, y), Kernels.Compare(op, x, y), $"{op} {dtype.ShortName()} n={n}");
        }
    }

    public static TheoryData<int[], int[]> Layouts() => new()
    {
        { [3, 1], [1, 4] },
        { [2, 3, 4], [4] },
        { [], [5, 7] },
        { [5, 7], [] },
        { [2, 1, 3], [1, 4, 1] },
        { [0, 3], [1, 3] },
        { [2, 0, 4], [4] },
        { [4, 1], [0] },
        { [3, 70], [70] },
        { [70, 1], [1, 33] },
        { [2, 1, 37], [1, 5, 37] },
        { [9, 1, 2], [9, 40, 1] },
        { [], [] },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Binary_Broadcast_MatchesReference(int[] xDims, int[] yDims)
    {
        var rng = new Random(xDims.Sum() * 31 + yDims.Length);
        foreach (var dtype in new[] { DType.Float64, DType.Float32, DType.Int32 })
        {
            foreach (var op in new[] { BinaryOp.Add, BinaryOp.Sub, BinaryOp.Mul, BinaryOp.Max, BinaryOp.Pow })
            {
                var (x, y) = BinaryInputs(rng, op, dtype, Shape.Of(xDims), Shape.Of(yDims));
                Close(Ref.Binary(op, x, y), Kernels.Binary(op, x, y), BinaryTolerance(op, dtype), 0, null, $"{op} {dtype.ShortName()}");
                Close(Ref.Binary(op, y, x), Kernels.Binary(op, y, x), BinaryTolerance(op, dtype), 0, null, $"{op} {dtype.ShortName()} swapped");
            }

            var (a, b) = BinaryInputs(rng, BinaryOp.Sub, dtype, Shape.Of(xDims), Shape.Of(yDims));
            Same(Ref.Compare(CompareOp.Lt, a, b), Kernels.Compare(CompareOp.Lt, a, b));
        }

        var p = Uniform(rng, DType.Bool, Shape.Of(xDims));
        var t = Uniform(rng, DType.Float64, Shape.Of(yDims));
        var f = Uniform(rng, DType.Float64, Shape.Of(xDims.Length > 0 ? xDims[^1..] : []));
        Same(Ref.Select(p, t, f), Kernels.Select(p, t, f));
        var bx = Uniform(rng, DType.Bool, Shape.Of(xDims));
        var by = Uniform(rng, DType.Bool, Shape.Of(yDims));
        Same(Ref.Binary(BinaryOp.Or, bx, by), Kernels.Binary(BinaryOp.Or, bx, by));
    }

    [Fact]
    public void Select_AllLengthsAndDTypes()
    {
        var rng = new Random(8);
        foreach (var dtype in Enum.GetValues<DType>())
        {
            for (int n = 0; n <= 40; n++)
            {
                var p = Uniform(rng, DType.Bool, Shape.Of(n));
                var a = Uniform(rng, dtype, Shape.Of(n), -9, 9);
                var b = Uniform(rng, dtype, Shape.Of(n), -9, 9);
                Same(Ref.Select(p, a, b), Kernels.Select(p, a, b));
                Same(Ref.Select(p, a, NDArray.Scalar(dtype, 1)), Kernels.Select(p, a, NDArray.Scalar(dtype, 1)));
            }
        }
    }

    [Theory]
    [MemberData(nameof(CompareCases))]
    public void Compare_AgainstAScalar_EitherSide_AllLengths(CompareOp op, DType dtype)
    {
        var rng = new Random(77 + (int)op * 4 + (int)dtype);
        var scalar = dtype == DType.Bool ? NDArray.Scalar(dtype, 1) : NDArray.Scalar(dtype, 0.0);
        for (int n = 0; n <= MaxLength; n++)
        {
            var x = Uniform(rng, dtype, Shape.Of(n), -2, 2);
            if (dtype.IsFloat()) x = Ref.Make(dtype, x.Shape, Ref.Values(x).Select((a, i) => i % 11 == 3 ? double.NaN : i % 7 == 1 ? -0.0 : Math.Round(a)).ToArray());
            Same(Ref.Compare(op, x, scalar), Kernels.Compare(op, x, scalar), $"{op} {dtype.ShortName()} n={n} scalar right");
            Same(Ref.Compare(op, scalar, x), Kernels.Compare(op, scalar, x), $"{op} {dtype.ShortName()} n={n} scalar left");
        }
    }

    [Fact]
    public void Select_ScalarBranches_AndBoolBytesOtherThanOne()
    {
        var rng = new Random(9);
        foreach (var dtype in new[] { DType.Float64, DType.Float32, DType.Int32 })
        {
            for (int n = 0; n <= 40; n++)
            {
                var p = Uniform(rng, DType.Bool, Shape.Of(n));
                var a = Uniform(rng, dtype, Shape.Of(n), -9, 9);
                var one = NDArray.Scalar(dtype, 1);
                var two = NDArray.Scalar(dtype, 2);
                Same(Ref.Select(p, one, a), Kernels.Select(p, one, a));
                Same(Ref.Select(p, one, two), Kernels.Select(p, one, two));

                // A C# bool whose byte is neither 0 nor 1 (possible through unsafe code) is still true.
                var odd = (bool[])p.Data.Clone();
                var raw = System.Runtime.InteropServices.MemoryMarshal.AsBytes(odd.AsSpan());
                for (int i = 0; i < raw.Length; i++) if (raw[i] != 0) raw[i] = (byte)(i % 3 == 0 ? 0x80 : i % 3 == 1 ? 0xFF : 2);
                var q = NDArray.Wrap(odd, Shape.Of(n));
                Same(Ref.Select(p, a, two), Kernels.Select(q, a, two));
            }
        }
    }

    [Fact]
    public void Convert_AllPairs()
    {
        double[] v = [0, -0.0, 1.5, -1.5, 2.99, -2.99, 1e10, -1e10, double.NaN, double.PositiveInfinity, 3, 1e-40, 16777217];
        foreach (var from in Enum.GetValues<DType>())
        {
            var x = from switch
            {
                DType.Int32 => NDArray.Wrap(new[] { 0, -1, 7, int.MaxValue, int.MinValue, 16777217 }, Shape.Of(2, 3)),
                DType.Bool => NDArray.Wrap(new[] { true, false, true }, Shape.Of(3)),
                _ => Ref.Make(from, Shape.Of(v.Length), v),
            };
            foreach (var to in Enum.GetValues<DType>())
            {
                var xs = Ref.Values(x);
                var expected = to switch
                {
                    DType.Int32 => xs.Select(a => double.IsNaN(a) ? 0 : Math.Clamp(Math.Truncate(a), int.MinValue, int.MaxValue)).ToArray(),
                    DType.Bool => xs.Select(a => a != 0 ? 1.0 : 0.0).ToArray(),
                    _ => xs,
                };
                Same(Ref.Make(to, x.Shape, expected), Kernels.Convert(x, to), $"{from} → {to}");
            }
        }
    }

    [Fact]
    public void RankZeroF64Arithmetic_GivesTheBitsOfTheGeneralPath()
    {
        // The rank-0 f64 shortcut for + − × ÷ must agree bit for bit with the broadcast kernels (run here on shape [1]).
        double[] v = [0, -0.0, 1, -1.5, 0.1, 1e308, -1e308, 5e-324, -2.2e-308, double.NaN, double.PositiveInfinity, double.NegativeInfinity, Math.PI];
        foreach (var op in new[] { BinaryOp.Add, BinaryOp.Sub, BinaryOp.Mul, BinaryOp.Div })
        {
            foreach (var a in v)
            {
                foreach (var b in v)
                {
                    var scalar = Kernels.Binary(op, NDArray.Scalar(DType.Float64, a), NDArray.Scalar(DType.Float64, b));
                    var general = Kernels.Binary(op, NDArray.Wrap(new[] { a }, Shape.Of(1)), NDArray.Wrap(new[] { b }, Shape.Of(1)));
                    Assert.Equal(0, scalar.Shape.Rank);
                    Assert.Equal(DType.Float64, scalar.DType);
                    Assert.Equal(BitConverter.DoubleToInt64Bits(((double[])general.Data)[0]), BitConverter.DoubleToInt64Bits(((double[])scalar.Data)[0]));
                }
            }
        }
    }

    [Fact]
    public void Wrap_AcceptsOnlyTheExactArrayTypeOfTheDType()
    {
        Assert.Equal(DType.Int32, NDArray.Wrap(DType.Int32, Shape.Of(1), new int[1]).DType);
        // The runtime lets a uint[] pass as an int[] and an enum array as its underlying type; Wrap must not.
        Assert.Throws<DTypeException>(() => NDArray.Wrap(DType.Int32, Shape.Of(1), new uint[1]));
        Assert.Throws<DTypeException>(() => NDArray.Wrap(DType.Int32, Shape.Of(1), new DayOfWeek[1]));
        Assert.Throws<DTypeException>(() => NDArray.Wrap(DType.Float64, Shape.Of(1), new long[1]));
        Assert.Throws<DTypeException>(() => NDArray.Wrap(DType.Float32, Shape.Of(1), new double[1]));
        Assert.Throws<DTypeException>(() => NDArray.Wrap(DType.Bool, Shape.Of(1), new byte[1]));
    }
}
