using System.Globalization;

namespace Cotangent.Workloads.Tests;

public class HandTests
{
    private const double Tolerance = 1e-8;

    // ADBench's unit-test objective values (test/dotnet/modules/HandTests.cs, MIT licence); the Jacobians are in Published/.
    private static readonly double[] s_publishedSimpleObjective =
    [
        1.65193147941611551e-01, -1.74542769272742593e-01, 1.54751161622253441e-01,
        -1.25651749731793605e-01, -4.25102935355075040e-02, -1.30665781132340175e-01,
    ];

    private static readonly double[] s_publishedComplicatedObjective =
    [
        1.56187661696463698e-01, -1.49300526003322220e-01, 1.72238089826454832e-01,
        -9.88770451849596554e-02, -1.61238035462101248e-02, -1.97586768465579654e-01,
    ];

    [Fact]
    public void Loader_ReadsTheSmallModel()
    {
        var hand = HandInstance.Load(AdBenchData.Require("hand/test.txt"), complicated: false);
        var model = hand.Model;
        Assert.Equal(22, model.BoneCount);
        Assert.Equal(544, model.VertexCount);
        Assert.Equal(1084, model.Triangles.GetLength(0));
        Assert.Equal(["wrist", "thumb1"], model.BoneNames[..2]);
        Assert.Equal("forearm", model.BoneNames[21]);
        Assert.Equal(0, model.Parents[21]);
        Assert.Equal(-1, model.Parents[0]);
        // Every vertex's weights sum to 1, and its homogeneous coordinate is 1.
        var weightSums = Np.Sum(model.Weights, 0).ToArray<double>();
        Assert.All(weightSums, w => Assert.InRange(w, 1 - 1e-6, 1 + 1e-6));
        Assert.All(model.BasePositions[3].ToArray<double>(), x => Assert.Equal(1.0, x));
        // bones.txt is row-major: wrist's base_relative starts 0.9205…, −0.1684…; its second row starts −0.1115….
        Assert.Equal(-0.11152654886245728, model.BaseRelatives[0, 1, 0].ToDouble());
        Assert.Equal(26, hand.Theta.Shape[0]);
        Assert.Equal([309, 387], hand.Correspondences);
        Assert.Null(hand.Us);

        var complicated = HandInstance.Load(AdBenchData.Require("hand/complicated_small/hand1_t26_c100.txt"), complicated: true);
        Assert.Equal(100, complicated.N);
        Assert.Equal([100, 2], complicated.Us!.Shape.Dims);
    }

    [Fact]
    public void AngleAxisToRotationMatrix_RotatesByRodriguesVectorFormula_AndIsIdentityNearZero()
    {
        // R w = w cos θ + (v × w) sin θ + v (v · w)(1 − cos θ), θ = ‖a‖, v = a / θ, in plain doubles.
        double[] a = [0.3, -1.1, 0.7], w = [0.2, 0.5, -1.3];
        double angle = Math.Sqrt(a.Sum(x => x * x));
        var v = a.Select(x => x / angle).ToArray();
        double[] cross = [v[1] * w[2] - v[2] * w[1], v[2] * w[0] - v[0] * w[2], v[0] * w[1] - v[1] * w[0]];
        double dot = v[0] * w[0] + v[1] * w[1] + v[2] * w[2];
        var expected = Enumerable.Range(0, 3)
            .Select(i => w[i] * Math.Cos(angle) + cross[i] * Math.Sin(angle) + v[i] * dot * (1 - Math.Cos(angle))).ToArray();
        var r = Hand.AngleAxisToRotationMatrix(Tensor.FromArray(a, 3));
        Assert.InRange(Rho.Max(Np.MatMul(r, Tensor.FromArray(w, 3)).ToArray<double>(), expected), 0, 1e-15);
        Assert.Equal(Np.Eye(3).ToArray<double>(), Hand.AngleAxisToRotationMatrix(Tensor.FromArray([5e-5, 0, 0], 3)).ToArray<double>());
    }

