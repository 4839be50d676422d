using System.Numerics;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Cotangent.Runtime;

namespace Cotangent.Compile;

/// <summary>
/// Emits a <see cref="KernelSpec"/> as a <see cref="DynamicMethod"/> (collectible, fully optimized on first call; see
/// jit-notes). The loop body calls the runtime's operator structs directly, which the JIT inlines, so every value of
/// the chain stays in a register: one load per input and one store per output per vector. Vector width is the one the
/// eager kernels use on this machine (512 or 256 bits), and like them the loop ends with an overlapping last vector
/// instead of a scalar tail, so each element goes through the same vector code as eagerly and gets the same bits.
/// </summary>
internal static class KernelEmitter
{
    private static readonly Type[] s_signature = [typeof(Array[]), typeof(int), typeof(int), typeof(int)];

    /// <summary>Compiles <paramref name="spec"/>.</summary>
    public static FusedKernel Emit(KernelSpec spec)
    {
        var dm = new DynamicMethod(spec.Scalar ? "cotangent_scalar" : "cotangent_fused", typeof(void), s_signature, typeof(KernelEmitter).Module, skipVisibility: true);
        var il = dm.GetILGenerator();
        new Writer(spec, il).Write();
        return dm.CreateDelegate<FusedKernel>();
    }

    // Reflection lookups are the bulk of emitting a large block; each (operator, element type, arity) is looked up once.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Type Op, Type Element, int Arity), MethodInfo> s_calls = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Type Op, Type Element, int Arity), MethodInfo> s_invokes = new();

    private sealed class Writer
    {
        private readonly KernelSpec _spec;
        private readonly ILGenerator _il;
        private readonly Type _t;
        private readonly Type _v;           // Vector256<T> or Vector512<T>
        private readonly Type _vs;          // the static class Vector256 or Vector512
        private readonly int _lanes;
        private readonly LocalBuilder[] _inRef, _outRef, _scalar;
        private readonly LocalBuilder[] _memberScalar;
        private LocalBuilder[] _vin = [], _vscalar = [], _vmember = [], _vacc = [];
        private readonly LocalBuilder[] _sacc;
        private MethodInfo? _create;

        public Writer(KernelSpec spec, ILGenerator il)
        {
            _spec = spec;
            _il = il;
            _t = spec.Element;
            int bits = _t == typeof(double) ? FusionOperators.VectorBits<double>() : FusionOperators.VectorBits<float>();
            if (bits == 512)
            {
                _v = typeof(Vector512<>).MakeGenericType(_t);
                _vs = typeof(Vector512);
            }
            else
            {
                _v = typeof(Vector256<>).MakeGenericType(_t);
                _vs = typeof(Vector256);
            }

            _lanes = bits == 0 ? 0 : bits / 8 / (_t == typeof(double) ? 8 : 4);
            var byRef = _t.MakeByRefType();
            _inRef = Locals(spec.ArrayInputs, byRef);
            _outRef = Locals(spec.Scalar ? 0 : spec.Stores.Count, byRef);
            _scalar = Locals(spec.ScalarInputs, _t);
            _memberScalar = Locals(spec.Members.Count, _t);
            _sacc = Locals(spec.Sums.Count, _t);
        }

