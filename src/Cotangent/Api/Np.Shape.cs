using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent;

// Shape manipulation: every function here only moves, copies or drops elements, so all are linear
// and their transposes are the primitives' transpose rules.
public static partial class Np
{
    /// <summary>The same elements (row-major order) in <paramref name="shape"/>; one extent may be −1 and is inferred.</summary>
    /// <exception cref="ShapeException">The element counts differ, or more than one −1 is given.</exception>
    /// <exception cref="ArgumentNullException">x or shape is null.</exception>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(shape);
        return Lax.Reshape(x, ResolveShape(x.Shape, shape));
    }

    /// <summary>The same elements in <paramref name="shape"/>.</summary>
    /// <exception cref="ArgumentNullException">x or shape is null.</exception>
    public static Tensor Reshape(Tensor x, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(shape);
        return Reshape(x, shape.ToArray());
    }

    /// <summary>A 1-d tensor of all elements in row-major order.</summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor Ravel(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Lax.Reshape(x, Shape.Of(x.Size));
    }

    /// <summary>A 1-d tensor of all elements in row-major order (same as <see cref="Ravel"/>).</summary>
    public static Tensor Flatten(Tensor x) => Ravel(x);

    /// <summary>
    /// Permutes the axes: result axis i is input axis perm[i] (negative entries allowed). With no permutation the
    /// axes are reversed (the matrix transpose for 2-d).
    /// </summary>
    /// <exception cref="AxisException">perm is not a permutation of the axes.</exception>
    /// <exception cref="ArgumentNullException">x or perm is null.</exception>
    public static Tensor Transpose(Tensor x, params int[] perm)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(perm);
        int r = x.Rank;
        int[] p;
        if (perm.Length == 0)
        {
            p = new int[r];
            for (int i = 0; i < r; i++) p[i] = r - 1 - i;
        }
        else
        {
            if (perm.Length != r) throw new AxisException($"transpose: the permutation ({string.Join(", ", perm)}) has {perm.Length} axes but the tensor {x.Shape} has rank {r}.");
            p = new int[r];
            var seen = new bool[r];
            for (int i = 0; i < r; i++)
            {
                p[i] = AxisHelpers.Normalize(perm[i], r, "transpose");
                if (seen[p[i]]) throw new AxisException($"transpose: axis {perm[i]} is repeated in ({string.Join(", ", perm)}).");
                seen[p[i]] = true;
            }
        }

        return IsIdentity(p) ? x : Lax.Transpose(x, p);
    }

    /// <summary>Exchanges two axes.</summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor SwapAxes(Tensor x, int axis1, int axis2)
    {
        ArgumentNullException.ThrowIfNull(x);
        int a = AxisHelpers.Normalize(axis1, x.Rank, "swapaxes"), b = AxisHelpers.Normalize(axis2, x.Rank, "swapaxes");
        var p = AxisHelpers.Iota(x.Rank);
        (p[a], p[b]) = (p[b], p[a]);
        return Transpose(x, p);
    }

    /// <summary>Moves axis <paramref name="source"/> to position <paramref name="destination"/>, keeping the others in order.</summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor MoveAxis(Tensor x, int source, int destination)
    {
        ArgumentNullException.ThrowIfNull(x);
        int s = AxisHelpers.Normalize(source, x.Rank, "moveaxis"), d = AxisHelpers.Normalize(destination, x.Rank, "moveaxis");
        var rest = new List<int>(AxisHelpers.Iota(x.Rank));
        rest.RemoveAt(s);
        rest.Insert(d, s);
        return Transpose(x, rest.ToArray());
    }

    /// <summary>Removes the size-1 axes (all of them when <paramref name="axes"/> is null).</summary>
    /// <exception cref="ShapeException">A named axis does not have extent 1.</exception>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor Squeeze(Tensor x, int[]? axes = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        int[] ax;
        if (axes is null)
        {
            var list = new List<int>();
            for (int i = 0; i < x.Rank; i++) if (x.Shape[i] == 1) list.Add(i);
            ax = list.ToArray();
        }
        else
        {
            ax = AxisHelpers.NormalizeMany(axes, x.Rank, "squeeze");
            foreach (var a in ax)
                if (x.Shape[a] != 1) throw new ShapeException($"squeeze: cannot remove axis {a} of shape {x.Shape}: its extent is {x.Shape[a]}, not 1.");
        }

        return Lax.Reshape(x, Lax.RemoveAxes(x.Shape, ax));
    }

    /// <summary>Removes one size-1 axis.</summary>
    public static Tensor Squeeze(Tensor x, int axis) => Squeeze(x, [axis]);

    /// <summary>Inserts an axis of extent 1 at position <paramref name="axis"/> of the result (−1: last).</summary>
    /// <exception cref="AxisException">The axis is outside [−rank−1, rank].</exception>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor ExpandDims(Tensor x, int axis)
    {
        ArgumentNullException.ThrowIfNull(x);
        int a = AxisHelpers.Normalize(axis, x.Rank + 1, "expand_dims");
        var dims = new List<int>(x.Shape.ToArray());
        dims.Insert(a, 1);
        return Lax.Reshape(x, Shape.Of(dims.ToArray()));
    }

    /// <summary>Broadcasts NumPy-style to <paramref name="shape"/> (trailing axes aligned, extent 1 stretches).</summary>
    /// <exception cref="ShapeException">The shapes are not compatible.</exception>
    /// <exception cref="ArgumentNullException">x or shape is null.</exception>
    public static Tensor BroadcastTo(Tensor x, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(shape);
        return Lax.BroadcastTo(x, Shape.Of(shape));
    }

    /// <summary>Broadcasts NumPy-style to <paramref name="shape"/>.</summary>
    /// <exception cref="ArgumentNullException">x or shape is null.</exception>
    public static Tensor BroadcastTo(Tensor x, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(shape);
        return Lax.BroadcastTo(x, shape);
    }

    /// <summary>Broadcasts all tensors to their common shape.</summary>
    /// <exception cref="ShapeException">The shapes do not broadcast.</exception>
    /// <exception cref="ArgumentNullException">xs or one of its tensors is null.</exception>
    public static Tensor[] BroadcastArrays(params Tensor[] xs)
    {
        RequireElements(xs, nameof(xs));
        var shape = Shape.Scalar;
        foreach (var x in xs) shape = Shape.Broadcast(shape, x.Shape, "broadcast_arrays");
        var result = new Tensor[xs.Length];
        for (int i = 0; i < xs.Length; i++) result[i] = Lax.BroadcastTo(xs[i], shape);
        return result;
    }

    /// <summary>Joins tensors along an existing axis; all other extents and the dtypes must agree.</summary>
    /// <exception cref="ShapeException">No tensors, a rank-0 tensor, or mismatched extents.</exception>
    /// <exception cref="DTypeException">The dtypes differ.</exception>
    /// <exception cref="ArgumentNullException">xs or one of its tensors is null.</exception>
    public static Tensor Concatenate(IReadOnlyList<Tensor> xs, int axis = 0)
    {
        RequireElements(xs, nameof(xs));
        if (xs.Count == 0) throw new ShapeException("concatenate: needs at least one tensor to concatenate, got an empty list.");
        var first = xs[0];
        if (first.Rank == 0) throw new ShapeException("concatenate: rank-0 tensors cannot be concatenated; use Stack.");
        int a = AxisHelpers.Normalize(axis, first.Rank, "concatenate");
        foreach (var t in xs)
        {
            if (t.DType != first.DType) throw new DTypeException($"concatenate: the tensors have different dtypes ({first.DType.ShortName()} and {t.DType.ShortName()}); convert with AsType.");
            if (t.Rank != first.Rank) throw new ShapeException($"concatenate: the tensors have different ranks ({first.Shape} and {t.Shape}).");
        }

        return xs.Count == 1 ? first : Lax.Concatenate(xs.ToArray(), a);
    }

    /// <summary>Joins same-shape tensors along a new axis at position <paramref name="axis"/> of the result.</summary>
    /// <exception cref="ShapeException">No tensors, or their shapes differ.</exception>
    /// <exception cref="ArgumentNullException">xs or one of its tensors is null.</exception>
    public static Tensor Stack(IReadOnlyList<Tensor> xs, int axis = 0)
    {
        RequireElements(xs, nameof(xs));
        if (xs.Count == 0) throw new ShapeException("stack: needs at least one tensor to stack, got an empty list.");
        var shape = xs[0].Shape;
        int a = AxisHelpers.Normalize(axis, shape.Rank + 1, "stack");
        var expanded = new Tensor[xs.Count];
        for (int i = 0; i < xs.Count; i++)
        {
            if (xs[i].Shape != shape) throw new ShapeException($"stack: all tensors must have the same shape, got {shape} and {xs[i].Shape}.");
            expanded[i] = ExpandDims(xs[i], a);
        }

        return Concatenate(expanded, a);
    }

    /// <summary>Joins tensors as rows along axis 0, promoting 1-d tensors to 1×n first (NumPy's vstack).</summary>
    /// <exception cref="ArgumentNullException">xs or one of its tensors is null.</exception>
    public static Tensor VStack(IReadOnlyList<Tensor> xs)
    {
        RequireElements(xs, nameof(xs));
        var rows = new Tensor[xs.Count];
        for (int i = 0; i < xs.Count; i++) rows[i] = xs[i].Rank == 1 ? Lax.Reshape(xs[i], Shape.Of(1, xs[i].Shape[0])) : xs[i];
        return Concatenate(rows, 0);
    }

    /// <summary>Concatenates along axis 1 (axis 0 for 1-d tensors), NumPy's hstack.</summary>
    /// <exception cref="ArgumentNullException">xs or one of its tensors is null.</exception>
    public static Tensor HStack(IReadOnlyList<Tensor> xs)
    {
        RequireElements(xs, nameof(xs));
        return Concatenate(xs, xs.Count > 0 && xs[0].Rank == 1 ? 0 : 1);
    }

    /// <summary>Splits into <paramref name="sections"/> equal parts along <paramref name="axis"/>.</summary>
    /// <exception cref="ShapeException">The extent is not divisible by <paramref name="sections"/>.</exception>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor[] Split(Tensor x, int sections, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        int a = AxisHelpers.Normalize(axis, x.Rank, "split");
        int n = x.Shape[a];
        if (sections <= 0 || n % sections != 0)
            throw new ShapeException($"split: axis {a} of shape {x.Shape} (extent {n}) cannot be split into {sections} equal sections.");
        var cuts = new int[sections - 1];
        for (int i = 1; i < sections; i++) cuts[i - 1] = i * (n / sections);
        return Split(x, cuts, a);
    }

    /// <summary>
    /// Splits along <paramref name="axis"/> at <paramref name="indices"/>, as NumPy's <c>np.split</c>: the parts are
    /// x[:i₀], x[i₀:i₁], …, x[iₖ:] with Python slice semantics, so an index may be negative (counting from the end),
    /// is clamped to the extent, and an index below its predecessor gives an empty part (the next part still starts
    /// at it: <c>Split(x, [3, 1])</c> is x[:3], x[3:1] (empty), x[1:]).
    /// </summary>
    /// <exception cref="AxisException">The axis is out of range.</exception>
    public static Tensor[] Split(Tensor x, int[] indices, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(indices);
        int a = AxisHelpers.Normalize(axis, x.Rank, "split");
        int n = x.Shape[a];
        // Consecutive cuts (the usual case) are one split primitive; NumPy's overlapping form (an index below
        // its predecessor) falls back to slices.
        var sizes = new int[indices.Length + 1];
        int previous = 0;
        bool consecutive = true;
        for (int i = 0; i <= indices.Length && consecutive; i++)
        {
            int stop = i < indices.Length ? Clamp(indices[i], n, 0, n) : n;
            consecutive = stop >= previous;
            sizes[i] = stop - previous;
            previous = stop;
        }

        if (consecutive) return Lax.Split(x, sizes, a);
        var parts = new Tensor[indices.Length + 1];
        int start = 0;
        for (int i = 0; i <= indices.Length; i++)
        {
            int stop = i < indices.Length ? Clamp(indices[i], n, 0, n) : n;
            parts[i] = SliceAxis(x, a, start, Math.Max(start, stop), 1);
            start = stop;
        }

        return parts;
    }

    /// <summary>Reverses the order of elements along <paramref name="axes"/> (all axes when null).</summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor Flip(Tensor x, int[]? axes = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        var ax = AxisHelpers.NormalizeMany(axes, x.Rank, "flip");
        return ax.Length == 0 ? x : Lax.Rev(x, ax);
    }

    /// <summary>Reverses the order of elements along one axis.</summary>
    public static Tensor Flip(Tensor x, int axis) => Flip(x, [axis]);

    /// <summary>Pads with the constant <paramref name="value"/>: (before, after) elements per axis.</summary>
    /// <exception cref="ShapeException">The number of pairs is not the rank, or an amount is negative.</exception>
    /// <exception cref="ArgumentNullException">x or padWidth is null.</exception>
    public static Tensor Pad(Tensor x, (int Before, int After)[] padWidth, double value = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(padWidth);
        if (padWidth.Length == 1 && x.Rank != 1) padWidth = Enumerable.Repeat(padWidth[0], x.Rank).ToArray();
        if (padWidth.Length != x.Rank) throw new ShapeException($"pad: {padWidth.Length} (before, after) pairs given for a tensor of rank {x.Rank} ({x.Shape}).");
        var lo = new int[x.Rank];
        var hi = new int[x.Rank];
        for (int i = 0; i < x.Rank; i++)
        {
            (lo[i], hi[i]) = padWidth[i];
            if (lo[i] < 0 || hi[i] < 0) throw new ShapeException($"pad: padding amounts must be non-negative, got ({lo[i]}, {hi[i]}) on axis {i}.");
        }

        // A zero padding value is a zero at x's level (staged when x is), so padding a linear value with 0 stays linear.
        var padValue = value == 0 && !double.IsNegative(value) ? Lax.ZerosAt(x, Aval.ScalarOf(x.DType)) : W(value, x);
        return Lax.Pad(x, padValue, lo, hi, new int[x.Rank]);
    }

    /// <summary>Pads every axis with <paramref name="width"/> elements of <paramref name="value"/> on both sides.</summary>
    /// <exception cref="ArgumentNullException">x is null.</exception>
    public static Tensor Pad(Tensor x, int width, double value = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Pad(x, Enumerable.Repeat((width, width), x.Rank).ToArray(), value);
    }

    /// <summary>Repeats the whole tensor <paramref name="reps"/>[i] times along each axis (NumPy's tile).</summary>
    /// <exception cref="ArgumentNullException">x or reps is null.</exception>
    public static Tensor Tile(Tensor x, params int[] reps)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(reps);
        int r = Math.Max(x.Rank, reps.Length);
        var xs = PadShapeLeft(x.Shape, r);
        var rp = PadShapeLeft(Shape.Of(reps), r);
        x = Lax.Reshape(x, Shape.Of(xs));
        // (…, rᵢ, nᵢ, …) broadcast, then merge each pair.
        var big = new int[2 * r];
        var dims = new int[r];
        var final = new int[r];
        for (int i = 0; i < r; i++)
        {
            big[2 * i] = rp[i];
            big[(2 * i) + 1] = xs[i];
            dims[i] = (2 * i) + 1;
            final[i] = rp[i] * xs[i];
        }

        return Lax.Reshape(Lax.BroadcastInDim(x, Shape.Of(big), dims), Shape.Of(final));
    }

    /// <summary>Repeats each element <paramref name="repeats"/> times along <paramref name="axis"/> (the flattened tensor when null).</summary>
    /// <exception cref="ShapeException">repeats is negative, or the result has too many elements.</exception>
    public static Tensor Repeat(Tensor x, int repeats, int? axis = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (repeats < 0) throw new ShapeException($"repeat: repeats = {repeats} is negative; it is a number of copies.");
        if (axis is null) x = Ravel(x);
        int a = axis is null ? 0 : AxisHelpers.Normalize(axis.Value, x.Rank, "repeat");
        var big = new List<int>(x.Shape.ToArray());
        big.Insert(a + 1, repeats);
        var dims = new List<int>(AxisHelpers.Iota(x.Rank + 1));
        dims.RemoveAt(a + 1);
        var final = x.Shape.ToArray();
        final[a] = (int)Math.Min((long)final[a] * repeats, int.MaxValue);   // an overflow must fail in Shape.Of, not wrap
        return Lax.Reshape(Lax.BroadcastInDim(x, Shape.Of(big.ToArray()), dims.ToArray()), Shape.Of(final));
    }

    /// <summary>x[start:stop:step] along one axis (start ≤ stop, step ≥ 1), all other axes whole.</summary>
    internal static Tensor SliceAxis(Tensor x, int axis, int start, int stop, int step)
    {
        if (start == 0 && stop == x.Shape[axis] && step == 1) return x;
        var lo = new int[x.Rank];
        var hi = x.Shape.ToArray();
        var st = new int[x.Rank];
        System.Array.Fill(st, 1);
        lo[axis] = start;
        hi[axis] = stop;
        st[axis] = step;
        return Lax.Slice(x, lo, hi, st);
    }

    /// <summary>A list of tensors and each of its elements must be non-null.</summary>
    private static void RequireElements(IReadOnlyList<Tensor> xs, string name)
    {
        ArgumentNullException.ThrowIfNull(xs, name);
        for (int i = 0; i < xs.Count; i++)
            if (xs[i] is null) throw new ArgumentNullException(name, $"Element {i} of the list of tensors is null.");
    }

    private static int[] PadShapeLeft(Shape s, int rank)
    {
        var r = new int[rank];
        System.Array.Fill(r, 1);
        for (int i = 0; i < s.Rank; i++) r[rank - s.Rank + i] = s[i];
        return r;
    }

    private static bool IsIdentity(int[] perm)
    {
        for (int i = 0; i < perm.Length; i++) if (perm[i] != i) return false;
        return true;
    }

    private static Shape ResolveShape(Shape from, int[] shape)
    {
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (infer >= 0) throw new ShapeException($"reshape: only one extent can be −1, got {Shape.Format(shape)}.");
                infer = i;
            }
            else if (shape[i] < 0)
            {
                throw new ShapeException($"reshape: negative extent {shape[i]} in {Shape.Format(shape)}.");
            }
            else
            {
                known *= shape[i];
            }
        }

        var dims = (int[])shape.Clone();
        if (infer >= 0)
        {
            if (known == 0 || from.Size % known != 0)
                throw new ShapeException($"reshape: cannot reshape {from} ({from.Size} elements) to {Shape.Format(shape)}: {from.Size} is not a multiple of {known}.");
            dims[infer] = (int)(from.Size / known);
        }
        else if (known != from.Size)
        {
            throw new ShapeException($"reshape: cannot reshape {from} ({from.Size} elements) to {Shape.Format(shape)} ({known} elements).");
        }

        return Shape.Of(dims);
    }
}
