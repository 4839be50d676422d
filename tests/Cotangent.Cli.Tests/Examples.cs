using System.Text;

namespace Cotangent.Cli.Tests;

/// <summary>The repository's example programs (<c>examples/*.ct</c>) and the command lines their comments suggest.</summary>
public static class Examples
{
    /// <summary>The repository root (the folder holding Cotangent.slnx).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The examples folder.</summary>
    public static string Folder => Path.Combine(Root, "examples");

    /// <summary>The example names (file names without .ct), sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = Directory.GetFiles(Path.Combine(FindRoot(), "examples"), "*.ct")
        .Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal).ToList();

    /// <summary>The names as xunit theory data.</summary>
    public static TheoryData<string> All
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var n in Names) data.Add(n);
            return data;
        }
    }

    /// <summary>The path of example <paramref name="name"/>.</summary>
    public static string PathOf(string name) => Path.Combine(Folder, name + ".ct");

    /// <summary>The command lines of the example's <c># run:</c> comments, split as a shell would split them (double quotes group).</summary>
    public static IReadOnlyList<string[]> RunLines(string name)
    {
        var result = new List<string[]>();
        foreach (var line in File.ReadAllLines(PathOf(name)))
        {
            const string prefix = "# run:";
            if (!line.StartsWith(prefix, StringComparison.Ordinal)) continue;
            result.Add(Split(line[prefix.Length..]));
        }

        return result;
    }

    /// <summary>Splits a command line at spaces outside double quotes.</summary>
    public static string[] Split(string line)
    {
        var args = new List<string>();
        var current = new StringBuilder();
        bool quoted = false, any = false;
        foreach (char c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any) args.Add(current.ToString());
                current.Clear();
                any = false;
            }
            else
            {
                current.Append(c);
                any = true;
            }
        }

        if (any) args.Add(current.ToString());
        return [.. args];
    }

    /// <summary>Runs the tool in-process; returns the exit code and what it wrote to standard output and error.</summary>
    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        int code = CommandLine.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cotangent.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Cotangent.slnx not found above " + AppContext.BaseDirectory);
    }
}
