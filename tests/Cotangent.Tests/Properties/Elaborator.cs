using System.Globalization;
using Cotangent.Primitives;
using Cotangent.Runtime;
using CsCheck;

namespace Cotangent.Tests.Properties;

/// <summary>The kinds of step a random program is made of (each maps to one or a few catalogue primitives).</summary>

/// <summary>
/// Turns raw choices into a well-typed <see cref="RandomProgram"/>, tracking each value's shape and a
/// bound on its magnitude. Domain guards keep every step smooth and finite at the generated inputs:
/// log, sqrt and rsqrt take x² + ½; asin and acos take 0.9·tanh(x); tan takes 1.2·tanh(x); pow has a
/// base x² + ½ and an exponent 2·tanh(y); div and atan2 have a denominator (or abscissa) y² + ½; and an
/// operand whose bound exceeds what an op tolerates is squashed to c·tanh(x / bound) first.
/// </summary>
internal sealed partial class Elaborator(ProgramSizes sizes)
{
    /// <summary>Largest operand magnitude for non-linear ops.</summary>
    private const double L = 10;

    /// <summary>Largest operand magnitude for linear and structural ops.</summary>
    private const double Big = 1000;

    private readonly List<Shape> _shapes = [];
    private readonly List<double> _bounds = [];
    private readonly List<Step> _steps = [];
    private bool _hasConvert;

    private sealed record Built(Expr Expr, Shape Shape, double Bound, string Kind);

    public RandomProgram Build(DType dtype, int[] baseDims, int[] masks, OpChoice[] ops, bool reduce, int seed)
    {
        foreach (var s in InputShapes(baseDims, masks))
        {
            _shapes.Add(s);
            _bounds.Add(2);
        }

        foreach (var op in ops) Add(op);
        var used = _steps.SelectMany(st => st.Expr.Vars()).ToHashSet();
        var sinks = _steps.Take(_steps.Count - 1).Select(st => st.Index).Where(i => !used.Contains(i)).ToArray();
        return new RandomProgram
        {
            Sinks = sinks,
            DType = dtype,
            InputShapes = _shapes.Take(masks.Length).ToArray(),
            Steps = _steps,
            ReduceToScalar = reduce,
            ValueSeed = seed,
            HasConvert = _hasConvert,
        };
    }

    /// <summary>
    /// Input i is the base shape with 0, 0, 1 or 2 leading axes dropped (by <c>mask &amp; 3</c>) and perhaps
    /// one axis set to 1 (by the higher bits), so inputs usually broadcast against each other; then axes are set to 1
    /// until the total size fits.
    /// </summary>
    private List<Shape> InputShapes(int[] baseDims, int[] masks)
    {
        var shapes = new List<int[]>();
        foreach (var m in masks)
        {
            int drop = Math.Min((m & 3) == 3 ? 2 : (m & 3) == 2 ? 1 : 0, baseDims.Length);
            var dims = baseDims[drop..];
            if (((m >> 2) & 1) != 0 && dims.Length > 0) dims[(m >> 3) % dims.Length] = 1;
            shapes.Add(dims);
        }

        for (int k = shapes.Count - 1; k >= 0; k--)
        {
            for (int i = shapes[k].Length - 1; i >= 0 && shapes.Sum(Size) > sizes.MaxInputSize; i--) shapes[k][i] = 1;
        }

        return shapes.Select(s => Shape.Of(s)).ToList();
    }

    private static long Size(int[] dims) => dims.Aggregate(1L, (a, b) => a * b); // long: large extents (300⁴) overflow int

