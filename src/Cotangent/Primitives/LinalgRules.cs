using Cotangent.Core;
using Cotangent.Runtime;

namespace Cotangent.Primitives;

/// <summary>Helpers shared by the linear-algebra rules and API: batched matmul, masks, lu unpacking.</summary>
internal static class LinalgRules
{
    /// <summary>Rows [<paramref name="from"/>, from + <paramref name="count"/>) of each matrix of a packed kernel result [..., rows, n].</summary>
    public static NDArray Rows(NDArray packed, int from, int count)
    {
        int r = packed.Rank;
        var start = new int[r];
        var limit = packed.Shape.Dims.ToArray();
        var strides = Enumerable.Repeat(1, r).ToArray();
        start[r - 2] = from;
        limit[r - 2] = from + count;
        return Kernels.Slice(packed, start, limit, strides);
    }

    /// <summary>Row <paramref name="index"/> of each matrix of a packed kernel result [..., rows, n], as [..., n].</summary>
    public static NDArray Row(NDArray packed, int index)
    {
        int n = packed.Shape[packed.Rank - 1];
        return Kernels.Reshape(Rows(packed, index, 1), Shape.Of(packed.Shape.Dims[..^2].ToArray().Append(n).ToArray()));
    }

    public static void CheckSquare(string name, Aval a)
    {
        var s = a.Shape;
        if (s.Rank < 2 || s[s.Rank - 1] != s[s.Rank - 2])
            throw new ShapeException($"{name}: expected a batch of square matrices [..., n, n], got {s}.");
    }

    /// <summary>x·y over the last two axes, batched over equal leading axes (a batched dot_general).</summary>
    public static Tensor MatMul(Tensor x, Tensor y)
    {
        int r = x.Rank;
        var batch = Enumerable.Range(0, r - 2).ToArray();
        return Lax.DotGeneral(x, y, [r - 1], [r - 2], batch, batch);
    }

    /// <summary>Swaps the last two axes.</summary>
    public static Tensor SwapLast(Tensor x)
    {
        var perm = Enumerable.Range(0, x.Rank).ToArray();
        (perm[^1], perm[^2]) = (perm[^2], perm[^1]);
        return Lax.Transpose(x, perm);
    }

    /// <summary>An n×n constant: <paramref name="diagonal"/> on the diagonal, <paramref name="below"/> under it, <paramref name="above"/> over it.</summary>
    public static Tensor Mask(int n, DType dtype, double diagonal, double below, double above)
    {
        var v = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) v[(i * n) + j] = i == j ? diagonal : i > j ? below : above;
        return dtype == DType.Float64
            ? new Tensor(NDArray.Wrap(v, Shape.Of(n, n)))
            : new Tensor(NDArray.Wrap(v.Select(x => (float)x).ToArray(), Shape.Of(n, n)));
    }

    /// <summary>P with P[i, j] = 1 where perm[i] = j, so (P·A)[i] = A[perm[i]]; piecewise constant in perm.</summary>
    public static Tensor PermutationMatrix(Tensor perm)
    {
        int n = perm.Shape[perm.Rank - 1];
        var col = Lax.Reshape(perm, Shape.Of(perm.Shape.Dims.ToArray().Append(1).ToArray()));
        var iota = Lax.Iota(perm.DType, Shape.Of(1, n), 1);
        return Lax.Convert(Lax.Eq(col, iota), perm.DType);
    }
}
