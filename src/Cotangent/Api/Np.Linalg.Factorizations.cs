using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent;

public static partial class Np
{
    /// <summary>
    /// Dense linear algebra over the last two axes, batched (and broadcast) over the leading ones: NumPy's and JAX's
    /// <c>linalg</c> (plus <c>jax.scipy.linalg</c>'s triangular and Cholesky solves). Everything is differentiable to
    /// any order: the functions compose the primitives cholesky, lu, triangular_solve and permutation_sign, whose JVP
    /// rules are written with triangular solves and matmuls; reverse mode is their transpose.
    /// </summary>
    public static partial class Linalg
    {
        /// <summary>
        /// The lower Cholesky factor L of each symmetric positive-definite matrix (L·Lᵀ = A), of a symmetrized as
        /// ½(A + Aᵀ) like JAX's <c>jnp.linalg.cholesky</c>, so gradients are symmetric.
        /// </summary>
        /// <returns>L [..., n, n], zero above the diagonal. A matrix that is not positive definite gives an all-NaN factor (JAX's convention; NumPy raises).</returns>
        /// <exception cref="ShapeException">a is not a batch of square matrices.</exception>
        /// <exception cref="DTypeException">a is not float.</exception>
        /// <exception cref="ArgumentNullException">a is null.</exception>
        public static Tensor Cholesky(Tensor a)
        {
            CheckSquare("cholesky", a);
            var sym = Lax.Mul(Lax.Add(a, LinalgRules.SwapLast(a)), Lax.Scalar(0.5, a));
            return Lax.Cholesky(sym);
        }

        /// <summary>
        /// Solves a·x = b for triangular a (SciPy's/JAX's <c>solve_triangular</c>): a is [..., m, m]; b is [..., m, k],
        /// or [..., m] for one right-hand side. Only the triangle named by <paramref name="lower"/> is read.
        /// </summary>
        /// <param name="a">The triangular matrices.</param>
        /// <param name="b">The right-hand sides.</param>
        /// <param name="lower">a is lower triangular (default: upper, as SciPy).</param>
        /// <param name="transpose">Solve aᵀ·x = b instead.</param>
        /// <param name="unitDiagonal">Take a's diagonal as ones (it is not read).</param>
        /// <returns>x, shaped like b (leading axes broadcast). A zero on a's diagonal gives infinities or NaN (no check, as LAPACK's trsm).</returns>
        /// <exception cref="ShapeException">The shapes do not fit.</exception>
        /// <exception cref="DTypeException">The dtypes differ or are not float.</exception>
        /// <exception cref="ArgumentNullException">a or b is null.</exception>
        public static Tensor TriangularSolve(Tensor a, Tensor b, bool lower = false, bool transpose = false, bool unitDiagonal = false)
        {
            ArgumentNullException.ThrowIfNull(b);
            CheckSquare("triangular_solve", a);
            return SolveWith("triangular_solve", a, b, (a2, b2) => Lax.TriangularSolve(a2, b2, left: true, lower, transpose, unitDiagonal));
        }

        /// <summary>Solves A·x = b given A's lower Cholesky factor <paramref name="l"/> (JAX's <c>cho_solve((l, True), b)</c>): x = L⁻ᵀ(L⁻¹b).</summary>
        /// <returns>x, shaped like b (leading axes broadcast). NaN when l is (the NaN factor of a matrix that is not positive definite).</returns>
        /// <exception cref="ShapeException">The shapes do not fit.</exception>
        /// <exception cref="DTypeException">The dtypes differ or are not float.</exception>
        /// <exception cref="ArgumentNullException">l or b is null.</exception>
        public static Tensor CholeskySolve(Tensor l, Tensor b)
        {
            ArgumentNullException.ThrowIfNull(b);
            CheckSquare("cho_solve", l);
            return SolveWith("cho_solve", l, b, (l2, b2) =>
                Lax.TriangularSolve(l2, Lax.TriangularSolve(l2, b2, left: true, lower: true, transposeA: false, unitDiagonal: false),
                    left: true, lower: true, transposeA: true, unitDiagonal: false));
        }

