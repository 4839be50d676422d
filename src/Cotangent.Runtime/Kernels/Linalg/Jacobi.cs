using System.Numerics;

namespace Cotangent.Runtime;

/// <summary>
/// Symmetric eigendecomposition by cyclic Jacobi rotations (Golub–Van Loan §8.5; Demmel–Veselić's relative stopping
/// test): accurate (small eigenvalues to high relative accuracy for definite matrices) and simple, but O(n³) per sweep
/// with 6–10 sweeps, so meant for n up to a few hundred. <see cref="SymmetricEigen"/> (tridiagonalization + implicit QL)
/// is the kernel behind Kernels.Eigh; this one stays as a reference (Kernels.EighJacobi).
/// </summary>
internal static class Jacobi
{
    /// <summary>Eigenvalues ascending into <paramref name="w"/>, eigenvectors as the columns of the row-major <paramref name="v"/>; <paramref name="a"/> (n×n, lower triangle read) is destroyed.</summary>
    public static void Eigh<T>(Span<T> a, int n, Span<T> w, Span<T> v)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T eps = T.CreateTruncating(typeof(T) == typeof(double) ? 2.220446049250313e-16 : 1.1920929e-7);
        T frob = T.Zero;
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                a[(j * n) + i] = a[(i * n) + j];
                frob += (i == j ? T.One : T.CreateTruncating(2)) * a[(i * n) + j] * a[(i * n) + j];
            }

        frob = T.Sqrt(frob);
        T floor = eps * frob * T.CreateTruncating(1e-3);
        // vt holds Vᵀ so that each rotation updates two contiguous rows.
        var vt = new T[n * n];
        for (int i = 0; i < n; i++) vt[(i * n) + i] = T.One;
        for (int sweep = 0; sweep < 60; sweep++)
        {
            bool rotated = false;
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++)
                {
                    T apq = a[(p * n) + q], app = a[(p * n) + p], aqq = a[(q * n) + q];
                    if (T.Abs(apq) <= floor || T.Abs(apq) <= eps * T.Sqrt(T.Abs(app * aqq))) continue;
                    rotated = true;
                    // J = [c s; −s c] zeroes a_pq: t = tan θ is the smaller root of t² + 2τt − 1 = 0.
                    T tau = (aqq - app) / (apq + apq);
                    T t = (tau >= T.Zero ? T.One : -T.One) / (T.Abs(tau) + T.Sqrt(T.One + (tau * tau)));
                    T c = T.One / T.Sqrt(T.One + (t * t)), s = t * c;
                    a[(p * n) + p] = app - (t * apq);
                    a[(q * n) + q] = aqq + (t * apq);
                    a[(p * n) + q] = a[(q * n) + p] = T.Zero;
                    for (int k = 0; k < n; k++)
                    {
                        if (k == p || k == q) continue;
                        T akp = a[(k * n) + p], akq = a[(k * n) + q];
                        T np = (c * akp) - (s * akq), nq = (s * akp) + (c * akq);
                        a[(k * n) + p] = a[(p * n) + k] = np;
                        a[(k * n) + q] = a[(q * n) + k] = nq;
                    }

                    var rp = vt.AsSpan(p * n, n);
                    var rq = vt.AsSpan(q * n, n);
                    for (int k = 0; k < n; k++)
                    {
                        T vp = rp[k], vq = rq[k];
                        rp[k] = (c * vp) - (s * vq);
                        rq[k] = (s * vp) + (c * vq);
                    }
                }

            if (!rotated) break;
        }

        // Ascending order (stable, so ties keep the sweep's order).
        var order = Enumerable.Range(0, n).ToArray();
        var diag = new T[n];
        for (int i = 0; i < n; i++) diag[i] = a[(i * n) + i];
        Array.Sort(diag.ToArray(), order);
        for (int j = 0; j < n; j++)
        {
            int src = order[j];
            w[j] = diag[src];
            for (int i = 0; i < n; i++) v[(i * n) + j] = vt[(src * n) + i];
        }
    }
}