    private void Add(OpChoice op)
    {
        int n = _shapes.Count;
        int a = Pick(op.A);
        var r = new Random(op.Detail);
        var built = op.Kind switch
        {
            OpKind.Unary => Unary(a, r),
            OpKind.Binary => Binary(a, op.B, r),
            OpKind.Div => Div(a, op.B),
            OpKind.Pow => Pow(a, op.B),
            OpKind.Atan2 => Atan2(a, op.B, r),
            OpKind.Rem => Rem(a, op.B),
            OpKind.Select => Select(a, op.B, r),
            OpKind.ReduceSum => ReduceSum(a, r),
            OpKind.ReduceExtreme => ReduceExtreme(a, r),
            OpKind.ReduceProd => ReduceProd(a, r),
            OpKind.CumSum => CumSum(a, r),
            OpKind.Broadcast => Broadcast(a, r),
            OpKind.Reshape => Reshape(a, r),
            OpKind.Transpose => Transpose(a, r),
            OpKind.Slice => Slice(a, r),
            OpKind.Pad => Pad(a, op.B, r),
            OpKind.Concatenate => Concatenate(a, op.B, r),
            OpKind.Rev => Rev(a, r),
            OpKind.Gather => Gather(a, r),
            OpKind.ScatterAdd => ScatterAdd(a, r),
            OpKind.DynamicSlice => DynamicSlice(a, r),
            OpKind.DynamicUpdateSlice => DynamicUpdateSlice(a, op.B, r),
            OpKind.Dot => Dot(a, op.B, r),
            OpKind.Convert => Convert(a, r),
            OpKind.ZeroDerivative => ZeroDerivative(a, op.B, r),
            OpKind.ArgGather => ArgGather(a, op.B, r),
            OpKind.Iota => Iota(a, r),
            OpKind.ControlFlow => ControlFlow(a, op.B, r),
            _ => null,
        };
        if (built is null && _shapes[a].Rank == 0)
        {
            // The op needs an axis: broadcast the scalar instead.
            built = Broadcast(a, r);
        }

        if (built is null || built.Shape.Rank > 4 || built.Shape.Size < 1 || built.Shape.Size > sizes.MaxSize)
        {
            var (x, _) = Bounded(a, L);
            built = new Built(U("sin", Lax.Sin, x), _shapes[a], 1, "sin");
        }

        _steps.Add(new Step(n, built.Expr, built.Shape, built.Kind));
        _shapes.Add(built.Shape);
        _bounds.Add(built.Bound);
    }

    /// <summary>0 picks the most recent value, 1 the one before, and so on (cyclically).</summary>
    private int Pick(int raw) => _shapes.Count - 1 - (raw % _shapes.Count);

    /// <summary>The value picked by <paramref name="raw"/>, or the nearest earlier one whose shape satisfies <paramref name="ok"/>.</summary>
    private int Partner(int raw, Func<Shape, bool> ok)
    {
        int n = _shapes.Count, start = Pick(raw);
        for (int k = 0; k < n; k++)
        {
            int i = (start - k + n) % n;
            if (ok(_shapes[i])) return i;
        }

        return -1;
    }

    private int BroadcastPartner(int a, int raw) => Partner(raw, s => BroadcastShape(_shapes[a], s) is not null);

    /// <summary>v, or c·tanh(v / bound) when v's bound exceeds <paramref name="limit"/>.</summary>
    private (Expr Expr, double Bound) Bounded(int v, double limit)
    {
        double b = _bounds[v];
        if (b <= limit) return (V(v), b);
        return (Mul(C(limit), U("tanh", Lax.Tanh, Mul(V(v), C(1 / b)))), limit);
    }

    // ---------------------------------------------------------------- elementwise

    private Built Unary(int a, Random r)
    {
        var (x, b) = Bounded(a, L);
        var s = _shapes[a];
        switch (r.Next(20))
        {
            case 0:
                var (xb, bb) = Bounded(a, Big);
                return new(U("neg", Lax.Neg, xb), s, bb, "neg");
            case 1: return new(U("sin", Lax.Sin, x), s, 1, "sin");
            case 2: return new(U("cos", Lax.Cos, x), s, 1, "cos");
            case 3: return new(U("atan", Lax.Atan, x), s, 1.6, "atan");
            case 4: return new(U("tanh", Lax.Tanh, x), s, 1, "tanh");
            case 5: return new(U("logistic", Lax.Logistic, x), s, 1, "logistic");
            case 6: return new(U("erf", Lax.Erf, x), s, 1, "erf");
            case 7:
                var (xa, ba) = Bounded(a, Big);
                return new(U("abs", Lax.Abs, xa), s, ba, "abs");
            case 8: return Small(a, "exp", Lax.Exp, 20.1);
            case 9: return Small(a, "expm1", Lax.Expm1, 19.1);
            case 10: return Small(a, "sinh", Lax.Sinh, 10.1);
            case 11: return Small(a, "cosh", Lax.Cosh, 10.1);
            case 12: return new(U("tan", Lax.Tan, Mul(C(1.2), U("tanh", Lax.Tanh, x))), s, 2.6, "tan");
            case 13: return new(U("log", Lax.Log, SquarePlus(x, 0.5)), s, Math.Log((b * b) + 0.5) + 1, "log");
            case 14: return new(U("log1p", Lax.Log1p, Mul(x, x)), s, Math.Log(1 + (b * b)), "log1p");
            case 15: return new(U("sqrt", Lax.Sqrt, SquarePlus(x, 0.5)), s, b + 1, "sqrt");
            case 16: return new(U("rsqrt", Lax.Rsqrt, SquarePlus(x, 0.5)), s, 1.42, "rsqrt");
            case 17: return new(U("asin", Lax.Asin, Mul(C(0.9), U("tanh", Lax.Tanh, x))), s, 1.2, "asin");
            case 18: return new(U("acos", Lax.Acos, Mul(C(0.9), U("tanh", Lax.Tanh, x))), s, 2.7, "acos");
            default: return new(Mul(x, x), s, b * b, "square");
        }
    }

