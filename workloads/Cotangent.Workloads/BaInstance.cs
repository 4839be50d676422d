namespace Cotangent.Workloads;

/// <summary>
/// A bundle-adjustment instance: n cameras (n×11: r1 r2 r3 C1 C2 C3 f u0 v0 k1 k2), m points (m×3), p weights,
/// p measurements (p×2); observation i sees camera <see cref="CameraOf"/>[i] and point <see cref="PointOf"/>[i].
/// </summary>
public sealed record BaInstance(int N, int M, int P, Tensor Cameras, Tensor Points, Tensor Weights, Tensor Features, int[] CameraOf, int[] PointOf)
{
    /// <summary>
    /// Reads an ADBench BA file (<c>n m p</c>, one camera, one point, one weight, one measurement) and replicates it
    /// as ADBench's loader does: every camera, point, weight and measurement is a copy; observation i sees
    /// camera i mod n and point i mod m.
    /// </summary>
    public static BaInstance Load(string path)
    {
        var r = new TokenReader(path);
        int n = r.NextInt(), m = r.NextInt(), p = r.NextInt();
        var camera = r.NextDoubles(11);
        var point = r.NextDoubles(3);
        double weight = r.NextDouble();
        var feature = r.NextDoubles(2);
        var cameraOf = new int[p];
        var pointOf = new int[p];
        for (int i = 0; i < p; i++)
        {
            cameraOf[i] = i % n;
            pointOf[i] = i % m;
        }
        return new BaInstance(n, m, p,
            Tensor.FromArray(Repeat(camera, n), n, 11),
            Tensor.FromArray(Repeat(point, m), m, 3),
            Tensor.FromArray(Repeat([weight], p), p),
            Tensor.FromArray(Repeat(feature, p), p, 2),
            cameraOf, pointOf);
    }

    private static double[] Repeat(double[] item, int count)
    {
        var all = new double[item.Length * count];
        for (int i = 0; i < count; i++) item.CopyTo(all, i * item.Length);
        return all;
    }
}
