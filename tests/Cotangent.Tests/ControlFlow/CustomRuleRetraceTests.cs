using Cotangent.Primitives;
using static Cotangent.Np;

namespace Cotangent.Tests.ControlFlow;

/// <summary>
/// A linearized function whose custom rule takes an argument that is not differentiated (a captured array passed as an
/// argument) holds an instantiated zero tangent. Tracing that linear map again — LinearTranspose of a function calling
/// <c>Linear.Apply</c> — must keep that zero the zero of the tangent space, not turn it into a known constant that makes
/// the custom equation look affine (it raised LinearityException for custom_vjp, custom_jvp and custom_linear). Checked
/// against the direct transpose and the analytic derivative, on 3 elements and on 700 (past the small-array range).
/// </summary>
public class CustomRuleRetraceTests
{
    public static TheoryData<string, int> Cases
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var kind in new[] { "custom_vjp", "custom_jvp", "custom_linear" })
                foreach (int n in new[] { 3, 700 }) data.Add(kind, n);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LinearTranspose_OfAppliedLinearization_WithAnUndifferentiatedArgument_IsTheTranspose(string kind, int n)
    {
        var c = (Arange(0.0, n) * 0.01) + 0.5;
        var x0 = (Arange(0.0, n) * -0.003) + 0.25;
        var ct = Cos(Arange(0.0, n));
        // Each f(x) = g(x, c) with g(x, c) = sin(x) · c, its rule written in the custom form; f'(x) = cos(x) · c.
        Func<Tensor, Tensor> f = kind switch
        {
            "custom_vjp" => x => s_vjp([x, c])[0],
            "custom_jvp" => x => s_jvp([x, c])[0],
            _ => x => s_linear([Sin(x), c])[0],   // custom_linear(u, c) = 2u + 3c, linear in (u, c) together
        };
        var (_, lin) = Ad.Linearize(f, x0);
        var transposed = Ad.LinearTranspose<Tensor, Tensor>(t => lin.Apply(t), x0);
        var viaRetrace = transposed.Apply(ct).ToArray<double>();
        var direct = lin.ApplyTranspose(ct).ToArray<double>();
        double[] xs = x0.ToArray<double>(), cs = c.ToArray<double>(), cts = ct.ToArray<double>();
        for (int i = 0; i < n; i++)
        {
            double expected = kind == "custom_linear" ? 2 * Math.Cos(xs[i]) * cts[i] : Math.Cos(xs[i]) * cs[i] * cts[i];
            Assert.Equal(expected, direct[i], 12);
            Assert.Equal(direct[i], viaRetrace[i], 12);
        }
    }

    private static readonly Func<Tensor[], Tensor[]> s_vjp = Lax.CustomVjp(
        a => [Sin(a[0]) * a[1]],
        a => ([Sin(a[0]) * a[1]], [Cos(a[0]), Sin(a[0]), a[1]]),
        (r, ct) => [ct[0] * r[0] * r[2], ct[0] * r[1]]);

    private static readonly Func<Tensor[], Tensor[]> s_jvp = Lax.CustomJvp(
        a => [Sin(a[0]) * a[1]],
        (a, t) => ([Sin(a[0]) * a[1]], [(Cos(a[0]) * t[0] * a[1]) + (Sin(a[0]) * t[1])]));

    private static readonly Func<Tensor[], Tensor[]> s_linear = Lax.CustomLinear(
        a => [(a[0] * 2.0) + (a[1] * 3.0)],
        ct => [ct[0] * 2.0, ct[0] * 3.0]);
}
