using System.Collections.Concurrent;
using Cotangent.Compile;
using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Transforms;

namespace Cotangent;

/// <summary>Options of <see cref="Ad.Jit{TIn, TOut}(Func{TIn, TOut}, JitOptions?)"/>.</summary>
public sealed record JitOptions
{
    /// <summary>The name printed for the compiled call (default: the function's method name, or <c>f</c> for a lambda).</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Receives one line per compilation saying why it happened (JAX's <c>explain_cache_misses</c>): the first call, or
    /// which leaf's shape or dtype, or which part of the tree structure or its static values, differs from the nearest
    /// signature already compiled. Null (the default) logs nothing.
    /// </summary>
    public Action<string>? Log { get; init; }
}

/// <summary>
/// A function compiled by <see cref="Ad.Jit{TIn, TOut}(Func{TIn, TOut}, JitOptions?)"/>. Each call flattens its
/// argument; the first call with a given signature — tree structure, static (non-tensor) values, and every leaf's
/// shape and dtype — traces the function to a program and compiles it; later calls with that signature run the
/// compiled code. Thread-safe: concurrent first calls compile once. Dropping the object drops its compiled code.
/// </summary>
/// <typeparam name="TIn">The argument: a tensor or any tree of tensors (records, tuples, lists, dictionaries, arrays).</typeparam>
/// <typeparam name="TOut">The result: a tensor or a tree of tensors.</typeparam>
public sealed class JitFunction<TIn, TOut>
{
    private readonly Func<TIn, TOut> _f;
    private readonly JitOptions _options;
    private readonly string _name;
    private readonly ConcurrentDictionary<Signature, Lazy<Entry>> _cache = new();
    private int _compiles;

    internal JitFunction(Func<TIn, TOut> f, JitOptions? options)
    {
        _f = f;
        _options = options ?? new JitOptions();
        var method = f.Method.Name;
        _name = _options.Name ?? (method.Contains('<', StringComparison.Ordinal) ? "f" : method);
    }

    /// <summary>How many times the function was traced and compiled (once per signature, plus once per call that closes
    /// over values of an enclosing transformation, which cannot be cached).</summary>
    public int CompileCount => Volatile.Read(ref _compiles);

    /// <summary>How many signatures are compiled.</summary>
    public int CacheSize => _cache.Count;

    /// <summary>Runs the compiled function (compiling it first for a new signature). Under a transformation (Grad, Jvp, …)
    /// the compiled program is transformed and the result compiled too.</summary>
    /// <exception cref="ArgumentNullException">input is null.</exception>
    public TOut Invoke(TIn input)
    {
        if (input is null) throw new ArgumentNullException(nameof(input), "Jit: the argument is null; pass a tensor or a tree of tensors.");
        var (leaves, def) = Tree.Flatten(input);
        var avals = Staging.AvalsOf(leaves);
        var signature = new Signature(def, avals);
        Entry entry;
        if (_cache.TryGetValue(signature, out var cached))
        {
            entry = cached.Value;
        }
        else if (TraceContext.Current is null)
        {
            // Nothing to capture from an enclosing transformation: trace inside the cache entry, so concurrent first
            // calls with one signature trace and compile once.
            entry = _cache.GetOrAdd(signature, s => new Lazy<Entry>(() =>
            {
                _options.Log?.Invoke($"Jit {_name}: compiling for {s}: {Explain(s)}.");
                return Trace(s.Def, s.Avals);
            })).Value;
        }
        else
        {
            var made = Trace(def, avals);
            if (made.Captured.Length > 0)
            {
                // The function closes over values of an enclosing transformation: the program is specific to them.
                _options.Log?.Invoke($"Jit {_name}: compiling for {signature}, uncached: the function closes over {made.Captured.Length} value(s) of an enclosing transformation.");
                return Run(made, leaves);
            }

            entry = _cache.GetOrAdd(signature, s => new Lazy<Entry>(() =>
            {
                _options.Log?.Invoke($"Jit {_name}: compiling for {s}: {Explain(s)}.");
                return made;
            })).Value;
        }

        return Run(entry, leaves);
    }

