using Cotangent.Core;
using Cotangent.Runtime;

namespace Cotangent.Transforms;

/// <summary>
/// The primitives transformations name themselves (JAX's ad_util and core): <c>add_any</c>, which sums
/// cotangents at fan-out; <c>zeros</c>, which materializes a symbolic zero; and <c>closed_call</c>, which
/// applies a program held as its parameter.
/// </summary>
public static class Builtins
{
    /// <summary>x + y for two values of the same type, without broadcasting.</summary>
    public static Primitive<NoParams> AddAny { get; } = new AddAnyPrimitive();

    /// <summary>A zero array of the aval given as parameter.</summary>
    public static Primitive<AvalParams> Zeros { get; } = new ZerosPrimitive();

    /// <summary>Applies the closed program given as parameter to the inputs; one result per program output.</summary>
    public static MultiResultPrimitive<ProgramParams> ClosedCall { get; } = new ClosedCallPrimitive();

    /// <summary>The builtins, for name lookup when reading program text.</summary>
    public static IReadOnlyList<Primitive> All { get; } = [AddAny, Zeros, ClosedCall];

    /// <summary>Adds two optional values where null is a symbolic zero.</summary>
    public static Tensor? Add(Tensor? x, Tensor? y) => x is null ? y : y is null ? x : AddAny.Bind(x, y);

    /// <summary>
    /// A zero of type <paramref name="aval"/> at the level of <paramref name="like"/>: staged into the
    /// program being recorded when <paramref name="like"/> is a staged value (a zero tangent or cotangent
    /// inside Linearize or a transposition, so it is a <c>zeros</c> equation and never a residual array),
    /// otherwise bound under the current trace.
    /// </summary>
    public static Tensor ZerosAt(Tensor like, Aval aval)
    {
        ArgumentNullException.ThrowIfNull(like);
        return like is StagingTracer { Trace: StagingTrace { IsActive: true } trace } ? trace.StageZeros(aval) : Zeros.Bind([], new AvalParams(aval));
    }

    /// <summary>Applies <paramref name="program"/> to <paramref name="args"/> as one <c>closed_call</c> equation when staged.</summary>
    public static Tensor[] Call(Program program, params ReadOnlySpan<Tensor> args) => ClosedCall.Bind(args, new ProgramParams(program));

    private sealed class AddAnyPrimitive() : Primitive<NoParams>("add_any"), ITangentRule<NoParams>, ITransposeRule<NoParams>, ISimplifyRule, ICommutative, IBatchRule<NoParams>
    {
        // No broadcasting: an unbatched operand is broadcast to the batch, and two batch axes are aligned (JAX's add_batched).
        public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, NoParams p)
        {
            int d = dims[0] == Batching.NotBatched ? dims[1] : dims[0];
            return (this.Bind(Batching.MoveTo(args[0], dims[0], d, axisSize), Batching.MoveTo(args[1], dims[1], d, axisSize)), d);
        }

        // x + 0 → x as for add: exact for an integer or −0 zero; the +0 of a zeros equation only when the sign of zero is ignored.
        public Atom? Simplify(Equation equation, SimplifyContext context)
        {
            var (x, y) = (equation.Inputs[0], equation.Inputs[1]);   // add_any does not broadcast: both have the result's type
            return context.IsAdditiveIdentity(y) ? x : context.IsAdditiveIdentity(x) ? y : null;
        }

        public override NDArray Impl(ReadOnlySpan<NDArray> args, NoParams p) => Kernels.Binary(BinaryOp.Add, args[0], args[1]);

        public override Aval AbstractEval(ReadOnlySpan<Aval> args, NoParams p)
        {
            if (args.Length != 2 || args[0] != args[1])
                throw new ShapeException($"add_any: both operands must have the same type, got {string.Join(", ", args.ToArray())}.");
            return args[0];
        }

        // ż = ẋ + ẏ
        public Tensor? Tangent(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, NoParams p)
            => Add(tangents[0], tangents[1]);

        public bool AcceptsLinear(ReadOnlySpan<bool> linear, NoParams p) => linear[0] && linear[1];

