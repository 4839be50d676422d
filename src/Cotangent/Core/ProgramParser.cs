using System.Globalization;
using Cotangent.Runtime;

namespace Cotangent.Core;

/// <summary>
/// Reads the text <see cref="ProgramPrinter"/> writes back into a <see cref="Program"/>. The grammar:
/// <code>
/// program  := '{' 'lambda' (name ':' type)* ';' (['lin'] name ':' type)* '.' ['let' equation+] 'in' '(' [atom (',' atom)*] ')' '}'
/// equation := (name ':' type)+ '=' primitive ['[' (key '=' value)* ']'] atom*
///           | name '=' primitive ['[' (key '=' value)* ']'] atom*      (one result, its type inferred)
/// type     := dtype '[' [int (',' int)*] ']'              dtype := f64 | f32 | i32 | bool
/// atom     := name | float [':' dtype] | int ':' dtype | ('True' | 'False') ':' 'bool'
/// value    := int | float | 'True' | 'False' | dtype | type | '(' [value (',' value)*] ')' | program
/// </code>
/// Floats are written with a '.' or an exponent, or as <c>nan</c>, <c>inf</c>, <c>-inf</c>. Whitespace
/// and line breaks are free; <c>#</c> starts a comment that runs to the end of the line. Primitive names are looked up through a resolver (the catalogue and the
/// builtins); every equation is type-checked as it is read. Errors are <see cref="ProgramParseException"/>s
/// with the line, the column and what was expected.
/// </summary>
public sealed class ProgramParser
{
    private readonly string _text;
    private readonly Func<string, Primitive?> _resolve;
    private readonly List<Token> _tokens = [];
    private IReadOnlyList<Tensor> _constants = [];
    private int _nextConstant;
    private int _pos;
    private ProgramSource? _source;

    private enum Kind { Name, Number, Punct, End }

    private readonly record struct Token(Kind Kind, string Text, int Line, int Column);

    private ProgramParser(string text, Func<string, Primitive?> resolve)
    {
        _text = text;
        _resolve = resolve;
        Tokenize();
    }

    /// <summary>
    /// Parses <paramref name="text"/>. <paramref name="constants"/> gives the values of the constants
    /// (the variables before a semicolon), in the order they appear in the text — the program's own,
    /// then those of nested programs (<see cref="ConstantsOf"/> lists them in that order); each must
    /// match its declared type.
    /// </summary>
    /// <param name="text">Program text as <see cref="ProgramPrinter.Print"/> writes it.</param>
    /// <param name="resolve">Maps a primitive name to the primitive (null when unknown).</param>
    /// <param name="constants">The constants' values, or null when there are none.</param>
    /// <exception cref="ProgramParseException">The text is not a well-formed, well-typed program.</exception>
    public static Program Parse(string text, Func<string, Primitive?> resolve, IReadOnlyList<Tensor>? constants = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(resolve);
        var parser = new ProgramParser(text, resolve) { _constants = constants ?? [] };
        var program = parser.ParseProgram();
        parser.Finish();
        return program;
    }

    /// <summary>
    /// Parses <paramref name="text"/> as <see cref="Parse"/> does, and also returns where each equation and
    /// variable was written and the names the text gave its variables, so tools can report problems found later
    /// (a linearity error, say) in the user's own terms.
    /// </summary>
    /// <exception cref="ProgramParseException">The text is not a well-formed, well-typed program.</exception>
    public static (Program Program, ProgramSource Source) ParseWithSource(string text, Func<string, Primitive?> resolve, IReadOnlyList<Tensor>? constants = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(resolve);
        var source = new ProgramSource();
        var parser = new ProgramParser(text, resolve) { _constants = constants ?? [], _source = source };
        var program = parser.ParseProgram();
        parser.Finish();
        return (program, source);
    }

    private void Finish()
    {
        var end = Peek();
        if (end.Kind != Kind.End) throw Error(end, "expected the end of the text after the program's closing '}'");
        if (_nextConstant != _constants.Count)
            throw new ProgramParseException($"Program text: {_constants.Count} constant values were given but the text declares {_nextConstant} constants.");
    }

    /// <summary>The constants of <paramref name="program"/> and of the programs nested in it, in the order the text declares them.</summary>
    public static IReadOnlyList<Tensor> ConstantsOf(Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var result = new List<Tensor>();
        void Visit(Program p)
        {
            result.AddRange(p.ConstValues);
            foreach (var eq in p.Equations)
                foreach (var sub in eq.Parameters.SubPrograms) Visit(sub);
        }

        Visit(program);
        return result;
    }

