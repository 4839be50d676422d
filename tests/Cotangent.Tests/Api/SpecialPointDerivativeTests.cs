using System.Reflection;
using Cotangent.Runtime;
using static Cotangent.Np;

namespace Cotangent.Tests.Api;

/// <summary>
/// Derivatives of every differentiable Np function at the points finite differences cannot judge — 0, ties,
/// kinks, domain edges, ±large — with JAX's values as the expected ones (its JVP rules and jax.nn/jax.numpy
/// definitions: |x|′(0) = 1, relu′(0) = 0, ties of max/min split ½–½, softplus′(0) = ½, leaky_relu′(0) = 1,
/// elu′(0) = α, 0ʸ and 0⁰ have zero derivative in y, √ and log are infinite at 0, norm and std are NaN at a
/// constant input). Each first derivative is checked through Grad and through Jvp, in float64 and (unless the
/// point is outside its range) float32; second derivatives through Grad∘Grad. A coverage test makes sure a new
/// Np function gets a row or an explicit reason for having none.
/// </summary>
public class SpecialPointDerivativeTests
{
    private const double Inf = double.PositiveInfinity;
    private const double NaN = double.NaN;
    private const double Ln2 = 0.69314718055994530942;
    private const double Ln10 = 2.30258509299404568402;
    private const double Sqrt2OverPi = 0.79788456080286535588;

    /// <summary>f′(x) = D1 and, when given, f″(x) = D2. F32 false: x or f′ is outside float32's range.</summary>
    public sealed record Unary(string Name, Func<Tensor, Tensor> F, double X, double D1, double? D2 = null, bool F32 = true)
    {
        public override string ToString() => $"{Name}′({X})";
    }

    private static double Sigma(double x) => 1 / (1 + Math.Exp(-x));

