using System.Numerics;

namespace Cotangent.Runtime;

// Dense factorizations over the last two axes, batched over the leading ones. Each kernel copies its
// operand into a fresh row-major buffer and factors every matrix of the batch in place (Factor.cs).
public static partial class Kernels
{
    /// <summary>
    /// Lower Cholesky factor L (L·Lᵀ = A) of each matrix of a [..., n, n] batch. Only the lower triangle of A is
    /// read (LAPACK's potrf with uplo = L); L's strict upper triangle is zero. A matrix that is not positive
    /// definite gives an all-NaN factor (JAX's convention) rather than an exception.
    /// </summary>
    /// <exception cref="DTypeException">a is not float64 or float32.</exception>
    /// <exception cref="ShapeException">a has rank below 2 or its last two extents differ.</exception>
    public static NDArray Cholesky(NDArray a)
    {
        var (batch, n) = SquareBatch("cholesky", a);
        var result = NDArray.Trusted(a.DType, a.Shape, Copy(a));
        switch (a.DType)
        {
            case DType.Float64: ForEachMatrix((double[])result.Data, batch, n * n, m => Factor.Cholesky(m, n)); break;
            default: ForEachMatrix((float[])result.Data, batch, n * n, m => Factor.Cholesky(m, n)); break;
        }

        return result;
    }

    /// <summary>
    /// Solves op(A)·X = B (<paramref name="left"/>) or X·op(A) = B for X, with A triangular and op(A) = A or Aᵀ,
    /// batched: a is [..., m, m] and b is [..., m, k] (left) or [..., k, m] (right) with the same leading extents.
    /// Only the triangle named by <paramref name="lower"/> is read; with <paramref name="unitDiagonal"/> the diagonal is
    /// taken as ones and not read. A zero on the diagonal gives infinities or NaN (as LAPACK's trsm: no check).
    /// </summary>
    /// <exception cref="DTypeException">The dtypes differ or are not float.</exception>
    /// <exception cref="ShapeException">The shapes do not fit together.</exception>
    public static NDArray TriangularSolve(NDArray a, NDArray b, bool left, bool lower, bool transposeA, bool unitDiagonal)
    {
        var (batch, m) = SquareBatch("triangular_solve", a);
        CheckSolveOperands("triangular_solve", a, b, left);
        int k = left ? b.Shape[b.Rank - 1] : b.Shape[b.Rank - 2];
        var result = NDArray.Trusted(b.DType, b.Shape, Copy(b));
        switch (a.DType)
        {
            case DType.Float64: Factor.SolveBatch((double[])a.Data, (double[])result.Data, batch, m, k, left, lower, transposeA, unitDiagonal); break;
            default: Factor.SolveBatch((float[])a.Data, (float[])result.Data, batch, m, k, left, lower, transposeA, unitDiagonal); break;
        }

        return result;
    }

    /// <summary>
    /// LU factorization with partial pivoting of each square matrix of a [..., n, n] batch, packed as one
    /// [..., n + 1, n] array: rows 0…n−1 hold L (strictly below the diagonal, unit diagonal implied) and U (on and
    /// above it) with A[perm] = L·U, and row n holds the row permutation perm as floats (exact: n &lt; 2²⁴).
    /// A singular matrix factors without error (U has a zero on its diagonal), as LAPACK's getrf with info &gt; 0.
    /// </summary>
    /// <exception cref="DTypeException">a is not float64 or float32.</exception>
    /// <exception cref="ShapeException">a has rank below 2 or its last two extents differ.</exception>
    public static NDArray Lu(NDArray a)
    {
        var (batch, n) = SquareBatch("lu", a);
        var shape = Shape.Of([.. a.Shape.Dims[..^2], n + 1, n]);
        var result = NDArray.Trusted(a.DType, shape, NDArray.AllocateUninitialized(a.DType, shape.Size));
        switch (a.DType)
        {
            case DType.Float64: Factor.LuBatch((double[])a.Data, (double[])result.Data, batch, n); break;
            default: Factor.LuBatch((float[])a.Data, (float[])result.Data, batch, n); break;
        }

        return result;
    }

