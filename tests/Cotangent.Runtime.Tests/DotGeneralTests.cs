namespace Cotangent.Runtime.Tests;

public class DotGeneralTests
{
    private static NDArray Random(DType dtype, int seed, params int[] dims)
    {
        var shape = Shape.Of(dims);
        var rng = new Random(seed);
        return dtype switch
        {
            DType.Float64 => NDArray.Wrap(Enumerable.Range(0, shape.Size).Select(_ => rng.NextDouble() * 2 - 1).ToArray(), shape),
            DType.Float32 => NDArray.Wrap(Enumerable.Range(0, shape.Size).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), shape),
            DType.Int32 => NDArray.Wrap(Enumerable.Range(0, shape.Size).Select(_ => rng.Next(-9, 10)).ToArray(), shape),
            _ => NDArray.Wrap(Enumerable.Range(0, shape.Size).Select(_ => rng.Next(2) == 1).ToArray(), shape),
        };
    }

    /// <summary>dot_general by definition: every result element sums over every contracting multi-index, in double.</summary>
    private static (Shape Shape, double[] Values, double[] AbsSums) Reference(NDArray lhs, NDArray rhs, int[] cl, int[] cr, int[] bl, int[] br)
    {
        var freeL = Enumerable.Range(0, lhs.Rank).Where(a => !cl.Contains(a) && !bl.Contains(a)).ToArray();
        var freeR = Enumerable.Range(0, rhs.Rank).Where(a => !cr.Contains(a) && !br.Contains(a)).ToArray();
        var dims = bl.Select(a => lhs.Shape[a]).Concat(freeL.Select(a => lhs.Shape[a])).Concat(freeR.Select(a => rhs.Shape[a])).ToArray();
        var shape = Shape.Of(dims);
        var cdims = cl.Select(a => lhs.Shape[a]).ToArray();
        int csize = cdims.Aggregate(1, (x, y) => x * y);
        var values = new double[shape.Size];
        var abs = new double[shape.Size];
        var li = new int[lhs.Rank];
        var ri = new int[rhs.Rank];
        for (int o = 0; o < shape.Size; o++)
        {
            var idx = Unravel(o, dims);
            int d = 0;
            for (int i = 0; i < bl.Length; i++, d++)
            {
                li[bl[i]] = idx[d];
                ri[br[i]] = idx[d];
            }

            foreach (int a in freeL) li[a] = idx[d++];
            foreach (int a in freeR) ri[a] = idx[d++];
            for (int q = 0; q < csize; q++)
            {
                var cidx = Unravel(q, cdims);
                for (int i = 0; i < cl.Length; i++)
                {
                    li[cl[i]] = cidx[i];
                    ri[cr[i]] = cidx[i];
                }

                double prod = lhs.GetDouble(Ravel(li, lhs.Shape)) * rhs.GetDouble(Ravel(ri, rhs.Shape));
                values[o] += prod;
                abs[o] += Math.Abs(prod);
            }
        }

        return (shape, values, abs);
    }

    private static int[] Unravel(int flat, int[] dims)
    {
        var idx = new int[dims.Length];
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            idx[i] = flat % dims[i];
            flat /= dims[i];
        }

        return idx;
    }

    private static int Ravel(int[] idx, Shape shape)
    {
        int flat = 0;
        for (int i = 0; i < idx.Length; i++) flat = flat * shape[i] + idx[i];
        return flat;
    }

    private static void Check(DType dtype, int[] ldims, int[] rdims, int[] cl, int[] cr, int[] bl, int[] br, int seed = 7)
    {
        var lhs = Random(dtype, seed, ldims);
        var rhs = Random(dtype, seed + 100, rdims);
        var got = Kernels.DotGeneral(lhs, rhs, cl, cr, bl, br);
        var (shape, want, abs) = Reference(lhs, rhs, cl, cr, bl, br);
        Assert.Equal(dtype, got.DType);
        Assert.Equal(shape, got.Shape);
        int k = cl.Select(a => ldims[a]).Aggregate(1, (x, y) => x * y);
        double eps = dtype switch { DType.Float32 => 6e-8, DType.Float64 => 1.2e-16, _ => 0 };
        for (int i = 0; i < shape.Size; i++)
        {
            double tol = 2 * (k + 2) * eps * abs[i];
            double g = got.GetDouble(i);
            if (!(Math.Abs(g - want[i]) <= tol))
                Assert.Fail($"element {i}: got {g}, want {want[i]} (tol {tol:G3}); lhs {lhs.Shape} rhs {rhs.Shape} contract [{string.Join(",", cl)}]/[{string.Join(",", cr)}] batch [{string.Join(",", bl)}]/[{string.Join(",", br)}]");
        }
    }

    public static TheoryData<int> DTypes() => new() { (int)DType.Float64, (int)DType.Float32, (int)DType.Int32 };

    [Fact]
    public void PlainMatmul_ExactValues()
    {
        var a = NDArray.Wrap(new double[] { 1, 2, 3, 4, 5, 6 }, Shape.Of(2, 3));
        var b = NDArray.Wrap(new double[] { 7, 8, 9, 10, 11, 12 }, Shape.Of(3, 2));
        var c = Kernels.DotGeneral(a, b, [1], [0], [], []);
        Assert.Equal(Shape.Of(2, 2), c.Shape);
        Assert.Equal(new double[] { 58, 64, 139, 154 }, c.ToArray<double>());

        var ai = NDArray.Wrap(new[] { 1, 2, 3, 4, 5, 6 }, Shape.Of(2, 3));
        var bi = NDArray.Wrap(new[] { 7, 8, 9, 10, 11, 12 }, Shape.Of(3, 2));
        Assert.Equal(new[] { 58, 64, 139, 154 }, Kernels.DotGeneral(ai, bi, [1], [0], [], []).ToArray<int>());
    }

    [Fact]
    public void Int32Products_WrapOnOverflow_LikeUncheckedArithmetic()
    {
        // Rows of 19 (two vectors and a tail) with products that overflow int32.
        int m = 3, k = 4, n = 19;
        var a = Enumerable.Range(0, m * k).Select(i => int.MaxValue / 3 + (i * 7919)).ToArray();
        var b = Enumerable.Range(0, k * n).Select(i => (i % 5) - 2 + (i * 104729)).ToArray();
        var c = Kernels.DotGeneral(NDArray.Wrap(a, Shape.Of(m, k)), NDArray.Wrap(b, Shape.Of(k, n)), [1], [0], [], []).ToArray<int>();
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                int want = 0;
                for (int p = 0; p < k; p++) want = unchecked(want + (a[(i * k) + p] * b[(p * n) + j]));
                Assert.Equal(want, c[(i * n) + j]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void MatrixProducts_AllTranspositions(int dt)
    {
        var dtype = (DType)dt;
        Check(dtype, [5, 7], [7, 6], [1], [0], [], []);   // A·B
        Check(dtype, [5, 7], [6, 7], [1], [1], [], []);   // A·Bᵀ
        Check(dtype, [7, 5], [7, 6], [0], [0], [], []);   // Aᵀ·B
        Check(dtype, [7, 5], [6, 7], [0], [1], [], []);   // Aᵀ·Bᵀ
        Check(dtype, [13, 70], [70, 67], [1], [0], [], []);
        Check(dtype, [70, 13], [67, 70], [0], [1], [], []);
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void VectorsAndMatrixVector(int dt)
    {
        var dtype = (DType)dt;
        Check(dtype, [9], [9], [0], [0], [], []);          // vector·vector: rank-0 result
        Check(dtype, [1], [1], [0], [0], [], []);
        Check(dtype, [6, 9], [9], [1], [0], [], []);       // matrix·vector
        Check(dtype, [9, 6], [9], [0], [0], [], []);       // matrixᵀ·vector
        Check(dtype, [9], [9, 70], [0], [0], [], []);      // vector·matrix
        Check(dtype, [9], [70, 9], [0], [1], [], []);      // vector·matrixᵀ
        Check(dtype, [4], [5], [], [], [], []);            // outer product
        Check(dtype, [3, 4], [5], [], [], [], []);         // no contraction at all
    }

    [Fact]
    public void VectorDotVector_IsRankZero()
    {
        var x = NDArray.Wrap(new float[] { 1, 2, 3 }, Shape.Of(3));
        var r = Kernels.DotGeneral(x, x, [0], [0], [], []);
        Assert.Equal(0, r.Rank);
        Assert.Equal(14f, r.ToArray<float>()[0]);
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void BatchDimensions(int dt)
    {
        var dtype = (DType)dt;
        Check(dtype, [3, 4, 5], [3, 5, 6], [2], [1], [0], [0]);             // batched matmul
        Check(dtype, [3, 4, 5], [3, 6, 5], [2], [2], [0], [0]);             // batched A·Bᵀ (attention scores)
        Check(dtype, [4, 3, 5], [5, 6, 3], [2], [0], [1], [2]);             // batch axes in the middle / at the end
        Check(dtype, [2, 3, 4, 5], [2, 3, 5, 2], [3], [2], [0, 1], [0, 1]); // two batch axes
        Check(dtype, [2, 3, 4, 5], [3, 2, 5, 2], [3], [2], [1, 0], [0, 1]); // batch axes in swapped order
        Check(dtype, [3, 5], [3, 5], [1], [1], [0], [0]);                   // batched vector·vector
        Check(dtype, [3, 4], [3, 5], [], [], [0], [0]);                     // batched outer product
        Check(dtype, [2, 4, 6], [2, 6], [2], [1], [0], [0]);                // batched matrix·vector
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void MultipleAndUnusualContractingDimensions(int dt)
    {
        var dtype = (DType)dt;
        Check(dtype, [2, 3, 4], [3, 4, 5], [1, 2], [0, 1], [], []);
        Check(dtype, [2, 3, 4], [4, 3, 5], [1, 2], [1, 0], [], []);          // pairs in swapped order
        Check(dtype, [3, 5, 4], [4, 6, 3], [0, 2], [2, 0], [], []);          // contracting axes around a free axis
        Check(dtype, [3, 2, 4, 5], [5, 3, 2], [3, 0], [0, 1], [1], [2]);     // batch + two contracting, scattered
        Check(dtype, [4, 1, 3], [3, 1, 4], [0, 2], [2, 0], [], []);          // unit free axes
    }

    [Fact]
    public void ZeroExtents()
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32, DType.Int32 })
        {
            Check(dtype, [0, 3], [3, 4], [1], [0], [], []);
            Check(dtype, [2, 0], [0, 3], [1], [0], [], []); // k = 0: zeros
            Check(dtype, [0, 2, 3], [0, 3, 4], [2], [1], [0], [0]);
            var r = Kernels.DotGeneral(Random(dtype, 1, 2, 0), Random(dtype, 2, 0, 3), [1], [0], [], []);
            Assert.All(Enumerable.Range(0, r.Size), i => Assert.Equal(0.0, r.GetDouble(i)));
        }
    }

    [Fact]
    public void LargeShapes()
    {
        // Plain and A·Bᵀ layouts on the GEMM path, checked with the GEMM tests' fast reference.
        var a = Random(DType.Float32, 1, 128, 784);
        var b = Random(DType.Float32, 2, 784, 256);
        var c = Kernels.DotGeneral(a, b, [1], [0], [], []);
        GemmTests.AssertProduct(a.ToArray<float>(), b.ToArray<float>(), c.ToArray<float>(), 128, 256, 784, false, false);

        var x = Random(DType.Float64, 3, 300, 1100);
        var y = Random(DType.Float64, 4, 200, 1100);
        var z = Kernels.DotGeneral(x, y, [1], [1], [], []);
        GemmTests.AssertProduct(x.ToArray<double>(), y.ToArray<double>(), z.ToArray<double>(), 300, 200, 1100, false, true);

        Check(DType.Float32, [2, 20, 300], [2, 300, 70], [2], [1], [0], [0]);
    }

    [Fact]
    public void LargeBatchOfSmallProducts_SplitAcrossThreads()
    {
        // 24 products of 40×100·100×30: each below the threading threshold, the batch above it.
        const int batch = 24, m = 40, k = 100, n = 30;
        foreach (bool transB in new[] { false, true })
        {
            var a = Random(DType.Float64, 5, batch, m, k);
            var b = transB ? Random(DType.Float64, 6, batch, n, k) : Random(DType.Float64, 6, batch, k, n);
            var c = Kernels.DotGeneral(a, b, [2], [transB ? 2 : 1], [0], [0]);
            Assert.Equal(Shape.Of(batch, m, n), c.Shape);
            var av = a.ToArray<double>();
            var bv = b.ToArray<double>();
            var cv = c.ToArray<double>();
            for (int i = 0; i < batch; i++)
            {
                GemmTests.AssertProduct(av[(i * m * k)..((i + 1) * m * k)], bv[(i * k * n)..((i + 1) * k * n)],
                    cv[(i * m * n)..((i + 1) * m * n)], m, n, k, false, transB);
            }
        }
    }

    [Fact]
    public void RandomAxisArrangements()
    {
        var rng = new Random(12345);
        for (int trial = 0; trial < 150; trial++)
        {
            int nb = rng.Next(3), nc = rng.Next(3), nfl = rng.Next(3), nfr = rng.Next(3);
            var batchExt = Enumerable.Range(0, nb).Select(_ => rng.Next(1, 4)).ToArray();
            var contractExt = Enumerable.Range(0, nc).Select(_ => rng.Next(1, 9)).ToArray();
            var lAxes = Shuffle(rng, Enumerable.Range(0, nb + nc + nfl).ToArray());
            var rAxes = Shuffle(rng, Enumerable.Range(0, nb + nc + nfr).ToArray());
            var ldims = new int[lAxes.Length];
            var rdims = new int[rAxes.Length];
            var bl = lAxes[..nb];
            var br = rAxes[..nb];
            var cl = lAxes[nb..(nb + nc)];
            var cr = rAxes[nb..(nb + nc)];
            for (int i = 0; i < nb; i++) ldims[bl[i]] = rdims[br[i]] = batchExt[i];
            for (int i = 0; i < nc; i++) ldims[cl[i]] = rdims[cr[i]] = contractExt[i];
            foreach (int a in lAxes[(nb + nc)..]) ldims[a] = rng.Next(1, 8);
            foreach (int a in rAxes[(nb + nc)..]) rdims[a] = rng.Next(1, 8);
            var dtype = (DType)(trial % 3);
            Check(dtype, ldims, rdims, cl, cr, bl, br, seed: trial);
        }
    }

    private static int[] Shuffle(Random rng, int[] x)
    {
        for (int i = x.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (x[i], x[j]) = (x[j], x[i]);
        }

        return x;
    }

    [Fact]
    public void NegativeAxesCountFromTheEnd()
    {
        var a = Random(DType.Float64, 1, 3, 4);
        var b = Random(DType.Float64, 2, 4, 5);
        var want = Kernels.DotGeneral(a, b, [1], [0], [], []);
        var got = Kernels.DotGeneral(a, b, [-1], [-2], [], []);
        Assert.Equal(want.ToArray<double>(), got.ToArray<double>());
    }

    [Fact]
    public void ContractingExtentMismatch_NamesOperationAndShapes()
    {
        var e = Assert.Throws<ShapeException>(() => Kernels.DotGeneral(Random(DType.Float64, 1, 2, 3), Random(DType.Float64, 2, 4, 5), [1], [0], [], []));
        Assert.Contains("dot_general: contracting dimension 1 of lhs (2, 3) has extent 3 but dimension 0 of rhs (4, 5) has extent 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BatchExtentMismatch_Throws()
    {
        var e = Assert.Throws<ShapeException>(() => Kernels.DotGeneral(Random(DType.Float32, 1, 2, 3), Random(DType.Float32, 2, 4, 3), [1], [1], [0], [0]));
        Assert.Contains("dot_general", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 3)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(4, 3)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadAxes_ThrowAxisException()
    {
        var a = Random(DType.Float64, 1, 2, 3);
        var b = Random(DType.Float64, 2, 3, 2);
        Assert.Contains("dot_general", Assert.Throws<AxisException>(() => Kernels.DotGeneral(a, b, [2], [0], [], [])).Message, StringComparison.Ordinal);
        Assert.Throws<AxisException>(() => Kernels.DotGeneral(a, b, [1], [-3], [], []));
        Assert.Throws<AxisException>(() => Kernels.DotGeneral(a, b, [1, 1], [0, 0], [], []));   // repeated contracting axis
        Assert.Throws<AxisException>(() => Kernels.DotGeneral(a, b, [1], [0], [1], [1]));       // batch axis also contracted
        Assert.Throws<AxisException>(() => Kernels.DotGeneral(a, b, [1], [0, 1], [], []));      // list lengths differ
        Assert.Throws<AxisException>(() => Kernels.DotGeneral(a, b, [1], [0], [0], []));
    }

    [Fact]
    public void BadDTypes_ThrowDTypeException()
    {
        var f64 = Random(DType.Float64, 1, 2, 3);
        var f32 = Random(DType.Float32, 2, 3, 2);
        var e = Assert.Throws<DTypeException>(() => Kernels.DotGeneral(f64, f32, [1], [0], [], []));
        Assert.Contains("dot_general", e.Message, StringComparison.Ordinal);
        var b1 = Random(DType.Bool, 3, 2, 3);
        var b2 = Random(DType.Bool, 4, 3, 2);
        Assert.Throws<DTypeException>(() => Kernels.DotGeneral(b1, b2, [1], [0], [], []));
    }

    [Fact]
    public void InputsAreNotMutated()
    {
        var a = Random(DType.Float32, 1, 20, 30);
        var b = Random(DType.Float32, 2, 40, 30);
        var a0 = a.ToArray<float>();
        var b0 = b.ToArray<float>();
        Kernels.DotGeneral(a, b, [1], [1], [], []);
        Kernels.DotGeneral(b, a, [1], [1], [], []);
        Assert.Equal(a0, a.ToArray<float>());
        Assert.Equal(b0, b.ToArray<float>());
    }
}
