using static Cotangent.Np;

namespace Cotangent.Workloads;

/// <summary>
/// ADBench's hand-tracking objective (reference notes §5.3, ADBench's <c>hand_light_matrix.h</c>) and its Jacobians
/// (§5.4). Function names follow the reference; matrices are laid out as there: pose parameters P are 3×(B+3), one
/// column per pose vector, and vertex positions are 3×M, one column per vertex.
/// Every function also accepts leading batch axes on what derives from θ (NumPy style: θ of shape (…, 26) gives
/// residuals of shape (…, 3N)); the Jacobians push all their tangents through one pass with <see cref="Ad.Vmap{TIn, TOut}(Func{TIn, TOut}, int?, int?, int?)"/>.
/// </summary>
public static class Hand
{
    /// <summary>Number of pose parameters θ: 3 global rotation, 3 global translation, 4 per finger × 5.</summary>
    public const int ThetaCount = 26;

    /// <summary>
    /// R = Rodrigues(a) for the angle-axis a (…, 3): with n = ‖a‖, (x, y, z) = a / n, s = sin n, c = cos n,
    /// R = [[x² + (1−x²)c, xy(1−c) − zs, xz(1−c) + ys], [xy(1−c) + zs, y² + (1−y²)c, yz(1−c) − xs],
    ///      [xz(1−c) − ys, zy(1−c) + xs, z² + (1−z²)c]],
    /// which is c·I + (1−c)·v vᵀ + s·[v]× with v = (x, y, z). R = I when n &lt; 10⁻⁴ (a flat branch: derivative 0 there).
    /// Shape (…, 3, 3).
    /// </summary>
    public static Tensor AngleAxisToRotationMatrix(Tensor angleAxis)
    {
        var norm = Sqrt(Sum(Square(angleAxis), -1, keepDims: true));       // (…, 1)
        var small = Less(norm, 1e-4);
        var v = angleAxis / Where(small, 1.0, norm);                        // (x, y, z), kept finite on the identity branch
        var (s, c) = (Sin(norm)[Ellipsis, NewAxis], Cos(norm)[Ellipsis, NewAxis]);   // (…, 1, 1)
        var outer = v[Ellipsis, .., NewAxis] * v[Ellipsis, NewAxis, ..];    // v vᵀ
        var rotation = c * Eye(3) + (1 - c) * outer + s * CrossMatrix(v);
        return Where(small[Ellipsis, NewAxis], Eye(3), rotation);
    }

    /// <summary>
    /// R = Rz(tz)·Ry(ty)·Rx(tx) for each of B bones (each argument has shape (…, B)), with the right-handed elementary
    /// rotations Rx = [[1,0,0],[0,cx,−sx],[0,sx,cx]], Ry = [[cy,0,sy],[0,1,0],[−sy,0,cy]], Rz = [[cz,−sz,0],[sz,cz,0],[0,0,1]].
    /// Multiplied out (the product of the three, entry by entry, so no 3×3 products are formed per bone):
    /// R = [[cz·cy, cz·sy·sx − sz·cx, cz·sy·cx + sz·sx],
    ///      [sz·cy, sz·sy·sx + cz·cx, sz·sy·cx − cz·sx],
    ///      [−sy,   cy·sx,            cy·cx]].
    /// Shape (…, B, 3, 3).
    /// </summary>
    public static Tensor EulerAnglesToRotationMatrix(Tensor tx, Tensor ty, Tensor tz)
    {
        var (cx, sx) = (Cos(tx), Sin(tx));
        var (cy, sy) = (Cos(ty), Sin(ty));
        var (cz, sz) = (Cos(tz), Sin(tz));
        var (sysx, sycx) = (sy * sx, sy * cx);
        return Matrix3(cz * cy, cz * sysx - sz * cx, cz * sycx + sz * sx,
                       sz * cy, sz * sysx + cz * cx, sz * sycx - cz * sx,
                       -sy, cy * sx, cy * cx);
    }

