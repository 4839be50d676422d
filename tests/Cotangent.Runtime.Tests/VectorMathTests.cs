using System.Runtime.Intrinsics;
using Cotangent.Runtime.Tests.Reference;
using Xunit.Abstractions;

namespace Cotangent.Runtime.Tests;

/// <summary>
/// The per-vector math library directly: every path of an operator (scalar, Vector128/256/512, the driver with its
/// overlapping tail) gives the same bits for the same input (any NaN matching any NaN); softplus (not a primitive yet), f32 pow and f64 pow
/// against references.
/// </summary>
public class VectorMathTests(ITestOutputHelper output)
{
    /// <summary>Mixed arguments: typical, tiny to huge, special values, and the π/2 multiples' neighbours.</summary>
    private static double[] Mixed(int n, int seed)
    {
        var rng = new Random(seed);
        var logs = TestUtil.LogUniform(rng, n, 1e-40, 1e30, true);
        var v = new double[n];
        double[] special = [0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 1e-45, -1.0, 88.5, -104, 2000, 1e7, Math.PI / 2];
        for (int i = 0; i < n; i++)
            v[i] = (i % 4) switch { 0 => (rng.NextDouble() - 0.5) * 20, 1 => logs[i], 2 => (rng.NextDouble() - 0.5) * 300, _ => special[i / 4 % special.Length] };
        return v;
    }

    public static TheoryData<string> FloatFunctions() => new(s_float.Keys);

    private static readonly Dictionary<string, (Func<float, float> Scalar, Action<float[], float[]> Run, Func<Vector128<float>, Vector128<float>> V128, Func<Vector512<float>, Vector512<float>> V512)> s_float = new()
    {
        ["exp"] = WideOps<ExpFloat>(), ["expm1"] = Ops<Expm1Float>(), ["log"] = Ops<LogFloat>(), ["log1p"] = Ops<Log1pFloat>(),
        ["tanh"] = WideOps<TanhFloat>(), ["logistic"] = Ops<LogisticFloat>(), ["softplus"] = Ops<SoftplusFloat>(),
        ["sin"] = Ops<SinFloat>(), ["cos"] = Ops<CosFloat>(), ["tan"] = Ops<TanFloat>(), ["erf"] = Ops<ErfFloat>(), ["erfc"] = Ops<ErfcFloat>(),
    };

    private static (Func<float, float>, Action<float[], float[]>, Func<Vector128<float>, Vector128<float>>, Func<Vector512<float>, Vector512<float>>) Ops<TF>()
        where TF : struct, IFloatFunction
        => (FloatOperator<TF>.Invoke, (x, y) => UnaryDriver.Run<float, FloatOperator<TF>>(x, y), FloatOperator<TF>.Invoke, FloatOperator<TF>.Invoke);

    /// <summary>The operator the kernels use for a function with a native Vector512 form.</summary>
    private static (Func<float, float>, Action<float[], float[]>, Func<Vector128<float>, Vector128<float>>, Func<Vector512<float>, Vector512<float>>) WideOps<TF>()
        where TF : struct, IWideFloatFunction
        => (WideFloatOperator<TF>.Invoke, (x, y) => UnaryDriver.Run<float, WideFloatOperator<TF>>(x, y), WideFloatOperator<TF>.Invoke, WideFloatOperator<TF>.Invoke);

