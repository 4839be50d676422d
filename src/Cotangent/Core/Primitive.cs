using Cotangent.Runtime;

namespace Cotangent.Core;

/// <summary>
/// A primitive operation: the unit every transformation interprets. Each primitive has an eager
/// implementation and a shape/dtype rule; the rules for the transformations (JVP, transpose, partial
/// evaluation, dead-code elimination, …) are interfaces declared by those transformations and
/// implemented by the primitive class itself, so all of a primitive's rules live in one place.
/// Derive from <see cref="Primitive{TParams}"/> for one result, <see cref="MultiResultPrimitive{TParams}"/>
/// for several.
/// </summary>
public abstract class Primitive
{
    private protected Primitive(string name, bool multipleResults)
    {
        Name = name;
        MultipleResults = multipleResults;
    }

    // Whether this primitive implements each rule interface a transformation tests on every application, found once:
    // an interface type test scans the class's interface map each time (several percent of an eager gradient).
    private readonly object?[] _rules = new object?[RuleSlots.Capacity];
    private static readonly object s_absent = new();

    /// <summary>This primitive as the rule interface <typeparamref name="TRule"/>, or null when it has no such rule.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal TRule? Rule<TRule>() where TRule : class
    {
        var found = _rules[RuleSlots.Of<TRule>.Index];
        if (found is null) return FindRule<TRule>();
        return ReferenceEquals(found, s_absent) ? null : System.Runtime.CompilerServices.Unsafe.As<TRule>(found);
    }

    private TRule? FindRule<TRule>() where TRule : class
    {
        var rule = this as TRule;
        _rules[RuleSlots.Of<TRule>.Index] = rule ?? s_absent;   // a reference is written whole: racing threads agree
        return rule;
    }

    /// <summary>A slot per rule interface asked for.</summary>
    private static class RuleSlots
    {
        public const int Capacity = 16;
        private static int s_next = -1;

        public static class Of<TRule>
        {
            public static readonly int Index = Next(typeof(TRule));
        }

        private static int Next(Type rule)
        {
            int index = Interlocked.Increment(ref s_next);
            return index < Capacity ? index : throw new InvalidOperationException($"More than {Capacity} rule interfaces are looked up through Primitive.Rule ({rule.Name}); raise the capacity.");
        }
    }

    /// <summary>
    /// True when evaluating the primitive only runs kernels and never binds another primitive (no sub-program, no
    /// composite), so an evaluator may run it without first making eager evaluation current — which costs a
    /// thread-local write and restore per operation. False unless a primitive class declares it.
    /// </summary>
    internal bool EvaluatesWithoutBinding { get; private protected init; }

    /// <summary>The printed name, e.g. <c>reduce_sum</c>.</summary>
    public string Name { get; }

    /// <summary>True when the primitive returns several values (JAX's <c>multiple_results</c>).</summary>
    /// <remarks>A field, not a virtual property: every application reads it.</remarks>
    public bool MultipleResults { get; }

    /// <summary>The type of this primitive's parameter record.</summary>
    public abstract Type ParamsType { get; }

    /// <summary>Reads this primitive's parameters from program text.</summary>
    public abstract Params ReadParams(ParamReader reader);

    /// <summary>The result types for the given input types; throws the typed shape/dtype exceptions on misuse.</summary>
    public abstract Aval[] ResultAvals(ReadOnlySpan<Aval> args, Params parameters);

    /// <summary>Computes the results from concrete inputs into <paramref name="results"/> (one slot per result).</summary>
    public abstract void Evaluate(ReadOnlySpan<NDArray> args, Params parameters, Span<NDArray> results);

    /// <summary>The single result type (single-result primitives only).</summary>
    internal abstract Aval ResultAval(ReadOnlySpan<Aval> args, Params parameters);

    /// <summary>The single result (single-result primitives only).</summary>
    internal abstract NDArray Evaluate(ReadOnlySpan<NDArray> args, Params parameters);

    /// <summary>The printed name.</summary>
    public override string ToString() => Name;
}

/// <summary>A primitive with one result and parameters of type <typeparamref name="TParams"/>.</summary>
/// <typeparam name="TParams">The parameter record (<see cref="NoParams"/> when there are none).</typeparam>
public abstract class Primitive<TParams> : Primitive where TParams : Params, IParams<TParams>
{
    // Instance fields, not statics of the generic class: reading a static of a shared generic instantiation costs a
    // dictionary lookup on every eager call.
    private readonly TParams? _none = NoParams.Instance as TParams;   // what a caller giving no parameters passes
    private readonly Type _paramsType = typeof(TParams);

    /// <summary>Creates a primitive with the name printed in programs (JAX's snake_case spelling).</summary>
    protected Primitive(string name) : base(name, multipleResults: false) { }

    /// <inheritdoc/>
    public sealed override Type ParamsType => typeof(TParams);

    /// <inheritdoc/>
    public sealed override Params ReadParams(ParamReader reader) => TParams.Read(reader);

    /// <summary>Computes the result from concrete inputs.</summary>
    public abstract NDArray Impl(ReadOnlySpan<NDArray> args, TParams p);

