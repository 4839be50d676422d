using static Cotangent.Np;

namespace Cotangent.Workloads;

/// <summary>
/// ADBench's bundle-adjustment residuals (reference notes §4.2) and their sparse Jacobian. Every function works on
/// one observation (rank-1 arguments: camera (11), point (3), weight (), feature (2)) or on p of them laid out
/// component-major (camera (11, p), point (3, p), weight (p), feature (2, p)), column by column.
/// </summary>
public static class BundleAdjustment
{
    /// <summary>Observation i's block has 15 columns: its camera (11), its point (3) and its weight (1).</summary>
    public const int BlockColumns = 15;

    /// <summary>reproj_err = w · (proj(cam, X) − feature), 2 numbers per observation.</summary>
    public static Tensor ReprojectionError(Tensor camera, Tensor point, Tensor weight, Tensor feature)
    {
        var r = camera[..3];
        var centre = camera[3..6];
        var focal = camera[6..7];
        var principal = camera[7..9];
        var (k1, k2) = (camera[9..10], camera[10..11]);

        var xc = Rodrigues(r, point - centre);
        var u = xc[..2] / xc[2..3];                                        // p2e
        var s = Sum(Square(u), 0, keepDims: true);
        var distortion = 1 + k1 * s + k2 * s * s;                          // L = 1 + k1 s + k2 s²
        var projection = focal * distortion * u + principal;
        return weight[NewAxis] * (projection - feature);
    }

    /// <summary>ADBench's weight regulariser w_err = 1 − w².</summary>
    public static Tensor WeightError(Tensor weight) => 1 - weight * weight;

    /// <summary>Both residuals for every observation: reproj_err (p×2, observation-major as ADBench writes it) and w_err (p).</summary>
    public static (Tensor Reprojection, Tensor Weight) Objective(BaInstance ba) =>
        (Transpose(ReprojectionError(CameraColumns(ba), PointColumns(ba), ba.Weights, FeatureColumns(ba))), WeightError(ba.Weights));

    /// <summary>
    /// The 3p × (11n + 3m + p) Jacobian. Observation i's residual depends only on its own (camera, point, weight),
    /// packed as column i of a 15×p matrix. Reverse mode pulls the 2 basis cotangents (all of residual row 0, all of
    /// row 1) back through one linearization of all observations, which gives every observation's 2×15 block at
    /// once (JacRev with columns independent: 2 transposed passes instead of 15 forward ones).
    /// The weight rows' diagonal is the gradient of Σ_i w_err_i.
    /// </summary>
    public static BaSparseJacobian Jacobian(BaInstance ba)
    {
        var linear = LinearizeObservations(ba);
        var blockRows = new double[2][];
        for (int row = 0; row < 2; row++) blockRows[row] = BlockRow(linear, ba.P, row);
        return Assemble(ba, blockRows, WeightDiagonal(ba));
    }

    /// <summary>The first step of <see cref="Jacobian"/>: one linearization of all observations' reprojection errors, as a function of the packed (15, p) columns (camera, point, weight) of every observation.</summary>
    public static Linear<Tensor, Tensor> LinearizeObservations(BaInstance ba)
    {
        var packed = Concatenate([CameraColumns(ba), PointColumns(ba), ba.Weights[NewAxis]], 0);
        var features = FeatureColumns(ba);
        return Ad.Linearize<Tensor, Tensor>(v => ReprojectionError(v[..11], v[11..14], v[14], features), packed).Linear;
    }

    /// <summary>The second step of <see cref="Jacobian"/>: ∂reproj_row,i / ∂packed_·i for every observation i, (15, p) flattened, by one transposed pass.</summary>
    public static double[] BlockRow(Linear<Tensor, Tensor> observations, int p, int row) =>
        observations.ApplyTranspose(Seed(p, row)).ToArray<double>();

    /// <summary>The third step of <see cref="Jacobian"/>: the weight rows' diagonal, ∇ Σ_i w_err_i.</summary>
    public static double[] WeightDiagonal(BaInstance ba) => Ad.Grad<Tensor>(w => Sum(WeightError(w)))(ba.Weights).ToArray<double>();

