using System.Runtime.CompilerServices;
using Cotangent.Runtime;

namespace Cotangent.Core;

/// <summary>Routes a primitive application to the current trace, or evaluates it eagerly when there is none.</summary>
public static class Dispatch
{
    /// <summary>Applies a single-result <paramref name="primitive"/> under the current trace.</summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ShapeException">The result is too large to allocate.</exception>
    public static Tensor Bind(Primitive primitive, ReadOnlySpan<Tensor> args, Params parameters)
    {
        CheckOperands(primitive, args);
        if (primitive.MultipleResults)
            throw new InvalidOperationException($"{primitive.Name} has several results; bind it with BindMany.");
        var trace = TraceContext.Current;
        if (trace is not null)
        {
            // One result: the trace writes it into a stack slot, so no array is allocated per operation.
            Tensor result = null!;
            trace.Process(primitive, args, parameters, new Span<Tensor>(ref result));
            return result;
        }

        return EvaluateEagerly(primitive, args, parameters);
    }

    /// <summary>
    /// Evaluates a single-result primitive on concrete operands, whatever trace is current: for evaluators that
    /// forward known values to eager evaluation of a primitive that <see cref="Primitive.EvaluatesWithoutBinding"/>.
    /// </summary>
    internal static Tensor EvaluateEagerly(Primitive primitive, ReadOnlySpan<Tensor> args, Params parameters)
    {
        try
        {
            return new Tensor(EvaluateOne(primitive, args, parameters));
        }
        catch (OutOfMemoryException ex)
        {
            throw TooLarge(primitive, args, parameters, ex);
        }
    }

    /// <summary>Applies <paramref name="primitive"/> (any number of results) under the current trace.</summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    public static Tensor[] BindMany(Primitive primitive, ReadOnlySpan<Tensor> args, Params parameters)
    {
        CheckOperands(primitive, args);
        if (!primitive.MultipleResults) return [Bind(primitive, args, parameters)];
        var avals = new Aval[args.Length];
        for (int i = 0; i < avals.Length; i++) avals[i] = args[i].Aval;
        var results = new Tensor[primitive.ResultAvals(avals, parameters).Length];
        BindInto(primitive, args, parameters, results);
        return results;
    }

    /// <summary>
    /// Applies <paramref name="primitive"/> under the current trace, writing one tensor per result into
    /// <paramref name="results"/>: the form traces and passes use, whatever the number of results.
    /// </summary>
    public static void BindInto(Primitive primitive, ReadOnlySpan<Tensor> args, Params parameters, Span<Tensor> results)
    {
        if (!primitive.MultipleResults)
        {
            results[0] = Bind(primitive, args, parameters);
            return;
        }

        CheckOperands(primitive, args);
        var trace = TraceContext.Current;
        if (trace is not null)
        {
            trace.Process(primitive, args, parameters, results);
            return;
        }

        var arrays = new NDArray[args.Length];
        for (int i = 0; i < arrays.Length; i++) arrays[i] = Concrete(args[i]);
        var values = new NDArray[results.Length];
        primitive.Evaluate(arrays, parameters, values);
        for (int i = 0; i < values.Length; i++) results[i] = new Tensor(values[i]);
    }

    private static void CheckOperands(Primitive primitive, ReadOnlySpan<Tensor> args)
    {
        // Every operation funnels through here, so one check covers each Lax wrapper and most of Np.
        ArgumentNullException.ThrowIfNull(primitive);
        for (int i = 0; i < args.Length; i++)
            if (args[i] is null) throw NullOperand(primitive, i);
    }

    private static ArgumentNullException NullOperand(Primitive primitive, int i) =>
        new(paramName: null, $"{primitive.Name}: operand {i} is null; every operand must be a Tensor.");

    private static ShapeException TooLarge(Primitive primitive, ReadOnlySpan<Tensor> args, Params parameters, OutOfMemoryException ex)
    {
        var avals = new Aval[args.Length];
        for (int i = 0; i < avals.Length; i++) avals[i] = args[i].Aval;
        return Allocation.TooLarge(primitive.Name, primitive.ResultAval(avals, parameters), ex);
    }

    /// <summary>Eager evaluation of a single-result primitive: every input must be concrete.</summary>
    public static NDArray EvaluateOne(Primitive primitive, ReadOnlySpan<Tensor> args, Params parameters)
    {
        switch (args.Length)
        {
            case 0: return primitive.Evaluate([], parameters);
            case 1:
                var x = Concrete(args[0]);
                return primitive.Evaluate(new ReadOnlySpan<NDArray>(in x), parameters);
            case 2: return primitive.Evaluate([Concrete(args[0]), Concrete(args[1])], parameters);
            case 3: return primitive.Evaluate([Concrete(args[0]), Concrete(args[1]), Concrete(args[2])], parameters);
            default:
                var arrays = new NDArray[args.Length];
                for (int i = 0; i < arrays.Length; i++) arrays[i] = Concrete(args[i]);
                return primitive.Evaluate(arrays, parameters);
        }
    }

    /// <summary>The array of a concrete tensor; a tracer here has escaped its transformation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static NDArray Concrete(Tensor t) => t.IsConcrete ? t.Array!.Value : throw Escaped((Tracer)t);

    /// <summary>The error for a tracer used where its transformation is not running.</summary>
    public static EscapedTracerException Escaped(Tracer tracer) => new(
        $"A tracer of {tracer.Aval} created by {tracer.Trace.Transformation} was used outside that transformation " +
        $"({(tracer.Trace.IsActive ? "on another thread or in a sibling transformation" : "after it returned")}). " +
        "Values computed inside a transformation must be returned from the function, not stored in fields or closures and used later.");
}
