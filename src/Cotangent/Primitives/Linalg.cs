using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

// Dense linear algebra over the last two axes, batched over the leading ones. Only triangular_solve is
// linear (in its right-hand side); cholesky and lu have JVP rules written with triangular_solve and
// batched matmuls (dot_general), so their reverse mode comes from transposing those, and their rules
// differentiate again for Hessians. The core has single-output primitives, so lu packs its two outputs
// (the LU factors and the permutation) into one array, as documented on the class.

/// <summary>
/// cholesky: the lower factor L with L·Lᵀ = A of each [..., n, n] matrix, reading only A's lower triangle (the
/// symmetric matrix it defines is what is factored, as LAPACK's potrf). Not positive definite: all-NaN factor.
/// </summary>
public sealed class Cholesky() : Primitive<NoParams>("cholesky"), ITangentRule<NoParams>, IBatchRule<NoParams>
{
    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, NoParams p) => Kernels.Cholesky(args[0]);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, NoParams p)
    {
        Check.Arity(Name, args, 1);
        Check.Float(Name, args[0]);
        LinalgRules.CheckSquare(Name, args[0]);
        return args[0];
    }

    /// <summary>
    /// L̇ = L·Φ(L⁻¹ȦₛL⁻ᵀ) (Murray 2016; JAX's _cholesky_jvp_rule), Φ = strict lower triangle plus half the diagonal,
    /// where Ȧₛ = tril(Ȧ) + tril(Ȧ, −1)ᵀ is the symmetric tangent the lower triangle defines.
    /// </summary>
    public Tensor? Tangent(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, NoParams p)
    {
        var l = primalOut;
        int n = l.Shape[l.Rank - 1];
        var da = tangents[0]!;
        var daLower = Lax.Mul(da, LinalgRules.Mask(n, l.DType, diagonal: 1, below: 1, above: 0));
        var daStrict = Lax.Mul(da, LinalgRules.Mask(n, l.DType, diagonal: 0, below: 1, above: 0));
        var sym = Lax.Add(daLower, LinalgRules.SwapLast(daStrict));
        var y = Lax.TriangularSolve(l, sym, left: false, lower: true, transposeA: true, unitDiagonal: false);
        var x = Lax.TriangularSolve(l, y, left: true, lower: true, transposeA: false, unitDiagonal: false);
        return LinalgRules.MatMul(l, Lax.Mul(x, LinalgRules.Mask(n, l.DType, diagonal: 0.5, below: 1, above: 0)));
    }

    /// <summary>The kernel takes leading batch axes: every operand to the front.</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, NoParams p) =>
        (this.Bind(BatchRules.AllFront(args, dims, axisSize), p), 0);
}

/// <summary>
/// triangular_solve(a, b): X with op(A)·X = B (left) or X·op(A) = B, A triangular [..., m, m], B [..., m, k] (left)
/// or [..., k, m], same leading extents. Linear in b; non-linear in a.
/// </summary>
public sealed class TriangularSolve() : Primitive<TriangularSolveParams>("triangular_solve"), ITangentRule<TriangularSolveParams>, ITransposeRule<TriangularSolveParams>, IBatchRule<TriangularSolveParams>
{
    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, TriangularSolveParams p)
    {
        return Kernels.TriangularSolve(args[0], args[1], p.Left, p.Lower, p.TransposeA, p.UnitDiagonal);
    }

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, TriangularSolveParams p)
    {
        Check.Arity(Name, args, 2);
        var (a, b) = (args[0], args[1]);
        Check.SameDType(Name, a, b);
        Check.Float(Name, a);
        LinalgRules.CheckSquare(Name, a);
        int m = a.Shape[a.Shape.Rank - 1];
        if (b.Shape.Rank != a.Shape.Rank || !a.Shape.Dims[..^2].SequenceEqual(b.Shape.Dims[..^2])
            || (p.Left ? b.Shape[b.Shape.Rank - 2] : b.Shape[b.Shape.Rank - 1]) != m)
            throw new ShapeException($"triangular_solve: a {a.Shape} and b {b.Shape} do not fit: b must be [..., {m}, k] (left side) or [..., k, {m}] (right side) with a's leading extents.");
        return b;
    }

    /// <summary>
    /// Left: Ẋ = op(A)⁻¹(Ḃ − op(M∘Ȧ)·X); right: Ẋ = (Ḃ − X·op(M∘Ȧ))·op(A)⁻¹, with M the triangle the kernel reads.
    /// The tangent of A enters only through a matmul with the primal X, in b's (linear) slot.
    /// </summary>
    public Tensor? Tangent(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, TriangularSolveParams p)
    {
        var a = primals[0];
        Tensor? rhs = tangents[1];
        if (tangents[0] is { } da)
        {
            int m = a.Shape[a.Rank - 1];
            var mask = LinalgRules.Mask(m, a.DType, diagonal: p.UnitDiagonal ? 0 : 1, below: p.Lower ? 1 : 0, above: p.Lower ? 0 : 1);
            var dm = Lax.Mul(da, mask);
            if (p.TransposeA) dm = LinalgRules.SwapLast(dm);
            var term = p.Left ? LinalgRules.MatMul(dm, primalOut) : LinalgRules.MatMul(primalOut, dm);
            rhs = rhs is null ? Lax.Neg(term) : Lax.Sub(rhs, term);
        }

        return Bind(a, rhs!, p);
    }

    /// <inheritdoc/>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, TriangularSolveParams p) => !linear[0] && linear[1];

    /// <summary>B̄ = op(A)⁻ᵀX̄ (left) or X̄·op(A)⁻ᵀ (right): the same solve with transpose_a flipped.</summary>
    public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, TriangularSolveParams p, Span<Tensor?> result)
    {
        result[1] = Bind(args[0].Value!, cotangent, p with { TransposeA = !p.TransposeA });
    }

    /// <summary>The kernel takes leading batch axes: every operand to the front.</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, TriangularSolveParams p) =>
        (this.Bind(BatchRules.AllFront(args, dims, axisSize), p), 0);
}

