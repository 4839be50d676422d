using Cotangent.Runtime;

namespace Cotangent.Tests.Api;

/// <summary>Optimizers against steps computed by hand, schedules against their formulas, and Adam against a plain-loop reference trajectory.</summary>
public class OptimTests
{
    private static double[] Step(GradientTransformation opt, ref OptimizerState<Tensor> state, Tensor grads, Tensor parameters)
    {
        (var updates, state) = opt.Update(grads, state, parameters);
        return updates.ToArray<double>();
    }

    private static void Near(double[] expected, double[] actual, double tol = 1e-12)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"[{i}]: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void Sgd_PlainMomentumAndNesterov_MatchHandComputedSteps()
    {
        var p = Np.Array(0.0, 0.0);
        var plain = Optim.Sgd(0.1);
        var s = plain.Init(p);
        Near([-0.1, -0.2], Step(plain, ref s, Np.Array(1.0, 2.0), p));
        Assert.Equal(1, s.Step);

        var heavy = Optim.Sgd(0.1, momentum: 0.9);
        s = heavy.Init(p);
        Near([-0.1, -0.2], Step(heavy, ref s, Np.Array(1.0, 2.0), p));
        Near([-0.19, -0.28], Step(heavy, ref s, Np.Array(1.0, 1.0), p));   // m = g + 0.9·[1, 2]

        var nesterov = Optim.Sgd(0.1, momentum: 0.9, nesterov: true);
        s = nesterov.Init(p);
        Near([-0.19, -0.38], Step(nesterov, ref s, Np.Array(1.0, 2.0), p));   // g + 0.9·m, m = g
    }

    [Fact]
    public void Adam_FirstTwoSteps_MatchHandComputedValues()
    {
        var p = Np.Array(0.0, 0.0);
        var adam = Optim.Adam(0.1);
        var s = adam.Init(p);
        Assert.Equal(2, s.Moments.Length);
        // Step 1: bias correction makes m̂ = g, v̂ = g², so the update is −lr·g/(|g| + ε).
        Near([-0.1 / (1 + 1e-8), 0.1 * 2 / (2 + 1e-8)], Step(adam, ref s, Np.Array(1.0, -2.0), p));
        // Step 2 with g = [2, 0].
        double[] m = [(0.9 * 0.1) + (0.1 * 2), 0.9 * -0.2];
        double[] v = [(0.999 * 0.001) + (0.001 * 4), 0.999 * 0.004];
        double c1 = 1 - (0.9 * 0.9), c2 = 1 - (0.999 * 0.999);
        var expected = m.Select((mi, i) => -0.1 * (mi / c1) / (Math.Sqrt(v[i] / c2) + 1e-8)).ToArray();
        Near(expected, Step(adam, ref s, Np.Array(2.0, 0.0), p));
        Near([0.29, -0.18], s.Moments[0].ToArray<double>());
    }

    [Fact]
    public void AdamW_AddsDecoupledWeightDecay()
    {
        var p = Np.Array(1.0, -3.0);
        var opt = Optim.AdamW(0.1, weightDecay: 0.5);
        var s = opt.Init(p);
        Near([-0.1 * ((1 / (1 + 1e-8)) + 0.5), -0.1 * ((-1 * 2 / (2 + 1e-8)) - 1.5)], Step(opt, ref s, Np.Array(1.0, -2.0), p));
    }

    [Fact]
    public void RmsProp_MatchesHandComputedSteps()
    {
        var p = Np.Array(0.0);
        var opt = Optim.RmsProp(0.01, decay: 0.9);
        var s = opt.Init(p);
        Near([-0.01 * 2 / (Math.Sqrt(0.1 * 4) + 1e-8)], Step(opt, ref s, Np.Array(2.0), p));
        double v = (0.9 * 0.4) + (0.1 * 1);
        Near([-0.01 * 1 / (Math.Sqrt(v) + 1e-8)], Step(opt, ref s, Np.Array(1.0), p));
    }

    [Fact]
    public void ClipByGlobalNorm_ScalesTheWholeTreeOnlyWhenTooLong()
    {
        var grads = (Np.Array(3.0), Np.Array(4.0));
        var clip = Optim.ClipByGlobalNorm(1.0);
        var s = clip.Init(grads);
        var (u, _) = clip.Update(grads, s, grads);
        Assert.Equal(0.6, u.Item1.ToDouble(), 15);
        Assert.Equal(0.8, u.Item2.ToDouble(), 15);
        var (same, _) = Optim.ClipByGlobalNorm(10).Update(grads, s, grads);
        Assert.Equal(3.0, same.Item1.ToDouble());
        var zeros = Tree.ZerosLike(grads);
        Assert.Equal(0.0, Optim.ClipByGlobalNorm(1).Update(zeros, s, zeros).Updates.Item2.ToDouble());
    }

