using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Cotangent.Runtime;

namespace Cotangent.Benchmarks;

/// <summary>
/// <c>--linalg-vs-lapack</c>: the f64 Cholesky, Solve (LU + two triangular solves, one right-hand side), Eigh (values and
/// vectors), QR (R and reduced Q) and SVD kernels against LAPACKE (Debian's liblapacke over OpenBLAS's LAPACK:
/// dpotrf, dgesv, dsyevd, dgeqrf + dorgqr, dgesdd) in one process, interleaved, same threads on both sides. Both sides
/// copy their input each call (LAPACK overwrites it; our kernels copy internally). LAPACK gets the column-major layout
/// of the same matrices, so LAPACKE does no transposition. Needs liblapacke.so.3 and libopenblas.so.0
/// (tools/install-lapack.sh). P/Invoke is confined to this tool; the library is pure managed.
/// </summary>
internal static unsafe partial class LinalgVsLapack
{
    private const int ColMajor = 102;
    private const string Lapacke = "liblapacke.so.3";

    [LibraryImport(Lapacke, EntryPoint = "LAPACKE_dpotrf")]
    private static partial int Dpotrf(int layout, byte uplo, int n, double* a, int lda);

    [LibraryImport(Lapacke, EntryPoint = "LAPACKE_dgesv")]
    private static partial int Dgesv(int layout, int n, int nrhs, double* a, int lda, int* ipiv, double* b, int ldb);

    [LibraryImport(Lapacke, EntryPoint = "LAPACKE_dsyevd")]
    private static partial int Dsyevd(int layout, byte jobz, byte uplo, int n, double* a, int lda, double* w);

    [LibraryImport(Lapacke, EntryPoint = "LAPACKE_dgeqrf")]
    private static partial int Dgeqrf(int layout, int m, int n, double* a, int lda, double* tau);

    [LibraryImport(Lapacke, EntryPoint = "LAPACKE_dorgqr")]
    private static partial int Dorgqr(int layout, int m, int n, int k, double* a, int lda, double* tau);

    [LibraryImport(Lapacke, EntryPoint = "LAPACKE_dgesdd")]
    private static partial int Dgesdd(int layout, byte jobz, int m, int n, double* a, int lda, double* s, double* u, int ldu, double* vt, int ldvt);