    private static readonly Unary[] s_unary =
    [
        new("Abs", Abs, 0, 1, 0), new("Abs", Abs, -0.0, 1), new("Abs", Abs, -2, -1), new("Abs", Abs, 3, 1),
        new("Sign", Sign, 0, 0, 0), new("Sign", Sign, -1.5, 0),
        new("Negative", Negative, 0, -1, 0),
        new("Square", Square, 0, 0, 2), new("Square", Square, -3, -6, 2),
        new("Reciprocal", Reciprocal, 0, -Inf), new("Reciprocal", Reciprocal, 2, -0.25, 0.25),
        new("Sqrt", Sqrt, 0, Inf), new("Sqrt", Sqrt, 4, 0.25, -1.0 / 32), new("Sqrt", Sqrt, 1e300, 0.5e-150, F32: false),
        new("Rsqrt", Rsqrt, 0, -Inf), new("Rsqrt", Rsqrt, 4, -1.0 / 16),
        new("Exp", Exp, 0, 1, 1), new("Exp", Exp, 710, Inf, F32: false), new("Exp", Exp, -1000, 0, 0),
        new("Exp2", Exp2, 0, Ln2, Ln2 * Ln2), new("Exp2", Exp2, 3, 8 * Ln2), new("Exp2", Exp2, -1100, 0),
        new("Log", Log, 0, Inf), new("Log", Log, 1, 1, -1), new("Log", Log, -1, -1),
        new("Log2", Log2, 0, Inf), new("Log2", Log2, 8, 1 / (8 * Ln2)),
        new("Log10", Log10, 0, Inf), new("Log10", Log10, 100, 1 / (100 * Ln10)),
        new("Log1p", Log1p, -1, Inf), new("Log1p", Log1p, 0, 1, -1),
        new("Expm1", Expm1, 0, 1, 1), new("Expm1", Expm1, -1000, 0, 0),
        new("Sin", Sin, 0, 1, 0), new("Cos", Cos, 0, 0, -1), new("Tan", Tan, 0, 1, 0),
        new("Asin", Asin, 1, Inf), new("Asin", Asin, -1, Inf), new("Asin", Asin, 0, 1, 0),
        new("Acos", Acos, 1, -Inf), new("Acos", Acos, 0, -1, 0),
        new("Atan", Atan, 0, 1, 0), new("Atan", Atan, 1e30, 0),
        new("Sinh", Sinh, 0, 1, 0), new("Cosh", Cosh, 0, 0, 1),
        new("Tanh", Tanh, 0, 1, 0), new("Tanh", Tanh, 1000, 0, 0), new("Tanh", Tanh, -1000, 0, 0),
        new("Sigmoid", Sigmoid, 0, 0.25, 0), new("Sigmoid", Sigmoid, 1000, 0, 0), new("Sigmoid", Sigmoid, -1000, 0, 0),
        new("Softplus", Softplus, 0, 0.5, 0.25), new("Softplus", Softplus, 1000, 1, 0), new("Softplus", Softplus, -1000, 0, 0),
        new("Softplus", Softplus, 2, Sigma(2), Sigma(2) * (1 - Sigma(2))),
        new("Relu", Relu, 0, 0, 0), new("Relu", Relu, 1, 1), new("Relu", Relu, -1, 0),
        new("Erf", Erf, 0, 2 / Math.Sqrt(Math.PI), 0), new("Erf", Erf, 30, 0),
        new("Floor", Floor, 0.5, 0), new("Floor", Floor, 2, 0), new("Ceil", Ceil, 0.5, 0), new("Ceil", Ceil, 2, 0),
        new("Round", Round, 0.5, 0), new("Round", Round, 2, 0),
        new("Silu", Silu, 0, 0.5, 0.5), new("Silu", Silu, -1000, 0), new("Silu", Silu, 1000, 1),
        new("LeakyRelu", x => LeakyRelu(x), 0, 1), new("LeakyRelu", x => LeakyRelu(x), -1, 0.01),
        new("Elu", x => Elu(x), 0, 1, 1), new("Elu", x => Elu(x, 2), 0, 2, 2), new("Elu", x => Elu(x), -1000, 0), new("Elu", x => Elu(x), 1, 1, 0),
        new("LogSigmoid", LogSigmoid, 0, 0.5, -0.25), new("LogSigmoid", LogSigmoid, -1000, 1), new("LogSigmoid", LogSigmoid, 1000, 0),
        new("Gelu", x => Gelu(x), 0, 0.5, Sqrt2OverPi), new("Gelu", x => Gelu(x, approximate: false), 0, 0.5, Sqrt2OverPi),
        new("Gelu", x => Gelu(x), -1000, 0), new("Gelu", x => Gelu(x, approximate: false), 1000, 1),
        new("Power", x => Power(x, 2.0), 0, 0, 2), new("Power", x => Power(x, 0.5), 0, Inf), new("Power", x => Power(x, 0.0), 0, 0),
        new("Power", x => Power(x, 3.0), -2, 12),
        new("Clip", x => Clip(x, 0, 1), 0, 0.5), new("Clip", x => Clip(x, 0, 1), 1, 0.5), new("Clip", x => Clip(x, 0, 1), 0.5, 1),
        new("Clip", x => Clip(x, 0, 1), 2, 0), new("Clip", x => Clip(x, 0, 1), -1, 0),
        new("Maximum", x => Maximum(x, 0.0), 0, 0.5), new("Minimum", x => Minimum(x, 0.0), 0, 0.5),
        new("Mod", x => Mod(x, 2.0), -7.5, 1), new("Mod", x => Mod(x, 2.0), 0, 1),
        new("Where", x => Where(x > 0.0, x, 0.0), 0, 0), new("Where", x => Where(x > 0.0, x, 0.0), 1, 1),
    ];

    /// <summary>∂f/∂x and ∂f/∂y at (X, Y).</summary>
    public sealed record Binary(string Name, Func<Tensor, Tensor, Tensor> F, double X, double Y, double Dx, double Dy)
    {
        public override string ToString() => $"{Name}({X}, {Y})";
    }

