using static Cotangent.Tests.Api.TreeContainerTests;

namespace Cotangent.Tests.Api;

/// <summary>
/// Trees never treat tensors as constants silently, never share state between results, and never crash the
/// process: unsupported containers, cycles and absurd depth are typed errors naming the path.
/// </summary>
public class TreeSafetyTests
{
    public static TheoryData<string, Func<object>, string> Unsupported => new()
    {
        { "HashSet", () => new WithHashSet(T(1), [T(2)]), "root.Set (HashSet<Tensor>)" },
        { "empty HashSet", () => new WithHashSet(T(1), []), "root.Set (HashSet<Tensor>)" },
        { "Queue", () => new WithQueue(new Queue<Tensor>([T(1)])), "root.Queue (Queue<Tensor>)" },
        { "Lazy", () => new WithLazy(new Lazy<Tensor>(() => T(1))), "root.Lazy (Lazy<Tensor>)" },
        { "Memory", () => new WithMemory(new Tensor[] { T(1) }), "root.Memory (Memory<Tensor>)" },
        { "LINQ query", () => new WithEnumerable(new[] { T(1) }.Select(t => t * 2.0)), "root.Items (" },
        { "custom IEnumerable", () => new WithBag([T(1)]), "root.Bag (TensorBag)" },
        { "capturing Func", () => CapturingFunc(T(1)), "root.F (Func<Tensor>)" },
        { "tensor behind object", () => new WithObject(new List<object> { 1, new HashSet<object> { T(1) } }), "root.Value[1] (HashSet<Object>)" },
        { "Stack in a list in a dictionary", () => new Dictionary<string, object> { ["a"] = new List<object> { new Stack<Tensor>() } }, "root[\"a\"][0] (Stack<Tensor>)" },
    };

    [Theory]
    [MemberData(nameof(Unsupported))]
    public void UnsupportedContainers_AreTypedErrorsNamingThePath(string name, Func<object> make, string path)
    {
        var tree = make();
        var error = Assert.Throws<TreeStructureException>(() => Tree.Flatten(tree));
        Assert.True(error.Message.StartsWith(path, StringComparison.Ordinal), $"{name}: {error.Message}");
        // And Grad refuses instead of returning the parameter as its own "gradient".
        Assert.Throws<TreeStructureException>(() => Ad.Grad<object>(_ => T(0, 1)[0])(tree));
    }

    [Fact]
    public void DelegatesAndFrameworkObjects_WithoutTensors_AreStatic()
    {
        double scale = 2;
        var notCapturing = new WithFunc(() => 1.0);
        var capturingNumber = new WithObject((Func<double>)(() => scale));
        var hashOfStrings = new WithObject(new HashSet<object> { "a", 1 });
        var unorderedKeysNoTensors = new WithObject(new Dictionary<OpaqueKey, double> { [new OpaqueKey()] = 1, [new OpaqueKey()] = 2 });
        foreach (object tree in new object[] { notCapturing, capturingNumber, hashOfStrings, unorderedKeysNoTensors })
            Assert.Equal(TreeKind.Static, Tree.Flatten(tree).Def.Children[0].Kind);
    }

    private static WithFunc CapturingFunc(Tensor w) => new(() => w);

    [Fact]
    public void LinkedList_OfLength200_Differentiates()
    {
        var list = Node.Chain(200, i => T(i, 1 + (i % 4)));
        var g = Ad.Grad<Node>(n => Loss(n.Walk().Select(m => m.W)))(list);
        var xs = list.Walk().ToList();
        var gs = g.Walk().ToList();
        Assert.Equal(200, gs.Count);
        for (int i = 0; i < xs.Count; i++)
        {
            AssertGrad(xs[i].W, gs[i].W);
            Assert.NotSame(xs[i], gs[i]);
        }
    }

