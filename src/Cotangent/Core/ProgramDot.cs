using System.Globalization;
using System.Text;

namespace Cotangent.Core;

/// <summary>
/// Writes a program as a Graphviz <c>digraph</c>: inputs and outputs as ellipses (linear inputs, and values that
/// depend on them, drawn in blue with dashed edges, so the linear half of a mixed program stands out), equations as
/// boxes labelled with the primitive and its parameters, and an edge per operand labelled with the variable's printed
/// name and type. Nested programs (a scan body, a call) are summarized in their equation's label.
/// </summary>
public static class ProgramDot
{
    /// <summary>The Graphviz text of <paramref name="program"/>, titled <paramref name="title"/>.</summary>
    public static string Write(Program program, string title = "program")
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(title);
        var names = ProgramPrinter.Names(program);
        string Name(Var v) => names.TryGetValue(v, out var n) ? n : "?";
        var linear = new HashSet<Var>();
        for (int i = 0; i < program.Inputs.Count; i++) if (program.LinearInputs[i]) linear.Add(program.Inputs[i]);
        var producer = new Dictionary<Var, string>();
        var sb = new StringBuilder();
        sb.Append("digraph ").Append(Quote(title)).Append(" {\n");
        sb.Append("  rankdir=TB;\n  node [fontname=\"monospace\", fontsize=10];\n  edge [fontname=\"monospace\", fontsize=9];\n");
        for (int i = 0; i < program.ConstVars.Count; i++)
        {
            var c = program.ConstVars[i];
            var id = $"c{i}";
            producer[c] = id;
            sb.Append("  ").Append(id).Append(" [shape=note, label=").Append(Quote($"const {Name(c)}:{c.Aval}")).Append("];\n");
        }

        for (int i = 0; i < program.Inputs.Count; i++)
        {
            var v = program.Inputs[i];
            var id = $"in{i}";
            producer[v] = id;
            bool lin = program.LinearInputs[i];
            sb.Append("  ").Append(id).Append(" [shape=ellipse, label=").Append(Quote($"{(lin ? "lin " : "")}{Name(v)}:{v.Aval}"))
              .Append(lin ? ", color=blue, fontcolor=blue" : "").Append("];\n");
        }

        for (int e = 0; e < program.Equations.Count; e++)
        {
            var eq = program.Equations[e];
            var id = $"e{e}";
            bool lin = false;
            foreach (var a in eq.Inputs) lin |= a is Var v && linear.Contains(v);
            if (lin) foreach (var o in eq.Outputs) linear.Add(o);
            var label = new StringBuilder(eq.Primitive.Name);
            var parameters = ParamsText(eq);
            if (parameters.Length > 0) label.Append('\n').Append(parameters);
            for (int k = 0; k < eq.Inputs.Length; k++)
                if (eq.Inputs[k] is Literal l) label.Append($"\narg {k} = {ProgramPrinter.FormatLiteral(l)}");
            sb.Append("  ").Append(id).Append(" [shape=box, label=").Append(Quote(label.ToString()))
              .Append(lin ? ", color=blue, fontcolor=blue" : "").Append("];\n");
            for (int k = 0; k < eq.Inputs.Length; k++)
                if (eq.Inputs[k] is Var v && producer.TryGetValue(v, out var from))
                    sb.Append("  ").Append(from).Append(" -> ").Append(id).Append(" [label=").Append(Quote($"{Name(v)}:{v.Aval}"))
                      .Append(linear.Contains(v) ? ", color=blue, style=dashed" : "").Append("];\n");
            foreach (var o in eq.Outputs) producer[o] = id;
        }

        for (int i = 0; i < program.Outputs.Count; i++)
        {
            var id = $"out{i}";
            var atom = program.Outputs[i];
            bool lin = atom is Var lv && linear.Contains(lv);
            var text = atom is Var ov ? $"out {i}: {Name(ov)}:{ov.Aval}" : $"out {i}: {ProgramPrinter.FormatLiteral((Literal)atom)}";
            sb.Append("  ").Append(id).Append(" [shape=ellipse, style=bold, label=").Append(Quote(text))
              .Append(lin ? ", color=blue, fontcolor=blue" : "").Append("];\n");
            if (atom is Var v && producer.TryGetValue(v, out var from))
                sb.Append("  ").Append(from).Append(" -> ").Append(id).Append(lin ? " [color=blue, style=dashed]" : "").Append(";\n");
        }

        sb.Append("}\n");
        return sb.ToString();
    }

    // The parameters as the printer writes them, with each nested program shortened to its equation count.
    private static string ParamsText(Equation eq)
    {
        if (eq.Parameters.IsEmpty) return "";
        var inner = ParamWriter.Format(eq.Parameters);
        var sub = eq.Parameters.SubPrograms.ToList();
        if (sub.Count > 0)
        {
            var summary = new StringBuilder();
            int depth = 0, k = 0;
            foreach (char ch in inner)
            {
                if (ch == '{')
                {
                    if (depth++ == 0) summary.Append(CultureInfo.InvariantCulture, $"{{{sub[Math.Min(k++, sub.Count - 1)].Equations.Count} equations}}");
                }
                else if (ch == '}')
                {
                    depth--;
                }
                else if (depth == 0)
                {
                    summary.Append(ch);
                }
            }

            inner = summary.ToString();
        }

        return string.Join(' ', inner.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries));
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
