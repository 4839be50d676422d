using System.Globalization;
using System.Text;
using Cotangent.Core;
using Cotangent.Runtime;

namespace Cotangent;

/// <summary>Which derivatives <see cref="Ad.CheckGrads{TIn, TOut}"/> checks (JAX's <c>modes=("fwd", "rev")</c>).</summary>
[Flags]
public enum GradModes
{
    /// <summary>No derivative check.</summary>
    None = 0,

    /// <summary>Forward mode: the JVP against central finite differences.</summary>
    Forward = 1,

    /// <summary>Reverse mode: the VJP against the inner-product identity ⟨ȳ, J·ṫ⟩ = ⟨Jᵀ·ȳ, ṫ⟩.</summary>
    Reverse = 2,

    /// <summary>Forward and reverse mode.</summary>
    Both = Forward | Reverse,
}

// Numerical gradient checking, JAX's jax.test_util.check_grads.
public static partial class Ad
{
    /// <summary>
    /// Checks the derivatives of <paramref name="f"/> at <paramref name="args"/> numerically, up to
    /// <paramref name="order"/>, and throws <see cref="GradientCheckException"/> on the first disagreement
    /// (JAX's <c>check_grads</c>).
    /// <para>
    /// <b>Forward</b> (<see cref="GradModes.Forward"/>): for a random tangent ṫ, the tangent of
    /// <see cref="Jvp{TIn, TOut}"/> must match the central difference
    /// J·ṫ ≈ D(h) = (f(x + hṫ) − f(x − hṫ)) / 2h elementwise within atol + rtol·|expected|, and its primal must match f(x).
    /// The difference is Richardson-extrapolated, J·ṫ ≈ (4·D(h/2) − D(h)) / 3, which cancels the h² term of
    /// the truncation error (leaving O(h⁴)) for two more evaluations of f.
    /// </para>
    /// <para>
    /// <b>Reverse</b> (<see cref="GradModes.Reverse"/>): the VJP is the adjoint of the JVP, so for a random
    /// tangent ṫ and a random cotangent ȳ, ⟨ȳ, J·ṫ⟩ (with J·ṫ by central differences) must equal
    /// ⟨Jᵀ·ȳ, ṫ⟩ (with Jᵀ·ȳ from <see cref="Vjp{TIn, TOut}"/>) within atol + rtol·M, where
    /// M = max(Σ|ȳᵢ (J·ṫ)ᵢ|, Σ|(Jᵀ·ȳ)ⱼ ṫⱼ|) is the size of the terms being summed.
    /// </para>
    /// <para>
    /// <b>Higher orders</b>: for order &gt; 1 the check recurses, as JAX does, on the JVP function
    /// (x, ṫ) ↦ (f(x), J·ṫ) and on the VJP function x ↦ J(x)ᵀ·f(x) (the pullback applied to the primal
    /// output), so order 2 checks "JVP of JVP", "VJP of JVP", "JVP of VJP" and "VJP of VJP".
    /// </para>
    /// <para>
    /// <b>Step and tolerances</b>: tangent elements are ṫᵢ = nᵢ·max(1, |xᵢ|) with nᵢ standard normal
    /// (seeded, so checks are deterministic), and the step is h = ∛ε (ε the machine epsilon of the
    /// least precise float among inputs and outputs: h ≈ 6.1e-6 for float64, 4.9e-3 for float32), which keeps the O(ε/h) rounding
    /// error small while the extrapolated truncation error is O(h⁴). The default
    /// tolerances follow the least precise float among inputs and outputs: atol = rtol = 1e-6 for
    /// float64 and 2e-3 for float32. Keep inputs at least a few steps away from kinks and domain edges.
    /// </para>
    /// </summary>
    /// <typeparam name="TIn">A tree of float tensors (a tensor, an array of tensors, a tuple, a record…).</typeparam>
    /// <typeparam name="TOut">A tree of tensors; integer and bool outputs are not checked.</typeparam>
    /// <param name="f">The function to check. It is evaluated many times.</param>
    /// <param name="args">The point; every leaf must be float64 or float32 (close over indices and masks).</param>
    /// <param name="order">The highest derivative order to check (≥ 1).</param>
    /// <param name="modes">Forward, reverse or both.</param>
    /// <param name="atol">Absolute tolerance; default by dtype.</param>
    /// <param name="rtol">Relative tolerance; default by dtype.</param>
    /// <param name="eps">The finite-difference step h; default ∛ε.</param>
    /// <param name="seed">Seed of the random tangents and cotangents.</param>
    /// <exception cref="GradientCheckException">A derivative disagrees with its numerical check, or the check would be
    /// meaningless: an input is not finite, or f's values or derivatives are NaN wherever they are compared.</exception>
    /// <exception cref="DifferentiationException">An input leaf is not floating point.</exception>
    /// <exception cref="ValueException">order is below 1.</exception>
    /// <exception cref="ArgumentNullException">f or args is null.</exception>
    public static void CheckGrads<TIn, TOut>(Func<TIn, TOut> f, TIn args, int order = 2, GradModes modes = GradModes.Both,
        double? atol = null, double? rtol = null, double? eps = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (args is null) throw new ArgumentNullException(nameof(args));
        if (order < 1) throw new ValueException($"CheckGrads: order {order} is below 1; it is the highest derivative order to check.");
        var (leaves, def) = FlatFunction<TIn, TOut>.FlattenDifferentiable(args, "CheckGrads");
        GradChecker.RequireFinite(leaves, def);
        var flat = new FlatFunction<TIn, TOut>(f, def);
        new GradChecker(modes, atol, rtol, eps, seed).Check(flat.Invoke, leaves.ToArray(), order, 1, "");
    }
}

