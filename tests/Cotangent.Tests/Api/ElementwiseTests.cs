using Cotangent.Runtime;
using static Cotangent.Tests.Api.ApiTestUtil;

namespace Cotangent.Tests.Api;

public class ElementwiseTests
{
    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Exp2Log2Log10_AreExactOnExactCases(DType dtype)
    {
        int top = dtype == DType.Float64 ? 1000 : 120, ten = dtype == DType.Float64 ? 22 : 10;
        var k = Enumerable.Range(-top, (2 * top) + 1).Select(i => (double)i).ToArray();
        Assert.Equal(k.Select(i => Math.Pow(2, i)).ToArray(), Values(Np.Exp2(Make(k, dtype, k.Length))));
        Assert.Equal(k, Values(Np.Log2(Np.Exp2(Make(k, dtype, k.Length)))));
        // Powers of ten that the dtype holds exactly (10²² in f64, 10¹⁰ in f32).
        var p = Enumerable.Range(0, ten + 1).Select(i => (double)i).ToArray();
        Assert.Equal(p, Values(Np.Log10(Make(p.Select(i => Math.Pow(10, i)).ToArray(), dtype, p.Length))));
        Assert.Equal(3.0, Np.Log2(Tensor.Scalar(8.0, dtype)).ToDouble());
        Assert.Equal(15.0, Np.Log10(Tensor.Scalar(1e15)).ToDouble());
    }

