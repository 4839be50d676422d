using System.Collections.Immutable;
using System.Collections.ObjectModel;
using System.Runtime.CompilerServices;
using System.Text;
using CsCheck;
using Xunit.Abstractions;
using static Cotangent.Tests.Api.TreeContainerTests;

namespace Cotangent.Tests.Api;

/// <summary>The container kinds random trees are built from.</summary>
public enum SpecKind
{
    Leaf, ObjectArray, List, ReadOnlyList, Dictionary, SortedDictionary, ImmutableDictionary, ValueTuple, Tuple, Record, Class, RecordStruct, Grid,
}

/// <summary>A random tree's description: a leaf (a tensor of <see cref="Size"/> elements) or a container of children.</summary>
public sealed record Spec(SpecKind Kind, int Size, int Flavor, Spec[] Children)
{
    public override string ToString()
    {
        var text = new StringBuilder();
        Append(text);
        return text.ToString();
    }

    private void Append(StringBuilder text)
    {
        if (Kind == SpecKind.Leaf)
        {
            text.Append("leaf(").Append(Size).Append(')');
            return;
        }

        text.Append(Kind).Append(Flavor == 0 ? "" : "/" + Flavor).Append('(');
        for (int i = 0; i < Children.Length; i++)
        {
            if (i > 0) text.Append(", ");
            Children[i].Append(text);
        }

        text.Append(')');
    }
}

public sealed record PropRecord(object A, object B);

public sealed class PropClass(object a, object b)
{
    private readonly object _a = a;
    private object _b = b;

    public object A => _a;

    public object B
    {
        get => _b;
        set => _b = value;
    }
}

public record struct PropStruct(object A, object B);

/// <summary>
/// Random nested trees of every supported container kind, with tensors of 0 to 600 float64 elements: Grad's
/// result has the same structure (runtime types, keys, lengths) and the right gradient at every leaf.
/// Structure and leaves are read by a walk over the <see cref="Spec"/>, independent of the tree code.
/// </summary>
[Trait("Category", "Property")]
public sealed class TreePropertyTests(ITestOutputHelper output)
{
    private static readonly int[][] s_shapes = [[], [3], [2, 3], [0], [600], [4, 150]];

    private static readonly Gen<Spec> s_leaf = Gen.Int[0, s_shapes.Length - 1].Select(s => new Spec(SpecKind.Leaf, s, 0, []));

    private static readonly Gen<Spec> s_trees = Gen.Recursive<Spec>((depth, self) =>
        depth >= 4 ? s_leaf : Gen.Frequency((2, s_leaf), (3, Gen.Select(Gen.Int[1, (int)SpecKind.Grid], Gen.Int[0, 4], self.Array[0, 3], Node))));

    private static Spec Node(int kind, int flavor, Spec[] children)
    {
        var k = (SpecKind)kind;
        // Records and structs have two members; tuples at least one item, and with flavor 4 eight to ten (nesting
        // Rest). Missing items are leaves, so a subtree never has more than three non-leaf children.
        int count = k switch
        {
            SpecKind.Record or SpecKind.Class or SpecKind.RecordStruct => 2,
            SpecKind.ValueTuple or SpecKind.Tuple => flavor == 4 ? 8 + (children.Length % 3) : Math.Max(1, children.Length),
            _ => children.Length,
        };
        var items = new Spec[count];
        for (int i = 0; i < count; i++) items[i] = i < children.Length ? children[i] : new Spec(SpecKind.Leaf, i % s_shapes.Length, 0, []);
        return new Spec(k, 0, flavor, items);
    }

    [Fact]
    public void Grad_PreservesStructure_AndGivesTheFlatGradientAtEveryLeaf()
    {
        const int iterations = 300;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++)
        {
            var pcg = new PCG(0x7ee5u, (ulong)i);
            var spec = s_trees.Generate(pcg, null, out _);
            try
            {
                Check(spec);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                output.WriteLine($"tree {i} failed: {spec}\n{e}");
                throw;
            }
        }