    /// <summary>
    /// Symmetric eigendecomposition A = V·diag(λ)·Vᵀ of each [..., n, n] matrix (lower triangle read), packed as one
    /// [..., n + 1, n] array: row 0 holds the eigenvalues λ in ascending order, rows 1…n hold V (eigenvector j is column
    /// j). Householder tridiagonalization and implicit QL (see <see cref="SymmetricEigen"/>); NaN or infinite input gives
    /// an all-NaN result, as does (never observed) non-convergence.
    /// </summary>
    /// <exception cref="DTypeException">a is not float64 or float32.</exception>
    /// <exception cref="ShapeException">a has rank below 2 or its last two extents differ.</exception>
    public static NDArray Eigh(NDArray a) => EighPacked(a, jacobi: false);

    /// <summary>
    /// <see cref="Eigh"/> by cyclic Jacobi rotations (see <see cref="Jacobi"/>): the same packed output, slower
    /// (several n³ per sweep) but with high relative accuracy; kept as a reference for tests.
    /// </summary>
    internal static NDArray EighJacobi(NDArray a) => EighPacked(a, jacobi: true);

    private static NDArray EighPacked(NDArray a, bool jacobi)
    {
        var (batch, n) = SquareBatch("eigh", a);
        var shape = Shape.Of([.. a.Shape.Dims[..^2], n + 1, n]);
        var result = NDArray.Trusted(a.DType, shape, NDArray.AllocateUninitialized(a.DType, shape.Size));
        switch (a.DType)
        {
            case DType.Float64: EighBatch((double[])a.Data, (double[])result.Data, batch, n, jacobi); break;
            default: EighBatch((float[])a.Data, (float[])result.Data, batch, n, jacobi); break;
        }

        return result;
    }

