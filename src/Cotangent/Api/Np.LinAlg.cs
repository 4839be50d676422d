using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent;

// Linear algebra through dot_general.
public static partial class Np
{
    /// <summary>
    /// The matrix product with NumPy's matmul semantics: 1-d·1-d is the inner product Σₖ aₖbₖ (a scalar);
    /// a 1-d operand is treated as a row (left) or column (right) vector whose axis is then removed; for ≥ 2-d,
    /// (…, n, k) @ (…, k, m) → (…, n, m) with the leading (batch) axes broadcast.
    /// </summary>
    /// <exception cref="ShapeException">A rank-0 operand, contracted extents that differ, or batch axes that do not broadcast; the message names matmul and both shapes.</exception>
    /// <exception cref="DTypeException">The dtypes differ.</exception>
    /// <exception cref="ArgumentNullException">a or b is null.</exception>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank == 0 || b.Rank == 0)
            throw new ShapeException($"matmul: operands must have rank ≥ 1, got shapes {a.Shape} and {b.Shape}; use Multiply for scalars.");
        if (a.DType != b.DType)
            throw new DTypeException($"matmul: operand dtypes differ ({a.DType.ShortName()} and {b.DType.ShortName()}); convert one with AsType.");
        int ka = a.Shape[a.Rank - 1];
        int kb = b.Rank == 1 ? b.Shape[0] : b.Shape[b.Rank - 2];
        if (ka != kb)
            throw new ShapeException($"matmul: shapes {a.Shape} and {b.Shape} are not aligned: the contracted extents are {ka} (last axis of the left) and {kb} ({(b.Rank == 1 ? "only" : "second-to-last")} axis of the right).");

        if (a.Rank == 1 && b.Rank == 1) return Lax.DotGeneral(a, b, [0], [0], [], []);
        // (…, n, k) @ (k) and (…, n, k) @ (k, m): contract without batching; the result axes are already (…, n[, m]).
        if (b.Rank <= 2) return Lax.DotGeneral(a, b, [a.Rank - 1], [0], [], []);
        // (k) @ (…, k, m): the free axes of b are (…, m), in order.
        if (a.Rank == 1) return Lax.DotGeneral(a, b, [0], [b.Rank - 2], [], []);

        // Both ≥ 2-d with b batched: broadcast the batch axes, then batch over them.
        var batchA = Shape.Of(a.Shape.Dims[..^2]);
        var batchB = Shape.Of(b.Shape.Dims[..^2]);
        Shape batch;
        try
        {
            batch = Shape.Broadcast(batchA, batchB, "matmul");
        }
        catch (ShapeException e)
        {
            throw new ShapeException($"matmul: the batch axes of shapes {a.Shape} and {b.Shape} do not broadcast ({batchA} vs {batchB}).", e);
        }

        var aFull = Lax.BroadcastTo(a, Shape.Of([.. batch.Dims, a.Shape[a.Rank - 2], ka]));
        var bFull = Lax.BroadcastTo(b, Shape.Of([.. batch.Dims, kb, b.Shape[b.Rank - 1]]));
        int nb = batch.Rank;
        var batchAxes = AxisHelpers.Iota(nb);
        return Lax.DotGeneral(aFull, bFull, [nb + 1], [nb], batchAxes, batchAxes);
    }

    /// <summary>
    /// NumPy's dot: scalar · tensor multiplies; 1-d·1-d is the inner product; otherwise Σ over the last axis of a
    /// and the second-to-last axis of b (the only axis when b is 1-d), result axes a[:-1] + b[:-2] + b[-1:].
    /// </summary>
    /// <exception cref="ShapeException">The contracted extents differ.</exception>
    /// <exception cref="ArgumentNullException">a or b is null.</exception>
    public static Tensor Dot(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank == 0 || b.Rank == 0) return Lax.Mul(a, b);
        int ca = a.Rank - 1, cb = b.Rank == 1 ? 0 : b.Rank - 2;
        if (a.Shape[ca] != b.Shape[cb])
            throw new ShapeException($"dot: shapes {a.Shape} and {b.Shape} are not aligned: axis {ca} of the left has extent {a.Shape[ca]} but axis {cb} of the right has {b.Shape[cb]}.");
        return Lax.DotGeneral(a, b, [ca], [cb], [], []);
    }

    /// <summary>Σ over the last axes of a and b (NumPy's inner): result axes a[:-1] + b[:-1].</summary>
    /// <exception cref="ArgumentNullException">a or b is null.</exception>
    public static Tensor Inner(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank == 0 || b.Rank == 0) return Lax.Mul(a, b);
        if (a.Shape[a.Rank - 1] != b.Shape[b.Rank - 1])
            throw new ShapeException($"inner: the last axes of shapes {a.Shape} and {b.Shape} differ.");
        return Lax.DotGeneral(a, b, [a.Rank - 1], [b.Rank - 1], [], []);
    }

    /// <summary>The outer product (a ⊗ b)ᵢⱼ = aᵢ bⱼ of the flattened operands.</summary>
    /// <exception cref="ArgumentNullException">a or b is null.</exception>
    public static Tensor Outer(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var fa = Lax.Reshape(a, Shape.Of(a.Size, 1));
        var fb = Lax.Reshape(b, Shape.Of(1, b.Size));
        return Lax.Mul(fa, fb);
    }

    /// <summary>
    /// The k-th diagonal of the last two axes (k &gt; 0 above the main diagonal): result axes x[:-2] + (len,).
    /// Implemented as a gather of a constant index on the flattened last two axes, so it is linear in x.
    /// </summary>
    /// <exception cref="ShapeException">x has rank below 2.</exception>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor Diagonal(Tensor x, int offset = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank < 2) throw new ShapeException($"diagonal: needs a tensor of rank ≥ 2, got shape {x.Shape}.");
        int n = x.Shape[x.Rank - 2], m = x.Shape[x.Rank - 1];
        int i0 = offset >= 0 ? 0 : -offset, j0 = offset >= 0 ? offset : 0;
        int len = Math.Max(0, Math.Min(n - i0, m - j0));
        var idx = new int[len];
        for (int t = 0; t < len; t++) idx[t] = ((i0 + t) * m) + j0 + t;
        var flat = Lax.Reshape(x, Shape.Of([.. x.Shape.Dims[..^2], n * m]));
        return Lax.Gather(flat, Tensor.FromArray(idx), x.Rank - 2);
    }

    /// <summary>The trace Σᵢ x[…, i, i + k] of the last two axes.</summary>
    public static Tensor Trace(Tensor x, int offset = 0) => Sum(Diagonal(x, offset), -1);

    /// <summary>The L2 (Frobenius) norm √(Σ x²) over <paramref name="axes"/> (all when null).</summary>
    public static Tensor Norm(Tensor x, int[]? axes = null, bool keepDims = false) => Lax.Sqrt(Sum(Lax.Mul(x, x), axes, keepDims));
}