    /// <summary>
    /// The 3×(B+3) pose parameters P from θ (ADBench's <c>to_pose_params</c>): P[:,0] = θ[0..2] (global rotation),
    /// P[:,1] = (1, 1, 1) (scale), P[:,2] = θ[3..5] (global translation), and column 3+b holds bone b's angles; for finger
    /// f = 0..4, bone 2+4f gets (θ[t], θ[t+1], 0), bone 3+4f (θ[t+2], 0, 0) and bone 4+4f (θ[t+3], 0, 0), with t running
    /// on from 6. The wrist, the "*1" bones and the forearm stay 0. θ (…, 26) gives (…, 3, B+3).
    /// </summary>
    public static Tensor ToPoseParams(Tensor theta, int boneCount)
    {
        var zeroAndOne = BroadcastTo(Tensor.FromArray([0.0, 1.0], 2), [.. theta.Shape.Dims[..^1], 2]);
        return Take(Concatenate([theta, zeroAndOne], -1), PoseIndex(boneCount), axis: -1);
    }

    /// <summary>relative_b = base_relative_b · [[R_b, 0], [0, 1]], with R_b from column 3+b of P read as (tx, tz, ty). Shape (…, B, 4, 4).</summary>
    public static Tensor GetPosedRelatives(HandModel model, Tensor poseParams)
    {
        var angles = poseParams[Ellipsis, .., 3..];                          // (…, 3, B): rows tx, tz, ty
        var rotation = EulerAnglesToRotationMatrix(angles[Ellipsis, 0, ..], angles[Ellipsis, 2, ..], angles[Ellipsis, 1, ..]);
        var padding = Enumerable.Repeat((0, 0), rotation.Rank - 2).Append((0, 1)).Append((0, 1)).ToArray();
        var transform = Pad(rotation, padding) + s_homogeneousCorner;        // [[R, 0], [0, 1]]
        return MatMul(model.BaseRelatives, transform);
    }

    /// <summary>
    /// absolute_b = relative_b for the root (parent −1), else absolute_parent(b) · relative_b. Shape (…, B, 4, 4).
    /// ADBench loops over the bones in order (parents come first); here every generation of bones (the hand has five:
    /// the wrist; the "*1" bones and the forearm; the "*2"; the "*3"; the "*4") is one batched product, since bones of the
    /// same depth need only their parents.
    /// </summary>
    public static Tensor RelativesToAbsolutes(Tensor relatives, int[] parents)
    {
        Tensor? absolutes = null;                        // the generations so far, stacked in the order computed
        var computed = new List<int>();                  // bone at each position of absolutes
        foreach (var generation in Generations(parents))
        {
            var relative = Take(relatives, Tensor.FromArray(generation, generation.Length), axis: -3);
            if (absolutes is null)
            {
                absolutes = relative;                    // the root: absolute = relative
            }
            else
            {
                var parentPositions = generation.Select(b => computed.IndexOf(parents[b])).ToArray();
                var parentAbsolute = Take(absolutes, Tensor.FromArray(parentPositions, generation.Length), axis: -3);
                absolutes = Concatenate([absolutes, MatMul(parentAbsolute, relative)], -3);
            }
            computed.AddRange(generation);
        }
        var bonePositions = Enumerable.Range(0, parents.Length).Select(b => computed.IndexOf(b)).ToArray();
        return Take(absolutes!, Tensor.FromArray(bonePositions, parents.Length), axis: -3);   // back to bone order
    }

