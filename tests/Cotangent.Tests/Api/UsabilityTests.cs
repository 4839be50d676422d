using Cotangent.Runtime;

namespace Cotangent.Tests.Api;

/// <summary>The papercuts of issue #16: the README program, params shapes, elementwise == and value equality.</summary>
public class UsabilityTests
{
    /// <summary>The repository root (where Cotangent.slnx is), found from the test's output folder.</summary>
    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cotangent.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Cotangent.slnx not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void ReadmeProgram_IsExactlyTheCompiledSample()
    {
        // The sample is built with the solution and run by CI, so the README's code compiles and runs as shown.
        var root = RepoRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        var sample = File.ReadAllText(Path.Combine(root, "samples", "ReadmeSnippet", "Program.cs")).ReplaceLineEndings("\n");
        int start = readme.IndexOf("```csharp\nusing Cotangent;", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no ```csharp block starting with using Cotangent;");
        start += "```csharp\n".Length;
        int end = readme.IndexOf("```\n", start, StringComparison.Ordinal);
        Assert.Equal(sample, readme[start..end]);
    }

    [Fact]
    public void ZerosAndOnes_TakeDimensionsAsParams()
    {
        Assert.Equal(Shape.Of(5), Np.Zeros(5).Shape);
        Assert.Equal(Shape.Of(2, 3), Np.Ones(2, 3).Shape);
        Assert.Equal(0, Np.Zeros().Shape.Rank);
        Assert.Equal(new[] { 1.0, 1, 1, 1, 1, 1 }, Np.Ones(2, 3).ToArray<double>());
        Assert.Equal(new double[5], Np.Zeros(5).ToArray<double>());
        // The array + dtype overloads still bind as before.
        Assert.Equal(DType.Float32, Np.Zeros([2, 2], DType.Float32).DType);
        Assert.Equal(DType.Int32, Np.Ones(new[] { 3 }, DType.Int32).DType);
        Assert.Equal(Shape.Of(4), Np.Zeros([4]).Shape);
    }

    [Fact]
    public void EqualityOperators_AreElementwise_AndEqualsStaysIdentity()
    {
        var x = Np.Array(1.0, 2.0, 3.0);
        var y = Np.Array(1.0, 5.0, 3.0);
        Assert.Equal(new[] { true, false, true }, (x == y).ToArray<bool>());
        Assert.Equal(new[] { false, true, false }, (x != y).ToArray<bool>());
        Assert.Equal(new[] { false, true, false }, (x == 2.0).ToArray<bool>());
        Assert.Equal(new[] { true, false, true }, (x != 2.0).ToArray<bool>());

        var same = Np.Array(1.0, 2.0, 3.0);
        Assert.False(x.Equals(same));
        Assert.True(x.Equals(x));
        var byTensor = new Dictionary<Tensor, int> { [x] = 1, [same] = 2 };
        Assert.Equal(2, byTensor.Count);
        Assert.Equal(1, byTensor[x]);
    }

    [Fact]
    public void EqualityOperator_IsDifferentiableContext_SafeUnderGrad()
    {
        // == inside a traced function is a comparison like <, so Where(x == 0, …) works under Grad.
        var g = Ad.Grad<Tensor>(v => Np.Sum(Np.Where(v == 0.0, Np.ZerosLike(v), v * v)))(Np.Array(0.0, 3.0));
        Assert.Equal(new[] { 0.0, 6.0 }, g.ToArray<double>());
    }

    [Fact]
    public void ArrayEqualAndAllClose_AreValueComparisons()
    {
        var x = Np.Array(1.0, 2.0, 3.0);
        Assert.True(Np.ArrayEqual(x, Np.Array(1.0, 2.0, 3.0)));
        Assert.False(Np.ArrayEqual(x, Np.Array(1.0, 2.0, 4.0)));
        Assert.False(Np.ArrayEqual(x, Np.Reshape(x, 3, 1)));
        Assert.False(Np.ArrayEqual(x, Np.AsType(x, DType.Float32)));
        Assert.False(Np.ArrayEqual(Np.Array(double.NaN), Np.Array(double.NaN)));
        Assert.True(Np.AllClose(x, x + 1e-9));
        Assert.False(Np.AllClose(x, x + 1e-3));
        Assert.True(Np.AllClose(x, x + 1e-3, atol: 1e-2));
    }
}
