using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

/// <summary>A comparison with broadcasting, giving bool. Zero derivative.</summary>
public sealed class Compare : Primitive<NoParams>, IZeroDerivative, IBatchRule<NoParams>
{
    internal Compare(string name, CompareOp op) : base(name) => Op = op;

    /// <summary>The kernel comparison.</summary>
    public CompareOp Op { get; }

    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, NoParams p) => Kernels.Compare(Op, args[0], args[1]);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, NoParams p)
    {
        Check.Arity(Name, args, 2);
        Check.SameDType(Name, args[0], args[1]);
        return new Aval(Shape.Broadcast(args[0].Shape, args[1].Shape, Name), DType.Bool);
    }

    /// <summary>NumPy broadcasting with the batch axis kept apart from per-example axes (<see cref="BatchRules.Broadcasting"/>).</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, NoParams p) => BatchRules.Broadcasting(this, args, dims, p);
}

/// <summary>Logical and/or on bool tensors with broadcasting. Zero derivative.</summary>
public sealed class LogicalBinary : Primitive<NoParams>, IZeroDerivative, IBatchRule<NoParams>
{
    internal LogicalBinary(string name, BinaryOp op) : base(name) => Op = op;

    /// <summary>And or Or.</summary>
    public BinaryOp Op { get; }

    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, NoParams p) => Kernels.Binary(Op, args[0], args[1]);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, NoParams p)
    {
        Check.Arity(Name, args, 2);
        if (args[0].DType != DType.Bool || args[1].DType != DType.Bool)
            throw new DTypeException($"{Name}: expected bool operands, got {args[0].DType.ShortName()} and {args[1].DType.ShortName()}.");
        return new Aval(Shape.Broadcast(args[0].Shape, args[1].Shape, Name), DType.Bool);
    }

    /// <summary>NumPy broadcasting with the batch axis kept apart from per-example axes (<see cref="BatchRules.Broadcasting"/>).</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, NoParams p) => BatchRules.Broadcasting(this, args, dims, p);
}

/// <summary>not: logical negation of a bool tensor. Zero derivative.</summary>
public sealed class Not() : Primitive<NoParams>("not"), IZeroDerivative, IBatchRule<NoParams>
{
    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, NoParams p) => Kernels.Unary(UnaryOp.Not, args[0]);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, NoParams p)
    {
        Check.Arity(Name, args, 1);
        if (args[0].DType != DType.Bool) throw new DTypeException($"not: expected a bool operand, got {args[0].DType.ShortName()}.");
        return args[0];
    }

    /// <summary>Elementwise: the batch axis stays where it is.</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, NoParams p) => BatchRules.Vectorized(this, args[0], dims[0], p);
}

/// <summary>select_n-style choice: pred ? onTrue : onFalse, all three broadcast. Linear in the cases, never in the predicate.</summary>
public sealed class Select() : Primitive<NoParams>("select"), ILinearPrimitive<NoParams>, IBatchRule<NoParams>
{
    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, NoParams p) => Kernels.Select(args[0], args[1], args[2]);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, NoParams p)
    {
        Check.Arity(Name, args, 3);
        if (args[0].DType != DType.Bool) throw new DTypeException($"select: the predicate must be bool, got {args[0].DType.ShortName()}.");
        Check.SameDType(Name, args[1], args[2]);
        var shape = Shape.Broadcast(Shape.Broadcast(args[0].Shape, args[1].Shape, Name), args[2].Shape, Name);
        return new Aval(shape, args[1].DType);
    }

    /// <inheritdoc/>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, NoParams p) => !linear[0] && linear[1] && linear[2];

    /// <summary>x̄ = Σ select(pred, z̄, 0), ȳ = Σ select(pred, 0, z̄).</summary>
    public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, NoParams p, Span<Tensor?> result)
    {
        var pred = args[0].Value!;
        var zeros = Lax.ZerosLike(cotangent);
        if (args[1].IsLinear) result[1] = Lax.Unbroadcast(Lax.Select(pred, cotangent, zeros), args[1].Aval.Shape);
        if (args[2].IsLinear) result[2] = Lax.Unbroadcast(Lax.Select(pred, zeros, cotangent), args[2].Aval.Shape);
    }

    /// <summary>NumPy broadcasting with the batch axis kept apart from per-example axes (<see cref="BatchRules.Broadcasting"/>).</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, NoParams p) => BatchRules.Broadcasting(this, args, dims, p);
}

/// <summary>convert_element_type. Linear between float dtypes; the derivative is zero into int or bool.</summary>
public sealed class ConvertElementType() : Primitive<ConvertParams>("convert_element_type"), ILinearPrimitive<ConvertParams>, ISimplifyRule, IBatchRule<ConvertParams>
{
    /// <summary>A conversion to the operand's own dtype → the operand (exact: nothing is converted).</summary>
    public Atom? Simplify(Equation equation, SimplifyContext context) =>
        equation.Inputs[0].Aval.DType == ((ConvertParams)equation.Parameters).DType ? equation.Inputs[0] : null;

    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, ConvertParams p) => Kernels.Convert(args[0], p.DType);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, ConvertParams p)
    {
        Check.Arity(Name, args, 1);
        return args[0] with { DType = p.DType };
    }

    /// <inheritdoc/>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, ConvertParams p) => Aval.CarriesTangent(p.DType);

    /// <summary>x̄ = convert(ȳ) back to x's dtype.</summary>
    public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, ConvertParams p, Span<Tensor?> result)
        => result[0] = Lax.Convert(cotangent, args[0].Aval.DType);

    /// <summary>Elementwise: the batch axis stays where it is.</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, ConvertParams p) => BatchRules.Vectorized(this, args[0], dims[0], p);
}