        private LocalBuilder[] Locals(int count, Type type)
        {
            var result = new LocalBuilder[count];
            for (int i = 0; i < count; i++) result[i] = _il.DeclareLocal(type);
            return result;
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public void Write()
        {
            // Prologue: references to the arrays' first elements, 0-d inputs as values.
            for (int k = 0; k < _spec.ArrayInputs; k++) LoadFirstElementRef(k, _inRef[k]);
            for (int k = 0; k < _spec.ScalarInputs; k++)
            {
                LoadBuffer(_spec.ArrayInputs + k);
                _il.Emit(OpCodes.Ldc_I4_0);
                _il.Emit(OpCodes.Ldelem, _t);
                _il.Emit(OpCodes.Stloc, _scalar[k]);
            }

            if (_spec.Scalar)
            {
                // Straight-line code on locals; outputs are 1-element arrays, or registers when only later blocks read them.
                if (_spec.UsesRegisters)
                {
                    _registers = _il.DeclareLocal(_t.MakeArrayType());
                    LoadBuffer(RegisterBuffer);
                    _il.Emit(OpCodes.Stloc, _registers);
                }

                EmitScalarBody(index: null);
                foreach (var (member, register) in _spec.RegisterStores)
                {
                    _il.Emit(OpCodes.Ldloc, _registers!);
                    _il.Emit(OpCodes.Ldc_I4, register);
                    _il.Emit(OpCodes.Ldloc, _memberScalar[member]);
                    _il.Emit(OpCodes.Stelem, _t);
                }

                for (int j = 0; j < _spec.Stores.Count; j++)
                {
                    LoadBuffer(OutputBuffer(j));
                    _il.Emit(OpCodes.Ldc_I4_0);
                    _il.Emit(OpCodes.Ldloc, _memberScalar[_spec.Stores[j]]);
                    _il.Emit(OpCodes.Stelem, _t);
                }

                _il.Emit(OpCodes.Ret);
                return;
            }

            for (int j = 0; j < _spec.Stores.Count; j++) LoadFirstElementRef(OutputBuffer(j), _outRef[j]);
            foreach (var s in _sacc)
            {
                EmitZero();
                _il.Emit(OpCodes.Stloc, s);
            }

            var i = _il.DeclareLocal(typeof(int));
            _il.Emit(OpCodes.Ldarg_1);
            _il.Emit(OpCodes.Stloc, i);
            var scalarLoop = _il.DefineLabel();
            var epilogue = _il.DefineLabel();
            if (_lanes > 0)
            {
                DeclareVectorLocals();
                var loop = _il.DefineLabel();
                var full = _il.DefineLabel();
                // if (to − from < lanes) goto scalarLoop
                _il.Emit(OpCodes.Ldarg_2);
                _il.Emit(OpCodes.Ldarg_1);
                _il.Emit(OpCodes.Sub);
                _il.Emit(OpCodes.Ldc_I4, _lanes);
                _il.Emit(OpCodes.Blt, scalarLoop);
                // One body for the whole range (a second copy for the remainder would double the inlined math and push the
                // JIT past the locals it tracks, spilling vector registers): off = min(i, to − lanes), so the last vector
                // overlaps the one before it; skip = i − off lanes of it were summed already.
                var off = _il.DeclareLocal(typeof(int));
                var skip = _il.DeclareLocal(typeof(int));
                _il.MarkLabel(loop);
                _il.Emit(OpCodes.Ldloc, i);
                _il.Emit(OpCodes.Ldarg_2);
                _il.Emit(OpCodes.Bge, epilogue);
                _il.Emit(OpCodes.Ldloc, i);
                _il.Emit(OpCodes.Stloc, off);
                _il.Emit(OpCodes.Ldc_I4_0);
                _il.Emit(OpCodes.Stloc, skip);
                _il.Emit(OpCodes.Ldloc, i);
                _il.Emit(OpCodes.Ldarg_2);
                _il.Emit(OpCodes.Ldc_I4, _lanes);
                _il.Emit(OpCodes.Sub);
                _il.Emit(OpCodes.Ble, full);
                _il.Emit(OpCodes.Ldarg_2);
                _il.Emit(OpCodes.Ldc_I4, _lanes);
                _il.Emit(OpCodes.Sub);
                _il.Emit(OpCodes.Stloc, off);
                _il.Emit(OpCodes.Ldloc, i);
                _il.Emit(OpCodes.Ldloc, off);
                _il.Emit(OpCodes.Sub);
                _il.Emit(OpCodes.Stloc, skip);
                _il.MarkLabel(full);
                EmitVectorBody(off, _spec.Sums.Count > 0 ? skip : null);
                _il.Emit(OpCodes.Ldloc, i);
                _il.Emit(OpCodes.Ldc_I4, _lanes);
                _il.Emit(OpCodes.Add);
                _il.Emit(OpCodes.Stloc, i);
                _il.Emit(OpCodes.Br, loop);
            }

            // Ranges shorter than a vector: the scalar code, as the eager kernels do.
            _il.MarkLabel(scalarLoop);
            var scalarDone = _il.DefineLabel();
            var scalarTop = _il.DefineLabel();
            _il.MarkLabel(scalarTop);
            _il.Emit(OpCodes.Ldloc, i);
            _il.Emit(OpCodes.Ldarg_2);
            _il.Emit(OpCodes.Bge, scalarDone);
            EmitScalarBody(i);
            for (int k = 0; k < _spec.Stores.Count; k++)
            {
                ElementAddress(_outRef[k], i);
                _il.Emit(OpCodes.Ldloc, _memberScalar[_spec.Stores[k]]);
                _il.Emit(OpCodes.Stobj, _t);
            }

            for (int r = 0; r < _spec.Sums.Count; r++)
            {
                _il.Emit(OpCodes.Ldloc, _sacc[r]);
                _il.Emit(OpCodes.Ldloc, _memberScalar[_spec.Sums[r]]);
                _il.Emit(OpCodes.Add);
                _il.Emit(OpCodes.Stloc, _sacc[r]);
            }

            _il.Emit(OpCodes.Ldloc, i);
            _il.Emit(OpCodes.Ldc_I4_1);
            _il.Emit(OpCodes.Add);
            _il.Emit(OpCodes.Stloc, i);
            _il.Emit(OpCodes.Br, scalarTop);
            _il.MarkLabel(scalarDone);

            // Epilogue: partial sums (vector lanes folded, plus the scalar part) into their slot for this part.
            _il.MarkLabel(epilogue);
            for (int r = 0; r < _spec.Sums.Count; r++)
            {
                LoadBuffer(SumBuffer(r));
                _il.Emit(OpCodes.Ldarg_3);
                if (_lanes > 0)
                {
                    _il.Emit(OpCodes.Ldloc, _vacc[r]);
                    _il.Emit(OpCodes.Call, Generic("Sum", 1));
                    _il.Emit(OpCodes.Ldloc, _sacc[r]);
                    _il.Emit(OpCodes.Add);
                }
                else
                {
                    _il.Emit(OpCodes.Ldloc, _sacc[r]);
                }

                _il.Emit(OpCodes.Stelem, _t);
            }

            _il.Emit(OpCodes.Ret);
        }

        private int OutputBuffer(int j) => _spec.ArrayInputs + _spec.ScalarInputs + j;

        private int SumBuffer(int r) => _spec.ArrayInputs + _spec.ScalarInputs + _spec.Stores.Count + r;

        private int RegisterBuffer => _spec.ArrayInputs + _spec.ScalarInputs + _spec.Stores.Count + _spec.Sums.Count;

        private LocalBuilder? _registers;

        private void LoadBuffer(int index)
        {
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldc_I4, index);
            _il.Emit(OpCodes.Ldelem_Ref);
            _il.Emit(OpCodes.Castclass, _t.MakeArrayType());
        }

