using System.Text;

namespace Cotangent.Cli.Tests;

/// <summary>
/// Every subcommand on every example, and the command lines the examples' <c># run:</c> comments suggest, against
/// the transcripts in <c>examples/expected</c> (what the tool printed, its errors and its exit code). A change in
/// any stage's output fails here; after an intended change, regenerate with <c>COTANGENT_UPDATE_GOLDEN=1 dotnet test
/// tests/Cotangent.Cli.Tests</c> and review the diff.
/// </summary>
public class GoldenTests
{
    [Theory]
    [MemberData(nameof(Examples.All), MemberType = typeof(Examples))]
    public void EverySubcommand_OnTheExample_PrintsTheExpectedTranscript(string name)
    {
        var transcript = Transcript(name);
        var expectedPath = Path.Combine(Examples.Folder, "expected", name + ".txt");
        if (Environment.GetEnvironmentVariable("COTANGENT_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(expectedPath)!);
            File.WriteAllText(expectedPath, transcript);
        }

        Assert.True(File.Exists(expectedPath), $"{expectedPath} is missing (COTANGENT_UPDATE_GOLDEN=1 writes it).");
        var expected = File.ReadAllText(expectedPath).ReplaceLineEndings("\n");
        Assert.Equal(expected, transcript);
    }

    [Fact]
    public void EveryExample_HasATranscript_AndEveryTranscriptAnExample()
    {
        var transcripts = Directory.GetFiles(Path.Combine(Examples.Folder, "expected"), "*.txt").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.Equal(Examples.Names, transcripts);
        Assert.True(Examples.Names.Count >= 20, "the issue asks for the prototype's examples and a dozen more");
    }

    /// <summary>The transcript: each command line as a user types it (relative to the repository), then its output.</summary>
    private static string Transcript(string name)
    {
        var file = "examples/" + name + ".ct";
        var sb = new StringBuilder();
        var lines = CommandLine.Commands.Select(c => new[] { c, file }).Concat(Examples.RunLines(name).Select(r => (string[])[r[0], file, .. r[1..]]));
        string cwd = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = Examples.Root;
            foreach (var args in lines)
            {
                sb.Append("$ cotangent ").Append(string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a))).Append('\n');
                var (code, output, error) = Examples.Run(args);
                sb.Append(output);
                if (error.Length > 0) sb.Append("[stderr] ").Append(error);
                sb.Append("[exit ").Append(code).Append("]\n\n");
            }
        }
        finally
        {
            Environment.CurrentDirectory = cwd;
        }

        return sb.ToString();
    }
}
