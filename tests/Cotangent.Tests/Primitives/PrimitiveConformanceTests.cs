using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Tests.Primitives;

/// <summary>
/// Table-driven conformance of every primitive (<see cref="PrimitiveSpecs"/>): shape rule against the
/// kernel, JVP against central differences, the transpose identity ⟨ct, L t⟩ = ⟨Lᵀ ct, t⟩ for linear
/// primitives, and second-order checks. Each theory runs all cases of a row and reports every failure.
/// </summary>
public class PrimitiveConformanceTests
{
    /// <summary>Every row.</summary>
    public static TheoryData<string> AllRows => [.. PrimitiveSpecs.All.Keys.Order(StringComparer.Ordinal)];

    /// <summary>(row, float dtype) for rows with float operands.</summary>
    public static TheoryData<string, DType> DerivativeRows => Rows(s => s.Kind != Differentiability.None);

    /// <summary>(row, float dtype) for linear rows.</summary>
    public static TheoryData<string, DType> LinearRows => Rows(s => s.LinearSets.Length > 0);

    /// <summary>(row, float dtype) for rows checked to second order.</summary>
    public static TheoryData<string, DType> SecondOrderRows => Rows(s => s.Kind == Differentiability.Differentiable && s.SecondOrder);

    private static TheoryData<string, DType> Rows(Func<PrimitiveSpec, bool> where)
    {
        var data = new TheoryData<string, DType>();
        foreach (var s in PrimitiveSpecs.All.Values.Where(where).OrderBy(s => s.Name, StringComparer.Ordinal))
            foreach (var d in s.DTypes.Where(d => d.IsFloat()))
                data.Add(s.Name, d);
        return data;
    }

    /// <summary>
    /// The shape/dtype rule agrees with the kernel for every case and dtype (broadcasting, rank 0, zero-size),
    /// and staging the primitive gives a program that passes the checker and evaluates to the same values.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllRows))]
    public void ShapeRule_AgreesWithImpl(string name)
    {
        var spec = PrimitiveSpecs.Get(name);
        var failures = new List<string>();
        int count = 0;
        foreach (var dtype in spec.DTypes)
        {
            foreach (var c in spec.For(dtype))
            {
                count++;
                Collect(failures, c, () =>
                {
                    var avals = c.Args.Select(a => a.Aval).ToArray();
                    var expected = spec.Primitive.ResultAvals(avals, c.Params);
                    var arrays = c.Args.Select(a => a.Value).ToArray();
                    var results = new NDArray[expected.Length];
                    spec.Primitive.Evaluate(arrays, c.Params, results);
                    for (int k = 0; k < results.Length; k++)
                    {
                        var actual = results[k];
                        if (expected[k] != new Aval(actual.Shape, actual.DType))
                            throw new InvalidOperationException($"shape rule gives {expected[k]} for result {k} but the kernel returned {new Aval(actual.Shape, actual.DType)}");
                        if (actual.Data.Length < actual.Size)
                            throw new InvalidOperationException($"the kernel's buffer holds {actual.Data.Length} elements for shape {actual.Shape}");
                    }

                    var program = Staging.MakeProgram(xs => Dispatch.BindMany(spec.Primitive, xs, c.Params), avals);
                    ProgramChecker.Check(program);
                    var staged = program.Evaluate(c.Args);
                    for (int k = 0; k < results.Length; k++)
                    {
                        if (staged[k].Aval != expected[k]) throw new InvalidOperationException($"the staged program returns {staged[k].Aval}, expected {expected[k]}");
                        if (!Gen.Values(staged[k]).SequenceEqual(Gen.Values(new Tensor(results[k]))))
                            throw new InvalidOperationException("evaluating the staged program gives different values from the kernel");
                    }
                });
            }
        }

        Report(name, failures, count);
    }