    private static readonly Binary[] s_binary =
    [
        new("Add", Add, 1, 2, 1, 1), new("Subtract", Subtract, 1, 2, 1, -1), new("Multiply", Multiply, 0, 3, 3, 0),
        new("Divide", Divide, 1, 0, Inf, -Inf), new("Divide", Divide, 0, 0, Inf, NaN), new("Divide", Divide, 1, 2, 0.5, -0.25),
        new("Maximum", Maximum, 1, 1, 0.5, 0.5), new("Maximum", Maximum, 2, 1, 1, 0),
        new("Minimum", Minimum, 1, 1, 0.5, 0.5), new("Minimum", Minimum, 2, 1, 0, 1),
        new("Power", Power, 0, 2, 0, 0), new("Power", Power, 0, 0, 0, 0), new("Power", Power, 0, 0.5, Inf, 0),
        new("Power", Power, 2, 3, 12, 8 * Ln2), new("Power", Power, -2, 3, 12, NaN),
        new("Atan2", Atan2, 0, 0, NaN, NaN), new("Atan2", Atan2, 1, 1, 0.5, -0.5),
        new("Fmod", Fmod, 7.5, 2, 1, -3), new("Fmod", Fmod, -7.5, 2, 1, 3),
        new("Mod", Mod, -7.5, 2, 1, 4), new("Mod", Mod, 7.5, 2, 1, -3),
        new("FloorDivide", FloorDivide, 7.5, 2, 0, 0),
        new("Clip", (x, lo) => Clip(x, lo, Tensor.Scalar(1.0, x.DType)), 0, 0, 0.5, 0.5),
        new("Clip", (x, hi) => Clip(x, Tensor.Scalar(0.0, x.DType), hi), 1, 1, 0.5, 0.5),
    ];

    /// <summary>The gradient of the scalar f at the vector X.</summary>
    public sealed record Reduction(string Name, Func<Tensor, Tensor> F, double[] X, double[] Grad)
    {
        public override string ToString() => $"{Name}([{string.Join(", ", X)}])";
    }

    private static readonly Reduction[] s_reductions =
    [
        new("Max", x => Max(x), [1, 3, 3], [0, 0.5, 0.5]), new("Min", x => Min(x), [2, 2, 2], [1.0 / 3, 1.0 / 3, 1.0 / 3]),
        new("Prod", x => Prod(x), [2, 0, 3], [0, 6, 0]), new("Prod", x => Prod(x), [0, 0, 3], [0, 0, 0]),
        new("Norm", x => Norm(x), [0, 0], [NaN, NaN]), new("Norm", x => Norm(x), [3, 4], [0.6, 0.8]),
        new("Std", x => Std(x), [1, 1, 1], [NaN, NaN, NaN]), new("Var", x => Var(x), [1, 1, 1], [0, 0, 0]),
        new("Var", x => Var(x), [1, 2, 3, 4], [-0.75, -0.25, 0.25, 0.75]),
        new("LogSumExp", x => LogSumExp(x), [double.NegativeInfinity, 0], [0, 1]), new("LogSumExp", x => LogSumExp(x), [1000, 1000], [0.5, 0.5]),
        new("Softmax", x => Softmax(x)[0], [0, 0], [0.25, -0.25]), new("LogSoftmax", x => LogSoftmax(x)[0], [1000, 0], [0, 0]),
        new("Sum", x => Sum(x), [0, 0], [1, 1]), new("Mean", x => Mean(x), [0, 0], [0.5, 0.5]),
    ];

    public static TheoryData<Unary> UnaryRows => [.. s_unary];

    public static TheoryData<Binary> BinaryRows => [.. s_binary];

    public static TheoryData<Reduction> ReductionRows => [.. s_reductions];

    private static void Same(double expected, double actual, DType dtype, string what)
    {
        bool ok = double.IsNaN(expected) ? double.IsNaN(actual)
            : double.IsInfinity(expected) ? expected == actual
            : Math.Abs(actual - expected) <= (dtype == DType.Float32 ? 2e-6 : 1e-12) * (expected == 0 ? 1 : Math.Abs(expected)); // relative unless 0
        Assert.True(ok, $"{what} ({dtype}): expected {expected:R}, got {actual:R}");
    }

    [Theory]
    [MemberData(nameof(UnaryRows))]
    public void FirstAndSecondDerivative_MatchJax(Unary row)
    {
        foreach (var dtype in row.F32 ? new[] { DType.Float64, DType.Float32 } : [DType.Float64])
        {
            var x = Tensor.Scalar(row.X, dtype);
            Same(row.D1, Ad.Grad(row.F)(x).ToDouble(), dtype, $"Grad {row}");
            Same(row.D1, Ad.Jvp(row.F, x, Tensor.Scalar(1.0, dtype)).Tangent.ToDouble(), dtype, $"Jvp {row}");
            if (row.D2 is double d2) Same(d2, Ad.Grad(Ad.Grad(row.F))(x).ToDouble(), dtype, $"second derivative {row}");
        }
    }

