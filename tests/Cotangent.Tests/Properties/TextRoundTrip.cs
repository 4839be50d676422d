using Cotangent.Core;
using Cotangent.Primitives;

namespace Cotangent.Tests.Properties;

/// <summary>The round-trip check of the program text form: print → parse → print is the identity, and parse → eval equals eval.</summary>
internal static class TextRoundTrip
{
    /// <summary>Checks <paramref name="program"/> on <paramref name="inputs"/>; throws <see cref="PropertyException"/> naming <paramref name="what"/>.</summary>
    public static Program Check(Program program, Tensor[] inputs, string what)
    {
        var text = program.ToString();
        Program parsed;
        try
        {
            parsed = Catalogue.ParseProgram(text, ProgramParser.ConstantsOf(program));
        }
        catch (ProgramParseException ex)
        {
            throw new PropertyException($"{what} does not parse back: {ex.Message}\n{text}", ex);
        }

        var again = parsed.ToString();
        if (again != text) throw new PropertyException($"{what}: print → parse → print changed the text:\n{text}\n--- became ---\n{again}");
        ProgramChecker.Check(parsed);
        for (int i = 0; i < program.Inputs.Count; i++)
            if (parsed.LinearInputs[i] != program.LinearInputs[i]) throw new PropertyException($"{what}: input {i} lost its linearity flag");
        var expected = program.Evaluate(inputs);
        var actual = parsed.Evaluate(inputs);
        for (int i = 0; i < expected.Length; i++)
            Numerics.AssertBitwiseEqual(expected[i], actual[i], $"{what}: output {i} of the parsed program vs the original");
        return parsed;
    }
}
