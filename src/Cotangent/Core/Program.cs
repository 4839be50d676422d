using Cotangent.Runtime;

namespace Cotangent.Core;

/// <summary>
/// A first-order SSA program (JAX's jaxpr, the paper's Linear A): typed inputs, constants with their
/// values, equations, and outputs. Linear programs mark which inputs are linear.
/// </summary>
public sealed class Program
{
    /// <summary>Creates a program. <paramref name="constValues"/> pairs with <paramref name="constVars"/>.</summary>
    public Program(IReadOnlyList<Var> inputs, IReadOnlyList<Var> constVars, IReadOnlyList<Tensor> constValues,
        IReadOnlyList<Equation> equations, IReadOnlyList<Atom> outputs, IReadOnlyList<bool>? linearInputs = null)
        : this(inputs, constVars, constValues, equations, outputs, linearInputs, denseSize: null)
    {
    }

    /// <summary>
    /// A program whose variables are all variables of <paramref name="source"/> (a pass that drops or reorders
    /// equations, inputs, constants or outputs but makes no variable): it keeps the source's numbering, so its dense size
    /// is the source's and need not be found by visiting every variable again (a few percent of an eager gradient).
    /// </summary>
    internal Program(Program source, IReadOnlyList<Var> inputs, IReadOnlyList<Var> constVars, IReadOnlyList<Tensor> constValues,
        IReadOnlyList<Equation> equations, IReadOnlyList<Atom> outputs, IReadOnlyList<bool>? linearInputs)
        : this(inputs, constVars, constValues, equations, outputs, linearInputs, source.DenseSize)
    {
    }

    /// <summary>
    /// A program whose every variable its builder numbered below <paramref name="denseSize"/> (a staging trace knows
    /// its count), so the bound need not be found by visiting every variable (a few percent of an eager gradient).
    /// </summary>
    internal Program(IReadOnlyList<Var> inputs, IReadOnlyList<Var> constVars, IReadOnlyList<Tensor> constValues,
        IReadOnlyList<Equation> equations, IReadOnlyList<Atom> outputs, IReadOnlyList<bool>? linearInputs, int? denseSize)
    {
        if (constVars.Count != constValues.Count)
            throw new ArgumentException("Each constant variable needs exactly one value.", nameof(constValues));
        Inputs = inputs;
        ConstVars = constVars;
        ConstValues = constValues;
        Equations = equations;
        Outputs = outputs;
        LinearInputs = linearInputs ?? new bool[inputs.Count];
        DenseSize = denseSize ?? ComputeDenseSize();
    }

    /// <summary>When one builder numbered every variable, a bound on the variable numbers: more than the largest (exactly
    /// one more, unless the program was cut down from a larger one with the same numbering); else −1.</summary>
    internal int DenseSize { get; }

    internal int ComputeDenseSize()
    {
        int owner = 0;
        int max = -1;
        bool Visit(Var v)
        {
            if (v.Owner == 0 || (owner != 0 && owner != v.Owner)) return false;
            owner = v.Owner;
            max = Math.Max(max, v.Id);
            return true;
        }

        foreach (var v in Inputs) if (!Visit(v)) return -1;
        foreach (var v in ConstVars) if (!Visit(v)) return -1;
        foreach (var eq in Equations)
        {
            foreach (var o in eq.Outputs) if (!Visit(o)) return -1;
            foreach (var a in eq.Inputs) if (a is Var v && !Visit(v)) return -1;
        }

        foreach (var o in Outputs) if (o is Var v && !Visit(v)) return -1;
        return max + 1;
    }

    /// <summary>Input variables.</summary>
    public IReadOnlyList<Var> Inputs { get; }

    /// <summary>Variables bound to constants (for a linear program: the residuals).</summary>
    public IReadOnlyList<Var> ConstVars { get; }

    /// <summary>The constants' values; they may be tracers of an enclosing transformation.</summary>
    public IReadOnlyList<Tensor> ConstValues { get; }

    /// <summary>The equations in execution order.</summary>
    public IReadOnlyList<Equation> Equations { get; }

    /// <summary>Output atoms.</summary>
    public IReadOnlyList<Atom> Outputs { get; }

