using System.Globalization;

namespace Cotangent.Workloads.Tests;

public class LstmTests
{
    private const double Tolerance = 1e-8;

    private static readonly Lazy<LstmInstance> s_l2c1024 = new(() => LstmInstance.Load(AdBenchData.Require("lstm/lstm_l2_c1024.txt")));
    private static readonly Lazy<double[]> s_gradient = new(() => LstmModel.Gradient(s_l2c1024.Value).ToFlat());

    [Fact]
    public void Objective_MatchesAdBenchsPublishedValue()
    {
        var lstm = s_l2c1024.Value;
        Assert.InRange(Rho.Of(LstmModel.Objective(lstm.Parameters, lstm).ToDouble(), 0.666665179558852183), 0, Tolerance);
    }

    [Fact]
    public void Gradient_MatchesAdBenchsPublishedValues()
    {
        var published = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Published", "lstm_l2_c1024_gradient.txt"))
            .Select(line => double.Parse(line, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(266, published.Length);
        Assert.InRange(Rho.Max(s_gradient.Value, published), 0, Tolerance);
    }

    [Fact]
    public void Gradient_MatchesCentralDifferences()
    {
        // The first 64 characters of l2_c1024 (the published values above cover the full sequence).
        var full = s_l2c1024.Value;
        var lstm = full with { CharCount = 64, Sequence = full.Sequence[..64] };
        var gradient = LstmModel.Gradient(lstm).ToFlat();
        var flat = lstm.Parameters.ToFlat();
        int mainSize = 8 * lstm.Layers * lstm.Bits;
        double F(double[] v) => LstmModel.Objective(new LstmParameters(
            Tensor.FromArray(v[..mainSize], lstm.Layers, 2, 4, lstm.Bits),
            Tensor.FromArray(v[mainSize..], 3, lstm.Bits)), lstm).ToDouble();
        foreach (int i in FiniteDifference.Subset(flat.Length, 19))
            Assert.True(Rho.Of(gradient[i], FiniteDifference.Partial(F, flat, i)) <= Tolerance, $"entry {i}");
    }

    [Fact]
    public void JitObjectiveAndGradient_EqualEager()
    {
        var full = s_l2c1024.Value;
        foreach (var lstm in new[] { full with { CharCount = 64, Sequence = full.Sequence[..64] }, full })
        {
            double eager = LstmModel.Objective(lstm.Parameters, lstm).ToDouble();
            double jitted = LstmModel.JitObjective(lstm).Invoke(lstm.Parameters).ToDouble();
            Assert.InRange(Relative.Max([eager], [jitted]), 0, 1e-12);
            var gradient = LstmModel.JitGradient(lstm);
            var expected = LstmModel.Gradient(lstm).ToFlat();
            Assert.InRange(Relative.Max(gradient.Invoke(lstm.Parameters).ToFlat(), expected), 0, 1e-12);
            Assert.InRange(Relative.Max(gradient.Invoke(lstm.Parameters).ToFlat(), expected), 0, 1e-12);   // second call: cached program, recycled buffers
        }
    }
}