    [Theory]
    [MemberData(nameof(FloatFunctions))]
    public void Float_ScalarAndEveryVectorWidth_SameBits(string name)
    {
        var (scalar, run, v128, v512) = s_float[name];
        foreach (int n in new[] { 1, 7, 8, 9, 17, 31, 1001 })
        {
            var x = Mixed(n, n).Select(a => (float)a).ToArray();
            var y = new float[n];
            run(x, y);
            for (int i = 0; i < n; i++) AssertSameBits(scalar(x[i]), y[i], $"{name}({x[i]:R}) n = {n}");
        }

        var xs = Mixed(64, 5).Select(a => (float)a).ToArray();
        for (int i = 0; i + 16 <= xs.Length; i += 16)
        {
            var r128 = v128(Vector128.Create(xs.AsSpan(i, 4)));
            var r512 = v512(Vector512.Create(xs.AsSpan(i, 16)));
            for (int j = 0; j < 4; j++) AssertSameBits(scalar(xs[i + j]), r128[j], $"{name} V128({xs[i + j]:R})");
            for (int j = 0; j < 16; j++) AssertSameBits(scalar(xs[i + j]), r512[j], $"{name} V512({xs[i + j]:R})");
        }
    }

    public static TheoryData<string> DoubleFunctions() => new(["sin", "cos", "tan", "erfc", "softplus"]);

    [Theory]
    [MemberData(nameof(DoubleFunctions))]
    public void Double_ScalarAndVector_SameBits(string name)
    {
        foreach (int n in new[] { 1, 3, 4, 5, 9, 1001, 100_003 })
        {
            var x = Mixed(n, n + 100);
            var y = new double[n];
            Func<double, double> scalar;
            switch (name)
            {
                case "sin": UnaryDriver.Run<double, ViaDoubleOperator<double, SinFunction>>(x, y); scalar = SinFunction.Invoke; break;
                case "cos": UnaryDriver.Run<double, ViaDoubleOperator<double, CosFunction>>(x, y); scalar = CosFunction.Invoke; break;
                case "tan": UnaryDriver.Run<double, ViaDoubleOperator<double, TanFunction>>(x, y); scalar = TanFunction.Invoke; break;
                case "erfc": UnaryDriver.Run<double, ViaDoubleOperator<double, ErfcFunction>>(x, y); scalar = ErfcFunction.Invoke; break;
                default: UnaryDriver.Run<double, ViaDoubleOperator<double, SoftplusFunction>>(x, y); scalar = SoftplusFunction.Invoke; break;
            }

            for (int i = 0; i < n; i++)
            {
                double e = scalar(x[i]);
                Assert.True(BitConverter.DoubleToInt64Bits(e) == BitConverter.DoubleToInt64Bits(y[i]) || (double.IsNaN(e) && double.IsNaN(y[i])), $"{name}({x[i]:R}) n = {n}: {y[i]:R} vs scalar {e:R}");
            }
        }
    }

    [Fact]
    public void PowF32_ScalarAndVector_SameBits()
    {
        foreach (int n in new[] { 1, 7, 8, 9, 33, 1001 })
        {
            var x = Mixed(n, n).Select(a => (float)a).ToArray();
            var y = Mixed(n, n + 1).Select(a => (float)(a % 7)).ToArray();
            var d = new float[n];
            BinaryDriver.Contiguous<float, PowFloatOperator>(ref x[0], ref y[0], ref d[0], n);
            for (int i = 0; i < n; i++) AssertSameBits(PowFloatOperator.Invoke(x[i], y[i]), d[i], $"pow({x[i]:R}, {y[i]:R})");
        }
    }

    [Fact]
    public void Softplus_WithinUlps()
    {
        var rng = new Random(3);
        var args = new List<double>(TestUtil.LogUniform(rng, 20000, 1e-300, 1e300, true));
        for (int i = 0; i < 20000; i++) args.Add((rng.NextDouble() - 0.5) * 1500);
        for (int i = 0; i < 20000; i++) args.Add((rng.NextDouble() - 0.5) * 40);
        args.AddRange([0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 5e-324, -745, -746, -103, -104]);
        var x = args.ToArray();
        var y = new double[x.Length];
        UnaryDriver.Run<double, ViaDoubleOperator<double, SoftplusFunction>>(x, y);
        double worst = 0, worstAt = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double err = AccuracyTests.UlpError(y[i], ReferenceFunctions.Softplus(x[i]));
            if (err > worst) (worst, worstAt) = (err, x[i]);
        }

