using System.Runtime.CompilerServices;
using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent;

/// <summary>One value reverse mode keeps between the forward and the backward pass.</summary>
/// <param name="Source">What made it: <c>input i</c>, the equation: a primitive with its parameters (<c>sin</c>, <c>dot_general[lhs_contracting=(1) …]</c>), a control-flow
/// construct with how it stacked the value (<c>scan (stacked over 1000 steps)</c>), or <c>constant</c> for a value the
/// function captured.</param>
/// <param name="Aval">Its type.</param>
/// <param name="Bytes">Its size in bytes.</param>
public sealed record ResidualInfo(string Source, Aval Aval, long Bytes);

public static partial class Ad
{
    /// <summary>
    /// The residuals a Vjp of <paramref name="f"/> at <paramref name="primals"/> keeps: one row per value the linear program
    /// reads, with the primitive that computed it, its type and its bytes. Use it to see what a checkpoint policy or a
    /// <c>Scan</c>'s checkpointing saves. An input of f kept as a residual is shared, not copied.
    /// </summary>
    /// <exception cref="ArgumentNullException">f or primals is null.</exception>
    public static IReadOnlyList<ResidualInfo> Residuals<TIn>(Func<TIn, Tensor> f, TIn primals)
    {
        ArgumentNullException.ThrowIfNull(f);
        RequireArgument(primals, nameof(primals), "Residuals");
        var (leaves, def) = FlatFunction<TIn, Tensor>.FlattenDifferentiable(primals, "Residuals");
        var table = new ConditionalWeakTable<Tensor, string>();
        for (int i = 0; i < leaves.Count; i++) table.TryAdd(leaves[i], $"input {i}");
        var previous = StagingTrace.Provenance;
        StagingTrace.Provenance = table;
        LinearFunction linear;
        try
        {
            var flat = new FlatFunction<TIn, Tensor>(f, def);
            (_, linear) = Linearization.Linearize(flat.Invoke, leaves, "Residuals");
        }
        finally
        {
            StagingTrace.Provenance = previous;
        }

        var result = new List<ResidualInfo>();
        foreach (var value in linear.Program.ConstValues)
        {
            var source = table.TryGetValue(value, out var s) ? s : "constant";
            result.Add(new ResidualInfo(source, value.Aval, (long)value.Aval.Shape.Size * (value.DType switch { DType.Float64 => 8, DType.Bool => 1, _ => 4 })));
        }

        return result;
    }
}
