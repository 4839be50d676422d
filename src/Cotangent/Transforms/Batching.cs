using Cotangent.Core;
using Cotangent.Runtime;

namespace Cotangent.Transforms;

// Automatic batching (JAX's vmap). A BatchTracer holds a value of the parent level that has one extra axis,
// the batch axis, at position Dim; its own aval is the per-example one (the value without that axis), so user
// code, shape rules and the other transformations' rules all see per-example shapes. Each primitive's batching
// rule rewrites one application on stacked values into primitives on the parent level and says where the
// result's batch axis is. Values that are not batched are never wrapped: a primitive whose operands are all
// unbatched runs once, unbatched, on the parent (so constants and iota stay small, and Vmap of a JVP runs
// the batch-independent primal once).

/// <summary>
/// The batching rule of a primitive, as the batching trace consults it. The trace calls it only when at least one
/// operand is batched, with the parent trace current.
/// </summary>
public interface IBatchRule
{
    /// <summary>
    /// Computes every result of the primitive for the whole batch. <paramref name="args"/> are values of the parent
    /// level: operand i has its batch axis at <paramref name="dims"/>[i], or none when that is
    /// <see cref="Batching.NotBatched"/> (it is then the same for every example). Writes each result and the
    /// position of its batch axis (or <see cref="Batching.NotBatched"/>) into <paramref name="results"/> and
    /// <paramref name="resultDims"/>. Bind only catalogue primitives, through the current trace, so the rewrite
    /// composes with the other transformations.
    /// </summary>
    void Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, Params parameters, Span<Tensor> results, Span<int> resultDims);
}

/// <summary>The batching rule of a single-result primitive.</summary>
/// <typeparam name="TParams">The primitive's parameter record.</typeparam>
public interface IBatchRule<TParams> : IBatchRule where TParams : Params, IParams<TParams>
{
    /// <summary>The result for the whole batch and its batch axis (or <see cref="Batching.NotBatched"/>); see <see cref="IBatchRule.Batch"/>.</summary>
    (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, TParams p);

    void IBatchRule.Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, Params parameters, Span<Tensor> results, Span<int> resultDims) =>
        (results[0], resultDims[0]) = Batch(args, dims, axisSize, (TParams)parameters);
}

/// <summary>
/// The axis operations batching rules need and the Transforms layer cannot name (they are catalogue primitives):
/// the Primitives layer installs them, as the API layer installs <see cref="ITensorOperators"/>.
/// </summary>
public interface IBatchAxisOperations
{
    /// <summary>Moves axis <paramref name="from"/> of <paramref name="x"/> to position <paramref name="to"/> (a transpose).</summary>
    Tensor MoveAxis(Tensor x, int from, int to);

    /// <summary>Inserts a new axis of extent <paramref name="size"/> at <paramref name="axis"/>, repeating <paramref name="x"/> along it.</summary>
    Tensor BroadcastAxis(Tensor x, int axis, int size);
}

/// <summary>The batching trace: one per Vmap, with the batch size fixed before tracing.</summary>
public sealed class BatchTrace : Trace
{
    /// <summary>Creates a batching trace of <paramref name="axisSize"/> examples nested in the current trace.</summary>
    public BatchTrace(int axisSize, string transformation = "Vmap") : base(transformation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(axisSize);
        AxisSize = axisSize;
    }

    /// <summary>The number of examples.</summary>
    public int AxisSize { get; }