    /// <summary>Runs the comparison and prints a markdown table. Returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        int batches = 7, threads = 2;
        var sizes = new List<int> { 128, 512, 1024 };
        var ops = new List<string> { "cholesky", "solve", "eigh", "qr", "svd" };
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--batches" && i + 1 < args.Length) batches = int.Parse(args[++i], CultureInfo.InvariantCulture);
            if (args[i] == "--threads" && i + 1 < args.Length) threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
            if (args[i] == "--sizes" && i + 1 < args.Length) sizes = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
            if (args[i] == "--ops" && i + 1 < args.Length) ops = args[++i].Split(',').ToList();
        }

        Gemm.MaxThreads = threads;
        GemmVsOpenBlas.SetThreads(threads);
        Console.WriteLine($"{GemmVsOpenBlas.Describe()}; Cotangent GEMM tier {Gemm.BestIsa}; {threads} thread(s) each; .NET {Environment.Version}; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine($"Median (and best) ms per call over {batches} interleaved batches; ratio = ours / LAPACK (median).");
        Console.WriteLine();
        Console.WriteLine("| op | n | ours ms | LAPACK ms | ratio | ours best | LAPACK best | max rel diff |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int n in sizes)
        {
            foreach (string op in ops)
            {
                var r = Measure(op, n, batches, threads);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {op} | {n} | {r.Ours:F2} | {r.Lapack:F2} | {r.Ours / r.Lapack:F2} | {r.OursBest:F2} | {r.LapackBest:F2} | {(double.IsNaN(r.Diff) ? "—" : r.Diff.ToString("G2", CultureInfo.InvariantCulture))} |"));
            }
        }

        Gemm.MaxThreads = 2;
        return 0;
    }

    private static (double Ours, double Lapack, double OursBest, double LapackBest, double Diff) Measure(string op, int n, int batches, int threads)
    {
        var rng = new Random(n);
        var g = new double[n * n];
        for (int i = 0; i < g.Length; i++) g[i] = rng.NextDouble() - 0.5;
        // Symmetric positive definite for cholesky/eigh (G + Gᵀ + n·I); the general G for solve/qr/svd.
        var a = new double[n * n];
        bool symmetric = op is "cholesky" or "eigh";
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) a[(i * n) + j] = symmetric ? g[(i * n) + j] + g[(j * n) + i] + (i == j ? n : 0) : g[(i * n) + j];
        var colMajor = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) colMajor[(j * n) + i] = a[(i * n) + j];
        var rhs = new double[n];
        for (int i = 0; i < n; i++) rhs[i] = rng.NextDouble() - 0.5;
        var x = NDArray.Wrap(a, Shape.Of(n, n));
        var b = NDArray.Wrap((double[])rhs.Clone(), Shape.Of(n, 1));
        var work = new double[n * n];
        var u = new double[n * n];
        var vt = new double[n * n];
        var w = new double[n];
        var rhsWork = new double[n];
        var ipiv = new int[n];
        NDArray? oursOut = null;
        fixed (double* pw = work)
        fixed (double* pu = u)
        fixed (double* pvt = vt)
        fixed (double* pww = w)
        fixed (double* prhs = rhsWork)
        fixed (int* pip = ipiv)
        {
            double* cw = pw, cu = pu, cvt = pvt, cww = pww, crhs = prhs;
            int* cip = pip;
            void Ours()
            {
                switch (op)
                {
                    case "cholesky": oursOut = Kernels.Cholesky(x); break;
                    case "solve":
                        var packed = Kernels.Lu(x);
                        var lu = Kernels.Slice(packed, [0, 0], [n, n], [1, 1]);
                        var perm = Kernels.Slice(packed, [n, 0], [n + 1, n], [1, 1]);
                        var pb = new double[n];
                        for (int i = 0; i < n; i++) pb[i] = rhs[(int)perm.GetDouble(i)];
                        var y = Kernels.TriangularSolve(lu, NDArray.Wrap(pb, Shape.Of(n, 1)), left: true, lower: true, transposeA: false, unitDiagonal: true);
                        oursOut = Kernels.TriangularSolve(lu, y, left: true, lower: false, transposeA: false, unitDiagonal: false);
                        break;
                    case "eigh": oursOut = Kernels.Eigh(x); break;
                    case "qr": oursOut = Kernels.Qr(x, complete: false).R; break;
                    default: oursOut = Kernels.Svd(x).S; break;
                }
            }

            void Lapack()
            {
                colMajor.CopyTo(new Span<double>(cw, n * n));
                int info;
                switch (op)
                {
                    case "cholesky": info = Dpotrf(ColMajor, (byte)'U', n, cw, n); break; // column-major upper = row-major lower
                    case "solve":
                        rhs.CopyTo(new Span<double>(crhs, n));
                        info = Dgesv(ColMajor, n, 1, cw, n, cip, crhs, n);
                        break;
                    case "eigh": info = Dsyevd(ColMajor, (byte)'V', (byte)'U', n, cw, n, cww); break;
                    case "qr":
                        info = Dgeqrf(ColMajor, n, n, cw, n, cww);
                        if (info == 0) info = Dorgqr(ColMajor, n, n, n, cw, n, cww);
                        break;
                    default: info = Dgesdd(ColMajor, (byte)'S', n, n, cw, n, cww, cu, n, cvt, n); break;
                }

                if (info != 0) throw new InvalidOperationException($"LAPACK {op} returned info = {info}.");
            }

            // Time-based warm-up (tiered JIT, OpenBLAS thread start-up), alternating sides.
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed.TotalSeconds < 0.3)
            {
                Ours();
                Lapack();
            }

            var probe = Stopwatch.StartNew();
            int probeCalls = 0;
            while (probe.Elapsed.TotalSeconds < 0.05)
            {
                Ours();
                probeCalls++;
            }

            int reps = Math.Max(1, (int)(0.1 / (probe.Elapsed.TotalSeconds / probeCalls)));
            var (oursSeconds, lapackSeconds) = Interleaved.Run(Ours, Lapack, batches, reps, threads);
            var ours = oursSeconds.Select(t => t * 1e3).ToArray();
            var lapack = lapackSeconds.Select(t => t * 1e3).ToArray();

            Array.Sort(ours);
            Array.Sort(lapack);
            return (ours[batches / 2], lapack[batches / 2], ours[0], lapack[0], Difference(op, n, oursOut ?? throw new InvalidOperationException("no output"), work, rhsWork, w));
        }
    }

    /// <summary>Max relative difference of a gauge-free output: L, x, λ, |R|'s diagonal, or σ.</summary>
    private static double Difference(string op, int n, NDArray ours, double[] work, double[] rhs, double[] w)
    {
        double diff = 0, scale = 0;
        void Add(double mine, double theirs)
        {
            diff = Math.Max(diff, Math.Abs(mine - theirs));
            scale = Math.Max(scale, Math.Abs(theirs));
        }

        switch (op)
        {
            case "cholesky":
                for (int i = 0; i < n; i++)
                    for (int j = 0; j <= i; j++) Add(ours.GetDouble((i * n) + j), work[(i * n) + j]);
                break;
            case "solve":
                for (int i = 0; i < n; i++) Add(ours.GetDouble(i), rhs[i]);
                break;
            case "eigh":
                for (int i = 0; i < n; i++) Add(ours.GetDouble(i), w[i]);
                break;
            case "qr":
                // dorgqr overwrote LAPACK's R: nothing to compare (the tests check Q·R = A).
                return double.NaN;
            default:
                for (int i = 0; i < n; i++) Add(ours.GetDouble(i), w[i]);
                break;
        }

        return scale == 0 ? diff : diff / scale;
    }
}
