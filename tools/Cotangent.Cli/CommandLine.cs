using System.Diagnostics;
using System.Text;
using Cotangent.Core;
using Cotangent.Transforms;

namespace Cotangent.Cli;

/// <summary>
/// The <c>cotangent</c> command: reads a program file, runs one of the paper's transformations on it and prints the
/// resulting program(s) — checked — and, when values are given, evaluates them. Exit codes: 0 success, 1 the program
/// or the values are wrong (the message says where and why), 2 the command line is wrong.
/// </summary>
public static class CommandLine
{
    /// <summary>The subcommands, in the order the usage lists them.</summary>
    public static IReadOnlyList<string> Commands { get; } = ["print", "check", "eval", "jvp", "linearize", "unzip", "transpose", "vjp", "grad", "dce", "dot"];

    /// <summary>The usage text (<c>cotangent --help</c>).</summary>
    public const string Usage = """
        cotangent — the paper's transformations (JVP, unzip, transpose) on programs written as text.

        usage: cotangent <command> FILE [VALUE ...] [--inputs VALUES.json] [--stage STAGE] [-o OUT]

          print      FILE              parse, type-check and print the program in canonical form
          check      FILE              structure and types; for programs with 'lin' inputs, linearity too
          eval       FILE VALUES       run the program on one value per input
          jvp        FILE [VALUES]     the JVP program (primals, then lin tangents); values: primals then tangents
          linearize  FILE [VALUES]     unzip(jvp(FILE)): the non-linear program with its residual outputs, and the
                                       linear program; values: primals then tangents
          unzip      FILE [VALUES]     split a program with 'lin' inputs (a JVP, say) into its two halves;
                                       values: the program's inputs in order
          transpose  FILE [VALUES]     the transpose of a linear program; values: its non-linear inputs, then one
                                       cotangent per output
          vjp        FILE [VALUES]     the non-linear program and the transposed linear one; values: primals then
                                       one cotangent per float output
          grad       FILE [VALUES]     one program computing the gradient of a scalar program; values: primals
          dce        FILE              dead-code elimination
          dot        FILE [--stage S] [-o OUT.dot|OUT.svg]
                                       Graphviz of a stage: program, jvp, nonlinear, linear, transpose, backward,
                                       grad, dce (an SVG needs Graphviz's 'dot' on the PATH)

        VALUES are JSON or NumPy-style literals, one per input: 2.0  "[1, 2.5, -3]"  "[[1, 0], [0, 1]]"  nan  true.
        --inputs reads them from a file holding a JSON list with one value per input.
        Program text: { lambda ; x:f64[] lin t:f64[3] . let y = sin x  z:f64[3] = mul t y in ( z ) }
        ('lin' marks a linear input; an equation's result type may be left out; '#' starts a comment).
        """;

    private static readonly string[] s_stages = ["program", "jvp", "nonlinear", "linear", "transpose", "backward", "grad", "dce"];

    /// <summary>Runs the command line <paramref name="args"/>, writing results to <paramref name="output"/> and problems to <paramref name="error"/>.</summary>
    /// <returns>The process exit code.</returns>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Count == 0)
        {
            error.Write(Usage);
            return 2;
        }

        if (args[0] is "-h" or "--help" or "help")
        {
            output.Write(Usage);
            return 0;
        }

        var command = args[0];
        if (!Commands.Contains(command))
        {
            error.WriteLine($"cotangent: unknown command '{command}'. Commands: {string.Join(", ", Commands)} (cotangent --help).");
            return 2;
        }