    /// <summary>exp-like functions of an operand bounded by 3.</summary>
    private Built Small(int a, string name, Func<Tensor, Tensor> f, double bound)
    {
        var (x, _) = Bounded(a, 3);
        return new(U(name, f, x), _shapes[a], bound, name);
    }

    private Built? Binary(int a, int raw, Random r)
    {
        int p = BroadcastPartner(a, raw);
        var shape = BroadcastShape(_shapes[a], _shapes[p])!;
        int which = r.Next(5);
        var limit = which < 2 ? Big : L;
        var (x, bx) = Bounded(a, limit);
        var (y, by) = Bounded(p, limit);
        if (r.Next(2) == 0) (x, bx, y, by) = (y, by, x, bx);
        return which switch
        {
            0 => new(Add(x, y), shape, bx + by, "add"),
            1 => new(Call("-", null, (t, _) => Lax.Sub(t[0], t[1]), x, y), shape, bx + by, "sub"),
            2 => new(Mul(x, y), shape, bx * by, "mul"),
            3 => new(Call("max", null, (t, _) => Lax.Max(t[0], t[1]), x, y), shape, Math.Max(bx, by), "max"),
            _ => new(Call("min", null, (t, _) => Lax.Min(t[0], t[1]), x, y), shape, Math.Max(bx, by), "min"),
        };
    }

    private Built Div(int a, int raw)
    {
        int p = BroadcastPartner(a, raw);
        var (x, bx) = Bounded(a, L);
        var (y, _) = Bounded(p, L);
        return new(Call("/", null, (t, _) => Lax.Div(t[0], t[1]), x, SquarePlus(y, 0.5)), BroadcastShape(_shapes[a], _shapes[p])!, 2 * bx, "div");
    }

    private Built Pow(int a, int raw)
    {
        int p = BroadcastPartner(a, raw);
        var (x, _) = Bounded(a, 3);
        var (y, _) = Bounded(p, L);
        var exponent = Mul(C(2), U("tanh", Lax.Tanh, y));
        return new(Call("pow", null, (t, _) => Lax.Pow(t[0], t[1]), SquarePlus(x, 0.5), exponent), BroadcastShape(_shapes[a], _shapes[p])!, 91, "pow");
    }

    /// <summary>atan2 with one argument y² + ½ &gt; 0, away from the origin and the branch cut.</summary>
    private Built Atan2(int a, int raw, Random r)
    {
        int p = BroadcastPartner(a, raw);
        var (x, _) = Bounded(a, L);
        var (y, _) = Bounded(p, L);
        var positive = SquarePlus(y, 0.5);
        Expr[] args = r.Next(2) == 0 ? [x, positive] : [positive, x];
        return new(Call("atan2", null, (t, _) => Lax.Atan2(t[0], t[1]), args), BroadcastShape(_shapes[a], _shapes[p])!, 3.2, "atan2");
    }

    /// <summary>rem(x, y² + 1): jumps where x / (y² + 1) crosses an integer (the finite-difference check skips those points).</summary>
    private Built Rem(int a, int raw)
    {
        int p = BroadcastPartner(a, raw);
        var (x, bx) = Bounded(a, L);
        var (y, _) = Bounded(p, L);
        return new(Call("rem", null, (t, _) => Lax.Rem(t[0], t[1]), x, SquarePlus(y, 1)), BroadcastShape(_shapes[a], _shapes[p])!, bx, "rem");
    }

    /// <summary>select(cmp(c, d), x, y) with c a value and d a value or a constant.</summary>
    private Built? Select(int a, int raw, Random r)
    {
        int p = BroadcastPartner(a, raw);
        var shape = BroadcastShape(_shapes[a], _shapes[p])!;
        int c = Partner(r.Next(16), s => BroadcastShape(shape, s) is { } b && b == shape);
        if (c < 0) return null;
        Expr d;
        if (r.Next(2) == 0) d = C(Math.Round((r.NextDouble() * 2) - 1, 2));
        else
        {
            int q = Partner(r.Next(16), s => BroadcastShape(shape, s) is { } b && b == shape);
            d = V(q);
        }

        var (name, cmp) = r.Next(4) switch
        {
            0 => ("lt", (Func<Tensor, Tensor, Tensor>)Lax.Lt),
            1 => ("le", Lax.Le),
            2 => ("gt", Lax.Gt),
            _ => ("ge", Lax.Ge),
        };
        var pred = Call(name, null, (t, _) => cmp(t[0], t[1]), V(c), d);
        var (x, bx) = Bounded(a, Big);
        var (y, by) = Bounded(p, Big);
        return new(Call("select", null, (t, _) => Lax.Select(t[0], t[1], t[2]), pred, x, y), shape, Math.Max(bx, by), "select");
    }

