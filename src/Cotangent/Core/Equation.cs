using System.Collections;

namespace Cotangent.Core;

/// <summary>One program step: <c>outputs = primitive[parameters](inputs)</c>.</summary>
/// <param name="Primitive">The operation.</param>
/// <param name="Inputs">The operands.</param>
/// <param name="Outputs">The variables defined, one per result of the primitive.</param>
/// <param name="Parameters">The primitive's parameters (its own record type; <see cref="NoParams"/> when none).</param>
public readonly record struct Equation(Primitive Primitive, Atom[] Inputs, VarList Outputs, Params Parameters);

/// <summary>
/// The variables an equation defines. One field: the variable itself for the usual single result, or an array for
/// several, so a single-result equation costs no array and the equation stays as small as one reference.
/// </summary>
[System.Runtime.CompilerServices.CollectionBuilder(typeof(VarList), nameof(Create))]
public readonly struct VarList : IReadOnlyList<Var>, IEquatable<VarList>
{
    private readonly object? _data;   // a Var, a Var[], or null (empty)

    /// <summary>Wraps <paramref name="array"/> (which must not change afterwards); one element is stored alone.</summary>
    public VarList(Var[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        _data = array.Length == 1 ? array[0] : array;
    }

    /// <summary>A list of one variable.</summary>
    public VarList(Var single) => _data = single ?? throw new ArgumentNullException(nameof(single));

    /// <summary>The number of variables.</summary>
    public int Length => _data switch
    {
        Var => 1,
        Var[] a => a.Length,
        _ => 0,
    };

    /// <inheritdoc/>
    int IReadOnlyCollection<Var>.Count => Length;

    /// <summary>The <paramref name="index"/>-th variable.</summary>
    public Var this[int index] => _data switch
    {
        Var v when index == 0 => v,
        Var[] a when (uint)index < (uint)a.Length => a[index],
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>A copy as an array.</summary>
    public Var[] ToArray() => _data switch
    {
        Var v => [v],
        Var[] a => (Var[])a.Clone(),
        _ => [],
    };

    /// <summary>Enumerates without allocating.</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<Var> IEnumerable<Var>.GetEnumerator() => ((IEnumerable<Var>)ToArray()).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ToArray().GetEnumerator();

    /// <summary>Wraps an array.</summary>
    public static implicit operator VarList(Var[] array) => new(array);

    /// <summary>A list of the given variables (what a collection expression <c>[a, b]</c> builds).</summary>
    public static VarList Create(ReadOnlySpan<Var> items) => items.Length == 1 ? new VarList(items[0]) : new VarList(items.ToArray());

    /// <summary>Same variables in the same order.</summary>
    public bool Equals(VarList other)
    {
        if (Length != other.Length) return false;
        for (int i = 0; i < Length; i++)
            if (!ReferenceEquals(this[i], other[i])) return false;
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is VarList other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var v in this) h.Add(v);
        return h.ToHashCode();
    }

    /// <summary>Value equality.</summary>
    public static bool operator ==(VarList left, VarList right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(VarList left, VarList right) => !left.Equals(right);

    /// <summary>The enumerator of a <see cref="VarList"/>.</summary>
    public struct Enumerator
    {
        private readonly VarList _list;
        private int _index;

        internal Enumerator(VarList list)
        {
            _list = list;
            _index = -1;
        }

        /// <summary>The current variable.</summary>
        public readonly Var Current => _list[_index];

        /// <summary>Advances.</summary>
        public bool MoveNext() => ++_index < _list.Length;
    }
}
