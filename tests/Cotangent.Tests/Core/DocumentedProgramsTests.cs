using System.Text.RegularExpressions;
using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Tests.Core;

/// <summary>
/// Every program printed in the README and docs/ parses, and prints back exactly as written (issue #8: the text form
/// is lossless for "every program printed in the tests and README"). Constants get zero values of their declared types.
/// </summary>
public partial class DocumentedProgramsTests
{
    [GeneratedRegex(@"\{ lambda (?<consts>[^;]*);")]
    private static partial Regex Header();

    [GeneratedRegex(@"(?<name>[a-z]+):(?<dtype>f64|f32|i32|bool)\[(?<dims>[0-9,]*)\]")]
    private static partial Regex Binder();

    public static TheoryData<string> Files => ["README.md", "docs/ad-in-five-minutes.md", "ARCHITECTURE.md"];

    [Theory]
    [MemberData(nameof(Files))]
    public void PrintedPrograms_ParseAndPrintBackExactly(string file)
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot(), file));
        int found = 0;
        foreach (var block in ProgramBlocks(text))
        {
            found++;
            var constants = new List<Tensor>();
            foreach (Match m in Binder().Matches(Header().Match(block).Groups["consts"].Value))
            {
                ProgramParser.TryDType(m.Groups["dtype"].Value, out var dtype);
                var dims = m.Groups["dims"].Value.Length == 0 ? [] : m.Groups["dims"].Value.Split(',').Select(int.Parse).ToArray();
                constants.Add(new Tensor(NDArray.Zeros(dtype, Shape.Of(dims))));
            }

            var program = Catalogue.ParseProgram(block, constants);
            Assert.Equal(block, program.ToString());
        }

        if (file != "ARCHITECTURE.md") Assert.True(found > 0, $"{file} shows no program");
    }

    /// <summary>Each "{ lambda … }" block, with the indentation of its first line removed from every line.</summary>
    private static IEnumerable<string> ProgramBlocks(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int at = lines[i].IndexOf("{ lambda ", StringComparison.Ordinal);
            if (at < 0 || lines[i].Contains('`', StringComparison.Ordinal)) continue;
            var block = new List<string>();
            for (int k = i; k < lines.Length; k++)
            {
                var line = lines[k].Length >= at ? lines[k][at..] : lines[k].TrimStart();
                block.Add(line);
                if (line.TrimEnd().EndsWith(" ) }", StringComparison.Ordinal)) break;
            }

            yield return string.Join('\n', block).TrimEnd();
        }
    }

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Cotangent.slnx"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("repository root not found");
    }
}
