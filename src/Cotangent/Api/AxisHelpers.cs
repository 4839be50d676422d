using Cotangent.Runtime;

namespace Cotangent;

/// <summary>Axis normalization and checks shared by the NumPy-like API; each error names the operation.</summary>
internal static class AxisHelpers
{
    /// <summary>Normalizes one possibly negative axis of a rank-<paramref name="rank"/> array.</summary>
    public static int Normalize(int axis, int rank, string op)
    {
        if (axis < -rank || axis >= rank)
            throw new AxisException($"{op}: axis {axis} is out of range for an array of rank {rank}; valid axes are {-rank}..{rank - 1}.");
        return axis < 0 ? axis + rank : axis;
    }

    /// <summary>Normalized, distinct, ascending axes; null means every axis.</summary>
    public static int[] NormalizeMany(int[]? axes, int rank, string op)
    {
        if (axes is null)
        {
            var all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }

        var result = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            result[i] = Normalize(axes[i], rank, op);
            for (int j = 0; j < i; j++)
                if (result[j] == result[i]) throw new AxisException($"{op}: axis {axes[i]} is repeated in ({string.Join(", ", axes)}).");
        }

        Array.Sort(result);
        return result;
    }

    /// <summary>The shape with size-1 extents at <paramref name="axes"/> (ascending, normalized), as keepDims produces.</summary>
    public static Shape KeepDimsShape(Shape shape, int[] axes)
    {
        var dims = shape.ToArray();
        foreach (var a in axes) dims[a] = 1;
        return Shape.Of(dims);
    }

    /// <summary>The product of the extents at <paramref name="axes"/>.</summary>
    public static int Count(Shape shape, int[] axes)
    {
        int n = 1;
        foreach (var a in axes) n *= shape[a];
        return n;
    }

    /// <summary>0, 1, …, n−1.</summary>
    public static int[] Iota(int n)
    {
        var r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }
}