/// <summary>The recursive checker behind <see cref="Ad.CheckGrads{TIn, TOut}"/>, over flat functions.</summary>
internal sealed class GradChecker
{
    private readonly GradModes _modes;
    private readonly double? _atol;
    private readonly double? _rtol;
    private readonly double? _eps;
    private readonly Random _random;

    public GradChecker(GradModes modes, double? atol, double? rtol, double? eps, int seed)
    {
        _modes = modes;
        _atol = atol;
        _rtol = rtol;
        _eps = eps;
        _random = new Random(seed);
    }

    /// <summary>
    /// Finite differences at a NaN or infinite point compare NaN with NaN, which would pass vacuously, so a
    /// non-finite input makes the check meaningless and is refused.
    /// </summary>
    public static void RequireFinite(List<Tensor> leaves, TreeDef def)
    {
        for (int j = 0; j < leaves.Count; j++)
        {
            var v = Values(leaves[j]);
            for (int k = 0; k < v.Length; k++)
            {
                if (!double.IsFinite(v[k]))
                {
                    throw new GradientCheckException(
                        $"CheckGrads: input leaf {j} of {def} ({leaves[j].Aval}) is {F(v[k])} at flat index {k}; derivatives cannot be checked " +
                        "numerically at a non-finite point (every comparison would be NaN against NaN), so the check would be meaningless.");
                }
            }
        }
    }

    /// <summary>Checks f at x; <paramref name="of"/> names the function f is the derivative of ("" for the user's f).</summary>
    public void Check(Func<Tensor[], Tensor[]> f, Tensor[] x, int order, int level, string of)
    {
        if ((_modes & GradModes.Forward) != 0)
        {
            var name = of.Length == 0 ? "JVP" : "JVP of " + of;
            CheckJvp(f, x, level, name);
            if (order > 1) Check(JvpFunction(f, x.Length), [.. x, .. RandomTangents(x)], order - 1, level + 1, name);
        }

        if ((_modes & GradModes.Reverse) != 0)
        {
            var name = of.Length == 0 ? "VJP" : "VJP of " + of;
            CheckVjp(f, x, level, name);
            if (order > 1) Check(VjpFunction(f), x, order - 1, level + 1, name);
        }
    }

    /// <summary>(x, ṫ) ↦ (f(x), J·ṫ) with x and ṫ concatenated.</summary>
    private static Func<Tensor[], Tensor[]> JvpFunction(Func<Tensor[], Tensor[]> f, int n) => z =>
    {
        var (y, ty) = Ad.Jvp(f, z[..n], z[n..]);
        return [.. y, .. ty];
    };

