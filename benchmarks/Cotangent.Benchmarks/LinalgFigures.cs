using System.Diagnostics;
using System.Globalization;
using Cotangent.Runtime;

namespace Cotangent.Benchmarks;

/// <summary>
/// <c>--linalg-figures</c>: median wall time of the f64 Cholesky, Solve (LU + two triangular solves, one right-hand side)
/// and Eigh kernels at n = 128, 512, 1024. Managed only; <c>--linalg-vs-lapack</c> (benchmarks/linalg-vs-lapack.sh)
/// compares the same kernels with LAPACK.
/// </summary>
internal static class LinalgFigures
{
    /// <summary>Prints the table. Returns the process exit code.</summary>
    public static int Run()
    {
        Console.WriteLine($"GEMM tier {Gemm.BestIsa}; {Environment.ProcessorCount} logical CPUs; median of repeated runs, ms");
        foreach (int n in new[] { 128, 512, 1024 })
        {
            var r = new Random(n);
            var m = new double[n * n];
            for (int i = 0; i < m.Length; i++) m[i] = r.NextDouble() - 0.5;
            var spd = new double[n * n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) spd[(i * n) + j] = m[(i * n) + j] + m[(j * n) + i] + (i == j ? n : 0);
            var a = NDArray.Wrap(m, Shape.Of(n, n));
            var s = NDArray.Wrap(spd, Shape.Of(n, n));
            var b = NDArray.Wrap(Enumerable.Range(0, n).Select(i => (double)i).ToArray(), Shape.Of(n, 1));
            double chol = Median(() => Kernels.Cholesky(s));
            double solve = Median(() =>
            {
                var packed = Kernels.Lu(a);
                var lu = Kernels.Slice(packed, [0, 0], [n, n], [1, 1]);
                var y = Kernels.TriangularSolve(lu, b, left: true, lower: true, transposeA: false, unitDiagonal: true);
                Kernels.TriangularSolve(lu, y, left: true, lower: false, transposeA: false, unitDiagonal: false);
            });
            string eigh = Median(() => Kernels.Eigh(s), n <= 512 ? 5 : 3).ToString("F1", CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"n = {n,4}: cholesky {chol,8:F2}  solve {solve,8:F2}  eigh {eigh,8}"));
        }

        return 0;
    }

    private static double Median(Action f, int runs = 7)
    {
        f();
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            f();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static double Median(Func<NDArray> f, int runs = 7) => Median(() => { f(); }, runs);
}
