using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Tests.Primitives;

/// <summary>
/// The elementwise primitives compute what their names say: their values at the conformance inputs
/// (and at wider points) against System.Math, in float64 and float32.
/// </summary>
public class ElementwiseValueTests
{
    private static double Erf(double x)
    {
        // Reference by the Maclaurin series erf(x) = 2/√π Σ (−1)ⁿ x^(2n+1) / (n! (2n+1)), accurate for |x| ≤ 3.
        double sum = 0, term = x;
        for (int n = 0; n < 200; n++)
        {
            sum += term / ((2 * n) + 1);
            term *= -x * x / (n + 1);
            if (Math.Abs(term) < 1e-300) break;
        }

        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    private static readonly Dictionary<string, Func<double, double>> s_unary = new()
    {
        ["neg"] = x => -x, ["exp"] = Math.Exp, ["log"] = Math.Log, ["log1p"] = x => Math.Log(1 + x), ["expm1"] = x => Math.Exp(x) - 1,
        ["sin"] = Math.Sin, ["cos"] = Math.Cos, ["tan"] = Math.Tan, ["asin"] = Math.Asin, ["acos"] = Math.Acos, ["atan"] = Math.Atan,
        ["sinh"] = Math.Sinh, ["cosh"] = Math.Cosh, ["tanh"] = Math.Tanh, ["logistic"] = x => 1 / (1 + Math.Exp(-x)),
        ["sqrt"] = Math.Sqrt, ["rsqrt"] = x => 1 / Math.Sqrt(x), ["erf"] = Erf, ["erfc"] = x => 1 - Erf(x), ["exp2"] = x => Math.Pow(2, x), ["log2"] = Math.Log2, ["log10"] = Math.Log10, ["abs"] = Math.Abs, ["sign"] = x => Math.Sign(x),
        ["floor"] = Math.Floor, ["ceil"] = Math.Ceiling, ["round"] = x => Math.Round(x, MidpointRounding.ToEven),
    };

    private static readonly Dictionary<string, Func<double, double, double>> s_binary = new()
    {
        ["add"] = (x, y) => x + y, ["sub"] = (x, y) => x - y, ["mul"] = (x, y) => x * y, ["div"] = (x, y) => x / y, ["pow"] = Math.Pow,
        ["max"] = Math.Max, ["min"] = Math.Min, ["atan2"] = Math.Atan2, ["rem"] = (x, y) => x % y,
    };

    public static TheoryData<string, DType> UnaryRows => Rows(s_unary.Keys);

    public static TheoryData<string, DType> BinaryRows => Rows(s_binary.Keys);

    private static TheoryData<string, DType> Rows(IEnumerable<string> names)
    {
        var data = new TheoryData<string, DType>();
        foreach (var n in names)
        {
            data.Add(n, DType.Float64);
            data.Add(n, DType.Float32);
        }

        return data;
    }

    private static void AssertClose(double expected, double actual, DType dtype, string what)
    {
        // Relative to max(1, |expected|): log1p/expm1 are checked against the naive formulas, whose error near 0 is absolute.
        double rel = dtype == DType.Float32 ? 2e-6 : 2e-14;
        Assert.True(Math.Abs(expected - actual) <= rel * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");
    }

    [Theory]
    [MemberData(nameof(UnaryRows))]
    public void Unary_MatchesMath(string name, DType dtype)
    {
        var spec = PrimitiveSpecs.Get(name);
        var reference = s_unary[name];
        foreach (var c in spec.For(dtype))
        {
            var x = Gen.Values(c.Args[0]);
            var y = Gen.Values(Dispatch.Bind(spec.Primitive, c.Args, c.Params));
            for (int i = 0; i < x.Length; i++) AssertClose(reference(x[i]), y[i], dtype, $"{name}({x[i]:R})");
        }
    }

    [Theory]
    [MemberData(nameof(BinaryRows))]
    public void Binary_MatchesMath(string name, DType dtype)
    {
        var spec = PrimitiveSpecs.Get(name);
        var reference = s_binary[name];
        foreach (var c in spec.For(dtype))
        {
            var z = Dispatch.Bind(spec.Primitive, c.Args, c.Params);
            var shape = z.Shape;
            var x = Gen.Values(Lax.BroadcastTo(c.Args[0], shape));
            var y = Gen.Values(Lax.BroadcastTo(c.Args[1], shape));
            var zv = Gen.Values(z);
            for (int i = 0; i < zv.Length; i++)
            {
                AssertClose(reference(x[i], y[i]), zv[i], dtype, $"{name}({x[i]:R}, {y[i]:R})");
            }
        }
    }
}
