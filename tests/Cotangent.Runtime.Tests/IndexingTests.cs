using Cotangent.Runtime.Tests.Reference;
using static Cotangent.Runtime.Tests.TestUtil;

namespace Cotangent.Runtime.Tests;

/// <summary>
/// Gather, scatter-add (with duplicate and multi-dimensional indices), dynamic slices, iota and random. Scatter-add
/// sums duplicates in a different order than the double reference, so it gets an absolute tolerance (values are ≤ 5).
/// </summary>
public class IndexingTests
{
    [Fact]
    public void Gather_AndScatterAdd_MatchReference_OnEveryAxis()
    {
        var rng = new Random(3);
        var x = Uniform(rng, DType.Float64, Shape.Of(4, 5, 6), -5, 5);
        for (int axis = 0; axis < 3; axis++)
        {
            int extent = x.Shape[axis];
            foreach (var idxDims in new[] { new[] { 2, 3 }, new[] { 7 }, Array.Empty<int>(), new[] { 0 } })
            {
                // Duplicates guaranteed: 7 or 6 draws from at most 6 values, plus index 0 repeated.
                var idxShape = Shape.Of(idxDims);
                var idx = NDArray.Wrap(Enumerable.Range(0, idxShape.Size).Select(i => i % 3 == 0 ? 0 : rng.Next(extent)).ToArray(), idxShape);
                foreach (var dtype in new[] { DType.Float64, DType.Float32, DType.Int32 })
                {
                    var xt = Kernels.Convert(x, dtype);
                    var g = Kernels.Gather(xt, idx, axis);
                    Same(RefStructural.Gather(xt, idx, axis), g, $"gather axis {axis} idx {idxShape}");
                    var u = Uniform(rng, dtype, g.Shape, -5, 5);
                    Close(RefStructural.ScatterAdd(xt, idx, u, axis), Kernels.ScatterAdd(xt, idx, u, axis),
                        0, dtype == DType.Float32 ? 1e-5 : 1e-12, null, $"scatter_add axis {axis} idx {idxShape}");
                }
            }
        }

        var b = Uniform(rng, DType.Bool, Shape.Of(3, 4));
        var bi = NDArray.Wrap(new[] { 3, 3, 0 }, Shape.Of(3));
        Same(RefStructural.Gather(b, bi, 1), Kernels.Gather(b, bi, 1));
    }

    [Fact]
    public void ScatterAdd_IsAdjointOfGather()
    {
        // ⟨ScatterAdd(0, idx, u), x⟩ = ⟨u, Gather(x, idx)⟩ for every axis and a multi-dimensional index with duplicates.
        var rng = new Random(17);
        var x = Uniform(rng, DType.Float64, Shape.Of(5, 4, 3), -1, 1);
        for (int axis = 0; axis < 3; axis++)
        {
            var idxShape = Shape.Of(3, 2);
            var idx = NDArray.Wrap(Enumerable.Range(0, 6).Select(i => i < 2 ? 1 : rng.Next(x.Shape[axis])).ToArray(), idxShape);
            var gx = Kernels.Gather(x, idx, axis);
            var u = Uniform(rng, DType.Float64, gx.Shape, -1, 1);
            var su = Kernels.ScatterAdd(NDArray.Zeros(DType.Float64, x.Shape), idx, u, axis);
            double lhs = su.ToArray<double>().Zip(x.ToArray<double>(), (a, c) => a * c).Sum();
            double rhs = u.ToArray<double>().Zip(gx.ToArray<double>(), (a, c) => a * c).Sum();
            Assert.InRange(lhs - rhs, -1e-12, 1e-12);
        }
    }

    [Fact]
    public void DynamicSlice_ClampsStarts()
    {
        var x = Uniform(new Random(2), DType.Int32, Shape.Of(5, 6), -9, 9);
        (int[] Starts, int[] Sizes, int[] Clamped)[] cases =
        [
            ([1, 2], [2, 3], [1, 2]), ([4, 5], [2, 3], [3, 3]), ([-3, -1], [2, 2], [0, 0]), ([9, 0], [5, 6], [0, 0]), ([2, 2], [0, 3], [2, 2]),
        ];
        foreach (var (st, sz, cl) in cases)
        {
            var expected = RefStructural.Slice(x, cl, cl.Zip(sz, (a, b) => a + b).ToArray(), [1, 1]);
            Same(expected, Kernels.DynamicSlice(x, st, sz), $"starts [{string.Join(",", st)}]");
            var update = Uniform(new Random(9), DType.Int32, Shape.Of(sz), 100, 200);
            var r = Kernels.DynamicUpdateSlice(x, update, st);
            // The written window reads back as update; the rest is x.
            Same(update, Kernels.DynamicSlice(r, cl, sz));
            int changed = Enumerable.Range(0, x.Size).Count(i => r.GetDouble(i) != x.GetDouble(i));
            Assert.Equal(update.Size, changed);
        }
    }

    [Fact]
    public void Iota_EveryDimension()
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32, DType.Int32 })
        {
            foreach (var dims in new[] { new[] { 3, 4, 2 }, new[] { 0, 3 }, new[] { 5 } })
                for (int d = 0; d < dims.Length; d++)
                    Same(RefStructural.Iota(dtype, Shape.Of(dims), d), Kernels.Iota(dtype, Shape.Of(dims), d));
        }
    }

    [Fact]
    public void Random_IsDeterministic_AndRoughlyDistributed()
    {
        var shape = Shape.Of(200, 250);
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var u1 = Kernels.RandomUniform(42, dtype, shape, -2, 3);
            var u2 = Kernels.RandomUniform(42, dtype, shape, -2, 3);
            var u3 = Kernels.RandomUniform(43, dtype, shape, -2, 3);
            Same(u1, u2);
            Assert.NotEqual(Ref.Values(u1), Ref.Values(u3));
            var uv = Ref.Values(u1);
            Assert.All(uv, v => Assert.InRange(v, -2, 3 - 1e-12));
            double mean = uv.Average(), variance = uv.Select(v => (v - mean) * (v - mean)).Average();
            Assert.InRange(mean, 0.5 - 0.03, 0.5 + 0.03);           // U(−2, 3): mean 0.5, variance 25/12
            Assert.InRange(variance, 25.0 / 12 - 0.05, 25.0 / 12 + 0.05);

            var n1 = Kernels.RandomNormal(7, dtype, shape);
            Same(n1, Kernels.RandomNormal(7, dtype, shape));
            var nv = Ref.Values(n1);
            double nm = nv.Average(), nvar = nv.Select(v => (v - nm) * (v - nm)).Average();
            Assert.InRange(nm, -0.02, 0.02);
            Assert.InRange(nvar, 0.97, 1.03);
            Assert.All(nv, v => Assert.True(double.IsFinite(v)));
        }

        // Odd sizes, zero sizes and scalars; a prefix of a longer draw matches the shorter one (counter-based).
        var odd = Kernels.RandomNormal(5, DType.Float64, Shape.Of(7));
        var longer = Kernels.RandomNormal(5, DType.Float64, Shape.Of(9));
        Assert.Equal(odd.ToArray<double>(), longer.ToArray<double>()[..7]);
        Assert.Equal(0, Kernels.RandomUniform(1, DType.Float32, Shape.Of(0, 3), 0, 1).Size);
        Assert.Equal(2.5, Kernels.RandomUniform(1, DType.Float64, Shape.Scalar, 2.5, 2.5).GetDouble(0));
    }
}
