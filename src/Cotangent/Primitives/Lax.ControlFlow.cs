using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

public static partial class Lax
{
    /// <summary>
    /// Applies <c>branches[clamp(index, 0, n − 1)]</c> to <paramref name="operands"/> (JAX's lax.switch). Every branch
    /// must return the same number and types of values. Eagerly, with a concrete index and no transformation active, only
    /// the chosen branch runs; otherwise every branch is traced into a program and one <c>cond</c> is bound, so
    /// transformations see the choice as one step (a staged index keeps both branches in the program).
    /// </summary>
    /// <param name="index">An i32 scalar (a bool is converted: false → 0, true → 1).</param>
    /// <param name="branches">The branch functions, each from the operands to its results.</param>
    /// <param name="operands">The values the branches receive; values a branch captures from outside work too.</param>
    public static Tensor[] Switch(Tensor index, IReadOnlyList<Func<Tensor[], Tensor[]>> branches, params Tensor[] operands)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(branches);
        ArgumentNullException.ThrowIfNull(operands);
        if (branches.Count == 0) throw new ArgumentException("Switch needs at least one branch.", nameof(branches));
        if (index.Rank != 0 || (index.DType != DType.Int32 && index.DType != DType.Bool))
            throw new ShapeException($"Switch: the index must be an i32 or bool scalar, got {index.Aval}.");
        index = Convert(index, DType.Int32);
        if (TraceContext.Current is null && index.IsConcrete)
            return branches[Primitives.Cond.Clamp(index.Array!.Value.ReadOnlySpan<int>()[0], branches.Count)](operands);

        var avals = Staging.AvalsOf(operands);
        var traced = branches.Select(b => ControlFlow.TraceClosed(b, avals, "Switch")).ToArray();
        var capturedAvals = new List<Aval>();
        var captured = new List<Tensor>();
        var offsets = new int[traced.Length];
        for (int b = 0; b < traced.Length; b++)
        {
            offsets[b] = captured.Count;
            captured.AddRange(traced[b].Captured);
            capturedAvals.AddRange(Staging.AvalsOf(traced[b].Captured));
        }

        // Every branch takes every branch's captured values, then the operands, and reads its own.
        var programs = new Program[traced.Length];
        for (int b = 0; b < traced.Length; b++)
        {
            var (program, own) = traced[b];
            int start = offsets[b];
            programs[b] = captured.Count == 0 ? program : Staging.MakeProgram(
                xs => program.Evaluate([.. xs.AsSpan(start, own.Length), .. xs.AsSpan(captured.Count)]),
                [.. capturedAvals, .. avals], "Switch");
        }

        return Catalogue.Cond.Bind([index, .. captured, .. operands], new CondParams(programs));
    }

    /// <summary><paramref name="onTrue"/>(operands) when <paramref name="predicate"/> holds, else <paramref name="onFalse"/>(operands) (JAX's lax.cond).</summary>
    public static Tensor[] Cond(Tensor predicate, Func<Tensor[], Tensor[]> onTrue, Func<Tensor[], Tensor[]> onFalse, params Tensor[] operands)
        => Switch(predicate, [onFalse, onTrue], operands);
}