        output.WriteLine($"softplus f64: worst {worst:F3} ulp at {worstAt:R}");
        Assert.True(worst <= 4, $"softplus f64: {worst} ulps at {worstAt:R}");

        var xf = x.Select(a => (float)a).ToArray();
        var yf = new float[xf.Length];
        UnaryDriver.Run<float, FloatOperator<SoftplusFloat>>(xf, yf);
        worst = 0;
        for (int i = 0; i < xf.Length; i++)
        {
            double err = AccuracyTests.UlpErrorF(yf[i], ReferenceFunctions.Softplus(xf[i]));
            if (err > worst) (worst, worstAt) = (err, xf[i]);
        }

        output.WriteLine($"softplus f32: worst {worst:F3} ulp at {worstAt:R}");
        Assert.True(worst <= 2, $"softplus f32: {worst} ulps at {worstAt:R}");
    }

    [Fact]
    public void PowF32_WithinAnUlp_AndSpecialCasesAsMathF()
    {
        var rng = new Random(9);
        var xs = new List<float>();
        var ys = new List<float>();
        for (int i = 0; i < 60000; i++)
        {
            double lx = (rng.NextDouble() - 0.5) * 60, ly = (rng.NextDouble() - 0.5) * (i % 3 == 0 ? 200 : 8);
            xs.Add((float)(Math.Exp(lx) * (i % 5 == 0 ? -1 : 1)));
            ys.Add(i % 5 == 0 ? MathF.Round((float)ly) : (float)(ly / Math.Max(1, Math.Abs(lx))));
        }

        float[] special = [0f, -0f, 1f, -1f, 2f, -2f, 0.5f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, float.Epsilon, 3f, -3f, 1e30f, 16777216f, 16777217f];
        foreach (float a in special)
            foreach (float b in special.Concat([0.5f, -0.5f, 1.5f, -1.5f, 126f, -149f, 1e-30f]))
            {
                xs.Add(a);
                ys.Add(b);
            }

        var x = xs.ToArray();
        var y = ys.ToArray();
        var r = Kernels.Binary(BinaryOp.Pow, NDArray.Wrap(x, Shape.Of(x.Length)), NDArray.Wrap(y, Shape.Of(y.Length))).ToArray<float>();
        double worst = 0;
        string worstAt = "";
        for (int i = 0; i < x.Length; i++)
        {
            double e = Math.Pow(x[i], y[i]);
            double err = AccuracyTests.UlpErrorF(r[i], e);
            if (double.IsNaN(e) || double.IsInfinity(e) || e == 0 || float.IsNaN(x[i]) || float.IsNaN(y[i]))
            {
                float m = MathF.Pow(x[i], y[i]);
                err = BitConverter.SingleToInt32Bits(m) == BitConverter.SingleToInt32Bits(r[i]) || (float.IsNaN(m) && float.IsNaN(r[i])) ? 0 : double.PositiveInfinity;
            }

            if (err > worst) (worst, worstAt) = (err, $"pow({x[i]:R}, {y[i]:R}) = {r[i]:R}, reference {e:R}");
        }

        output.WriteLine($"pow f32: worst {worst:F3} ulp at {worstAt}");
        Assert.True(worst <= 1, $"pow f32: {worst} ulps at {worstAt}");
    }

    /// <summary>(x, y) pairs for f64 pow: small exponents over the whole range of x, y·log₂|x| spread over ±1100 (so results
    /// from subnormal to overflow), x within 2⁻⁵⁰ of 1 with huge y, negative x with integral y, and results within
    /// e^{±(693…749)} of the overflow and underflow thresholds.</summary>
    private static (double[] X, double[] Y) PowArgs(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double a, b;
            switch (i % 6)
            {
                case 0: a = Math.Exp((rng.NextDouble() - 0.5) * 1400); b = (rng.NextDouble() - 0.5) * 4; break;
                case 1: a = Math.Exp((rng.NextDouble() - 0.5) * 1400); b = (rng.NextDouble() - 0.5) * 2200 / Math.Max(1e-300, Math.Abs(Math.Log2(a))); break;
                case 2: a = 1 + (rng.NextDouble() - 0.5) * Math.Pow(2, -rng.Next(1, 50)); b = (rng.NextDouble() - 0.5) * 1400 / Math.Abs(Math.Log2(a)); break;
                case 3: a = -Math.Exp((rng.NextDouble() - 0.5) * 60); b = Math.Round((rng.NextDouble() - 0.5) * 60); break;
                case 4: a = rng.NextDouble() * 10; b = (rng.NextDouble() - 0.5) * 40; break;
                default: a = Math.Exp((rng.NextDouble() - 0.5) * 1400); b = (1000 + rng.NextDouble() * 80) * (rng.Next(2) * 2 - 1) / Math.Log2(a); break;
            }

            (x[i], y[i]) = (a, b);
        }

        return (x, y);
    }

    private static readonly double[] s_powSpecialX = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, -3.0, 10.0, double.PositiveInfinity,
        double.NegativeInfinity, double.NaN, double.Epsilon, -double.Epsilon, 2.2250738585072014e-308, 1e300, -1e300, double.MaxValue,
        1.0000000000000002, 0.9999999999999999, -1.0000000000000002];

    private static readonly double[] s_powSpecialY = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0, 0.5, -0.5, 1.5, -1.5, double.PositiveInfinity,
        double.NegativeInfinity, double.NaN, 1023.0, 1024.0, -1022.0, -1074.0, -1075.0, 9007199254740992.0, 9007199254740994.0,
        4503599627370497.0, 1e300, -1e300, double.Epsilon, 1e-300];

    [Fact]
    public void PowF64_ScalarAndEveryVectorWidth_SameBits()
    {
        foreach (int n in new[] { 1, 3, 4, 5, 9, 33, 1001 })
        {
            var (x, y) = PowArgs(n, n);
            for (int i = 0; i < n; i += 7) x[i] = s_powSpecialX[i % s_powSpecialX.Length];
            for (int i = 0; i < n; i += 5) y[i] = s_powSpecialY[i % s_powSpecialY.Length];
            var d = new double[n];
            BinaryDriver.Contiguous<double, PowDoubleOperator>(ref x[0], ref y[0], ref d[0], n);
            for (int i = 0; i < n; i++) AssertSameBits(PowDoubleOperator.Invoke(x[i], y[i]), d[i], $"pow({x[i]:R}, {y[i]:R}) n = {n}");
        }

        var (xs, ys) = PowArgs(64, 5);
        for (int i = 0; i < 64; i += 3) xs[i] = s_powSpecialX[i % s_powSpecialX.Length];
        for (int i = 0; i + 8 <= xs.Length; i += 8)
        {
            var r128 = PowDoubleOperator.Invoke(Vector128.Create(xs.AsSpan(i, 2)), Vector128.Create(ys.AsSpan(i, 2)));
            var r512 = PowDoubleOperator.Invoke(Vector512.Create(xs.AsSpan(i, 8)), Vector512.Create(ys.AsSpan(i, 8)));
            for (int j = 0; j < 2; j++) AssertSameBits(PowDoubleOperator.Invoke(xs[i + j], ys[i + j]), r128[j], $"pow V128({xs[i + j]:R}, {ys[i + j]:R})");
            for (int j = 0; j < 8; j++) AssertSameBits(PowDoubleOperator.Invoke(xs[i + j], ys[i + j]), r512[j], $"pow V512({xs[i + j]:R}, {ys[i + j]:R})");
        }
    }

    /// <summary>
    /// f64 pow against the 28-digit decimal <see cref="ReferencePow"/> wherever the result is a normal number (measured
    /// worst 0.84 ulp against a 200-bit reference); elsewhere — x or y ±0, ±∞ or NaN, negative x with non-integral y,
    /// overflow, underflow — the same bits as Math.Pow, and subnormal results within an ulp of it.
    /// </summary>
    [Fact]
    public void PowF64_WithinAnUlp_AndSpecialCasesAsMath()
    {
        var (x0, y0) = PowArgs(60000, 3);
        var xs = new List<double>(x0);
        var ys = new List<double>(y0);
        foreach (double sx in s_powSpecialX)
            foreach (double sy in s_powSpecialY)
            {
                xs.Add(sx);
                ys.Add(sy);
            }

        var x = xs.ToArray();
        var y = ys.ToArray();
        var r = Kernels.Binary(BinaryOp.Pow, NDArray.Wrap(x, Shape.Of(x.Length)), NDArray.Wrap(y, Shape.Of(y.Length))).ToArray<double>();
        var bc = Kernels.Binary(BinaryOp.Pow, NDArray.Wrap(x, Shape.Of(x.Length)), NDArray.Wrap([y[7]], Shape.Of(1))).ToArray<double>();
        double worst = 0;
        string worstAt = "";
        int checkedRegular = 0;
        for (int i = 0; i < x.Length; i++)
        {
            AssertSameBits(PowDoubleOperator.Invoke(x[i], y[7]), bc[i], $"broadcast pow({x[i]:R}, {y[7]:R})");
            double e = ReferencePow.Pow(x[i], y[i]), m = Math.Pow(x[i], y[i]), err;
            if (!double.IsNaN(e))
            {
                err = AccuracyTests.UlpError(r[i], e);
                checkedRegular++;
            }
            else if (double.IsNaN(m) || double.IsInfinity(m) || m == 0 || !double.IsFinite(x[i]) || !double.IsFinite(y[i]) || x[i] == 0)
            {
                err = BitConverter.DoubleToInt64Bits(m) == BitConverter.DoubleToInt64Bits(r[i]) || (double.IsNaN(m) && double.IsNaN(r[i])) ? 0 : double.PositiveInfinity;
            }
            else
            {
                err = Math.Abs(r[i] - m) <= double.Epsilon || AccuracyTests.UlpError(r[i], m) <= 1 ? 0 : double.PositiveInfinity;
            }

            if (err > worst) (worst, worstAt) = (err, $"pow({x[i]:R}, {y[i]:R}) = {r[i]:R}, reference {e:R}, Math.Pow {m:R}");
        }

        output.WriteLine($"pow f64: worst {worst:F3} ulp at {worstAt} ({checkedRegular} of {x.Length} against the decimal reference)");
        Assert.True(checkedRegular > 45000, $"only {checkedRegular} regular cases");
        Assert.True(worst <= 1, $"pow f64: {worst} ulps at {worstAt}");
    }

    /// <summary>Bit equality, except that any two NaNs match: a NaN's sign and payload follow operand order, which the JIT
    /// may pick differently where the same code is inlined into different callers (a path difference, not a tier one).</summary>
    private static void AssertSameBits(double expected, double actual, string context)
    {
        if (BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(actual) && !(double.IsNaN(expected) && double.IsNaN(actual)))
            Assert.Fail($"{context}: {actual:R} ({BitConverter.DoubleToInt64Bits(actual):X16}) vs scalar {expected:R} ({BitConverter.DoubleToInt64Bits(expected):X16})");
    }

    private static void AssertSameBits(float expected, float actual, string context)
    {
        if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(actual) && !(float.IsNaN(expected) && float.IsNaN(actual)))
            Assert.Fail($"{context}: {actual:R} ({BitConverter.SingleToInt32Bits(actual):X8}) vs scalar {expected:R} ({BitConverter.SingleToInt32Bits(expected):X8})");
    }
}