        /// <summary>
        /// Solves a·x = b (NumPy's/JAX's <c>solve</c>) by LU with partial pivoting: a is [..., n, n]; b is [..., n, k], or a
        /// vector of right-hand sides when it is 1-d or has rank a.Rank − 1 (JAX's rule).
        /// </summary>
        /// <returns>x, shaped like b (leading axes broadcast). A singular a gives infinities or NaN, as JAX (NumPy raises LinAlgError).</returns>
        /// <exception cref="ShapeException">The shapes do not fit.</exception>
        /// <exception cref="DTypeException">The dtypes differ or are not float.</exception>
        /// <exception cref="ArgumentNullException">a or b is null.</exception>
        public static Tensor Solve(Tensor a, Tensor b)
        {
            ArgumentNullException.ThrowIfNull(b);
            CheckSquare("solve", a);
            return SolveWith("solve", a, b, (a2, b2) =>
            {
                var (lu, perm) = Lax.Lu(a2);
                var pb = LinalgRules.MatMul(LinalgRules.PermutationMatrix(perm), b2);
                var y = Lax.TriangularSolve(lu, pb, left: true, lower: true, transposeA: false, unitDiagonal: true);
                return Lax.TriangularSolve(lu, y, left: true, lower: false, transposeA: false, unitDiagonal: false);
            });
        }

        /// <summary>The inverse of each square matrix: Solve(a, I).</summary>
        /// <returns>a⁻¹ [..., n, n]. A singular a gives infinities or NaN, as JAX (NumPy raises).</returns>
        /// <exception cref="ShapeException">a is not a batch of square matrices.</exception>
        /// <exception cref="DTypeException">a is not float.</exception>
        /// <exception cref="ArgumentNullException">a is null.</exception>
        public static Tensor Inv(Tensor a)
        {
            CheckSquare("inv", a);
            int n = a.Shape[a.Rank - 1];
            return Solve(a, Lax.BroadcastTo(Eye(n, dtype: a.DType), a.Shape));
        }

        /// <summary>The sign and the log of the absolute value of the determinant (NumPy's <c>slogdet</c>), from the LU factors: sign = sign(perm)·Π sign(uᵢᵢ), log|det| = Σ log|uᵢᵢ|.</summary>
        /// <returns>(sign, logabsdet), each of shape a.shape[:-2]. A singular a gives (0, −∞), as NumPy. The sign has a zero derivative.</returns>
        /// <exception cref="ShapeException">a is not a batch of square matrices.</exception>
        /// <exception cref="DTypeException">a is not float.</exception>
        /// <exception cref="ArgumentNullException">a is null.</exception>
        public static (Tensor Sign, Tensor LogAbsDet) Slogdet(Tensor a)
        {
            var (perm, diag) = LuDiagonal("slogdet", a);
            var sign = Lax.Mul(Lax.PermutationSign(perm), Lax.ReduceProd(Lax.Sign(diag), [diag.Rank - 1]));
            return (sign, Lax.ReduceSum(Lax.Log(Lax.Abs(diag)), [diag.Rank - 1]));
        }

        /// <summary>The determinant of each square matrix: sign(perm)·Π uᵢᵢ over the LU factors (never exp of a log, so a singular matrix gives exactly 0).</summary>
        /// <returns>det a, of shape a.shape[:-2].</returns>
        /// <exception cref="ShapeException">a is not a batch of square matrices.</exception>
        /// <exception cref="DTypeException">a is not float.</exception>
        /// <exception cref="ArgumentNullException">a is null.</exception>
        public static Tensor Det(Tensor a)
        {
            var (perm, diag) = LuDiagonal("det", a);
            return Lax.Mul(Lax.PermutationSign(perm), Lax.ReduceProd(diag, [diag.Rank - 1]));
        }

