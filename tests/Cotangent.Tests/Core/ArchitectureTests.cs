using System.Reflection;
using NetArchTest.Rules;

namespace Cotangent.Tests.Core;

/// <summary>The layering of DESIGN.md §2: Runtime ← Core ← Transforms ← Primitives ← API, enforced on the compiled assembly.</summary>
public class ArchitectureTests
{
    private static readonly Assembly s_library = typeof(Ad).Assembly;

    // API types live in the root namespace; they are named explicitly because Tensor (Core) shares it.
    private static readonly string[] s_apiTypes =
        ["Cotangent.Ad", "Cotangent.Np", "Cotangent.Tree", "Cotangent.TreeDef", "Cotangent.Linear`2", "Cotangent.FlatFunction`2", "Cotangent.TensorOperators", "Cotangent.Wrt", "Cotangent.GradCheck"];

    [Fact]
    public void Runtime_DoesNotKnowTracing()
    {
        var refs = typeof(Runtime.NDArray).Assembly.GetReferencedAssemblies().Select(a => a.Name);
        Assert.DoesNotContain("Cotangent", refs);
    }

    [Fact]
    public void Core_DependsOnNeitherTransformsNorPrimitivesNorApi()
    {
        var result = Types.InAssembly(s_library).That().ResideInNamespace("Cotangent.Core")
            .ShouldNot().HaveDependencyOnAny(["Cotangent.Transforms", "Cotangent.Primitives", .. s_apiTypes]).GetResult();
        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Fact]
    public void Tensor_DependsOnNeitherTransformsNorPrimitivesNorApi()
    {
        var result = Types.InAssembly(s_library).That().HaveNameStartingWith("Tensor").And().ResideInNamespaceMatching("^Cotangent$")
            .And().DoNotHaveName("TensorOperators")
            .ShouldNot().HaveDependencyOnAny(["Cotangent.Transforms", "Cotangent.Primitives", .. s_apiTypes]).GetResult();
        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Fact]
    public void Transforms_DoNotDependOnPrimitivesOrApi()
    {
        var result = Types.InAssembly(s_library).That().ResideInNamespace("Cotangent.Transforms")
            .ShouldNot().HaveDependencyOnAny(["Cotangent.Primitives", .. s_apiTypes]).GetResult();
        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Fact]
    public void Primitives_DoNotDependOnApi()
    {
        var result = Types.InAssembly(s_library).That().ResideInNamespace("Cotangent.Primitives")
            .ShouldNot().HaveDependencyOnAny(s_apiTypes).GetResult();
        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Fact]
    public void NoSourceFile_IsOver800Lines()
    {
        var root = FindRoot();
        var big = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Select(f => (File: f, Lines: File.ReadLines(f).Count()))
            .Where(x => x.Lines > 800)
            .Select(x => $"{Path.GetRelativePath(root, x.File)} ({x.Lines})")
            .ToList();
        Assert.True(big.Count == 0, "Files over 800 lines: " + string.Join(", ", big));
    }

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Cotangent.slnx"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("repository root not found");
    }

    private static string Failing(TestResult result) =>
        "Layering violated by: " + string.Join(", ", result.FailingTypeNames ?? []);
}
