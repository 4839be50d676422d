using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Tests.Primitives;

/// <summary>
/// The batching column of the spec table: for every row and case, Vmap of the primitive equals applying it to each
/// example and stacking, with every operand either unbatched or batched at each of its axes (first, middle, last), for a
/// batch of 3 and a batch equal to a per-example extent (where a batch axis paired with the wrong per-example axis
/// would go unnoticed otherwise). Examples differ: float operands are scaled per example, integer and bool operands
/// rotated, so a rule that mixes examples up is caught.
/// </summary>
public class BatchingConformanceTests
{
    /// <summary>(row, dtype) for every row whose primitive takes operands (iota and zeros have nothing to batch).</summary>
    public static TheoryData<string, DType> Rows
    {
        get
        {
            var data = new TheoryData<string, DType>();
            foreach (var s in PrimitiveSpecs.All.Values.Where(s => s.Name is not ("iota" or "zeros")).OrderBy(s => s.Name, StringComparer.Ordinal))
                foreach (var d in s.DTypes) data.Add(s.Name, d);
            return data;
        }
    }

    /// <summary>Vmap(op) equals the stack of op over the examples, for every choice of batch axes.</summary>
    [Theory]
    [MemberData(nameof(Rows))]
    public void Vmap_EqualsStackingOverExamples(string name, DType dtype)
    {
        var spec = PrimitiveSpecs.Get(name);
        var failures = new List<string>();
        int count = 0;
        foreach (var c in spec.For(dtype))
        {
            if (c.Args.Length == 0) continue;   // iota, zeros: nothing can be batched
            foreach (int b in BatchSizes(c))
            {
                foreach (var dims in AxisChoices(c.Args))
                {
                    count++;
                    try
                    {
                        Check(spec.Primitive, c, dims, b);
                    }
#pragma warning disable CA1031 // Every failure is collected and reported together.
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        failures.Add($"case {c}, batch {b}, axes [{string.Join(", ", dims.Select(d => d < 0 ? "-" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]: {ex.GetType().Name}: {ex.Message}");
                        if (failures.Count > 12) break;
                    }
                }
            }
        }

        Assert.True(count > 0, $"{name}: no case has an operand to batch.");
        if (failures.Count > 0) Assert.Fail($"{name}: {failures.Count} of {count} batchings failed:\n\n{string.Join("\n\n", failures)}");
    }

    private static IEnumerable<int> BatchSizes(PrimitiveCase c)
    {
        yield return 3;
        int extent = c.Args.Where(a => a.Rank > 0).Select(a => a.Shape[0]).FirstOrDefault(e => e is >= 2 and <= 6 and not 3);
        if (extent != 0) yield return extent;
    }

    /// <summary>Every assignment of "unbatched" or an axis to each operand, except all unbatched; capped for many operands.</summary>
    private static IEnumerable<int[]> AxisChoices(Tensor[] args)
    {
        var options = args.Select(a => Enumerable.Range(-1, a.Rank + 2).ToArray()).ToArray();
        var current = new int[args.Length];
        var all = new List<int[]>();
        void Walk(int i)
        {
            if (i == args.Length)
            {
                if (current.Any(d => d >= 0)) all.Add((int[])current.Clone());
                return;
            }

            foreach (var d in options[i])
            {
                current[i] = d;
                Walk(i + 1);
            }
        }

        Walk(0);
        // Many operands (dynamic slices): keep every all-batched-alike choice and a deterministic sample of the rest.
        if (all.Count <= 200) return all;
        var rng = new Random(all.Count);
        return all.Where(d => d.All(x => x == d[0]) || rng.NextDouble() < 200.0 / all.Count);
    }

    private static void Check(Primitive primitive, PrimitiveCase c, int[] dims, int b)
    {
        // Example e of operand i.
        Tensor Example(int i, int e) => Vary(c.Args[i], e);
        var batched = new Tensor[c.Args.Length];
        for (int i = 0; i < batched.Length; i++)
            batched[i] = dims[i] < 0 ? c.Args[i] : Stack(Enumerable.Range(0, b).Select(e => Example(i, e)).ToArray(), dims[i], c.Args[i]);
        var inAxes = dims.Select(d => d < 0 ? (int?)null : d).ToArray();
        var vmapped = Ad.Vmap<Tensor[], Tensor[]>(xs => Dispatch.BindMany(primitive, xs, c.Params), inAxes, axisSize: b)(batched);
        for (int e = 0; e < b; e++)
        {
            var args = new Tensor[c.Args.Length];
            for (int i = 0; i < args.Length; i++) args[i] = dims[i] < 0 ? c.Args[i] : Example(i, e);
            var expected = Dispatch.BindMany(primitive, args, c.Params);
            for (int k = 0; k < expected.Length; k++)
            {
                var got = Take(vmapped[k], e);
                if (got.Aval != expected[k].Aval) throw new InvalidOperationException($"result {k}, example {e}: type {got.Aval}, expected {expected[k].Aval}");
                var (g, x) = (Gen.Values(got), Gen.Values(expected[k]));
                double tol = expected[k].DType == DType.Float32 ? 1e-5 : 1e-12;
                for (int j = 0; j < x.Length; j++)
                {
                    bool same = g[j].Equals(x[j]) || Math.Abs(g[j] - x[j]) <= tol * (1 + Math.Abs(x[j]));
                    if (!same) throw new InvalidOperationException($"result {k}, example {e}, element {j}: {g[j]} vs {x[j]} one at a time");
                }
            }
        }
    }

    /// <summary>Example e of an operand: floats scaled by 1 − e/20 (inside every domain the specs draw from), others rotated by e.</summary>
    private static Tensor Vary(Tensor x, int e)
    {
        if (e == 0 || x.Size == 0) return x;
        if (x.DType.IsFloat()) return Gen.Map(x, v => v * (1 - e / 20.0), x.DType);
        var values = Gen.Values(x);
        var rotated = values.Select((_, j) => values[(j + e) % values.Length]).ToArray();
        return Gen.Map(x, (_, j) => rotated[j], x.DType);
    }

    private static Tensor Stack(Tensor[] examples, int axis, Tensor like)
    {
        if (examples.Length == 0)
        {
            var dims = like.Shape.ToArray().ToList();
            dims.Insert(axis, 0);
            return new Tensor(NDArray.Zeros(like.DType, Shape.Of([.. dims])));
        }

        var parts = examples.Select(x =>
        {
            var dims = x.Shape.ToArray().ToList();
            dims.Insert(axis, 1);
            return Lax.Reshape(x, Shape.Of([.. dims]));
        }).ToArray();
        return Lax.Concatenate(parts, axis);
    }

    /// <summary>Example e of a result batched at 0.</summary>
    private static Tensor Take(Tensor y, int e)
    {
        var start = new int[y.Rank];
        var limit = y.Shape.ToArray();
        start[0] = e;
        limit[0] = e + 1;
        var strides = Enumerable.Repeat(1, y.Rank).ToArray();
        return Lax.Reshape(Lax.Slice(y, start, limit, strides), Shape.Of(y.Shape.Dims[1..]));
    }
}