    /// <summary>Which inputs are linear (all false for an ordinary program).</summary>
    public IReadOnlyList<bool> LinearInputs { get; }

    /// <summary>Evaluates under the current trace: each equation is bound, so the program can itself be transformed.</summary>
    public Tensor[] Evaluate(params ReadOnlySpan<Tensor> inputs) => Evaluate(inputs, null);

    /// <summary>
    /// Evaluates as <see cref="Evaluate(ReadOnlySpan{Tensor})"/>, except that an equation with one result for which
    /// <paramref name="substitute"/> returns a value takes that value instead of being bound (a linear program's zero,
    /// made at its tangents' level, say).
    /// </summary>
    internal Tensor[] Evaluate(ReadOnlySpan<Tensor> inputs, Func<Equation, Tensor?>? substitute)
    {
        if (inputs.Length != Inputs.Count)
            throw new TreeStructureException($"The program takes {Inputs.Count} inputs but was given {inputs.Length}.");
        var env = new VarMap<Tensor>(this);
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null) throw new ArgumentNullException(nameof(inputs), $"Program input {i} is null.");
            if (inputs[i].Aval != Inputs[i].Aval)
                throw Aval.MismatchError(inputs[i].Aval, Inputs[i].Aval, $"Program input {i} expects {Inputs[i].Aval} but was given {inputs[i].Aval}.");
            env.Set(Inputs[i], inputs[i]);
        }

        for (int i = 0; i < ConstVars.Count; i++) env.Set(ConstVars[i], ConstValues[i]);
        var args = new List<Tensor>(4);

        // Eagerly, an intermediate's buffer goes back to the pool right after its last use (see BufferRecycler).
        // A program whose every intermediate is below the pool's threshold (a loop body on scalars) skips the bookkeeping.
        var recycler = Equations.Count > 1 && (_liveness ??= ComputeLiveness()).AnyPooled ? BufferRecycler.ForEagerEvaluation() : null;
        Dictionary<Var, int>? lastUse = null;
        Tensor?[]? produced = null;
        if (recycler is not null)
        {
            foreach (var t in inputs) recycler.Protect(t);
            foreach (var c in ConstValues) recycler.Protect(c);
            var liveness = _liveness!;
            lastUse = liveness.LastUse;
            produced = new Tensor?[liveness.MaxOutputs];
        }

        for (int e = 0; e < Equations.Count; e++)
        {
            var eq = Equations[e];
            args.Clear();
            foreach (var a in eq.Inputs) args.Add(Read(env, a));
            if (substitute is not null && eq.Outputs.Length == 1 && substitute(eq) is { } value) env.Set(eq.Outputs[0], value);
            else BindEquation(eq, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(args), env);
            if (recycler is null) continue;
            var made = produced.AsSpan(0, eq.Outputs.Length);
            for (int o = 0; o < made.Length; o++)
            {
                made[o] = env[eq.Outputs[o]];
                recycler.Hold(made[o]!);
            }

            for (int i = 0; i < eq.Inputs.Length; i++)
            {
                if (eq.Inputs[i] is not Var v || !lastUse!.TryGetValue(v, out int last) || last != e || UsedEarlier(eq, i)) continue;
                recycler.Drop(env[v], made);
            }
        }

        var result = new Tensor[Outputs.Count];
        for (int i = 0; i < result.Length; i++) result[i] = Read(env, Outputs[i]);
        return result;
    }

    /// <summary>
    /// An evaluator for running this program many times (a loop body): its environment and argument arrays are made once.
    /// Null when an intermediate can be large enough for the buffer pool, where <see cref="Evaluate(ReadOnlySpan{Tensor})"/>'s liveness
    /// bookkeeping pays for itself.
    /// </summary>
    internal Runner? NewRunner() => (_liveness ??= ComputeLiveness()).AnyPooled ? null : new Runner(this);

    /// <summary>Runs a program repeatedly with one environment; each run binds every equation under the current trace.</summary>
    internal sealed class Runner
    {
        private readonly Program _program;
        private readonly VarMap<Tensor> _env;
        private readonly Tensor[][] _args;

        public Runner(Program program)
        {
            _program = program;
            _env = new VarMap<Tensor>(program);
            for (int i = 0; i < program.ConstVars.Count; i++) _env.Set(program.ConstVars[i], program.ConstValues[i]);
            _args = new Tensor[program.Equations.Count][];
            for (int e = 0; e < _args.Length; e++) _args[e] = new Tensor[program.Equations[e].Inputs.Length];
        }

        /// <summary>Writes the program's outputs for <paramref name="inputs"/> (already of the input types) into <paramref name="outputs"/>.</summary>
        public void Run(ReadOnlySpan<Tensor> inputs, Span<Tensor> outputs)
        {
            var p = _program;
            for (int i = 0; i < inputs.Length; i++) _env.Set(p.Inputs[i], inputs[i]);
            for (int e = 0; e < _args.Length; e++)
            {
                var eq = p.Equations[e];
                var args = _args[e];
                for (int i = 0; i < args.Length; i++) args[i] = Read(_env, eq.Inputs[i]);
                BindEquation(eq, args, _env);
            }

            for (int i = 0; i < outputs.Length; i++) outputs[i] = Read(_env, p.Outputs[i]);
        }
    }

    /// <summary>True when operand <paramref name="i"/> of <paramref name="eq"/> already appeared among the earlier operands
    /// (an operand used twice by one equation is dropped once).</summary>
    private static bool UsedEarlier(Equation eq, int i)
    {
        for (int j = 0; j < i; j++)
            if (ReferenceEquals(eq.Inputs[j], eq.Inputs[i])) return true;
        return false;
    }

    /// <summary>Computed once per program (programs are immutable); a reference, so threads publish it whole.</summary>
    private Liveness? _liveness;

    /// <summary>For each variable read by an equation and not an output, the index of the last equation reading it, and
    /// the most results any equation has.</summary>
    private sealed record Liveness(Dictionary<Var, int> LastUse, int MaxOutputs, bool AnyPooled);

    private Liveness ComputeLiveness()
    {
        var last = new Dictionary<Var, int>();
        int maxOutputs = 1;
        bool anyPooled = false;
        for (int e = 0; e < Equations.Count; e++)
        {
            maxOutputs = Math.Max(maxOutputs, Equations[e].Outputs.Length);
            foreach (var o in Equations[e].Outputs) anyPooled |= (long)o.Aval.Shape.Size * sizeof(double) >= BufferPool.MinBytes;
            foreach (var a in Equations[e].Inputs)
                if (a is Var v) last[v] = e;
        }

        foreach (var o in Outputs)
            if (o is Var v) last.Remove(v);
        return new Liveness(last, maxOutputs, anyPooled);
    }

    /// <summary>Binds one equation under the current trace and records its results in <paramref name="env"/>.</summary>
    internal static void BindEquation(Equation eq, ReadOnlySpan<Tensor> args, VarMap<Tensor> env)
    {
        if (eq.Outputs.Length == 1 && !eq.Primitive.MultipleResults)
        {
            env.Set(eq.Outputs[0], Dispatch.Bind(eq.Primitive, args, eq.Parameters));
            return;
        }

        var results = new Tensor[eq.Outputs.Length];
        Dispatch.BindInto(eq.Primitive, args, eq.Parameters, results);
        for (int i = 0; i < results.Length; i++) env.Set(eq.Outputs[i], results[i]);
    }

    /// <summary>The output types.</summary>
    public Aval[] OutputAvals()
    {
        var result = new Aval[Outputs.Count];
        for (int i = 0; i < result.Length; i++) result[i] = Outputs[i].Aval;
        return result;
    }

    /// <summary>The input types.</summary>
    public Aval[] InputAvals()
    {
        var result = new Aval[Inputs.Count];
        for (int i = 0; i < result.Length; i++) result[i] = Inputs[i].Aval;
        return result;
    }

    private static Tensor Read(VarMap<Tensor> env, Atom atom) =>
        atom is Literal l ? l.Value : env[(Var)atom];

    /// <summary>The lossless text form (see <see cref="ProgramPrinter"/>; <see cref="ProgramParser"/> reads it back).</summary>
    public override string ToString() => ProgramPrinter.Print(this);
}
