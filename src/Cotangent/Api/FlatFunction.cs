using Cotangent.Core;

namespace Cotangent;

/// <summary>
/// Bridges a function on trees to the flat <c>Tensor[] → Tensor[]</c> form the transformations work on:
/// inputs are rebuilt from leaves, outputs flattened, and the output structure remembered.
/// </summary>
internal sealed class FlatFunction<TIn, TOut>
{
    private readonly Func<TIn, TOut> _f;
    private readonly TreeDef _inputDef;

    public FlatFunction(Func<TIn, TOut> f, TreeDef inputDef)
    {
        _f = f;
        _inputDef = inputDef;
    }

    /// <summary>The output structure, known after the first call.</summary>
    public TreeDef? OutputDef { get; private set; }

    public Tensor[] Invoke(Tensor[] leaves)
    {
        var output = _f(Tree.Unflatten<TIn>(_inputDef, leaves));
        var (outLeaves, def) = Tree.Flatten(output);
        if (OutputDef is not null && !OutputDef.Equals(def))
            throw new TreeStructureException($"The function returned structure {def} where {OutputDef} was expected.");
        OutputDef = def;
        return outLeaves.ToArray();
    }

    /// <summary>Flattens inputs and checks every leaf can carry a tangent.</summary>
    public static (List<Tensor> Leaves, TreeDef Def) FlattenDifferentiable(TIn input, string transformation)
    {
        var (leaves, def) = Tree.Flatten(input);
        for (int i = 0; i < leaves.Count; i++)
        {
            if (!Aval.CarriesTangent(leaves[i].DType))
                throw new DifferentiationException(
                    $"{transformation}: input leaf {i} of {def} is {leaves[i].Aval}; integer and bool values have no derivative. " +
                    "Differentiate only with respect to float64/float32 tensors (pass indices and masks as another argument, or close over them).");
        }

        return (leaves, def);
    }

    /// <summary>Flattens a tree that must match <paramref name="expected"/> exactly.</summary>
    public static List<Tensor> FlattenLike(object? tree, TreeDef expected, string what)
    {
        var (leaves, def) = Tree.Flatten(tree);
        if (!def.Equals(expected))
            throw new TreeStructureException($"{what} has structure {def} but {expected} was expected.");
        return leaves;
    }
}