        output.WriteLine($"{iterations} random trees in {watch.Elapsed.TotalSeconds:F1} s");
    }

    private static void Check(Spec spec)
    {
        int seed = 0;
        var x = Build(spec, ref seed);
        var g = Ad.Grad<object>(tree => Loss(Leaves(spec, tree)))(x);
        AssertSameStructure(spec, x, g, "root");
        var xs = Leaves(spec, x).ToList();
        var gs = Leaves(spec, g).ToList();
        Assert.Equal(xs.Count, gs.Count);
        for (int i = 0; i < xs.Count; i++) AssertGrad(xs[i], gs[i]);
    }

    private static object Build(Spec spec, ref int seed)
    {
        if (spec.Kind == SpecKind.Leaf) return T(++seed, s_shapes[spec.Size]);
        var items = new object[spec.Children.Length];
        for (int i = 0; i < items.Length; i++) items[i] = Build(spec.Children[i], ref seed);
        switch (spec.Kind)
        {
            case SpecKind.ObjectArray: return items;
            case SpecKind.List: return items.ToList();
            case SpecKind.ReadOnlyList:
                IReadOnlyList<object> list = (spec.Flavor % 4) switch
                {
                    0 => items,
                    1 => ImmutableArray.Create(items),
                    2 => ImmutableList.Create(items),
                    _ => new ReadOnlyCollection<object>(items.ToList()),
                };
                return new PropRecord(list, spec.Flavor);
            case SpecKind.Dictionary:
                // Inserted in reverse key order: the leaf order must not depend on it.
                var d = new Dictionary<string, object>();
                for (int i = items.Length - 1; i >= 0; i--) d.Add("k" + i, items[i]);
                return d;
            case SpecKind.SortedDictionary:
                var sorted = new SortedDictionary<int, object>();
                for (int i = 0; i < items.Length; i++) sorted.Add(-i, items[i]);
                return sorted;
            case SpecKind.ImmutableDictionary:
                return items.Select((v, i) => new KeyValuePair<string, object>("k" + i, v)).ToImmutableDictionary();
            case SpecKind.ValueTuple: return MakeTuple(typeof(ValueTuple), items);
            case SpecKind.Tuple: return MakeTuple(typeof(Tuple), items);
            case SpecKind.Record: return new PropRecord(items[0], items[1]);
            case SpecKind.Class: return new PropClass(items[0], items[1]);
            case SpecKind.RecordStruct: return new PropStruct(items[0], items[1]);
            default:
                var grid = new object[items.Length % 2 == 0 ? 2 : 1, items.Length % 2 == 0 ? items.Length / 2 : items.Length];
                for (int i = 0; i < items.Length; i++) grid[i / grid.GetLength(1), i % grid.GetLength(1)] = items[i];
                return grid;
        }
    }

    /// <summary>A ValueTuple or Tuple typed by its items' runtime types, of any length (nesting Rest).</summary>
    private static object MakeTuple(Type factory, object[] items)
    {
        var generic = factory.Assembly.GetType(factory.FullName + "`" + Math.Min(items.Length, 8))!;
        if (items.Length <= 7) return Activator.CreateInstance(generic.MakeGenericType([.. items.Select(v => v.GetType())]), items)!;
        var rest = MakeTuple(factory, items[7..]);
        return Activator.CreateInstance(generic.MakeGenericType([.. items[..7].Select(v => v.GetType()), rest.GetType()]), [.. items[..7], rest])!;
    }

    /// <summary>The children of a node, read by hand for its kind.</summary>
    private static object[] Children(Spec spec, object node) => spec.Kind switch
    {
        SpecKind.ObjectArray => (object[])node,
        SpecKind.List => [.. (List<object>)node],
        SpecKind.ReadOnlyList => [.. (IReadOnlyList<object>)((PropRecord)node).A],
        SpecKind.Dictionary => [.. spec.Children.Select((_, i) => ((Dictionary<string, object>)node)["k" + i])],
        SpecKind.SortedDictionary => [.. spec.Children.Select((_, i) => ((SortedDictionary<int, object>)node)[-i])],
        SpecKind.ImmutableDictionary => [.. spec.Children.Select((_, i) => ((ImmutableDictionary<string, object>)node)["k" + i])],
        SpecKind.ValueTuple or SpecKind.Tuple => [.. Enumerable.Range(0, ((ITuple)node).Length).Select(i => ((ITuple)node)[i]!)],
        SpecKind.Record => [((PropRecord)node).A, ((PropRecord)node).B],
        SpecKind.Class => [((PropClass)node).A, ((PropClass)node).B],
        SpecKind.RecordStruct => [((PropStruct)node).A, ((PropStruct)node).B],
        _ => [.. ((object[,])node).Cast<object>()],
    };

    private static IEnumerable<Tensor> Leaves(Spec spec, object node)
    {
        if (spec.Kind == SpecKind.Leaf) return [(Tensor)node];
        var children = Children(spec, node);
        return spec.Children.SelectMany((s, i) => Leaves(s, children[i]));
    }

    private static void AssertSameStructure(Spec spec, object x, object g, string path)
    {
        Assert.True(x.GetType() == g.GetType(), $"{path}: {g.GetType()} where {x.GetType()} was expected");
        if (spec.Kind == SpecKind.Leaf) return;
        // Mutable containers must be fresh (immutable ones may be shared: ImmutableDictionary's empty instance is a singleton).
        if (spec.Kind != SpecKind.ImmutableDictionary) Assert.False(ReferenceEquals(x, g), $"{path}: the result shares the input's {x.GetType().Name}");
        switch (spec.Kind)
        {
            case SpecKind.ReadOnlyList:
                Assert.Equal(((PropRecord)x).A.GetType(), ((PropRecord)g).A.GetType());
                Assert.Equal(((PropRecord)x).B, ((PropRecord)g).B);
                break;
            case SpecKind.Dictionary:
                Assert.Equal(((Dictionary<string, object>)x).Keys, ((Dictionary<string, object>)g).Keys);
                break;
            case SpecKind.SortedDictionary:
                Assert.Equal(((SortedDictionary<int, object>)x).Keys, ((SortedDictionary<int, object>)g).Keys);
                break;
            case SpecKind.ImmutableDictionary:
                Assert.Equal(((ImmutableDictionary<string, object>)x).Keys.Order(), ((ImmutableDictionary<string, object>)g).Keys.Order());
                break;
            case SpecKind.Grid:
                Assert.Equal(((object[,])x).GetLength(0), ((object[,])g).GetLength(0));
                break;
            default: break;
        }

        var xs = Children(spec, x);
        var gs = Children(spec, g);
        Assert.Equal(xs.Length, gs.Length);
        for (int i = 0; i < xs.Length; i++) AssertSameStructure(spec.Children[i], xs[i], gs[i], $"{path}/{i}");
    }
}