    /// <summary>Reads a dtype name (<c>f64</c>, <c>f32</c>, <c>i32</c>, <c>bool</c>).</summary>
    public static bool TryDType(string name, out DType dtype)
    {
        switch (name)
        {
            case "f64": dtype = DType.Float64; return true;
            case "f32": dtype = DType.Float32; return true;
            case "i32": dtype = DType.Int32; return true;
            case "bool": dtype = DType.Bool; return true;
            default: dtype = default; return false;
        }
    }

    // ---- tokens -------------------------------------------------------------------------------------

    private void Tokenize()
    {
        int line = 1, lineStart = 0, i = 0;
        while (i < _text.Length)
        {
            char c = _text[i];
            if (c == '\n')
            {
                line++;
                lineStart = ++i;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c == '#')
            {
                while (i < _text.Length && _text[i] != '\n') i++;
                continue;
            }

            int start = i, column = i - lineStart + 1;
            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < _text.Length && (char.IsAsciiLetterOrDigit(_text[i]) || _text[i] == '_')) i++;
                _tokens.Add(new Token(Kind.Name, _text[start..i], line, column));
            }
            else if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < _text.Length && (char.IsAsciiDigit(_text[i + 1]) || _text[i + 1] == 'i' || _text[i + 1] == 'n')))
            {
                i++;
                if (c == '-' && !char.IsAsciiDigit(_text[i]))
                {
                    while (i < _text.Length && char.IsAsciiLetter(_text[i])) i++;   // -inf, -nan
                }
                else
                {
                    while (i < _text.Length && (char.IsAsciiDigit(_text[i]) || _text[i] == '.' ||
                           _text[i] is 'e' or 'E' || (_text[i] is '+' or '-' && _text[i - 1] is 'e' or 'E'))) i++;
                }

                _tokens.Add(new Token(Kind.Number, _text[start..i], line, column));
            }
            else if ("{}()[];.:,=".Contains(c, StringComparison.Ordinal))
            {
                i++;
                _tokens.Add(new Token(Kind.Punct, c.ToString(), line, column));
            }
            else
            {
                throw new ProgramParseException(line, column, $"unexpected character '{c}'.");
            }
        }

        _tokens.Add(new Token(Kind.End, "", line, i - lineStart + 1));
    }

    private Token Peek(int ahead = 0) => _tokens[Math.Min(_pos + ahead, _tokens.Count - 1)];

    private Token Take() => _tokens[Math.Min(_pos++, _tokens.Count - 1)];

    private static ProgramParseException Error(Token t, string what) =>
        new(t.Line, t.Column, $"{what}, found {(t.Kind == Kind.End ? "the end of the text" : $"'{t.Text}'")}.");

    private Token Expect(string punct, string what)
    {
        var t = Take();
        if (t.Kind is Kind.Punct or Kind.Name && t.Text == punct) return t;
        throw Error(t, $"expected {what}");
    }

    private bool IsPunct(string punct, int ahead = 0) => Peek(ahead) is { Kind: Kind.Punct } t && t.Text == punct;

    private bool IsName(string name, int ahead = 0) => Peek(ahead) is { Kind: Kind.Name } t && t.Text == name;

    // ---- programs -----------------------------------------------------------------------------------

    private Program ParseProgram()
    {
        int owner = Var.NewOwner(), nextId = 0;
        var scope = new Dictionary<string, Var>();
        Var Define(Token name, Aval aval)
        {
            if (scope.ContainsKey(name.Text)) throw Error(name, $"the variable '{name.Text}' is already defined; expected a new name");
            var v = new Var(aval, owner, nextId++);
            scope[name.Text] = v;
            _source?.AddVar(v, name.Text, name.Line, name.Column);
            return v;
        }

        Expect("{", "'{' to open a program");
        Expect("lambda", "'lambda' after '{'");
        var constVars = new List<Var>();
        var values = new List<Tensor>();
        while (!IsPunct(";"))
        {
            var name = TakeVarName("a constant name or ';'");
            Expect(":", "':' and the constant's type");
            var v = Define(name, ParseType());
            if (_nextConstant >= _constants.Count)
                throw new ProgramParseException(name.Line, name.Column, $"constant '{name.Text}' has no value: only {_constants.Count} constant values were given.");
            var value = _constants[_nextConstant++];
            if (value is null || value.Aval != v.Aval)
                throw new ProgramParseException(name.Line, name.Column, $"constant '{name.Text}' is declared {v.Aval} but its value is {value?.Aval.ToString() ?? "null"}.");
            constVars.Add(v);
            values.Add(value);
        }

        Take();   // ;
        var inputs = new List<Var>();
        var linear = new List<bool>();
        while (!IsPunct("."))
        {
            bool lin = IsName("lin") && Peek(1).Kind == Kind.Name;
            if (lin) Take();
            var name = TakeVarName("an input name or '.'");
            Expect(":", "':' and the input's type");
            inputs.Add(Define(name, ParseType()));
            linear.Add(lin);
        }

        Take();   // .
        var equations = new List<Equation>();
        if (IsName("let"))
        {
            Take();
            do equations.Add(ParseEquation(scope, Define));
            while (!IsName("in"));
        }

        Expect("in", "'in' and the outputs (or another equation)");
        Expect("(", "'(' before the outputs");
        var outputs = new List<Atom>();
        while (!IsPunct(")"))
        {
            if (outputs.Count > 0) Expect(",", "',' between outputs");
            outputs.Add(ParseAtom(scope));
        }

        Take();   // )
        Expect("}", "'}' to close the program");

        return new Program(inputs, constVars, values, equations, outputs, linear);
    }

    private Token TakeVarName(string what)
    {
        var t = Take();
        if (t.Kind != Kind.Name || t.Text is "True" or "False") throw Error(t, $"expected {what}");
        return t;
    }

    private Aval ParseType()
    {
        var t = Take();
        if (t.Kind != Kind.Name || !TryDType(t.Text, out var dtype)) throw Error(t, "expected a dtype (f64, f32, i32, bool)");
        return new Aval(ParseDims(), dtype);
    }

    private Shape ParseDims()
    {
        Expect("[", "'[' and the dimensions");
        var dims = new List<int>();
        while (!IsPunct("]"))
        {
            if (dims.Count > 0) Expect(",", "',' between dimensions");
            var t = Take();
            if (t.Kind != Kind.Number || !int.TryParse(t.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var d))
                throw Error(t, "expected a non-negative dimension");
            dims.Add(d);
        }

        Take();
        return Shape.Of(dims.ToArray());
    }

    private Equation ParseEquation(Dictionary<string, Var> scope, Func<Token, Aval, Var> define)
    {
        var first = Peek();
        var names = new List<(Token Name, Aval? Aval)>();
        if (Peek().Kind == Kind.Name && IsPunct("=", 1))
        {
            names.Add((TakeVarName("a variable name to define"), null));   // one result, its type inferred
        }
        else
        {
            do
            {
                var name = TakeVarName("a variable name to define");
                Expect(":", "':' and the variable's type (or '=' for one result whose type is inferred)");
                names.Add((name, ParseType()));
            }
            while (!IsPunct("="));
        }

        Take();   // =
        var primToken = Take();
        if (primToken.Kind != Kind.Name) throw Error(primToken, "expected a primitive name");
        var primitive = _resolve(primToken.Text) ?? throw Error(primToken, "expected the name of a known primitive");
        var pairs = new List<(string, ParamValue)>();
        var keys = new List<(int Line, int Column)>();
        if (IsPunct("["))
        {
            Take();
            while (!IsPunct("]"))
            {
                var key = Take();
                if (key.Kind != Kind.Name) throw Error(key, "expected a parameter name or ']'");
                Expect("=", $"'=' after the parameter name '{key.Text}'");
                pairs.Add((key.Text, ParseValue()));
                keys.Add((key.Line, key.Column));
            }

            Take();
        }

        Params parameters;
        var reader = new ParamReader(primitive.Name, pairs, keys, primToken.Line, primToken.Column);
        parameters = primitive.ReadParams(reader);
        reader.Finish();

        var inputs = new List<Atom>();
        // Operands run until 'in' or the next equation ("name :" or "name ="; literals such as True:bool or nan:f32 are
        // not names).
        while (Peek().Kind != Kind.End && !IsName("in") &&
               !(Peek().Kind == Kind.Name && (IsPunct(":", 1) || IsPunct("=", 1)) && Peek().Text is not ("True" or "False" or "nan" or "inf")))
            inputs.Add(ParseAtom(scope));

        var avals = new Aval[inputs.Count];
        for (int i = 0; i < avals.Length; i++) avals[i] = inputs[i].Aval;
        Aval[] results;
        try
        {
            results = primitive.ResultAvals(avals, parameters);
        }
        catch (CotangentException ex)
        {
            throw new ProgramParseException(primToken.Line, primToken.Column, $"{primitive.Name} is ill-typed here: {ex.Message}");
        }

        if (results.Length != names.Count)
            throw new ProgramParseException(first.Line, first.Column, $"{primitive.Name} has {results.Length} results here but {names.Count} variables are defined.");
        var outputs = new Var[names.Count];
        for (int i = 0; i < outputs.Length; i++)
        {
            if (names[i].Aval is { } declared && results[i] != declared)
                throw new ProgramParseException(names[i].Name.Line, names[i].Name.Column, $"'{names[i].Name.Text}' is declared {declared} but {primitive.Name} gives {results[i]}.");
            outputs[i] = define(names[i].Name, results[i]);
        }

        var equation = new Equation(primitive, inputs.ToArray(), outputs, parameters);
        _source?.AddEquation(equation, first.Line, first.Column);
        return equation;
    }

    private Atom ParseAtom(Dictionary<string, Var> scope)
    {
        var t = Peek();
        if (t.Kind == Kind.Name && t.Text is not ("True" or "False" or "nan" or "inf"))
        {
            Take();
            return scope.TryGetValue(t.Text, out var v) ? v : throw Error(t, "expected a defined variable or a literal");
        }

        return ParseLiteral();
    }

    private Literal ParseLiteral()
    {
        var t = Take();
        DType dtype = DType.Float64;
        if (IsPunct(":"))
        {
            Take();
            var d = Take();
            if (d.Kind != Kind.Name || !TryDType(d.Text, out dtype)) throw Error(d, "expected the literal's dtype (f32, i32, bool)");
        }

        double value;
        if (t.Kind == Kind.Name && t.Text is "True" or "False")
        {
            if (dtype != DType.Bool) throw Error(t, "expected True:bool or False:bool");
            value = t.Text == "True" ? 1 : 0;
        }
        else if (t.Kind is Kind.Number or Kind.Name && TryNumber(t.Text, out value, out bool isFloat))
        {
            if (dtype == DType.Bool) throw Error(t, "expected True or False for a bool literal");
            if (dtype == DType.Int32 && (isFloat || value is < int.MinValue or > int.MaxValue)) throw Error(t, "expected a 32-bit integer for an i32 literal");
            if (dtype.IsFloat() && !isFloat) throw Error(t, "expected a float literal with a '.' (e.g. 3.0), or an int literal with its dtype (3:i32)");
        }
        else
        {
            throw Error(t, "expected a variable or a literal");
        }

        return new Literal(Tensor.Scalar(value, dtype));
    }

    private static bool TryNumber(string text, out double value, out bool isFloat)
    {
        switch (text)
        {
            case "nan" or "-nan": value = double.NaN; isFloat = true; return true;
            case "inf": value = double.PositiveInfinity; isFloat = true; return true;
            case "-inf": value = double.NegativeInfinity; isFloat = true; return true;
        }

        isFloat = text.Contains('.', StringComparison.Ordinal) || text.Contains('e', StringComparison.OrdinalIgnoreCase);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private ParamValue ParseValue()
    {
        var t = Peek();
        if (IsPunct("{")) return new ProgramValue(ParseProgram(), t.Line, t.Column);
        if (IsPunct("("))
        {
            Take();
            var items = new List<ParamValue>();
            while (!IsPunct(")"))
            {
                if (items.Count > 0) Expect(",", "',' between tuple items");
                items.Add(ParseValue());
            }

            Take();
            return new TupleValue(items, t.Line, t.Column);
        }

        Take();
        if (t.Kind == Kind.Name)
        {
            if (t.Text is "True" or "False") return new BoolValue(t.Text == "True", t.Line, t.Column);
            if (t.Text is "nan" or "inf") return new FloatValue(t.Text == "nan" ? double.NaN : double.PositiveInfinity, t.Line, t.Column);
            if (IsPunct("[") && TryDType(t.Text, out var dtype)) return new AvalValue(new Aval(ParseDims(), dtype), t.Line, t.Column);
            return new NameValue(t.Text, t.Line, t.Column);
        }

        if (t.Kind == Kind.Number && TryNumber(t.Text, out var value, out bool isFloat))
        {
            if (isFloat) return new FloatValue(value, t.Line, t.Column);
            return long.TryParse(t.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                ? new IntValue(n, t.Line, t.Column)
                : throw Error(t, "expected an integer that fits in 64 bits");
        }

        throw Error(t, "expected a parameter value");
    }
}
