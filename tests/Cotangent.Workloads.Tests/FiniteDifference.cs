namespace Cotangent.Workloads.Tests;

/// <summary>An independent reference: fourth-order central differences, f′ ≈ (−f(x+2h) + 8f(x+h) − 8f(x−h) + f(x−2h)) / 12h.</summary>
internal static class FiniteDifference
{
    /// <summary>∂f/∂x_index where f takes the flat parameter vector; h = ε^{1/5}·max(1, |x_index|).</summary>
    public static double Partial(Func<double[], double> f, double[] x, int index)
    {
        double h = Math.Pow(2.220446049250313e-16, 0.2) * Math.Max(1, Math.Abs(x[index]));
        double At(double step)
        {
            var shifted = (double[])x.Clone();
            shifted[index] += step;
            return f(shifted);
        }
        return (-At(2 * h) + 8 * At(h) - 8 * At(-h) + At(-2 * h)) / (12 * h);
    }

    /// <summary>∂f/∂x_index for a vector-valued f, every output at once (the same stencil and step as <see cref="Partial"/>).</summary>
    public static double[] PartialVector(Func<double[], double[]> f, double[] x, int index)
    {
        double h = Math.Pow(2.220446049250313e-16, 0.2) * Math.Max(1, Math.Abs(x[index]));
        double[] At(double step)
        {
            var shifted = (double[])x.Clone();
            shifted[index] += step;
            return f(shifted);
        }
        var (p2, p1, m1, m2) = (At(2 * h), At(h), At(-h), At(-2 * h));
        var d = new double[p1.Length];
        for (int i = 0; i < d.Length; i++) d[i] = (-p2[i] + 8 * p1[i] - 8 * m1[i] + m2[i]) / (12 * h);
        return d;
    }

    /// <summary>Every <paramref name="stride"/>-th index of 0..count−1 plus the last, deterministic.</summary>
    public static IEnumerable<int> Subset(int count, int stride)
    {
        for (int i = 0; i < count; i += stride) yield return i;
        if ((count - 1) % stride != 0) yield return count - 1;
    }
}