    /// <summary>
    /// Linear blend skinning (ADBench's <c>get_skinned_vertex_positions</c>): T_b = absolute_b · inverse_base_absolute_b, then
    /// every vertex v_j = Σ_b W[b,j] · (T_b · [x_j; 1])[0..2], computed as one product [T_0[0..2] | … | T_{B−1}[0..2]] · S with
    /// <see cref="HandModel.SkinningMatrix"/> S[4b + k, j] = W[b,j]·[x_j; 1][k]; x negated when the model is mirrored; then,
    /// when <paramref name="applyGlobal"/>, the global transform. Shape (…, 3, M).
    /// </summary>
    public static Tensor GetSkinnedVertexPositions(HandModel model, Tensor poseParams, bool applyGlobal)
    {
        var relatives = GetPosedRelatives(model, poseParams);
        var absolutes = RelativesToAbsolutes(relatives, model.Parents);
        var transforms = MatMul(absolutes, model.InverseBaseAbsolutes);     // T_b, (…, B, 4, 4)

        var rows = MoveAxis(transforms[Ellipsis, ..3, ..], -3, -2);         // T_b[0..2, k] at [r, b, k], (…, 3, B, 4)
        var side = Reshape(rows, [.. rows.Shape.Dims[..^2], 4 * model.BoneCount]);   // [T_0[0..2] | … | T_{B−1}[0..2]]
        var positions = MatMul(side, model.SkinningMatrix);                  // (…, 3, M)
        if (model.IsMirrored) positions *= Tensor.FromArray([-1.0, 1, 1], 3, 1);
        return applyGlobal ? ApplyGlobalTransform(poseParams, positions) : positions;
    }

    /// <summary>V = (R_g · diag(P[:,1])) · positions + P[:,2], with R_g = Rodrigues(P[:,0]): column i of R_g scaled by the scale P[i,1].</summary>
    public static Tensor ApplyGlobalTransform(Tensor poseParams, Tensor positions)
    {
        var rotation = AngleAxisToRotationMatrix(poseParams[Ellipsis, .., 0]) * poseParams[Ellipsis, NewAxis, .., 1];
        return MatMul(rotation, positions) + poseParams[Ellipsis, .., 2..3];
    }

    /// <summary>The simple residuals (…, 3N): err[3i+j] = y_ij − V[j, corr_i], V the skinned, globally transformed vertices.</summary>
    public static Tensor SimpleObjective(Tensor theta, HandInstance instance)
    {
        var poseParams = ToPoseParams(theta, instance.Model.BoneCount);
        var vertices = GetSkinnedVertexPositions(instance.Model, poseParams, applyGlobal: true);   // (…, 3, M)
        var matched = SwapAxes(Take(vertices, CorrespondenceIndex(instance), axis: -1), -1, -2);   // V[:, corr_i] as rows, (…, N, 3)
        return Flat(instance.Points - matched);
    }

    /// <summary>
    /// The complicated residuals (…, 3N): with (a, b, c) = triangles[corr_i],
    /// err[3i+j] = y_ij − (u_i0 V[j,a] + u_i1 V[j,b] + (1 − u_i0 − u_i1) V[j,c]).
    /// </summary>
    /// <param name="theta">(…, 26) pose parameters.</param>
    /// <param name="us">(…, N, 2) barycentric coordinates u_i0, u_i1.</param>
    /// <param name="instance">The model, correspondences (triangle indices) and points.</param>
    public static Tensor ComplicatedObjective(Tensor theta, Tensor us, HandInstance instance)
    {
        var poseParams = ToPoseParams(theta, instance.Model.BoneCount);
        var vertices = GetSkinnedVertexPositions(instance.Model, poseParams, applyGlobal: true);       // (…, 3, M)
        var corners = Take(vertices, TriangleCornerIndex(instance), axis: -1);                       // V[:, (a, b, c) of triangle corr_i], (…, 3, N, 3)
        var weights = Concatenate([us, 1 - Sum(us, -1, keepDims: true)], -1);                       // (u_i0, u_i1, 1 − u_i0 − u_i1), (…, N, 3)
        var handPoint = SwapAxes(Sum(corners * weights[Ellipsis, NewAxis, .., ..], -1), -1, -2);   // Σ_k weight_ik V[:, corner_ik], (…, N, 3)
        return Flat(instance.Points - handPoint);
    }

