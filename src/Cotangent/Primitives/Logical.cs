using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

/// <summary>A comparison with broadcasting, giving bool. Zero derivative.</summary>
public sealed class Compare : Primitive, IZeroDerivative
{
    internal Compare(string name, CompareOp op) : base(name) => Op = op;

    /// <summary>The kernel comparison.</summary>
    public CompareOp Op { get; }

    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, object? parameters) => Kernels.Compare(Op, args[0], args[1]);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, object? parameters)
    {
        Check.Arity(Name, args, 2);
        Check.SameDType(Name, args[0], args[1]);
        return new Aval(Shape.Broadcast(args[0].Shape, args[1].Shape, Name), DType.Bool);
    }
}

/// <summary>Logical and/or on bool tensors with broadcasting. Zero derivative.</summary>
public sealed class LogicalBinary : Primitive, IZeroDerivative
{
    internal LogicalBinary(string name, BinaryOp op) : base(name) => Op = op;

    /// <summary>And or Or.</summary>
    public BinaryOp Op { get; }

    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, object? parameters) => Kernels.Binary(Op, args[0], args[1]);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, object? parameters)
    {
        Check.Arity(Name, args, 2);
        if (args[0].DType != DType.Bool || args[1].DType != DType.Bool)
            throw new DTypeException($"{Name}: expected bool operands, got {args[0].DType.ShortName()} and {args[1].DType.ShortName()}.");
        return new Aval(Shape.Broadcast(args[0].Shape, args[1].Shape, Name), DType.Bool);
    }
}

/// <summary>not: logical negation of a bool tensor. Zero derivative.</summary>
public sealed class Not() : Primitive("not"), IZeroDerivative
{
    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, object? parameters) => Kernels.Unary(UnaryOp.Not, args[0]);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, object? parameters)
    {
        Check.Arity(Name, args, 1);
        if (args[0].DType != DType.Bool) throw new DTypeException($"not: expected a bool operand, got {args[0].DType.ShortName()}.");
        return args[0];
    }
}

/// <summary>select_n-style choice: pred ? onTrue : onFalse, all three broadcast. Linear in the cases, never in the predicate.</summary>
public sealed class Select() : Primitive("select"), IJvpRule, ITransposeRule
{
    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, object? parameters) => Kernels.Select(args[0], args[1], args[2]);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, object? parameters)
    {
        Check.Arity(Name, args, 3);
        if (args[0].DType != DType.Bool) throw new DTypeException($"select: the predicate must be bool, got {args[0].DType.ShortName()}.");
        Check.SameDType(Name, args[1], args[2]);
        var shape = Shape.Broadcast(Shape.Broadcast(args[0].Shape, args[1].Shape, Name), args[2].Shape, Name);
        return new Aval(shape, args[1].DType);
    }

    /// <summary>ż = pred ? ẋ : ẏ (a zero case stays zero).</summary>
    public Tensor? Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, object? parameters)
    {
        if (tangents[1] is null && tangents[2] is null) return null;
        var a = tangents[1] ?? Lax.ZerosLike(primals[1]);
        var b = tangents[2] ?? Lax.ZerosLike(primals[2]);
        return Lax.Select(primals[0], a, b);
    }

    /// <inheritdoc/>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, object? parameters) => !linear[0] && linear[1] && linear[2];

    /// <summary>x̄ = Σ select(pred, z̄, 0), ȳ = Σ select(pred, 0, z̄).</summary>
    public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, object? parameters, Span<Tensor?> result)
    {
        var pred = args[0].Value!;
        var zeros = Lax.ZerosLike(cotangent);
        if (args[1].IsLinear) result[1] = Lax.Unbroadcast(Lax.Select(pred, cotangent, zeros), args[1].Aval.Shape);
        if (args[2].IsLinear) result[2] = Lax.Unbroadcast(Lax.Select(pred, zeros, cotangent), args[2].Aval.Shape);
    }
}

/// <summary>convert_element_type. Linear between float dtypes; the derivative is zero into int or bool.</summary>
public sealed class ConvertElementType() : Primitive("convert_element_type"), IJvpRule, ITransposeRule
{
    /// <inheritdoc/>
    public override NDArray Impl(ReadOnlySpan<NDArray> args, object? parameters) => Kernels.Convert(args[0], ((ConvertParams)parameters!).DType);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, object? parameters)
    {
        Check.Arity(Name, args, 1);
        return args[0] with { DType = ((ConvertParams)parameters!).DType };
    }

    /// <summary>ẏ = convert(ẋ) between floats; zero otherwise.</summary>
    public Tensor? Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, object? parameters)
        => Lax.Convert(tangents[0]!, primalOut.DType);

    /// <inheritdoc/>
    public bool AcceptsLinear(ReadOnlySpan<bool> linear, object? parameters) => Aval.CarriesTangent(((ConvertParams)parameters!).DType);

    /// <summary>x̄ = convert(ȳ) back to x's dtype.</summary>
    public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, object? parameters, Span<Tensor?> result)
        => result[0] = Lax.Convert(cotangent, args[0].Aval.DType);
}
