using System.Reflection;
using System.Reflection.Emit;
using System.Text;
using Cotangent.Primitives;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Tests.Trust;

/// <summary>
/// Every public entry point, called with null for one reference-type argument (or a null element inside a list of
/// tensors) and valid values elsewhere, must raise <see cref="ArgumentNullException"/>, never a NullReferenceException
/// from deep inside the library, a typed error about something else, or a result. The functions the transformations return
/// (<c>Ad.Grad(f)</c>, …) are called the same way. Found by reflection, so a new method is covered automatically;
/// all offenders are reported at once.
/// </summary>
public class NullArgumentTests
{
    private static readonly Tensor s_vector = Tensor.FromArray([1.0, 2.0, 3.0]);
    private static readonly Tensor s_scalar = Tensor.Scalar(1.0);
    private static readonly Tensor s_indices = Tensor.FromArray([0]);
    private static readonly Tensor s_mask = Tensor.FromArray([true, false, true]);
    private static readonly NullabilityInfoContext s_nullability = new();

    /// <summary>The API surface: the static classes' public methods, and Tensor's public methods, operators and indexer.</summary>
    private static IEnumerable<(MethodInfo Method, object? Target)> Surface()
    {
        const BindingFlags StaticFlags = BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly;
        const BindingFlags InstanceFlags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        foreach (var type in new[] { typeof(Np), typeof(Np.Linalg), typeof(Lax), typeof(Ad), typeof(Tensor), typeof(TensorIndex), typeof(Tree), typeof(Optim), typeof(Schedule), typeof(Npy), typeof(Csv), typeof(Batches) })
            foreach (var m in type.GetMethods(StaticFlags)) yield return (m, null);
        foreach (var m in typeof(Tensor).GetMethods(InstanceFlags)) yield return (m, s_vector);
        var optimizer = Optim.Adam(0.1);
        foreach (var m in typeof(GradientTransformation).GetMethods(InstanceFlags)) yield return (m, optimizer);

        // The objects transformations return.
        var (_, linear) = Ad.Linearize<Tensor, Tensor>(x => x * 2.0, s_vector);
        foreach (var m in linear.GetType().GetMethods(InstanceFlags)) yield return (m, linear);
        foreach (var m in typeof(LinearFunction).GetMethods(InstanceFlags)) yield return (m, linear.Function);
    }

    [Fact]
    public void Surface_IsLargeEnoughToMatter()
    {
        // Guards the enumeration itself: a broken filter would make the main test pass vacuously.
        var cases = Surface().SelectMany(s => Cases(s.Method)).Count();
        Assert.True(cases > 300, $"only {cases} null-argument cases were found");
    }

    [Fact]
    public void EveryPublicEntryPoint_RejectsNullArgumentsWithATypedException()
    {
        var failures = new List<string>();
        int checkedCases = 0;
        foreach (var (method, target) in Surface())
        {
            var closed = Close(method);
            foreach (var (index, nullElement) in Cases(closed))
            {
                checkedCases++;
                var args = DummyArguments(closed.GetParameters());
                args[index] = nullElement ? WithNullElement(closed.GetParameters()[index]) : null;
                var what = Describe(closed, index, nullElement);
                Expect(what, () => Call(closed, target, args), failures);
            }

            // A function a transformation returns must check its own arguments too.
            if (typeof(Delegate).IsAssignableFrom(closed.ReturnType) && closed.GetParameters().All(p => !IsSpan(p.ParameterType)))
            {
                Delegate returned;
                try
                {
                    returned = (Delegate)Call(closed, target, DummyArguments(closed.GetParameters()))!;
                }
                catch (Exception ex)
                {
                    failures.Add($"{Describe(closed, -1, false)} with valid arguments threw {ex.GetType().Name}: {ex.Message}");
                    continue;
                }

                var invoke = returned.GetType().GetMethod("Invoke")!;
                var ps = invoke.GetParameters();
                for (int i = 0; i < ps.Length; i++)
                {
                    if (ps[i].ParameterType.IsValueType) continue;
                    checkedCases++;
                    var args = DummyArguments(ps);
                    args[i] = null;
                    Expect($"the function returned by {Describe(closed, -1, false)}, argument {i} ({ps[i].Name}) null",
                        () => returned.DynamicInvoke(args), failures);
                }
            }
        }

        Assert.True(failures.Count == 0,
            $"{failures.Count} of {checkedCases} null-argument cases did not raise ArgumentNullException:\n  " +
            string.Join("\n  ", failures));
    }