    /// <summary>The JVP (Ad.Jvp on a closure binding the primitive) matches central differences at order 1; zero-derivative primitives give exactly zero.</summary>
    [Theory]
    [MemberData(nameof(DerivativeRows))]
    public void Jvp_MatchesCentralDifferences(string name, DType dtype)
    {
        var spec = PrimitiveSpecs.Get(name);
        var failures = new List<string>();
        int count = 0;
        foreach (var c in spec.For(dtype))
        {
            var slots = c.FloatOperands;
            if (!c.Differentiable || slots.Length == 0) continue;
            count++;
            Collect(failures, c, () =>
            {
                Func<Tensor[], Tensor[]> f = xs => BindWith(spec, c, slots, xs);
                var x = slots.Select(i => c.Args[i]).ToArray();
                var (eps, tol) = MixedPrecision(spec, c);
                if (spec.Kind != Differentiability.Stopped) Ad.CheckGrads(f, x, order: 1, modes: GradModes.Forward, atol: tol, rtol: tol, eps: eps);

                // Linearize's linear map is the JVP, and its program passes the structural checker.
                var t = x.Select((a, i) => Gen.Std(new Random(i), a.DType, a.Shape.ToArray())).ToArray();
                var (y, tangent) = Ad.Jvp(f, x, t);
                var (y2, linear) = Ad.Linearize(f, x);
                ProgramChecker.Check(linear.Program);
                // The JVP rule emits only linear operations on tangents (pitfall: a rule non-linear in ṫ breaks reverse mode).
                Transposition.CheckLinearity(linear.Program);
                AssertClose(Values(y), Values(y2), 0, "Linearize's primal vs Jvp's");
                AssertClose(Values(tangent), Values(linear.Apply(t)), Tolerance(dtype), "Linearize's linear map vs Jvp's tangent");
                if (spec.Kind is Differentiability.Zero or Differentiability.Stopped && Values(tangent).Any(v => v != 0))
                    throw new InvalidOperationException("a zero-derivative primitive produced a non-zero tangent");
                if (spec.Kind == Differentiability.Stopped)
                {
                    // Reverse mode agrees: the gradient through the primitive is exactly zero, and the value is the operand.
                    var g = Ad.Vjp(f, x).Pullback(y.Select(v => Gen.Std(new Random(7), v.DType, v.Shape.ToArray())).ToArray());
                    if (Values(g).Any(v => v != 0)) throw new InvalidOperationException("a cotangent passed through stop_gradient");
                    AssertClose(Values(x), Values(y), 0, "stop_gradient's value vs its operand");
                }
            });
        }

        Report(name, failures, count);
    }

    /// <summary>
    /// With several float operands, differentiating with respect to one at a time (the others closed over)
    /// exercises each JVP rule's symbolic-zero branches, and in reverse mode the transposes of the tangent
    /// programs those branches emit (zeros filling linear slots).
    /// </summary>
    [Theory]
    [MemberData(nameof(DerivativeRows))]
    public void JvpAndVjp_OneOperandAtATime(string name, DType dtype)
    {
        var spec = PrimitiveSpecs.Get(name);
        var failures = new List<string>();
        int count = 0;
        foreach (var c in spec.For(dtype))
        {
            var floats = c.FloatOperands;
            if (!c.Differentiable || floats.Length < 2) continue;
            foreach (var i in floats)
            {
                count++;
                Collect(failures, c with { Name = $"{c.Name} wrt operand {i}" }, () =>
                {
                    Func<Tensor, Tensor[]> f = x => BindWith(spec, c, [i], [x]);
                    var (eps, tol) = MixedPrecision(spec, c);
                    Ad.CheckGrads(f, c.Args[i], order: 1, modes: GradModes.Both, atol: tol, rtol: tol, eps: eps);
                    var (_, linear) = Ad.Linearize(f, c.Args[i]);
                    ProgramChecker.Check(linear.Program);
                    ProgramChecker.Check(linear.Transpose().Program);
                });
            }
        }

        if (count == 0) return;   // one float operand: covered by the other theories
        Report(name, failures, count);
    }

