using System.Text;
using Cotangent.Runtime;

namespace Cotangent.Core;

/// <summary>
/// Prints programs in a jaxpr-like, lossless text form that <see cref="ProgramParser"/> reads back:
/// <code>
/// { lambda c:f64[] ; a:f64[3] .
///   let b:f64[3] = sin a
///       d:f64[] = reduce_sum[axes=(0)] b
///   in ( d ) }
/// </code>
/// Constants come before the semicolon (with their types; their values travel beside the text),
/// inputs after it, linear inputs marked <c>lin</c>. Variables are named a, b, …, z, ba, bb, … in order
/// of appearance, skipping the keywords; a nested program (a parameter) continues the naming, so every
/// name in a text is unique. Literals are written in their shortest round-trip form with their dtype
/// (<c>2.0</c> is f64, <c>2.0:f32</c>, <c>3:i32</c>, <c>True:bool</c>); parameters as
/// <c>key=value</c> (see <see cref="ParamWriter"/>); an equation with several results lists them before
/// the <c>=</c>.
/// </summary>
public static class ProgramPrinter
{
    // Names the parser reserves; the naming skips them.
    private static readonly HashSet<string> s_keywords = ["lambda", "let", "in", "lin", "nan", "inf"];

    /// <summary>The naming state shared by a program and the programs nested in it.</summary>
    internal sealed class Context
    {
        private readonly Dictionary<Var, string> _names = [];
        private readonly IEnumerator<string> _fresh = VarNames().GetEnumerator();

        // Every definition takes a fresh name, also for a variable seen before: the same nested program may appear
        // in two equations (custom_linear and its transpose hold each other's programs), and the text must name each
        // occurrence as parsing it back would. A closed program defines each variable before using it.
        public string Define(Var v)
        {
            _fresh.MoveNext();
            var n = _fresh.Current;
            _names[v] = n;
            return n;
        }

        public string Use(Var v) => _names.TryGetValue(v, out var n) ? n : "?" + Define(v);

        public IReadOnlyDictionary<Var, string> Names => _names;
    }

    /// <summary>The text of <paramref name="program"/>.</summary>
    public static string Print(Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var sb = new StringBuilder();
        Append(sb, program, new Context(), 0);
        return sb.ToString();
    }

    /// <summary>
    /// The names <see cref="Print"/> gives the variables of <paramref name="program"/> (nested programs' included), so
    /// a message can name a variable as the printed text does.
    /// </summary>
    public static IReadOnlyDictionary<Var, string> Names(Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var context = new Context();
        Append(new StringBuilder(), program, context, 0);
        return context.Names;
    }

    /// <summary>Appends <paramref name="program"/>, with its body lines indented by <paramref name="indent"/> more spaces.</summary>
    internal static void Append(StringBuilder sb, Program program, Context context, int indent)
    {
        var pad = new string(' ', indent);
        sb.Append("{ lambda ");
        foreach (var c in program.ConstVars) sb.Append(context.Define(c)).Append(':').Append(c.Aval).Append(' ');
        sb.Append("; ");
        for (int i = 0; i < program.Inputs.Count; i++)
        {
            var v = program.Inputs[i];
            if (program.LinearInputs[i]) sb.Append("lin ");
            sb.Append(context.Define(v)).Append(':').Append(v.Aval).Append(' ');
        }

        sb.Append('.');
        if (program.Equations.Count > 0)
        {
            sb.Append('\n').Append(pad).Append("  let ");
            for (int i = 0; i < program.Equations.Count; i++)
            {
                var eq = program.Equations[i];
                if (i > 0) sb.Append('\n').Append(pad).Append("      ");
                // Inputs are named before outputs are defined, so a (malformed) self-reference prints as "?x".
                var inputs = new string[eq.Inputs.Length];
                for (int k = 0; k < inputs.Length; k++) inputs[k] = Atom(eq.Inputs[k], context);
                for (int k = 0; k < eq.Outputs.Length; k++)
                {
                    if (k > 0) sb.Append(' ');
                    sb.Append(context.Define(eq.Outputs[k])).Append(':').Append(eq.Outputs[k].Aval);
                }

                sb.Append(" = ").Append(eq.Primitive.Name);
                if (!eq.Parameters.IsEmpty)
                {
                    sb.Append('[');
                    eq.Parameters.Write(new ParamWriter(sb, context, indent + 6));
                    sb.Append(']');
                }

                foreach (var a in inputs) sb.Append(' ').Append(a);
            }
        }

        sb.Append('\n').Append(pad).Append("  in ( ");
        for (int i = 0; i < program.Outputs.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(Atom(program.Outputs[i], context));
        }

        sb.Append(" ) }");
    }

    private static string Atom(Atom a, Context context) => a switch
    {
        Var v => context.Use(v),
        Literal l => FormatLiteral(l),
        _ => "?",
    };

    /// <summary>The <paramref name="index"/>-th name the printer gives: a … z, ba, bb, …, skipping the keywords.</summary>
    public static string VarName(int index) => VarNames().ElementAt(index);

    /// <summary>The names the printer gives, in order: a … z, ba, bb, …, skipping the keywords.</summary>
    public static IEnumerable<string> VarNames()
    {
        for (int raw = 0; ; raw++)
        {
            var n = RawName(raw);
            if (!s_keywords.Contains(n)) yield return n;
        }
    }

    private static string RawName(int index)
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

    /// <summary>A literal in its shortest round-trip form, with its dtype unless it is f64.</summary>
    public static string FormatLiteral(Literal literal)
    {
        ArgumentNullException.ThrowIfNull(literal);
        var v = literal.Value.Value;
        return v.DType switch
        {
            DType.Float64 => ParamWriter.FormatDouble(v.GetDouble(0)),
            DType.Float32 => ParamWriter.FormatSingle((float)v.GetDouble(0)) + ":f32",
            DType.Int32 => ((int)v.GetDouble(0)).ToString(System.Globalization.CultureInfo.InvariantCulture) + ":i32",
            DType.Bool => (v.GetDouble(0) != 0 ? "True" : "False") + ":bool",
            _ => throw new NotSupportedException($"No literal form for {v.DType}."),
        };
    }
}