    // ---------------------------------------------------------------- reductions

    private static int[] SomeAxes(int rank, Random r, bool nonEmpty)
    {
        var axes = Enumerable.Range(0, rank).Where(_ => r.Next(2) == 0).ToList();
        if (nonEmpty && axes.Count == 0 && rank > 0) axes.Add(r.Next(rank));
        return [.. axes.OrderBy(_ => r.Next())];
    }

    private Built? ReduceSum(int a, Random r)
    {
        var s = _shapes[a];
        if (s.Rank == 0) return null;
        var axes = SomeAxes(s.Rank, r, nonEmpty: true);
        var (x, b) = Bounded(a, Big);
        int count = axes.Aggregate(1, (acc, ax) => acc * s[ax]);
        return new(Call("reduce_sum", $"axes={Fmt(axes)}", (t, _) => Lax.ReduceSum(t[0], axes), x), Lax.RemoveAxes(s, axes), b * count, "reduce_sum");
    }

    private Built? ReduceExtreme(int a, Random r)
    {
        var s = _shapes[a];
        if (s.Rank == 0) return null;
        var axes = SomeAxes(s.Rank, r, nonEmpty: true);
        var (x, b) = Bounded(a, Big);
        bool max = r.Next(2) == 0;
        return new(Call(max ? "reduce_max" : "reduce_min", $"axes={Fmt(axes)}", (t, _) => max ? Lax.ReduceMax(t[0], axes) : Lax.ReduceMin(t[0], axes), x),
            Lax.RemoveAxes(s, axes), b, max ? "reduce_max" : "reduce_min");
    }

    private Built? ReduceProd(int a, Random r)
    {
        var s = _shapes[a];
        if (s.Rank == 0) return null;
        var axes = SomeAxes(s.Rank, r, nonEmpty: true);
        int count = axes.Aggregate(1, (acc, ax) => acc * s[ax]);
        if (count > 6) return null;
        var (x, _) = Bounded(a, 1.5);
        return new(Call("reduce_prod", $"axes={Fmt(axes)}", (t, _) => Lax.ReduceProd(t[0], axes), x), Lax.RemoveAxes(s, axes), Math.Pow(1.5, count), "reduce_prod");
    }

    private Built? CumSum(int a, Random r)
    {
        var s = _shapes[a];
        if (s.Rank == 0) return null;
        int axis = r.Next(s.Rank);
        bool reverse = r.Next(2) == 0;
        var (x, b) = Bounded(a, Big);
        return new(Call("cumsum", $"axis={axis}, reverse={reverse}", (t, _) => Lax.CumSum(t[0], axis, reverse), x), s, b * s[axis], "cumsum");
    }

    // ---------------------------------------------------------------- structural

    /// <summary>Stretches some size-1 axes and inserts new axes.</summary>
    private Built Broadcast(int a, Random r)
    {
        var s = _shapes[a];
        var dims = new List<int>();
        var positions = new List<int>();
        int extra = r.Next(s.Rank == 0 ? 1 : 0, 4 - s.Rank + 1);
        var slots = new bool[s.Rank + extra];
        foreach (var i in Enumerable.Range(0, slots.Length).OrderBy(_ => r.Next()).Take(extra)) slots[i] = true;
        int k = 0;
        for (int i = 0; i < slots.Length; i++)
        {
            if (slots[i])
            {
                dims.Add(r.Next(1, 4));
                continue;
            }

            positions.Add(i);
            dims.Add(s[k] == 1 && r.Next(2) == 0 ? r.Next(2, 4) : s[k]);
            k++;
        }

        var shape = Shape.Of(dims.ToArray());
        var bdims = positions.ToArray();
        var (x, b) = Bounded(a, Big);
        return new(Call("broadcast_in_dim", $"shape={shape}, dims={Fmt(bdims)}", (t, _) => Lax.BroadcastInDim(t[0], shape, bdims), x), shape, b, "broadcast_in_dim");
    }

    private Built Reshape(int a, Random r)
    {
        var s = _shapes[a];
        int size = s.Size;
        int rank = r.Next(size == 1 ? 0 : 1, 5);
        var dims = Enumerable.Repeat(1, rank).ToArray();
        int rest = size;
        for (int f = 2; rest > 1; f++)
        {
            while (rest % f == 0)
            {
                dims[r.Next(rank)] *= f;
                rest /= f;
            }
        }

        var shape = Shape.Of(dims);
        var (x, b) = Bounded(a, Big);
        return new(Call("reshape", $"shape={shape}", (t, _) => Catalogue.Reshape.Bind(t[0], new ShapeParams(shape)), x), shape, b, "reshape");
    }

