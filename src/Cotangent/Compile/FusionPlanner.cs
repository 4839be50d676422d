using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Compile;

/// <summary>
/// Turns an optimized program into steps: maximal groups of float elementwise equations of one shape (operands of that
/// shape or 0-d), with full reduce_sums of their values, become one generated loop each; every other equation runs as
/// its own kernel. Groups stay open while the program is walked in order, so independent chains of one shape (a forward
/// value and its derivative) share a loop; a group is closed — emitted as a step — just before the first equation
/// outside it that reads one of its values, and its values used outside it are written out.
/// </summary>
internal sealed class FusionPlanner
{
    /// <summary>Bounds that keep a loop inside what the JIT optimizes well (jit-notes: ~20 transcendental helpers inline;
    /// straight-line methods slow down ~1.65× beyond a few thousand equations).</summary>
    private const int MaxVectorMembers = 64, MaxCostlyMembers = 16, MaxScalarMembers = 800;

    private readonly Program _program;
    private readonly Dictionary<Var, int> _slots = [];
    private readonly List<Step> _steps = [];
    private readonly Dictionary<(Shape, DType), Group> _open = [];
    private readonly Dictionary<Var, Group> _producer = [];
    private readonly Dictionary<Var, List<int>> _uses = [];
    private readonly HashSet<Var> _programOutputs = [];
    private readonly List<NDArray> _literalValues = [];
    private readonly Dictionary<Literal, int> _literalSlots = new(ReferenceEqualityComparer.Instance);

    private FusionPlanner(Program program) => _program = program;

