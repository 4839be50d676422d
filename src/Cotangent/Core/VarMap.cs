namespace Cotangent.Core;

/// <summary>
/// A map from a program's variables to values. When every variable of the program was numbered by one
/// builder (the usual case: programs come from tracing), it is a plain array indexed by
/// <see cref="Var.Id"/>; otherwise a dictionary. Passes over programs use it so that a pass allocates
/// one array rather than a hash entry per variable.
/// </summary>
internal sealed class VarMap<T>
{
    private readonly int _denseSize;
    private readonly Dictionary<Var, T>? _sparse;
    private T?[]? _dense;      // allocated on the first Set: many maps of a pass stay empty
    private bool[]? _present;

    public VarMap(Program program)
    {
        _denseSize = program.DenseSize;
        if (_denseSize < 0) _sparse = new Dictionary<Var, T>(program.Inputs.Count + program.ConstVars.Count + program.Equations.Count);
    }

    public void Set(Var v, T value)
    {
        if (_sparse is not null)
        {
            _sparse[v] = value;
            return;
        }

        _dense ??= new T?[_denseSize];
        _present ??= new bool[_denseSize];
        _dense[v.Id] = value;
        _present[v.Id] = true;
    }

    public bool TryGet(Var v, out T value)
    {
        if (_sparse is not null) return _sparse.TryGetValue(v, out value!);
        if (_present is null || !_present[v.Id])
        {
            value = default!;
            return false;
        }

        value = _dense![v.Id]!;
        return true;
    }

    public T this[Var v] => TryGet(v, out var value) ? value : throw new ProgramCheckException("A variable is read before it is defined; run ProgramChecker.Check on the program.");

    public bool Contains(Var v) => _sparse is not null ? _sparse.ContainsKey(v) : _present is not null && _present[v.Id];

    public bool Remove(Var v, out T value)
    {
        if (_sparse is not null) return _sparse.Remove(v, out value!);
        if (!TryGet(v, out value)) return false;
        _present![v.Id] = false;
        _dense![v.Id] = default;
        return true;
    }
}
