using System.Globalization;
using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Tests.Properties;

/// <summary>Array helpers, finite differences and comparisons for the property tests.</summary>
internal static class Numerics
{
    public static double[] Values(Tensor t)
    {
        var a = t.Value;
        var v = new double[a.Size];
        for (int i = 0; i < v.Length; i++) v[i] = a.GetDouble(i);
        return v;
    }

    public static Tensor FromDoubles(double[] values, Shape shape, DType dtype)
    {
        if (dtype == DType.Float64) return new Tensor(NDArray.Wrap((double[])values.Clone(), shape));
        return new Tensor(NDArray.Wrap(values.Select(v => (float)v).ToArray(), shape));
    }

    public static Tensor[] WithDType(Tensor[] xs, DType dtype) => xs.Select(x => FromDoubles(Values(x), x.Shape, dtype)).ToArray();

    public static double MaxAbs(double[] v) => v.Length == 0 ? 0 : v.Max(Math.Abs);

    public static double MaxAbs(IEnumerable<Tensor> ts) => ts.Select(t => MaxAbs(Values(t))).DefaultIfEmpty(0).Max();

    public static bool AllFinite(Tensor t) => Values(t).All(double.IsFinite);

    /// <summary>(Σ aᵢbᵢ, Σ |aᵢbᵢ|) over matching tensors.</summary>
    public static (double Value, double Magnitude) Dot(IReadOnlyList<Tensor> a, IReadOnlyList<Tensor> b)
    {
        double sum = 0, magnitude = 0;
        for (int i = 0; i < a.Count; i++)
        {
            var x = Values(a[i]);
            var y = Values(b[i]);
            for (int k = 0; k < x.Length; k++)
            {
                sum += x[k] * y[k];
                magnitude += Math.Abs(x[k] * y[k]);
            }
        }

        return (sum, magnitude);
    }

    /// <summary>Bit-for-bit equality of values, shapes and dtypes (NaNs with equal bits are equal).</summary>
    public static void AssertBitwiseEqual(Tensor expected, Tensor actual, string what)
    {
        if (expected.Aval != actual.Aval) throw new PropertyException($"{what}: type {actual.Aval}, expected {expected.Aval}");
        var e = Values(expected);
        var a = Values(actual);
        for (int i = 0; i < e.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(e[i]) != BitConverter.DoubleToInt64Bits(a[i]))
                throw new PropertyException($"{what}: element {i} is {F(a[i])}, expected {F(e[i])} (bitwise)\n  expected: {Preview(e)}\n  actual:   {Preview(a)}");
        }
    }

    /// <summary>
    /// Elementwise |actual − expected| ≤ rtol·(|expectedᵢ| + ‖expected‖∞) + atol: relative to the element and
    /// to the array's scale, since rounding in a sum of large terms is relative to the terms.
    /// </summary>
    public static void AssertClose(double[] expected, double[] actual, double rtol, double atol, string what)
    {
        if (expected.Length != actual.Length) throw new PropertyException($"{what}: {actual.Length} elements, expected {expected.Length}");
        double scale = MaxAbs(expected);
        for (int i = 0; i < expected.Length; i++)
        {
            double tol = (rtol * (Math.Abs(expected[i]) + scale)) + atol;
            if (!(Math.Abs(expected[i] - actual[i]) <= tol))
            {
                throw new PropertyException($"{what}: element {i} is {F(actual[i])}, expected {F(expected[i])} (error {F(Math.Abs(expected[i] - actual[i]))}, tolerance {F(tol)})" +
                    $"\n  expected: {Preview(expected)}\n  actual:   {Preview(actual)}");
            }
        }
    }

    /// <summary>Whether <see cref="AssertClose"/> would pass.</summary>
    public static bool IsClose(double[] expected, double[] actual, double rtol, double atol)
    {
        double scale = MaxAbs(expected);
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(expected[i] - actual[i]) <= (rtol * (Math.Abs(expected[i]) + scale)) + atol)) return false;
        return true;
    }

    /// <summary>
    /// Directional derivative of <paramref name="f"/> at x along t by central differences D(h), D(h/2),
    /// D(h/4), Richardson-extrapolated twice: R₁ = (4D(h/2) − D(h))/3 and R₂ = (4D(h/4) − D(h/2))/3, both
    /// J·t + O(h⁴). Their difference estimates the error; it is large when a kink or jump lies within the step.
    /// </summary>
    public static (double[] Estimate, double[] ErrorEstimate) Derivative(Func<Tensor[], Tensor> f, Tensor[] x, Tensor[] t, double h)
    {
        var d1 = Central(f, x, t, h);
        var d2 = Central(f, x, t, h / 2);
        var d4 = Central(f, x, t, h / 4);
        var estimate = new double[d1.Length];
        var error = new double[d1.Length];
        for (int i = 0; i < d1.Length; i++)
        {
            double r1 = ((4 * d2[i]) - d1[i]) / 3;
            double r2 = ((4 * d4[i]) - d2[i]) / 3;
            estimate[i] = r2;
            error[i] = Math.Abs(r1 - r2);
        }

        return (estimate, error);
    }

    private static double[] Central(Func<Tensor[], Tensor> f, Tensor[] x, Tensor[] t, double h)
    {
        var plus = new Tensor[x.Length];
        var minus = new Tensor[x.Length];
        for (int j = 0; j < x.Length; j++)
        {
            var xv = Values(x[j]);
            var tv = Values(t[j]);
            plus[j] = FromDoubles(xv.Select((v, k) => v + (h * tv[k])).ToArray(), x[j].Shape, DType.Float64);
            minus[j] = FromDoubles(xv.Select((v, k) => v - (h * tv[k])).ToArray(), x[j].Shape, DType.Float64);
        }

        var p = Values(f(plus));
        var m = Values(f(minus));
        return p.Select((v, k) => (v - m[k]) / (2 * h)).ToArray();
    }

    /// <summary>The inputs flattened and concatenated into one vector.</summary>
    public static Tensor Pack(Tensor[] xs) => FromDoubles(xs.SelectMany(Values).ToArray(), Shape.Of(xs.Sum(x => x.Size)), xs[0].DType);

    /// <summary>The inverse of <see cref="Pack"/>, written with slice and reshape so it can be differentiated.</summary>
    public static Tensor[] Unpack(Tensor v, Shape[] shapes)
    {
        var result = new Tensor[shapes.Length];
        int offset = 0;
        for (int i = 0; i < shapes.Length; i++)
        {
            result[i] = Lax.Reshape(Lax.Slice(v, [offset], [offset + shapes[i].Size], [1]), shapes[i]);
            offset += shapes[i].Size;
        }

        return result;
    }

    public static string F(double v) => v.ToString("G9", CultureInfo.InvariantCulture);

    public static string Preview(double[] values)
    {
        var shown = values.Take(12).Select(F);
        return "[" + string.Join(", ", shown) + (values.Length > 12 ? ", …" : "") + "]";
    }
}

/// <summary>A property failed; the message says which identity and by how much.</summary>
public sealed class PropertyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PropertyException() { }

    /// <summary>Creates the exception.</summary>
    public PropertyException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public PropertyException(string message, Exception inner) : base(message, inner) { }
}
