using Cotangent.Core;
using Cotangent.Runtime;

namespace Cotangent.Transforms;

/// <summary>
/// What an <see cref="ISimplifyRule"/> sees of the program being simplified: the (already simplified) equation defining
/// a variable, which atoms are known to hold one value in every element, and a way to add equations.
/// </summary>
public sealed class SimplifyContext
{
    private readonly Dictionary<Var, Equation> _definitions = [];
    private readonly Dictionary<Var, NDArray> _constants = [];
    private readonly Dictionary<Var, double?> _uniform = [];   // a large constant is scanned once per pass

    internal SimplifyContext(Program program, bool ignoreSignOfZero)
    {
        IgnoreSignOfZero = ignoreSignOfZero;
        for (int i = 0; i < program.ConstVars.Count; i++)
            if (program.ConstValues[i].IsConcrete) _constants[program.ConstVars[i]] = program.ConstValues[i].Array!.Value;
        Equations = new List<Equation>(program.Equations.Count);
    }

    /// <summary>
    /// True when rewrites may change the sign of a zero result (x + (+0) → x keeps −0 where IEEE gives −0 + (+0) = +0),
    /// as XLA's algebraic simplifier does; false (the default) keeps every result bit for bit.
    /// </summary>
    public bool IgnoreSignOfZero { get; }

    /// <summary>The equations of the simplified program so far.</summary>
    internal List<Equation> Equations { get; }

    /// <summary>The equation defining <paramref name="atom"/> in the simplified program, or null for an input, a constant or a literal.</summary>
    public Equation? DefinitionOf(Atom atom) => atom is Var v && _definitions.TryGetValue(v, out var eq) ? eq : null;

    /// <summary>
    /// True when every element of <paramref name="atom"/> is known to be <paramref name="value"/> (bit for bit, so the
    /// sign of a zero is kept): a literal, a concrete constant, or the result of the <c>zeros</c> builtin. Empty arrays
    /// and bool values are never uniform here.
    /// </summary>
    public bool TryGetUniform(Atom atom, out double value)
    {
        double? found = atom switch
        {
            Literal { Value.IsConcrete: true } l => Uniform(l.Value.Array!.Value),
            Var v when _uniform.TryGetValue(v, out var cached) => cached,
            Var v => _uniform[v] = UniformOf(v),
            _ => null,
        };
        value = found ?? 0;
        return found is not null;
    }

    /// <summary>True when every element of <paramref name="atom"/> is 1.</summary>
    public bool IsOne(Atom atom) => TryGetUniform(atom, out var c) && c == 1;

    /// <summary>
    /// True when x + <paramref name="zero"/> = x for every x, bit for bit: an integer zero, or −0 (−0 + −0 = −0 and
    /// +0 + −0 = +0). A +0 qualifies only under <see cref="IgnoreSignOfZero"/>: −0 + (+0) is +0.
    /// </summary>
    public bool IsAdditiveIdentity(Atom zero) =>
        TryGetUniform(zero, out var c) && c == 0 && (!zero.Aval.DType.IsFloat() || double.IsNegative(c) || IgnoreSignOfZero);

    /// <summary>True when x − <paramref name="zero"/> = x for every x, bit for bit: an integer zero, or +0 (x − (+0) = x + (−0)); −0 only under <see cref="IgnoreSignOfZero"/>.</summary>
    public bool IsSubtractiveIdentity(Atom zero) =>
        TryGetUniform(zero, out var c) && c == 0 && (!zero.Aval.DType.IsFloat() || !double.IsNegative(c) || IgnoreSignOfZero);

    /// <summary>Adds the equation <c>primitive[parameters](inputs)</c> with one fresh result variable, and returns it.</summary>
    /// <exception cref="CotangentException">The operands do not suit the primitive (its shape rule throws).</exception>
    public Var Emit(Primitive primitive, Atom[] inputs, Params parameters)
    {
        ArgumentNullException.ThrowIfNull(primitive);
        ArgumentNullException.ThrowIfNull(inputs);
        var avals = new Aval[inputs.Length];
        for (int i = 0; i < avals.Length; i++) avals[i] = inputs[i].Aval;
        var result = primitive.ResultAvals(avals, parameters);
        if (result.Length != 1) throw new ArgumentException($"{primitive.Name} has {result.Length} results; a rule emits single-result equations.", nameof(primitive));
        var v = new Var(result[0]);
        Add(new Equation(primitive, inputs, new VarList(v), parameters));
        return v;
    }

    /// <summary>A rank-0 literal of <paramref name="dtype"/> holding <paramref name="value"/>.</summary>
    public static Literal Scalar(double value, DType dtype) => new(Tensor.Scalar(value, dtype));

    /// <summary>Appends an equation of the simplified program.</summary>
    internal void Add(Equation eq)
    {
        Equations.Add(eq);
        foreach (var o in eq.Outputs) _definitions[o] = eq;
    }

    /// <summary>Drops the equations added after <paramref name="count"/> (a rewrite that was not taken).</summary>
    internal void Truncate(int count)
    {
        for (int i = count; i < Equations.Count; i++)
            foreach (var o in Equations[i].Outputs) _definitions.Remove(o);
        Equations.RemoveRange(count, Equations.Count - count);
    }

    private double? UniformOf(Var v)
    {
        if (_constants.TryGetValue(v, out var array)) return Uniform(array);
        if (DefinitionOf(v) is { } eq && ReferenceEquals(eq.Primitive, Builtins.Zeros) && v.Aval.DType != DType.Bool && v.Aval.Shape.Size > 0) return 0.0;
        // A broadcast (reshape, transpose …) of a uniform value is uniform, with the same value and dtype.
        if (DefinitionOf(v) is { Primitive: IElementPreserving, Inputs: [var source] } && v.Aval.Shape.Size > 0 && source.Aval.DType == v.Aval.DType
            && TryGetUniform(source, out double c))
            return c;
        return null;
    }

    /// <summary>The value every element of <paramref name="a"/> has, bit for bit; null when they differ, or for bool or empty arrays.</summary>
    private static double? Uniform(NDArray a)
    {
        if (a.Size == 0 || a.DType == DType.Bool) return null;
        long first = PassSupport.BitsAt(a, 0);
        for (int i = 1; i < a.Size; i++)
            if (PassSupport.BitsAt(a, i) != first) return null;
        return a.GetDouble(0);
    }
}