    /// <summary>
    /// The simple Jacobian ∂err/∂θ, 3N × 26, by forward mode on <see cref="HandInstance.WithReferencedVerticesOnly"/> (the same
    /// residuals, skinning only the N vertices they read). Forward mode needs 26 tangents, reverse mode one cotangent per
    /// residual (3N = 300 for N = 100). <see cref="Ad.JacFwd(Func{Tensor, Tensor})"/> pushes the 26 through one batched
    /// pass: a <see cref="Ad.Vmap{TIn, TOut}(Func{TIn, TOut}, int?, int?, int?)"/> of the JVP over the identity, with the
    /// primal computed once (JAX's <c>jacfwd</c>).
    /// </summary>
    public static Tensor SimpleJacobian(HandInstance instance) => SimpleJacobianAt(instance.Theta, instance.WithReferencedVerticesOnly());

    /// <summary>
    /// The complicated Jacobian, 3N × 28 as ADBench lays it out: column 0 of row 3i+j is ∂err_{3i+j}/∂u_{i,0}, column 1 is
    /// ∂err_{3i+j}/∂u_{i,1}, columns 2..27 are ∂err/∂θ. Residual i depends only on its own u_i, so the 2N u-columns compress
    /// into 2: the tangent with u̇_{i,0} = 1 for every i gives column 0 exactly (likewise column 1). The 2 + 26 tangents go
    /// through one batched JVP, <c>Vmap(ṫ ↦ Jvp(f, (θ, u), ṫ))</c> over the 28 seeds (JAX's <c>vmap(jvp)</c>, the primal
    /// computed once), on <see cref="HandInstance.WithReferencedVerticesOnly"/> (skinning only the corners the residuals read).
    /// </summary>
    /// <exception cref="ArgumentException">The instance is not the complicated variant.</exception>
    public static Tensor ComplicatedJacobian(HandInstance instance)
    {
        var us = instance.Us ?? throw new ArgumentException("The simple variant has no u's; use SimpleJacobian.", nameof(instance));
        return ComplicatedJacobianAt(instance.Theta, us, instance.WithReferencedVerticesOnly());
    }

    /// <summary><see cref="SimpleJacobian"/> compiled with <see cref="Ad.Jit{TIn, TOut}(Func{TIn, TOut}, JitOptions?)"/> as a function of θ, for this instance's model, correspondences and points.</summary>
    public static JitFunction<Tensor, Tensor> JitSimpleJacobian(HandInstance instance)
    {
        var cut = instance.WithReferencedVerticesOnly();
        return Ad.Jit<Tensor, Tensor>(theta => SimpleJacobianAt(theta, cut));
    }

    /// <summary><see cref="ComplicatedJacobian"/> compiled with <see cref="Ad.Jit{TIn, TOut}(Func{TIn, TOut}, JitOptions?)"/> as a function of (θ, u), for this instance's model, correspondences and points.</summary>
    /// <exception cref="ArgumentException">The instance is not the complicated variant.</exception>
    public static JitFunction<(Tensor Theta, Tensor Us), Tensor> JitComplicatedJacobian(HandInstance instance)
    {
        if (!instance.IsComplicated) throw new ArgumentException("The simple variant has no u's; use JitSimpleJacobian.", nameof(instance));
        var cut = instance.WithReferencedVerticesOnly();
        return Ad.Jit<(Tensor Theta, Tensor Us), Tensor>(p => ComplicatedJacobianAt(p.Theta, p.Us, cut));
    }

    /// <summary><see cref="SimpleObjective"/> compiled as a function of θ for this instance.</summary>
    public static JitFunction<Tensor, Tensor> JitSimpleObjective(HandInstance instance) =>
        Ad.Jit<Tensor, Tensor>(theta => SimpleObjective(theta, instance));

    /// <summary><see cref="ComplicatedObjective"/> compiled as a function of (θ, u) for this instance.</summary>
    public static JitFunction<(Tensor Theta, Tensor Us), Tensor> JitComplicatedObjective(HandInstance instance) =>
        Ad.Jit<(Tensor Theta, Tensor Us), Tensor>(p => ComplicatedObjective(p.Theta, p.Us, instance));

    private static Tensor SimpleJacobianAt(Tensor theta, HandInstance cut) => Ad.JacFwd(t => SimpleObjective(t, cut))(theta);

