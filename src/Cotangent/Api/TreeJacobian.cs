using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent;

/// <summary>
/// The Jacobian of a function from a tree to a tree, as JAX's pytree Jacobians: one block per (output leaf, input leaf),
/// block (i, j) of shape <c>output leaf i's shape + input leaf j's shape</c>. <see cref="Row"/> gives an output leaf's
/// derivatives as a tree like the input; <see cref="Column"/> an input leaf's as a tree like the output.
/// </summary>
/// <typeparam name="TIn">The function's input tree type.</typeparam>
/// <typeparam name="TOut">The function's output tree type.</typeparam>
public sealed class TreeJacobian<TIn, TOut>
{
    private readonly Tensor[,] _blocks;
    private readonly TreeDef _inDef;
    private readonly TreeDef _outDef;
    private readonly int[] _inSizes;
    private readonly int[] _outSizes;

    internal TreeJacobian(Tensor[,] blocks, TreeDef inDef, TreeDef outDef, int[] inSizes, int[] outSizes)
    {
        _blocks = blocks;
        _inDef = inDef;
        _outDef = outDef;
        _inSizes = inSizes;
        _outSizes = outSizes;
    }

    /// <summary>The number of output leaves (rows of blocks).</summary>
    public int OutputLeaves => _blocks.GetLength(0);

    /// <summary>The number of input leaves (columns of blocks).</summary>
    public int InputLeaves => _blocks.GetLength(1);

    /// <summary>∂ output leaf <paramref name="outputLeaf"/> / ∂ input leaf <paramref name="inputLeaf"/> (leaves in <see cref="Tree.Flatten"/>'s order).</summary>
    /// <exception cref="IndexOutOfRangeException">A leaf index is out of range.</exception>
    public Tensor this[int outputLeaf, int inputLeaf] => _blocks[outputLeaf, inputLeaf];

    /// <summary>The derivatives of one output leaf with respect to every input leaf, as a tree shaped like the input.</summary>
    public TIn Row(int outputLeaf)
    {
        var leaves = new Tensor[InputLeaves];
        for (int j = 0; j < leaves.Length; j++) leaves[j] = _blocks[outputLeaf, j];
        return Tree.Unflatten<TIn>(_inDef, leaves);
    }

    /// <summary>The derivatives of every output leaf with respect to one input leaf, as a tree shaped like the output.</summary>
    public TOut Column(int inputLeaf)
    {
        var leaves = new Tensor[OutputLeaves];
        for (int i = 0; i < leaves.Length; i++) leaves[i] = _blocks[i, inputLeaf];
        return Tree.Unflatten<TOut>(_outDef, leaves);
    }

    /// <summary>The whole Jacobian as one matrix [m, n] over both trees raveled (<see cref="Tree.Ravel"/>'s order); needs one dtype.</summary>
    /// <exception cref="DTypeException">The blocks have different dtypes.</exception>
    public Tensor ToMatrix()
    {
        var rows = new Tensor[OutputLeaves];
        for (int i = 0; i < rows.Length; i++)
        {
            var parts = new Tensor[InputLeaves];
            for (int j = 0; j < parts.Length; j++) parts[j] = Lax.Reshape(_blocks[i, j], Shape.Of(_outSizes[i], _inSizes[j]));
            rows[i] = parts.Length == 0 ? new Tensor(NDArray.Zeros(DType.Float64, Shape.Of(_outSizes[i], 0))) : Lax.Concatenate(parts, 1);
        }

        return rows.Length == 0 ? new Tensor(NDArray.Zeros(DType.Float64, Shape.Of(0, _inSizes.Sum()))) : Lax.Concatenate(rows, 0);
    }
}
