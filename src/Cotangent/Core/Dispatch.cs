using System.Runtime.CompilerServices;
using Cotangent.Runtime;

namespace Cotangent.Core;

/// <summary>Routes a primitive application to the current trace, or evaluates it eagerly when there is none.</summary>
public static class Dispatch
{
    /// <summary>Applies <paramref name="primitive"/> under the current trace.</summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ShapeException">The result is too large to allocate.</exception>
    public static Tensor Bind(Primitive primitive, ReadOnlySpan<Tensor> args, object? parameters)
    {
        // Every operation funnels through here, so one check covers each Lax wrapper and most of Np.
        for (int i = 0; i < args.Length; i++)
            if (args[i] is null) throw NullOperand(primitive, i);
        var trace = TraceContext.Current;
        if (trace is not null) return trace.Process(primitive, args, parameters);
        try
        {
            return new Tensor(Evaluate(primitive, args, parameters));
        }
        catch (OutOfMemoryException ex)
        {
            throw TooLarge(primitive, args, parameters, ex);
        }
    }

    private static ArgumentNullException NullOperand(Primitive primitive, int i) =>
        new(paramName: null, $"{primitive.Name}: operand {i} is null; every operand must be a Tensor.");

    private static ShapeException TooLarge(Primitive primitive, ReadOnlySpan<Tensor> args, object? parameters, OutOfMemoryException ex)
    {
        var avals = new Aval[args.Length];
        for (int i = 0; i < avals.Length; i++) avals[i] = args[i].Aval;
        return Allocation.TooLarge(primitive.Name, primitive.AbstractEval(avals, parameters), ex);
    }

    /// <summary>Eager evaluation: every input must be concrete.</summary>
    public static NDArray Evaluate(Primitive primitive, ReadOnlySpan<Tensor> args, object? parameters)
    {
        switch (args.Length)
        {
            case 0: return primitive.Impl([], parameters);
            case 1:
                var x = Concrete(args[0]);
                return primitive.Impl(new ReadOnlySpan<NDArray>(in x), parameters);
            case 2: return primitive.Impl([Concrete(args[0]), Concrete(args[1])], parameters);
            case 3: return primitive.Impl([Concrete(args[0]), Concrete(args[1]), Concrete(args[2])], parameters);
            default:
                var arrays = new NDArray[args.Length];
                for (int i = 0; i < arrays.Length; i++) arrays[i] = Concrete(args[i]);
                return primitive.Impl(arrays, parameters);
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