    private static void EighBatch<T>(T[] a, T[] result, int batch, int n, bool jacobi)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var work = new T[n * n];
        for (int q = 0; q < batch; q++)
        {
            a.AsSpan(q * n * n, n * n).CopyTo(work);
            var m = result.AsSpan(q * (n + 1) * n, (n + 1) * n);
            if (jacobi) Jacobi.Eigh<T>(work, n, m[..n], m[n..]);
            else SymmetricEigen.Eigh<T>(work, n, m[..n], m[n..]);
        }
    }

    /// <summary>
    /// Householder QR A = Q·R of each matrix of a [..., m, n] batch, with k = min(m, n): reduced mode gives Q [..., m, k]
    /// with orthonormal columns and R [..., k, n] upper triangular; <paramref name="complete"/> gives the square
    /// orthogonal Q [..., m, m] and R [..., m, n] (zero below row k). LAPACK's sign convention (geqrf): R's diagonal
    /// may be negative. Rank-deficient input factors without error.
    /// </summary>
    /// <exception cref="DTypeException">a is not float64 or float32.</exception>
    /// <exception cref="ShapeException">a has rank below 2.</exception>
    public static (NDArray Q, NDArray R) Qr(NDArray a, bool complete)
    {
        var (batch, m, n) = MatrixBatch("qr", a);
        int k = Math.Min(m, n), qc = complete ? m : k;
        var lead = a.Shape.Dims[..^2];
        var q = NDArray.Trusted(a.DType, Shape.Of([.. lead, m, qc]), NDArray.AllocateUninitialized(a.DType, batch * m * qc));
        var r = NDArray.Trusted(a.DType, Shape.Of([.. lead, qc, n]), NDArray.AllocateUninitialized(a.DType, batch * qc * n));
        switch (a.DType)
        {
            case DType.Float64: QrBatch((double[])a.Data, (double[])q.Data, (double[])r.Data, batch, m, n, qc); break;
            default: QrBatch((float[])a.Data, (float[])q.Data, (float[])r.Data, batch, m, n, qc); break;
        }

        return (q, r);
    }

    private static unsafe void QrBatch<T>(T[] a, T[] q, T[] r, int batch, int m, int n, int qc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var work = new T[m * n];
        var tau = new T[Math.Max(1, Math.Min(m, n))];
        fixed (T* pw = work)
        fixed (T* pt = tau)
        fixed (T* pq = q)
        {
            for (int b = 0; b < batch; b++)
            {
                a.AsSpan(b * m * n, m * n).CopyTo(work);
                Orthogonal.Factor(pw, m, n, pt);
                Orthogonal.FormQ(pw, m, n, pt, pq + ((nint)b * m * qc), qc);
                var rb = r.AsSpan(b * qc * n, qc * n);
                for (int i = 0; i < qc; i++)
                    for (int j = 0; j < n; j++) rb[(i * n) + j] = j >= i && i < m ? work[(i * n) + j] : T.Zero;
            }
        }
    }

    /// <summary>
    /// Thin singular value decomposition A = U·diag(s)·Vᵀ of each matrix of a [..., m, n] batch, k = min(m, n): U
    /// [..., m, k] and Vᵀ [..., k, n] with orthonormal columns and rows, s [..., k] descending and ≥ 0 (NumPy's
    /// full_matrices=False). Householder QR, then one-sided Jacobi on R, which gives small singular values to high
    /// relative accuracy. Singular vectors of a zero singular value complete an orthonormal basis. NaN or infinite
    /// input gives all-NaN outputs.
    /// </summary>
    /// <exception cref="DTypeException">a is not float64 or float32.</exception>
    /// <exception cref="ShapeException">a has rank below 2.</exception>
    public static (NDArray U, NDArray S, NDArray Vt) Svd(NDArray a)
    {
        var (batch, m, n) = MatrixBatch("svd", a);
        int k = Math.Min(m, n);
        var lead = a.Shape.Dims[..^2];
        var u = NDArray.Trusted(a.DType, Shape.Of([.. lead, m, k]), NDArray.AllocateUninitialized(a.DType, batch * m * k));
        var s = NDArray.Trusted(a.DType, Shape.Of([.. lead, k]), NDArray.AllocateUninitialized(a.DType, batch * k));
        var vt = NDArray.Trusted(a.DType, Shape.Of([.. lead, k, n]), NDArray.AllocateUninitialized(a.DType, batch * k * n));
        switch (a.DType)
        {
            case DType.Float64: SvdBatch((double[])a.Data, (double[])u.Data, (double[])s.Data, (double[])vt.Data, batch, m, n); break;
            default: SvdBatch((float[])a.Data, (float[])u.Data, (float[])s.Data, (float[])vt.Data, batch, m, n); break;
        }

        return (u, s, vt);
    }

    private static void SvdBatch<T>(T[] a, T[] u, T[] s, T[] vt, int batch, int m, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = Math.Min(m, n);
        for (int b = 0; b < batch; b++)
            Orthogonal.Svd<T>(a.AsSpan(b * m * n, m * n), m, n, u.AsSpan(b * m * k, m * k), s.AsSpan(b * k, k), vt.AsSpan(b * k * n, k * n));
    }

    private static (int Batch, int M, int N) MatrixBatch(string op, NDArray a)
    {
        if (!a.DType.IsFloat()) throw new DTypeException($"{op}: expected a float64 or float32 matrix, got {a.DType.ShortName()}{a.Shape}.");
        if (a.Rank < 2) throw new ShapeException($"{op}: expected a batch of matrices [..., m, n], got {a.Shape}.");
        return (Shape.Of(a.Shape.Dims[..^2]).Size, a.Shape[a.Rank - 2], a.Shape[a.Rank - 1]);
    }

    /// <summary>The sign (+1 or −1) of each permutation along the last axis of a [..., n] batch of permutations of 0…n−1 (stored as floats, read rounded to the nearest integer).</summary>
    /// <exception cref="DTypeException">p is not float64 or float32.</exception>
    /// <exception cref="ShapeException">p has rank 0, or a row is not a permutation of 0…n−1.</exception>
    public static NDArray PermutationSign(NDArray p)
    {
        if (!p.DType.IsFloat()) throw new DTypeException($"permutation_sign: expected a float operand, got {p.DType.ShortName()}{p.Shape}.");
        if (p.Rank < 1) throw new ShapeException($"permutation_sign: expected rank ≥ 1, got {p.Shape}.");
        int n = p.Shape[p.Rank - 1], batch = n == 0 ? Shape.Of(p.Shape.Dims[..^1]).Size : p.Size / n;
        var shape = Shape.Of(p.Shape.Dims[..^1]);
        var result = NDArray.Zeros(p.DType, shape);
        var perm = new int[n];
        var seen = new bool[n];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < n; i++)
            {
                // Rounded: the value is piecewise constant in its operand (a perturbed permutation keeps its sign).
                double v = Math.Round(p.GetDouble((b * n) + i));
                if (!(v >= 0 && v < n)) throw new ShapeException($"permutation_sign: row {b} is not a permutation of 0…{n - 1} (holds {v}).");
                perm[i] = (int)v;
            }

            // Parity = (n − number of cycles) mod 2.
            Array.Clear(seen);
            int cycles = 0;
            for (int i = 0; i < n; i++)
            {
                if (seen[i]) continue;
                cycles++;
                for (int j = i; !seen[j]; j = perm[j])
                {
                    if (seen[perm[j]] && perm[j] != i) throw new ShapeException($"permutation_sign: row {b} repeats the index {perm[j]}.");
                    seen[j] = true;
                }
            }

            double sign = ((n - cycles) & 1) == 0 ? 1 : -1;
            if (p.DType == DType.Float64) ((double[])result.Data)[b] = sign;
            else ((float[])result.Data)[b] = (float)sign;
        }

        return result;
    }

    private static (int Batch, int N) SquareBatch(string op, NDArray a)
    {
        if (!a.DType.IsFloat()) throw new DTypeException($"{op}: expected a float64 or float32 matrix, got {a.DType.ShortName()}{a.Shape}.");
        if (a.Rank < 2 || a.Shape[a.Rank - 1] != a.Shape[a.Rank - 2])
            throw new ShapeException($"{op}: expected a batch of square matrices [..., n, n], got {a.Shape}.");
        int n = a.Shape[a.Rank - 1];
        return (n == 0 ? Shape.Of(a.Shape.Dims[..^2]).Size : a.Size / (n * n), n);
    }

    private static void CheckSolveOperands(string op, NDArray a, NDArray b, bool left)
    {
        if (a.DType != b.DType) throw new DTypeException($"{op}: operand dtypes differ ({a.DType.ShortName()} and {b.DType.ShortName()}).");
        int m = a.Shape[a.Rank - 1];
        if (b.Rank != a.Rank || !a.Shape.Dims[..^2].SequenceEqual(b.Shape.Dims[..^2]) || (left ? b.Shape[b.Rank - 2] : b.Shape[b.Rank - 1]) != m)
            throw new ShapeException($"{op}: a {a.Shape} and b {b.Shape} do not fit: b must be [..., {m}, k] (left) or [..., k, {m}] (right) with a's leading extents.");
    }

    private static Array Copy(NDArray a)
    {
        var data = NDArray.AllocateUninitialized(a.DType, a.Size);
        Array.Copy(a.Data, data, a.Size);
        return data;
    }

    private static void ForEachMatrix<T>(T[] data, int batch, int stride, SpanAction<T> factor)
        where T : unmanaged, INumber<T>
    {
        for (int b = 0; b < batch; b++) factor(data.AsSpan(b * stride, stride));
    }

    private delegate void SpanAction<T>(Span<T> matrix);
}