    [Theory]
    [MemberData(nameof(BinaryRows))]
    public void PartialDerivatives_MatchJax(Binary row)
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var (x, y) = (Tensor.Scalar(row.X, dtype), Tensor.Scalar(row.Y, dtype));
            var (gx, gy) = Ad.Grad(row.F, Wrt.Both)(x, y);
            Same(row.Dx, gx.ToDouble(), dtype, $"∂x {row}");
            Same(row.Dy, gy.ToDouble(), dtype, $"∂y {row}");
            Same(row.Dx, Ad.Jvp<Tensor, Tensor>(v => row.F(v, y), x, Tensor.Scalar(1.0, dtype)).Tangent.ToDouble(), dtype, $"Jvp ∂x {row}");
        }
    }

    [Theory]
    [MemberData(nameof(ReductionRows))]
    public void Gradient_MatchesJax(Reduction row)
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var x = AsType(Tensor.FromArray(row.X), dtype);
            var g = ApiTestUtil.Values(Ad.Grad(row.F)(x));
            for (int i = 0; i < g.Length; i++) Same(row.Grad[i], g[i], dtype, $"{row} element {i}");
        }
    }

    [Fact]
    public void ExactGelu_FarLeft_IsTinyNotZero()
    {
        // x·Φ(x) at x = −10 is −7.6e-23; computing 1 + erf(x/√2) cancels to 0 there, so JAX uses erfc.
        const double Phi10 = 7.6198530241605260659733432515993e-24; // Φ(−10)
        Same(-10 * Phi10, Gelu(Tensor.Scalar(-10.0), approximate: false).ToDouble(), DType.Float64, "gelu(−10)");
        // d/dx x·Φ(x) = Φ(x) + x·φ(x), φ(−10) = e^{−50}/√(2π).
        double phi = Math.Exp(-50) / Math.Sqrt(2 * Math.PI);
        Same(Phi10 - (10 * phi), Ad.Grad<Tensor>(x => Gelu(x, approximate: false))(-10.0).ToDouble(), DType.Float64, "gelu′(−10)");
    }

    // Np functions with no row, and why: they are not differentiable (creation, comparison, logic, random,
    // integer results), or linear/structural (their derivative is the function itself, checked by the
    // transposition and property suites), so no point is special.
    private static readonly HashSet<string> s_noSpecialPoints =
    [
        "Zeros", "Ones", "Full", "ZerosLike", "OnesLike", "FullLike", "Arange", "Linspace", "Eye", "Identity", "Array",
        "Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual", "LogicalAnd", "LogicalOr", "LogicalNot",
        "LogicalXor", "IsNan", "IsInf", "IsFinite", "All", "Any", "CountNonzero", "ArgMax", "ArgMin", "OneHot",
        "RandomNormal", "RandomUniform", "RandomInt", "RandomPermutation",
        "AsType", "CumSum", "Reshape", "Ravel", "Flatten", "Transpose", "SwapAxes", "MoveAxis", "Squeeze", "ExpandDims",
        "BroadcastTo", "Concatenate", "Stack", "VStack", "HStack", "Flip", "Pad", "Tile", "Repeat", "Index", "Take",
        "TakeAlongAxis", "IndexAdd", "MatMul", "Dot", "Inner", "Outer", "Diagonal", "Trace",
    ];

    [Fact]
    public void EveryNpFunction_HasARow_OrAReason()
    {
        var covered = s_unary.Select(r => r.Name).Concat(s_binary.Select(r => r.Name)).Concat(s_reductions.Select(r => r.Name)).ToHashSet();
        var missing = typeof(Np).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.ReturnType == typeof(Tensor) && m.GetParameters().Any(p => p.ParameterType == typeof(Tensor)))
            .Select(m => m.Name).Distinct()
            .Where(n => !covered.Contains(n) && !s_noSpecialPoints.Contains(n))
            .OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "Np functions without a special-point row or a reason: " + string.Join(", ", missing));
    }
}
