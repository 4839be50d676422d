namespace Cotangent.Core;

/// <summary>
/// The parameters of one primitive application (axes, shapes, dtypes, sub-programs). Each primitive
/// has its own sealed record type, so parameters have value equality and hashing, and each writes
/// itself losslessly as <c>key=value</c> pairs (<see cref="Write"/>) and reads itself back
/// (<see cref="IParams{TSelf}.Read"/>).
/// </summary>
public abstract record Params
{
    /// <summary>Writes every parameter as <c>key=value</c>, in a fixed order, losslessly.</summary>
    public abstract void Write(ParamWriter writer);

    /// <summary>The programs held as parameters (empty for most primitives); the checker and printer recurse into them.</summary>
    public virtual IEnumerable<Program> SubPrograms => [];

    /// <summary>True when there is nothing to print (the brackets are then omitted).</summary>
    public virtual bool IsEmpty => false;

    /// <summary>The printed form, e.g. <c>axes=(0,1)</c>.</summary>
    public sealed override string ToString() => ParamWriter.Format(this);
}

/// <summary>Reading a parameter record back from its printed form.</summary>
/// <typeparam name="TSelf">The record type.</typeparam>
public interface IParams<TSelf> where TSelf : Params
{
    /// <summary>Reads the record from the <c>key=value</c> pairs <see cref="Params.Write"/> produced.</summary>
    static abstract TSelf Read(ParamReader reader);
}

/// <summary>The parameters of a primitive that has none.</summary>
public sealed record NoParams : Params, IParams<NoParams>
{
    private NoParams() { }

    /// <summary>The one instance.</summary>
    public static NoParams Instance { get; } = new();

    /// <inheritdoc/>
    public override bool IsEmpty => true;

    /// <inheritdoc/>
    public override void Write(ParamWriter writer) { }

    /// <inheritdoc/>
    public static NoParams Read(ParamReader reader) => Instance;
}

/// <summary>A single aval as parameter (the <c>zeros</c> builtin).</summary>
/// <param name="Aval">The type of the result.</param>
public sealed record AvalParams(Aval Aval) : Params, IParams<AvalParams>
{
    /// <inheritdoc/>
    public override void Write(ParamWriter writer) => writer.Aval("aval", Aval);

    /// <inheritdoc/>
    public static AvalParams Read(ParamReader reader) => new(reader.Aval("aval"));
}

/// <summary>
/// A closed program as parameter (<c>closed_call</c> and, later, loop bodies and branches). Two are equal when
/// their programs print the same and hold the same constant tensors, so a program read back from text equals the
/// one printed; the hash is that of the text.
/// </summary>
/// <param name="Program">The program, with its constants.</param>
public sealed record ProgramParams(Program Program) : Params, IParams<ProgramParams>
{
    private string? _text;

    private string Text => _text ??= Program.ToString();

    /// <inheritdoc/>
    public bool Equals(ProgramParams? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(Program, other.Program)) return true;
        if (Program.ConstValues.Count != other.Program.ConstValues.Count || Text != other.Text) return false;
        for (int i = 0; i < Program.ConstValues.Count; i++)
            if (!ReferenceEquals(Program.ConstValues[i], other.Program.ConstValues[i])) return false;
        return true;
    }

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);

    /// <inheritdoc/>
    public override void Write(ParamWriter writer) => writer.Program("program", Program);

    /// <inheritdoc/>
    public override IEnumerable<Program> SubPrograms => [Program];

    /// <inheritdoc/>
    public static ProgramParams Read(ParamReader reader) => new(reader.Program("program"));
}
