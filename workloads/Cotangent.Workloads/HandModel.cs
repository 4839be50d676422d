using System.Globalization;

namespace Cotangent.Workloads;

/// <summary>
/// ADBench's hand model (reference notes §5.1): B bones in an order where every parent comes before its children,
/// and M skinned vertices.
/// </summary>
/// <param name="BoneNames">The B bone names (wrist, thumb1..4, index1..4, middle1..4, ring1..4, pinky1..4, forearm).</param>
/// <param name="Parents">Each bone's parent index, −1 for the root.</param>
/// <param name="BaseRelatives">(B, 4, 4): each bone's rest transform relative to its parent.</param>
/// <param name="InverseBaseAbsolutes">(B, 4, 4): the inverse of each bone's rest transform in model space.</param>
/// <param name="BasePositions">(4, M): the rest vertex positions, homogeneous (row 3 is all ones), one column per vertex.</param>
/// <param name="Weights">(B, M): skinning weight of bone b on vertex j; pairs absent from the file are 0.</param>
/// <param name="Triangles">(T, 3): vertex indices of each triangle, 0-based.</param>
/// <param name="IsMirrored">Whether x is negated after skinning (false in all ADBench data).</param>
public sealed record HandModel(
    string[] BoneNames, int[] Parents, Tensor BaseRelatives, Tensor InverseBaseAbsolutes,
    Tensor BasePositions, Tensor Weights, int[,] Triangles, bool IsMirrored)
{
    /// <summary>Number of bones B.</summary>
    public int BoneCount => Parents.Length;

    /// <summary>Number of vertices M.</summary>
    public int VertexCount => BasePositions.Shape[1];

    private Skinning? _skinning;

    /// <summary>
    /// The 4B × M matrix S with S[4b + k, j] = W[b, j] · x̃_j[k], x̃_j = [x_j; 1]: linear blend skinning
    /// v_j = Σ_b W[b,j] (T_b x̃_j)[0..2] = Σ_{b,k} T_b[0..2, k] · S[4b + k, j] is then one product [T_0[0..2] | … | T_{B−1}[0..2]] · S.
    /// Computed once per (positions, weights).
    /// </summary>
    public Tensor SkinningMatrix
    {
        get
        {
            var cached = _skinning;
            if (cached is not null && ReferenceEquals(cached.Positions, BasePositions) && ReferenceEquals(cached.Weights, Weights)) return cached.Matrix;
            // In plain doubles, not Np: the first use may come while Jit traces a function, and Np would then give a tracer
            // that the cache must not keep.
            int bones = BoneCount, vertices = VertexCount;
            var (w, x) = (Weights.ToArray<double>(), BasePositions.ToArray<double>());
            var s = new double[4 * bones * vertices];
            for (int b = 0; b < bones; b++)
                for (int k = 0; k < 4; k++)
                    for (int j = 0; j < vertices; j++) s[(4 * b + k) * vertices + j] = w[b * vertices + j] * x[k * vertices + j];
            var matrix = Tensor.FromArray(s, 4 * bones, vertices);
            _skinning = new Skinning(BasePositions, Weights, matrix);
            return matrix;
        }
    }

    private sealed record Skinning(Tensor Positions, Tensor Weights, Tensor Matrix);

    /// <summary>
    /// Reads <c>bones.txt</c>, <c>vertices.txt</c> and <c>triangles.txt</c> from <paramref name="folder"/>, ':'-separated,
    /// as ADBench's <c>read_hand_model</c> does:
    /// <list type="bullet">
    /// <item><c>bones.txt</c>: per line <c>name:parent:</c>, 16 numbers of base_relative (4×4 row-major), 16 of inverse_base_absolute (4×4 row-major);</item>
    /// <item><c>vertices.txt</c>: per line <c>x:y:z:</c>, 5 ignored numbers, <c>n:</c>, then n pairs <c>bone:weight</c>;</item>
    /// <item><c>triangles.txt</c>: per line <c>a:b:c</c>.</item>
    /// </list>
    /// </summary>
    /// <exception cref="FormatException">A file is malformed.</exception>
    public static HandModel Load(string folder)
    {
        var names = new List<string>();
        var parents = new List<int>();
        var relatives = new List<double>();
        var inverseAbsolutes = new List<double>();
        foreach (var line in NonEmptyLines(Path.Combine(folder, "bones.txt")))
        {
            var fields = line.Split(':');
            if (fields.Length != 34) throw new FormatException($"bones.txt: expected name, parent and 32 numbers, got {fields.Length} fields.");
            names.Add(fields[0]);
            parents.Add(int.Parse(fields[1], CultureInfo.InvariantCulture));
            for (int i = 0; i < 16; i++) relatives.Add(Number(fields[2 + i]));
            for (int i = 0; i < 16; i++) inverseAbsolutes.Add(Number(fields[18 + i]));
        }
        int bones = names.Count;
        for (int b = 0; b < bones; b++)
            if (parents[b] >= b) throw new FormatException($"bones.txt: bone {b} ({names[b]}) has parent {parents[b]}, which does not come before it.");

        var vertexLines = NonEmptyLines(Path.Combine(folder, "vertices.txt")).ToArray();
        int m = vertexLines.Length;
        var positions = new double[4 * m];
        var weights = new double[bones * m];
        for (int j = 0; j < m; j++)
        {
            var fields = vertexLines[j].Split(':');
            for (int k = 0; k < 3; k++) positions[k * m + j] = Number(fields[k]);
            positions[3 * m + j] = 1;                                     // homogeneous coordinate
            int count = int.Parse(fields[8], CultureInfo.InvariantCulture); // after x, y, z and 5 ignored numbers
            for (int pair = 0; pair < count; pair++)
            {
                int bone = int.Parse(fields[9 + 2 * pair], CultureInfo.InvariantCulture);
                weights[bone * m + j] = Number(fields[10 + 2 * pair]);
            }
        }

        var triangleLines = NonEmptyLines(Path.Combine(folder, "triangles.txt")).ToArray();
        var triangles = new int[triangleLines.Length, 3];
        for (int t = 0; t < triangleLines.Length; t++)
        {
            var fields = triangleLines[t].Split(':');
            for (int k = 0; k < 3; k++) triangles[t, k] = int.Parse(fields[k], CultureInfo.InvariantCulture);
        }

        return new HandModel([.. names], [.. parents],
            Tensor.FromArray([.. relatives], bones, 4, 4),
            Tensor.FromArray([.. inverseAbsolutes], bones, 4, 4),
            Tensor.FromArray(positions, 4, m),
            Tensor.FromArray(weights, bones, m),
            triangles, IsMirrored: false);
    }

    private static IEnumerable<string> NonEmptyLines(string path) =>
        File.ReadLines(path).Select(line => line.Trim()).Where(line => line.Length > 0);

    private static double Number(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
}

/// <summary>
/// A hand-tracking instance (reference notes §5.2): the model, θ (26), N correspondences with their measured points, and
/// for the complicated variant the barycentric coordinates u (N, 2).
/// </summary>
/// <param name="Model">The hand model, read from <c>model/</c> beside the instance file.</param>
/// <param name="Theta">(26): global rotation (angle-axis), global translation, then 4 angles per finger.</param>
/// <param name="Correspondences">Per point, a vertex index (simple) or a triangle index (complicated), 0-based.</param>
/// <param name="Points">(N, 3): the measured 3-D points y_i.</param>
/// <param name="Us">(N, 2): u_i0, u_i1 of the complicated variant; null for the simple one.</param>
public sealed record HandInstance(HandModel Model, Tensor Theta, int[] Correspondences, Tensor Points, Tensor? Us)
{
    /// <summary>Number of correspondences N.</summary>
    public int N => Correspondences.Length;

    /// <summary>Whether this is the complicated variant (correspondences are triangles, with barycentric u's).</summary>
    public bool IsComplicated => Us is not null;

    /// <summary>
    /// The same residuals on a model cut down to the vertices the correspondences read (ADBench's objective skins all M
    /// and then reads N of them; residual i depends on vertex corr_i, or on triangle corr_i's three corners, only).
    /// Vertices keep their rest positions and weights; correspondences and triangles are renumbered, so every residual
    /// and every derivative is unchanged while skinning costs O(N) instead of O(M). Computed once per instance and cached
    /// (it depends on the model and the correspondences only).
    /// </summary>
    public HandInstance WithReferencedVerticesOnly()
    {
        var cached = _cut;
        if (cached is not null && ReferenceEquals(cached.Model, Model) && ReferenceEquals(cached.Correspondences, Correspondences)) return cached.Cut;
        var cut = CutToReferencedVertices();
        _cut = new CutCache(Model, Correspondences, cut);
        return cut;
    }

    // The cut instance depends only on the model and the correspondences, never on θ or u: it is computed once per
    // instance (ADBench's untimed Prepare step) and reused by every Jacobian call.
    private CutCache? _cut;

    private sealed record CutCache(HandModel Model, int[] Correspondences, HandInstance Cut);

    private HandInstance CutToReferencedVertices()
    {
        var model = Model;
        // The vertices each correspondence reads, in first-use order: one (simple) or three (complicated) per point.
        var read = IsComplicated
            ? Correspondences.SelectMany(t => new[] { model.Triangles[t, 0], model.Triangles[t, 1], model.Triangles[t, 2] }).ToArray()
            : Correspondences;
        var kept = read.Distinct().ToArray();
        var renumber = new Dictionary<int, int>();
        for (int k = 0; k < kept.Length; k++) renumber[kept[k]] = k;
        var keptIndex = Tensor.FromArray(kept, kept.Length);
        var cut = model with
        {
            BasePositions = Np.Take(model.BasePositions, keptIndex, axis: 1),
            Weights = Np.Take(model.Weights, keptIndex, axis: 1),
            Triangles = IsComplicated ? new int[N, 3] : new int[0, 3],
        };
        var correspondences = new int[N];
        for (int i = 0; i < N; i++)
        {
            if (!IsComplicated)
            {
                correspondences[i] = renumber[Correspondences[i]];
                continue;
            }
            correspondences[i] = i;                                    // point i reads the cut model's triangle i
            for (int k = 0; k < 3; k++) cut.Triangles[i, k] = renumber[model.Triangles[Correspondences[i], k]];
        }
        _ = cut.SkinningMatrix;                                        // computed here, once
        return this with { Model = cut, Correspondences = correspondences, _cut = null };
    }

    /// <summary>
    /// Reads an ADBench hand instance: <c>N n_theta</c>, N lines <c>corr y0 y1 y2</c>, in the complicated variant N lines
    /// <c>u0 u1</c>, then n_theta values of θ. The model is read from <paramref name="modelFolder"/>, by default the
    /// <c>model</c> folder beside the file (ADBench's layout).
    /// </summary>
    /// <exception cref="FormatException">The file is malformed.</exception>
    public static HandInstance Load(string path, bool complicated, string? modelFolder = null)
    {
        var model = HandModel.Load(modelFolder ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "model"));
        var r = new TokenReader(path);
        int n = r.NextInt(), thetaCount = r.NextInt();
        var correspondences = new int[n];
        var points = new double[3 * n];
        for (int i = 0; i < n; i++)
        {
            correspondences[i] = r.NextInt();
            for (int j = 0; j < 3; j++) points[3 * i + j] = r.NextDouble();
        }
        Tensor? us = complicated ? Tensor.FromArray(r.NextDoubles(2 * n), n, 2) : null;
        var theta = Tensor.FromArray(r.NextDoubles(thetaCount), thetaCount);
        return new HandInstance(model, theta, correspondences, Tensor.FromArray(points, n, 3), us);
    }
}
