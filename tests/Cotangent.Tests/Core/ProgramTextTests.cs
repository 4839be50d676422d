using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Tests.Primitives;
using Cotangent.Tests.Properties;
using Cotangent.Transforms;

namespace Cotangent.Tests.Core;

/// <summary>
/// The lossless text form and its parser (issue #8, item 5): literals and every parameter round-trip,
/// nested programs print indented and parse back, and parse errors say where and what was expected.
/// </summary>
public class ProgramTextTests
{
    private static Tensor Vec(params double[] v) => Tensor.FromArray(v);

    [Theory]
    [InlineData(1.0 / 3.0)]
    [InlineData(-0.0)]
    [InlineData(1e-300)]
    [InlineData(double.Epsilon)]
    [InlineData(123456789.123456789)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.MaxValue)]
    public void Float64Literals_RoundTripExactly(double value)
    {
        var program = Ad.MakeProgram((Tensor x) => x * Tensor.Scalar(value), Vec(1, 2));
        var parsed = TextRoundTrip.Check(program, [Vec(1.5, -2)], $"x * {value:R}");
        var literal = (Literal)parsed.Equations[0].Inputs[1];
        Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(literal.Value.ToDouble()));
    }

    [Fact]
    public void NaNAndOtherDTypeLiterals_RoundTrip()
    {
        var program = Ad.MakeProgram((Tensor x) =>
        {
            var f = Np.Where(x > Tensor.Scalar(double.NaN), x, x * 2.0);
            var g = (x.AsType(DType.Float32) * Tensor.Scalar(0.1f, DType.Float32)).AsType(DType.Float64);
            var i = Np.Arange(2).AsType(DType.Int32) + Tensor.Scalar(7, DType.Int32);
            return f + g + i.AsType(DType.Float64) + Np.Where(Tensor.Scalar(1, DType.Bool), x, x);
        }, Vec(1, 2));
        var text = program.ToString();
        Assert.Contains("nan", text, StringComparison.Ordinal);
        Assert.Contains(":f32", text, StringComparison.Ordinal);
        Assert.Contains("7:i32", text, StringComparison.Ordinal);
        TextRoundTrip.Check(program, [Vec(0.25, -3)], "mixed literals");
    }

    [Fact]
    public void EveryParameterOfEverySpecCase_RoundTripsThroughText()
    {
        // Each spec row's primitive, staged with each case's parameters, printed, parsed: the parameters read back equal.
        int checkedCount = 0;
        foreach (var spec in PrimitiveSpecs.All.Values)
        {
            foreach (var dtype in spec.DTypes)
            {
                foreach (var c in spec.For(dtype))
                {
                    var program = Staging.MakeProgram(xs => Dispatch.BindMany(spec.Primitive, xs, c.Params), c.Args.Select(a => a.Aval).ToArray());
                    var parsed = TextRoundTrip.Check(program, c.Args, $"{spec.Name} {c.Name}");
                    Assert.Equal(c.Params, parsed.Equations[0].Parameters);
                    Assert.Equal(c.Params.GetHashCode(), parsed.Equations[0].Parameters.GetHashCode());
                    checkedCount++;
                }
            }
        }

        Assert.True(checkedCount > 300, $"only {checkedCount} cases");
    }

    [Fact]
    public void NestedPrograms_PrintIndented_AndParseBack()
    {
        var inner = Ad.MakeProgram((Tensor[] xs) => new[] { Np.Sin(xs[0]) * xs[1], Np.Exp(xs[1]) }, new[] { Vec(1, 2), Vec(3, 4) });
        var outer = Ad.MakeProgram((Tensor x) =>
        {
            var r = Builtins.Call(inner, x, x + 1.0);
            return r[0] + r[1];
        }, Vec(1, 2));
        var text = outer.ToString();
        Assert.Contains("closed_call[program={ lambda ", text, StringComparison.Ordinal);
        // The nested body is indented further than the outer equations.
        var lines = text.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("          let ", StringComparison.Ordinal) || l.StartsWith("            let ", StringComparison.Ordinal));
        var parsed = TextRoundTrip.Check(outer, [Vec(0.5, -1)], "a program with a closed_call");
        ProgramChecker.Check(parsed);
    }

    [Fact]
    public void ProgramWithConstants_ParsesWithTheirValues()
    {
        var w = Tensor.FromArray(new[] { 1.0, 2.0, 3.0 });
        var program = Ad.MakeProgram((Tensor x) => Np.Sum(x * w), Vec(1, 1, 1));
        Assert.Single(program.ConstVars);
        var parsed = Ad.ParseProgram(program.ToString(), w);
        Assert.Equal(14.0, parsed.Evaluate(Vec(1, 2, 3))[0].ToDouble());
        var ex = Assert.Throws<ProgramParseException>(() => Ad.ParseProgram(program.ToString()));
        Assert.Contains("no value", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ lambda ; a:f64[3] .\n  let b:f64[3] = sine a\n  in ( b ) }", 2, 18, "known primitive")]
    [InlineData("{ lambda ; a:f64[3] .\n  let b:f64[3] = sin c\n  in ( b ) }", 2, 22, "defined variable")]
    [InlineData("{ lambda ; a:f64[3] .\n  let b:f64[4] = sin a\n  in ( b ) }", 2, 7, "declared f64[4]")]
    [InlineData("{ lambda ; a:f64[3] .\n  let b:f64[] = reduce_sum[axis=(0)] a\n  in ( b ) }", 2, 28, "'axes'")]
    [InlineData("{ lambda ; a:f64[3] .\n  let b:f64[3] = sin a\n  in ( b ) ", 3, 12, "'}'")]
    [InlineData("{ lambda ; a:f64[3] .\n  let b:f64[3] = mul a 2\n  in ( b ) }", 2, 24, "3.0")]
    [InlineData("{ lambda ; a:q64[3] . in ( a ) }", 1, 14, "dtype")]
    [InlineData("{ lambda ; a:f64[3] .\n  let a:f64[3] = sin a\n  in ( a ) }", 2, 7, "already defined")]
    public void ParseErrors_GiveLineColumnAndWhatWasExpected(string text, int line, int column, string expected)
    {
        var ex = Assert.Throws<ProgramParseException>(() => Ad.ParseProgram(text));
        Assert.Equal(line, ex.Line);
        Assert.Equal(column, ex.Column);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"line {line}, column {column}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HandWrittenText_ParsesAndEvaluates()
    {
        const string text = """
            { lambda ; a:f64[3] b:f64[] .
              let c:f64[3] = sin a
                  d:f64[3] = mul c b
                  e:f64[1] f:f64[2] = split[sizes=(1,2) axis=0] d
                  g:f64[] = reduce_sum[axes=(0)] f
              in ( e, g ) }
            """;
        var program = Ad.ParseProgram(text);
        var outs = program.Evaluate(Vec(0.1, 0.2, 0.3), Tensor.Scalar(2.0));
        Assert.Equal(2 * Math.Sin(0.1), outs[0].ToArray<double>()[0], 15);
        Assert.Equal(2 * (Math.Sin(0.2) + Math.Sin(0.3)), outs[1].ToDouble(), 14);
    }

    [Fact]
    public void VariableNames_SkipTheKeywords()
    {
        // 230 equations reach the two-letter name "in", which the printer must not use.
        var program = Ad.MakeProgram((Tensor x) =>
        {
            var y = x;
            for (int i = 0; i < 230; i++) y = Np.Sin(y);
            return y;
        }, Vec(1));
        var text = program.ToString();
        Assert.DoesNotContain(" in:", text, StringComparison.Ordinal);
        TextRoundTrip.Check(program, [Vec(0.3)], "a long chain");
    }
}
