namespace Cotangent.Runtime.Tests;

/// <summary>Test matrices and residual checks (in f64, on row-major arrays) for the factorization kernels.</summary>
internal static class LinalgTestUtil
{
    /// <summary>A symmetric n×n matrix with entries uniform in [−1, 1).</summary>
    public static double[] RandomSymmetric(Random rng, int n)
    {
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) a[(i * n) + j] = a[(j * n) + i] = (2 * rng.NextDouble()) - 1;
        return a;
    }

    /// <summary>An m×n matrix with entries uniform in [−1, 1).</summary>
    public static double[] RandomMatrix(Random rng, int m, int n)
    {
        var a = new double[m * n];
        for (int i = 0; i < a.Length; i++) a[i] = (2 * rng.NextDouble()) - 1;
        return a;
    }

    /// <summary>A random orthogonal n×n matrix: modified Gram–Schmidt, twice, on a random matrix's columns.</summary>
    public static double[] RandomOrthogonal(Random rng, int n)
    {
        var q = RandomMatrix(rng, n, n);
        for (int j = 0; j < n; j++)
        {
            for (int pass = 0; pass < 2; pass++)
                for (int k = 0; k < j; k++)
                {
                    double dot = 0;
                    for (int i = 0; i < n; i++) dot += q[(i * n) + k] * q[(i * n) + j];
                    for (int i = 0; i < n; i++) q[(i * n) + j] -= dot * q[(i * n) + k];
                }

            double norm = 0;
            for (int i = 0; i < n; i++) norm += q[(i * n) + j] * q[(i * n) + j];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < n; i++) q[(i * n) + j] /= norm;
        }

        return q;
    }

    /// <summary>Q·diag(λ)·Qᵀ.</summary>
    public static double[] Compose(double[] q, double[] lam, int n)
    {
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += q[(i * n) + k] * lam[k] * q[(j * n) + k];
                a[(i * n) + j] = a[(j * n) + i] = s;
            }

        return a;
    }

    /// <summary>Symmetric test matrices with special structure.</summary>
    public static double[] Structured(string kind, int n, Random rng)
    {
        var a = new double[n * n];
        switch (kind)
        {
            case "identity":
                for (int i = 0; i < n; i++) a[(i * n) + i] = 1;
                break;
            case "zero":
                break;
            case "diagonal":
                for (int i = 0; i < n; i++) a[(i * n) + i] = rng.Next(-3, 4);
                break;
            case "rank1":
            {
                var x = RandomMatrix(rng, n, 1);
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++) a[(i * n) + j] = x[i] * x[j];
                break;
            }

            case "tridiagonal":
                for (int i = 0; i < n; i++)
                {
                    a[(i * n) + i] = 2;
                    if (i > 0) a[(i * n) + i - 1] = a[((i - 1) * n) + i] = -1;
                }

                break;
            case "wilkinson":
                // W⁺: |i − m| on the diagonal, ones beside it: pairs of nearly equal eigenvalues.
                for (int i = 0; i < n; i++)
                {
                    a[(i * n) + i] = Math.Abs(i - ((n - 1) / 2.0));
                    if (i > 0) a[(i * n) + i - 1] = a[((i - 1) * n) + i] = 1;
                }

                break;
            case "tiny":
            case "huge":
            {
                double s = kind == "tiny" ? 1e-200 : 1e200;
                var r = RandomSymmetric(rng, n);
                for (int i = 0; i < a.Length; i++) a[i] = r[i] * s;
                break;
            }

            case "graded":
                // Entries scaled by 10^(−(i + j)/4): eigenvalues over many orders of magnitude.
                var g = RandomSymmetric(rng, n);
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++) a[(i * n) + j] = g[(i * n) + j] * Math.Pow(10, -(i + j) / 4.0);
                break;
            default:
                throw new ArgumentException(kind);
        }

        return a;
    }

    /// <summary>
    /// Asserts ‖A − V·Λ·Vᵀ‖_F ≤ tol·‖A‖_F, ‖VᵀV − I‖_F ≤ tol·√n and λ ascending, where A is the symmetric matrix whose
    /// lower triangle is <paramref name="a"/>'s.
    /// </summary>
    public static void CheckEigh(double[] a, double[] lam, double[] v, int n, double tol, string context)
    {
        for (int j = 1; j < n; j++) Assert.True(lam[j - 1] <= lam[j], $"{context}: eigenvalues not ascending at {j}: {lam[j - 1]} > {lam[j]}");
        double scale = 0;
        for (int i = 0; i < a.Length; i++) scale = Math.Max(scale, Math.Abs(a[i]));
        double s = scale == 0 ? 1 : 1 / scale;
        double err = 0, norm = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double r = 0;
                for (int k = 0; k < n; k++) r += v[(i * n) + k] * lam[k] * s * v[(j * n) + k];
                double aij = a[(i * n) + j] * s;
                double w = i == j ? 1 : 2;
                err += w * (aij - r) * (aij - r);
                norm += w * aij * aij;
            }

        Assert.True(Math.Sqrt(err) <= tol * Math.Max(Math.Sqrt(norm), scale == 0 ? 1 : 0), $"{context}: ‖A − VΛVᵀ‖ = {Math.Sqrt(err):E3}, ‖A‖ = {Math.Sqrt(norm):E3}");
        CheckOrthonormalColumns(v, n, n, tol, context);
    }

    /// <summary>‖QᵀQ − I‖_F ≤ tol·√k for the m×k row-major <paramref name="q"/>.</summary>
    public static void CheckOrthonormalColumns(double[] q, int m, int k, double tol, string context)
    {
        double err = 0;
        for (int a = 0; a < k; a++)
            for (int b = 0; b <= a; b++)
            {
                double dot = 0;
                for (int i = 0; i < m; i++) dot += q[(i * k) + a] * q[(i * k) + b];
                double d = dot - (a == b ? 1 : 0);
                err += (a == b ? 1 : 2) * d * d;
            }

        Assert.True(Math.Sqrt(err) <= tol * Math.Sqrt(Math.Max(k, 1)), $"{context}: ‖QᵀQ − I‖ = {Math.Sqrt(err):E3}");
    }

    /// <summary>‖A − B·C‖_F ≤ tol·‖A‖_F for row-major A (m×n), B (m×k), C (k×n).</summary>
    public static void CheckProduct(double[] a, double[] b, double[] c, int m, int k, int n, double tol, string context)
    {
        double err = 0, norm = 0;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double r = 0;
                for (int p = 0; p < k; p++) r += b[(i * k) + p] * c[(p * n) + j];
                err += (a[(i * n) + j] - r) * (a[(i * n) + j] - r);
                norm += a[(i * n) + j] * a[(i * n) + j];
            }

        Assert.True(Math.Sqrt(err) <= tol * Math.Sqrt(norm) || (norm == 0 && err == 0), $"{context}: ‖A − BC‖ = {Math.Sqrt(err):E3}, ‖A‖ = {Math.Sqrt(norm):E3}");
    }
}
