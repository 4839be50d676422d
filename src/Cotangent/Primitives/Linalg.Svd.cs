using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

/// <summary>The catalogue entry of svd, declared beside its class.</summary>
public static partial class Catalogue
{
    /// <summary>svd: see <see cref="Primitives.Svd"/>.</summary>
    public static readonly Svd Svd = new();
}

/// <summary>
/// svd: the thin singular value decomposition A = U·diag(s)·Vᵀ of each [..., m, n] matrix, three results with
/// k = min(m, n): s [..., k] descending and ≥ 0, U [..., m, k], Vᵀ [..., k, n]. Differentiable where the singular
/// values are distinct and nonzero, as JAX's rule assumes.
/// </summary>
public sealed class Svd() : MultiResultPrimitive<NoParams>("svd"), IJvpRule, IBatchRule
{
    /// <inheritdoc/>
    public override NDArray[] Impl(ReadOnlySpan<NDArray> args, NoParams p)
    {
        var (u, s, vt) = Kernels.Svd(args[0]);
        return [s, u, vt];
    }

    /// <inheritdoc/>
    public override Aval[] AbstractEval(ReadOnlySpan<Aval> args, NoParams p)
    {
        Check.Arity(Name, args, 1);
        Check.Float(Name, args[0]);
        var shape = args[0].Shape;
        if (shape.Rank < 2) throw new ShapeException($"svd: expected a batch of matrices [..., m, n], got {shape}.");
        int m = shape[shape.Rank - 2], n = shape[shape.Rank - 1], k = Math.Min(m, n);
        var lead = shape.Dims[..^2];
        return [args[0] with { Shape = Shape.Of([.. lead, k]) }, args[0] with { Shape = Shape.Of([.. lead, m, k]) }, args[0] with { Shape = Shape.Of([.. lead, k, n]) }];
    }

    /// <summary>
    /// JAX's svd_jvp_rule for real matrices: dS = UᵀȦV, ṡ = diag dS, F_ij = 1/(s_j² − s_i²) off the diagonal,
    /// U̇ = U(F∘(dS·S + S·dSᵀ)) (+ (I − UUᵀ)ȦV/s when m &gt; n), V̇ = V(F∘(S·dS + dSᵀ·S)) (+ (I − VVᵀ)ȦᵀU/s when n &gt; m).
    /// </summary>
    public void Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Params parameters, Span<Tensor> primalsOut, Span<Tensor?> tangentsOut)
    {
        var outs = Bind(primals, Typed(parameters));
        outs.CopyTo(primalsOut);
        var (s, u, vt) = (outs[0], outs[1], outs[2]);
        var da = tangents[0]!;
        var shape = primals[0].Shape;
        int m = shape[shape.Rank - 2], n = shape[shape.Rank - 1], k = Math.Min(m, n);
        var v = LinalgRules.SwapLast(vt);
        var ut = LinalgRules.SwapLast(u);
        var ds = LinalgRules.MatMul(ut, LinalgRules.MatMul(da, v));
        var eye = LinalgRules.Mask(k, s.DType, 1, 0, 0);
        var sRow = Lax.Reshape(s, Shape.Of([.. s.Shape.Dims[..^1], 1, k]));   // s_j along columns
        var sCol = LinalgRules.SwapLast(sRow);                               // s_i along rows
        var f = Lax.Sub(Lax.Div(Lax.Scalar(1, s), Lax.Add(Lax.Mul(Lax.Add(sRow, sCol), Lax.Sub(sRow, sCol)), eye)), eye);
        var dss = Lax.Mul(sRow, ds);   // dS·diag(s)
        var sds = Lax.Mul(sCol, ds);   // diag(s)·dS
        var du = LinalgRules.MatMul(u, Lax.Mul(f, Lax.Add(dss, LinalgRules.SwapLast(dss))));
        var dv = LinalgRules.MatMul(v, Lax.Mul(f, Lax.Add(sds, LinalgRules.SwapLast(sds))));
        if (m > n)
        {
            var dav = LinalgRules.MatMul(da, v);
            du = Lax.Add(du, Lax.Div(Lax.Sub(dav, LinalgRules.MatMul(u, LinalgRules.MatMul(ut, dav))), sRow));
        }

        if (n > m)
        {
            var dau = LinalgRules.MatMul(LinalgRules.SwapLast(da), u);
            dv = Lax.Add(dv, Lax.Div(Lax.Sub(dau, LinalgRules.MatMul(v, LinalgRules.MatMul(vt, dau))), sRow));
        }

        tangentsOut[0] = Lax.ReduceSum(Lax.Mul(ds, eye), [ds.Rank - 2]);
        tangentsOut[1] = du;
        tangentsOut[2] = LinalgRules.SwapLast(dv);
    }

    /// <summary>The kernel takes leading batch axes: the operand to the front, every result batched at 0.</summary>
    public void Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, Params parameters, Span<Tensor> results, Span<int> resultDims) =>
        BatchRules.LeadingBatch(this, args, dims, axisSize, parameters, results, resultDims);
}
