namespace Cotangent.Cli.Tests;

/// <summary>The Graphviz output: one node per input, equation and output, linear values in blue; files and SVG.</summary>
public class DotTests
{
    [Fact]
    public void Dot_OfTheLinearHalf_DrawsEveryEquation_WithLinearValuesInBlue()
    {
        var (code, output, _) = Examples.Run("dot", Examples.PathOf("sin-times-x"), "--stage", "linear");
        Assert.Equal(0, code);
        Assert.StartsWith("digraph \"sin-times-x linear\" {", output, StringComparison.Ordinal);
        var linear = IdentityTests.Load("sin-times-x");
        int equations = Programs.Linearize(linear).Linear.Equations.Count;
        Assert.Equal(equations, output.Split('\n').Count(l => l.TrimStart().StartsWith('e') && l.Contains("[shape=box", StringComparison.Ordinal)));
        Assert.Contains("label=\"lin d:f64[]\", color=blue", output, StringComparison.Ordinal);
        Assert.DoesNotContain("label=\"a:f64[]\", color=blue", output, StringComparison.Ordinal);   // a residual is not linear
    }

    [Fact]
    public void Dot_ToAnSvgFile_UsesGraphviz_OrSaysItIsMissingAndWritesTheText()
    {
        var dir = Directory.CreateTempSubdirectory("cotangent-dot-test-");
        try
        {
            var svg = Path.Combine(dir.FullName, "g.svg");
            var (code, _, error) = Examples.Run("dot", Examples.PathOf("mlp"), "--stage", "backward", "-o", svg);
            if (code == 0)
            {
                Assert.Contains("<svg", File.ReadAllText(svg), StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(1, code);
                Assert.Contains("Graphviz's 'dot' is not on the PATH", error, StringComparison.Ordinal);
                Assert.StartsWith("digraph", File.ReadAllText(Path.ChangeExtension(svg, ".dot")), StringComparison.Ordinal);
            }

            var dot = Path.Combine(dir.FullName, "g.dot");
            Assert.Equal(0, Examples.Run("dot", Examples.PathOf("scan"), "--stage", "grad", "-o", dot).Code);
            Assert.Contains("scan", File.ReadAllText(dot), StringComparison.Ordinal);
            Assert.Contains("equations}", File.ReadAllText(dot), StringComparison.Ordinal);   // the nested body, summarized
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
