using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

/// <summary>The catalogue entry of qr, declared beside its class.</summary>
public static partial class Catalogue
{
    /// <summary>qr: see <see cref="Primitives.Qr"/>.</summary>
    public static readonly Qr Qr = new();
}

/// <summary>
/// qr: Householder A = Q·R of each [..., m, n] matrix, two results. Reduced (k = min(m, n)): Q [..., m, k] with
/// orthonormal columns, R [..., k, n] upper triangular; complete: Q [..., m, m], R [..., m, n]. LAPACK's sign
/// convention (R's diagonal may be negative). Differentiable for m ≥ n in reduced mode and for square matrices in
/// complete mode, as in JAX.
/// </summary>
public sealed class Qr() : MultiResultPrimitive<QrParams>("qr"), IJvpRule, IBatchRule
{
    /// <inheritdoc/>
    public override NDArray[] Impl(ReadOnlySpan<NDArray> args, QrParams p)
    {
        var (q, r) = Kernels.Qr(args[0], p.Complete);
        return [q, r];
    }

    /// <inheritdoc/>
    public override Aval[] AbstractEval(ReadOnlySpan<Aval> args, QrParams p)
    {
        Check.Arity(Name, args, 1);
        Check.Float(Name, args[0]);
        var s = args[0].Shape;
        if (s.Rank < 2) throw new ShapeException($"qr: expected a batch of matrices [..., m, n], got {s}.");
        int m = s[s.Rank - 2], n = s[s.Rank - 1], k = p.Complete ? m : Math.Min(m, n);
        var lead = s.Dims[..^2];
        return [args[0] with { Shape = Shape.Of([.. lead, m, k]) }, args[0] with { Shape = Shape.Of([.. lead, k, n]) }];
    }

    /// <summary>
    /// JAX's qr_jvp_rule: X = Ȧ·R⁻¹, C = QᵀX, Ω = tril(C, −1) − tril(C, −1)ᵀ (skew-symmetric), Q̇ = Q(Ω − C) + X,
    /// Ṙ = (C − Ω)·R.
    /// </summary>
    /// <exception cref="DifferentiationException">A wide matrix (m &lt; n), or a non-square one in complete mode.</exception>
    public void Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Params parameters, Span<Tensor> primalsOut, Span<Tensor?> tangentsOut)
    {
        var p = Typed(parameters);
        var outs = Bind(primals, p);
        outs.CopyTo(primalsOut);
        var (q, r) = (outs[0], outs[1]);
        var s = primals[0].Shape;
        int m = s[s.Rank - 2], n = s[s.Rank - 1];
        if (m < n || (p.Complete && m != n))
            throw new DifferentiationException($"qr: the derivative is defined for m ≥ n (reduced) or square matrices (complete), as in JAX; got {s}{(p.Complete ? " in complete mode" : "")}.");
        var x = Lax.TriangularSolve(r, tangents[0]!, left: false, lower: false, transposeA: false, unitDiagonal: false);
        var c = LinalgRules.MatMul(LinalgRules.SwapLast(q), x);
        var lower = Lax.Mul(c, LinalgRules.Mask(n, c.DType, 0, 1, 0));
        var omega = Lax.Sub(lower, LinalgRules.SwapLast(lower));
        tangentsOut[0] = Lax.Add(LinalgRules.MatMul(q, Lax.Sub(omega, c)), x);
        tangentsOut[1] = LinalgRules.MatMul(Lax.Sub(c, omega), r);
    }

    /// <summary>The kernel takes leading batch axes: the operand to the front, every result batched at 0.</summary>
    public void Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, Params parameters, Span<Tensor> results, Span<int> resultDims) =>
        BatchRules.LeadingBatch(this, args, dims, axisSize, parameters, results, resultDims);
}
