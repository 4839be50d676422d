using System.Reflection;
using NetArchTest.Rules;

namespace Cotangent.Tests.Core;

/// <summary>The layering of DESIGN.md §2: Runtime ← Core ← Transforms ← Primitives ← API, enforced on the compiled assembly.</summary>
public class ArchitectureTests
{
    private static readonly Assembly s_library = typeof(Ad).Assembly;

    // API types live in the root namespace, which Tensor (Core) shares, so the layer of a root-namespace type is the
    // folder it is declared in: every top-level type declared under src/Cotangent/Api is an API type.
    private static readonly string[] s_apiTypes = ApiTypes();

    private static string[] ApiTypes()
    {
        var declaration = new System.Text.RegularExpressions.Regex(
            @"^(?:public|internal)\s+(?:(?:static|sealed|abstract|partial|readonly)\s+)*(?:class|struct|record(?:\s+struct)?|interface|enum)\s+(\w+)(<[^>]*>)?",
            System.Text.RegularExpressions.RegexOptions.Multiline);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(FindRoot(), "src", "Cotangent", "Api"), "*.cs"))
        {
            var text = File.ReadAllText(file);
            if (!text.Contains("namespace Cotangent;", StringComparison.Ordinal)) continue;
            foreach (System.Text.RegularExpressions.Match m in declaration.Matches(text))
            {
                int arity = m.Groups[2].Success ? m.Groups[2].Value.Count(c => c == ',') + 1 : 0;
                names.Add("Cotangent." + m.Groups[1].Value + (arity > 0 ? "`" + arity : string.Empty));
            }
        }

        return [.. names];
    }

    [Fact]
    public void ApiTypes_AreDerivedFromTheApiFolder_AndExist()
    {
        Assert.Contains("Cotangent.Ad", s_apiTypes);
        Assert.Contains("Cotangent.Linear`2", s_apiTypes);
        Assert.DoesNotContain("Cotangent.Tensor", s_apiTypes);
        foreach (var name in s_apiTypes) Assert.True(s_library.GetType(name) is not null, $"{name} (declared under src/Cotangent/Api) is not a type of the library");
    }

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
