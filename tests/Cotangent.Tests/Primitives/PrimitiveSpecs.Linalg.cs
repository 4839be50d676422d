using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Tests.Primitives;

// Rows of the linear-algebra primitives. Inputs are well conditioned so central differences are
// accurate: SPD matrices with λ_min ≥ n for cholesky, triangles with |diagonal| in [2, 3] for
// triangular_solve, and permuted column-diagonally-dominant matrices for lu (every pivot wins by a
// margin, so a perturbation never changes the pivot order).
public static partial class PrimitiveSpecs
{
    private static IEnumerable<PrimitiveSpec> LinalgSpecs()
    {
        yield return new PrimitiveSpec
        {
            Primitive = Catalogue.Cholesky,
            Cases = (r, d) =>
            [
                new("1x1", [LinalgGen.Spd(r, d, [], 1)], NoParams.Instance),
                new("3x3", [LinalgGen.Spd(r, d, [], 3)], NoParams.Instance),
                new("batched-2x4x4", [LinalgGen.Spd(r, d, [2], 4)], NoParams.Instance),
                new("zero-size", [LinalgGen.Spd(r, d, [], 0)], NoParams.Instance),
            ],
        };

        yield return new PrimitiveSpec
        {
            Primitive = Catalogue.TriangularSolve,
            LinearSets = [[1]],
            Cases = TriangularSolveCases,
        };

        yield return new PrimitiveSpec
        {
            Primitive = Catalogue.Lu,
            Cases = (r, d) =>
            [
                new("1x1", [LinalgGen.PivotStable(r, d, [], 1)], NoParams.Instance),
                new("3x3", [LinalgGen.PivotStable(r, d, [], 3)], NoParams.Instance),
                new("batched-2x4x4", [LinalgGen.PivotStable(r, d, [2], 4)], NoParams.Instance),
                new("zero-size", [LinalgGen.PivotStable(r, d, [], 0)], NoParams.Instance),
            ],
        };

        // qr: well-conditioned square (pivot-stable) and Gaussian tall matrices; a wide one only for the shape rule.
        yield return new PrimitiveSpec
        {
            Primitive = Catalogue.Qr,
            Cases = (r, d) =>
            [
                new("1x1", [LinalgGen.PivotStable(r, d, [], 1)], new QrParams(false)),
                new("3x3", [LinalgGen.PivotStable(r, d, [], 3)], new QrParams(false)),
                new("tall-5x3", [Gen.Std(r, d, [5, 3])], new QrParams(false)),
                new("batched-2x4x2", [Gen.Std(r, d, [2, 4, 2])], new QrParams(false)),
                new("complete-3x3", [LinalgGen.PivotStable(r, d, [], 3)], new QrParams(true)),
                new("complete-tall-4x2", [Gen.Std(r, d, [4, 2])], new QrParams(true), Differentiable: false),
                new("wide-2x3", [Gen.Std(r, d, [2, 3])], new QrParams(false), Differentiable: false),
                new("zero-size", [Gen.Std(r, d, [0, 3])], new QrParams(false), Differentiable: false),
            ],
        };

        // svd: Gaussian matrices (distinct, nonzero singular values almost surely) — tall, square, wide, batched.
        yield return new PrimitiveSpec
        {
            Primitive = Catalogue.Svd,
            Cases = (r, d) =>
            [
                new("1x1", [LinalgGen.PivotStable(r, d, [], 1)], NoParams.Instance),
                new("3x3", [Gen.Std(r, d, [3, 3])], NoParams.Instance),
                new("tall-4x2", [Gen.Std(r, d, [4, 2])], NoParams.Instance),
                new("wide-2x3", [Gen.Std(r, d, [2, 3])], NoParams.Instance),
                new("batched-2x3x3", [LinalgGen.PivotStable(r, d, [2], 3)], NoParams.Instance),
            ],
        };

        yield return new PrimitiveSpec
        {
            Primitive = Catalogue.Eigh,
            Cases = (r, d) =>
            [
                new("1x1", [LinalgGen.SpreadSymmetric(r, d, [], 1)], NoParams.Instance),
                new("3x3", [LinalgGen.SpreadSymmetric(r, d, [], 3)], NoParams.Instance),
                new("batched-2x4x4", [LinalgGen.SpreadSymmetric(r, d, [2], 4)], NoParams.Instance),
                new("zero-size", [LinalgGen.SpreadSymmetric(r, d, [], 0)], NoParams.Instance),
            ],
        };

        yield return new PrimitiveSpec
        {
            Primitive = Catalogue.PermutationSign,
            Kind = Differentiability.Zero,
            Cases = (r, d) =>
            [
                new("identity", [Gen.FromDoubles([0, 1, 2], d, Shape.Of(3))], NoParams.Instance),
                new("batched", [Gen.FromDoubles([1, 0, 2, 2, 0, 1, 0, 2, 1], d, Shape.Of(3, 3))], NoParams.Instance),
                new("empty", [Gen.FromDoubles([], d, Shape.Of(0))], NoParams.Instance),
            ],
        };
    }