    /// <summary>x ↦ J(x)ᵀ·f(x): the pullback applied to the primal output (JAX's f_vjp in check_grads).</summary>
    private static Func<Tensor[], Tensor[]> VjpFunction(Func<Tensor[], Tensor[]> f) => x =>
    {
        var (y, pullback) = Ad.Vjp(f, x);
        return pullback(y);
    };

    private void CheckJvp(Func<Tensor[], Tensor[]> f, Tensor[] x, int level, string name)
    {
        var t = RandomTangents(x);
        var (y, ty) = Ad.Jvp(f, x, t);
        var (atol, rtol) = Tolerances(x, y);
        ComparePrimal(f, x, y, level, name, atol, rtol);
        double h = Step(x, y);
        var fd = NumericalJvp(f, x, t, h);
        for (int i = 0; i < y.Length; i++)
        {
            if (!Aval.CarriesTangent(y[i].DType)) continue;
            if (ty[i].Aval != y[i].Aval)
                throw Fail(name, level, $"the tangent of output {i} has type {ty[i].Aval} but the output is {y[i].Aval}", double.NaN, double.NaN, double.NaN, 0);
            Compare(Values(ty[i]), fd[i], atol, rtol, name, level,
                $"the tangent of output {i} ({y[i].Aval}) from Jvp disagrees with central differences (step {F(h)})");
        }
    }

    private void CheckVjp(Func<Tensor[], Tensor[]> f, Tensor[] x, int level, string name)
    {
        var (y, pullback) = Ad.Vjp(f, x);
        var (atol, rtol) = Tolerances(x, y);
        ComparePrimal(f, x, y, level, name, atol, rtol);
        var t = RandomTangents(x);
        double h = Step(x, y);
        var fd = NumericalJvp(f, x, t, h);
        var ct = new Tensor[y.Length];
        for (int i = 0; i < ct.Length; i++)
            ct[i] = Aval.CarriesTangent(y[i].DType) ? Random(y[i].Aval.Shape, y[i].DType, null) : new Tensor(NDArray.Zeros(y[i].DType, y[i].Shape));
        var xbar = pullback(ct);

        double expected = 0, expectedMagnitude = 0;
        for (int i = 0; i < y.Length; i++)
        {
            if (!Aval.CarriesTangent(y[i].DType)) continue;
            var c = Values(ct[i]);
            for (int k = 0; k < c.Length; k++)
            {
                expected += c[k] * fd[i][k];
                expectedMagnitude += Math.Abs(c[k] * fd[i][k]);
            }
        }

        double actual = 0, actualMagnitude = 0;
        for (int j = 0; j < x.Length; j++)
        {
            if (xbar[j].Aval != x[j].Aval)
                throw Fail(name, level, $"the cotangent of input {j} has type {xbar[j].Aval} but the input is {x[j].Aval}", double.NaN, double.NaN, double.NaN, 0);
            var b = Values(xbar[j]);
            var tj = Values(t[j]);
            for (int k = 0; k < b.Length; k++)
            {
                actual += b[k] * tj[k];
                actualMagnitude += Math.Abs(b[k] * tj[k]);
            }
        }

        double error = Math.Abs(actual - expected);
        double tolerance = atol + (rtol * Math.Max(expectedMagnitude, actualMagnitude));
        if (double.IsNaN(expected) && double.IsNaN(actual))
        {
            throw Fail(name, level,
                "the inner-product identity cannot be checked: both ⟨ȳ, J·ṫ⟩ by central differences and ⟨Jᵀ·ȳ, ṫ⟩ from Vjp are NaN, " +
                "so f or its derivative is not finite at this point and the check would be meaningless",
                expected, actual, double.NaN, tolerance);
        }

        if (!(error <= tolerance))
        {
            throw Fail(name, level,
                $"the inner-product identity ⟨ȳ, J·ṫ⟩ = ⟨Jᵀ·ȳ, ṫ⟩ fails for random ṫ, ȳ: ⟨ȳ, J·ṫ⟩ by central differences (step {F(h)}) is {F(expected)} " +
                $"but ⟨Jᵀ·ȳ, ṫ⟩ from Vjp is {F(actual)}; error {F(error)} exceeds the tolerance {F(tolerance)} (atol {F(atol)}, rtol {F(rtol)} × {F(Math.Max(expectedMagnitude, actualMagnitude))})",
                expected, actual, error, tolerance);
        }
    }