        private void LoadFirstElementRef(int buffer, LocalBuilder target)
        {
            LoadBuffer(buffer);
            _il.Emit(OpCodes.Ldc_I4_0);
            _il.Emit(OpCodes.Ldelema, _t);
            _il.Emit(OpCodes.Stloc, target);
        }

        private int Period(int arrayInput) => arrayInput < _spec.ArrayPeriods.Count ? _spec.ArrayPeriods[arrayInput] : 0;

        /// <summary>Pushes index (mod <paramref name="period"/> when it is not 0) as an unsigned native integer.</summary>
        private void EmitIndex(LocalBuilder index, int period, OpCode conversion)
        {
            _il.Emit(OpCodes.Ldloc, index);
            if (period > 0)
            {
                _il.Emit(OpCodes.Ldc_I4, period);
                _il.Emit(OpCodes.Rem);
            }

            _il.Emit(conversion);
        }

        /// <summary>Pushes the address of element <paramref name="index"/> (mod <paramref name="period"/> when not 0) after the
        /// reference in <paramref name="baseRef"/>.</summary>
        private void ElementAddress(LocalBuilder baseRef, LocalBuilder index, int period = 0)
        {
            _il.Emit(OpCodes.Ldloc, baseRef);
            EmitIndex(index, period, OpCodes.Conv_I);
            _il.Emit(OpCodes.Sizeof, _t);
            _il.Emit(OpCodes.Mul);
            _il.Emit(OpCodes.Add);
        }

        private void EmitZero()
        {
            if (_t == typeof(double)) _il.Emit(OpCodes.Ldc_R8, 0.0);
            else _il.Emit(OpCodes.Ldc_R4, 0.0f);
        }

