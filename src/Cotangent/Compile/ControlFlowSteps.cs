using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Compile;

// Control flow under Jit: the loop itself stays in C#, and each sub-program (a scan's body, a while's predicate and
// body, a cond's branches) is compiled once, on first use, to its own Executable — fused loops and straight-line code
// per iteration instead of the eager evaluator binding every equation of the body on every trip. The semantics are the
// primitives' Impl, step for step (same slicing, stacking and order), so results are the eager ones.

/// <summary>scan with a compiled body.</summary>
internal sealed class ScanStep(Equation equation, int[] inputs, int[] outputs) : EquationStep(equation, inputs, outputs)
{
    private readonly ScanParams _p = (ScanParams)equation.Parameters;
    private readonly Lazy<Executable> _body = new(() => Executable.Compile(((ScanParams)equation.Parameters).Body));

    public override void Run(NDArray[] slots, Array? registers)
    {
        var p = _p;
        var body = _body.Value;
        int nc = p.Consts, nk = p.Carry, nx = p.Xs;
        var ys = p.Body.OutputAvals()[nk..];
        var xsAvals = p.Body.InputAvals()[(nc + nk)..];
        var args = new NDArray[nc + nk + nx];
        for (int i = 0; i < nc + nk; i++) args[i] = slots[Inputs[i]];
        var stacked = new NDArray[ys.Length];
        // Not cleared: every step writes its own slice (as in the primitive's Impl).
        for (int j = 0; j < ys.Length; j++) stacked[j] = NDArray.Uninitialized(ys[j].DType, Shape.Of([p.Length, .. ys[j].Shape.Dims]));
        for (int step = 0; step < p.Length; step++)
        {
            int i = p.Reverse ? p.Length - 1 - step : step;
            for (int j = 0; j < nx; j++) args[nc + nk + j] = NDArray.CopyBlock(slots[Inputs[nc + nk + j]], i, xsAvals[j].Shape);

            var outs = body.Run(args);
            for (int k = 0; k < nk; k++) args[nc + k] = outs[k];
            for (int j = 0; j < ys.Length; j++) Array.Copy(outs[nk + j].Data, 0, stacked[j].Data, i * outs[nk + j].Size, outs[nk + j].Size);
        }

        for (int k = 0; k < nk; k++) slots[Outputs[k]] = args[nc + k];
        for (int j = 0; j < ys.Length; j++) slots[Outputs[nk + j]] = stacked[j];
    }
}

/// <summary>while with a compiled predicate and body.</summary>
internal sealed class WhileStep(Equation equation, int[] inputs, int[] outputs) : EquationStep(equation, inputs, outputs)
{
    private readonly WhileParams _p = (WhileParams)equation.Parameters;
    private readonly Lazy<Executable> _cond = new(() => Executable.Compile(((WhileParams)equation.Parameters).Cond));
    private readonly Lazy<Executable> _body = new(() => Executable.Compile(((WhileParams)equation.Parameters).Body));

    public override void Run(NDArray[] slots, Array? registers)
    {
        var p = _p;
        int cc = p.CondConsts, bc = p.BodyConsts, nk = p.Carry;
        var condIn = new NDArray[cc + nk];
        var bodyIn = new NDArray[bc + nk];
        for (int i = 0; i < cc; i++) condIn[i] = slots[Inputs[i]];
        for (int i = 0; i < bc; i++) bodyIn[i] = slots[Inputs[cc + i]];
        for (int k = 0; k < nk; k++) bodyIn[bc + k] = slots[Inputs[cc + bc + k]];
        var cond = _cond.Value;
        var body = _body.Value;
        while (true)
        {
            for (int k = 0; k < nk; k++) condIn[cc + k] = bodyIn[bc + k];
            if (!cond.Run(condIn)[0].ReadOnlySpan<bool>()[0]) break;
            var next = body.Run(bodyIn);
            for (int k = 0; k < nk; k++) bodyIn[bc + k] = next[k];
        }

        for (int k = 0; k < nk; k++) slots[Outputs[k]] = bodyIn[bc + k];
    }
}

/// <summary>cond with each branch compiled when first taken.</summary>
internal sealed class CondStep : EquationStep
{
    private readonly Lazy<Executable>[] _branches;

    public CondStep(Equation equation, int[] inputs, int[] outputs) : base(equation, inputs, outputs)
    {
        var p = (CondParams)equation.Parameters;
        _branches = new Lazy<Executable>[p.Count];
        for (int b = 0; b < p.Count; b++)
        {
            var program = p[b];
            _branches[b] = new Lazy<Executable>(() => Executable.Compile(program));
        }
    }

    public override void Run(NDArray[] slots, Array? registers)
    {
        // The index is clamped into range, as the primitive does (XLA's convention).
        int index = Math.Clamp(slots[Inputs[0]].ReadOnlySpan<int>()[0], 0, _branches.Length - 1);
        var args = new NDArray[Inputs.Length - 1];
        for (int i = 0; i < args.Length; i++) args[i] = slots[Inputs[i + 1]];
        var outs = _branches[index].Value.Run(args);
        for (int i = 0; i < outs.Length; i++) slots[Outputs[i]] = outs[i];
    }
}
