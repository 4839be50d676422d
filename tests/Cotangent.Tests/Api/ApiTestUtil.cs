using Cotangent.Runtime;

namespace Cotangent.Tests.Api;

/// <summary>Data builders, plain-loop references and tolerant comparisons for the Np tests.</summary>
internal static class ApiTestUtil
{
    public static readonly DType[] FloatTypes = [DType.Float64, DType.Float32];

    /// <summary>Deterministic values in [lo, hi).</summary>
    public static double[] Data(int seed, int n, double lo = -2, double hi = 2)
    {
        var r = new System.Random(seed);
        var d = new double[n];
        for (int i = 0; i < n; i++) d[i] = lo + ((hi - lo) * r.NextDouble());
        return d;
    }

    /// <summary>A tensor of <paramref name="dtype"/> from double data.</summary>
    public static Tensor Make(double[] data, DType dtype, params int[] shape)
    {
        var t = Tensor.FromArray(data, shape);
        return dtype == DType.Float64 ? t : Np.AsType(t, dtype);
    }

    /// <summary>The elements as doubles, whatever the dtype.</summary>
    public static double[] Values(Tensor t)
    {
        var v = t.Value;
        var r = new double[v.Size];
        for (int i = 0; i < r.Length; i++) r[i] = v.GetDouble(i);
        return r;
    }

    public static double Tol(DType dtype) => dtype == DType.Float32 ? 2e-5 : 1e-12;

    public static void Close(double expected, double actual, double tol)
    {
        if (double.IsNaN(expected)) Assert.True(double.IsNaN(actual), $"expected NaN, got {actual}");
        else if (double.IsInfinity(expected)) Assert.Equal(expected, actual);
        else Assert.True(Math.Abs(expected - actual) <= tol * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual} (tol {tol})");
    }

    public static void Close(double[] expected, Tensor actual, double tol, int[]? shape = null)
    {
        if (shape is not null) Assert.Equal(Shape.Of(shape), actual.Shape);
        var a = Values(actual);
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            if (double.IsNaN(expected[i])) Assert.True(double.IsNaN(a[i]), $"element {i}: expected NaN, got {a[i]}");
            else Assert.True(Math.Abs(expected[i] - a[i]) <= tol * Math.Max(1, Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {a[i]} (tol {tol})");
        }
    }

    /// <summary>Row-major flat offset of a multi-index.</summary>
    public static int Offset(int[] shape, params int[] index)
    {
        int o = 0;
        for (int i = 0; i < shape.Length; i++) o = (o * shape[i]) + index[i];
        return o;
    }

    /// <summary>Every multi-index of a shape in row-major order.</summary>
    public static IEnumerable<int[]> Indices(params int[] shape)
    {
        int size = 1;
        foreach (var d in shape) size *= d;
        for (int f = 0; f < size; f++)
        {
            var idx = new int[shape.Length];
            int rest = f;
            for (int i = shape.Length - 1; i >= 0; i--)
            {
                idx[i] = rest % shape[i];
                rest /= shape[i];
            }

            yield return idx;
        }
    }

    /// <summary>Central finite-difference gradient of a scalar function at x (float64).</summary>
    public static double[] NumericGrad(Func<Tensor, Tensor> f, double[] x, int[] shape, double h = 1e-6)
    {
        var g = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            var xp = (double[])x.Clone();
            var xm = (double[])x.Clone();
            xp[i] += h;
            xm[i] -= h;
            g[i] = (f(Tensor.FromArray(xp, shape)).ToDouble() - f(Tensor.FromArray(xm, shape)).ToDouble()) / (2 * h);
        }

        return g;
    }

    /// <summary>Asserts Ad.Grad of f matches finite differences at x.</summary>
    public static void CheckGrad(Func<Tensor, Tensor> f, double[] x, int[] shape, double tol = 1e-6)
    {
        var g = Ad.Grad(f)(Tensor.FromArray(x, shape));
        Close(NumericGrad(f, x, shape), g, tol, shape);
    }
}