    /// <summary>The result type for the given input types; throws the typed shape/dtype exceptions on misuse.</summary>
    public abstract Aval AbstractEval(ReadOnlySpan<Aval> args, TParams p);

    /// <inheritdoc/>
    public sealed override Aval[] ResultAvals(ReadOnlySpan<Aval> args, Params parameters) => [ResultAval(args, parameters)];

    /// <inheritdoc/>
    public sealed override void Evaluate(ReadOnlySpan<NDArray> args, Params parameters, Span<NDArray> results) => results[0] = Evaluate(args, parameters);

    internal sealed override Aval ResultAval(ReadOnlySpan<Aval> args, Params parameters) => AbstractEval(args, Typed(parameters));

    internal sealed override NDArray Evaluate(ReadOnlySpan<NDArray> args, Params parameters) => Impl(args, Typed(parameters));

    /// <summary>The parameters as this primitive's record; the one place an untyped record is narrowed.</summary>
    protected TParams Typed(Params parameters) =>
        // Most primitives take no parameters, and NoParams is one instance: a reference test settles those. Parameter
        // records are sealed, so otherwise an exact type test suffices and avoids a generic cast helper.
        _none is not null && ReferenceEquals(parameters, _none) ? _none
        : parameters is not null && ReferenceEquals(parameters.GetType(), _paramsType)
            ? System.Runtime.CompilerServices.Unsafe.As<TParams>(parameters)
            : throw WrongParams(parameters);

    private ArgumentException WrongParams(Params? parameters) =>
        new($"{Name}: expected parameters of type {typeof(TParams).Name}, got {parameters?.GetType().Name ?? "none"}.");

    /// <summary>Binds this primitive to the inputs under the current trace (eager evaluation when none is active).</summary>
    public Tensor Bind(ReadOnlySpan<Tensor> args, TParams p) => Dispatch.Bind(this, args, p);

    /// <summary>Binds a one-input primitive.</summary>
    public Tensor Bind(Tensor x, TParams p) => Dispatch.Bind(this, new ReadOnlySpan<Tensor>(in x), p);

    /// <summary>Binds a two-input primitive.</summary>
    public Tensor Bind(Tensor x, Tensor y, TParams p) => Dispatch.Bind(this, [x, y], p);

    /// <summary>Binds a primitive without parameters.</summary>
    public Tensor Bind(ReadOnlySpan<Tensor> args) => Dispatch.Bind(this, args, None);

    /// <summary>Binds a one-input primitive without parameters.</summary>
    public Tensor Bind(Tensor x) => Dispatch.Bind(this, new ReadOnlySpan<Tensor>(in x), None);

    /// <summary>Binds a two-input primitive without parameters.</summary>
    public Tensor Bind(Tensor x, Tensor y) => Dispatch.Bind(this, [x, y], None);

    private TParams None => _none ?? throw WrongParams(null);
}

/// <summary>A primitive with several results and parameters of type <typeparamref name="TParams"/>.</summary>
/// <typeparam name="TParams">The parameter record.</typeparam>
public abstract class MultiResultPrimitive<TParams> : Primitive where TParams : Params, IParams<TParams>
{
    /// <summary>Creates a primitive with the name printed in programs.</summary>
    protected MultiResultPrimitive(string name) : base(name, multipleResults: true) { }

    /// <inheritdoc/>
    public sealed override Type ParamsType => typeof(TParams);

    /// <inheritdoc/>
    public sealed override Params ReadParams(ParamReader reader) => TParams.Read(reader);

    /// <summary>Computes the results from concrete inputs.</summary>
    public abstract NDArray[] Impl(ReadOnlySpan<NDArray> args, TParams p);

    /// <summary>The result types for the given input types.</summary>
    public abstract Aval[] AbstractEval(ReadOnlySpan<Aval> args, TParams p);

    /// <inheritdoc/>
    public sealed override Aval[] ResultAvals(ReadOnlySpan<Aval> args, Params parameters) => AbstractEval(args, Typed(parameters));

    /// <inheritdoc/>
    public sealed override void Evaluate(ReadOnlySpan<NDArray> args, Params parameters, Span<NDArray> results)
    {
        var values = Impl(args, Typed(parameters));
        if (values.Length != results.Length)
            throw new InvalidOperationException($"{Name}: the implementation returned {values.Length} results where {results.Length} were expected.");
        values.CopyTo(results);
    }

    internal sealed override Aval ResultAval(ReadOnlySpan<Aval> args, Params parameters) =>
        throw new InvalidOperationException($"{Name} has several results.");

    internal sealed override NDArray Evaluate(ReadOnlySpan<NDArray> args, Params parameters) =>
        throw new InvalidOperationException($"{Name} has several results.");

    /// <summary>The parameters as this primitive's record; the one place an untyped record is narrowed.</summary>
    protected TParams Typed(Params parameters) => parameters as TParams ??
        throw new ArgumentException($"{Name}: expected parameters of type {typeof(TParams).Name}, got {parameters?.GetType().Name ?? "none"}.");

    /// <summary>Binds under the current trace; returns one tensor per result.</summary>
    public Tensor[] Bind(ReadOnlySpan<Tensor> args, TParams p) => Dispatch.BindMany(this, args, p);
}