        // add ↔ fan-out: the cotangent goes to both operands.
        public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, NoParams p, Span<Tensor?> result)
        {
            result[0] = cotangent;
            result[1] = cotangent;
        }
    }

    private sealed class ZerosPrimitive() : Primitive<AvalParams>("zeros"), IZeroDerivative
    {
        public override NDArray Impl(ReadOnlySpan<NDArray> args, AvalParams p) => NDArray.Zeros(p.Aval.DType, p.Aval.Shape);

        public override Aval AbstractEval(ReadOnlySpan<Aval> args, AvalParams p)
        {
            if (args.Length != 0) throw new ArgumentException($"zeros: takes no operands, got {args.Length}.");
            return p.Aval;
        }
    }

    // closed_call (JAX's core.closed_call_p): a program applied as one step. Eagerly it runs the program;
    // its JVP is the JVP of the program; under partial evaluation it inlines itself, so known work is done
    // now and only the unknown part is recorded; dead-code elimination prunes the program it holds.
    private sealed class ClosedCallPrimitive() : MultiResultPrimitive<ProgramParams>("closed_call"), IJvpRule, IPartialEvalRule, IDceRule, IBatchRule
    {
        // Inlined: the held program runs under a batching trace of its own.
        public void Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, Params parameters, Span<Tensor> results, Span<int> resultDims)
        {
            var program = Typed(parameters).Program;
            var (outs, outDims) = Batching.Vmap(xs => program.Evaluate(xs), args.ToArray(), dims, axisSize);
            outs.CopyTo(results);
            outDims.CopyTo(resultDims);
        }

        public override NDArray[] Impl(ReadOnlySpan<NDArray> args, ProgramParams p)
        {
            var inputs = new Tensor[args.Length];
            for (int i = 0; i < inputs.Length; i++) inputs[i] = new Tensor(args[i]);
            var outs = p.Program.Evaluate(inputs);
            var result = new NDArray[outs.Length];
            for (int i = 0; i < result.Length; i++) result[i] = Dispatch.Concrete(outs[i]);
            return result;
        }

        public override Aval[] AbstractEval(ReadOnlySpan<Aval> args, ProgramParams p)
        {
            var program = p.Program;
            if (args.Length != program.Inputs.Count)
                throw new ArgumentException($"closed_call: the program takes {program.Inputs.Count} inputs but {args.Length} were given.");
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i] != program.Inputs[i].Aval)
                    throw Aval.MismatchError(args[i], program.Inputs[i].Aval, $"closed_call: input {i} has type {args[i]} but the program expects {program.Inputs[i].Aval}.");
            }

            return program.OutputAvals();
        }

        // (y, ẏ) = jvp(program)(x, ẋ): the JVP of the held program, traced under the current trace.
        public void Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Params parameters, Span<Tensor> primalsOut, Span<Tensor?> tangentsOut)
        {
            var program = Typed(parameters).Program;
            var (outs, touts) = ForwardMode.Jvp(xs => program.Evaluate(xs), primals.ToArray(), tangents.ToArray(), "closed_call");
            outs.CopyTo(primalsOut);
            touts.CopyTo(tangentsOut);
        }

        // Inline: each equation is bound under the staging trace, which computes known ones and records the rest.
        public void PartialEval(StagingTrace trace, ReadOnlySpan<Tensor> args, Params parameters, Span<Tensor> results)
        {
            Tensor[] outs;
            using (TraceContext.Enter(trace)) outs = Typed(parameters).Program.Evaluate(args);
            outs.CopyTo(results);
        }

        public bool Dce(Equation equation, ReadOnlySpan<bool> usedOutputs, Span<bool> usedInputs, out Equation pruned)
        {
            var program = Typed(equation.Parameters).Program;
            var kept = Transforms.Dce.Prune(program, usedOutputs, usedInputs);
            var inputs = new List<Atom>();
            for (int i = 0; i < equation.Inputs.Length; i++) if (usedInputs[i]) inputs.Add(equation.Inputs[i]);
            var outputs = new List<Var>();
            for (int i = 0; i < equation.Outputs.Length; i++) if (usedOutputs[i]) outputs.Add(equation.Outputs[i]);
            pruned = new Equation(this, inputs.ToArray(), outputs.ToArray(), new ProgramParams(kept));
            return outputs.Count > 0;
        }
    }
}
