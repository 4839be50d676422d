using System.Collections;
using System.Runtime.CompilerServices;

namespace Cotangent.Tests.Api;

// Parameter types for the tree tests: every way a record, class or struct can hold a tensor.

public sealed record ReadOnlyListHolder(IReadOnlyList<Tensor> Items, string Tag);

public sealed record InterfaceHolder(IEnumerable<Tensor> Enumerable, IList<Tensor> List, IReadOnlyCollection<Tensor> Collection);

public sealed record DictionaryHolder(Dictionary<string, Tensor> ByName, IReadOnlyDictionary<string, Tensor> ReadOnly);

/// <summary>A property over an explicit private field.</summary>
public sealed class ExplicitBacking(Tensor w)
{
    private Tensor _w = w;

    public Tensor W
    {
        get => _w;
        init => _w = value;
    }
}

/// <summary>A get-only property and a get-only static member, both set by the constructor.</summary>
public sealed class GetOnly(Tensor w)
{
    public Tensor W { get; } = w;

    public double Scale { get; } = 3;
}

/// <summary>State reachable only through the constructor and methods: no property exposes a field directly.</summary>
public sealed class ConstructorOnly(Tensor a, Tensor[] bs)
{
    private readonly Tensor _a = a;
    private readonly Tensor[] _bs = bs;

    public IEnumerable<Tensor> Leaves() => [_a, .. _bs];

    public int Count => _bs.Length + 1;
}

public record struct PairStruct(Tensor A, Tensor B);

public struct MutableStruct
{
    public Tensor X;
    public int Count;
}

public class BaseParams(Tensor hidden)
{
    private readonly Tensor _hidden = hidden;

    public Tensor Hidden => _hidden;
}

public sealed class DerivedParams(Tensor hidden, Tensor extra) : BaseParams(hidden)
{
    public Tensor Extra { get; } = extra;
}

public sealed record NullableHolder(PairStruct? Present, PairStruct? Absent);

public sealed record ObjectHolder(object A, object[] B, List<object> C);

public sealed class Node
{
    public Tensor W = 0.0;
    public Node? Next;

    public static Node Chain(int length, Func<int, Tensor> weight)
    {
        var head = new Node { W = weight(0) };
        var current = head;
        for (int i = 1; i < length; i++) current = current.Next = new Node { W = weight(i) };
        return head;
    }

    public IEnumerable<Node> Walk()
    {
        for (var n = this; n is not null; n = n.Next) yield return n;
    }
}

public sealed record Statics(
    Tensor W, int N, string S, DayOfWeek Day, double[] Data, Func<double, double> F, Func<Tensor, Tensor> Activation,
    HashSet<string> Names, Random Rng, Type Kind, List<double> Sizes, object Boxed);

public sealed record WithHashSet(Tensor W, HashSet<Tensor> Set);

public sealed record WithQueue(Queue<Tensor> Queue);

public sealed record WithLazy(Lazy<Tensor> Lazy);

public sealed record WithFunc(Func<Tensor> F);

public sealed record WithMemory(Memory<Tensor> Memory);

public sealed record WithEnumerable(IEnumerable<Tensor> Items);

public sealed record WithObject(object Value);

public sealed record WithBag(TensorBag Bag);

/// <summary>A collection the tree code cannot know how to rebuild.</summary>
public sealed class TensorBag : IEnumerable<Tensor>
{
    private readonly List<Tensor> _items = [];

    public void Add(Tensor t) => _items.Add(t);

    public IEnumerator<Tensor> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A key with no order.</summary>
public sealed class OpaqueKey;

/// <summary>Helpers for tuples of any length, through <see cref="ITuple"/> (which the tree code does not use to rebuild).</summary>
internal static class TupleItems
{
    public static IEnumerable<Tensor> Of(ITuple tuple)
    {
        for (int i = 0; i < tuple.Length; i++) yield return (Tensor)tuple[i]!;
    }
}
