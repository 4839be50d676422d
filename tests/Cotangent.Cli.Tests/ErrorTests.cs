namespace Cotangent.Cli.Tests;

/// <summary>
/// Errors a student can act on: parse and type errors give the file, line and column; a non-linear use of a linear
/// variable names the equation (at its line, in the file's own names), the variable and the rule it breaks; wrong
/// values and command lines say what was expected. Exit codes: 1 for the program or values, 2 for the command line.
/// </summary>
public class ErrorTests
{
    [Theory]
    [InlineData("{ lambda ; x:f64[] .\n  let y = sine x\n  in ( y ) }", "2:11", "known primitive")]
    [InlineData("{ lambda ; x:f64[] .\n  let y = sin z\n  in ( y ) }", "2:15", "defined variable")]
    [InlineData("{ lambda ; x:f64[3] .\n  let y:f64[2] = sin x\n  in ( y ) }", "2:7", "declared f64[2]")]
    [InlineData("{ lambda ; x:f64[3] y:f64[2] .\n  let z = add x y\n  in ( z ) }", "2:11", "ill-typed")]
    [InlineData("{ lambda ; x:f64[] .\n  let y = sin x\n  in ( y ) ", "3:12", "'}'")]
    [InlineData("# a comment\n{ lambda ; x:f64[] . in ( x ) } extra", "2:33", "end of the text")]
    public void ParseAndTypeErrors_GiveFileLineAndColumn(string text, string position, string what)
    {
        var (code, output, error) = RunOn(text, "check");
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains($".ct:{position}: error: ", error, StringComparison.Ordinal);
        Assert.Contains(what, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ANonLinearUse_NamesTheEquationAtItsLine_TheVariable_AndTheRule()
    {
        var (code, _, error) = RunOn("# t is linear\n{ lambda ; s:f64[] lin t:f64[] .\n  let u = mul s t\n      v = sin u\n  in ( v ) }", "check");
        Assert.Equal(1, code);
        Assert.Contains(".ct:4:7: error: not linear: in `v = sin u`, operand 0 (`u`) is linear.", error, StringComparison.Ordinal);
        Assert.Contains("Rule: 'sin' is not a linear primitive", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoLinearFactors_BreakMulsRule()
    {
        var (code, _, error) = RunOn("{ lambda ; lin a:f64[] lin b:f64[] .\n  let c = mul a b\n  in ( c ) }", "transpose");
        Assert.Equal(1, code);
        Assert.Contains(":2:7: error: not linear: in `c = mul a b`, operands 0, 1 (`a`, `b`) are linear.", error, StringComparison.Ordinal);
        Assert.Contains("linear in one operand at a time", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AConstantOutput_OfALinearProgram_IsNamedAsAffine()
    {
        var (code, _, error) = RunOn("{ lambda ; lin a:f64[] .\n  let c = mul a 2.0\n  in ( c, 1.0 ) }", "transpose");
        Assert.Equal(1, code);
        Assert.Contains("output 1 does not depend on a linear input", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "1", "2" }, "expected 1 value")]
    [InlineData(new[] { "[1, 2]" }, "value 1: expected a value of type f64[3], but axis 0 has 2 entries instead of 3")]
    [InlineData(new[] { "[1, 2, x]" }, "'x' is not a number")]
    [InlineData(new[] { "[[1], [2], [3]]" }, "too many levels of brackets")]
    public void WrongValues_SayWhatWasExpected(string[] values, string what)
    {
        var (code, _, error) = RunOn("{ lambda ; x:f64[3] .\n  let y = sin x\n  in ( y ) }", "eval", values);
        Assert.Equal(1, code);
        Assert.Contains(what, error, StringComparison.Ordinal);
    }

    [Fact]
    public void NumPyAndJsonSpellings_AreBothRead()
    {
        var (code, output, _) = RunOn("{ lambda ; x:f64[4] b:bool[2] .\n  let y = neg x\n  in ( y, b ) }", "eval", "[1., -2.5e0, nan, inf,]", "[True, false]");
        Assert.Equal(0, code);
        Assert.Contains("out 0 : f64[4] = [-1.0, 2.5, nan, -inf]", output, StringComparison.Ordinal);
        Assert.Contains("out 1 : bool[2] = [true, false]", output, StringComparison.Ordinal);
    }

    [Fact]
    public void InputsFile_GivesOneValuePerInput()
    {
        var json = Path.GetTempFileName();
        try
        {
            File.WriteAllText(json, "[2.0, [1, 2, 3]]");
            var (code, output, _) = RunOn("{ lambda ; a:f64[] x:f64[3] .\n  let y = mul x a\n  in ( y ) }", "eval", "--inputs", json);
            Assert.Equal(0, code);
            Assert.Contains("out 0 : f64[3] = [2.0, 4.0, 6.0]", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Theory]
    [InlineData(new string[0], "usage")]
    [InlineData(new[] { "frobnicate", "x.ct" }, "unknown command 'frobnicate'")]
    [InlineData(new[] { "grad" }, "give a program file")]
    [InlineData(new[] { "grad", "examples/add.ct", "--stage", "jvp" }, "belong to the dot command")]
    [InlineData(new[] { "dot", "examples/add.ct", "--stage", "nope" }, "unknown stage 'nope'")]
    [InlineData(new[] { "print", "examples/no-such-file.ct" }, "cannot read")]
    public void CommandLineMistakes_ExitWith2(string[] args, string what)
    {
        string cwd = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = Examples.Root;
            var (code, _, error) = Examples.Run(args);
            Assert.Equal(2, code);
            Assert.Contains(what, error, StringComparison.Ordinal);
        }
        finally
        {
            Environment.CurrentDirectory = cwd;
        }
    }

    [Fact]
    public void Grad_OfAProgramWithAVectorOutput_SaysToUseVjp()
    {
        var (code, _, error) = RunOn("{ lambda ; x:f64[3] .\n  let y = sin x\n  in ( y ) }", "grad");
        Assert.Equal(1, code);
        Assert.Contains("one float scalar output", error, StringComparison.Ordinal);
        Assert.Contains("vjp", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_ListsEverySubcommand()
    {
        var (code, output, _) = Examples.Run("--help");
        Assert.Equal(0, code);
        foreach (var c in CommandLine.Commands) Assert.Contains("  " + c + " ", output, StringComparison.Ordinal);
    }

    private static (int Code, string Output, string Error) RunOn(string text, string command, params string[] values)
    {
        var file = Path.Combine(Path.GetTempPath(), $"cotangent-error-test-{Guid.NewGuid():N}.ct");
        File.WriteAllText(file, text);
        try
        {
            return Examples.Run([command, file, .. values]);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