    [Fact]
    public void Chain_ClipsThenSteps_AndKeepsFloat32()
    {
        var p = Np.AsType(Np.Array(0.0, 0.0), DType.Float32);
        var opt = Optim.Chain(Optim.ClipByGlobalNorm(1.0), Optim.Sgd(0.5));
        var s = opt.Init(p);
        var (u, _) = opt.Update(Np.AsType(Np.Array(3.0, 4.0), DType.Float32), s, p);
        Assert.Equal(DType.Float32, u.DType);
        Assert.Equal(new[] { -0.3f, -0.4f }, u.ToArray<float>());
    }

    [Fact]
    public void Update_WithAnotherOptimizersState_IsAnArgumentError()
    {
        var p = Np.Array(1.0);
        var s = Optim.Sgd(0.1).Init(p);
        Assert.Throws<ArgumentException>(() => Optim.Adam(0.1).Update(p, s, p));
    }

    [Fact]
    public void Schedules_FollowTheirFormulas()
    {
        var cos = Schedule.CosineDecay(1.0, 100, alpha: 0.1);
        Assert.Equal(1.0, cos[0], 15);
        Assert.Equal(0.55, cos[50], 15);
        Assert.Equal(0.1, cos[100], 15);
        Assert.Equal(0.1, cos[1000], 15);
        var warm = Schedule.WarmupCosineDecay(2.0, 10, 110);
        Assert.Equal(0.0, warm[0]);
        Assert.Equal(1.0, warm[5], 15);
        Assert.Equal(2.0, warm[10], 15);
        Assert.Equal(1.0, warm[60], 15);
        Assert.Equal(0.0, warm[110], 15);
        var exp = Schedule.ExponentialDecay(1.0, 0.5, 10);
        Assert.Equal(Math.Pow(0.5, 0.5), exp[5], 15);
        Assert.Equal(1.0, Schedule.ExponentialDecay(1.0, 0.5, 10, staircase: true)[9]);
        Assert.Equal(0.5, Schedule.Linear(1.0, 0.0, 10)[5], 15);
        Assert.Equal(0.0, Schedule.Linear(1.0, 0.0, 10)[20]);
        Schedule constant = 0.25;
        Assert.Equal(0.25, constant[12345]);
    }

    [Fact]
    public void ScheduledLearningRate_IsReadAtTheStepCount()
    {
        var p = Np.Array(0.0);
        var opt = Optim.Sgd(new Schedule(step => step + 1.0));
        var s = opt.Init(p);
        Near([-1.0], Step(opt, ref s, Np.Array(1.0), p));
        Near([-2.0], Step(opt, ref s, Np.Array(1.0), p));
        Near([-3.0], Step(opt, ref s, Np.Array(1.0), p));
    }

    [Fact]
    public void Adam_OnARecordTree_FollowsAPlainLoopReferenceTrajectory()
    {
        // f(p) = Σ (W − 3)² + Σ (B + 1)⁴, minimized by Adam through the tree API and by a scalar loop with the same
        // formulas; the trajectories agree to rounding at every step.
        var parameters = new TreeParams(Np.Array(0.0, 1.0), Np.Array(2.0));
        Func<TreeParams, Tensor> loss = p => Np.Sum(Np.Square(p.W - 3.0)) + Np.Sum(Np.Power(p.B + 1.0, 4));
        var opt = Optim.Adam(0.05);
        var state = opt.Init(parameters);
        double initial = loss(parameters).ToDouble();

        double[] x = [0, 1, 2], m = new double[3], v = new double[3];
        for (int t = 1; t <= 300; t++)
        {
            (var updates, state) = opt.Update(Ad.Grad(loss)(parameters), state, parameters);
            parameters = Optim.ApplyUpdates(parameters, updates);
            for (int i = 0; i < 3; i++)
            {
                double g = i < 2 ? 2 * (x[i] - 3) : 4 * Math.Pow(x[i] + 1, 3);
                m[i] = (0.9 * m[i]) + (0.1 * g);
                v[i] = (0.999 * v[i]) + (0.001 * g * g);
                x[i] -= 0.05 * (m[i] / (1 - Math.Pow(0.9, t))) / (Math.Sqrt(v[i] / (1 - Math.Pow(0.999, t))) + 1e-8);
            }

            Near(x, [.. parameters.W.ToArray<double>(), .. parameters.B.ToArray<double>()], 1e-9);
        }

        // The quartic term converges slowly; the loss still falls by more than 1000× (94 → ~0.04).
        Assert.True(loss(parameters).ToDouble() < 1e-3 * initial, $"loss {loss(parameters)} from {initial}");
        Assert.Equal(300, state.Step);
    }

    private sealed record TreeParams(Tensor W, Tensor B);
}