    private static Tensor ComplicatedJacobianAt(Tensor theta, Tensor us, HandInstance cut)
    {
        var columns = Ad.Vmap<(Tensor Theta, Tensor Us), Tensor>(seed =>
            Ad.Jvp<(Tensor Theta, Tensor Us), Tensor>(p => ComplicatedObjective(p.Theta, p.Us, cut), (theta, us), seed).Tangent)(
            (ThetaSeeds(), USeeds(cut.N)));                                              // (28, 3N): row k = J ṫ_k
        return Transpose(columns);                                                       // (3N, 28)
    }

    /// <summary>[v]×, the matrix with [v]× w = v × w: [[0, −z, y], [z, 0, −x], [−y, x, 0]]. Shape (…, 3, 3).</summary>
    private static Tensor CrossMatrix(Tensor v) =>
        Take(Concatenate([ZerosLike(v[Ellipsis, ..1]), v, -v], -1), s_crossIndex, axis: -1);

    /// <summary>The (…, 3, 3) matrices [[a, b, c], [d, e, f], [g, h, i]] from nine (…) tensors.</summary>
    private static Tensor Matrix3(Tensor a, Tensor b, Tensor c, Tensor d, Tensor e, Tensor f, Tensor g, Tensor h, Tensor i) =>
        Reshape(Stack([a, b, c, d, e, f, g, h, i], -1), [.. a.Shape.Dims, 3, 3]);

    /// <summary>x (…, N, 3) as (…, 3N), row-major: entry [i, j] at 3i + j.</summary>
    private static Tensor Flat(Tensor x) => Reshape(x, [.. x.Shape.Dims[..^2], x.Shape[x.Rank - 2] * 3]);

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

    /// <summary>The bones grouped by depth in the tree: the roots, then their children, and so on.</summary>
    private static List<int[]> Generations(int[] parents)
    {
        var depth = new int[parents.Length];
        for (int b = 0; b < parents.Length; b++) depth[b] = parents[b] < 0 ? 0 : depth[parents[b]] + 1;
        return [.. Enumerable.Range(0, parents.Length).GroupBy(b => depth[b]).OrderBy(g => g.Key).Select(g => g.ToArray())];
    }

    private static Tensor CorrespondenceIndex(HandInstance instance) => Tensor.FromArray(instance.Correspondences, instance.N);

    /// <summary>(N, 3): the corners (a, b, c) of triangle corr_i in row i.</summary>
    private static Tensor TriangleCornerIndex(HandInstance instance)
    {
        int n = instance.N;
        var corners = new int[n * 3];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < 3; k++) corners[i * 3 + k] = instance.Model.Triangles[instance.Correspondences[i], k];
        return Tensor.FromArray(corners, n, 3);
    }

    /// <summary>(28, 26): the θ tangents of the complicated Jacobian's columns, 0 for the two u columns, then the identity.</summary>
    private static Tensor ThetaSeeds()
    {
        var seeds = new double[(2 + ThetaCount) * ThetaCount];
        for (int k = 0; k < ThetaCount; k++) seeds[(2 + k) * ThetaCount + k] = 1;
        return Tensor.FromArray(seeds, 2 + ThetaCount, ThetaCount);
    }

    /// <summary>(28, n, 2): the u tangents of the complicated Jacobian's columns, u̇_{i,c} = 1 for every i in column c ∈ {0, 1}, 0 in the θ columns.</summary>
    private static Tensor USeeds(int n)
    {
        var seeds = new double[(2 + ThetaCount) * n * 2];
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < n; i++) seeds[(c * n + i) * 2 + c] = 1;
        return Tensor.FromArray(seeds, 2 + ThetaCount, n, 2);
    }

    // Flat positions in [0, x, y, z, −x, −y, −z] of [[0, −z, y], [z, 0, −x], [−y, x, 0]].
    private static readonly Tensor s_crossIndex = Tensor.FromArray([0, 6, 2, 3, 0, 4, 5, 1, 0], 3, 3);

    // The (3, 3) entry of a homogeneous transform: [[R, 0], [0, 1]] = pad(R) + this.
    private static readonly Tensor s_homogeneousCorner = Tensor.FromArray([.. new double[15], 1.0], 4, 4);
}
