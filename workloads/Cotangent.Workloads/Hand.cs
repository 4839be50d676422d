using static Cotangent.Np;

namespace Cotangent.Workloads;

/// <summary>
/// ADBench's hand-tracking objective (reference notes §5.3, ADBench's <c>hand_light_matrix.h</c>) and its Jacobians
/// (§5.4). Function names follow the reference; matrices are laid out as there: pose parameters P are 3×(B+3), one
/// column per pose vector, and vertex positions are 3×M, one column per vertex.
/// </summary>
public static class Hand
{
    /// <summary>Number of pose parameters θ: 3 global rotation, 3 global translation, 4 per finger × 5.</summary>
    public const int ThetaCount = 26;

    /// <summary>
    /// R = Rodrigues(a) for the angle-axis a (3): with n = ‖a‖, (x, y, z) = a / n, s = sin n, c = cos n,
    /// R = [[x² + (1−x²)c, xy(1−c) − zs, xz(1−c) + ys], [xy(1−c) + zs, y² + (1−y²)c, yz(1−c) − xs],
    ///      [xz(1−c) − ys, zy(1−c) + xs, z² + (1−z²)c]],
    /// which is c·I + (1−c)·v vᵀ + s·[v]× with v = (x, y, z). R = I when n &lt; 10⁻⁴ (a flat branch: derivative 0 there).
    /// </summary>
    public static Tensor AngleAxisToRotationMatrix(Tensor angleAxis)
    {
        var norm = Sqrt(Sum(Square(angleAxis)));
        var small = Less(norm, 1e-4);
        var v = angleAxis / Where(small, 1.0, norm);                        // (x, y, z), kept finite on the identity branch
        var (s, c) = (Sin(norm), Cos(norm));
        var rotation = c * Eye(3) + (1 - c) * Outer(v, v) + s * CrossMatrix(v);
        return Where(small, Eye(3), rotation);
    }

    /// <summary>
    /// R = Rz(tz)·Ry(ty)·Rx(tx) for each of B bones (each argument has shape (B)), with the right-handed elementary
    /// rotations Rx = [[1,0,0],[0,c,−s],[0,s,c]], Ry = [[c,0,s],[0,1,0],[−s,0,c]], Rz = [[c,−s,0],[s,c,0],[0,0,1]]. Shape (B, 3, 3).
    /// </summary>
    public static Tensor EulerAnglesToRotationMatrix(Tensor tx, Tensor ty, Tensor tz)
    {
        var (zero, one) = (ZerosLike(tx), OnesLike(tx));
        var (cx, sx) = (Cos(tx), Sin(tx));
        var (cy, sy) = (Cos(ty), Sin(ty));
        var (cz, sz) = (Cos(tz), Sin(tz));
        var rx = Matrix3(one, zero, zero,
                         zero, cx, -sx,
                         zero, sx, cx);
        var ry = Matrix3(cy, zero, sy,
                         zero, one, zero,
                         -sy, zero, cy);
        var rz = Matrix3(cz, -sz, zero,
                         sz, cz, zero,
                         zero, zero, one);
        return MatMul(MatMul(rz, ry), rx);
    }

    /// <summary>
    /// The 3×(B+3) pose parameters P from θ (ADBench's <c>to_pose_params</c>): P[:,0] = θ[0..2] (global rotation),
    /// P[:,1] = (1, 1, 1) (scale), P[:,2] = θ[3..5] (global translation), and column 3+b holds bone b's angles; for finger
    /// f = 0..4, bone 2+4f gets (θ[t], θ[t+1], 0), bone 3+4f (θ[t+2], 0, 0) and bone 4+4f (θ[t+3], 0, 0), with t running
    /// on from 6. The wrist, the "*1" bones and the forearm stay 0.
    /// </summary>
    public static Tensor ToPoseParams(Tensor theta, int boneCount) =>
        Take(Concatenate([theta, Tensor.FromArray([0.0, 1.0], 2)]), PoseIndex(boneCount));

    /// <summary>relative_b = base_relative_b · [[R_b, 0], [0, 1]], with R_b from column 3+b of P read as (tx, tz, ty). Shape (B, 4, 4).</summary>
    public static Tensor GetPosedRelatives(HandModel model, Tensor poseParams)
    {
        var angles = poseParams[.., 3..];                                    // (3, B): rows tx, tz, ty
        var rotation = EulerAnglesToRotationMatrix(angles[0], angles[2], angles[1]);
        var transform = Pad(rotation, [(0, 0), (0, 1), (0, 1)]) + s_homogeneousCorner;   // [[R, 0], [0, 1]]
        return MatMul(model.BaseRelatives, transform);
    }

    /// <summary>absolute_b = relative_b for the root (parent −1), else absolute_parent(b) · relative_b; parents come first. Shape (B, 4, 4).</summary>
    public static Tensor RelativesToAbsolutes(Tensor relatives, int[] parents)
    {
        var absolutes = new Tensor[parents.Length];
        for (int b = 0; b < parents.Length; b++)
            absolutes[b] = parents[b] == -1 ? relatives[b] : MatMul(absolutes[parents[b]], relatives[b]);
        return Stack(absolutes, 0);
    }