    private static void ComparePrimal(Func<Tensor[], Tensor[]> f, Tensor[] x, Tensor[] y, int level, string name, double atol, double rtol)
    {
        var expected = f(x);
        if (expected.Length != y.Length)
            throw Fail(name, level, $"the transformed function returned {y.Length} outputs but f returns {expected.Length}", double.NaN, double.NaN, double.NaN, 0);
        for (int i = 0; i < y.Length; i++)
        {
            if (expected[i].Aval != y[i].Aval)
                throw Fail(name, level, $"primal output {i} has type {y[i].Aval} but f returns {expected[i].Aval}", double.NaN, double.NaN, double.NaN, 0);
            Compare(Values(y[i]), Values(expected[i]), atol, rtol, name, level, $"primal output {i} ({y[i].Aval}) differs from f(x)");
        }
    }

    /// <summary>
    /// J·ṫ per output in double (integer outputs: empty), by Richardson extrapolation of central differences:
    /// D(h) = J·ṫ + c·h² + O(h⁴), so (4·D(h/2) − D(h)) / 3 = J·ṫ + O(h⁴).
    /// </summary>
    private static double[][] NumericalJvp(Func<Tensor[], Tensor[]> f, Tensor[] x, Tensor[] t, double h)
    {
        var coarse = CentralDifference(f, x, t, h);
        var fine = CentralDifference(f, x, t, h / 2);
        for (int i = 0; i < fine.Length; i++)
            for (int k = 0; k < fine[i].Length; k++) fine[i][k] = ((4 * fine[i][k]) - coarse[i][k]) / 3;
        return fine;
    }

    /// <summary>(f(x + hṫ) − f(x − hṫ)) / 2h per output, in double (integer outputs: empty).</summary>
    private static double[][] CentralDifference(Func<Tensor[], Tensor[]> f, Tensor[] x, Tensor[] t, double h)
    {
        var plus = new Tensor[x.Length];
        var minus = new Tensor[x.Length];
        for (int j = 0; j < x.Length; j++)
        {
            plus[j] = Shifted(x[j], t[j], h);
            minus[j] = Shifted(x[j], t[j], -h);
        }

        var fp = f(plus);
        var fm = f(minus);
        var result = new double[fp.Length][];
        for (int i = 0; i < fp.Length; i++)
        {
            if (!Aval.CarriesTangent(fp[i].DType))
            {
                result[i] = [];
                continue;
            }

            var p = Values(fp[i]);
            var m = Values(fm[i]);
            var d = new double[p.Length];
            for (int k = 0; k < d.Length; k++) d[k] = (p[k] - m[k]) / (2 * h);
            result[i] = d;
        }

        return result;
    }

    private static Tensor Shifted(Tensor x, Tensor t, double h)
    {
        var xv = Values(x);
        var tv = Values(t);
        var r = new double[xv.Length];
        for (int k = 0; k < r.Length; k++) r[k] = xv[k] + (h * tv[k]);
        return FromDoubles(r, x.Shape, x.DType);
    }

    /// <summary>h = ∛ε for the least precise float among inputs and outputs: a float32 output of float64 inputs is rounded to float32, so its differences need the float32 step.</summary>
    private double Step(Tensor[] x, Tensor[] y) => _eps ?? Math.Cbrt(MachineEpsilon(LeastPrecise(x, y)));

    private (double Atol, double Rtol) Tolerances(Tensor[] x, Tensor[] y)
    {
        double d = LeastPrecise(x, y) == DType.Float32 ? 2e-3 : 1e-6;
        return (_atol ?? d, _rtol ?? d);
    }

    private static DType LeastPrecise(Tensor[] x, Tensor[] y)
    {
        foreach (var a in x) if (a.DType == DType.Float32) return DType.Float32;
        foreach (var a in y) if (a.DType == DType.Float32) return DType.Float32;
        return DType.Float64;
    }