    /// <inheritdoc/>
    public override void Process(Primitive primitive, ReadOnlySpan<Tensor> args, Params parameters, Span<Tensor> results)
    {
        OperandBuffer store = default;
        Span<Tensor?> vals = args.Length <= 4 ? ((Span<Tensor?>)store)[..args.Length] : new Tensor?[args.Length];
        Span<int> dims = args.Length <= 8 ? stackalloc int[args.Length] : new int[args.Length];
        bool any = false;
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a is BatchTracer b && ReferenceEquals(b.Trace, this))
            {
                vals[i] = b.Stacked;
                dims[i] = b.Dim;
                any = true;
            }
            else
            {
                if (a is Tracer t) CheckVisible(t);
                vals[i] = a;
                dims[i] = Batching.NotBatched;
            }
        }

        ReadOnlySpan<Tensor> values = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(
            ref System.Runtime.CompilerServices.Unsafe.As<Tensor?, Tensor>(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(vals)), vals.Length);
        using (TraceContext.Enter(Parent))
        {
            if (!any)
            {
                Dispatch.BindInto(primitive, values, parameters, results);
                return;
            }

            if (primitive is not IBatchRule rule)
                throw new BatchingException($"{Transformation}: the batching rule for '{primitive.Name}' is not implemented.");
            Span<int> outDims = results.Length <= 8 ? stackalloc int[results.Length] : new int[results.Length];
            outDims.Fill(Batching.NotBatched);
            rule.Batch(values, dims, AxisSize, parameters, results, outDims);
            for (int i = 0; i < results.Length; i++)
                if (outDims[i] != Batching.NotBatched) results[i] = new BatchTracer(this, results[i], outDims[i]);
        }
    }

    /// <summary>Splits a function output into (value of the parent level, batch axis or <see cref="Batching.NotBatched"/>).</summary>
    public (Tensor Value, int Dim) Unpack(Tensor output)
    {
        if (output is BatchTracer b && ReferenceEquals(b.Trace, this)) return (b.Stacked, b.Dim);
        if (output is Tracer t && (Parent is null || !Parent.IsSelfOrAncestor(t.Trace) || !t.Trace.IsActive)) throw Dispatch.Escaped(t);
        return (output, Batching.NotBatched);
    }
}

/// <summary>A batched value inside a batching trace: its aval is the per-example one.</summary>
public sealed class BatchTracer : Tracer
{
    /// <summary>Wraps <paramref name="value"/>, whose axis <paramref name="dim"/> runs over the batch.</summary>
    public BatchTracer(BatchTrace trace, Tensor value, int dim) : base(trace, Batching.Unbatched(value.Aval, dim))
    {
        if (value.Shape[dim] != trace.AxisSize)
            throw new BatchingException($"{trace.Transformation}: a batching rule returned {value.Aval} with its batch axis at {dim}, but the batch has {trace.AxisSize} examples.");
        Stacked = value;
        Dim = dim;
    }

    /// <summary>The stacked value (a value of the parent trace).</summary>
    public Tensor Stacked { get; }

    /// <summary>The position of the batch axis in <see cref="Stacked"/>.</summary>
    public int Dim { get; }

    /// <summary>None: a batched value stands for many values, so it has no single concrete value.</summary>
    public override Tensor? Primal => null;
}

/// <summary>Batching of flat functions and programs, and the helpers rules share.</summary>
public static class Batching
{
    /// <summary>The batch axis of a value that is the same for every example.</summary>
    public const int NotBatched = -1;

    /// <summary>The axis operations, installed by the Primitives layer.</summary>
    public static IBatchAxisOperations Axes { get; set; } = null!;

    /// <summary><paramref name="aval"/> without axis <paramref name="dim"/>: the per-example type.</summary>
    public static Aval Unbatched(Aval aval, int dim)
    {
        var dims = aval.Shape.Dims;
        if ((uint)dim >= (uint)dims.Length)
            throw new BatchingException($"A batch axis {dim} does not exist in a value of type {aval}.");
        var d = new int[dims.Length - 1];
        for (int i = 0, k = 0; i < dims.Length; i++) if (i != dim) d[k++] = dims[i];
        return new Aval(Shape.Of(d), aval.DType);
    }

    /// <summary><paramref name="aval"/> with a batch axis of <paramref name="size"/> inserted at <paramref name="dim"/>.</summary>
    public static Aval WithBatch(Aval aval, int dim, int size)
    {
        var dims = aval.Shape.Dims;
        var d = new int[dims.Length + 1];
        for (int i = 0, k = 0; i < d.Length; i++) d[i] = i == dim ? size : dims[k++];
        return new Aval(Shape.Of(d), aval.DType);
    }