    /// <summary>A primitive without a transpose rule is rejected by LinearTranspose with a LinearityException naming it.</summary>
    [Theory]
    [MemberData(nameof(NonLinearRows))]
    public void LinearTranspose_RejectsNonLinearPrimitives(string name)
    {
        var spec = PrimitiveSpecs.Get(name);
        var failures = new List<string>();
        int count = 0;
        foreach (var c in spec.For(DType.Float64))
        {
            var slots = c.FloatOperands;
            if (slots.Length == 0) continue;
            count++;
            Collect(failures, c, () =>
            {
                Func<Tensor[], Tensor[]> f = xs => BindWith(spec, c, slots, xs);
                var ex = Assert.Throws<LinearityException>(() => Ad.LinearTranspose(f, slots.Select(i => c.Args[i]).ToArray()));
                Assert.Contains(name, ex.Message, StringComparison.Ordinal);
            });
        }

        Report(name, failures, count);
    }

    /// <summary>
    /// Rows without a transpose rule that have float operands. A primitive with a partial-evaluation rule
    /// (closed_call) inlines itself under LinearTranspose, so the error names the primitive inside it instead;
    /// CoreRulesTests checks that case.
    /// </summary>
    public static TheoryData<string> NonLinearRows =>
        [.. PrimitiveSpecs.All.Values.Where(s => s.LinearSets.Length == 0 && s.Kind != Differentiability.None && s.Primitive is not IPartialEvalRule).Select(s => s.Name).Order(StringComparer.Ordinal)];

    /// <summary>
    /// For each set of operands a linear primitive is linear in (the others closed over), Ad.LinearTranspose
    /// gives Lᵀ with ⟨ct, L t⟩ = ⟨Lᵀ ct, t⟩ for random t and ct; transposing twice gives L back.
    /// </summary>
    [Theory]
    [MemberData(nameof(LinearRows))]
    public void Transpose_SatisfiesInnerProductIdentity(string name, DType dtype)
    {
        var spec = PrimitiveSpecs.Get(name);
        var rule = Assert.IsAssignableFrom<ITransposeRule>(spec.Primitive);
        var failures = new List<string>();
        int count = 0;
        var random = new Random(42);
        foreach (var c in spec.For(dtype))
        {
            foreach (var set in spec.LinearSets)
            {
                if (set.Any(i => i >= c.Args.Length || !c.Args[i].DType.IsFloat())) continue;
                var flags = Enumerable.Range(0, c.Args.Length).Select(set.Contains).ToArray();
                if (!rule.AcceptsLinear(flags, c.Params)) continue;
                count++;
                Collect(failures, c with { Name = $"{c.Name} linear in {{{string.Join(",", set)}}}" }, () =>
                {
                    Func<Tensor[], Tensor[]> g = xs => BindWith(spec, c, set, xs);
                    var x = set.Select(i => c.Args[i]).ToArray();
                    var transposed = Ad.LinearTranspose(g, x);
                    ProgramChecker.Check(transposed.Program);

                    var t = x.Select(a => Gen.Std(random, a.DType, a.Shape.ToArray())).ToArray();
                    var lt = g(t);
                    var ct = lt.Select(o => Gen.Std(random, o.DType, o.Shape.ToArray())).ToArray();
                    var back = transposed.Apply(ct);
                    Assert.Equal(x.Length, back.Length);
                    for (int i = 0; i < x.Length; i++)
                        if (back[i].Aval != x[i].Aval) throw new InvalidOperationException($"the transpose returns {back[i].Aval} for operand {set[i]} of type {x[i].Aval}");
                    var (lhs, lhsMagnitude) = Dot(ct, lt);
                    var (rhs, rhsMagnitude) = Dot(back, t);
                    // A float32 output (e.g. convert f64 → f32) is rounded to float32.
                    var precision = lt.Any(o => o.DType == DType.Float32) ? DType.Float32 : dtype;
                    double tol = Tolerance(precision) * (1 + Math.Max(lhsMagnitude, rhsMagnitude));
                    if (!(Math.Abs(lhs - rhs) <= tol))
                        throw new InvalidOperationException($"⟨ct, L t⟩ = {lhs} but ⟨Lᵀ ct, t⟩ = {rhs} (tolerance {tol})");

                    var twice = transposed.Transpose();
                    ProgramChecker.Check(twice.Program);
                    AssertClose(Values(lt), Values(twice.Apply(t)), Tolerance(precision), "transposing twice does not give L back");
                });
            }
        }

        Report(name, failures, count);
    }