    private static readonly Dictionary<string, (Func<Tensor, Tensor> F, Func<double, double> Ref, double Lo, double Hi)> s_unary = new()
    {
        ["abs"] = (Np.Abs, Math.Abs, -3, 3),
        ["sign"] = (Np.Sign, v => Math.Sign(v), -3, 3),
        ["square"] = (Np.Square, v => v * v, -3, 3),
        ["sqrt"] = (Np.Sqrt, Math.Sqrt, 0.1, 5),
        ["rsqrt"] = (Np.Rsqrt, v => 1 / Math.Sqrt(v), 0.1, 5),
        ["reciprocal"] = (Np.Reciprocal, v => 1 / v, 0.5, 5),
        ["exp"] = (Np.Exp, Math.Exp, -3, 3),
        ["exp2"] = (Np.Exp2, v => Math.Pow(2, v), -3, 3),
        ["log"] = (Np.Log, Math.Log, 0.1, 5),
        ["log2"] = (Np.Log2, Math.Log2, 0.1, 5),
        ["log10"] = (Np.Log10, Math.Log10, 0.1, 5),
        ["log1p"] = (Np.Log1p, v => Math.Log(1 + v), -0.5, 3),
        ["expm1"] = (Np.Expm1, v => Math.Exp(v) - 1, -1, 1),
        ["sin"] = (Np.Sin, Math.Sin, -3, 3),
        ["cos"] = (Np.Cos, Math.Cos, -3, 3),
        ["tan"] = (Np.Tan, Math.Tan, -1, 1),
        ["asin"] = (Np.Asin, Math.Asin, -0.9, 0.9),
        ["acos"] = (Np.Acos, Math.Acos, -0.9, 0.9),
        ["atan"] = (Np.Atan, Math.Atan, -3, 3),
        ["sinh"] = (Np.Sinh, Math.Sinh, -2, 2),
        ["cosh"] = (Np.Cosh, Math.Cosh, -2, 2),
        ["tanh"] = (Np.Tanh, Math.Tanh, -3, 3),
        ["sigmoid"] = (Np.Sigmoid, v => 1 / (1 + Math.Exp(-v)), -5, 5),
        ["softplus"] = (Np.Softplus, v => Math.Log(1 + Math.Exp(v)), -5, 5),
        ["relu"] = (Np.Relu, v => Math.Max(v, 0), -3, 3),
        ["floor"] = (Np.Floor, Math.Floor, -3, 3),
        ["ceil"] = (Np.Ceil, Math.Ceiling, -3, 3),
        ["round"] = (Np.Round, v => Math.Round(v, MidpointRounding.ToEven), -3, 3),
        ["negative"] = (Np.Negative, v => -v, -3, 3),
        ["silu"] = (Np.Silu, v => v / (1 + Math.Exp(-v)), -4, 4),
        ["gelu_exact"] = (x => Np.Gelu(x, approximate: false), v => 0.5 * v * (1 + Erf(v / Math.Sqrt(2))), -3, 3),
        ["gelu_tanh"] = (x => Np.Gelu(x), v => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + (0.044715 * v * v * v)))), -3, 3),
        ["leaky_relu"] = (x => Np.LeakyRelu(x, 0.1), v => v >= 0 ? v : 0.1 * v, -3, 3),
        ["elu"] = (x => Np.Elu(x), v => v > 0 ? v : Math.Exp(v) - 1, -3, 3),
        ["log_sigmoid"] = (Np.LogSigmoid, v => -Math.Log(1 + Math.Exp(-v)), -5, 5),
        ["erf"] = (Np.Erf, Erf, -2, 2),
    };

    public static TheoryData<string, DType> UnaryCases()
    {
        var d = new TheoryData<string, DType>();
        foreach (var name in s_unary.Keys)
            foreach (var t in FloatTypes) d.Add(name, t);
        return d;
    }

    [Theory]
    [MemberData(nameof(UnaryCases))]
    public void Unary_matches_the_scalar_reference(string name, DType dtype)
    {
        var (f, reference, lo, hi) = s_unary[name];
        var data = Data(name.GetHashCode(StringComparison.Ordinal) & 0xFFFF, 24, lo, hi);
        var x = Make(data, dtype, 4, 6);
        var y = f(x);
        Assert.Equal(dtype, y.DType);
        var input = Values(x);
        Close(input.Select(reference).ToArray(), y, dtype == DType.Float32 ? 1e-5 : 1e-12, [4, 6]);
    }

    [Fact]
    public void Softplus_is_stable_for_large_magnitudes()
    {
        var y = Values(Np.Softplus(Np.Array(-1000.0, 1000.0, 800.0)));
        Assert.Equal(0, y[0]);
        Assert.Equal(1000, y[1]);
        Assert.Equal(800, y[2]);
        Assert.Equal(-1000, Values(Np.LogSigmoid(Np.Array(-1000.0)))[0]);
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Binary_functions_broadcast_and_match_loops(DType dtype)
    {
        var a = Data(1, 6, 0.5, 2);
        var b = Data(2, 3, 0.5, 2);
        var x = Make(a, dtype, 2, 3);
        var y = Make(b, dtype, 3);
        var xa = Values(x);
        var yb = Values(y);
        double tol = Tol(dtype) * 10;
        var cases = new (Func<Tensor, Tensor, Tensor> F, Func<double, double, double> R)[]
        {
            (Np.Add, (p, q) => p + q), (Np.Subtract, (p, q) => p - q), (Np.Multiply, (p, q) => p * q), (Np.Divide, (p, q) => p / q),
            (Np.Power, Math.Pow), (Np.Maximum, Math.Max), (Np.Minimum, Math.Min), (Np.Atan2, Math.Atan2), (Np.Fmod, (p, q) => p % q),
        };
        foreach (var (f, r) in cases)
        {
            var expected = new double[6];
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++) expected[(i * 3) + j] = r(xa[(i * 3) + j], yb[j]);
            Close(expected, f(x, y), tol, [2, 3]);
        }
    }

    [Fact]
    public void Mod_and_FloorDivide_follow_python_signs()
    {
        double[] xs = [7, -7, 7, -7, 6, -6, 0];
        double[] ys = [3, 3, -3, -3, 3, -3, 5];
        var mod = xs.Zip(ys, (a, b) => a - (Math.Floor(a / b) * b)).ToArray();
        var div = xs.Zip(ys, (a, b) => Math.Floor(a / b)).ToArray();
        foreach (var dtype in new[] { DType.Float64, DType.Float32, DType.Int32 })
        {
            var x = Make(xs, dtype, 7);
            var y = Make(ys, dtype, 7);
            Close(mod, Np.Mod(x, y), 0);
            Close(div, Np.FloorDivide(x, y), 0);
        }

        Close([0.5, 0.5, 0], Np.Mod(Np.Array(-2.5, 5.0, 3.0), 1.5), 1e-15);
    }

    [Fact]
    public void Literals_are_weakly_typed()
    {
        var x = Np.Array(1f, 4f, 9f);
        Assert.Equal(DType.Float32, Np.Maximum(x, 2).DType);
        Assert.Equal(DType.Float32, Np.Power(x, 0.5).DType);
        Close([1, 2, 3], Np.Power(x, 0.5), 1e-7);
        Close([2, 4, 8], Np.Clip(x, 2, 8), 0, [3]);
        Assert.Equal(DType.Int32, Np.Minimum(Np.Array(1, 5), 3).DType);
        Close([1, 3], Np.Minimum(Np.Array(1, 5), 3), 0);
        Close([1, 16, 81], Np.Power(x, 2), 0);
    }

    [Fact]
    public void Where_broadcasts_all_three_operands()
    {
        var cond = Np.Array(true, false, true);
        var a = Tensor.FromArray([1.0, 2], 2, 1);
        var w = Np.Where(cond, a, -1.0);
        Close([1, -1, 1, 2, -1, 2], w, 0, [2, 3]);
        Close([5, 2, 5, 5, 2, 5], Np.Where(Np.Reshape(cond, 1, 3), 5.0, Np.Full([2, 1], 2)), 0, [2, 3]);
    }

    [Fact]
    public void Comparisons_and_logic_give_bool()
    {
        var x = Np.Array(1.0, 2, 3);
        var y = Np.Array(3.0, 2, 1);
        Assert.Equal([0.0, 1, 0], Values(Np.Equal(x, y)));
        Assert.Equal([1.0, 0, 1], Values(Np.NotEqual(x, y)));
        Assert.Equal([1.0, 0, 0], Values(Np.Less(x, y)));
        Assert.Equal([1.0, 1, 0], Values(Np.LessEqual(x, y)));
        Assert.Equal([0.0, 0, 1], Values(Np.Greater(x, y)));
        Assert.Equal([0.0, 1, 1], Values(Np.GreaterEqual(x, 2)));
        Assert.Equal(DType.Bool, Np.Less(x, 2).DType);
        var p = Np.Array(true, true, false, false);
        var q = Np.Array(true, false, true, false);
        Assert.Equal([1.0, 0, 0, 0], Values(Np.LogicalAnd(p, q)));
        Assert.Equal([1.0, 1, 1, 0], Values(Np.LogicalOr(p, q)));
        Assert.Equal([0.0, 1, 1, 0], Values(Np.LogicalXor(p, q)));
        Assert.Equal([0.0, 0, 1, 1], Values(Np.LogicalNot(p)));
        var special = Np.Array(1.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity);
        Assert.Equal([0.0, 1, 0, 0], Values(Np.IsNan(special)));
        Assert.Equal([0.0, 0, 1, 1], Values(Np.IsInf(special)));
        Assert.Equal([1.0, 0, 0, 0], Values(Np.IsFinite(special)));
    }

    [Fact]
    public void AsType_converts_and_tensor_members_forward()
    {
        var x = Np.Array(1.7, -2.2);
        Assert.Equal([1.0, -2], Values(Np.AsType(x, DType.Int32)));
        Assert.Equal(DType.Float32, x.AsType(DType.Float32).DType);
        var m = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 2, 3);
        Assert.Equal(Shape.Of(3, 2), m.T.Shape);
        Assert.Equal(Shape.Of(3, 2), m.Reshape(-1, 2).Shape);
        Assert.Equal(21, m.Sum().ToDouble());
        Close([5, 7, 9], m.Sum(0), 0, [3]);
        Assert.Equal(3.5, m.Mean().ToDouble());
        Close([3, 6], m.Max([1]), 0);
        Assert.Equal(1, m.Min().ToDouble());
    }

    /// <summary>erf by its Taylor series (accurate to double precision for the small arguments used here).</summary>
    private static double Erf(double x)
    {
        // Taylor series erf x = 2/√π Σ (−1)ⁿ x^(2n+1) / (n! (2n+1)), ample for |x| ≤ 3.
        double sum = 0, term = x;
        for (int n = 0; n < 200; n++)
        {
            sum += term / ((2 * n) + 1);
            term *= -x * x / (n + 1);
        }

        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
