namespace Cotangent.Cli.Tests;

/// <summary>The README lists one runnable command per subcommand; each is run here as written (exit 0, except the
/// check of the example that is deliberately not linear, which must report it).</summary>
public class ReadmeCommandsTests
{
    private const string Prefix = "dotnet run --project tools/Cotangent.Cli -- ";

    [Fact]
    public void EverySubcommand_HasARunnableReadmeCommand()
    {
        var lines = File.ReadAllLines(Path.Combine(Examples.Root, "README.md")).Where(l => l.StartsWith(Prefix, StringComparison.Ordinal)).ToList();
        var commands = lines.Select(l => Examples.Split(StripComment(l[Prefix.Length..]))).ToList();
        Assert.Equal(CommandLine.Commands.Order(StringComparer.Ordinal), commands.Select(c => c[0]).Distinct().Order(StringComparer.Ordinal));
        var dir = Directory.CreateTempSubdirectory("cotangent-readme-test-");
        string cwd = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = Examples.Root;
            foreach (var args in commands)
            {
                // An output file goes to a temporary folder, not the repository.
                var run = args.Select((a, i) => i > 0 && args[i - 1] == "-o" ? Path.Combine(dir.FullName, a) : a).ToArray();
                var (code, output, error) = Examples.Run(run);
                if (args[0] == "check" && args[1].EndsWith("not-linear.ct", StringComparison.Ordinal))
                {
                    Assert.Equal(1, code);
                    Assert.Contains("not linear", error, StringComparison.Ordinal);
                }
                else if (args[0] == "dot" && code == 1)
                {
                    Assert.Contains("Graphviz's 'dot' is not on the PATH", error, StringComparison.Ordinal);   // no Graphviz here
                }
                else
                {
                    Assert.True(code == 0, $"cotangent {string.Join(' ', args)} exited {code}: {error}");
                    Assert.NotEmpty(output);
                }
            }
        }
        finally
        {
            Environment.CurrentDirectory = cwd;
            dir.Delete(recursive: true);
        }
    }

    private static string StripComment(string line)
    {
        int hash = line.IndexOf("   #", StringComparison.Ordinal);
        return (hash >= 0 ? line[..hash] : line).Trim();
    }
}
