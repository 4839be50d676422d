using System.Collections;

namespace Cotangent.Core;

/// <summary>One program step: <c>outputs = primitive[parameters](inputs)</c>.</summary>
/// <param name="Primitive">The operation.</param>
/// <param name="Inputs">The operands.</param>
/// <param name="Outputs">The variables defined, one per result of the primitive.</param>
/// <param name="Parameters">The primitive's parameters (its own record type; <see cref="NoParams"/> when none).</param>
public readonly record struct Equation(Primitive Primitive, Atom[] Inputs, VarList Outputs, Params Parameters);

/// <summary>
/// The variables an equation defines: a read-only view of a slice of an array, so a staging trace can hand out
/// the one-element lists of single-result equations from a shared chunk instead of allocating an array each.
/// </summary>
[System.Runtime.CompilerServices.CollectionBuilder(typeof(VarList), nameof(Create))]
public readonly struct VarList : IReadOnlyList<Var>, IEquatable<VarList>
{
    private readonly Var[]? _array;
    private readonly int _start;

    /// <summary>Wraps the whole of <paramref name="array"/> (which must not change afterwards).</summary>
    public VarList(Var[] array) : this(array, 0, (array ?? throw new ArgumentNullException(nameof(array))).Length) { }

    internal VarList(Var[] array, int start, int length)
    {
        _array = array;
        _start = start;
        Length = length;
    }

    /// <summary>The number of variables.</summary>
    public int Length { get; }

    /// <inheritdoc/>
    int IReadOnlyCollection<Var>.Count => Length;

    /// <summary>The <paramref name="index"/>-th variable.</summary>
    public Var this[int index] => (uint)index < (uint)Length ? _array![_start + index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>The variables as a span.</summary>
    public ReadOnlySpan<Var> AsSpan() => new(_array, _start, Length);

    /// <summary>Enumerates without allocating.</summary>
    public ReadOnlySpan<Var>.Enumerator GetEnumerator() => AsSpan().GetEnumerator();

    IEnumerator<Var> IEnumerable<Var>.GetEnumerator() => ((IEnumerable<Var>)new ArraySegment<Var>(_array ?? [], _start, Length)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<Var>)this).GetEnumerator();

    /// <summary>Wraps an array.</summary>
    public static implicit operator VarList(Var[] array) => new(array);

    /// <summary>A list of the given variables (what a collection expression <c>[a, b]</c> builds).</summary>
    public static VarList Create(ReadOnlySpan<Var> items) => new(items.ToArray());

    /// <summary>Same variables in the same order.</summary>
    public bool Equals(VarList other) => AsSpan().SequenceEqual(other.AsSpan());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is VarList other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var v in AsSpan()) h.Add(v);
        return h.ToHashCode();
    }

    /// <summary>Value equality.</summary>
    public static bool operator ==(VarList left, VarList right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(VarList left, VarList right) => !left.Equals(right);
}
