using Cotangent.Primitives;

namespace Cotangent.Tests.Api;

public sealed record Layer(Tensor W, Tensor B);

public sealed record Model(Layer First, Layer Second, string Name, int Seed);

public sealed class Mutable
{
    public Tensor? Scale { get; set; }

    public List<Tensor> Offsets { get; set; } = [];

    public double NotATensor { get; set; } = 7;
}

public class TreeTests
{
    private static Tensor Loss(Model m, Tensor x)
    {
        var h = Lax.Tanh(TestFunctions.MatMul(x, m.First.W) + m.First.B);
        return TestFunctions.SumAll(TestFunctions.MatMul(h, m.Second.W) + m.Second.B);
    }

    private static Model MakeModel() => new(
        new Layer(TestFunctions.Random(1, 3, 4), TestFunctions.Random(2, 4)),
        new Layer(TestFunctions.Random(3, 4, 2), TestFunctions.Random(4, 2)),
        "tiny",
        42);

    [Fact]
    public void TreeDef_Equality_IncludesNonTensorValues()
    {
        var m = MakeModel();
        var (_, def) = Tree.Flatten(m);
        Assert.Equal(def, Tree.Flatten(m with { First = new Layer(Lax.Neg(m.First.W), m.First.B) }).Def);   // leaves do not count
        Assert.Equal(def.GetHashCode(), Tree.Flatten(MakeModel()).Def.GetHashCode());
        Assert.NotEqual(def, Tree.Flatten(m with { Seed = 43 }).Def);          // a static member of a record
        Assert.NotEqual(def, Tree.Flatten(m with { Name = "other" }).Def);
        var x = TestFunctions.Random(5, 2);
        Assert.Equal(Tree.Flatten((x, 0.1)).Def, Tree.Flatten((x, 0.1)).Def);
        Assert.NotEqual(Tree.Flatten((x, 0.1)).Def, Tree.Flatten((x, 0.2)).Def);   // a static tuple element
        var a = new Mutable { Scale = x };
        Assert.NotEqual(Tree.Flatten(a).Def, Tree.Flatten(new Mutable { Scale = x, NotATensor = 8 }).Def);
    }

    [Fact]
    public void Grad_OfRecord_ReturnsSameRecordType_WithStaticMembersKept()
    {
        var x = TestFunctions.Random(5, 5, 3);
        var model = MakeModel();
        Model g = Ad.Grad<Model>(m => Loss(m, x))(model);
        Assert.Equal("tiny", g.Name);
        Assert.Equal(42, g.Seed);
        Assert.Equal(model.First.W.Shape, g.First.W.Shape);
        Assert.Equal(model.Second.B.Shape, g.Second.B.Shape);
        // ∂/∂b2 of Σ(h·W2 + b2) is the batch size for each output.
        Assert.All(g.Second.B.ToArray<double>(), v => Assert.Equal(5.0, v, 12));
    }

    [Fact]
    public void Grad_OfRecord_MatchesGradOfFlatArrays()
    {
        var x = TestFunctions.Random(5, 5, 3);
        var model = MakeModel();
        var g = Ad.Grad<Model>(m => Loss(m, x))(model);
        var flat = Ad.Grad<Tensor[]>(p => Loss(new Model(new Layer(p[0], p[1]), new Layer(p[2], p[3]), "", 0), x))(
            [model.First.W, model.First.B, model.Second.W, model.Second.B]);
        Assert.Equal(0, TestFunctions.MaxAbsDiff(g.First.W, flat[0]));
        Assert.Equal(0, TestFunctions.MaxAbsDiff(g.Second.W, flat[2]));
    }

    [Fact]
    public void Trees_OfTuplesListsAndClasses_RoundTrip()
    {
        var m = new Mutable { Scale = 2.0, Offsets = [1.0, Tensor.FromArray([1.0, 2.0])] };
        var (leaves, def) = Tree.Flatten((m, new[] { (Tensor)3.0 }));
        Assert.Equal(4, leaves.Count);
        var back = Tree.Unflatten<(Mutable, Tensor[])>(def, leaves);
        Assert.Equal(7, back.Item1.NotATensor);
        Assert.Equal(2, back.Item1.Offsets.Count);
        Assert.NotSame(m, back.Item1);
    }

    [Fact]
    public void Grad_OfValueTuple_AndWrtSelectors()
    {
        Func<Tensor, Tensor, Tensor> f = (x, y) => x * x * y;
        Assert.Equal(12.0, Ad.Grad(f)(2.0, 3.0).ToDouble(), 12);
        Assert.Equal(4.0, Ad.Grad(f, Wrt.Second)(2.0, 3.0).ToDouble(), 12);
        var (gx, gy) = Ad.Grad(f, Wrt.Both)(2.0, 3.0);
        Assert.Equal(12.0, gx.ToDouble(), 12);
        Assert.Equal(4.0, gy.ToDouble(), 12);
        var (value, grad) = Ad.ValueAndGrad(f)(2.0, 3.0);
        Assert.Equal(12.0, value.ToDouble(), 12);
        Assert.Equal(12.0, grad.ToDouble(), 12);
    }

    [Fact]
    public void GradWithAux_ReturnsAuxUndifferentiated()
    {
        var (g, aux) = Ad.GradWithAux<Tensor, (Tensor, Tensor)>(x => (x * x, (Lax.Sin(x), Lax.Convert(x, Runtime.DType.Int32))))(3.0);
        Assert.Equal(6.0, g.ToDouble(), 12);
        Assert.Equal(Math.Sin(3.0), aux.Item1.ToDouble(), 12);
        Assert.Equal(3, aux.Item2.ToArray<int>()[0]);
    }

    [Fact]
    public void Vjp_InputNotUsed_GetsZeroCotangentOfItsShape()
    {
        var (_, pullback) = Ad.Vjp<Tensor[], Tensor>(p => Lax.Sin(p[0]), [1.0, Tensor.FromArray([1.0, 2.0])]);
        var cts = pullback(1.0);
        Assert.Equal(Math.Cos(1.0), cts[0].ToDouble(), 12);
        Assert.Equal([0.0, 0.0], cts[1].ToArray<double>());
    }

    [Fact]
    public void Pullback_CanBeCalledRepeatedly()
    {
        var (_, pullback) = Ad.Vjp<Tensor, Tensor>(x => Lax.Sin(x) * x, 2.0);
        var a = pullback(1.0).ToDouble();
        var b = pullback(2.0).ToDouble();
        Assert.Equal(2 * a, b, 12);
    }
}