        /// <summary>
        /// Eigenvalues and eigenvectors of each symmetric matrix (NumPy's/JAX's <c>eigh</c>), of a symmetrized as ½(A + Aᵀ)
        /// like JAX: A = V·diag(w)·Vᵀ with w ascending and V orthogonal. Computed by Householder tridiagonalization and implicit QL
        /// with Wilkinson shifts (O(n³); about 2.5× LAPACK's dsyevd at n = 512 on this machine).
        /// </summary>
        /// <returns>(w [..., n], V [..., n, n]) with eigenvector j in column j. Each eigenvector's sign is arbitrary (as
        /// LAPACK's), so a loss should not depend on it. The derivative of V is not finite at repeated eigenvalues (JAX's
        /// rule, which assumes distinct ones); w's derivative is fine there only if V is unused.</returns>
        /// <exception cref="ShapeException">a is not a batch of square matrices.</exception>
        /// <exception cref="DTypeException">a is not float.</exception>
        /// <exception cref="ArgumentNullException">a is null.</exception>
        public static (Tensor Eigenvalues, Tensor Eigenvectors) Eigh(Tensor a)
        {
            CheckSquare("eigh", a);
            var sym = Lax.Mul(Lax.Add(a, LinalgRules.SwapLast(a)), Lax.Scalar(0.5, a));
            var wv = Lax.Eigh(sym);
            return (wv[0], wv[1]);
        }

        /// <summary>
        /// QR factorization of each matrix (NumPy's/JAX's <c>qr</c>) by Householder reflections: A = Q·R with Q's columns
        /// orthonormal and R upper triangular. <paramref name="mode"/> "reduced" (default) gives Q [..., m, k] and R
        /// [..., k, n] with k = min(m, n); "complete" gives Q [..., m, m] and R [..., m, n]. R's diagonal may be negative
        /// (LAPACK's convention). Differentiable for m ≥ n in reduced mode and for square matrices in complete mode.
        /// </summary>
        /// <example><code>
        /// var (q, r) = Np.Linalg.Qr(a);                       // least squares: x = R⁻¹ Qᵀ b
        /// var x = Np.Linalg.TriangularSolve(r, Np.MatMul(q.T, b));
        /// </code></example>
        /// <returns>(Q, R).</returns>
        /// <exception cref="ShapeException">a has rank below 2.</exception>
        /// <exception cref="DTypeException">a is not float.</exception>
        /// <exception cref="ValueException">mode is neither "reduced" nor "complete".</exception>
        /// <exception cref="ArgumentNullException">a or mode is null.</exception>
        public static (Tensor Q, Tensor R) Qr(Tensor a, string mode = "reduced")
        {
            ArgumentNullException.ThrowIfNull(a);
            ArgumentNullException.ThrowIfNull(mode);
            bool complete = mode switch
            {
                "reduced" => false,
                "complete" => true,
                _ => throw new ValueException($"qr: mode must be \"reduced\" or \"complete\", got \"{mode}\"."),
            };
            var qr = Catalogue.Qr.Bind([a], new QrParams(complete));
            return (qr[0], qr[1]);
        }

        /// <summary>
        /// Thin singular value decomposition of each matrix (NumPy's <c>svd(a, full_matrices=False)</c>): A = U·diag(S)·Vᵀ
        /// with k = min(m, n), S descending and ≥ 0. Householder QR, then one-sided Jacobi (high relative accuracy for
        /// small singular values). Differentiable where the singular values are distinct and nonzero (JAX's rule); each
        /// singular vector's sign is arbitrary, as in NumPy.
        /// </summary>
        /// <returns>(U [..., m, k], S [..., k], Vt [..., k, n]).</returns>
        /// <exception cref="ShapeException">a has rank below 2.</exception>
        /// <exception cref="DTypeException">a is not float.</exception>
        /// <exception cref="ArgumentNullException">a is null.</exception>
        public static (Tensor U, Tensor S, Tensor Vt) Svd(Tensor a)
        {
            ArgumentNullException.ThrowIfNull(a);
            var usv = Catalogue.Svd.Bind([a], Core.NoParams.Instance);
            return (usv[1], usv[0], usv[2]);
        }