    [Fact]
    public void EulerAnglesToRotationMatrix_IsTheProductOfTheElementaryRotations()
    {
        double[] tx = [0.3, -1.2, 2.5], ty = [0.0, 0.7, -0.4], tz = [-0.9, 0.1, 1.7];
        var r = Hand.EulerAnglesToRotationMatrix(Tensor.FromArray(tx, 3), Tensor.FromArray(ty, 3), Tensor.FromArray(tz, 3));
        Assert.Equal([3, 3, 3], r.Shape.Dims);
        for (int b = 0; b < 3; b++)
        {
            var (c, s) = (Math.Cos(tx[b]), Math.Sin(tx[b]));
            var rx = Tensor.FromArray([1, 0, 0, 0, c, -s, 0, s, c], 3, 3);
            (c, s) = (Math.Cos(ty[b]), Math.Sin(ty[b]));
            var ry = Tensor.FromArray([c, 0, s, 0, 1, 0, -s, 0, c], 3, 3);
            (c, s) = (Math.Cos(tz[b]), Math.Sin(tz[b]));
            var rz = Tensor.FromArray([c, -s, 0, s, c, 0, 0, 0, 1], 3, 3);
            var product = Np.MatMul(Np.MatMul(rz, ry), rx).ToArray<double>();
            Assert.InRange(Rho.Max(r[b].ToArray<double>(), product), 0, 1e-15);
        }
    }

    [Fact]
    public void SimpleTestInstance_ObjectiveAndJacobian_MatchAdBenchsPublishedValues()
    {
        var hand = HandInstance.Load(AdBenchData.Require("hand/test.txt"), complicated: false);
        var err = Hand.SimpleObjective(hand.Theta, hand).ToArray<double>();
        Assert.InRange(Rho.Max(err, s_publishedSimpleObjective), 0, Tolerance);
        var j = Hand.SimpleJacobian(hand);
        Assert.Equal([6, 26], j.Shape.Dims);
        Assert.InRange(Rho.Max(j.ToArray<double>(), Published("hand_test_jacobian.txt")), 0, Tolerance);
    }

    [Fact]
    public void ComplicatedTestInstance_ObjectiveAndJacobian_MatchAdBenchsPublishedValues()
    {
        var hand = HandInstance.Load(AdBenchData.Require("hand/hand_complicated.txt"), complicated: true);
        var err = Hand.ComplicatedObjective(hand.Theta, hand.Us!, hand).ToArray<double>();
        Assert.InRange(Rho.Max(err, s_publishedComplicatedObjective), 0, Tolerance);
        var j = Hand.ComplicatedJacobian(hand);
        Assert.Equal([6, 28], j.Shape.Dims);
        Assert.InRange(Rho.Max(j.ToArray<double>(), Published("hand_complicated_jacobian.txt")), 0, Tolerance);
    }

    [Theory]
    [InlineData("hand/test.txt")]
    [InlineData("hand/simple_small/hand1_t26_c100.txt")]
    public void SimpleJacobian_MatchesCentralDifferences(string file)
    {
        // Every θ column, all 3N rows (one stencil gives a whole column).
        var hand = HandInstance.Load(AdBenchData.Require(file), complicated: false);
        var j = Hand.SimpleJacobian(hand).ToArray<double>();
        Assert.Equal(3 * hand.N * Hand.ThetaCount, j.Length);
        var theta = hand.Theta.ToArray<double>();
        double[] F(double[] t) => Hand.SimpleObjective(Tensor.FromArray(t, Hand.ThetaCount), hand).ToArray<double>();
        for (int k = 0; k < Hand.ThetaCount; k++)
            AssertColumn(j, Hand.ThetaCount, k, FiniteDifference.PartialVector(F, theta, k), $"θ_{k}");
    }

    [Theory]
    [InlineData("hand/hand_complicated.txt", 1)]
    [InlineData("hand/complicated_small/hand1_t26_c100.txt", 7)]
    public void ComplicatedJacobian_MatchesCentralDifferences(string file, int stride)
    {
        var hand = HandInstance.Load(AdBenchData.Require(file), complicated: true);
        int n = hand.N, columns = 2 + Hand.ThetaCount;
        var j = Hand.ComplicatedJacobian(hand).ToArray<double>();
        Assert.Equal(3 * n * columns, j.Length);

        // θ columns 2..27: every column, all rows.
        var theta = hand.Theta.ToArray<double>();
        double[] OfTheta(double[] t) => Hand.ComplicatedObjective(Tensor.FromArray(t, Hand.ThetaCount), hand.Us!, hand).ToArray<double>();
        for (int k = 0; k < Hand.ThetaCount; k++)
            AssertColumn(j, columns, 2 + k, FiniteDifference.PartialVector(OfTheta, theta, k), $"θ_{k}");

        // u columns 0, 1: row 3i+r of column c is ∂err_{3i+r}/∂u_{i,c}; the other residuals must not move.
        var us = hand.Us!.ToArray<double>();
        double[] OfUs(double[] u) => Hand.ComplicatedObjective(hand.Theta, Tensor.FromArray(u, n, 2), hand).ToArray<double>();
        foreach (int i in FiniteDifference.Subset(n, stride))
            for (int c = 0; c < 2; c++)
            {
                var fd = FiniteDifference.PartialVector(OfUs, us, 2 * i + c);
                for (int row = 0; row < 3 * n; row++)
                {
                    if (row / 3 == i)
                        Assert.True(Rho.Of(j[row * columns + c], fd[row]) <= Tolerance, $"u_{i},{c} row {row}: AD {j[row * columns + c]:R}, FD {fd[row]:R}");
                    else
                        Assert.InRange(Math.Abs(fd[row]), 0, Tolerance);
                }
            }
    }