    /// <summary>
    /// Linear blend skinning (ADBench's <c>get_skinned_vertex_positions</c>): T_b = absolute_b · inverse_base_absolute_b, then
    /// every vertex v_j = Σ_b W[b,j] · (T_b · [x_j; 1])[0..2]; x negated when the model is mirrored; then, when
    /// <paramref name="applyGlobal"/>, the global transform. Shape (3, M).
    /// </summary>
    public static Tensor GetSkinnedVertexPositions(HandModel model, Tensor poseParams, bool applyGlobal)
    {
        var relatives = GetPosedRelatives(model, poseParams);
        var absolutes = RelativesToAbsolutes(relatives, model.Parents);
        var transforms = MatMul(absolutes, model.InverseBaseAbsolutes);     // T_b, (B, 4, 4)

        var perBone = MatMul(transforms[.., ..3, ..], model.BasePositions);   // (T_b [x_j; 1])[0..2], (B, 3, M)
        var positions = Sum(perBone * model.Weights[.., NewAxis, ..], 0);     // Σ_b W[b,j] ·, (3, M)
        if (model.IsMirrored) positions *= Tensor.FromArray([-1.0, 1, 1], 3, 1);
        return applyGlobal ? ApplyGlobalTransform(poseParams, positions) : positions;
    }

    /// <summary>V = (R_g · diag(P[:,1])) · positions + P[:,2], with R_g = Rodrigues(P[:,0]): column i of R_g scaled by the scale P[i,1].</summary>
    public static Tensor ApplyGlobalTransform(Tensor poseParams, Tensor positions)
    {
        var rotation = AngleAxisToRotationMatrix(poseParams[.., 0]) * poseParams[.., 1][NewAxis, ..];
        return MatMul(rotation, positions) + poseParams[.., 2][.., NewAxis];
    }

    /// <summary>The simple residuals (3N): err[3i+j] = y_ij − V[j, corr_i], V the skinned, globally transformed vertices.</summary>
    public static Tensor SimpleObjective(Tensor theta, HandInstance instance)
    {
        var poseParams = ToPoseParams(theta, instance.Model.BoneCount);
        var vertices = GetSkinnedVertexPositions(instance.Model, poseParams, applyGlobal: true);   // (3, M)
        var matched = Transpose(Take(vertices, CorrespondenceIndex(instance), axis: 1));       // V[:, corr_i] as rows, (N, 3)
        return Ravel(instance.Points - matched);
    }

    /// <summary>
    /// The complicated residuals (3N): with (a, b, c) = triangles[corr_i],
    /// err[3i+j] = y_ij − (u_i0 V[j,a] + u_i1 V[j,b] + (1 − u_i0 − u_i1) V[j,c]).
    /// </summary>
    /// <param name="theta">(26) pose parameters.</param>
    /// <param name="us">(N, 2) barycentric coordinates u_i0, u_i1.</param>
    /// <param name="instance">The model, correspondences (triangle indices) and points.</param>
    public static Tensor ComplicatedObjective(Tensor theta, Tensor us, HandInstance instance)
    {
        var poseParams = ToPoseParams(theta, instance.Model.BoneCount);
        var vertices = Transpose(GetSkinnedVertexPositions(instance.Model, poseParams, applyGlobal: true));   // (M, 3)
        var corners = TriangleCornerIndex(instance);                                 // (3, N): a, b, c of each point's triangle
        var (va, vb, vc) = (Take(vertices, corners[0], axis: 0), Take(vertices, corners[1], axis: 0), Take(vertices, corners[2], axis: 0));
        var (u0, u1) = (us[.., 0..1], us[.., 1..2]);                                 // (N, 1) each
        var handPoint = u0 * va + u1 * vb + (1 - u0 - u1) * vc;
        return Ravel(instance.Points - handPoint);
    }

    /// <summary>
    /// The simple Jacobian ∂err/∂θ, 3N × 26, by forward mode (<see cref="Ad.JacFwd(Func{Tensor, Tensor})"/>) of
    /// <see cref="SimpleObjective"/> on <see cref="HandInstance.WithReferencedVerticesOnly"/> (the same residuals, skinning
    /// only the N vertices they read). Forward mode: one linearization and 26 tangent passes; reverse mode would need one
    /// cotangent pass per residual, 3N = 300 for N = 100.
    /// </summary>
    public static Tensor SimpleJacobian(HandInstance instance)
    {
        var cut = instance.WithReferencedVerticesOnly();
        return Ad.JacFwd(theta => SimpleObjective(theta, cut))(instance.Theta);
    }

