namespace Cotangent.Workloads.Tests;

public class GmmTests
{
    private const double Tolerance = 1e-8;

    // ADBench's unit-test values for gmm/test.txt (test/dotnet/modules/GMMTests.cs, MIT licence).
    private static readonly double[] s_publishedTestGradient =
    [
        1.08662855508652456e-01, -7.41270039523898472e-01, 6.32607184015246071e-01, 1.11692576532787013e+00,
        1.63333013551455269e-01, -2.19989824071193142e-02, 2.27778292254236098e-01, 1.20963025612832187e+00,
        -6.06375920733956339e-02, 2.58529994051162237e+00, 1.12632694524213789e-01, 3.85744309849611777e-01,
        7.35180573182305508e-02, 5.41836362715595232e+00, -3.21494409677446469e-01, 1.71892309775004937e+00,
        8.60091090790866875e-01, -9.94640930466322848e-01,
    ];

    [Fact]
    public void TestInstance_ObjectiveAndGradient_MatchAdBenchsPublishedValues()
    {
        var gmm = GmmInstance.Load(AdBenchData.Require("gmm/test.txt"));
        Assert.InRange(Rho.Of(Gmm.Objective(gmm.Parameters, gmm).ToDouble(), 8.07380408004975791), 0, Tolerance);
        Assert.InRange(Rho.Max(Gmm.Gradient(gmm).ToFlat(), s_publishedTestGradient), 0, Tolerance);
    }

    [Theory]
    [InlineData("gmm/1k/gmm_d2_K5.txt", -5240.590562549647)]
    [InlineData("gmm/1k/gmm_d10_K25.txt", -25649.65262119762)]
    public void Objective_MatchesAdBenchsSanityValues(string file, double expected)
    {
        var gmm = GmmInstance.Load(AdBenchData.Require(file));
        Assert.InRange(Rho.Of(Gmm.Objective(gmm.Parameters, gmm).ToDouble(), expected), 0, Tolerance);
    }

    [Theory]
    [InlineData("gmm/test.txt", 1)]
    [InlineData("gmm/1k/gmm_d2_K5.txt", 1)]
    [InlineData("gmm/1k/gmm_d10_K25.txt", 83)]
    public void Gradient_MatchesCentralDifferences(string file, int stride)
    {
        // The first 100 points of each file (the sanity values above cover all of them).
        var loaded = GmmInstance.Load(AdBenchData.Require(file));
        var gmm = loaded.N <= 100 ? loaded : loaded with { N = 100, X = loaded.X[..100] };
        var flat = gmm.Parameters.ToFlat();
        var gradient = Gmm.Gradient(gmm).ToFlat();
        Assert.Equal(gmm.K * (gmm.D + 1) * (gmm.D + 2) / 2, gradient.Length);
        double F(double[] v) => Gmm.Objective(FromFlat(v, gmm), gmm).ToDouble();
        foreach (int i in FiniteDifference.Subset(flat.Length, stride))
            Assert.True(Rho.Of(gradient[i], FiniteDifference.Partial(F, flat, i)) <= Tolerance,
                $"entry {i}: AD {gradient[i]:R}, FD {FiniteDifference.Partial(F, flat, i):R}");
    }

    [Theory]
    [InlineData("gmm/test.txt")]
    [InlineData("gmm/1k/gmm_d2_K5.txt")]
    [InlineData("gmm/1k/gmm_d10_K25.txt")]
    public void JitObjectiveAndGradient_EqualEager(string file)
    {
        var gmm = GmmInstance.Load(AdBenchData.Require(file));
        var (objective, gradient) = (Gmm.JitObjective(gmm), Gmm.JitGradient(gmm));
        double jitted = objective.Invoke(gmm.Parameters).ToDouble();
        var jittedGradient = gradient.Invoke(gmm.Parameters).ToFlat();
        Assert.InRange(Relative.Max([jitted], [Gmm.Objective(gmm.Parameters, gmm).ToDouble()]), 0, 1e-12);
        var expected = Gmm.Gradient(gmm).ToFlat();
        Assert.InRange(Relative.Max(jittedGradient, expected), 0, 1e-12);
        Assert.InRange(Relative.Max(gradient.Invoke(gmm.Parameters).ToFlat(), expected), 0, 1e-12);   // second call: cached program, recycled buffers
    }

    private static GmmParameters FromFlat(double[] v, GmmInstance gmm)
    {
        int k = gmm.K, d = gmm.D, icf = d * (d + 1) / 2;
        return new GmmParameters(
            Tensor.FromArray(v[..k], k),
            Tensor.FromArray(v[k..(k + k * d)], k, d),
            Tensor.FromArray(v[(k + k * d)..], k, icf));
    }
}