    private Built? Transpose(int a, Random r)
    {
        var s = _shapes[a];
        if (s.Rank < 2) return null;
        var perm = Enumerable.Range(0, s.Rank).OrderBy(_ => r.Next()).ToArray();
        var (x, b) = Bounded(a, Big);
        return new(Call("transpose", $"perm={Fmt(perm)}", (t, _) => Lax.Transpose(t[0], perm), x), Shape.Of(perm.Select(p => s[p]).ToArray()), b, "transpose");
    }

    private Built? Slice(int a, Random r)
    {
        var s = _shapes[a];
        if (s.Rank == 0) return null;
        var start = new int[s.Rank];
        var limit = new int[s.Rank];
        var strides = new int[s.Rank];
        var dims = new int[s.Rank];
        for (int i = 0; i < s.Rank; i++)
        {
            start[i] = r.Next(s[i]);
            limit[i] = r.Next(start[i] + 1, s[i] + 1);
            strides[i] = r.Next(1, 3);
            dims[i] = (limit[i] - start[i] + strides[i] - 1) / strides[i];
        }

        var (x, b) = Bounded(a, Big);
        return new(Call("slice", $"start={Fmt(start)}, limit={Fmt(limit)}, strides={Fmt(strides)}", (t, _) => Lax.Slice(t[0], start, limit, strides), x),
            Shape.Of(dims), b, "slice");
    }

    /// <summary>Pads with a constant, a scalar value of the program, or the sum of a value.</summary>
    private Built Pad(int a, int raw, Random r)
    {
        var s = _shapes[a];
        var low = new int[s.Rank];
        var high = new int[s.Rank];
        var interior = new int[s.Rank];
        var dims = new int[s.Rank];
        for (int i = 0; i < s.Rank; i++)
        {
            low[i] = r.Next(2);
            high[i] = r.Next(2);
            interior[i] = s[i] > 1 ? r.Next(2) : 0;
            dims[i] = low[i] + high[i] + s[i] + ((s[i] - 1) * interior[i]);
        }

        Expr value;
        double vb;
        switch (r.Next(3))
        {
            case 0:
                value = C(Math.Round((r.NextDouble() * 2) - 1, 2));
                vb = 1;
                break;
            case 1:
                int q = Partner(raw, sh => sh.Rank == 0);
                if (q >= 0)
                {
                    (value, vb) = Bounded(q, Big);
                    break;
                }

                goto default;
            default:
                int p = Pick(raw);
                var (px, pb) = Bounded(p, L);
                var all = Enumerable.Range(0, _shapes[p].Rank).ToArray();
                value = Call("reduce_sum", $"axes={Fmt(all)}", (t, _) => Lax.ReduceSum(t[0], all), px);
                vb = pb * _shapes[p].Size;
                break;
        }

        var (x, b) = Bounded(a, Big);
        return new(Call("pad", $"low={Fmt(low)}, high={Fmt(high)}, interior={Fmt(interior)}", (t, _) => Lax.Pad(t[0], t[1], low, high, interior), x, value),
            Shape.Of(dims), Math.Max(b, vb), "pad");
    }

    /// <summary>Concatenates with one or two values of matching shape, or with cos of a slice of the operand.</summary>
    private Built? Concatenate(int a, int raw, Random r)
    {
        var s = _shapes[a];
        if (s.Rank == 0) return null;
        int axis = r.Next(s.Rank);
        bool Fits(Shape o) => o.Rank == s.Rank && Enumerable.Range(0, s.Rank).All(i => i == axis || o[i] == s[i]);
        var (x, b) = Bounded(a, Big);
        var parts = new List<(Expr Expr, int Extent)> { (x, s[axis]) };
        int others = r.Next(1, 3);
        for (int k = 0; k < others; k++)
        {
            int p = r.Next(3) == 0 ? -1 : Partner(raw + k + 1, Fits);
            if (p >= 0 && p != a)
            {
                var (y, by) = Bounded(p, Big);
                parts.Add((y, _shapes[p][axis]));
                b = Math.Max(b, by);
            }
            else
            {
                var start = new int[s.Rank];
                var limit = s.ToArray();
                var strides = Enumerable.Repeat(1, s.Rank).ToArray();
                limit[axis] = r.Next(1, s[axis] + 1);
                var slice = Call("slice", $"start={Fmt(start)}, limit={Fmt(limit)}, strides={Fmt(strides)}", (t, _) => Lax.Slice(t[0], start, limit, strides), x);
                parts.Add((U("cos", Lax.Cos, slice), limit[axis]));
            }
        }

        var order = parts.OrderBy(_ => r.Next()).ToList();
        var dims = s.ToArray();
        dims[axis] = order.Sum(p => p.Extent);
        return new(Call("concatenate", $"axis={axis}", (t, _) => Lax.Concatenate(t, axis), order.Select(p => p.Expr).ToArray()), Shape.Of(dims), Math.Max(b, 1), "concatenate");
    }

