using Cotangent.Core;
using Cotangent.Runtime;

namespace Cotangent.Compile;

/// <summary>One step of a compiled program: reads slots, writes slots.</summary>
internal abstract class Step
{
    protected Step(int[] inputs, int[] outputs)
    {
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>The slots read.</summary>
    public int[] Inputs { get; }

    /// <summary>The slots written.</summary>
    public int[] Outputs { get; }

    /// <summary>Runs the step on the slot array and the register file (0-d values passed between straight-line blocks) of one call.</summary>
    public abstract void Run(NDArray[] slots, Array? registers);
}

/// <summary>A step that runs one equation of the program (not fused): a kernel, or control flow.</summary>
internal abstract class EquationStep(Equation equation, int[] inputs, int[] outputs) : Step(inputs, outputs)
{
    /// <summary>The equation.</summary>
    public Equation Equation { get; } = equation;
}

/// <summary>Room for up to four operands on the stack.</summary>
[System.Runtime.CompilerServices.InlineArray(4)]
internal struct FourArrays
{
    private NDArray _element;
}

/// <summary>A primitive run by its own kernel (the fallback for everything not fused: GEMM, gathers, control flow …).</summary>
internal sealed class PrimitiveStep(Equation equation, int[] inputs, int[] outputs) : EquationStep(equation, inputs, outputs)
{
    public override void Run(NDArray[] slots, Array? registers)
    {
        var eq = Equation;
        var inline = default(FourArrays);
        Span<NDArray> args = Inputs.Length <= 4 ? ((Span<NDArray>)inline)[..Inputs.Length] : new NDArray[Inputs.Length];
        for (int i = 0; i < args.Length; i++) args[i] = slots[Inputs[i]];
        if (Outputs.Length == 1 && !eq.Primitive.MultipleResults)
        {
            slots[Outputs[0]] = eq.Primitive.Evaluate(args, eq.Parameters);
            return;
        }

        var results = new NDArray[Outputs.Length];
        eq.Primitive.Evaluate(args, eq.Parameters, results);
        for (int i = 0; i < results.Length; i++) slots[Outputs[i]] = results[i];
    }
}

/// <summary>
/// A fused elementwise group run as one generated loop. Inputs are the group's array inputs then its 0-d inputs; outputs
/// are the stored values (of the group's shape) then the sums (0-d). Large loops are split over two threads as the eager
/// kernels split them; each half writes its own partial sum and the halves are added in a fixed order.
/// </summary>
internal sealed class FusedStep(KernelSpec spec, FusedKernel kernel, DType dtype, Shape shape, int[] inputs, int[] outputs, IReadOnlyList<Equation> reductions)
    : Step(inputs, outputs)
{
    public KernelSpec Spec { get; } = spec;

    public Shape Shape { get; } = shape;

    public DType DType { get; } = dtype;

    /// <summary>The reduce_sum equations folded into the loop, for printing.</summary>
    public IReadOnlyList<Equation> Reductions { get; } = reductions;

    // Where the loop is split over two threads: sooner when it computes functions (fixed by the spec, so found once).
    private readonly int _threshold = spec.CostlyMembers > 0 ? 1 << 13 : 1 << 16;

    public override void Run(NDArray[] slots, Array? registers)
    {
        var spec = Spec;
        int n = Shape.Size;
        int stores = spec.Stores.Count, sums = spec.Sums.Count;
        var buffers = new Array[Inputs.Length + stores + sums + (spec.UsesRegisters ? 1 : 0)];
        if (spec.UsesRegisters) buffers[^1] = registers!;
        for (int i = 0; i < Inputs.Length; i++) buffers[i] = slots[Inputs[i]].Data;
        int b = Inputs.Length;
        for (int j = 0; j < stores; j++) buffers[b + j] = NDArray.AllocateUninitialized(DType, n);
        for (int r = 0; r < sums; r++)
        {
            // Two partial sums; −0 is the identity that leaves a lone partial (even −0) unchanged.
            buffers[b + stores + r] = DType == DType.Float64 ? new double[] { -0.0, -0.0 } : new float[] { -0.0f, -0.0f };
        }

        if (spec.Scalar || n < _threshold) kernel(buffers, 0, n, 0);
        else FusionOperators.Split((from, to, part) => kernel(buffers, from, to, part), n, _threshold);

        for (int j = 0; j < stores; j++) slots[Outputs[j]] = NDArray.Wrap(DType, Shape, buffers[b + j]);
        for (int r = 0; r < sums; r++)
        {
            var partial = buffers[b + stores + r];
            slots[Outputs[stores + r]] = DType == DType.Float64
                ? NDArray.Scalar(DType.Float64, ((double[])partial)[0] + ((double[])partial)[1])
                : NDArray.Wrap(new[] { ((float[])partial)[0] + ((float[])partial)[1] }, Shape.Scalar);
        }
    }
}
