namespace Cotangent.Cli;

/// <summary>The <c>cotangent</c> executable.</summary>
public static class EntryPoint
{
    /// <summary>Runs the command line; see <see cref="CommandLine.Usage"/>.</summary>
    public static int Main(string[] args) => CommandLine.Run(args, Console.Out, Console.Error);
}
