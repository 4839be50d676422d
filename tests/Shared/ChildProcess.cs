using System.Diagnostics;

namespace Cotangent.Tests.Shared;

/// <summary>
/// Runs the .NET CLI (or an installed tool) as a user would, for the package tests of both test projects: a child
/// process with telemetry off and without the test host's MSBuild settings; failing the test when it fails or hangs.
/// </summary>
internal static class ChildProcess
{
    /// <summary>Runs <paramref name="file"/> in <paramref name="directory"/>; returns its standard output.</summary>
    public static string Run(string directory, string file, string[] args, IReadOnlyDictionary<string, string>? env = null)
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
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) info.Environment[k] = v;
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

    /// <summary>
    /// A nuget.config listing only <paramref name="feed"/> and the machine's global packages folder (for the
    /// libraries' own dependencies), so a restore is offline and takes our packages from the feed.
    /// </summary>
    public static string NuGetConfig(string feed)
    {
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="machine" value="{globalPackages}" />
              </packageSources>
            </configuration>
            """;
    }
}
