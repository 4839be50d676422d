namespace Cotangent.Core;

/// <summary>An equation operand: a <see cref="Var"/> or a <see cref="Literal"/>.</summary>
public abstract class Atom
{
    private protected Atom(Aval aval) => Aval = aval;

    /// <summary>Shape and dtype of the value.</summary>
    public Aval Aval { get; }
}

/// <summary>A program variable. Identity is reference identity; names are assigned only when printing.</summary>
public sealed class Var : Atom
{
    /// <summary>Creates a fresh variable of the given type.</summary>
    public Var(Aval aval) : base(aval) { }

    /// <summary>Creates a variable numbered densely by the builder <paramref name="owner"/> (a positive serial number).</summary>
    internal Var(Aval aval, int owner, int id) : base(aval)
    {
        Owner = owner;
        Id = id;
    }

    private static int s_owners;

    /// <summary>A fresh builder serial number for <see cref="Var(Aval, int, int)"/>.</summary>
    internal static int NewOwner() => Interlocked.Increment(ref s_owners);

    /// <summary>The serial number of the builder that numbered this variable, or 0.</summary>
    internal int Owner { get; }

    /// <summary>A dense number among its owner's variables (−1 when unnumbered), so passes can index arrays instead of hashing.</summary>
    internal int Id { get; } = -1;
}

/// <summary>A concrete rank-0 constant written inline in a program (e.g. <c>2.0</c>).</summary>
public sealed class Literal : Atom
{
    /// <summary>Creates a literal from a concrete rank-0 tensor.</summary>
    public Literal(Tensor value) : base(value.Aval) => Value = value;

    /// <summary>The constant.</summary>
    public Tensor Value { get; }
}
