using static Cotangent.Np;

namespace Cotangent.Workloads;

/// <summary>The GMM parameters ADBench differentiates: α (K), μ (K×d) and icf (K × d(d+1)/2: d log-diagonal entries q, then the strict lower triangle l column by column).</summary>
public sealed record GmmParameters(Tensor Alphas, Tensor Means, Tensor Icf)
{
    /// <summary>The parameters flattened in ADBench's gradient order: α, then μ component-major, then icf component-major.</summary>
    public double[] ToFlat() => [.. Alphas.ToArray<double>(), .. Means.ToArray<double>(), .. Icf.ToArray<double>()];
}

/// <summary>A GMM instance: parameters, the data points x (n×d) and the Wishart prior (γ, m).</summary>
public sealed record GmmInstance(int D, int K, int N, GmmParameters Parameters, Tensor X, double Gamma, int M)
{
    /// <summary>
    /// Reads an ADBench GMM file (<c>d k n</c>, α, μ, icf, x, <c>γ m</c>). With <paramref name="replicatePoint"/>
    /// (ADBench's <c>-rep</c>, the 2.5M set) the file holds one point and it is used for all n.
    /// </summary>
    public static GmmInstance Load(string path, bool replicatePoint = false)
    {
        var r = new TokenReader(path);
        int d = r.NextInt(), k = r.NextInt(), n = r.NextInt();
        int icfSize = d * (d + 1) / 2;
        var alphas = Tensor.FromArray(r.NextDoubles(k), k);
        var means = Tensor.FromArray(r.NextDoubles(k * d), k, d);
        var icf = Tensor.FromArray(r.NextDoubles(k * icfSize), k, icfSize);
        double[] x;
        if (replicatePoint)
        {
            var point = r.NextDoubles(d);
            x = new double[n * d];
            for (int i = 0; i < n; i++) point.CopyTo(x, i * d);
        }
        else
        {
            x = r.NextDoubles(n * d);
        }
        double gamma = r.NextDouble();
        int m = r.NextInt();
        return new GmmInstance(d, k, n, new GmmParameters(alphas, means, icf), Tensor.FromArray(x, n, d), gamma, m);
    }
}

/// <summary>ADBench's GMM objective (log-likelihood plus its Wishart-prior block, reference notes §3.2) and its gradient by <see cref="Ad.Grad{T}(Func{T, Tensor})"/>.</summary>
public static class Gmm
{
    /// <summary>π as ADBench's code writes it (<c>defs.h</c>).</summary>
    public const double PiTilde = 3.14159265359;

    /// <summary>F(α, μ, icf) for the data and prior of <paramref name="instance"/>.</summary>
    public static Tensor Objective(GmmParameters p, GmmInstance instance)
    {
        int d = instance.D, k = instance.K, n = instance.N;
        double gamma = instance.Gamma, m = instance.M;
        var q = p.Icf[.., ..d];                                           // (K, d) log of Q's diagonal
        var l = p.Icf[.., d..];                                           // (K, d(d−1)/2) strict lower part
        var qMat = LowerTriangular(q, l, d);                              // Q_k, (K, d, d)

        var z = instance.X[NewAxis, .., ..] - p.Means[.., NewAxis, ..];   // z_ik = x_i − μ_k, (K, n, d)
        var y = MatMul(z, SwapAxes(qMat, 1, 2));                          // y_ik = Q_k z_ik
        var beta = p.Alphas[.., NewAxis] + Sum(q, 1, keepDims: true)      // β_ik = α_k + Σ_j q_kj − ½‖Q_k z_ik‖²
                   - 0.5 * Sum(Square(y), 2);

        var prior = 0.5 * gamma * gamma * (Sum(Square(Exp(q))) + Sum(Square(l))) - m * Sum(q);
        return -(n * d / 2.0) * Math.Log(2 * PiTilde)
               + Sum(LogSumExp(beta, 0))                                  // Σ_i lse_k β_ik
               - n * LogSumExp(p.Alphas)
               + prior
               - k * WishartConstant(d, gamma, m);
    }

    /// <summary>∇F over the parameter tree, by reverse mode.</summary>
    public static GmmParameters Gradient(GmmInstance instance) =>
        Ad.Grad<GmmParameters>(p => Objective(p, instance))(instance.Parameters);

    /// <summary><see cref="Objective"/> compiled with <see cref="Ad.Jit{TIn, TOut}(Func{TIn, TOut}, JitOptions?)"/> for this instance (its points become constants); call <c>Invoke(parameters)</c>.</summary>
    public static JitFunction<GmmParameters, Tensor> JitObjective(GmmInstance instance) =>
        Ad.Jit<GmmParameters, Tensor>(p => Objective(p, instance));

    /// <summary><c>Jit(Grad(F))</c> for this instance; call <c>Invoke(parameters)</c>.</summary>
    public static JitFunction<GmmParameters, GmmParameters> JitGradient(GmmInstance instance) =>
        Ad.Jit(Ad.Grad<GmmParameters>(p => Objective(p, instance)));

    /// <summary>Q_k = diag(exp q_k) + the strict lower triangle filled column by column from l_k.</summary>
    private static Tensor LowerTriangular(Tensor q, Tensor l, int d)
    {
        // index[r, c] = position of (r, c), r > c, in the column-by-column fill of l; the mask zeroes r ≤ c.
        var index = new int[d * d];
        var lower = new double[d * d];
        for (int c = 0, t = 0; c < d; c++)
            for (int r = c + 1; r < d; r++, t++)
            {
                index[r * d + c] = t;
                lower[r * d + c] = 1;
            }
        var strict = d == 1
            ? Zeros([q.Shape[0], 1, 1])
            : Take(l, Tensor.FromArray(index, d, d), axis: 1) * Tensor.FromArray(lower, d, d);
        return strict + Eye(d) * Exp(q)[.., NewAxis, ..];
    }

    /// <summary>C = N_w d (log γ − ½ log 2) − log Γ_d(N_w / 2), N_w = d + m + 1 (reference notes §3.2).</summary>
    private static double WishartConstant(int d, double gamma, double m)
    {
        double nw = d + m + 1;
        return nw * d * (Math.Log(gamma) - 0.5 * Math.Log(2)) - LogMultiGamma(0.5 * nw, d);
    }

    /// <summary>log Γ_d(a) = ¼ d(d−1) log π̃ + Σ_{j=1..d} log Γ(a + (1 − j)/2).</summary>
    private static double LogMultiGamma(double a, int d)
    {
        double sum = 0.25 * d * (d - 1) * Math.Log(PiTilde);
        for (int j = 1; j <= d; j++) sum += LogGammaHalfInteger(a + 0.5 * (1 - j));
        return sum;
    }

    /// <summary>log Γ(x) for x a positive multiple of ½, by Γ(x + 1) = x Γ(x) from Γ(1) = 1 or Γ(½) = √π.</summary>
    private static double LogGammaHalfInteger(double x)
    {
        double fraction = x - Math.Floor(x);
        if (x <= 0 || (fraction != 0 && fraction != 0.5)) throw new ArgumentOutOfRangeException(nameof(x), x, "Expected a positive multiple of ½.");
        double start = fraction == 0.5 ? 0.5 : 1;
        double sum = start == 0.5 ? 0.5 * Math.Log(Math.PI) : 0;
        for (double t = start; t < x - 0.25; t += 1) sum += Math.Log(t);
        return sum;
    }
}