    [Fact]
    public void AbsurdDepth_IsATypedError_EvenOnASmallStack()
    {
        var deep = Node.Chain(10_000, _ => 1.0);
        object nested = T(1);
        for (int i = 0; i < 10_000; i++) nested = new object[] { nested };
        Exception? onSmallStack = null;
        // 256 KB is less than the depth limit needs, so the stack guard must answer before the limit does.
        var thread = new Thread(() => onSmallStack = Record.Exception(() => Tree.Flatten(deep)), 256 * 1024);
        thread.Start();
        thread.Join();

        Assert.IsType<TreeStructureException>(onSmallStack);
        // The depth limit, or on a thread with little stack the stack guard: either way "the tree nests …".
        Assert.Contains("the tree nests", Assert.Throws<TreeStructureException>(() => Tree.Flatten(deep)).Message, StringComparison.Ordinal);
        Assert.Contains("the tree nests", Assert.Throws<TreeStructureException>(() => Ad.Grad<object>(_ => T(0, 1)[0])(nested)).Message, StringComparison.Ordinal);
        Assert.Contains("the tree nests", ((TreeStructureException)onSmallStack!).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cycles_AreTypedErrors_SharedSubtreesAreNot()
    {
        var ring = Node.Chain(3, i => T(i));
        ring.Next!.Next!.Next = ring;
        var error = Assert.Throws<TreeStructureException>(() => Tree.Flatten(ring));
        Assert.StartsWith("root.Next.Next.Next (Node)", error.Message, StringComparison.Ordinal);
        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);

        var self = new List<object> { T(1) };
        self.Add(self);
        Assert.Contains("cycle", Assert.Throws<TreeStructureException>(() => Tree.Flatten(self)).Message, StringComparison.Ordinal);

        // The same object twice is not a cycle: two subtrees, two gradients.
        var shared = new Layer(T(1, 2), T(2));
        var (leaves, _) = Tree.Flatten(new[] { shared, shared });
        Assert.Equal(4, leaves.Count);
    }

    [Fact]
    public void PullbackResults_ShareNoBoxes_AcrossCallsAndThreads()
    {
        // Regression: a record struct inside object[] used to be one boxed template mutated by every rebuild.
        var x = new object[] { new PairStruct(T(1, 3), T(2)), new List<object> { new PairStruct(T(3, 2), T(4, 2)), 1 } };
        static IEnumerable<Tensor> Leaves(object[] p)
        {
            var first = (PairStruct)p[0];
            var second = (PairStruct)((List<object>)p[1])[0];
            return [first.A, first.B, second.A, second.B];
        }

        var (_, pullback) = Ad.Vjp<object[], Tensor>(p => Loss(Leaves(p)), x);
        var g1 = pullback(1.0);
        var before = Leaves(g1).Select(t => t.ToArray<double>()).ToList();
        var g2 = pullback(3.0);
        Assert.NotSame(g1[0], g2[0]);
        Assert.NotSame(g1[1], g2[1]);
        Assert.Equal(before, Leaves(g1).Select(t => t.ToArray<double>()));
        AssertGrads(Leaves(x), Leaves(g1));

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var start = new Barrier(8);
        var threads = Enumerable.Range(1, 8).Select(k => new Thread(() =>
        {
            start.SignalAndWait();
            for (int round = 0; round < 20; round++)
            {
                object[] g;
                try
                {
                    g = pullback((double)k);
                }
                catch (Exception e)
                {
                    failures.Add($"thread {k}: {e}");
                    return;
                }

                var got = Leaves(g).Select(t => t.ToArray<double>()).ToList();
                for (int i = 0; i < got.Count; i++)
                {
                    for (int j = 0; j < got[i].Length; j++)
                        if (Math.Abs(got[i][j] - (k * before[i][j])) > 1e-12) failures.Add($"thread {k}, leaf {i}[{j}]: {got[i][j]} vs {k * before[i][j]}");
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(failures);
    }

    [Fact]
    public void StaticStructValues_AreFreshBoxesInEveryResult()
    {
        var x = new object[] { T(1), new MutableStruct { Count = 3 } };
        var (leaves, def) = Tree.Flatten(x);
        var a = Tree.Unflatten<object[]>(def, leaves);
        var b = Tree.Unflatten<object[]>(def, leaves);
        Assert.NotSame(a[1], b[1]);
        Assert.NotSame(x[1], a[1]);
        Assert.NotSame(x, a);
    }

    [Fact]
    public void FirstUseOfATypeFromManyThreads_Agrees()
    {
        // Types never flattened before this test, so the reflection caches are filled concurrently. Same static
        // values everywhere: a TreeDef compares those too.
        var trees = Enumerable.Range(0, 8).Select(i => (object)new FreshOuter(new FreshInner(T(i, 2), 7), [T(i + 10)])).ToArray();
        var defs = new TreeDef?[trees.Length];
        var errors = new Exception?[trees.Length];
        using var start = new Barrier(trees.Length);
        var threads = Enumerable.Range(0, trees.Length).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            errors[i] = Record.Exception(() => defs[i] = Tree.Flatten(trees[i]).Def);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.All(errors, Assert.Null);
        Assert.All(defs, d => Assert.Equal(defs[0], d));
        Assert.Equal(2, defs[0]!.LeafCount);
    }

    private sealed record FreshInner(Tensor W, int Seed);

    private sealed record FreshOuter(FreshInner Inner, IReadOnlyList<Tensor> Extra);
}