        /// <summary>
        /// Moore–Penrose pseudo-inverse of each matrix (NumPy's <c>pinv</c>) from the thin SVD: A⁺ = V·diag(s⁺)·Uᵀ with
        /// s⁺ = 1/s where s &gt; <paramref name="rcond"/>·max(s) and 0 elsewhere (default rcond: machine epsilon × max(m, n)).
        /// Differentiable through <see cref="Svd"/> where the singular values are distinct and nonzero.
        /// </summary>
        /// <returns>A⁺ [..., n, m].</returns>
        /// <exception cref="ShapeException">a has rank below 2.</exception>
        /// <exception cref="DTypeException">a is not float.</exception>
        /// <exception cref="ArgumentNullException">a is null.</exception>
        public static Tensor Pinv(Tensor a, double? rcond = null)
        {
            var (u, s, vt) = Svd(a);
            var sInv = PseudoInverseOfSingularValues(a, s, rcond, out _);
            // V·diag(s⁺)·Uᵀ = (Vᵀ)ᵀ scaled row-wise, times Uᵀ.
            return Np.MatMul(LinalgRules.SwapLast(vt) * Np.ExpandDims(sInv, -2), LinalgRules.SwapLast(u));
        }

        /// <summary>
        /// Least-squares solution of a·x ≈ b (NumPy's <c>lstsq</c>) by the pseudo-inverse: the minimum-norm x minimizing
        /// ‖a·x − b‖₂, for a [m, n] and b [m] or [m, k]. Singular values below <paramref name="rcond"/>·max(s) count as zero
        /// (default: machine epsilon × max(m, n)).
        /// </summary>
        /// <returns>
        /// (X [n] or [n, k]; Residuals: the squared residual norm per column ([1] for a vector b) when m &gt; n, else an
        /// empty [0] array — JAX's choice, which keeps the shape independent of the values (NumPy also returns empty when
        /// a is rank-deficient); Rank: the effective rank as an int32 scalar; S: a's singular values, descending).
        /// </returns>
        /// <exception cref="ShapeException">a is not a matrix, or b's leading extent is not a's row count.</exception>
        /// <exception cref="DTypeException">a is not float.</exception>
        /// <exception cref="ArgumentNullException">a or b is null.</exception>
        public static (Tensor X, Tensor Residuals, Tensor Rank, Tensor S) Lstsq(Tensor a, Tensor b, double? rcond = null)
        {
            ArgumentNullException.ThrowIfNull(a);
            ArgumentNullException.ThrowIfNull(b);
            if (a.Rank != 2) throw new ShapeException($"lstsq: a must be a matrix [m, n], got {a.Shape}.");
            if (b.Rank is < 1 or > 2 || b.Shape[0] != a.Shape[0])
                throw new ShapeException($"lstsq: b must be [m] or [m, k] with m = {a.Shape[0]} (a's rows), got {b.Shape}.");
            var (u, s, vt) = Svd(a);
            var sInv = PseudoInverseOfSingularValues(a, s, rcond, out var rank);
            var pinv = Np.MatMul(LinalgRules.SwapLast(vt) * Np.ExpandDims(sInv, -2), LinalgRules.SwapLast(u));
            var x = Np.MatMul(pinv, b);
            int m = a.Shape[0], n = a.Shape[1];
            Tensor residuals;
            if (m > n)
            {
                var r = Np.MatMul(a, x) - b;
                residuals = b.Rank == 1 ? Np.Reshape(Np.Sum(r * r), [1]) : Np.Sum(r * r, 0);
            }
            else
            {
                residuals = Np.Zeros([0], a.DType);
            }

            return (x, residuals, rank, s);
        }

        // s⁺ = 1/s above the cutoff, 0 below it; the rank counts the singular values above it.
        private static Tensor PseudoInverseOfSingularValues(Tensor a, Tensor s, double? rcond, out Tensor rank)
        {
            int m = a.Shape[a.Rank - 2], n = a.Shape[a.Rank - 1];
            double eps = a.DType == DType.Float32 ? 1.1920928955078125e-7 : 2.220446049250313e-16;
            double factor = rcond ?? (eps * Math.Max(m, n));
            var cutoff = Math.Min(m, n) == 0 ? Np.ZerosLike(s) : Np.Max(s, [s.Rank - 1], keepDims: true) * factor;
            var keep = s > cutoff;
            rank = Np.Sum(keep.AsType(DType.Int32), [s.Rank - 1]);
            var safe = Np.Where(keep, s, Np.OnesLike(s));
            return Np.Where(keep, 1.0 / safe, Np.ZerosLike(s));
        }

