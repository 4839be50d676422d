using System.Globalization;
using Cotangent.Tests.Api;
using Cotangent.Tests.Shared;

namespace Cotangent.Tests.Packaging;

/// <summary>
/// The packages as a user meets them: <c>dotnet pack</c> both libraries into a local feed in a temporary folder,
/// create a fresh console project outside the repository, <c>dotnet add package Cotangent</c> from that feed and run a
/// Grad. Offline: the consumer's nuget.config lists only the local feed and the machine's global packages folder (for
/// System.Numerics.Tensors), and it restores into its own empty packages folder, so no stale cached copy of a
/// previous run is used. Slow (it builds in Release), so it has a trait to filter on; CI runs it.
/// </summary>
[Trait("Category", "Package")]
public class PackageTests
{
    private const string Version = "0.0.0-packagetest";

    [Fact]
    public void PackedPackages_InstallIntoAFreshConsoleProject_AndRunAGrad()
    {
        var root = UsabilityTests.RepoRoot();
        var work = Directory.CreateTempSubdirectory("cotangent-package-test-");
        try
        {
            var feed = Path.Combine(work.FullName, "feed");
            foreach (var project in new[] { "src/Cotangent.Runtime/Cotangent.Runtime.csproj", "src/Cotangent/Cotangent.csproj" })
                Run(root, "dotnet", "pack", Path.Combine(root, project), "-c", "Release", "-o", feed, $"-p:Version={Version}");

            foreach (var id in new[] { "Cotangent", "Cotangent.Runtime" })
            {
                Assert.True(File.Exists(Path.Combine(feed, $"{id}.{Version}.nupkg")), $"{id}.nupkg missing");
                Assert.True(File.Exists(Path.Combine(feed, $"{id}.{Version}.snupkg")), $"{id}.snupkg (symbols) missing");
            }

            var nuspec = ReadNuspec(Path.Combine(feed, $"Cotangent.{Version}.nupkg"));
            Assert.DoesNotContain("Package Description", nuspec, StringComparison.Ordinal);
            Assert.Contains("<license type=\"expression\">", nuspec, StringComparison.Ordinal);
            Assert.Contains("<readme>README.md</readme>", nuspec, StringComparison.Ordinal);
            Assert.Contains($"<dependency id=\"Cotangent.Runtime\" version=\"{Version}\"", nuspec, StringComparison.Ordinal);

            var app = Path.Combine(work.FullName, "app");
            Directory.CreateDirectory(app);
            File.WriteAllText(Path.Combine(app, "nuget.config"), ChildProcess.NuGetConfig(feed));
            var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(work.FullName, "packages") };
            Run(app, "dotnet", ["new", "console", "--framework", "net10.0", "--name", "App", "--output", ".", "--no-restore"], env);
            Run(app, "dotnet", ["add", "package", "Cotangent", "--version", Version], env);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using System.Globalization;
                using Cotangent;
                using static Cotangent.Np;

                var g = Ad.Grad<Tensor>(x => Sum(Sin(x) * x))(Array(0.5, 1.0, 2.0));
                Console.WriteLine(string.Join(" ", g.ToArray<double>().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
                """);
            var output = Run(app, "dotnet", ["run", "-c", "Release"], env).Trim().Split('\n')[^1];

            var values = output.Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            double[] x = [0.5, 1.0, 2.0];
            Assert.Equal(3, values.Length);
            for (int i = 0; i < 3; i++) Assert.Equal((Math.Cos(x[i]) * x[i]) + Math.Sin(x[i]), values[i], 12);
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

    private static string ReadNuspec(string nupkg)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(nupkg);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    private static string Run(string directory, string file, params string[] args) => ChildProcess.Run(directory, file, args);

    private static string Run(string directory, string file, string[] args, Dictionary<string, string> env) => ChildProcess.Run(directory, file, args, env);
}