        string? path = null, inputsFile = null, stage = null, outFile = null;
        var values = new List<string>();
        for (int i = 1; i < args.Count; i++)
        {
            var a = args[i];
            string? Next()
            {
                if (i + 1 < args.Count) return args[++i];
                error.WriteLine($"cotangent: {a} needs a value.");
                return null;
            }

            switch (a)
            {
                case "--inputs":
                    if ((inputsFile = Next()) is null) return 2;
                    break;
                case "--stage":
                    if ((stage = Next()) is null) return 2;
                    break;
                case "-o" or "--output":
                    if ((outFile = Next()) is null) return 2;
                    break;
                default:
                    if (a.StartsWith("--", StringComparison.Ordinal))
                    {
                        error.WriteLine($"cotangent: unknown option '{a}' (cotangent --help).");
                        return 2;
                    }

                    if (path is null) path = a;
                    else values.Add(a);
                    break;
            }
        }

        if (path is null)
        {
            error.WriteLine($"cotangent {command}: give a program file (cotangent --help).");
            return 2;
        }

        if (stage is not null && command != "dot" || outFile is not null && command != "dot")
        {
            error.WriteLine($"cotangent {command}: --stage and -o belong to the dot command.");
            return 2;
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
            if (inputsFile is not null) values.AddRange(ValueText.SplitList(File.ReadAllText(inputsFile), inputsFile));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"cotangent: cannot read {ex.Message}");
            return 2;
        }
        catch (ValueException ex)
        {
            error.WriteLine($"cotangent: {ex.Message}");
            return 1;
        }

        var session = new Session(path, output, error);
        try
        {
            var (program, source) = Programs.ParseWithSource(text);
            session.Source = source;
            return command switch
            {
                "print" => session.Print(program),
                "check" => session.Check(program),
                "eval" => session.Eval(program, values),
                "jvp" => session.Jvp(program, values),
                "linearize" => session.Linearize(program, values),
                "unzip" => session.Unzip(program, values),
                "transpose" => session.Transpose(program, values),
                "vjp" => session.Vjp(program, values),
                "grad" => session.Grad(program, values),
                "dce" => session.Dce(program),
                _ => session.Dot(program, stage ?? "program", outFile),
            };
        }
        catch (ProgramParseException ex)
        {
            var message = ex.Message;
            int colon = message.IndexOf(": ", StringComparison.Ordinal);
            if (ex.Line > 0 && colon >= 0) message = message[(colon + 2)..];
            error.WriteLine(ex.Line > 0 ? $"{path}:{ex.Line}:{ex.Column}: error: {message}" : $"{path}: error: {message}");
            return 1;
        }
        catch (ValueException ex)
        {
            error.WriteLine($"{path}: error: {ex.Message}");
            return 1;
        }
        catch (CotangentException ex)
        {
            error.WriteLine($"{path}: error: {FirstParagraph(ex.Message)}");
            return 1;
        }
    }

    // Library messages append the whole program after a blank line or a newline; the tool prints programs itself.
    private static string FirstParagraph(string message)
    {
        int brace = message.IndexOf("\n{ lambda", StringComparison.Ordinal);
        return (brace >= 0 ? message[..brace] : message).TrimEnd();
    }

    private sealed class Session(string path, TextWriter output, TextWriter error)
    {
        public ProgramSource? Source { get; set; }

        public int Print(Program program)
        {
            output.WriteLine(program);
            return 0;
        }

        public int Check(Program program)
        {
            if (Programs.Check(program) is { } violation) return Report(program, violation);
            var linear = Programs.LinearOutputs(program);
            output.WriteLine($"{path}: ok: {program.Equations.Count} equation{(program.Equations.Count == 1 ? "" : "s")}, well-typed.");
            for (int i = 0; i < program.Inputs.Count; i++)
                output.WriteLine($"  input {i}  {NameOf(program.Inputs[i])}:{program.Inputs[i].Aval}{(program.LinearInputs[i] ? "  linear" : "")}");
            for (int i = 0; i < program.Outputs.Count; i++)
                output.WriteLine($"  output {i} {program.Outputs[i].Aval}{(linear[i] ? "  linear" : "")}");
            if (!program.LinearInputs.Contains(true))
                output.WriteLine("  no linear inputs: an ordinary (non-linear) program; jvp, linearize, vjp and grad apply.");
            else if (linear.All(l => l))
                output.WriteLine("  linear in its lin inputs, every output linear: a linear function, so transpose applies.");
            else
                output.WriteLine("  a mixed program: linear in its lin inputs, with non-linear outputs too; unzip splits it.");
            return 0;
        }

        public int Eval(Program program, List<string> values)
        {
            var results = Evaluate(program, values, "the program");
            for (int i = 0; i < results.Length; i++) WriteValue($"out {i}", results[i]);
            return 0;
        }

        public int Jvp(Program program, List<string> values)
        {
            var jvp = Checked(Programs.Jvp(program), mixed: true);
            int outs = program.Outputs.Count;
            output.WriteLine($"# JVP: inputs are the primals, then their tangents (lin); outputs are the {outs} primal output{(outs == 1 ? "" : "s")}, then their tangents, in order");
            output.WriteLine(jvp);
            if (values.Count == 0) return 0;
            var results = Evaluate(jvp, values, "the JVP program (primals, then tangents)");
            output.WriteLine();
            for (int i = 0; i < results.Length; i++) WriteValue(i < outs ? $"primal out {i}" : $"tangent out {i - outs}", results[i]);
            return 0;
        }

        public int Linearize(Program program, List<string> values)
        {
            var jvp = Programs.Jvp(program);
            return WriteUnzipped(Programs.Unzip(jvp), values, "primals, then tangents", jvp);   // linearize = unzip ∘ jvp
        }

        public int Unzip(Program program, List<string> values)
        {
            if (!program.LinearInputs.Contains(true))
            {
                error.WriteLine($"{path}: error: unzip splits a program by its linear inputs, and this one has none: mark the tangent inputs 'lin' (`cotangent jvp` prints such a program), or use linearize.");
                return 1;
            }

            if (Programs.Check(program) is { } violation) return Report(program, violation);
            return WriteUnzipped(Programs.Unzip(program), values, "the program's inputs in order", program);
        }

        private int WriteUnzipped(UnzippedProgram u, List<string> values, string order, Program mixed)
        {
            Checked(u.NonLinear, mixed: false);
            Checked(u.Linear, mixed: false);
            int primalOuts = u.NonLinear.Outputs.Count - u.ResidualCount;
            output.WriteLine($"# non-linear part: outputs are the {primalOuts} non-linear output{(primalOuts == 1 ? "" : "s")}, then {u.ResidualCount} residual{(u.ResidualCount == 1 ? "" : "s")}");
            output.WriteLine(u.NonLinear);
            output.WriteLine($"# linear part: inputs are the {u.ResidualCount} residual{(u.ResidualCount == 1 ? "" : "s")}, then the linear inputs (lin)");
            output.WriteLine(u.Linear);
            if (values.Count == 0) return 0;
            // The values follow the mixed program's inputs; the non-linear ones go to the non-linear part.
            var inputs = ReadAll(mixed, values, order);
            var nonLinearArgs = new List<Tensor>();
            var linearArgs = new List<Tensor>();
            for (int i = 0; i < inputs.Length; i++) (mixed.LinearInputs[i] ? linearArgs : nonLinearArgs).Add(inputs[i]);
            var first = u.NonLinear.Evaluate([.. nonLinearArgs]);
            var residuals = first[primalOuts..];
            var second = u.Linear.Evaluate([.. residuals, .. linearArgs]);
            output.WriteLine();
            for (int i = 0; i < primalOuts; i++) WriteValue($"non-linear out {i}", first[i]);
            for (int i = 0; i < residuals.Length; i++) WriteValue($"residual {i}", residuals[i]);
            for (int i = 0; i < second.Length; i++) WriteValue($"linear out {i}", second[i]);
            return 0;
        }

        public int Transpose(Program program, List<string> values)
        {
            if (!program.LinearInputs.Contains(true))
            {
                error.WriteLine($"{path}: error: transpose needs a linear program: mark its linear inputs 'lin' (e.g. `{{ lambda ; s:f64[] lin t:f64[] . ... }}`); `cotangent linearize` prints the linear part of a program.");
                return 1;
            }

            ProgramChecker.Check(program);
            if (Transposition.FindLinearityViolation(program, requireLinearOutputs: true) is { } violation) return Report(program, violation);
            var t = Checked(Programs.Transpose(program), mixed: false);
            int known = program.LinearInputs.Count(l => !l);
            output.WriteLine($"# transpose: inputs are the {known} non-linear input{(known == 1 ? "" : "s")}, then one cotangent per output (lin); outputs are the cotangents of the linear inputs");
            output.WriteLine(t);
            if (values.Count == 0) return 0;
            var results = Evaluate(t, values, "the transposed program (non-linear inputs, then cotangents)");
            output.WriteLine();
            for (int i = 0; i < results.Length; i++) WriteValue($"cotangent {i}", results[i]);
            return 0;
        }

        public int Vjp(Program program, List<string> values)
        {
            var (nonLinear, backward, residualCount) = Programs.Vjp(program);
            Checked(nonLinear, mixed: false);
            Checked(backward, mixed: false);
            int outs = program.Outputs.Count;
            output.WriteLine($"# forward (non-linear) part: outputs are the {outs} primal output{(outs == 1 ? "" : "s")}, then {residualCount} residual{(residualCount == 1 ? "" : "s")}");
            output.WriteLine(nonLinear);
            output.WriteLine($"# backward part, the transposed linear program: inputs are the {residualCount} residual{(residualCount == 1 ? "" : "s")}, then one cotangent per float output (lin); outputs are one cotangent per float input");
            output.WriteLine(backward);
            if (values.Count == 0) return 0;
            int primals = program.Inputs.Count;
            var avals = new List<Aval>(program.InputAvals());
            foreach (var a in program.OutputAvals()) if (a.IsDifferentiable) avals.Add(a);
            var args = ReadValues(avals, values, "the primals, then one cotangent per float output");
            var first = nonLinear.Evaluate(args.AsSpan(0, primals));
            var second = backward.Evaluate([.. first[outs..], .. args[primals..]]);
            output.WriteLine();
            for (int i = 0; i < outs; i++) WriteValue($"primal out {i}", first[i]);
            for (int i = 0; i < second.Length; i++) WriteValue($"cotangent in {i}", second[i]);
            return 0;
        }

        public int Grad(Program program, List<string> values)
        {
            var g = Checked(Programs.Grad(program), mixed: false);
            output.WriteLine("# gradient: one output per float input");
            output.WriteLine(g);
            if (values.Count == 0) return 0;
            var results = Evaluate(g, values, "the primals");
            output.WriteLine();
            int k = 0;
            for (int i = 0; i < program.Inputs.Count && k < results.Length; i++)
                if (program.Inputs[i].Aval.IsDifferentiable) WriteValue($"d/d{NameOf(program.Inputs[i])}", results[k++]);
            return 0;
        }

        public int Dce(Program program)
        {
            var pruned = Checked(Programs.Dce(program), mixed: true);
            int removed = program.Equations.Count - pruned.Equations.Count;
            output.WriteLine($"# dead-code elimination removed {removed} equation{(removed == 1 ? "" : "s")}");
            output.WriteLine(pruned);
            return 0;
        }

        public int Dot(Program program, string stage, string? outFile)
        {
            if (!s_stages.Contains(stage))
            {
                error.WriteLine($"cotangent dot: unknown stage '{stage}'; stages: {string.Join(", ", s_stages)}.");
                return 2;
            }

            var chosen = stage switch
            {
                "jvp" => Programs.Jvp(program),
                "nonlinear" => Programs.Linearize(program).NonLinear,
                "linear" => Programs.Linearize(program).Linear,
                "transpose" => Programs.Transpose(program),
                "backward" => Programs.Vjp(program).Backward,
                "grad" => Programs.Grad(program),
                "dce" => Programs.Dce(program),
                _ => program,
            };
            var dot = Programs.ToDot(chosen, $"{Path.GetFileNameWithoutExtension(path)} {stage}");
            if (outFile is null)
            {
                output.Write(dot);
                return 0;
            }

            if (!outFile.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
            {
                File.WriteAllText(outFile, dot);
                output.WriteLine($"wrote {outFile}");
                return 0;
            }

            return WriteSvg(dot, outFile);
        }

        private int WriteSvg(string dot, string outFile)
        {
            var info = new ProcessStartInfo("dot", ["-Tsvg", "-o", outFile])
            {
                RedirectStandardInput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            try
            {
                using var process = Process.Start(info)!;
                process.StandardInput.Write(dot);
                process.StandardInput.Close();
                var stderr = process.StandardError.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0)
                {
                    error.WriteLine($"cotangent dot: Graphviz failed: {stderr.Trim()}");
                    return 1;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                var dotFile = Path.ChangeExtension(outFile, ".dot");
                File.WriteAllText(dotFile, dot);
                error.WriteLine($"cotangent dot: Graphviz's 'dot' is not on the PATH (install the graphviz package), so {dotFile} holds the Graphviz text instead of an SVG.");
                return 1;
            }

            output.WriteLine($"wrote {outFile}");
            return 0;
        }

        // Every program the tool prints is checked: structure and types, and linearity for those with linear inputs.
        private static Program Checked(Program program, bool mixed)
        {
            ProgramChecker.Check(program);
            if (program.LinearInputs.Contains(true) && Transposition.FindLinearityViolation(program, requireLinearOutputs: !mixed) is not null)
                Transposition.CheckLinearity(program);
            return program;
        }

        private Tensor[] Evaluate(Program program, List<string> values, string order) => program.Evaluate(ReadAll(program, values, order));

        private static Tensor[] ReadAll(Program program, List<string> values, string order) => ReadValues(program.InputAvals(), values, order);

        private static Tensor[] ReadValues(IReadOnlyList<Aval> avals, List<string> values, string order)
        {
            if (values.Count != avals.Count)
                throw new ValueException($"expected {avals.Count} value{(avals.Count == 1 ? "" : "s")} ({order}: {string.Join(", ", avals)}), got {values.Count}.");
            var result = new Tensor[avals.Count];
            for (int i = 0; i < result.Length; i++) result[i] = ValueText.Read(values[i], avals[i], $"value {i + 1}");
            return result;
        }

        private void WriteValue(string label, Tensor value) => output.WriteLine($"{label} : {value.Aval} = {ValueText.Format(value)}");

        private string NameOf(Var v) => Source is not null && Source.TryGetName(v, out var n) ? n : "?";

        // A linearity violation at the user's line, with the user's names.
        private int Report(Program program, LinearityViolation violation)
        {
            var printed = ProgramPrinter.Names(program);
            string Name(Var v) => Source is not null && Source.TryGetName(v, out var n) ? n : printed.TryGetValue(v, out var p) ? p : "?";
            var where = path;
            var text = "";
            if (violation.Equation is { } eq)
            {
                if (Source is not null && Source.TryGetPosition(eq, out int line, out int column)) where = $"{path}:{line}:{column}";
                text = EquationText(eq, Name);
            }

            error.WriteLine($"{where}: error: not linear: {violation.Describe(Name, text)}");
            return 1;
        }

        private static string EquationText(Equation eq, Func<Var, string> name)
        {
            var sb = new StringBuilder();
            sb.Append(string.Join(' ', eq.Outputs.Select(name))).Append(" = ").Append(eq.Primitive.Name);
            if (!eq.Parameters.IsEmpty) sb.Append('[').Append(ParamWriter.Format(eq.Parameters)).Append(']');
            foreach (var a in eq.Inputs) sb.Append(' ').Append(a is Var v ? name(v) : ProgramPrinter.FormatLiteral((Literal)a));
            return sb.ToString();
        }
    }
}