    /// <summary>All 16 flag sets on one shape each side, plus batched and zero-size cases.</summary>
    private static IEnumerable<PrimitiveCase> TriangularSolveCases(Random r, DType d)
    {
        foreach (bool left in new[] { true, false })
            foreach (bool lower in new[] { true, false })
                foreach (bool trans in new[] { false, true })
                    foreach (bool unit in new[] { false, true })
                    {
                        var p = new TriangularSolveParams(left, lower, trans, unit);
                        yield return new($"{(left ? "left" : "right")}{(lower ? "-lower" : "-upper")}{(trans ? "-T" : "")}{(unit ? "-unit" : "")}",
                            [LinalgGen.Triangular(r, d, [], 3), Gen.Std(r, d, left ? [3, 2] : [2, 3])], p);
                    }

        yield return new("batched", [LinalgGen.Triangular(r, d, [2], 3), Gen.Std(r, d, [2, 3, 2])], new TriangularSolveParams(true, true, false, false));
        yield return new("zero-size-rhs", [LinalgGen.Triangular(r, d, [], 3), Gen.Std(r, d, [3, 0])], new TriangularSolveParams(true, false, false, false));
    }
}

/// <summary>Well-conditioned random matrices for the linear-algebra tests.</summary>
public static class LinalgGen
{
    /// <summary>Symmetric positive definite M·Mᵀ + n·I with M uniform in [−1, 1), batched over <paramref name="batch"/>.</summary>
    public static Tensor Spd(Random r, DType dtype, int[] batch, int n) => Build(r, dtype, batch, n, (m, v) =>
    {
        var sq = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = i == j ? n : 0;
                for (int k = 0; k < n; k++) s += m[(i * n) + k] * m[(j * n) + k];
                sq[(i * n) + j] = s;
            }

        sq.CopyTo(v, 0);
    });

    /// <summary>Full random matrices (both triangles, so masks are exercised) with diagonal ±[2, 3).</summary>
    public static Tensor Triangular(Random r, DType dtype, int[] batch, int n) => Build(r, dtype, batch, n, (m, v) =>
    {
        m.CopyTo(v, 0);
        for (int i = 0; i < n; i++) v[(i * n) + i] = (r.Next(2) == 0 ? -1 : 1) * (2 + r.NextDouble());
    });

    /// <summary>A random row permutation of a column-diagonally-dominant matrix (diagonal ±[n + 2, n + 3), off-diagonal in [−1, 1)).</summary>
    public static Tensor PivotStable(Random r, DType dtype, int[] batch, int n) => Build(r, dtype, batch, n, (m, v) =>
    {
        var perm = Enumerable.Range(0, n).OrderBy(_ => r.Next()).ToArray();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                v[(perm[i] * n) + j] = i == j ? (r.Next(2) == 0 ? -1 : 1) * (n + 2 + r.NextDouble()) : m[(i * n) + j];
    });

    /// <summary>Symmetric, diagonal 3i + [−½, ½) and off-diagonal in [−½, ½): eigenvalues separated by gaps ≥ 1 (Gershgorin), so eigenvectors are smooth.</summary>
    public static Tensor SpreadSymmetric(Random r, DType dtype, int[] batch, int n) => Build(r, dtype, batch, n, (m, v) =>
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                v[(i * n) + j] = v[(j * n) + i] = i == j ? (3 * i) + (m[(i * n) + j] / 2) : m[(i * n) + j] / (2 * n);
    });

    private static Tensor Build(Random r, DType dtype, int[] batch, int n, Action<double[], double[]> fill)
    {
        int count = batch.Aggregate(1, (a, b) => a * b);
        var values = new double[count * n * n];
        var m = new double[n * n];
        var v = new double[n * n];
        for (int b = 0; b < count; b++)
        {
            for (int i = 0; i < m.Length; i++) m[i] = (2 * r.NextDouble()) - 1;
            fill(m, v);
            v.CopyTo(values, b * n * n);
        }

        return Gen.FromDoubles(values, dtype, Shape.Of([.. batch, n, n]));
    }
}
