using Cotangent.Core;

namespace Cotangent.Transforms;

/// <summary>
/// Common-subexpression elimination: an equation that applies the same primitive, with equal parameters, to the same
/// operands as an earlier one computes the same values, so it is removed and its results are renamed to the earlier
/// equation's. Constants holding the same values are merged the same way.
/// </summary>
/// <remarks>
/// Sound because every primitive is a pure function of its operands and parameters: random numbers are drawn outside
/// programs (seeded constants), and no primitive has an effect. Equations without operands (<c>zeros</c>,
/// <c>iota</c>) are merged too. Operands match when they are the same variable, or literals of the same dtype and bits
/// (−0 and +0 are different literals). For an <see cref="ICommutative"/> primitive (add, mul, add_any) the operands
/// match in either order (<c>mul a b</c> is <c>mul b a</c>; see there why that is exact). Programs held as parameters
/// are compared (their parameter records have value equality) but not optimized inside.
/// </remarks>
public static class Cse
{
    /// <summary>A copy of <paramref name="program"/> without repeated equations and constants (the same program when there are none).</summary>
    /// <exception cref="ArgumentNullException">program is null.</exception>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static Program Run(Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var map = new Dictionary<Var, Atom>();
        var (constVars, constValues) = MergeConstants(program, map);
        var seen = new Dictionary<Key, Equation>();
        var equations = new List<Equation>(program.Equations.Count);
        foreach (var original in program.Equations)
        {
            var eq = PassSupport.Rename(map, original);
            if (seen.TryGetValue(new Key(eq), out var first) && first.Outputs.Length == eq.Outputs.Length)
            {
                for (int k = 0; k < eq.Outputs.Length; k++) map[eq.Outputs[k]] = first.Outputs[k];
                continue;
            }

            seen.TryAdd(new Key(eq), eq);
            equations.Add(eq);
        }

        if (map.Count == 0) return program;
        return new Program(program.Inputs, constVars, constValues, equations, PassSupport.RenameOutputs(map, program.Outputs), program.LinearInputs);
    }

    // Constants with the same tensor, or concrete values equal bit for bit, become one (the first).
    private static (IReadOnlyList<Var>, IReadOnlyList<Tensor>) MergeConstants(Program program, Dictionary<Var, Atom> map)
    {
        var byValue = new Dictionary<ConstKey, Var>();
        var vars = new List<Var>(program.ConstVars.Count);
        var values = new List<Tensor>(program.ConstVars.Count);
        for (int i = 0; i < program.ConstVars.Count; i++)
        {
            var key = new ConstKey(program.ConstValues[i]);
            if (byValue.TryGetValue(key, out var first))
            {
                map[program.ConstVars[i]] = first;
                continue;
            }

            byValue.Add(key, program.ConstVars[i]);
            vars.Add(program.ConstVars[i]);
            values.Add(program.ConstValues[i]);
        }

        return map.Count == 0 ? (program.ConstVars, program.ConstValues) : (vars, values);
    }

    /// <summary>An equation up to the names of its results: primitive (by reference), parameters and operands.</summary>
    private readonly struct Key(Equation eq) : IEquatable<Key>
    {
        private readonly Equation _eq = eq;

        public bool Equals(Key other)
        {
            var (a, b) = (_eq, other._eq);
            if (!ReferenceEquals(a.Primitive, b.Primitive) || a.Inputs.Length != b.Inputs.Length) return false;
            if (!SameOperands(a.Inputs, b.Inputs, a.Primitive is ICommutative && a.Inputs.Length == 2)) return false;
            return ReferenceEquals(a.Parameters, b.Parameters) || a.Parameters.Equals(b.Parameters);
        }

        public override bool Equals(object? obj) => obj is Key other && Equals(other);

        public override int GetHashCode()
        {
            var h = new HashCode();
            h.Add(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_eq.Primitive));
            if (_eq.Primitive is ICommutative && _eq.Inputs.Length == 2)
                h.Add(unchecked(AtomHash(_eq.Inputs[0]) + AtomHash(_eq.Inputs[1])));   // symmetric: either order hashes alike
            else
                foreach (var a in _eq.Inputs) h.Add(AtomHash(a));
            h.Add(_eq.Parameters);
            return h.ToHashCode();
        }

        private static bool SameOperands(Atom[] x, Atom[] y, bool commutative)
        {
            bool same = true;
            for (int i = 0; i < x.Length && same; i++) same = SameAtom(x[i], y[i]);
            return same || (commutative && SameAtom(x[0], y[1]) && SameAtom(x[1], y[0]));
        }

        private static bool SameAtom(Atom x, Atom y) => ReferenceEquals(x, y) ||
            (x is Literal lx && y is Literal ly && PassSupport.SameBits(lx.Value.Array!.Value, ly.Value.Array!.Value));

        private static int AtomHash(Atom a) => a is Literal l
            ? PassSupport.HashBits(l.Value.Array!.Value)
            : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(a);
    }

    /// <summary>A constant's value: the tensor itself, or its bits when it is concrete.</summary>
    private readonly struct ConstKey(Tensor value) : IEquatable<ConstKey>
    {
        private readonly Tensor _value = value;

        public bool Equals(ConstKey other) => ReferenceEquals(_value, other._value) ||
            (_value.IsConcrete && other._value.IsConcrete && PassSupport.SameBits(_value.Array!.Value, other._value.Array!.Value));

        public override bool Equals(object? obj) => obj is ConstKey other && Equals(other);

        public override int GetHashCode() => _value.IsConcrete
            ? PassSupport.HashBits(_value.Array!.Value)
            : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_value);
    }
}
