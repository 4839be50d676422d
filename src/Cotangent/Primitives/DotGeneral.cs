using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

/// <summary>
/// dot_general (XLA): contracts lhs and rhs over paired axes, batching over paired batch axes. Result
/// axes: batch, lhs free, rhs free. Bilinear: linear in exactly one operand at a time.
/// </summary>
public sealed class DotGeneral() : Primitive<DotParams>("dot_general"), IBilinearPrimitive<DotParams>, IBatchRule<DotParams>
{
    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, DotParams p)
    {
        return Kernels.DotGeneral(args[0], args[1], p.ContractLhs.Span, p.ContractRhs.Span, p.BatchLhs.Span, p.BatchRhs.Span);
    }

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, DotParams p)
    {
        Check.Arity(Name, args, 2);
        var (a, b) = (args[0], args[1]);
        Check.SameDType(Name, a, b);
        if (a.DType == DType.Bool) throw new DTypeException("dot_general: bool operands are not supported.");
        if (p.ContractLhs.Length != p.ContractRhs.Length || p.BatchLhs.Length != p.BatchRhs.Length)
            throw new AxisException($"dot_general: dimension numbers {p} pair different numbers of axes.");
        Check.Axes(Name, [.. p.ContractLhs.Span, .. p.BatchLhs.Span], a.Shape.Rank);
        Check.Axes(Name, [.. p.ContractRhs.Span, .. p.BatchRhs.Span], b.Shape.Rank);
        for (int i = 0; i < p.ContractLhs.Length; i++)
        {
            if (a.Shape[p.ContractLhs[i]] != b.Shape[p.ContractRhs[i]])
                throw new ShapeException($"dot_general: contracting dimension {p.ContractLhs[i]} of lhs {a.Shape} has extent {a.Shape[p.ContractLhs[i]]} but dimension {p.ContractRhs[i]} of rhs {b.Shape} has extent {b.Shape[p.ContractRhs[i]]}.");
        }

        for (int i = 0; i < p.BatchLhs.Length; i++)
        {
            if (a.Shape[p.BatchLhs[i]] != b.Shape[p.BatchRhs[i]])
                throw new ShapeException($"dot_general: batch dimension {p.BatchLhs[i]} of lhs {a.Shape} has extent {a.Shape[p.BatchLhs[i]]} but dimension {p.BatchRhs[i]} of rhs {b.Shape} has extent {b.Shape[p.BatchRhs[i]]}.");
        }

        var dims = new List<int>();
        foreach (var ax in p.BatchLhs.Span) dims.Add(a.Shape[ax]);
        foreach (var ax in Free(a.Shape.Rank, p.ContractLhs, p.BatchLhs)) dims.Add(a.Shape[ax]);
        foreach (var ax in Free(b.Shape.Rank, p.ContractRhs, p.BatchRhs)) dims.Add(b.Shape[ax]);
        return new Aval(Shape.Of(dims.ToArray()), a.DType);
    }

    private static int[] Free(int rank, Ints contract, Ints batch) =>
        Enumerable.Range(0, rank).Where(i => !contract.Contains(i) && !batch.Contains(i)).ToArray();

    /// <summary>x̄ = dot(z̄, y) with axes put back in x's order (JAX's _dot_general_transpose_lhs).</summary>
    public Tensor TransposeLhs(Tensor cotangent, Tensor y, Aval x, DotParams p) =>
        TransposeLhs(cotangent, x.Shape.Rank, y, p.ContractLhs.ToArray(), p.ContractRhs.ToArray(), p.BatchLhs.ToArray(), p.BatchRhs.ToArray());

    /// <summary>ȳ: see the private overload.</summary>
    public Tensor TransposeRhs(Tensor cotangent, Tensor x, Aval y, DotParams p) => TransposeRhs(cotangent, x, y.Shape.Rank, p);

    /// <summary>
    /// ȳ = dot(x, z̄) contracting x's free axes with their places in z̄ — operands in this order give
    /// ȳ's axes already in y's order for matmul-like products (x·y ↦ xᵀ·z̄ with no transpose after).
    /// Result of the dot: batch, x's contracted axes (ascending), then y's free axes.
    /// </summary>
    private Tensor TransposeRhs(Tensor g, Tensor x, int yRank, DotParams p)
    {
        int[] xContract = p.ContractLhs.ToArray(), yContract = p.ContractRhs.ToArray();
        int[] xBatch = p.BatchLhs.ToArray(), yBatch = p.BatchRhs.ToArray();
        var xKept = Enumerable.Range(0, x.Rank).Where(i => !xContract.Contains(i) && !xBatch.Contains(i)).ToArray();
        var yKept = Enumerable.Range(0, yRank).Where(i => !yContract.Contains(i) && !yBatch.Contains(i)).ToArray();
        int nb = xBatch.Length;
        // z̄'s axes: batch, x kept, y kept.
        var gBatch = Enumerable.Range(0, nb).ToArray();
        var gXKept = Enumerable.Range(nb, xKept.Length).ToArray();
        var dims = new DotParams(Ints.Own(xKept), Ints.Own(gXKept), Ints.Own(xBatch), Ints.Own(gBatch));
        var order = Enumerable.Range(0, xContract.Length).OrderBy(i => xContract[i]).ToArray();
        var source = yBatch.Concat(order.Select(i => yContract[i])).Concat(yKept).ToArray();
        var outAxes = Enumerable.Range(0, source.Length).OrderBy(i => source[i]).ToArray();
        var r = Bind(x, g, dims);
        return IsIdentity(outAxes) ? r : Lax.Transpose(r, outAxes);
    }

    private Tensor TransposeLhs(Tensor g, int xRank, Tensor y, int[] xContract, int[] yContract, int[] xBatch, int[] yBatch)
    {
        var xKept = Enumerable.Range(0, xRank).Where(i => !xContract.Contains(i) && !xBatch.Contains(i)).ToArray();
        var yKept = Enumerable.Range(0, y.Rank).Where(i => !yContract.Contains(i) && !yBatch.Contains(i)).ToArray();
        // Axes of the answer g: batch, then x kept, then y kept.
        int nb = xBatch.Length;
        var ansBatch = Enumerable.Range(0, nb).ToArray();
        var ansY = Enumerable.Range(nb + xKept.Length, yKept.Length).ToArray();
        var dims = new DotParams(Ints.Own(ansY), Ints.Own(yKept), Ints.Own(ansBatch), Ints.Own(yBatch));
        // Result of dot(g, y): batch, x kept, then y's contracted axes in y's axis order.
        var order = Enumerable.Range(0, yContract.Length).OrderBy(i => yContract[i]).ToArray();
        var xContractSortedByY = order.Select(i => xContract[i]);
        var source = xBatch.Concat(xKept).Concat(xContractSortedByY).ToArray();
        var outAxes = Enumerable.Range(0, source.Length).OrderBy(i => source[i]).ToArray();
        var r = Bind(g, y, dims);
        return IsIdentity(outAxes) ? r : Lax.Transpose(r, outAxes);
    }

    private static bool IsIdentity(int[] perm)
    {
        for (int i = 0; i < perm.Length; i++) if (perm[i] != i) return false;
        return true;
    }

    /// <summary>
    /// Both operands batched: the batch axes become a new leading batch dimension. One batched: its batch axis becomes
    /// one more free dimension, so a batch of activations times shared weights is a single product with B·m rows.
    /// </summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, DotParams p)
    {
        int ld = dims[0], rd = dims[1];
        static int[] Bumped(Ints axes, int d)
        {
            var r = new int[axes.Length];
            for (int i = 0; i < r.Length; i++) r[i] = d == Batching.NotBatched ? axes[i] : Batching.Bump(axes[i], d);
            return r;
        }

        var (cl, cr, bl, br) = (Bumped(p.ContractLhs, ld), Bumped(p.ContractRhs, rd), Bumped(p.BatchLhs, ld), Bumped(p.BatchRhs, rd));
        if (ld != Batching.NotBatched && rd != Batching.NotBatched)
            return (this.Bind(args[0], args[1], new DotParams(new Ints(cl), new Ints(cr), new Ints([ld, .. bl]), new Ints([rd, .. br]))), 0);
        if (ld == Batching.NotBatched && args[1].Rank - 1 == cr.Length + br.Length)
        {
            // Only the rhs is batched and its batch axis is its only free one: swap the operands so the batch axis
            // comes out right after the batch dimensions instead of last (the per-example order is unchanged, since
            // the rhs has no other free axis), sparing the transposes the next operations would otherwise need.
            return (this.Bind(args[1], args[0], new DotParams(new Ints(cr), new Ints(cl), new Ints(br), new Ints(bl))), br.Length);
        }

        var result = this.Bind(args[0], args[1], new DotParams(new Ints(cl), new Ints(cr), new Ints(bl), new Ints(br)));
        // The result is (batch…, lhs free…, rhs free…); the batch axis is the free axis it became.
        static int FreeIndex(int rank, int[] contract, int[] batch, int d)
        {
            int k = 0;
            for (int i = 0; i < d; i++) if (Array.IndexOf(contract, i) < 0 && Array.IndexOf(batch, i) < 0) k++;
            return k;
        }

        int nBatch = bl.Length;
        if (ld != Batching.NotBatched) return (result, nBatch + FreeIndex(args[0].Rank, cl, bl, ld));
        int lhsFree = args[0].Rank - cl.Length - bl.Length;
        return (result, nBatch + lhsFree + FreeIndex(args[1].Rank, cr, br, rd));
    }
}
