using System.Globalization;
using System.Text;
using Cotangent.Core;
using Cotangent.Runtime;

namespace Cotangent.Cli;

/// <summary>A value on the command line or in an inputs file could not be read as the program's input.</summary>
public sealed class ValueException(string message) : Exception(message);

/// <summary>
/// Reads and writes array values as JSON or NumPy-style literals: numbers (<c>2</c>, <c>-1.5e3</c>, <c>nan</c>,
/// <c>inf</c>, <c>-inf</c>; NumPy's <c>1.</c> too), booleans (<c>true</c>/<c>True</c>), and nested lists
/// (<c>[[1, 2], [3, 4]]</c>, a trailing comma allowed). A value must have exactly the shape its input declares.
/// </summary>
public static class ValueText
{
    /// <summary>Reads <paramref name="text"/> as a value of type <paramref name="aval"/>; <paramref name="what"/> names it in errors.</summary>
    public static Tensor Read(string text, Aval aval, string what)
    {
        var reader = new Reader(text, what);
        var node = reader.Value();
        reader.End();
        var dims = aval.Shape.Dims.ToArray();
        var flat = new List<double>();
        Flatten(node, dims, 0, flat, what, aval);
        if (dims.Length == 0) return Tensor.Scalar(flat[0], aval.DType);
        return aval.DType switch
        {
            DType.Float64 => Tensor.FromArray(flat.ToArray(), dims),
            DType.Float32 => Tensor.FromArray(flat.Select(v => (float)v).ToArray(), dims),
            DType.Int32 => Tensor.FromArray(flat.Select(v => checked((int)v)).ToArray(), dims),
            DType.Bool => Tensor.FromArray(flat.Select(v => v != 0).ToArray(), dims),
            _ => throw new ValueException($"{what}: inputs of dtype {aval.DType} cannot be given on the command line."),
        };
    }

    /// <summary>Reads a JSON array holding one value per input (an inputs file).</summary>
    public static IReadOnlyList<string> SplitList(string text, string what)
    {
        var reader = new Reader(text, what);
        if (reader.Value() is not List<object> items) throw new ValueException($"{what}: expected a list with one value per input, e.g. [2.0, [1, 2]].");
        reader.End();
        return items.Select(Write).ToList();
    }

    private static string Write(object node) => node switch
    {
        List<object> list => "[" + string.Join(", ", list.Select(Write)) + "]",
        double d => Format(d),
        _ => "?",
    };

    private static void Flatten(object node, int[] dims, int axis, List<double> flat, string what, Aval aval)
    {
        if (axis == dims.Length)
        {
            if (node is not double d)
                throw new ValueException($"{what}: expected {Describe(aval)}, but found a list where a number belongs (too many levels of brackets).");
            if (aval.DType == DType.Int32 && (d != Math.Floor(d) || double.IsInfinity(d)))
                throw new ValueException($"{what}: expected an integer for an i32 input, found {Format(d)}.");
            flat.Add(d);
            return;
        }

        if (node is not List<object> list)
            throw new ValueException($"{what}: expected {Describe(aval)}, but found a number where a list of {dims[axis]} belongs (axis {axis}).");
        if (list.Count != dims[axis])
            throw new ValueException($"{what}: expected {Describe(aval)}, but axis {axis} has {list.Count} entries instead of {dims[axis]}.");
        foreach (var item in list) Flatten(item, dims, axis + 1, flat, what, aval);
    }

    private static string Describe(Aval aval) => aval.Shape.Rank == 0 ? $"a number ({aval})" : $"a value of type {aval}";

    /// <summary>A value in a stable, round-trip form: shortest round-trip numbers, nested lists for arrays.</summary>
    public static string Format(Tensor value)
    {
        var array = value.Value;
        var sb = new StringBuilder();
        var dims = array.Shape.Dims.ToArray();
        int index = 0;
        void Append(int axis)
        {
            if (axis == dims.Length)
            {
                double v = array.GetDouble(index++);
                sb.Append(array.DType switch
                {
                    DType.Float32 => FormatSingle((float)v),
                    DType.Int32 => ((int)v).ToString(CultureInfo.InvariantCulture),
                    DType.Bool => v != 0 ? "true" : "false",
                    _ => Format(v),
                });
                return;
            }

            sb.Append('[');
            for (int i = 0; i < dims[axis]; i++)
            {
                if (i > 0) sb.Append(", ");
                Append(axis + 1);
            }

            sb.Append(']');
        }

        Append(0);
        return sb.ToString();
    }

    /// <summary>The shortest round-trip form of a double, as program literals write it (<c>2.0</c>, <c>nan</c>, <c>inf</c>, <c>-inf</c>).</summary>
    public static string Format(double v) => ParamWriter.FormatDouble(v);

    private static string FormatSingle(float v) => ParamWriter.FormatSingle(v);

    private sealed class Reader(string text, string what)
    {
        private int _pos;

        public object Value()
        {
            Skip();
            if (_pos >= text.Length) throw Fail("expected a value");
            if (text[_pos] == '[')
            {
                _pos++;
                var list = new List<object>();
                while (true)
                {
                    Skip();
                    if (_pos < text.Length && text[_pos] == ']')
                    {
                        _pos++;
                        return list;
                    }

                    list.Add(Value());
                    Skip();
                    if (_pos < text.Length && text[_pos] == ',') _pos++;
                    else if (_pos >= text.Length || text[_pos] != ']') throw Fail("expected ',' or ']'");
                }
            }

            int start = _pos;
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] is '.' or '-' or '+')) _pos++;
            var token = text[start.._pos];
            if (token.Length == 0) throw Fail($"unexpected '{text[_pos]}'");
            switch (token)
            {
                case "true" or "True": return 1.0;
                case "false" or "False": return 0.0;
                case "nan" or "NaN": return double.NaN;
                case "inf" or "Infinity": return double.PositiveInfinity;
                case "-inf" or "-Infinity": return double.NegativeInfinity;
            }

            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
            _pos = start;
            throw Fail($"'{token}' is not a number");
        }

        public void End()
        {
            Skip();
            if (_pos < text.Length) throw Fail($"unexpected '{text[_pos]}' after the value");
        }

        private void Skip()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private ValueException Fail(string message) => new($"{what}: {message} at character {_pos + 1} of '{text}'.");
    }
}