    /// <summary>CheckGrads to order 2 in both modes (JVP of JVP, VJP of JVP, JVP of VJP, VJP of VJP).</summary>
    [Theory]
    [MemberData(nameof(SecondOrderRows))]
    public void SecondOrder_CheckGrads(string name, DType dtype)
    {
        var spec = PrimitiveSpecs.Get(name);
        var failures = new List<string>();
        int count = 0;
        foreach (var c in spec.For(dtype))
        {
            var slots = c.FloatOperands;
            if (!c.Differentiable || slots.Length == 0) continue;
            count++;
            Collect(failures, c, () =>
            {
                Func<Tensor[], Tensor[]> f = xs => BindWith(spec, c, slots, xs);
                var (eps, tol) = MixedPrecision(spec, c);
                Ad.CheckGrads(f, slots.Select(i => c.Args[i]).ToArray(), order: 2, modes: GradModes.Both, atol: tol, rtol: tol, eps: eps);
            });
        }

        Report(name, failures, count);
    }

    /// <summary>
    /// A float64 case whose output is float32 (convert_element_type to f32) computes in float32 inside, which
    /// CheckGrads cannot see from the inputs of the derived functions (the VJP function maps f64 to f64
    /// through f32): use the float32 step and tolerances for it.
    /// </summary>
    private static (double? Eps, double? Tol) MixedPrecision(PrimitiveSpec spec, PrimitiveCase c)
    {
        var outputs = spec.Primitive.ResultAvals(c.Args.Select(a => a.Aval).ToArray(), c.Params);
        return outputs.Any(o => o.DType == DType.Float32) && c.Args.Any(a => a.DType == DType.Float64) ? (Math.Cbrt(1.1920928955078125e-7), 2e-3) : (null, null);
    }

    /// <summary>Binds the case's primitive with <paramref name="xs"/> in the given operand slots; one tensor per result.</summary>
    internal static Tensor[] BindWith(PrimitiveSpec spec, PrimitiveCase c, int[] slots, Tensor[] xs)
    {
        var args = (Tensor[])c.Args.Clone();
        for (int k = 0; k < slots.Length; k++) args[slots[k]] = xs[k];
        return Dispatch.BindMany(spec.Primitive, args, c.Params);
    }

    private static double[] Values(Tensor[] xs) => xs.SelectMany(Gen.Values).ToArray();

    private static double Tolerance(DType dtype) => dtype == DType.Float32 ? 1e-5 : 1e-12;

    private static (double Value, double Magnitude) Dot(Tensor[] a, Tensor[] b)
    {
        double sum = 0, magnitude = 0;
        for (int i = 0; i < a.Length; i++)
        {
            var x = Gen.Values(a[i]);
            var y = Gen.Values(b[i]);
            for (int k = 0; k < x.Length; k++)
            {
                sum += x[k] * y[k];
                magnitude += Math.Abs(x[k] * y[k]);
            }
        }

        return (sum, magnitude);
    }

    private static void AssertClose(double[] expected, double[] actual, double rtol, string what)
    {
        if (expected.Length != actual.Length) throw new InvalidOperationException($"{what}: {expected.Length} vs {actual.Length} elements");
        for (int i = 0; i < expected.Length; i++)
        {
            double tol = rtol * (1 + Math.Abs(expected[i]));
            if (!(Math.Abs(expected[i] - actual[i]) <= tol) && !(double.IsNaN(expected[i]) && double.IsNaN(actual[i])))
                throw new InvalidOperationException($"{what}: element {i} is {actual[i]}, expected {expected[i]}");
        }
    }

    private static void Collect(List<string> failures, PrimitiveCase c, Action check)
    {
        try
        {
            check();
        }
#pragma warning disable CA1031 // Every failure of a case is collected and reported together.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failures.Add($"case {c}: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static void Report(string name, List<string> failures, int count)
    {
        Assert.True(count > 0, $"{name}: no case applies; the spec row generates nothing for this check.");
        if (failures.Count > 0) Assert.Fail($"{name}: {failures.Count} of {count} cases failed:\n\n{string.Join("\n\n", failures)}");
    }
}