    /// <summary>The steps of <paramref name="program"/>, with its slot layout.</summary>
    public static Plan Build(Program program)
    {
        var planner = new FusionPlanner(program);
        return planner.Run();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private Plan Run()
    {
        var p = _program;
        foreach (var v in p.Inputs) Slot(v);
        foreach (var v in p.ConstVars) Slot(v);
        for (int e = 0; e < p.Equations.Count; e++)
        {
            foreach (var a in p.Equations[e].Inputs)
            {
                if (a is not Var v) continue;
                if (!_uses.TryGetValue(v, out var list)) _uses[v] = list = [];
                list.Add(e);
            }
        }

        foreach (var o in p.Outputs) if (o is Var v) _programOutputs.Add(v);
        AssignRegisters();

        for (int e = 0; e < p.Equations.Count; e++)
        {
            var eq = p.Equations[e];
            if (TryFuse(e, eq)) continue;
            // Not fusible: every open group it reads is closed first, then it runs as its own step.
            foreach (var a in eq.Inputs) if (a is Var v && _producer.TryGetValue(v, out var g)) Close(g);
            _steps.Add(KernelStep(eq));
        }

        foreach (var g in _open.Values.ToList()) Close(g);
        var outputs = new int[p.Outputs.Count];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = Atom(p.Outputs[i]);
        // Literal slots follow the variables' now that every variable is numbered.
        int variables = _slots.Count;
        void Resolve(int[] slots)
        {
            for (int i = 0; i < slots.Length; i++) if (slots[i] < 0) slots[i] = variables - 1 - slots[i];
        }

        foreach (var step in _steps)
        {
            Resolve(step.Inputs);
            Resolve(step.Outputs);
        }

        Resolve(outputs);
        return new Plan(_steps, variables + _literalValues.Count, variables, _literalValues, outputs, _slots, _registers.Count);
    }

    /// <summary>
    /// f64 0-d values computed by straight-line blocks and read only by such blocks live in a per-call register file
    /// (one array) instead of a 1-element array each: a 0-d gradient program passes hundreds of residuals from its
    /// forward blocks to its backward blocks.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void AssignRegisters()
    {
        var p = _program;
        var scalarBlock = new bool[p.Equations.Count];
        for (int e = 0; e < scalarBlock.Length; e++)
        {
            var eq = p.Equations[e];
            scalarBlock[e] = eq.Outputs.Length == 1 && eq.Outputs[0].Aval.Shape.Rank == 0 && eq.Outputs[0].Aval.DType == DType.Float64
                && FusibleOperator(eq) is not null;
        }

        for (int e = 0; e < scalarBlock.Length; e++)
        {
            if (!scalarBlock[e]) continue;
            var v = p.Equations[e].Outputs[0];
            if (_programOutputs.Contains(v) || !_uses.TryGetValue(v, out var uses) || !uses.All(u => scalarBlock[u])) continue;
            _registers[v] = _registers.Count;
        }
    }

    private readonly Dictionary<Var, int> _registers = [];

    private int Slot(Var v)
    {
        if (!_slots.TryGetValue(v, out int s)) _slots[v] = s = _slots.Count;
        return s;
    }

    /// <summary>Literal slots are numbered after the variables' (offset resolved in <see cref="Plan"/>), negative here.</summary>
    private int Atom(Atom a)
    {
        if (a is Var v) return Slot(v);
        var l = (Literal)a;
        if (!_literalSlots.TryGetValue(l, out int s))
        {
            s = -1 - _literalValues.Count;
            _literalSlots[l] = s;
            _literalValues.Add(Dispatch.Concrete(l.Value));
        }

        return s;
    }

    private int[] Atoms(Atom[] atoms)
    {
        var result = new int[atoms.Length];
        for (int i = 0; i < result.Length; i++) result[i] = Atom(atoms[i]);
        return result;
    }

    private int[] Slots(VarList vars)
    {
        var result = new int[vars.Length];
        for (int i = 0; i < result.Length; i++) result[i] = Slot(vars[i]);
        return result;
    }

    /// <summary>Adds <paramref name="eq"/> to the open group of its shape when it is fusible; false otherwise.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private bool TryFuse(int index, Equation eq)
    {
        if (eq.Outputs.Length != 1) return false;
        var output = eq.Outputs[0];
        var aval = output.Aval;
        if (aval.DType is not (DType.Float64 or DType.Float32) || aval.Shape.Size == 0) return false;

        // A full reduce_sum of a value of an open group is summed inside that group's loop.
        if (ReferenceEquals(eq.Primitive, Catalogue.ReduceSum) && aval.Shape.Rank == 0 && eq.Inputs[0] is Var rv
            && rv.Aval.Shape.Rank > 0 && _producer.TryGetValue(rv, out var rg) && rg.Members.ContainsKey(rv))
        {
            rg.Sums.Add((rv, output, eq, index));
            _producer[output] = rg;
            return true;
        }

        Type? op = FusibleOperator(eq);
        if (op is null) return false;

        var key = (aval.Shape, aval.DType);
        // Values of other open groups (0-d values feeding a loop) must exist first: close those groups.
        // Sums exist only once their loop has run: a reader of one closes its group too.
        foreach (var a in eq.Inputs)
            if (a is Var v && _producer.TryGetValue(v, out var other) && (other.Key != key || !other.Members.ContainsKey(v))) Close(other);
        if (!_open.TryGetValue(key, out var group))
        {
            group = new Group(key);
            _open[key] = group;
        }
        else if (group.Full(op))
        {
            Close(group);
            group = new Group(key);
            _open[key] = group;
        }

        group.Add(eq, op, index);
        _producer[output] = group;
        return true;
    }

    /// <summary>The operator struct of a fusible elementwise equation (float, operands of its shape or 0-d), else null.</summary>
    private static Type? FusibleOperator(Equation eq)
    {
        if (eq.Outputs.Length != 1) return null;
        var aval = eq.Outputs[0].Aval;
        if (aval.DType is not (DType.Float64 or DType.Float32) || aval.Shape.Size == 0) return null;
        Type? op = eq.Primitive switch
        {
            ElementwiseUnary u => FusionOperators.Unary(u.Op, aval.DType),
            ElementwiseBinary b => FusionOperators.Binary(b.Op, aval.DType),
            // add_any (the sum of two cotangents) runs the add kernel.
            _ when ReferenceEquals(eq.Primitive, Builtins.AddAny) => FusionOperators.Binary(BinaryOp.Add, aval.DType),
            // A 0-d value broadcast to the group's shape is that value in every lane.
            BroadcastInDim when eq.Inputs[0].Aval.Shape.Rank == 0 => aval.DType == DType.Float64 ? typeof(IdentityOperator<double>) : typeof(IdentityOperator<float>),
            _ => null,
        };
        if (op is null) return null;
        foreach (var a in eq.Inputs)
            if (a.Aval.Shape != aval.Shape && a.Aval.Shape.Rank != 0 && RowPeriod(a.Aval, aval) == 0) return null;   // other broadcasts: their own kernel

        return op;
    }

    /// <summary>
    /// When <paramref name="operand"/> is a row repeated along the leading axes of <paramref name="result"/> (its shape,
    /// leading 1s aside, is the result's trailing axes — a bias of a batch), its size p when p is a multiple of the vector
    /// width (so each vector of the loop reads p's elements contiguously at index mod p); else 0.
    /// </summary>
    private static int RowPeriod(Aval operand, Aval result)
    {
        var dims = operand.Shape.Dims;
        int lead = 0;
        while (lead < dims.Length && dims[lead] == 1) lead++;
        int rank = dims.Length - lead;
        var outDims = result.Shape.Dims;
        if (rank == 0 || rank > outDims.Length) return 0;
        for (int i = 0; i < rank; i++)
            if (dims[lead + i] != outDims[outDims.Length - rank + i]) return 0;
        int period = operand.Shape.Size;
        int bits = result.DType == DType.Float64 ? FusionOperators.VectorBits<double>() : FusionOperators.VectorBits<float>();
        int lanes = bits == 0 ? 1 : bits / 8 / (result.DType == DType.Float64 ? 8 : 4);
        return period < result.Shape.Size && period % lanes == 0 ? period : 0;
    }

    /// <summary>Emits an open group as a step: a plain kernel for a lone equation, else a generated loop.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Close(Group g)
    {
        if (!_open.TryGetValue(g.Key, out var current) || !ReferenceEquals(current, g)) return;
        _open.Remove(g.Key);
        foreach (var v in g.Members.Keys) _producer.Remove(v);
        foreach (var s in g.Sums) _producer.Remove(s.Output);

        // A lone equation runs its eager kernel (as fast, and one generated method fewer) — unless it reads or writes the
        // register file, which only generated blocks do.
        if (g.Order.Count == 1 && g.Sums.Count == 0 && !TouchesRegisters(g.Order[0].Equation))
        {
            var eq = g.Order[0].Equation;
            _steps.Add(new PrimitiveStep(eq, Atoms(eq.Inputs), Slots(eq.Outputs)));
            return;
        }

        var (shape, dtype) = g.Key;
        bool scalar = shape.Rank == 0;
        var arrays = new List<Var>();
        var periods = new List<int>();
        var scalars = new List<Var>();
        var members = new List<KernelMember>();
        var memberIndex = new Dictionary<Var, int>();
        foreach (var (eq, op, _) in g.Order)
        {
            var operands = new KernelOperand[eq.Inputs.Length];
            for (int i = 0; i < operands.Length; i++)
            {
                var a = eq.Inputs[i];
                if (a is Literal l) operands[i] = new KernelOperand(OperandKind.Literal, 0, Dispatch.Concrete(l.Value).GetDouble(0));
                else if (memberIndex.TryGetValue((Var)a, out int m)) operands[i] = new KernelOperand(OperandKind.Member, m);
                else if (scalar && _registers.TryGetValue((Var)a, out int reg)) operands[i] = new KernelOperand(OperandKind.Register, reg);
                else if (a.Aval.Shape.Rank == 0) operands[i] = new KernelOperand(OperandKind.Scalar, IndexOf(scalars, (Var)a));
                else
                {
                    operands[i] = new KernelOperand(OperandKind.Array, IndexOf(arrays, (Var)a));
                    if (periods.Count < arrays.Count) periods.Add(a.Aval.Shape == shape ? 0 : a.Aval.Shape.Size);
                }
            }

            memberIndex[eq.Outputs[0]] = members.Count;
            members.Add(new KernelMember(op, operands, eq));
        }

        // A member is written out when anything outside the group reads it, or the program returns it.
        var stores = new List<int>();
        var storedVars = new List<Var>();
        var registerStores = new List<(int, int)>();
        var inGroup = new HashSet<int>(g.Order.Select(o => o.Index).Concat(g.Sums.Select(s => s.Index)));
        foreach (var (v, m) in memberIndex)
        {
            bool outside = _programOutputs.Contains(v);
            if (!outside && _uses.TryGetValue(v, out var uses))
            {
                foreach (int u in uses)
                {
                    if (inGroup.Contains(u)) continue;
                    outside = true;
                    break;
                }
            }

            if (!outside) continue;
            if (scalar && _registers.TryGetValue(v, out int reg))
            {
                registerStores.Add((m, reg));
                continue;
            }

            stores.Add(m);
            storedVars.Add(v);
        }

        var sums = g.Sums.Select(s => memberIndex[s.Input]).ToList();
        var spec = new KernelSpec
        {
            Element = dtype == DType.Float64 ? typeof(double) : typeof(float),
            Scalar = scalar,
            ArrayInputs = arrays.Count,
            ArrayPeriods = periods,
            ScalarInputs = scalars.Count,
            Members = members,
            Stores = stores,
            Sums = sums,
            RegisterStores = registerStores,
        };
        var kernel = KernelEmitter.Emit(spec);
        var inputs = arrays.Concat(scalars).Select(Slot).ToArray();
        var outputs = storedVars.Select(Slot).Concat(g.Sums.Select(s => Slot(s.Output))).ToArray();
        _steps.Add(new FusedStep(spec, kernel, dtype, shape, inputs, outputs, g.Sums.Select(s => s.Equation).ToList()));
    }

    /// <summary>The step of an equation that is not fused: control flow with compiled sub-programs, else its kernel.</summary>
    private Step KernelStep(Equation eq)
    {
        var inputs = Atoms(eq.Inputs);
        var outputs = Slots(eq.Outputs);
        return eq.Primitive switch
        {
            Scan => new ScanStep(eq, inputs, outputs),
            While => new WhileStep(eq, inputs, outputs),
            Cond => new CondStep(eq, inputs, outputs),
            _ => new PrimitiveStep(eq, inputs, outputs),
        };
    }

    private bool TouchesRegisters(Equation eq) =>
        _registers.ContainsKey(eq.Outputs[0]) || eq.Inputs.Any(a => a is Var v && _registers.ContainsKey(v));

    private static int IndexOf(List<Var> list, Var v)
    {
        int i = list.IndexOf(v);
        if (i >= 0) return i;
        list.Add(v);
        return list.Count - 1;
    }

    /// <summary>An open group: its equations in program order and its trailing sums.</summary>
    private sealed class Group((Shape, DType) key)
    {
        public (Shape Shape, DType DType) Key { get; } = key;

        public List<(Equation Equation, Type Operator, int Index)> Order { get; } = [];

        public Dictionary<Var, int> Members { get; } = [];

        public List<(Var Input, Var Output, Equation Equation, int Index)> Sums { get; } = [];

        private int _costly;

        public bool Full(Type op)
        {
            if (Key.Shape.Rank == 0) return Order.Count >= MaxScalarMembers;
            return Order.Count >= MaxVectorMembers || IsCostly(op) && _costly >= MaxCostlyMembers;
        }

        public void Add(Equation eq, Type op, int index)
        {
            Members[eq.Outputs[0]] = Order.Count;
            Order.Add((eq, op, index));
            if (IsCostly(op)) _costly++;
        }

        private static bool IsCostly(Type op) => op.Name.StartsWith("ViaDouble", StringComparison.Ordinal)
            || op.Name.StartsWith("FloatOperator", StringComparison.Ordinal) || op.Name.StartsWith("Pow", StringComparison.Ordinal);
    }
}

/// <summary>A compiled program's steps and slot layout: variables first, then literals (whose values are fixed).</summary>
internal sealed record Plan(IReadOnlyList<Step> Steps, int SlotCount, int VariableSlots, IReadOnlyList<NDArray> Literals, int[] Outputs,
    IReadOnlyDictionary<Var, int> VariableSlotMap, int Registers);
