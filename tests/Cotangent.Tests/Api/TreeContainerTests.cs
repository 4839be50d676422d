using System.Collections.Immutable;
using System.Collections.ObjectModel;
using System.Runtime.CompilerServices;

namespace Cotangent.Tests.Api;

/// <summary>
/// Every supported container: Grad of Σ over leaves of Sum(sin(x)·x) returns the same structure (same
/// runtime types, keys and lengths) with cos(x)·x + sin(x) at each leaf — the gradient of the same function
/// on the flat tensor. Leaves are read back by hand-written accessors, not by the tree code under test.
/// </summary>
public class TreeContainerTests
{
    internal static Tensor SinX(Tensor x) => Np.Sum(Np.Sin(x) * x);

    internal static Tensor Loss(IEnumerable<Tensor> leaves)
    {
        Tensor total = 0.0;
        foreach (var leaf in leaves) total += SinX(leaf);
        return total;
    }

    internal static Tensor T(int seed, params int[] shape) => TestFunctions.Random((ulong)seed, shape);

    /// <summary>The gradient at <paramref name="x"/> equals Grad of SinX on the flat tensor.</summary>
    internal static void AssertGrad(Tensor x, Tensor g)
    {
        var expected = Ad.Grad<Tensor>(SinX)(x);
        Assert.Equal(x.Shape, g.Shape);
        Assert.True(TestFunctions.MaxAbsDiff(expected, g) <= 1e-12, $"gradient differs from the flat gradient by {TestFunctions.MaxAbsDiff(expected, g)}");
    }

    internal static void AssertGrads(IEnumerable<Tensor> xs, IEnumerable<Tensor> gs)
    {
        var x = xs.ToList();
        var g = gs.ToList();
        Assert.Equal(x.Count, g.Count);
        for (int i = 0; i < x.Count; i++) AssertGrad(x[i], g[i]);
    }

    [Fact]
    public void ReadOnlyListMember_KeepsEachRuntimeType()
    {
        Tensor[] items = [T(1, 3), T(2, 2, 2)];
        IReadOnlyList<Tensor>[] holders =
            [items, new List<Tensor>(items), ImmutableArray.Create(items), ImmutableList.Create(items), new ReadOnlyCollection<Tensor>(items), new List<Tensor>(items).AsReadOnly()];
        foreach (var list in holders)
        {
            var g = Ad.Grad<ReadOnlyListHolder>(h => Loss(h.Items))(new ReadOnlyListHolder(list, "tag"));
            Assert.Equal(list.GetType(), g.Items.GetType());
            Assert.Equal("tag", g.Tag);
            AssertGrads(items, g.Items);
        }
    }

    [Fact]
    public void CollectionExpressions_ForInterfaceMembers_RoundTrip()
    {
        // The compiler synthesizes a read-only list type for each of these; they must not be errors or constants.
        Tensor a = T(1, 3), b = T(2, 2);
        var several = new ReadOnlyListHolder([a, b], "two");
        var single = new ReadOnlyListHolder([a], "one");
        var interfaces = new InterfaceHolder([a], [b], [a, b]);
        foreach (var x in new[] { several, single })
        {
            var g = Ad.Grad<ReadOnlyListHolder>(h => Loss(h.Items))(x);
            Assert.Equal(x.Items.GetType(), g.Items.GetType());
            AssertGrads(x.Items, g.Items);
        }

        var gi = Ad.Grad<InterfaceHolder>(h => Loss([.. h.Enumerable, .. h.List, .. h.Collection]))(interfaces);
        Assert.Equal(interfaces.Enumerable.GetType(), gi.Enumerable.GetType());
        Assert.Equal(interfaces.Collection.GetType(), gi.Collection.GetType());
        AssertGrads([a, b, a, b], [.. gi.Enumerable, .. gi.List, .. gi.Collection]);
    }

    [Fact]
    public void InterfaceMembers_RebuildTheRuntimeType()
    {
        var x = new InterfaceHolder(ImmutableList.Create(T(1, 2)), new List<Tensor> { T(2, 3) }, new[] { T(3, 4), T(4) });
        var g = Ad.Grad<InterfaceHolder>(h => Loss([.. h.Enumerable, .. h.List, .. h.Collection]))(x);
        Assert.IsType<ImmutableList<Tensor>>(g.Enumerable);
        Assert.IsType<List<Tensor>>(g.List);
        Assert.IsType<Tensor[]>(g.Collection);
        AssertGrads([.. x.Enumerable, .. x.List, .. x.Collection], [.. g.Enumerable, .. g.List, .. g.Collection]);
    }

