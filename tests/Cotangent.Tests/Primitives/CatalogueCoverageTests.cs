using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Transforms;

namespace Cotangent.Tests.Primitives;

/// <summary>
/// The catalogue is complete and honest: every primitive has a conformance row, a JVP rule or a declared
/// zero derivative, and transpose rules exist exactly on the linear primitives (the paper's claim: only
/// linear primitives need one).
/// </summary>
public class CatalogueCoverageTests
{
    private static IEnumerable<Primitive> Everything => [.. Catalogue.All, .. Builtins.All];

    [Fact]
    public void EveryPrimitiveHasExactlyOneSpecRow()
    {
        var names = Everything.Select(p => p.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        foreach (var p in Everything)
        {
            Assert.True(PrimitiveSpecs.All.TryGetValue(p.Name, out var spec), $"'{p.Name}' has no row in PrimitiveSpecs.");
            Assert.Same(p, spec.Primitive);
        }

        Assert.Equal(names.Order(StringComparer.Ordinal), PrimitiveSpecs.All.Keys.Order(StringComparer.Ordinal));
    }

    /// <summary>Vmap never meets a primitive it cannot batch: every primitive that takes operands has a batching rule (iota and zeros take none).</summary>
    [Fact]
    public void EveryPrimitiveWithOperandsHasABatchingRule()
    {
        var missing = Everything.Where(p => p is not IBatchRule && p.Name is not ("iota" or "zeros")).Select(p => p.Name).ToList();
        Assert.True(missing.Count == 0, $"no batching rule: {string.Join(", ", missing)}");
    }

    /// <summary>
    /// A primitive declared to evaluate without binding is run by evaluators with no eager scope around it: under a
    /// trace that refuses every operation, each of its spec cases must still evaluate, to the eager result.
    /// </summary>
    [Fact]
    public void PrimitivesDeclaredKernelOnly_EvaluateWithoutBindingAnything()
    {
        var flagged = Everything.Where(p => p.EvaluatesWithoutBinding).ToList();
        Assert.Contains(Catalogue.Sin, flagged);
        Assert.Contains(Catalogue.Mul, flagged);
        var rng = new Random(5);
        foreach (var p in flagged)
        {
            var spec = PrimitiveSpecs.All[p.Name];
            foreach (var dtype in spec.DTypes)
            {
                foreach (var c in spec.Cases(rng, dtype))
                {
                    var eager = Dispatch.Bind(p, c.Args, c.Params);
                    Tensor direct;
                    using (TraceContext.Enter(new RefusingTrace())) direct = Dispatch.EvaluateEagerly(p, c.Args, c.Params);
                    Assert.Equal(eager.Aval, direct.Aval);
                    Assert.Equal(F64(eager), F64(direct));
                }
            }
        }
    }

    private static double[] F64(Tensor t) => Cotangent.Runtime.Kernels.Convert(t.Value, Cotangent.Runtime.DType.Float64).ToArray<double>();

    private sealed class RefusingTrace() : Trace("refusing")
    {
        public override void Process(Primitive primitive, ReadOnlySpan<Tensor> args, Params parameters, Span<Tensor> results) =>
            throw new InvalidOperationException($"'{primitive.Name}' was bound while evaluating a primitive declared kernel-only.");
    }

    /// <summary>The transformations find rules through a per-primitive cache; it must agree with the type test, every time.</summary>
    [Fact]
    public void TheRuleCache_AgreesWithTheInterfaceTest_ForEveryPrimitiveAndRule()
    {
        foreach (var p in Everything)
        {
            for (int round = 0; round < 2; round++)   // the first lookup fills the cache, the second reads it
            {
                Assert.Equal(p is IJvpRule, p.Rule<IJvpRule>() is not null);
                Assert.Equal(p is IZeroDerivative, p.Rule<IZeroDerivative>() is not null);
                Assert.Equal(p is ITransposeRule, p.Rule<ITransposeRule>() is not null);
                Assert.Equal(p is IDceRule, p.Rule<IDceRule>() is not null);
                Assert.Equal(p is IPartialEvalRule, p.Rule<IPartialEvalRule>() is not null);
                if (p.Rule<ITransposeRule>() is { } rule) Assert.Same(p, rule);
            }
        }
    }

    [Fact]
    public void EveryPrimitiveHasAJvpRuleOrIsDeclaredZeroDerivative()
    {
        foreach (var p in Everything)
        {
            bool jvp = p is IJvpRule, zero = p is IZeroDerivative;
            Assert.True(jvp ^ zero, $"'{p.Name}' must implement exactly one of IJvpRule and IZeroDerivative (has JVP rule: {jvp}, zero derivative: {zero}).");
        }
    }

    [Fact]
    public void EveryPrimitiveClass_IsInTheCatalogue()
    {
        // Found by reflection, so a primitive class that was written but never listed cannot go unchecked.
        var listed = Everything.Select(p => p.GetType()).ToHashSet();
        var missing = typeof(Catalogue).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(Primitive)) && !t.IsAbstract && t.IsPublic && !listed.Contains(t))
            .Select(t => t.Name).ToList();
        Assert.True(missing.Count == 0, "Primitive classes missing from Catalogue.All / the builtins: " + string.Join(", ", missing));
    }

    /// <summary>
    /// The other half of "only linear primitives have transpose rules" (the transposable ones are proved linear
    /// by the transpose conformance test): every differentiable primitive without a transpose rule is shown
    /// non-linear on its own spec cases, by f(½x) ≠ ½f(x) or f(−x) ≠ −f(x), scaling its float operands together or one at a time.
    /// </summary>
    [Fact]
    public void PrimitivesWithoutATransposeRule_AreNotLinear()
    {
        var linearLooking = new List<string>();
        foreach (var spec in PrimitiveSpecs.All.Values)
        {
            if (spec.Primitive is ITransposeRule || spec.Primitive is IZeroDerivative) continue;
            bool shown = false;
            foreach (var c in spec.For(Runtime.DType.Float64))
            {
                if (!c.Differentiable) continue;
                var y = Dispatch.BindMany(spec.Primitive, c.Args, c.Params).SelectMany(Values).ToArray();
                // Scale every float operand together (-1: all of them), or one at a time: rem is homogeneous jointly
                // but not in x alone.
                for (int only = -1; only < c.Args.Length && !shown; only++)
                {
                    foreach (double scale in new[] { 0.5, -1.0 })
                    {
                        var scaled = c.Args.Select((a, k) => Aval.CarriesTangent(a.DType) && (only < 0 || only == k) ? Lax.Mul(a, Lax.Scalar(scale, a)) : a).ToArray();
                        var ys = Dispatch.BindMany(spec.Primitive, scaled, c.Params).SelectMany(Values).ToArray();
                        for (int i = 0; i < y.Length && !shown; i++)
                            shown = double.IsFinite(y[i]) && double.IsFinite(ys[i]) && Math.Abs(ys[i] - (scale * y[i])) > 1e-9 * (1 + Math.Abs(y[i]));
                    }
                }

                if (shown) break;
            }

            if (!shown) linearLooking.Add(spec.Name);
        }

        Assert.True(linearLooking.Count == 0, "No transpose rule, yet linear on every spec case (give it one, or a case that shows it is not linear): " + string.Join(", ", linearLooking));
    }

    private static double[] Values(Tensor t)
    {
        var v = t.Value;
        var r = new double[v.Size];
        for (int i = 0; i < r.Length; i++) r[i] = v.GetDouble(i);
        return r;
    }

    [Fact]
    public void SpecRowsDeclareLinearityExactlyForTransposablePrimitives()
    {
        foreach (var spec in PrimitiveSpecs.All.Values)
            Assert.True(spec.LinearSets.Length > 0 == spec.Primitive is ITransposeRule, $"'{spec.Name}': LinearSets disagrees with ITransposeRule.");
    }

    [Fact]
    public void ZeroDerivativeRowsAreTheZeroDerivativePrimitives()
    {
        foreach (var spec in PrimitiveSpecs.All.Values)
        {
            if (spec.Primitive is IZeroDerivative) Assert.NotEqual(Differentiability.Differentiable, spec.Kind);
            else Assert.Equal(Differentiability.Differentiable, spec.Kind);
        }
    }
}