    [Theory]
    [MemberData(nameof(NullElementCases))]
    public void ListOfTensors_WithANullElement_RaisesArgumentNullException(string name)
    {
        var ex = Assert.ThrowsAny<ArgumentNullException>(s_nullElementCases[name]);
        Assert.Contains("null", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    public static TheoryData<string> NullElementCases => [.. s_nullElementCases.Keys];

    private static readonly Dictionary<string, Action> s_nullElementCases = new()
    {
        ["Np.Concatenate([x, null])"] = () => Np.Concatenate([s_vector, null!]),
        ["Np.Stack([x, null])"] = () => Np.Stack([s_vector, null!]),
        ["Np.VStack([x, null])"] = () => Np.VStack([s_vector, null!]),
        ["Np.HStack([x, null])"] = () => Np.HStack([s_vector, null!]),
        ["Np.BroadcastArrays(x, null)"] = () => Np.BroadcastArrays(s_vector, null!),
        ["Lax.Concatenate([x, null])"] = () => Lax.Concatenate([s_vector, null!], 0),
        ["Ad.Grad(f)(null)"] = () => Ad.Grad<Tensor>(x => Np.Sum(x))(null!),
        ["x[null index tensor]"] = () => _ = s_vector[(Tensor)null!],
    };

    /// <summary>Which argument positions to test: each reference parameter not annotated nullable, and lists of tensors with a null element.</summary>
    private static IEnumerable<(int Index, bool NullElement)> Cases(MethodInfo method)
    {
        var ps = Close(method).GetParameters();
        for (int i = 0; i < ps.Length; i++)
        {
            var t = ps[i].ParameterType;
            var nullability = s_nullability.Create(method.GetParameters()[i]);
            // Tensor?[] (cotangents, where null means zero) documents null elements as meaningful.
            var element = nullability.ElementType ?? nullability.GenericTypeArguments.FirstOrDefault();
            if (IsTensorList(t) && element?.WriteState != NullabilityState.Nullable) yield return (i, true);
            if (t.IsValueType || IsSpan(t)) continue;
            // A parameter annotated T? documents null as meaningful (e.g. axes: null means all axes).
            if (nullability.WriteState == NullabilityState.Nullable) continue;
            yield return (i, false);
        }
    }

    private static void Expect(string what, Func<object?> call, List<string> failures)
    {
        try
        {
            var result = call();
            failures.Add($"{what}: no exception (returned {Short(result)})");
        }
        catch (Exception ex) when (Unwrap(ex) is ArgumentNullException)
        {
        }
        catch (Exception ex)
        {
            var inner = Unwrap(ex);
            failures.Add($"{what}: {inner.GetType().Name}: {inner.Message.Split('\n')[0]}");
        }
    }

    private static Exception Unwrap(Exception ex) => ex is TargetInvocationException { InnerException: { } inner } ? Unwrap(inner) : ex;

    private static string Short(object? value) => value?.ToString()?.Split('\n')[0] ?? "null";

    private static string Describe(MethodInfo m, int index, bool nullElement)
    {
        var sb = new StringBuilder($"{m.DeclaringType!.Name}.{m.Name}(");
        sb.Append(string.Join(", ", m.GetParameters().Select(p => $"{TypeName(p.ParameterType)} {p.Name}")));
        sb.Append(')');
        if (index >= 0) sb.Append(nullElement ? $" with a null element in {m.GetParameters()[index].Name}" : $" with {m.GetParameters()[index].Name} null");
        return sb.ToString();
    }

    private static string TypeName(Type t) =>
        t.IsGenericType ? $"{t.Name[..t.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", t.GetGenericArguments().Select(TypeName))}>" : t.Name;