    [Theory]
    [InlineData("hand/simple_small/hand1_t26_c100.txt", false)]
    [InlineData("hand/complicated_small/hand1_t26_c100.txt", true)]
    public void WithReferencedVerticesOnly_KeepsResidualsAndJacobianOfTheFullModel(string file, bool complicated)
    {
        var hand = HandInstance.Load(AdBenchData.Require(file), complicated);
        var cut = hand.WithReferencedVerticesOnly();
        Assert.True(cut.Model.VertexCount < hand.Model.VertexCount);
        Tensor Residuals(HandInstance h, Tensor theta) =>
            complicated ? Hand.ComplicatedObjective(theta, hand.Us!, h) : Hand.SimpleObjective(theta, h);
        Assert.InRange(Rho.Max(Residuals(cut, hand.Theta).ToArray<double>(), Residuals(hand, hand.Theta).ToArray<double>()), 0, 1e-15);
        // ∂err/∂θ of the full model by JacFwd, against the θ columns of the Jacobian (computed on the cut model).
        var full = Ad.JacFwd(theta => Residuals(hand, theta))(hand.Theta).ToArray<double>();
        var j = complicated ? Hand.ComplicatedJacobian(hand)[.., 2..].ToArray<double>() : Hand.SimpleJacobian(hand).ToArray<double>();
        Assert.InRange(Rho.Max(j, full), 0, 1e-14);
    }

    [Theory]
    [InlineData("hand/test.txt", false)]
    [InlineData("hand/simple_small/hand1_t26_c100.txt", false)]
    [InlineData("hand/hand_complicated.txt", true)]
    [InlineData("hand/complicated_small/hand1_t26_c100.txt", true)]
    public void JitObjectiveAndJacobian_EqualEager(string file, bool complicated)
    {
        // The compiled functions run first, on a freshly loaded instance: nothing eager has filled the model's caches yet.
        var hand = HandInstance.Load(AdBenchData.Require(file), complicated);
        double[] eagerF, jitF, eagerJ;
        Func<double[]> jitJ;
        if (complicated)
        {
            var at = (hand.Theta, hand.Us!);
            var jacobian = Hand.JitComplicatedJacobian(hand);
            jitF = Hand.JitComplicatedObjective(hand).Invoke(at).ToArray<double>();
            jitJ = () => jacobian.Invoke(at).ToArray<double>();
            _ = jitJ();
            eagerF = Hand.ComplicatedObjective(hand.Theta, hand.Us!, hand).ToArray<double>();
            eagerJ = Hand.ComplicatedJacobian(hand).ToArray<double>();
        }
        else
        {
            var jacobian = Hand.JitSimpleJacobian(hand);
            jitF = Hand.JitSimpleObjective(hand).Invoke(hand.Theta).ToArray<double>();
            jitJ = () => jacobian.Invoke(hand.Theta).ToArray<double>();
            _ = jitJ();
            eagerF = Hand.SimpleObjective(hand.Theta, hand).ToArray<double>();
            eagerJ = Hand.SimpleJacobian(hand).ToArray<double>();
        }
        Assert.InRange(Relative.Max(jitF, eagerF), 0, 1e-12);
        Assert.InRange(Relative.Max(jitJ(), eagerJ), 0, 1e-12);
        Assert.InRange(Relative.Max(jitJ(), eagerJ), 0, 1e-12);   // second call: cached program, recycled buffers
    }

    private static void AssertColumn(double[] j, int columns, int column, double[] fd, string name)
    {
        for (int row = 0; row < fd.Length; row++)
        {
            double ad = j[row * columns + column];
            Assert.True(Rho.Of(ad, fd[row]) <= Tolerance, $"{name}, row {row}: AD {ad:R}, FD {fd[row]:R}");
        }
    }

    private static double[] Published(string file) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Published", file))
            .Split(['\t', '\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries)
            .Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
}
