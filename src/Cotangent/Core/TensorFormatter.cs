using System.Globalization;
using System.Text;
using Cotangent.Runtime;

namespace Cotangent.Core;

/// <summary>NumPy-like text for arrays: nested brackets, aligned columns, "..." past a threshold.</summary>
internal static class TensorFormatter
{
    private const int Threshold = 1000;   // NumPy's print threshold
    private const int EdgeItems = 3;      // items kept at each end of a truncated axis

    public static string Format(NDArray a)
    {
        // An empty array can still have many brackets to print ((2^20, 2^20, 0) has 2^40), so it is cut the same way.
        bool truncate = a.Size > Threshold || (a.Size == 0 && Brackets(a.Shape) > Threshold);
        var cells = new List<string>();
        var sb = new StringBuilder();
        // First pass collects cell texts for column alignment, second pass lays them out.
        Walk(a, 0, 0, truncate, flat => cells.Add(Cell(a, flat)), null);
        int width = cells.Count == 0 ? 0 : cells.Max(c => c.Length);
        Walk(a, 0, 0, truncate, flat => sb.Append(Cell(a, flat).PadLeft(width)), sb);
        return $"{sb}  ({a.DType.ShortName()}{a.Shape})";
    }

    /// <summary>The number of innermost bracket pairs before the first zero extent (saturating).</summary>
    private static long Brackets(Shape shape)
    {
        long n = 1;
        foreach (var d in shape.Dims)
        {
            if (d == 0) break;
            n = Math.Min(n * d, int.MaxValue);
        }

        return n;
    }

    private static void Walk(NDArray a, int axis, int offset, bool truncate, Action<int> leaf, StringBuilder? sb)
    {
        if (a.Rank == 0)
        {
            leaf(0);
            return;
        }

        int n = a.Shape[axis];
        int stride = a.Shape.Strides[axis];
        sb?.Append('[');
        bool cut = truncate && n > 2 * EdgeItems;
        for (int i = 0; i < n; i++)
        {
            if (cut && i == EdgeItems)
            {
                sb?.Append(axis == a.Rank - 1 ? "..., " : "...,\n" + new string(' ', axis + 1));
                i = n - EdgeItems;
            }

            if (axis == a.Rank - 1) leaf(offset + i * stride);
            else Walk(a, axis + 1, offset + i * stride, truncate, leaf, sb);
            if (i < n - 1)
            {
                if (sb is not null)
                {
                    if (axis == a.Rank - 1) sb.Append(", ");
                    else sb.Append(',').Append('\n', a.Rank - 1 - axis).Append(' ', axis + 1);
                }
            }
        }

        sb?.Append(']');
    }

    private static string Cell(NDArray a, int flat) => a.DType switch
    {
        DType.Float64 => FormatFloat(((double[])a.Data)[flat], "G8"),
        DType.Float32 => FormatFloat(((float[])a.Data)[flat], "G6"),
        DType.Int32 => ((int[])a.Data)[flat].ToString(CultureInfo.InvariantCulture),
        _ => ((bool[])a.Data)[flat] ? "true" : "false",
    };

    private static string FormatFloat(double v, string format)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsPositiveInfinity(v)) return "inf";
        if (double.IsNegativeInfinity(v)) return "-inf";
        var s = v.ToString(format, CultureInfo.InvariantCulture);
        return s.Contains('.', StringComparison.Ordinal) || s.Contains('E', StringComparison.Ordinal) ? s : s + ".";
    }
}