/// <summary>
/// lu: LU factorization with partial pivoting of each square [..., n, n] matrix. Two results, like JAX's lu (which adds
/// a third, the pivots as swaps): the factors [..., n, n] — L below the diagonal (unit diagonal implied) and U on and
/// above it — and the row permutation perm [..., n] with A[perm] = L·U, held as floats of A's dtype (exact: n &lt; 2²⁴),
/// which is what permutation_sign reads. A singular matrix factors without error: U has a zero pivot.
/// </summary>
public sealed class Lu() : MultiResultPrimitive<NoParams>("lu"), IJvpRule, IBatchRule
{
    /// <inheritdoc/>
    public override NDArray[] Impl(ReadOnlySpan<NDArray> args, NoParams p)
    {
        // The kernel packs perm as row n under the factors; the primitive hands them out separately.
        var packed = Kernels.Lu(args[0]);
        int n = packed.Shape[packed.Rank - 1];
        return [LinalgRules.Rows(packed, 0, n), LinalgRules.Row(packed, n)];
    }

    /// <inheritdoc/>
    public override Aval[] AbstractEval(ReadOnlySpan<Aval> args, NoParams p)
    {
        Check.Arity(Name, args, 1);
        Check.Float(Name, args[0]);
        LinalgRules.CheckSquare(Name, args[0]);
        var s = args[0].Shape;
        return [args[0], args[0] with { Shape = Shape.Of(s.Dims[..^1]) }];
    }

    /// <summary>
    /// X = L⁻¹(PȦ)U⁻¹, L̇ = L·tril(X, −1), U̇ = triu(X)·U (JAX's _lu_jvp_inner); the factors' tangent is L̇ + U̇, and perm
    /// gets a zero tangent (the pivot order is locally constant).
    /// </summary>
    public void Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Params parameters, Span<Tensor> primalsOut, Span<Tensor?> tangentsOut)
    {
        var outs = Bind(primals, Typed(parameters));
        outs.CopyTo(primalsOut);
        var (lu, perm) = (outs[0], outs[1]);
        int n = lu.Shape[lu.Rank - 1];
        var dtype = lu.DType;
        var l = Lax.Add(Lax.Mul(lu, LinalgRules.Mask(n, dtype, diagonal: 0, below: 1, above: 0)), LinalgRules.Mask(n, dtype, diagonal: 1, below: 0, above: 0));
        var u = Lax.Mul(lu, LinalgRules.Mask(n, dtype, diagonal: 1, below: 0, above: 1));
        var pa = LinalgRules.MatMul(LinalgRules.PermutationMatrix(perm), tangents[0]!);
        var y = Lax.TriangularSolve(lu, pa, left: true, lower: true, transposeA: false, unitDiagonal: true);
        var x = Lax.TriangularSolve(lu, y, left: false, lower: false, transposeA: false, unitDiagonal: false);
        var dl = LinalgRules.MatMul(l, Lax.Mul(x, LinalgRules.Mask(n, dtype, diagonal: 0, below: 1, above: 0)));
        var du = LinalgRules.MatMul(Lax.Mul(x, LinalgRules.Mask(n, dtype, diagonal: 1, below: 0, above: 1)), u);
        tangentsOut[0] = Lax.Add(dl, du);
        tangentsOut[1] = null;
    }

    /// <summary>The kernel takes leading batch axes: the operand to the front, every result batched at 0.</summary>
    public void Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, Params parameters, Span<Tensor> results, Span<int> resultDims) =>
        BatchRules.LeadingBatch(this, args, dims, axisSize, parameters, results, resultDims);
}