    private Built Rev(int a, Random r)
    {
        var s = _shapes[a];
        var axes = SomeAxes(s.Rank, r, nonEmpty: true);
        var (x, b) = Bounded(a, Big);
        return new(Call("rev", $"axes={Fmt(axes)}", (t, _) => Lax.Rev(t[0], axes), x), s, b, "rev");
    }

    // ---------------------------------------------------------------- indexing

    private static IndexExpr Indices(Random r, int extent, out int[] shape)
    {
        shape = Enumerable.Range(0, r.Next(0, 3)).Select(_ => r.Next(1, 4)).ToArray();
        var values = Enumerable.Range(0, Math.Max(1, shape.Aggregate(1, (x, y) => x * y))).Select(_ => r.Next(extent)).ToArray();
        return new IndexExpr(values, shape);
    }

    private Built? Gather(int a, Random r)
    {
        var s = _shapes[a];
        if (s.Rank == 0) return null;
        int axis = r.Next(s.Rank);
        var idx = Indices(r, s[axis], out var ishape);
        var (x, b) = Bounded(a, Big);
        return new(Call("gather", $"axis={axis}", (t, _) => Lax.Gather(t[0], t[1], axis), x, idx), Lax.GatherShape(s, Shape.Of(ishape), axis), b, "gather");
    }

    /// <summary>scatter_add(x, idx, tanh(gather(x, idx₂))) with repeated indices likely.</summary>
    private Built? ScatterAdd(int a, Random r)
    {
        var s = _shapes[a];
        if (s.Rank == 0) return null;
        int axis = r.Next(s.Rank);
        var idx = Indices(r, s[axis], out var ishape);
        var values2 = Enumerable.Range(0, Math.Max(1, ishape.Aggregate(1, (x, y) => x * y))).Select(_ => r.Next(s[axis])).ToArray();
        var idx2 = new IndexExpr(values2, ishape);
        var (x, b) = Bounded(a, Big);
        var updates = U("tanh", Lax.Tanh, Call("gather", $"axis={axis}", (t, _) => Lax.Gather(t[0], t[1], axis), x, idx2));
        int count = Math.Max(1, ishape.Aggregate(1, (p, q) => p * q));
        return new(Call("scatter_add", $"axis={axis}", (t, _) => Lax.ScatterAdd(t[0], t[1], t[2], axis), x, idx, updates), s, b + count, "scatter_add");
    }

    /// <summary>Constant start indices in [−1, extent], so clamping happens.</summary>
    private static IndexExpr[] Starts(Shape s, Random r) =>
        Enumerable.Range(0, s.Rank).Select(i => new IndexExpr([r.Next(-1, s[i] + 1)], [])).ToArray();

    private Built DynamicSlice(int a, Random r)
    {
        var s = _shapes[a];
        var sizesArg = Enumerable.Range(0, s.Rank).Select(i => r.Next(1, s[i] + 1)).ToArray();
        var starts = Starts(s, r).Select(e => r.Next(3) == 0 ? TracedStart(r) : e).ToArray();
        var (x, b) = Bounded(a, Big);
        return new(Call("dynamic_slice", $"sizes={Fmt(sizesArg)}", (t, _) => Lax.DynamicSlice(t[0], t.AsSpan(1), sizesArg), [x, .. starts]), Shape.Of(sizesArg), b, "dynamic_slice");
    }

    /// <summary>Updates a window of x with a value that fits in it, or with tanh of a slice of x.</summary>
    private Built DynamicUpdateSlice(int a, int raw, Random r)
    {
        var s = _shapes[a];
        int p = Partner(raw, o => o.Rank == s.Rank && Enumerable.Range(0, s.Rank).All(i => o[i] <= s[i]));
        var (x, b) = Bounded(a, Big);
        Expr update;
        if (p >= 0 && p != a && r.Next(3) != 0)
        {
            (update, var bu) = Bounded(p, Big);
            b = Math.Max(b, bu);
        }
        else
        {
            var start = new int[s.Rank];
            var limit = Enumerable.Range(0, s.Rank).Select(i => r.Next(1, s[i] + 1)).ToArray();
            var strides = Enumerable.Repeat(1, s.Rank).ToArray();
            update = U("tanh", Lax.Tanh, Call("slice", $"start={Fmt(start)}, limit={Fmt(limit)}, strides={Fmt(strides)}", (t, _) => Lax.Slice(t[0], start, limit, strides), x));
        }

        var starts = Starts(s, r);
        return new(Call("dynamic_update_slice", null, (t, _) => Lax.DynamicUpdateSlice(t[0], t[1], t.AsSpan(2)), [x, update, .. starts]), s, b, "dynamic_update_slice");
    }

