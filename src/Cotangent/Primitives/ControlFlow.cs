using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

/// <summary>What the control-flow primitives (cond, scan) share: running a closed program on arrays, checking
/// operand types against a program's inputs, and narrowing a program to some inputs and outputs.</summary>
internal static class ControlFlow
{
    /// <summary>Runs <paramref name="program"/> eagerly on concrete operands.</summary>
    public static NDArray[] EvaluateConcrete(Program program, ReadOnlySpan<NDArray> args)
    {
        var inputs = new Tensor[args.Length];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = new Tensor(args[i]);
        var outs = program.Evaluate(inputs);
        var result = new NDArray[outs.Length];
        for (int i = 0; i < result.Length; i++) result[i] = Dispatch.Concrete(outs[i]);
        return result;
    }

    /// <summary>Throws unless <paramref name="args"/> are exactly <paramref name="program"/>'s input types.</summary>
    public static void CheckInputs(string primitive, string what, Program program, ReadOnlySpan<Aval> args)
    {
        if (args.Length != program.Inputs.Count)
            throw new ShapeException($"{primitive}: {what} takes {program.Inputs.Count} operands but {args.Length} were given.");
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] != program.Inputs[i].Aval)
                throw Aval.MismatchError(args[i], program.Inputs[i].Aval, $"{primitive}: operand {i} has type {args[i]} but {what} expects {program.Inputs[i].Aval}.");
        }
    }

    /// <summary>True when <paramref name="value"/> is a value staged by <paramref name="trace"/> (unknown to partial evaluation).</summary>
    public static bool IsStaged(StagingTrace trace, Tensor value) => value is StagingTracer s && ReferenceEquals(s.Trace, trace);

    /// <summary>
    /// <paramref name="program"/> computing only the outputs flagged in <paramref name="usedOutputs"/> and taking only the
    /// inputs flagged in <paramref name="keptInputs"/>, which must include every input those outputs read.
    /// </summary>
    public static Program Restrict(Program program, ReadOnlySpan<bool> usedOutputs, ReadOnlySpan<bool> keptInputs)
    {
        var reads = new bool[program.Inputs.Count];
        var pruned = Transforms.Dce.Prune(program, usedOutputs, reads);
        var inputs = new List<Var>();
        var linear = new List<bool>();
        for (int i = 0; i < program.Inputs.Count; i++)
        {
            if (reads[i] && !keptInputs[i]) throw new InvalidOperationException($"Restrict: input {i} is read but not kept.");
            if (!keptInputs[i]) continue;
            inputs.Add(program.Inputs[i]);
            linear.Add(program.LinearInputs[i]);
        }

        return new Program(inputs, pruned.ConstVars, pruned.ConstValues, pruned.Equations, pruned.Outputs, linear);
    }

    /// <summary>
    /// Traces <paramref name="f"/> at <paramref name="avals"/> into a closed program whose captured values that are not
    /// concrete (tracers of enclosing transformations) become leading inputs, returned as <c>Captured</c>; concrete
    /// captured arrays stay constants.
    /// </summary>
    public static (Program Program, Tensor[] Captured) TraceClosed(Func<Tensor[], Tensor[]> f, IReadOnlyList<Aval> avals, string transformation)
    {
        var program = Staging.MakeProgram(f, avals, transformation);
        var hoisted = new List<Var>();
        var captured = new List<Tensor>();
        var constVars = new List<Var>();
        var constValues = new List<Tensor>();
        for (int i = 0; i < program.ConstVars.Count; i++)
        {
            if (program.ConstValues[i].IsConcrete)
            {
                constVars.Add(program.ConstVars[i]);
                constValues.Add(program.ConstValues[i]);
            }
            else
            {
                hoisted.Add(program.ConstVars[i]);
                captured.Add(program.ConstValues[i]);
            }
        }

        if (hoisted.Count == 0) return (program, []);
        return (new Program([.. hoisted, .. program.Inputs], constVars, constValues, program.Equations, program.Outputs), [.. captured]);
    }

    /// <summary>The program taking its inputs in <paramref name="inputOrder"/> and returning its outputs in <paramref name="outputOrder"/>.</summary>
    public static Program Reorder(Program program, int[] inputOrder, int[] outputOrder)
    {
        var inputs = new Var[inputOrder.Length];
        var linear = new bool[inputOrder.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = program.Inputs[inputOrder[i]];
            linear[i] = program.LinearInputs[inputOrder[i]];
        }

        var outputs = new Atom[outputOrder.Length];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = program.Outputs[outputOrder[i]];
        return new Program(inputs, program.ConstVars, program.ConstValues, program.Equations, outputs, linear);
    }
}