    /// <summary>Generic methods are closed over Tensor (double for unmanaged type parameters).</summary>
    private static MethodInfo Close(MethodInfo m) => m.IsGenericMethodDefinition
        ? m.MakeGenericMethod(m.GetGenericArguments().Select(a => a.GenericParameterAttributes.HasFlag(GenericParameterAttributes.NotNullableValueTypeConstraint) ? typeof(double) : typeof(Tensor)).ToArray())
        : m;

    private static bool IsSpan(Type t) => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(ReadOnlySpan<>);

    private static bool IsTensorList(Type t) =>
        t == typeof(Tensor[]) || t == typeof(IReadOnlyList<Tensor>) || t == typeof(ReadOnlySpan<Tensor>);

    /// <summary>The dummy list for the parameter with its last element null (after valid ones, so a check of only the first is caught).</summary>
    private static Tensor?[] WithNullElement(ParameterInfo p)
    {
        var list = (Tensor?[])((Tensor[])Dummy(p.ParameterType, p.Name ?? "")!).Clone();
        list[^1] = null;
        return list;
    }

    private static object?[] DummyArguments(ParameterInfo[] ps) => ps.Select(p => Dummy(p.ParameterType, p.Name ?? "")).ToArray();

    /// <summary>A valid value of <paramref name="type"/>; the parameter name picks between a float vector, int indices, a bool mask and a scalar.</summary>
    private static object? Dummy(Type type, string name)
    {
        if (type == typeof(Tensor))
        {
            return name switch
            {
                "indices" or "labels" => s_indices,
                "pred" or "condition" => s_mask,
                "value" => s_scalar,
                _ => s_vector,
            };
        }

        if (type == typeof(int)) return name is "n" or "num" or "sections" or "count" or "numClasses" or "repeats" or "order" or "stop" ? 1 : 0;
        if (type.IsEnum) return Enum.GetValues(type).GetValue(0);
        if (type == typeof(Tensor[]) || type == typeof(IReadOnlyList<Tensor>) || type == typeof(ReadOnlySpan<Tensor>))
            return name switch
            {
                "starts" => new[] { Tensor.Scalar(0, DType.Int32) },
                "tangents" => new[] { s_vector },
                _ => new[] { s_vector, s_vector },
            };
        if (type == typeof(int[]) || type == typeof(ReadOnlySpan<int>)) return new[] { 0 };
        if (type == typeof(double[])) return new[] { 1.0 };
        if (type == typeof(float[])) return new[] { 1f };
        if (type == typeof(bool[])) return new[] { true };
        if (type == typeof(double[,])) return new double[1, 1];
        if (type == typeof(float[,])) return new float[1, 1];
        if (type == typeof(int[,])) return new int[1, 1];
        if (type == typeof((int, int)[])) return new[] { (0, 0) };
        if (type == typeof(TensorIndex[])) return new[] { TensorIndex.At(0) };
        if (type == typeof(Shape)) return Shape.Of(3);
        if (type == typeof(string)) return "x";
        if (type == typeof(object)) return s_vector;
        if (type == typeof(Stream)) return new MemoryStream();
        if (type == typeof(TextReader)) return new StringReader("1,2\n");
        if (type == typeof(IReadOnlyDictionary<string, Tensor>)) return new Dictionary<string, Tensor> { ["a"] = s_vector };
        if (type == typeof(TreeDef)) return Tree.Flatten((s_vector, s_vector)).Def;
        if (type == typeof(Schedule)) return (Schedule)0.1;
        if (type == typeof(GradientTransformation[])) return new[] { Optim.Sgd(0.1) };
        if (type == typeof(OptimizerState<Tensor>)) return Optim.Adam(0.1).Init(s_vector);
        if (type == typeof(WrtSecond)) return Wrt.Second;
        if (type == typeof(WrtBoth)) return Wrt.Both;
        if (type == typeof(Tensor?[])) return new Tensor?[] { s_scalar };
        if (type == typeof(int?[])) return new int?[] { 0 };
        if (type == typeof(IReadOnlyList<Func<Tensor[], Tensor[]>>)) return new Func<Tensor[], Tensor[]>[] { xs => xs };
        if (type == typeof(Cotangent.Primitives.RematPolicy)) return Cotangent.Primitives.RematPolicy.Nothing;
        if (type == typeof(JitOptions)) return new JitOptions();
        if (typeof(Delegate).IsAssignableFrom(type)) return ConstantFunction(type);
        if (type == typeof(IReadOnlyList<Func<Tensor[], Tensor[]>>)) return new[] { (Func<Tensor[], Tensor[]>)ConstantFunction(typeof(Func<Tensor[], Tensor[]>)) };
        if (type.IsGenericType && type.FullName!.StartsWith("System.ValueTuple", StringComparison.Ordinal))
            return Activator.CreateInstance(type, type.GetGenericArguments().Select(a => Dummy(a, "")).ToArray());
        if (Nullable.GetUnderlyingType(type) is not null) return null;
        if (type.IsValueType) return Activator.CreateInstance(type);
        throw new InvalidOperationException($"No dummy value for parameter {name} of type {type}; add one.");
    }

