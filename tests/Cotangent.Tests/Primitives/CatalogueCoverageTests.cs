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
    /// <summary>The linear primitives, written out: exactly these implement ITransposeRule.</summary>
    private static readonly string[] s_linear =
    [
        "neg", "add", "sub", "mul", "div", "select", "convert_element_type", "reduce_sum", "cumsum", "reshape", "transpose",
        "broadcast_in_dim", "slice", "pad", "concatenate", "rev", "gather", "scatter_add", "dynamic_slice", "dynamic_update_slice",
        "dot_general", "triangular_solve", "add_any",
    ];

    /// <summary>Non-linear primitives that must never have a transpose rule.</summary>
    private static readonly string[] s_nonLinear =
    [
        "exp", "log", "log1p", "expm1", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "logistic", "sqrt", "rsqrt", "erf", "erfc", "exp2", "log2", "log10",
        "abs", "sign", "floor", "ceil", "round", "pow", "max", "min", "atan2", "rem", "eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not",
        "reduce_max", "reduce_min", "reduce_prod", "argmax", "argmin", "iota", "zeros",
        "cholesky", "lu", "permutation_sign", "eigh",
    ];

    private static IEnumerable<Primitive> Everything => [.. Catalogue.All, Builtins.AddAny, Builtins.Zeros];

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
    public void TransposeRulesExistExactlyOnTheLinearPrimitives()
    {
        var withRule = Everything.Where(p => p is ITransposeRule).Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(s_linear.Order(StringComparer.Ordinal), withRule);
    }

    [Fact]
    public void NoNonLinearPrimitiveHasATransposeRule()
    {
        Assert.Equal(Everything.Count(), s_linear.Length + s_nonLinear.Length);
        foreach (var name in s_nonLinear)
        {
            var p = Everything.Single(q => q.Name == name);
            Assert.False(p is ITransposeRule, $"'{name}' is not linear and must not have a transpose rule.");
        }
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
