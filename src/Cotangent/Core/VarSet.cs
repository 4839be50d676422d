namespace Cotangent.Core;

/// <summary>A set of a program's variables: a bool array indexed by <see cref="Var.Id"/> when the program is densely numbered, else a hash set.</summary>
internal readonly struct VarSet
{
    private readonly bool[]? _dense;
    private readonly HashSet<Var>? _sparse;

    public VarSet(Program program)
    {
        if (program.DenseSize >= 0) _dense = new bool[program.DenseSize];
        else _sparse = new HashSet<Var>(program.Equations.Count + program.Inputs.Count);
    }

    public void Add(Var v)
    {
        if (_sparse is not null) _sparse.Add(v);
        else _dense![v.Id] = true;
    }

    public bool Contains(Var v) => _sparse?.Contains(v) ?? _dense![v.Id];
}
