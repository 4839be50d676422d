using Cotangent.Core;
using Cotangent.Runtime;

namespace Cotangent.Transforms;

/// <summary>
/// The only primitives transformations name themselves (JAX's ad_util): <c>add_any</c>, which sums
/// cotangents at fan-out, and <c>zeros</c>, which materializes a symbolic zero at a boundary.
/// </summary>
public static class Builtins
{
    /// <summary>x + y for two values of the same type, without broadcasting.</summary>
    public static Primitive AddAny { get; } = new AddAnyPrimitive();

    /// <summary>A zero array of the aval given as parameter.</summary>
    public static Primitive Zeros { get; } = new ZerosPrimitive();

    private sealed class AddAnyPrimitive() : Primitive("add_any"), IJvpRule, ITransposeRule
    {
        public override NDArray Impl(ReadOnlySpan<NDArray> args, object? parameters) => Kernels.Binary(BinaryOp.Add, args[0], args[1]);

        public override Aval AbstractEval(ReadOnlySpan<Aval> args, object? parameters)
        {
            if (args.Length != 2 || args[0] != args[1])
                throw new ShapeException($"add_any: both operands must have the same type, got {string.Join(", ", args.ToArray())}.");
            return args[0];
        }

        // ż = ẋ + ẏ
        public Tensor? Jvp(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, object? parameters)
            => Add(tangents[0], tangents[1]);

        public bool AcceptsLinear(ReadOnlySpan<bool> linear, object? parameters) => true;

        // add ↔ fan-out: the cotangent goes to both operands.
        public void Transpose(Tensor cotangent, ReadOnlySpan<TransposeArg> args, object? parameters, Span<Tensor?> result)
        {
            result[0] = cotangent;
            result[1] = cotangent;
        }
    }

    private sealed class ZerosPrimitive() : Primitive("zeros"), IZeroDerivative
    {
        public override NDArray Impl(ReadOnlySpan<NDArray> args, object? parameters)
        {
            var aval = (Aval)parameters!;
            return NDArray.Zeros(aval.DType, aval.Shape);
        }

        public override Aval AbstractEval(ReadOnlySpan<Aval> args, object? parameters) => (Aval)parameters!;
    }

    /// <summary>Adds two optional values where null is a symbolic zero.</summary>
    public static Tensor? Add(Tensor? x, Tensor? y) => x is null ? y : y is null ? x : AddAny.Bind(x, y);
}