    [Fact]
    public void Dictionaries_KeepTypeKeysComparerAndEnumerationOrder()
    {
        var byName = new Dictionary<string, Tensor>(StringComparer.OrdinalIgnoreCase) { ["zeta"] = T(1, 2), ["Alpha"] = T(2, 3), ["mid"] = T(3) };
        var inner = new SortedDictionary<string, Tensor>(StringComparer.Ordinal) { ["b"] = T(4, 2), ["a"] = T(5, 2) };
        var x = new DictionaryHolder(byName, new ReadOnlyDictionary<string, Tensor>(inner));
        var g = Ad.Grad<DictionaryHolder>(h => Loss([.. h.ByName.Values, .. h.ReadOnly.Values]))(x);

        Assert.Equal(["zeta", "Alpha", "mid"], g.ByName.Keys);
        Assert.Same(byName.Comparer, g.ByName.Comparer);
        Assert.True(g.ByName.ContainsKey("ALPHA"));
        foreach (var key in byName.Keys) AssertGrad(byName[key], g.ByName[key]);

        var ro = Assert.IsType<ReadOnlyDictionary<string, Tensor>>(g.ReadOnly);
        Assert.Equal(["a", "b"], ro.Keys);
        foreach (var key in inner.Keys) AssertGrad(inner[key], ro[key]);
    }