    private static double MachineEpsilon(DType dtype) => dtype == DType.Float32 ? 1.1920928955078125e-7 : 2.220446049250313e-16;

    /// <summary>Random tangents: standard normal scaled elementwise by max(1, |xᵢ|).</summary>
    private Tensor[] RandomTangents(Tensor[] x)
    {
        var t = new Tensor[x.Length];
        for (int j = 0; j < t.Length; j++) t[j] = Random(x[j].Shape, x[j].DType, Values(x[j]));
        return t;
    }

    private Tensor Random(Shape shape, DType dtype, double[]? scale)
    {
        var r = new double[shape.Size];
        for (int k = 0; k < r.Length; k++)
        {
            // Box–Muller: a standard normal from two uniforms in (0, 1].
            double u1 = 1 - _random.NextDouble(), u2 = _random.NextDouble();
            double n = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            r[k] = scale is null ? n : n * Math.Max(1, Math.Abs(scale[k]));
        }

        return FromDoubles(r, shape, dtype);
    }

    private static Tensor FromDoubles(double[] values, Shape shape, DType dtype)
    {
        if (dtype == DType.Float64) return new Tensor(NDArray.Wrap(values, shape));
        var f = new float[values.Length];
        for (int k = 0; k < f.Length; k++) f[k] = (float)values[k];
        return new Tensor(NDArray.Wrap(f, shape));
    }

    private static double[] Values(Tensor t)
    {
        var a = t.Value;
        var r = new double[a.Size];
        for (int k = 0; k < r.Length; k++) r[k] = a.GetDouble(k);
        return r;
    }

    /// <summary>Elementwise |actual − expected| ≤ atol + rtol·|expected| (NaN only where both are NaN).</summary>
    private static void Compare(double[] actual, double[] expected, double atol, double rtol, string name, int level, string what)
    {
        int worst = -1, bothNaN = 0;
        double worstRatio = 1, maxError = 0;
        for (int k = 0; k < actual.Length; k++)
        {
            double a = actual[k], e = expected[k];
            if (double.IsNaN(a) && double.IsNaN(e))
            {
                bothNaN++;
                continue;
            }

            if (a == e) continue;   // also equal infinities
            double error = Math.Abs(a - e);
            double ratio = error / (atol + (rtol * Math.Abs(e)));
            if (double.IsNaN(ratio)) ratio = double.PositiveInfinity;
            maxError = double.IsNaN(error) ? double.PositiveInfinity : Math.Max(maxError, error);
            if (ratio > worstRatio)
            {
                worstRatio = ratio;
                worst = k;
            }
        }

        if (bothNaN > 0 && bothNaN == actual.Length)
        {
            throw Fail(name, level,
                $"cannot check whether {what}: every value is NaN on both sides, so f or its derivative is not finite at this point and the check would be meaningless",
                double.NaN, double.NaN, double.NaN, atol);
        }

        if (worst < 0) return;
        double tolerance = atol + (rtol * Math.Abs(expected[worst]));
        throw Fail(name, level,
            $"{what}: at flat index {worst} expected {F(expected[worst])} but got {F(actual[worst])} (error {F(Math.Abs(actual[worst] - expected[worst]))}, tolerance {F(tolerance)}); " +
            $"max abs error {F(maxError)} (atol {F(atol)}, rtol {F(rtol)})\n  expected: {Preview(expected)}\n  actual:   {Preview(actual)}",
            expected[worst], actual[worst], maxError, tolerance);
    }

    private static GradientCheckException Fail(string name, int level, string what, double expected, double actual, double maxError, double tolerance) =>
        new($"CheckGrads: {name} check failed (derivative order {level}): {what}.", name, level, expected, actual, maxError, tolerance);

    private static string F(double v) => v.ToString("G7", CultureInfo.InvariantCulture);

    private static string Preview(double[] values)
    {
        var sb = new StringBuilder("[");
        int n = Math.Min(values.Length, 10);
        for (int k = 0; k < n; k++)
        {
            if (k > 0) sb.Append(", ");
            sb.Append(F(values[k]));
        }

        if (values.Length > n) sb.Append(", …");
        return sb.Append(']').ToString();
    }
}
