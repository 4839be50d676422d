using System.Globalization;
using Cotangent.Tests.Shared;

namespace Cotangent.Cli.Tests;

/// <summary>
/// The tool as a user installs it: <c>dotnet pack</c> the two libraries and the tool into a local feed in a temporary
/// folder, <c>dotnet tool install Cotangent.Cli --add-source</c> that feed into a fresh tool path, write a program in
/// a fresh directory and run <c>cotangent grad</c> and <c>cotangent check</c> on it. Offline: the nuget.config lists
/// only the local feed and the machine's global packages folder, and packages restore into an empty folder, so no
/// stale copy of an earlier run is used. Slow (three Release packs), so it carries the Package trait CI filters on.
/// </summary>
[Trait("Category", "Package")]
public class ToolPackageTests
{
    private const string Version = "0.0.0-tooltest";

    [Fact]
    public void PackedTool_InstallsFromALocalFeed_AndRunsInAFreshDirectory()
    {
        var work = Directory.CreateTempSubdirectory("cotangent-tool-test-");
        try
        {
            var feed = Path.Combine(work.FullName, "feed");
            foreach (var project in new[] { "src/Cotangent.Runtime/Cotangent.Runtime.csproj", "src/Cotangent/Cotangent.csproj", "tools/Cotangent.Cli/Cotangent.Cli.csproj" })
                Run(Examples.Root, "dotnet", ["pack", Path.Combine(Examples.Root, project), "-c", "Release", "-o", feed, $"-p:Version={Version}"], []);
            Assert.True(File.Exists(Path.Combine(feed, $"Cotangent.Cli.{Version}.nupkg")), "Cotangent.Cli.nupkg missing");

            var config = Path.Combine(work.FullName, "nuget.config");
            File.WriteAllText(config, ChildProcess.NuGetConfig(feed));
            var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(work.FullName, "packages") };
            var toolPath = Path.Combine(work.FullName, "tools");
            Run(work.FullName, "dotnet", ["tool", "install", "Cotangent.Cli", "--version", Version, "--tool-path", toolPath, "--configfile", config], env);

            var user = Path.Combine(work.FullName, "user");
            Directory.CreateDirectory(user);
            File.WriteAllText(Path.Combine(user, "f.ct"), """
                # f(x) = sin(x) · x
                { lambda ; x:f64[] .
                  let y = sin x
                      z = mul y x
                  in ( z ) }
                """);
            var cotangent = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "cotangent.exe" : "cotangent");
            var grad = Run(user, cotangent, ["grad", "f.ct", "2.0"], env);
            var line = grad.Split('\n').Single(l => l.StartsWith("d/dx : f64[] = ", StringComparison.Ordinal));
            double value = double.Parse(line["d/dx : f64[] = ".Length..], CultureInfo.InvariantCulture);
            Assert.Equal((Math.Cos(2) * 2) + Math.Sin(2), value, 14);
            Assert.Contains("f.ct: ok: 2 equations", Run(user, cotangent, ["check", "f.ct"], env), StringComparison.Ordinal);
        }
        finally
        {
            try
            {
                work.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A build server may still hold a file; the temp folder is cleaned by the system.
            }
        }
    }

    private static string Run(string directory, string file, string[] args, Dictionary<string, string> env) => ChildProcess.Run(directory, file, args, env);
}