        private void EmitLiteral(double value)
        {
            if (_t == typeof(double)) _il.Emit(OpCodes.Ldc_R8, value);
            else _il.Emit(OpCodes.Ldc_R4, (float)value);
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private void EmitScalarBody(LocalBuilder? index)
        {
            for (int m = 0; m < _spec.Members.Count; m++)
            {
                var member = _spec.Members[m];
                foreach (var o in member.Operands)
                {
                    switch (o.Kind)
                    {
                        case OperandKind.Array:
                            ElementAddress(_inRef[o.Index], index!, Period(o.Index));
                            _il.Emit(OpCodes.Ldobj, _t);
                            break;
                        case OperandKind.Scalar: _il.Emit(OpCodes.Ldloc, _scalar[o.Index]); break;
                        case OperandKind.Literal: EmitLiteral(o.Literal); break;
                        case OperandKind.Register:
                            _il.Emit(OpCodes.Ldloc, _registers!);
                            _il.Emit(OpCodes.Ldc_I4, o.Index);
                            _il.Emit(OpCodes.Ldelem, _t);
                            break;
                        default: _il.Emit(OpCodes.Ldloc, _memberScalar[o.Index]); break;
                    }
                }

                EmitScalarOperation(member);
                _il.Emit(OpCodes.Stloc, _memberScalar[m]);
            }
        }

        /// <summary>
        /// One scalar operation on the values pushed: +, −, ·, / and negation as the IL instruction (what the operator
        /// structs compile to for floats); functions through a non-inlined call, so a block of hundreds of sin and cos
        /// holds calls, not hundreds of inlined polynomial bodies (the JIT's time and the code size both stay small).
        /// </summary>
        private void EmitScalarOperation(KernelMember member)
        {
            var name = member.Operator.Name;
            var code = name switch
            {
                "AddOperator`1" => OpCodes.Add,
                "SubOperator`1" => OpCodes.Sub,
                "MulOperator`1" => OpCodes.Mul,
                "DivOperator`1" => OpCodes.Div,
                "NegOperator`1" => OpCodes.Neg,
                _ => OpCodes.Nop,
            };
            if (code != OpCodes.Nop)
            {
                _il.Emit(code);
                return;
            }

            if (name == "IdentityOperator`1") return;   // the value is already on the stack

            _il.Emit(OpCodes.Call, s_calls.GetOrAdd((member.Operator, _t, member.Operands.Length), static k =>
                typeof(KernelHelpers).GetMethod(k.Arity == 1 ? nameof(KernelHelpers.CallUnary) : nameof(KernelHelpers.CallBinary))!.MakeGenericMethod(k.Op, k.Element)));
        }

        private void DeclareVectorLocals()
        {
            _vin = Locals(_spec.ArrayInputs, _v);
            _vscalar = Locals(_spec.ScalarInputs, _v);
            _vmember = Locals(_spec.Members.Count, _v);
            _vacc = Locals(_spec.Sums.Count, _v);
            var create = _vs.GetMethod("Create", [_t])!;
            for (int k = 0; k < _vscalar.Length; k++)
            {
                _il.Emit(OpCodes.Ldloc, _scalar[k]);
                _il.Emit(OpCodes.Call, create);
                _il.Emit(OpCodes.Stloc, _vscalar[k]);
            }

            _create = create;

            var zero = _v.GetProperty("Zero")!.GetGetMethod()!;
            foreach (var acc in _vacc)
            {
                _il.Emit(OpCodes.Call, zero);
                _il.Emit(OpCodes.Stloc, acc);
            }
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private void EmitVectorBody(LocalBuilder offset, LocalBuilder? skip)
        {
            var load = Generic("LoadUnsafe", 2);
            for (int k = 0; k < _spec.ArrayInputs; k++)
            {
                _il.Emit(OpCodes.Ldloc, _inRef[k]);
                EmitIndex(offset, Period(k), OpCodes.Conv_U);
                _il.Emit(OpCodes.Call, load);
                _il.Emit(OpCodes.Stloc, _vin[k]);
            }

            for (int m = 0; m < _spec.Members.Count; m++)
            {
                var member = _spec.Members[m];
                foreach (var o in member.Operands)
                {
                    if (o.Kind == OperandKind.Literal)
                    {
                        // A literal is created where it is used: the JIT sees a constant vector (a memory operand), not a
                        // loop-long local occupying one of the 16 vector registers.
                        EmitLiteral(o.Literal);
                        _il.Emit(OpCodes.Call, _create!);
                        continue;
                    }

                    var local = o.Kind switch
                    {
                        OperandKind.Array => _vin[o.Index],
                        OperandKind.Scalar => _vscalar[o.Index],
                        _ => _vmember[o.Index],
                    };
                    _il.Emit(OpCodes.Ldloc, local);
                }

                _il.Emit(OpCodes.Call, Invoke(member.Operator, _v, member.Operands.Length));
                _il.Emit(OpCodes.Stloc, _vmember[m]);
            }

            var store = Generic("StoreUnsafe", 3);
            for (int j = 0; j < _spec.Stores.Count; j++)
            {
                _il.Emit(OpCodes.Ldloc, _vmember[_spec.Stores[j]]);
                _il.Emit(OpCodes.Ldloc, _outRef[j]);
                _il.Emit(OpCodes.Ldloc, offset);
                _il.Emit(OpCodes.Conv_U);
                _il.Emit(OpCodes.Call, store);
            }

            for (int r = 0; r < _spec.Sums.Count; r++)
            {
                _il.Emit(OpCodes.Ldloc, _vacc[r]);
                _il.Emit(OpCodes.Ldloc, _vmember[_spec.Sums[r]]);
                if (skip is null)
                {
                    _il.Emit(OpCodes.Call, _v.GetMethod("op_Addition", [_v, _v])!);
                }
                else
                {
                    _il.Emit(OpCodes.Ldloc, skip);
                    var helper = typeof(KernelHelpers).GetMethod(_vs == typeof(Vector512) ? nameof(KernelHelpers.AddFromLane512) : nameof(KernelHelpers.AddFromLane256))!;
                    _il.Emit(OpCodes.Call, helper.MakeGenericMethod(_t));
                }

                _il.Emit(OpCodes.Stloc, _vacc[r]);
            }
        }

        /// <summary>The generic method <paramref name="name"/>&lt;T&gt; of Vector256/Vector512 with that many parameters.</summary>
        private MethodInfo Generic(string name, int parameters)
        {
            foreach (var m in _vs.GetMethods(BindingFlags.Public | BindingFlags.Static))
            {
                if (m.Name != name || !m.IsGenericMethodDefinition || m.GetParameters().Length != parameters) continue;
                var ps = m.GetParameters();
                // LoadUnsafe(ref T, nuint) and StoreUnsafe(V, ref T, nuint): pick the overloads taking an element offset.
                if (name is "LoadUnsafe" or "StoreUnsafe" && ps[^1].ParameterType != typeof(nuint)) continue;
                return m.MakeGenericMethod(_t);
            }

            throw new InvalidOperationException($"{_vs.Name}.{name} with {parameters} parameters not found.");
        }

        /// <summary>The operator struct's static Invoke taking <paramref name="arity"/> values of <paramref name="type"/>.</summary>
        private static MethodInfo Invoke(Type op, Type type, int arity) => s_invokes.GetOrAdd((op, type, arity), static k => FindInvoke(k.Op, k.Element, k.Arity));

        private static MethodInfo FindInvoke(Type op, Type type, int arity)
        {
            var ps = arity == 1 ? new[] { type } : [type, type];
            return op.GetMethod("Invoke", BindingFlags.Public | BindingFlags.Static, ps)
                ?? throw new InvalidOperationException($"{op.Name} has no Invoke({string.Join(", ", ps.Select(p => p.Name))}).");
        }
    }
}

/// <summary>y = x: a 0-d value broadcast into a fused loop (each lane holds it).</summary>
internal readonly struct IdentityOperator<T> : IUnaryOperator<T>
{
    public static bool Vectorizable => true;

    public static T Invoke(T x) => x;

    public static Vector128<T> Invoke(Vector128<T> x) => x;

    public static Vector256<T> Invoke(Vector256<T> x) => x;

    public static Vector512<T> Invoke(Vector512<T> x) => x;
}

/// <summary>Helpers the generated code calls: the masked accumulation of the overlapping last vector (inlined), and the
/// scalar functions (deliberately not inlined).</summary>
internal static class KernelHelpers
{
    /// <summary>f(x) by the operator's scalar code, as a call.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static T CallUnary<TOp, T>(T x)
        where TOp : struct, IUnaryOperator<T>
        => TOp.Invoke(x);

    /// <summary>f(x, y) by the operator's scalar code, as a call.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static T CallBinary<TOp, T>(T x, T y)
        where TOp : struct, IBinaryOperator<T>
        => TOp.Invoke(x, y);

    /// <summary>acc + v on lanes ≥ <paramref name="skip"/>; the lanes below were summed by the previous full vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> AddFromLane256<T>(Vector256<T> acc, Vector256<T> v, int skip)
        where T : INumberBase<T>
    {
        for (int l = 0; l < skip; l++) v = v.WithElement(l, T.Zero);
        return acc + v;
    }

    /// <summary>acc + v on lanes ≥ <paramref name="skip"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> AddFromLane512<T>(Vector512<T> acc, Vector512<T> v, int skip)
        where T : INumberBase<T>
    {
        for (int l = 0; l < skip; l++) v = v.WithElement(l, T.Zero);
        return acc + v;
    }
}