    /// <summary>
    /// The complicated Jacobian, 3N × 28 as ADBench lays it out: column 0 of row 3i+j is ∂err_{3i+j}/∂u_{i,0}, column 1 is
    /// ∂err_{3i+j}/∂u_{i,1}, columns 2..27 are ∂err/∂θ. Residual i depends only on its own u_i, so the 2N u-columns compress
    /// into 2: the tangent with u̇_{i,0} = 1 for every i gives column 0 exactly (likewise column 1). One linearization of
    /// (θ, u) ↦ err on <see cref="HandInstance.WithReferencedVerticesOnly"/> (skinning only the corners the residuals read),
    /// then 2 + 26 forward passes.
    /// </summary>
    /// <exception cref="ArgumentException">The instance is not the complicated variant.</exception>
    public static Tensor ComplicatedJacobian(HandInstance instance)
    {
        var us = instance.Us ?? throw new ArgumentException("The simple variant has no u's; use SimpleJacobian.", nameof(instance));
        int n = instance.N;
        var cut = instance.WithReferencedVerticesOnly();
        var (_, linear) = Ad.Linearize<(Tensor Theta, Tensor Us), Tensor>(
            p => ComplicatedObjective(p.Theta, p.Us, cut), (instance.Theta, us));
        var noTheta = Zeros([ThetaCount]);
        var noUs = Zeros([n, 2]);
        var columns = new Tensor[2 + ThetaCount];
        for (int k = 0; k < 2; k++)
            columns[k] = linear.Apply((noTheta, UnitColumn(n, k)));                // Σ_i ∂err/∂u_{i,k}: column k
        for (int k = 0; k < ThetaCount; k++)
            columns[2 + k] = linear.Apply((UnitVector(ThetaCount, k), noUs));      // ∂err/∂θ_k
        return Stack(columns, 1);
    }

    /// <summary>[v]×, the matrix with [v]× w = v × w: [[0, −z, y], [z, 0, −x], [−y, x, 0]].</summary>
    private static Tensor CrossMatrix(Tensor v) =>
        Take(Concatenate([Zeros([1]), v, -v]), s_crossIndex);

    /// <summary>The B×3×3 matrices [[a, b, c], [d, e, f], [g, h, i]] from nine (B) tensors.</summary>
    private static Tensor Matrix3(Tensor a, Tensor b, Tensor c, Tensor d, Tensor e, Tensor f, Tensor g, Tensor h, Tensor i) =>
        Reshape(Stack([a, b, c, d, e, f, g, h, i], -1), [.. a.Shape.Dims, 3, 3]);

    /// <summary>index[r, c] into [θ (26), 0, 1] for P[r, c], following ADBench's <c>to_pose_params</c> loop.</summary>
    private static Tensor PoseIndex(int boneCount)
    {
        const int zero = ThetaCount, one = ThetaCount + 1;
        int columns = boneCount + 3;
        var index = new int[3, columns];
        for (int r = 0; r < 3; r++)
        {
            for (int c = 0; c < columns; c++) index[r, c] = zero;
            index[r, 0] = r;                 // global rotation θ[0..2]
            index[r, 1] = one;               // scale 1
            index[r, 2] = 3 + r;             // global translation θ[3..5]
        }
        int t = 6, column = 5;               // column 5 = bone 2 (thumb2)
        for (int finger = 0; finger < 5; finger++)
        {
            for (int i = 2; i <= 4; i++)
            {
                index[0, column] = t++;                 // flexion
                if (i == 2) index[1, column] = t++;     // abduction, the "*2" bone only
                column++;
            }
            column++;                                   // the next finger's "*1" bone stays 0
        }
        var flat = new int[3 * columns];
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < columns; c++) flat[r * columns + c] = index[r, c];
        return Tensor.FromArray(flat, 3, columns);
    }

    private static Tensor CorrespondenceIndex(HandInstance instance) => Tensor.FromArray(instance.Correspondences, instance.N);

    /// <summary>(3, N): row k holds corner k of triangle corr_i for every i.</summary>
    private static Tensor TriangleCornerIndex(HandInstance instance)
    {
        int n = instance.N;
        var corners = new int[3 * n];
        for (int k = 0; k < 3; k++)
            for (int i = 0; i < n; i++) corners[k * n + i] = instance.Model.Triangles[instance.Correspondences[i], k];
        return Tensor.FromArray(corners, 3, n);
    }

    private static Tensor UnitVector(int length, int k)
    {
        var e = new double[length];
        e[k] = 1;
        return Tensor.FromArray(e, length);
    }

    /// <summary>(n, 2), ones in column k.</summary>
    private static Tensor UnitColumn(int n, int k)
    {
        var e = new double[2 * n];
        for (int i = 0; i < n; i++) e[2 * i + k] = 1;
        return Tensor.FromArray(e, n, 2);
    }

    // Flat positions in [0, x, y, z, −x, −y, −z] of [[0, −z, y], [z, 0, −x], [−y, x, 0]].
    private static readonly Tensor s_crossIndex = Tensor.FromArray([0, 6, 2, 3, 0, 4, 5, 1, 0], 3, 3);

    // The (3, 3) entry of a homogeneous transform: [[R, 0], [0, 1]] = pad(R) + this.
    private static readonly Tensor s_homogeneousCorner = Tensor.FromArray([.. new double[15], 1.0], 4, 4);
}