    [Fact]
    public void SortedAndImmutableDictionaries_RoundTripThroughGrad()
    {
        var sorted = new SortedDictionary<int, Tensor>(Comparer<int>.Create((a, b) => b.CompareTo(a))) { [1] = T(1, 2), [5] = T(2, 3) };
        var list = new SortedList<int, Tensor> { [3] = T(3), [1] = T(4, 2) };
        var immutable = ImmutableDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, Tensor>("q", T(5, 2)), new("p", T(6))]);
        var immutableSorted = ImmutableSortedDictionary.CreateRange([new KeyValuePair<long, Tensor>(9, T(7, 2)), new(-1, T(8, 3))]);
        var x = (sorted, list, immutable, immutableSorted);
        var g = Ad.Grad<(SortedDictionary<int, Tensor>, SortedList<int, Tensor>, ImmutableDictionary<string, Tensor>, ImmutableSortedDictionary<long, Tensor>)>(
            d => Loss([.. d.Item1.Values, .. d.Item2.Values, .. d.Item3.Values, .. d.Item4.Values]))(x);

        Assert.Equal([5, 1], g.Item1.Keys);
        Assert.Same(sorted.Comparer, g.Item1.Comparer);
        Assert.Equal([1, 3], g.Item2.Keys);
        Assert.Same(immutable.KeyComparer, g.Item3.KeyComparer);
        Assert.Equal([-1L, 9L], g.Item4.Keys);
        foreach (var (k, v) in sorted) AssertGrad(v, g.Item1[k]);
        foreach (var (k, v) in list) AssertGrad(v, g.Item2[k]);
        foreach (var (k, v) in immutable) AssertGrad(v, g.Item3[k]);
        foreach (var (k, v) in immutableSorted) AssertGrad(v, g.Item4[k]);
    }

    [Fact]
    public void DictionaryLeafOrder_DoesNotDependOnInsertionOrder()
    {
        Tensor a = T(1, 2), b = T(2, 3);
        var (leaves1, def1) = Tree.Flatten(new Dictionary<string, Tensor> { ["b"] = b, ["a"] = a });
        var (leaves2, def2) = Tree.Flatten(new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b });
        Assert.Equal(def1, def2);
        Assert.Equal([a, b], leaves1);
        Assert.Equal([a, b], leaves2);
        Assert.NotEqual(def1, Tree.Flatten(new Dictionary<string, Tensor> { ["a"] = a, ["c"] = b }).Def);
    }

    [Fact]
    public void DictionaryKeys_ThatCannotBeOrderedOrHoldTensors_AreTypedErrors()
    {
        var unordered = Assert.Throws<TreeStructureException>(() => Tree.Flatten(new Dictionary<OpaqueKey, Tensor> { [new OpaqueKey()] = T(1) }));
        Assert.Contains("OpaqueKey", unordered.Message, StringComparison.Ordinal);
        var mixed = Assert.Throws<TreeStructureException>(() => Tree.Flatten(new Dictionary<object, Tensor> { ["a"] = T(1), [1] = T(2) }));
        Assert.Contains("cannot be ordered", mixed.Message, StringComparison.Ordinal);
        var tensorKey = Assert.Throws<TreeStructureException>(() => Tree.Flatten(new Dictionary<Tensor, int> { [T(1)] = 1 }));
        Assert.Contains("key", tensorKey.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(15)]
    [InlineData(20)]
    public void LongValueTuplesAndTuples_RoundTrip(int length)
    {
        var ts = Enumerable.Range(0, 20).Select(i => T(i, 1 + (i % 3))).ToArray();
        switch (length)
        {
            case 9:
                CheckTuple((ts[0], ts[1], ts[2], ts[3], ts[4], ts[5], ts[6], ts[7], ts[8]));
                CheckTuple((ts[0], ts[1], ts[2], ts[3], ts[4], ts[5], ts[6], ts[7], ts[8]).ToTuple());
                break;
            case 15:
                CheckTuple((ts[0], ts[1], ts[2], ts[3], ts[4], ts[5], ts[6], ts[7], ts[8], ts[9], ts[10], ts[11], ts[12], ts[13], ts[14]));
                CheckTuple((ts[0], ts[1], ts[2], ts[3], ts[4], ts[5], ts[6], ts[7], ts[8], ts[9], ts[10], ts[11], ts[12], ts[13], ts[14]).ToTuple());
                break;
            default:
                CheckTuple((ts[0], ts[1], ts[2], ts[3], ts[4], ts[5], ts[6], ts[7], ts[8], ts[9], ts[10], ts[11], ts[12], ts[13], ts[14], ts[15], ts[16], ts[17], ts[18], ts[19]));
                CheckTuple((ts[0], ts[1], ts[2], ts[3], ts[4], ts[5], ts[6], ts[7], ts[8], ts[9], ts[10], ts[11], ts[12], ts[13], ts[14], ts[15], ts[16], ts[17], ts[18], ts[19]).ToTuple());
                break;
        }

        // The error path numbers items across the nested Rest: Item{length}, not Rest.Item{…}.
        var items = ts[..length].Cast<object>().ToArray();
        items[^1] = new HashSet<Tensor> { ts[0] };
        var error = Assert.Throws<TreeStructureException>(() => Tree.Flatten(ValueTupleOf(items)));
        Assert.Contains($"root.Item{length} (HashSet<Tensor>)", error.Message, StringComparison.Ordinal);

        static void CheckTuple<TTuple>(TTuple x)
            where TTuple : ITuple
        {
            var g = Ad.Grad<TTuple>(t => Loss(TupleItems.Of(t)))(x);
            Assert.Equal(x.Length, g.Length);
            AssertGrads(TupleItems.Of(x), TupleItems.Of(g));
        }
    }

    [Fact]
    public void KeyValuePair_AndNullableStruct_RoundTrip()
    {
        var kv = new KeyValuePair<string, Tensor>("w", T(1, 3));
        var g = Ad.Grad<KeyValuePair<string, Tensor>>(p => SinX(p.Value))(kv);
        Assert.Equal("w", g.Key);
        AssertGrad(kv.Value, g.Value);

        var n = new NullableHolder(new PairStruct(T(2, 2), T(3)), null);
        var gn = Ad.Grad<NullableHolder>(h => Loss([h.Present!.Value.A, h.Present.Value.B]))(n);
        Assert.Null(gn.Absent);
        AssertGrad(n.Present!.Value.A, gn.Present!.Value.A);
        AssertGrad(n.Present.Value.B, gn.Present.Value.B);
    }

    [Fact]
    public void MultiDimensionalAndJaggedArrays_RoundTrip()
    {
        var grid = new Tensor[2, 3];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) grid[i, j] = T((i * 3) + j, j + 1);
        var g = Ad.Grad<Tensor[,]>(m => Loss(m.Cast<Tensor>()))(grid);
        Assert.Equal(2, g.GetLength(0));
        Assert.Equal(3, g.GetLength(1));
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) AssertGrad(grid[i, j], g[i, j]);

        // Row-major leaf order, and a non-zero lower bound survives.
        Assert.Equal(grid.Cast<Tensor>(), Tree.Flatten(grid).Leaves);
        var shifted = (Tensor[,])Array.CreateInstance(typeof(Tensor), [1, 2], [5, -1]);
        shifted[5, -1] = T(10, 2);
        shifted[5, 0] = T(11);
        var gs = Ad.Grad<Tensor[,]>(m => Loss(m.Cast<Tensor>()))(shifted);
        Assert.Equal(5, gs.GetLowerBound(0));
        Assert.Equal(-1, gs.GetLowerBound(1));
        AssertGrad(shifted[5, 0], gs[5, 0]);

        var cube = new object[1, 2, 1] { { { T(12, 2) }, { new List<Tensor> { T(13) } } } };
        var gc = Ad.Grad<object[,,]>(c => Loss([(Tensor)c[0, 0, 0], .. (List<Tensor>)c[0, 1, 0]]))(cube);
        AssertGrad((Tensor)cube[0, 0, 0], (Tensor)gc[0, 0, 0]);
        Assert.IsType<List<Tensor>>(gc[0, 1, 0]);

        Tensor[][] jagged = [[T(14, 2)], [], [T(15), T(16, 3)]];
        var gj = Ad.Grad<Tensor[][]>(a => Loss(a.SelectMany(r => r)))(jagged);
        Assert.Equal([1, 0, 2], gj.Select(r => r.Length));
        AssertGrads(jagged.SelectMany(r => r), gj.SelectMany(r => r));
    }

    [Fact]
    public void RecordsClassesAndStructs_EveryKindOfMember()
    {
        var x = (
            Explicit: new ExplicitBacking(T(1, 2)),
            GetOnly: new GetOnly(T(2, 3)),
            CtorOnly: new ConstructorOnly(T(3), [T(4, 2), T(5, 2)]),
            Pair: new PairStruct(T(6), T(7, 2)),
            Mutable: new MutableStruct { X = T(8, 3), Count = 4 },
            Derived: new DerivedParams(T(9, 2), T(10)));
        var g = Ad.Grad<(ExplicitBacking Explicit, GetOnly GetOnly, ConstructorOnly CtorOnly, PairStruct Pair, MutableStruct Mutable, DerivedParams Derived)>(
            p => Loss([p.Explicit.W, p.GetOnly.W, .. p.CtorOnly.Leaves(), p.Pair.A, p.Pair.B, p.Mutable.X, p.Derived.Hidden, p.Derived.Extra]))(x);

        AssertGrad(x.Explicit.W, g.Explicit.W);
        AssertGrad(x.GetOnly.W, g.GetOnly.W);
        Assert.Equal(3, g.GetOnly.Scale);
        Assert.Equal(3, g.CtorOnly.Count);
        AssertGrads(x.CtorOnly.Leaves(), g.CtorOnly.Leaves());
        AssertGrad(x.Pair.A, g.Pair.A);
        AssertGrad(x.Pair.B, g.Pair.B);
        AssertGrad(x.Mutable.X, g.Mutable.X);
        Assert.Equal(4, g.Mutable.Count);
        AssertGrad(x.Derived.Hidden, g.Derived.Hidden);
        AssertGrad(x.Derived.Extra, g.Derived.Extra);
        Assert.NotSame(x.Explicit, g.Explicit);
    }

    [Fact]
    public void ObjectTypedMembers_FollowTheRuntimeValue()
    {
        var x = new ObjectHolder(T(1, 2), [T(2), new PairStruct(T(3, 2), T(4)), "static", 5], [new Dictionary<string, Tensor> { ["k"] = T(5, 3) }, (T(6), 1.5)]);
        var g = Ad.Grad<ObjectHolder>(h => Loss(
        [
            (Tensor)h.A, (Tensor)h.B[0], ((PairStruct)h.B[1]).A, ((PairStruct)h.B[1]).B,
            ((Dictionary<string, Tensor>)h.C[0])["k"], (((Tensor, double))h.C[1]).Item1,
        ]))(x);
        AssertGrad((Tensor)x.A, (Tensor)g.A);
        AssertGrad(((PairStruct)x.B[1]).B, ((PairStruct)g.B[1]).B);
        Assert.Equal("static", g.B[2]);
        Assert.Equal(5, g.B[3]);
        AssertGrad(((Dictionary<string, Tensor>)x.C[0])["k"], ((Dictionary<string, Tensor>)g.C[0])["k"]);
        Assert.Equal(1.5, (((Tensor, double))g.C[1]).Item2);
    }

    [Fact]
    public void StaticMembers_AreCarriedAlong()
    {
        Func<Tensor, Tensor> activation = Np.Tanh;
        var x = new Statics(T(1, 3), 7, "s", DayOfWeek.Friday, [1.0, 2.0], Math.Sin, activation, ["a"], new Random(3), typeof(int), [1.0], 42);
        var g = Ad.Grad<Statics>(s => SinX(s.W))(x);
        AssertGrad(x.W, g.W);
        Assert.Equal((7, "s", DayOfWeek.Friday, typeof(int), (object)42), (g.N, g.S, g.Day, g.Kind, g.Boxed));
        Assert.Same(x.Data, g.Data);
        Assert.Same(x.F, g.F);
        Assert.Same(x.Activation, g.Activation);
        Assert.Same(x.Names, g.Names);
        Assert.Same(x.Rng, g.Rng);
        Assert.Same(x.Sizes, g.Sizes);
        Assert.Single(Tree.Flatten(x).Leaves);
    }

    /// <summary>A value tuple of object-typed items of any length (nesting Rest), built without the tree code.</summary>
    private static object ValueTupleOf(object[] items)
    {
        if (items.Length <= 7)
            return Activator.CreateInstance(Type.GetType("System.ValueTuple`" + items.Length)!.MakeGenericType([.. items.Select(_ => typeof(object))]), items)!;
        var rest = ValueTupleOf(items[7..]);
        return Activator.CreateInstance(typeof(ValueTuple<,,,,,,,>).MakeGenericType([.. Enumerable.Repeat(typeof(object), 7), rest.GetType()]), [.. items[..7], rest])!;
    }
}
