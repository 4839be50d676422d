namespace Cotangent.Workloads;

/// <summary>Finds ADBench input files: the small copies in the repository, or a fuller data folder.</summary>
public static class AdBenchData
{
    /// <summary>
    /// The repository's copy (<c>workloads/data/adbench</c>), found by walking up from the running assembly;
    /// null when it cannot be found.
    /// </summary>
    public static string? RepositoryFolder => FindUp(Path.Combine("workloads", "data", "adbench"));

    /// <summary>
    /// The shared folder with every instance (<c>../shared/data/adbench</c> beside the repository), or the
    /// <c>COTANGENT_ADBENCH_DATA</c> environment variable when set; null when absent.
    /// </summary>
    public static string? SharedFolder
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("COTANGENT_ADBENCH_DATA");
            if (!string.IsNullOrEmpty(fromEnvironment)) return Directory.Exists(fromEnvironment) ? fromEnvironment : null;
            return FindUp(Path.Combine("shared", "data", "adbench"));
        }
    }

    /// <summary>The path of <paramref name="relative"/> (e.g. <c>gmm/test.txt</c>) in the repository copy, else the shared folder; null when in neither.</summary>
    public static string? Find(string relative)
    {
        foreach (var folder in new[] { RepositoryFolder, SharedFolder })
        {
            if (folder is null) continue;
            var path = Path.Combine(folder, relative);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>As <see cref="Find"/>, but a missing file is an error naming where it was looked for.</summary>
    /// <exception cref="FileNotFoundException">The file is in neither folder.</exception>
    public static string Require(string relative) =>
        Find(relative) ?? throw new FileNotFoundException(
            $"ADBench input '{relative}' is neither in the repository copy ({RepositoryFolder ?? "not found"}) nor in the shared folder ({SharedFolder ?? "not found"}).");

    private static string? FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