    /// <summary>
    /// Runs <paramref name="f"/> on per-example views of <paramref name="args"/> (argument i batched along
    /// <paramref name="inDims"/>[i], or not at all) and returns the stacked outputs with their batch axes.
    /// </summary>
    public static (Tensor[] Outputs, int[] Dims) Vmap(Func<Tensor[], Tensor[]> f, IReadOnlyList<Tensor> args, ReadOnlySpan<int> inDims, int axisSize, string transformation = "Vmap")
    {
        ArgumentNullException.ThrowIfNull(f);
        var trace = new BatchTrace(axisSize, transformation);
        try
        {
            var inputs = new Tensor[args.Count];
            for (int i = 0; i < inputs.Length; i++) inputs[i] = inDims[i] == NotBatched ? args[i] : new BatchTracer(trace, args[i], inDims[i]);
            Tensor[] outs;
            using (TraceContext.Enter(trace)) outs = f(inputs);
            var values = new Tensor[outs.Length];
            var dims = new int[outs.Length];
            for (int i = 0; i < outs.Length; i++) (values[i], dims[i]) = trace.Unpack(outs[i]);
            return (values, dims);
        }
        finally
        {
            trace.Deactivate();
        }
    }

    /// <summary>
    /// The batched form of <paramref name="program"/> as a program (what the rules of primitives holding sub-programs
    /// bind). Input i of the result has a batch axis at 0 when <paramref name="batchedInputs"/>[i], and is the original
    /// input otherwise. An output is batched (at 0) when it depends on a batched input or <paramref name="forceOutputs"/>
    /// asks for it; the returned mask says which.
    /// </summary>
    public static (Program Program, bool[] BatchedOutputs) BatchProgram(Program program, ReadOnlySpan<bool> batchedInputs, int axisSize, ReadOnlySpan<bool> forceOutputs = default)
    {
        ArgumentNullException.ThrowIfNull(program);
        var (avals, inDims) = BatchedInputs(program, batchedInputs, axisSize);
        bool[] force = forceOutputs.IsEmpty ? new bool[program.OutputAvals().Length] : forceOutputs.ToArray();
        var batchedOutputs = new bool[force.Length];
        var result = StagingTrace.Run("Vmap", forwardKnown: false, trace => trace.Build(trace.Call(avals, xs =>
        {
            var (outs, dims) = Vmap(ys => program.Evaluate(ys), xs, inDims, axisSize);
            var list = new Tensor[outs.Length];
            for (int i = 0; i < outs.Length; i++)
            {
                batchedOutputs[i] = dims[i] != NotBatched || force[i];
                list[i] = MoveTo(outs[i], dims[i], batchedOutputs[i] ? 0 : NotBatched, axisSize);
            }

            return list;
        })));
        return (result, batchedOutputs);
    }

    /// <summary>
    /// The input types of <paramref name="program"/>'s batched form and where each input's batch axis is: at 0 (with a
    /// batch of <paramref name="axisSize"/> prepended) where <paramref name="batchedInputs"/> says, none elsewhere.
    /// </summary>
    public static (Aval[] Avals, int[] Dims) BatchedInputs(Program program, ReadOnlySpan<bool> batchedInputs, int axisSize)
    {
        ArgumentNullException.ThrowIfNull(program);
        var inputAvals = program.InputAvals();
        var avals = new Aval[inputAvals.Length];
        var dims = new int[inputAvals.Length];
        for (int i = 0; i < avals.Length; i++)
        {
            dims[i] = batchedInputs[i] ? 0 : NotBatched;
            avals[i] = batchedInputs[i] ? WithBatch(inputAvals[i], 0, axisSize) : inputAvals[i];
        }

        return (avals, dims);
    }

    /// <summary>
    /// Moves <paramref name="x"/>'s batch axis from <paramref name="from"/> to <paramref name="to"/> (JAX's matchaxis):
    /// unchanged when they agree, a transpose between two axes, a broadcast when <paramref name="x"/> is not batched.
    /// Unbatching a batched value is an error.
    /// </summary>
    public static Tensor MoveTo(Tensor x, int from, int to, int axisSize)
    {
        if (from == to) return x;
        if (to == NotBatched) throw new BatchingException($"A value batched along axis {from} cannot be made unbatched.");
        return from == NotBatched ? Axes.BroadcastAxis(x, to, axisSize) : Axes.MoveAxis(x, from, to);
    }

    /// <summary>Where axis <paramref name="axis"/> of the per-example value lands once a batch axis sits at <paramref name="dim"/>.</summary>
    public static int Bump(int axis, int dim) => axis >= dim ? axis + 1 : axis;
}
