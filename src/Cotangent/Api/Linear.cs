using Cotangent.Core;
using Cotangent.Transforms;

namespace Cotangent;

/// <summary>
/// A linear map between trees, held as a linear program with its residuals (from
/// <see cref="Ad.Linearize{TIn, TOut}"/> or <see cref="Ad.LinearTranspose{TIn, TOut}"/>).
/// </summary>
/// <typeparam name="TIn">The tree type of tangents it takes.</typeparam>
/// <typeparam name="TOut">The tree type it returns.</typeparam>
public sealed class Linear<TIn, TOut>
{
    private readonly TreeDef _inDef;
    private readonly TreeDef _outDef;

    internal Linear(LinearFunction function, TreeDef inDef, TreeDef outDef)
    {
        Function = function;
        _inDef = inDef;
        _outDef = outDef;
    }

    /// <summary>The flat linear function: its program, residuals and transpose.</summary>
    public LinearFunction Function { get; }

    /// <summary>The linear program (inputs are tangents, constants are residuals).</summary>
    public Program Program => Function.Program;

    /// <summary>Applies the map.</summary>
    /// <exception cref="ArgumentNullException">tangents is null.</exception>
    /// <exception cref="TreeStructureException">tangents does not have the input structure.</exception>
    /// <exception cref="ShapeException">A tangent's shape differs from the map's input.</exception>
    /// <exception cref="DTypeException">A tangent's dtype differs from the map's input.</exception>
    public TOut Apply(TIn tangents)
    {
        Ad.RequireArgument(tangents, nameof(tangents), "Linear.Apply");
        var leaves = FlatFunction<TIn, TOut>.FlattenLike(tangents, _inDef, "The tangent");
        for (int i = 0; i < leaves.Count; i++)
        {
            if (leaves[i].Aval != Program.Inputs[i].Aval)
                throw Aval.MismatchError(leaves[i].Aval, Program.Inputs[i].Aval, $"Tangent {i} has type {leaves[i].Aval} but the linear map expects {Program.Inputs[i].Aval}.");
        }

        return Tree.Unflatten<TOut>(_outDef, Function.Apply(leaves.ToArray()));
    }

    /// <summary>Applies the transposed map (the backward pass): cotangents of outputs to cotangents of inputs.</summary>
    /// <exception cref="ArgumentNullException">cotangents is null.</exception>
    /// <exception cref="TreeStructureException">cotangents does not have the output structure.</exception>
    /// <exception cref="ShapeException">A cotangent's shape differs from its output's.</exception>
    /// <exception cref="DTypeException">A cotangent's dtype differs from its output's.</exception>
    public TIn ApplyTranspose(TOut cotangents)
    {
        Ad.RequireArgument(cotangents, nameof(cotangents), "Linear.ApplyTranspose");
        var leaves = FlatFunction<TIn, TOut>.FlattenLike(cotangents, _outDef, "The cotangent");
        return Tree.Unflatten<TIn>(_inDef, Function.ApplyTranspose(leaves.ToArray<Tensor?>()));
    }

    /// <summary>The transposed map as a linear program of its own. Transposing twice gives back the original map.</summary>
    public Linear<TOut, TIn> Transpose() => new(Function.Transpose(), _outDef, _inDef);

    /// <summary>The linear program followed by the residual values.</summary>
    public override string ToString() => Function.ToString();
}