        /// <summary>The eigenvalues of each symmetric matrix, ascending (NumPy's <c>eigvalsh</c>): <see cref="Eigh"/>'s first result.</summary>
        /// <returns>w [..., n].</returns>
        /// <exception cref="ShapeException">a is not a batch of square matrices.</exception>
        /// <exception cref="DTypeException">a is not float.</exception>
        /// <exception cref="ArgumentNullException">a is null.</exception>
        public static Tensor Eigvalsh(Tensor a) => Eigh(a).Eigenvalues;

        /// <summary>aⁿ for integer n by repeated squaring (NumPy's <c>matrix_power</c>); n = 0 gives the identity, n &lt; 0 powers the inverse.</summary>
        /// <returns>aⁿ [..., m, m].</returns>
        /// <exception cref="ShapeException">a is not a batch of square matrices.</exception>
        /// <exception cref="DTypeException">a is not float.</exception>
        /// <exception cref="ArgumentNullException">a is null.</exception>
        public static Tensor MatrixPower(Tensor a, int n)
        {
            CheckSquare("matrix_power", a);
            int m = a.Shape[a.Rank - 1];
            if (n == 0) return Lax.BroadcastTo(Eye(m, dtype: a.DType), a.Shape);
            var x = n < 0 ? Inv(a) : a;
            long e = Math.Abs((long)n);
            Tensor? result = null;
            while (true)
            {
                if ((e & 1) != 0) result = result is null ? x : LinalgRules.MatMul(result, x);
                e >>= 1;
                if (e == 0) return result!;
                x = LinalgRules.MatMul(x, x);
            }
        }

        private static (Tensor Perm, Tensor Diag) LuDiagonal(string name, Tensor a)
        {
            CheckSquare(name, a);
            var (lu, perm) = Lax.Lu(a);
            return (perm, Diagonal(lu));
        }

        private static void CheckSquare(string name, Tensor a)
        {
            ArgumentNullException.ThrowIfNull(a);
            if (!a.DType.IsFloat())
                throw new DTypeException($"{name}: expected a float64 or float32 matrix, got {a.DType.ShortName()}{a.Shape}; convert it with AsType first.");
            LinalgRules.CheckSquare(name, a.Aval);
        }

        /// <summary>Broadcasts a [..., n, n] and b ([..., n, k] or a vector of right-hand sides) to common leading axes, solves, and restores b's layout.</summary>
        private static Tensor SolveWith(string name, Tensor a, Tensor b, Func<Tensor, Tensor, Tensor> solve)
        {
            ArgumentNullException.ThrowIfNull(b);
            if (a.DType != b.DType)
                throw new DTypeException($"{name}: operand dtypes differ ({a.DType.ShortName()} and {b.DType.ShortName()}); convert one with AsType.");
            int n = a.Shape[a.Rank - 1];
            bool vector = b.Rank == 1 || b.Rank == a.Rank - 1;
            var bm = vector ? Lax.Reshape(b, Shape.Of([.. b.Shape.Dims, 1])) : b;
            if (bm.Shape[bm.Rank - 2] != n)
                throw new ShapeException($"{name}: a {a.Shape} and b {b.Shape} do not fit: b must be [..., {n}] or [..., {n}, k].");
            Shape batch;
            try
            {
                batch = Shape.Broadcast(Shape.Of(a.Shape.Dims[..^2]), Shape.Of(bm.Shape.Dims[..^2]), name);
            }
            catch (ShapeException e)
            {
                throw new ShapeException($"{name}: the leading axes of a {a.Shape} and b {b.Shape} do not broadcast.", e);
            }

            var af = Lax.BroadcastTo(a, Shape.Of([.. batch.Dims, n, n]));
            var bf = Lax.BroadcastTo(bm, Shape.Of([.. batch.Dims, n, bm.Shape[bm.Rank - 1]]));
            var x = solve(af, bf);
            return vector ? Lax.Reshape(x, Shape.Of([.. batch.Dims, n])) : x;
        }
    }
}