    /// <summary>
    /// A data-dependent int32 scalar start: argmax or argmin of some value summed down to a vector
    /// (clamped by dynamic_slice when out of range). Its derivative is zero; Linearize keeps it known.
    /// </summary>
    private Expr TracedStart(Random r)
    {
        int q = Pick(r.Next(16));
        var s = _shapes[q];
        Expr vector = V(q);
        if (s.Rank == 0) return new IndexExpr([0], []);
        int keep = r.Next(s.Rank);
        var axes = Enumerable.Range(0, s.Rank).Where(i => i != keep).ToArray();
        if (axes.Length > 0) vector = Call("reduce_sum", $"axes={Fmt(axes)}", (t, _) => Lax.ReduceSum(t[0], axes), vector);
        bool max = r.Next(2) == 0;
        return Call(max ? "argmax" : "argmin", "axis=0", (t, _) => max ? Lax.ArgMax(t[0], 0) : Lax.ArgMin(t[0], 0), vector);
    }

    /// <summary>
    /// y · z(x) with z piecewise constant: floor, ceil, round, sign, or a comparison mask converted to
    /// float. Its tangent is z(x)·ẏ; at generated points x is away from the steps with high probability
    /// (the finite-difference check skips a point where a step falls within the difference step).
    /// </summary>
    private Built ZeroDerivative(int a, int raw, Random r)
    {
        int p = BroadcastPartner(a, raw);
        var shape = BroadcastShape(_shapes[a], _shapes[p])!;
        var (x, bx) = Bounded(a, L);
        var (y, by) = Bounded(p, L);
        var (z, bz, name) = r.Next(5) switch
        {
            0 => ((Expr)U("floor", Lax.Floor, x), bx + 1, "floor"),
            1 => (U("ceil", Lax.Ceil, x), bx + 1, "ceil"),
            2 => (U("round", Lax.Round, x), bx + 1, "round"),
            3 => (U("sign", Lax.Sign, x), 1, "sign"),
            _ => (Call("convert", "float", (t, c) => Lax.Convert(t[0], c.DType), Call("gt", null, (t, _) => Lax.Gt(t[0], t[1]), x, C(0.3))), 1, "mask"),
        };
        return new(Mul(y, z), shape, by * bz, name);
    }

    /// <summary>gather(x, argmax(q, axis)) along an axis of x at least as long as q's: indices computed from data.</summary>
    private Built? ArgGather(int a, int raw, Random r)
    {
        var s = _shapes[a];
        if (s.Rank == 0) return null;
        int axis = r.Next(s.Rank);
        int q = Partner(raw, o => o.Rank > 0 && o.Rank <= 2 && o.ToArray().Any(e => e <= s[axis]));
        if (q < 0) return null;
        var qs = _shapes[q];
        var candidates = Enumerable.Range(0, qs.Rank).Where(i => qs[i] <= s[axis]).ToArray();
        int qaxis = candidates[r.Next(candidates.Length)];
        bool max = r.Next(2) == 0;
        var idx = Call(max ? "argmax" : "argmin", $"axis={qaxis}", (t, _) => max ? Lax.ArgMax(t[0], qaxis) : Lax.ArgMin(t[0], qaxis), V(q));
        var (x, b) = Bounded(a, Big);
        var ishape = Lax.RemoveAxes(qs, [qaxis]);
        return new(Call("gather", $"axis={axis}", (t, _) => Lax.Gather(t[0], t[1], axis), x, idx), Lax.GatherShape(s, ishape, axis), b, "arg_gather");
    }

    /// <summary>x + iota along an axis (a constant float iota).</summary>
    private Built Iota(int a, Random r)
    {
        var s = _shapes[a];
        int dim = s.Rank == 0 ? 0 : r.Next(s.Rank);
        var (x, b) = Bounded(a, Big);
        if (s.Rank == 0) return new(Add(x, C(1)), s, b + 1, "add");
        var iota = Call("iota", $"shape={s}, dim={dim}", (_, c) => Lax.Iota(c.DType, s, dim));
        return new(Add(x, iota), s, b + s[dim], "iota");
    }

    // ---------------------------------------------------------------- dot_general and convert

