using System.Globalization;
using System.Text;
using Cotangent.Runtime;

namespace Cotangent.Core;

/// <summary>
/// Prints programs in a jaxpr-like form, naming variables a, b, …, z, ba, bb, … in order of appearance:
/// <code>
/// { lambda c:f64[] ; a:f64[3] .
///   let b:f64[3] = sin a
///       d:f64[] = reduce_sum[axes=(0)] b
///   in ( d ) }
/// </code>
/// Constants come before the semicolon, inputs after it; linear inputs are marked <c>lin</c>.
/// </summary>
public static class ProgramPrinter
{
    /// <summary>The text of <paramref name="program"/>.</summary>
    public static string Print(Program program)
    {
        var names = new Dictionary<Var, string>();
        string Name(Var v)
        {
            if (!names.TryGetValue(v, out var n))
            {
                n = VarName(names.Count);
                names[v] = n;
            }

            return n;
        }

        string Atom(Atom a) => a switch
        {
            Var v => names.TryGetValue(v, out var n) ? n : "?" + Name(v),
            Literal l => FormatLiteral(l),
            _ => "?",
        };

        var sb = new StringBuilder("{ lambda ");
        foreach (var c in program.ConstVars) sb.Append(Name(c)).Append(':').Append(c.Aval).Append(' ');
        sb.Append("; ");
        for (int i = 0; i < program.Inputs.Count; i++)
        {
            var v = program.Inputs[i];
            if (program.LinearInputs[i]) sb.Append("lin ");
            sb.Append(Name(v)).Append(':').Append(v.Aval).Append(' ');
        }

        sb.Append('.');
        if (program.Equations.Count > 0)
        {
            sb.Append("\n  let ");
            for (int i = 0; i < program.Equations.Count; i++)
            {
                var eq = program.Equations[i];
                if (i > 0) sb.Append("\n      ");
                var inputs = string.Join(' ', eq.Inputs.Select(Atom));
                sb.Append(Name(eq.Output)).Append(':').Append(eq.Output.Aval).Append(" = ").Append(eq.Primitive.Name);
                if (eq.Parameters is not null) sb.Append('[').Append(eq.Parameters).Append(']');
                if (inputs.Length > 0) sb.Append(' ').Append(inputs);
            }
        }

        sb.Append("\n  in ( ").Append(string.Join(", ", program.Outputs.Select(Atom))).Append(" ) }");
        return sb.ToString();
    }

    /// <summary>The printed name of the <paramref name="index"/>-th variable: a … z, ba, bb, ….</summary>
    public static string VarName(int index)
    {
        var chars = new StringBuilder();
        do
        {
            chars.Insert(0, (char)('a' + (index % 26)));
            index /= 26;
        }
        while (index > 0);
        return chars.ToString();
    }

    private static string FormatLiteral(Literal l)
    {
        var v = l.Value.Value;
        var text = v.DType switch
        {
            DType.Bool => v.GetDouble(0) != 0 ? "True" : "False",
            DType.Int32 => v.GetDouble(0).ToString(CultureInfo.InvariantCulture),
            _ => FormatFloat(v.GetDouble(0)),
        };
        return v.DType == DType.Float64 ? text : text + ":" + v.DType.ShortName();
    }

    private static string FormatFloat(double x)
    {
        var s = x.ToString("G8", CultureInfo.InvariantCulture);
        return s.Contains('.', StringComparison.Ordinal) || s.Contains('E', StringComparison.Ordinal) || !double.IsFinite(x) ? s : s + ".0";
    }
}
