using System.Globalization;

namespace Cotangent.Workloads;

/// <summary>Reads the whitespace-separated numbers of an ADBench input file, in order.</summary>
internal sealed class TokenReader
{
    private readonly string[] _tokens;
    private int _next;

    public TokenReader(string path, params char[] extraSeparators)
    {
        char[] separators = [' ', '\t', '\r', '\n', .. extraSeparators];
        _tokens = File.ReadAllText(path).Split(separators, StringSplitOptions.RemoveEmptyEntries);
    }

    public bool AtEnd => _next >= _tokens.Length;

    public string NextToken()
    {
        if (_next >= _tokens.Length) throw new FormatException("ADBench input ended early.");
        return _tokens[_next++];
    }

    public int NextInt() => int.Parse(NextToken(), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public double NextDouble() => double.Parse(NextToken(), NumberStyles.Float, CultureInfo.InvariantCulture);

    public double[] NextDoubles(int count)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = NextDouble();
        return values;
    }
}