    /// <summary>dot_general with random batch and contracting pairs among axes of equal extent (an outer product when none).</summary>
    private Built Dot(int a, int raw, Random r)
    {
        var sa = _shapes[a];
        int n = _shapes.Count;
        int start = Pick(raw);
        for (int k = 0; k < n; k++)
        {
            int p = (start - k + n) % n;
            var sb = _shapes[p];
            var pairs = new List<(int L, int R)>();
            for (int i = 0; i < sa.Rank; i++)
                for (int j = 0; j < sb.Rank; j++)
                    if (sa[i] == sb[j]) pairs.Add((i, j));
            for (int attempt = 0; attempt < 4; attempt++)
            {
                var chosen = new List<(int L, int R)>();
                foreach (var pair in pairs.OrderBy(_ => r.Next()))
                    if (chosen.All(c => c.L != pair.L && c.R != pair.R) && r.Next(3) != 0) chosen.Add(pair);
                int nb = chosen.Count == 0 ? 0 : r.Next(0, Math.Min(2, chosen.Count) + 1);
                var batch = chosen.Take(nb).ToList();
                var contract = chosen.Skip(nb).ToList();
                var dims = new List<int>();
                foreach (var (l, _) in batch) dims.Add(sa[l]);
                for (int i = 0; i < sa.Rank; i++) if (chosen.All(c => c.L != i)) dims.Add(sa[i]);
                for (int j = 0; j < sb.Rank; j++) if (chosen.All(c => c.R != j)) dims.Add(sb[j]);
                var shape = Shape.Of(dims.ToArray());
                if (shape.Rank > 4 || shape.Size > sizes.MaxSize) continue;
                int[] cl = contract.Select(c => c.L).ToArray(), cr = contract.Select(c => c.R).ToArray();
                int[] bl = batch.Select(c => c.L).ToArray(), br = batch.Select(c => c.R).ToArray();
                var (x, bx) = Bounded(a, L);
                var (y, by) = Bounded(p, L);
                int count = contract.Aggregate(1, (acc, c) => acc * sa[c.L]);
                return new(Call("dot_general", $"contract={Fmt(cl)}/{Fmt(cr)}, batch={Fmt(bl)}/{Fmt(br)}", (t, _) => Lax.DotGeneral(t[0], t[1], cl, cr, bl, br), x, y),
                    shape, bx * by * count, "dot_general");
            }
        }

        // x·x contracted over every axis: always fits.
        var all = Enumerable.Range(0, sa.Rank).ToArray();
        var (z, bz) = Bounded(a, L);
        return new(Call("dot_general", $"contract={Fmt(all)}/{Fmt(all)}, batch=()/()", (t, _) => Lax.DotGeneral(t[0], t[1], all, all, [], []), z, z),
            Shape.Scalar, bz * bz * sa.Size, "dot_general");
    }

    /// <summary>convert to the other float dtype, a function there, and back (identity in the float64 reference copy).</summary>
    private Built Convert(int a, Random r)
    {
        _hasConvert = true;
        var (x, b) = Bounded(a, L);
        var there = Call("convert", "other", (t, c) => Lax.Convert(t[0], c.Other), x);
        var (inner, bound) = r.Next(4) switch
        {
            0 => (U("sin", Lax.Sin, there), 1.0),
            1 => (U("tanh", Lax.Tanh, there), 1.0),
            2 => (U("neg", Lax.Neg, there), b),
            _ => (Mul(there, there), b * b),
        };
        return new(Call("convert", "back", (t, c) => Lax.Convert(t[0], c.DType), inner), _shapes[a], bound, "convert");
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>The NumPy broadcast of two shapes, or null.</summary>
    public static Shape? BroadcastShape(Shape a, Shape b)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Rank ? 1 : a[i - (rank - a.Rank)];
            int db = i < rank - b.Rank ? 1 : b[i - (rank - b.Rank)];
            if (da != db && da != 1 && db != 1) return null;
            dims[i] = Math.Max(da, db);
        }

        return Shape.Of(dims);
    }

    private static VarExpr V(int i) => new(i);

    private static ConstExpr C(double c) => new(c);

    private static CallExpr Call(string name, string? parameters, Func<Tensor[], EvalContext, Tensor> apply, params Expr[] args) => new(name, parameters, args, apply);

    private static CallExpr U(string name, Func<Tensor, Tensor> f, Expr x) => Call(name, null, (t, _) => f(t[0]), x);

    private static CallExpr Mul(Expr x, Expr y) => Call("*", null, (t, _) => Lax.Mul(t[0], t[1]), x, y);

    private static CallExpr Add(Expr x, Expr y) => Call("+", null, (t, _) => Lax.Add(t[0], t[1]), x, y);

    /// <summary>x·x + c (c &gt; 0).</summary>
    private static CallExpr SquarePlus(Expr x, double c) => Add(Mul(x, x), C(c));

    private static string Fmt(int[] values) => "(" + string.Join(",", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + ")";
}
