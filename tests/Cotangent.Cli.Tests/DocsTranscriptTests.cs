namespace Cotangent.Cli.Tests;

/// <summary>
/// The walkthrough (docs/paper-tool.md) shows the tool's real output: each <c>console</c> block's command is run and
/// what it prints (standard output, then standard error) must be the block's text.
/// </summary>
public class DocsTranscriptTests
{
    public static TheoryData<int> Blocks
    {
        get
        {
            var data = new TheoryData<int>();
            for (int i = 0; i < ConsoleBlocks().Count; i++) data.Add(i);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void ConsoleBlock_IsWhatTheToolPrints(int index)
    {
        var (command, expected) = ConsoleBlocks()[index];
        string cwd = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = Examples.Root;
            var (_, output, error) = Examples.Run(Examples.Split(command));
            Assert.Equal(expected.TrimEnd(), (output + error).TrimEnd());
        }
        finally
        {
            Environment.CurrentDirectory = cwd;
        }
    }

    [Fact]
    public void TheWalkthrough_ShowsEveryStage()
    {
        var commands = ConsoleBlocks().Select(b => b.Command.Split(' ')[0]).ToHashSet();
        foreach (var c in new[] { "print", "jvp", "linearize", "unzip", "transpose", "vjp", "grad", "check" }) Assert.Contains(c, commands);
    }

    private static List<(string Command, string Output)> ConsoleBlocks()
    {
        var lines = File.ReadAllLines(Path.Combine(Examples.Root, "docs", "paper-tool.md"));
        var blocks = new List<(string, string)>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i] != "```console") continue;
            const string prompt = "$ cotangent ";
            Assert.StartsWith(prompt, lines[i + 1], StringComparison.Ordinal);
            var command = lines[i + 1][prompt.Length..];
            var output = new List<string>();
            for (i += 2; lines[i] != "```"; i++) output.Add(lines[i]);
            blocks.Add((command, string.Join('\n', output)));
        }

        return blocks;
    }
}