/// <summary>permutation_sign: the sign (±1) of each permutation of 0…n−1 along the last axis (stored as floats, as lu's perm result holds them). Piecewise constant.</summary>
public sealed class PermutationSign() : Primitive<NoParams>("permutation_sign"), IZeroDerivative, IBatchRule<NoParams>
{
    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, NoParams p) => Kernels.PermutationSign(args[0]);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, NoParams p)
    {
        Check.Arity(Name, args, 1);
        Check.Float(Name, args[0]);
        var s = args[0].Shape;
        if (s.Rank < 1) throw new ShapeException($"permutation_sign: expected a [..., n] batch of permutations, got {s}.");
        return args[0] with { Shape = Shape.Of(s.Dims[..^1]) };
    }

    /// <summary>The kernel takes leading batch axes: every operand to the front.</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, NoParams p) =>
        (this.Bind(BatchRules.AllFront(args, dims, axisSize), p), 0);
}

/// <summary>
/// eigh: symmetric eigendecomposition A = V·diag(λ)·Vᵀ of each [..., n, n] matrix, reading only A's lower triangle.
/// Two results: λ [..., n] ascending and V [..., n, n] with eigenvector j in column j.
/// </summary>
public sealed class Eigh() : MultiResultPrimitive<NoParams>("eigh"), IJvpRule, IBatchRule
{
    /// <inheritdoc/>
    public override NDArray[] Impl(ReadOnlySpan<NDArray> args, NoParams p)
    {
        // The kernel packs λ as row 0 above V; the primitive hands them out separately.
        var packed = Kernels.Eigh(args[0]);
        int n = packed.Shape[packed.Rank - 1];
        return [LinalgRules.Row(packed, 0), LinalgRules.Rows(packed, 1, n)];
    }

    /// <inheritdoc/>
    public override Aval[] AbstractEval(ReadOnlySpan<Aval> args, NoParams p)
    {
        Check.Arity(Name, args, 1);
        Check.Float(Name, args[0]);
        LinalgRules.CheckSquare(Name, args[0]);
        var s = args[0].Shape;
        return [args[0] with { Shape = Shape.Of(s.Dims[..^1]) }, args[0]];
    }

    /// <summary>
    /// S = VᵀȦₛV, λ̇ = diag S, V̇ = V(F∘S) with F_ij = 1/(λ_j − λ_i) off the diagonal and 0 on it (JAX's _eigh_jvp_rule,
    /// F built as 1/(λ_j − λ_i + I) − I). Like JAX's, the rule assumes distinct eigenvalues: a repeated one makes F
    /// infinite, so V's tangent is not finite there (λ̇ stays correct). Ȧₛ is the symmetric tangent of the lower triangle.
    /// </summary>
    public void Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Params parameters, Span<Tensor> primalsOut, Span<Tensor?> tangentsOut)
    {
        var outs = Bind(primals, Typed(parameters));
        outs.CopyTo(primalsOut);
        var (lam, v) = (outs[0], outs[1]);
        int r = v.Rank, n = v.Shape[r - 1];
        var dtype = v.DType;
        var da = tangents[0]!;
        var sym = Lax.Add(Lax.Mul(da, LinalgRules.Mask(n, dtype, 1, 1, 0)), LinalgRules.SwapLast(Lax.Mul(da, LinalgRules.Mask(n, dtype, 0, 1, 0))));
        var s = LinalgRules.MatMul(LinalgRules.SwapLast(v), LinalgRules.MatMul(sym, v));
        var eye = LinalgRules.Mask(n, dtype, 1, 0, 0);
        var lamRow = Lax.Reshape(lam, Shape.Of([.. lam.Shape.Dims, 1]));
        var lamCol = Lax.Reshape(lam, Shape.Of([.. lam.Shape.Dims[..^1], 1, n]));
        var f = Lax.Sub(Lax.Div(Lax.Scalar(1, v), Lax.Add(Lax.Sub(lamCol, lamRow), eye)), eye);
        tangentsOut[0] = Lax.ReduceSum(Lax.Mul(s, eye), [r - 2]);
        tangentsOut[1] = LinalgRules.MatMul(v, Lax.Mul(f, s));
    }

    /// <summary>The kernel takes leading batch axes: the operand to the front, every result batched at 0.</summary>
    public void Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, Params parameters, Span<Tensor> results, Span<int> resultDims) =>
        BatchRules.LeadingBatch(this, args, dims, axisSize, parameters, results, resultDims);
}
