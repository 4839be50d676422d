using Cotangent.Runtime;

namespace Cotangent.Core;

/// <summary>A parameter value as read from program text, with its position for error messages.</summary>
public abstract record ParamValue(int Line, int Column)
{
    /// <summary>What the value is, for "expected … but found …" messages.</summary>
    public abstract string Kind { get; }
}

/// <summary>An integer.</summary>
public sealed record IntValue(long Value, int Line, int Column) : ParamValue(Line, Column)
{
    /// <inheritdoc/>
    public override string Kind => "an integer";
}

/// <summary>A float (with a '.', an exponent, or one of nan/inf).</summary>
public sealed record FloatValue(double Value, int Line, int Column) : ParamValue(Line, Column)
{
    /// <inheritdoc/>
    public override string Kind => "a float";
}

/// <summary><c>True</c> or <c>False</c>.</summary>
public sealed record BoolValue(bool Value, int Line, int Column) : ParamValue(Line, Column)
{
    /// <inheritdoc/>
    public override string Kind => "a boolean";
}

/// <summary>A bare name such as a dtype (<c>f64</c>).</summary>
public sealed record NameValue(string Name, int Line, int Column) : ParamValue(Line, Column)
{
    /// <inheritdoc/>
    public override string Kind => $"the name '{Name}'";
}

/// <summary>An aval such as <c>f64[3,4]</c>.</summary>
public sealed record AvalValue(Aval Aval, int Line, int Column) : ParamValue(Line, Column)
{
    /// <inheritdoc/>
    public override string Kind => "a type";
}

/// <summary>A parenthesized tuple.</summary>
public sealed record TupleValue(IReadOnlyList<ParamValue> Items, int Line, int Column) : ParamValue(Line, Column)
{
    /// <inheritdoc/>
    public override string Kind => "a tuple";
}

/// <summary>A nested program.</summary>
public sealed record ProgramValue(Program Program, int Line, int Column) : ParamValue(Line, Column)
{
    /// <inheritdoc/>
    public override string Kind => "a program";
}

/// <summary>
/// Reads the <c>key=value</c> pairs of one equation in the order <see cref="Params.Write"/> wrote them;
/// every mismatch is a <see cref="ProgramParseException"/> at the offending position.
/// </summary>
public sealed class ParamReader
{
    private readonly IReadOnlyList<(string Key, ParamValue Value)> _pairs;
    private readonly IReadOnlyList<(int Line, int Column)> _keys;
    private readonly string _primitive;
    private readonly int _line;
    private readonly int _column;
    private int _next;

    internal ParamReader(string primitive, IReadOnlyList<(string Key, ParamValue Value)> pairs, IReadOnlyList<(int Line, int Column)> keys, int line, int column)
    {
        _primitive = primitive;
        _pairs = pairs;
        _keys = keys;
        _line = line;
        _column = column;
    }

    /// <summary>Throws unless every pair was read.</summary>
    internal void Finish()
    {
        if (_next < _pairs.Count)
        {
            var key = _pairs[_next].Key;
            throw new ProgramParseException(_keys[_next].Line, _keys[_next].Column, $"{_primitive} has no parameter '{key}' here.");
        }
    }

    private ParamValue Next(string key)
    {
        if (_next >= _pairs.Count)
            throw new ProgramParseException(_line, _column, $"{_primitive} expects the parameter '{key}'.");
        var (k, v) = _pairs[_next];
        if (k != key) throw new ProgramParseException(_keys[_next].Line, _keys[_next].Column, $"{_primitive} expects the parameter '{key}' here, found '{k}'.");
        _next++;
        return v;
    }

    private static ProgramParseException Expected(ParamValue v, string what, string key) =>
        new(v.Line, v.Column, $"parameter '{key}' expects {what}, found {v.Kind}.");

    /// <summary>An integer.</summary>
    public int Int(string key)
    {
        var v = Next(key);
        return v is IntValue { Value: >= int.MinValue and <= int.MaxValue } i ? (int)i.Value : throw Expected(v, "a 32-bit integer", key);
    }

    /// <summary>A boolean.</summary>
    public bool Bool(string key) => Next(key) is var v && v is BoolValue b ? b.Value : throw Expected(v, "True or False", key);

    /// <summary>A float (an integer is accepted too).</summary>
    public double Double(string key)
    {
        var v = Next(key);
        return v switch
        {
            FloatValue f => f.Value,
            IntValue i => i.Value,
            _ => throw Expected(v, "a number", key),
        };
    }

    /// <summary>A tuple of integers.</summary>
    public int[] Ints(string key)
    {
        var v = Next(key);
        if (v is not TupleValue t) throw Expected(v, "a tuple of integers such as (0,1)", key);
        var result = new int[t.Items.Count];
        for (int i = 0; i < result.Length; i++)
            result[i] = t.Items[i] is IntValue { Value: >= int.MinValue and <= int.MaxValue } n ? (int)n.Value : throw Expected(t.Items[i], "an integer", key);
        return result;
    }

    /// <summary>A shape, written as a tuple of extents.</summary>
    public Shape Shape(string key)
    {
        var dims = Ints(key);
        foreach (var d in dims)
            if (d < 0) throw new ProgramParseException(_line, _column, $"parameter '{key}': extents must be non-negative, got {d}.");
        return Runtime.Shape.Of(dims);
    }

    /// <summary>A dtype name.</summary>
    public DType DType(string key)
    {
        var v = Next(key);
        if (v is NameValue n && ProgramParser.TryDType(n.Name, out var dtype)) return dtype;
        throw Expected(v, "a dtype (f64, f32, i32, bool)", key);
    }

    /// <summary>An identifier.</summary>
    public string Name(string key) => Next(key) is var v && v is NameValue n ? n.Name : throw Expected(v, "a name", key);

    /// <summary>A tuple of identifiers.</summary>
    public string[] Names(string key)
    {
        var v = Next(key);
        if (v is not TupleValue t) throw Expected(v, "a tuple of names such as (a,b)", key);
        var result = new string[t.Items.Count];
        for (int i = 0; i < result.Length; i++) result[i] = t.Items[i] is NameValue n ? n.Name : throw Expected(t.Items[i], "a name", key);
        return result;
    }

    /// <summary>An aval such as <c>f64[3]</c>.</summary>
    public Aval Aval(string key) => Next(key) is var v && v is AvalValue a ? a.Aval : throw Expected(v, "a type such as f64[3]", key);

    /// <summary>A nested program.</summary>
    public Program Program(string key) => Next(key) is var v && v is ProgramValue p ? p.Program : throw Expected(v, "a program { lambda … }", key);
}
