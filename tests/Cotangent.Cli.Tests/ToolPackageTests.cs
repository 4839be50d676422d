using System.Diagnostics;
using System.Globalization;

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

            var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            var config = Path.Combine(work.FullName, "nuget.config");
            File.WriteAllText(config, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                    <add key="machine" value="{globalPackages}" />
                  </packageSources>
                </configuration>
                """);
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

    private static string Run(string directory, string file, string[] args, Dictionary<string, string> env)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        // The test host's own MSBuild settings must not leak into the child builds.
        info.Environment.Remove("MSBuildSDKsPath");
        info.Environment.Remove("MSBUILD_EXE_PATH");
        foreach (var (k, v) in env) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} timed out in {directory}");
        }

        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited with {process.ExitCode} in {directory}:\n{stdout.Result}{stderr.Result}");
        return stdout.Result;
    }
}
