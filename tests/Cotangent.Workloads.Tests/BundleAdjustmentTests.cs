namespace Cotangent.Workloads.Tests;

public class BundleAdjustmentTests
{
    private const double Tolerance = 1e-8;

    [Theory]
    [InlineData("ba/test.txt", -0.269048849235189402, 0.259944792677901881)]
    [InlineData("ba/ba1_n49_m7776_p31843.txt", 0.101335837914461449, -0.0689677659244810615)]
    public void Objective_MatchesAdBenchsSanityValues(string file, double expected0, double expected1)
    {
        var ba = BaInstance.Load(AdBenchData.Require(file));
        var (reprojection, weight) = BundleAdjustment.Objective(ba);
        var r = reprojection.ToArray<double>();
        var w = weight.ToArray<double>();
        Assert.Equal(2 * ba.P, r.Length);
        for (int i = 0; i < ba.P; i++)
        {
            Assert.InRange(Rho.Of(r[2 * i], expected0), 0, Tolerance);
            Assert.InRange(Rho.Of(r[2 * i + 1], expected1), 0, Tolerance);
            Assert.InRange(Rho.Of(w[i], 0.826092651515999976), 0, Tolerance);
        }
    }

    [Fact]
    public void Jacobian_HasAdBenchsLayout()
    {
        var ba = BaInstance.Load(AdBenchData.Require("ba/test.txt"));
        var j = BundleAdjustment.Jacobian(ba);
        Assert.Equal((30, 62), (j.Rows, j.Columns));
        Assert.Equal(31 * ba.P, j.Values.Count);
        Assert.Equal(j.Values.Count, j.RowPointers[^1]);
        // Observation 3 sees camera 1 and point 3; its rows start at camera 1's columns, then point 3's, then w_3.
        Assert.Equal([11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22 + 9, 22 + 10, 22 + 11, 52 + 3],
            j.ColumnIndices.Skip(j.RowPointers[6]).Take(15));
        Assert.Equal(52 + 3, j.ColumnIndices[j.RowPointers[2 * ba.P + 3]]);
    }

    [Fact]
    public void BatchedBlocks_EqualJacFwdOfEachObservationsFunction()
    {
        var ba = BaInstance.Load(AdBenchData.Require("ba/test.txt"));
        var j = BundleAdjustment.Jacobian(ba);
        for (int i = 0; i < ba.P; i++)
        {
            var block = BundleAdjustment.ObservationBlock(ba, i).ToArray<double>();
            for (int row = 0; row < 2; row++)
                for (int c = 0; c < BundleAdjustment.BlockColumns; c++)
                    Assert.InRange(Rho.Of(j.Values[j.RowPointers[2 * i + row] + c], block[row * BundleAdjustment.BlockColumns + c]), 0, 1e-15);
        }
    }

    [Theory]
    [InlineData("ba/test.txt", 7)]
    [InlineData("ba/ba1_n49_m7776_p31843.txt", 31842)]
    public void ObservationBlock_MatchesCentralDifferences(string file, int i)
    {
        var ba = BaInstance.Load(AdBenchData.Require(file));
        var block = BundleAdjustment.ObservationBlock(ba, i).ToArray<double>();
        double[] packed = [.. ba.Cameras[ba.CameraOf[i]].ToArray<double>(), .. ba.Points[ba.PointOf[i]].ToArray<double>(), ba.Weights[i].ToDouble()];
        var feature = ba.Features[i];
        for (int row = 0; row < 2; row++)
            for (int c = 0; c < BundleAdjustment.BlockColumns; c++)
            {
                double F(double[] v) => BundleAdjustment.ReprojectionError(
                    Tensor.FromArray(v[..11], 11), Tensor.FromArray(v[11..14], 3), v[14], feature).ToArray<double>()[row];
                double fd = FiniteDifference.Partial(F, packed, c);
                double ad = block[row * BundleAdjustment.BlockColumns + c];
                Assert.True(Rho.Of(ad, fd) <= Tolerance, $"row {row} column {c}: AD {ad:R}, FD {fd:R}");
            }
    }

    [Fact]
    public void WeightRows_MatchCentralDifferences()
    {
        var ba = BaInstance.Load(AdBenchData.Require("ba/test.txt"));
        var j = BundleAdjustment.Jacobian(ba);
        for (int i = 0; i < ba.P; i++)
        {
            double fd = FiniteDifference.Partial(v => BundleAdjustment.WeightError(v[0]).ToDouble(), [ba.Weights[i].ToDouble()], 0);
            Assert.InRange(Rho.Of(j.Values[j.RowPointers[2 * ba.P + i]], fd), 0, Tolerance);
        }
    }
}