    /// <summary>A delegate that ignores its arguments and returns a dummy of its return type (a float scalar for a Tensor).</summary>
    private static Delegate ConstantFunction(Type delegateType)
    {
        var invoke = delegateType.GetMethod("Invoke")!;
        var ps = invoke.GetParameters().Select(p => System.Linq.Expressions.Expression.Parameter(p.ParameterType)).ToArray();
        object? value = invoke.ReturnType == typeof(Tensor) ? s_scalar : Dummy(invoke.ReturnType, "");
        var body = System.Linq.Expressions.Expression.Constant(value, invoke.ReturnType);
        return System.Linq.Expressions.Expression.Lambda(delegateType, body, ps).Compile();
    }

    /// <summary>
    /// Calls through a small generated method, since reflection cannot pass ReadOnlySpan arguments: each one is
    /// converted from the array given in its place.
    /// </summary>
    private static object? Call(MethodInfo method, object? target, object?[] args)
    {
        var ps = method.GetParameters();
        var dm = new DynamicMethod("call_" + method.Name, typeof(object), [typeof(object), typeof(object[])], typeof(NullArgumentTests).Module, skipVisibility: true);
        var il = dm.GetILGenerator();
        if (!method.IsStatic)
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Castclass, method.DeclaringType!);
        }

        for (int i = 0; i < ps.Length; i++)
        {
            var t = ps[i].ParameterType;
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Ldelem_Ref);
            if (IsSpan(t))
            {
                var element = t.GetGenericArguments()[0];
                il.Emit(OpCodes.Castclass, element.MakeArrayType());
                il.Emit(OpCodes.Call, t.GetMethod("op_Implicit", [element.MakeArrayType()])!);
            }
            else if (t.IsValueType)
            {
                il.Emit(OpCodes.Unbox_Any, t);
            }
            else
            {
                il.Emit(OpCodes.Castclass, t);
            }
        }

        il.Emit(method.IsStatic ? OpCodes.Call : OpCodes.Callvirt, method);
        if (method.ReturnType == typeof(void)) il.Emit(OpCodes.Ldnull);
        else if (method.ReturnType.IsValueType) il.Emit(OpCodes.Box, method.ReturnType);
        il.Emit(OpCodes.Ret);
        return ((Func<object?, object?[], object?>)dm.CreateDelegate(typeof(Func<object?, object?[], object?>)))(target, args);
    }
}