    /// <summary>The compiled form for the signature of <paramref name="example"/> (compiling it if needed): the traced and
    /// optimized programs and the fused loops, printable (JAX's <c>jit(f).lower(x)</c>).</summary>
    /// <exception cref="ArgumentNullException">example is null.</exception>
    public Lowered Lower(TIn example)
    {
        if (example is null) throw new ArgumentNullException(nameof(example));
        var (leaves, def) = Tree.Flatten(example);
        var signature = new Signature(def, Staging.AvalsOf(leaves));
        var entry = _cache.GetOrAdd(signature, s => new Lazy<Entry>(() => Trace(s.Def, s.Avals))).Value;
        return new Lowered(entry.Call.Executable);
    }

    /// <summary>The compiled function as a delegate, to hand to the other transformations: <c>Ad.Grad(jitted.AsFunc())</c>.</summary>
    public Func<TIn, TOut> AsFunc() => Invoke;

    /// <summary>The compiled function as a delegate.</summary>
    public static implicit operator Func<TIn, TOut>(JitFunction<TIn, TOut> jitted) => jitted.Invoke;

    private Entry Trace(TreeDef def, Aval[] avals)
    {
        var flat = new FlatFunction<TIn, TOut>(_f, def);
        var (program, captured) = ControlFlow.TraceClosed(flat.Invoke, avals, "Jit");
        Interlocked.Increment(ref _compiles);
        return new Entry(new JitCallParams(program, _name), flat.OutputDef!, captured);
    }

    private static TOut Run(Entry entry, List<Tensor> leaves)
    {
        var results = Catalogue.JitCall.Bind([.. entry.Captured, .. leaves], entry.Call);
        return Tree.Unflatten<TOut>(entry.OutputDef, results);
    }

    /// <summary>Why <paramref name="signature"/> is new: the nearest compiled signature and what differs from it.</summary>
    private string Explain(Signature signature)
    {
        string? best = null;
        int bestScore = int.MaxValue;
        foreach (var other in _cache.Keys)
        {
            if (other.Equals(signature)) continue;
            string why;
            int score;
            if (!other.Def.Equals(signature.Def))
            {
                (why, score) = ($"the tree structure or a static value differs from a compiled signature (was {other.Def}, now {signature.Def})", 1000);
            }
            else
            {
                var changed = new List<string>();
                for (int i = 0; i < signature.Avals.Length; i++)
                    if (signature.Avals[i] != other.Avals[i]) changed.Add($"leaf {i} was {other.Avals[i]}, now {signature.Avals[i]}");
                (why, score) = (string.Join("; ", changed), changed.Count);
            }

            if (score < bestScore) (best, bestScore) = (why, score);
        }

        return best ?? "first call";
    }

    /// <summary>A compiled signature: the jit_call parameters (program and compiled code), the output structure, and the
    /// captured values of an enclosing transformation (empty for cached entries).</summary>
    private sealed record Entry(JitCallParams Call, TreeDef OutputDef, Tensor[] Captured);

    /// <summary>Tree structure (with static values) and leaf types.</summary>
    private sealed class Signature(TreeDef def, Aval[] avals) : IEquatable<Signature>
    {
        public TreeDef Def { get; } = def;

        public Aval[] Avals { get; } = avals;

        public bool Equals(Signature? other)
        {
            if (other is null || other.Avals.Length != Avals.Length || !other.Def.Equals(Def)) return false;
            for (int i = 0; i < Avals.Length; i++) if (Avals[i] != other.Avals[i]) return false;
            return true;
        }

        public override bool Equals(object? obj) => Equals(obj as Signature);

        public override int GetHashCode()
        {
            var h = new HashCode();
            h.Add(Def);
            foreach (var a in Avals) h.Add(a);
            return h.ToHashCode();
        }

        public override string ToString() => $"({string.Join(", ", Avals.Select(a => a.ToString()))})";
    }
}
