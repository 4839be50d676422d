using Cotangent.Core;

namespace Cotangent.Transforms;

// Shared rules for linear and bilinear primitives (JAX's deflinear2 / defbilinear): the JVP of a linear
// primitive is the primitive applied to the tangents, and the JVP of a bilinear one is the sum of the
// primitive applied with one tangent at a time. Only the transpose is the primitive's own.

/// <summary>
/// A primitive linear in its tangent-carrying operands (structural operations, reductions by sum, select in
/// its cases, scatter-add): ẏ = op(ẋ₁, …, ẋₙ). Operands whose dtype carries no tangent (predicates,
/// indices) are passed as they are; zero tangents of float operands are instantiated as zeros at the
/// level of the other tangents (staged, never stored, under Linearize).
/// </summary>
/// <typeparam name="TParams">The primitive's parameter record.</typeparam>
public interface ILinearPrimitive<TParams> : ITangentRule<TParams>, ITransposeRule<TParams> where TParams : Params, IParams<TParams>
{
    Tensor? ITangentRule<TParams>.Tangent(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, TParams p)
    {
        Tensor? level = null;
        foreach (var t in tangents) level ??= t;
        if (level is null) return null;
        var args = new Tensor[primals.Length];
        for (int i = 0; i < args.Length; i++)
            args[i] = !Aval.CarriesTangent(primals[i].DType) ? primals[i] : tangents[i] ?? Builtins.ZerosAt(level, primals[i].Aval);
        return Dispatch.Bind((Primitive)this, args, p);
    }
}

/// <summary>
/// A primitive bilinear in its two operands (mul, dot_general): ż = op(ẋ, y) + op(x, ẏ); linear in exactly
/// one operand at a time, with a transpose rule for each side.
/// </summary>
/// <typeparam name="TParams">The primitive's parameter record.</typeparam>
public interface IBilinearPrimitive<TParams> : ITangentRule<TParams>, ITransposeRule<TParams> where TParams : Params, IParams<TParams>
{
    /// <summary>x̄ for z = op(x, y) with y known.</summary>
    Tensor TransposeLhs(Tensor cotangent, Tensor y, Aval x, TParams p);

    /// <summary>ȳ for z = op(x, y) with x known.</summary>
    Tensor TransposeRhs(Tensor cotangent, Tensor x, Aval y, TParams p);

    Tensor? ITangentRule<TParams>.Tangent(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, TParams p)
    {
        var self = (Primitive)this;
        Tensor? a = tangents[0] is { } dx ? Dispatch.Bind(self, [dx, primals[1]], p) : null;
        Tensor? b = tangents[1] is { } dy ? Dispatch.Bind(self, [primals[0], dy], p) : null;
        return Builtins.Add(a, b);
    }

    bool ITransposeRule<TParams>.AcceptsLinear(ReadOnlySpan<bool> linear, TParams p) => linear[0] != linear[1];

    void ITransposeRule<TParams>.Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, TParams p, Span<Tensor?> result)
    {
        if (args[0].IsLinear) result[0] = TransposeLhs(cotangent, args[1].Value!, args[0].Aval, p);
        else result[1] = TransposeRhs(cotangent, args[0].Value!, args[1].Aval, p);
    }
}