    /// <summary>The 2×15 block of one observation by <see cref="Ad.JacFwd"/> on its own function (for checking the batched path).</summary>
    public static Tensor ObservationBlock(BaInstance ba, int i)
    {
        var feature = ba.Features[i];
        var packed = Concatenate([ba.Cameras[ba.CameraOf[i]], ba.Points[ba.PointOf[i]], ba.Weights[i..(i + 1)]], 0);
        return Ad.JacFwd(v => ReprojectionError(v[..11], v[11..14], v[14], feature))(packed);
    }

    private static Tensor CameraColumns(BaInstance ba) => Take(Transpose(ba.Cameras), Tensor.FromArray(ba.CameraOf, ba.P), axis: 1);

    private static Tensor PointColumns(BaInstance ba) => Take(Transpose(ba.Points), Tensor.FromArray(ba.PointOf, ba.P), axis: 1);

    private static Tensor FeatureColumns(BaInstance ba) => Transpose(ba.Features);

    /// <summary>The cotangent (2, p) that is 1 on residual row <paramref name="row"/> of every observation.</summary>
    private static Tensor Seed(int p, int row)
    {
        var seed = new double[2 * p];
        System.Array.Fill(seed, 1, row * p, p);
        return Tensor.FromArray(seed, 2, p);
    }
    /// <summary>Scatters the blocks into CSR: rows 2i, 2i+1 hold columns 11·cam + 0..10, 11n + 3·pt + 0..2, 11n + 3m + i; row 2p + i holds 11n + 3m + i.</summary>
    private static BaSparseJacobian Assemble(BaInstance ba, double[][] blockRows, double[] weightDiagonal)
    {
        int n = ba.N, m = ba.M, p = ba.P;
        int nnz = 2 * BlockColumns * p + p;
        var rowPointers = new int[3 * p + 1];
        var columns = new int[nnz];
        var values = new double[nnz];
        int e = 0;
        for (int i = 0; i < p; i++)
            for (int row = 0; row < 2; row++)
            {
                rowPointers[2 * i + row] = e;
                for (int j = 0; j < BlockColumns; j++, e++)
                {
                    columns[e] = j < 11 ? 11 * ba.CameraOf[i] + j
                               : j < 14 ? 11 * n + 3 * ba.PointOf[i] + (j - 11)
                               : 11 * n + 3 * m + i;
                    values[e] = blockRows[row][j * p + i];
                }
            }
        for (int i = 0; i < p; i++, e++)
        {
            rowPointers[2 * p + i] = e;
            columns[e] = 11 * n + 3 * m + i;
            values[e] = weightDiagonal[i];
        }
        rowPointers[3 * p] = e;
        return new BaSparseJacobian(3 * p, 11 * n + 3 * m + p, rowPointers, columns, values);
    }

    /// <summary>Rodrigues' rotation of Xo by the angle-axis r; when θ² = r·r is exactly 0, the first-order Xo + r × Xo.</summary>
    private static Tensor Rodrigues(Tensor r, Tensor xo)
    {
        var theta2 = Sum(r * r, 0, keepDims: true);
        var nonzero = NotEqual(theta2, 0);
        var theta = Sqrt(Where(nonzero, theta2, 1.0));                    // θ, kept away from √0 on the other branch
        var v = r / theta;
        var (cos, sin) = (Cos(theta), Sin(theta));
        var rotated = xo * cos + Cross(v, xo) * sin + v * Sum(v * xo, 0, keepDims: true) * (1 - cos);
        return Where(nonzero, rotated, xo + Cross(r, xo));
    }

    /// <summary>a × b along the first axis.</summary>
    private static Tensor Cross(Tensor a, Tensor b)
    {
        var (a0, a1, a2) = (a[0], a[1], a[2]);
        var (b0, b1, b2) = (b[0], b[1], b[2]);
        return Stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], 0);
    }
}
