using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Tests.Primitives;

// Rows of the custom-rule primitives. Their rules are the user's, so each case supplies correct ones (the conformance
// theories then check them like any other rule): custom_jvp_call and custom_vjp_call with JVP rules consistent with the
// function (every case has one, so forward mode applies), custom_lin with residuals computed from its arguments (its
// transpose, the backward pass, must be the transpose of its forward evaluation), custom_linear with exact transposes.
public static partial class PrimitiveSpecs
{
    private static Program P(Func<Tensor[], Tensor[]> f, DType d, params int[][] shapes) =>
        Staging.MakeProgram(f, shapes.Select(s => new Aval(Shape.Of(s), d)).ToArray());

    private static IEnumerable<PrimitiveSpec> CustomRuleSpecs()
    {
        // (sin x)·y with ẏ = cos x·ẋ·y + sin x·ẏ; (eˣ, s²) with (eˣ·ẋ, 2s·ṡ); log(1 + eˣ) with σ(x)·ẋ.
        yield return new PrimitiveSpec
        {
            Primitive = Catalogue.CustomJvpCall,
            Cases = (r, d) =>
            [
                new("sin-times", [Gen.Std(r, d, [3]), Gen.Std(r, d, [3])], new CustomJvpParams(
                    P(x => [Lax.Mul(Lax.Sin(x[0]), x[1])], d, [3], [3]),
                    P(x => [Lax.Mul(Lax.Sin(x[0]), x[1]), Lax.Add(Lax.Mul(Lax.Mul(Lax.Cos(x[0]), x[2]), x[1]), Lax.Mul(Lax.Sin(x[0]), x[3]))], d, [3], [3], [3], [3]),
                    0)),
                new("two-results", [Gen.Std(r, d, [2, 3]), Gen.Std(r, d, [])], new CustomJvpParams(
                    P(x => [Lax.Exp(x[0]), Lax.Mul(x[1], x[1])], d, [2, 3], []),
                    P(x => [Lax.Exp(x[0]), Lax.Mul(x[1], x[1]), Lax.Mul(Lax.Exp(x[0]), x[2]), Lax.Mul(Lax.Mul(x[1], x[3]), Lax.Scalar(2.0, x[1]))], d, [2, 3], [], [2, 3], []),
                    0)),
                new("log1pexp", [Gen.Std(r, d, [])], new CustomJvpParams(
                    P(x => [Lax.Log1p(Lax.Exp(x[0]))], d, new int[][] { [] }),
                    P(x => [Lax.Log1p(Lax.Exp(x[0])), Lax.Mul(x[1], Lax.Logistic(x[0]))], d, new int[][] { [], [] }),
                    0)),
            ],
        };

        // sin(x)·y saving (cos x, sin x, y); tanh x saving 1 − tanh²x; each with its JVP rule.
        yield return new PrimitiveSpec
        {
            Primitive = Catalogue.CustomVjpCall,
            Cases = (r, d) =>
            [
                new("sin-times", [Gen.Std(r, d, [3]), Gen.Std(r, d, [3])], new CustomVjpParams(
                    P(x => [Lax.Mul(Lax.Sin(x[0]), x[1])], d, [3], [3]),
                    P(x => [Lax.Mul(Lax.Sin(x[0]), x[1]), Lax.Cos(x[0]), Lax.Sin(x[0]), x[1]], d, [3], [3]),
                    SinTimesBwd(d),
                    P(x => [Lax.Mul(Lax.Sin(x[0]), x[1]), SinTimesTangent(x)], d, [3], [3], [3], [3]),
                    0)),
                new("tanh", [Gen.Std(r, d, [2, 2])], new CustomVjpParams(
                    P(x => [Lax.Tanh(x[0])], d, [2, 2]),
                    P(x => [Lax.Tanh(x[0]), Lax.Sub(Lax.Scalar(1.0, x[0]), Lax.Mul(Lax.Tanh(x[0]), Lax.Tanh(x[0])))], d, [2, 2]),
                    P(x => [Lax.Mul(x[1], x[0])], d, [2, 2], [2, 2]),
                    P(x => [Lax.Tanh(x[0]), Lax.Mul(x[1], Lax.Sub(Lax.Scalar(1.0, x[0]), Lax.Mul(Lax.Tanh(x[0]), Lax.Tanh(x[0]))))], d, [2, 2], [2, 2]),
                    0)),
            ],
        };

        // custom_lin(x, y, r, ṫ): its forward evaluation is the JVP rule's tangent part, its transpose the backward pass;
        // the residuals are those the forward pass saves at (x, y), so the two are each other's transpose.
        yield return new PrimitiveSpec
        {
            Primitive = Catalogue.CustomLin,
            LinearSets = [[5, 6]],
            Cases = (r, d) =>
            {
                var x = Gen.Std(r, d, [3]);
                var y = Gen.Std(r, d, [3]);
                var jvp = P(a => [SinTimesTangent(a)], d, [3], [3], [3], [3]);
                return
                [
                    new("sin-times", [x, y, Lax.Cos(x), Lax.Sin(x), y, Gen.Std(r, d, [3]), Gen.Std(r, d, [3])], new CustomLinParams(SinTimesBwd(d), jvp, 0, 2, 3)),
                ];
            },
        };

        // A·x with A captured (a program constant) or passed as the operator's data; (x + 2y, 3x) in two operands.
        yield return new PrimitiveSpec
        {
            Primitive = Catalogue.CustomLinear,
            LinearSets = [[0], [1], [0, 1]],
            Cases = (r, d) =>
            {
                var a = Gen.Std(r, d, [3, 2]);
                return
                [
                    new("matvec", [Gen.Std(r, d, [2])], new CustomLinearParams(
                        P(x => [Np.MatMul(a, x[0])], d, [2]), P(c => [Np.MatMul(Np.Transpose(a), c[0])], d, [3]), 0)),
                    new("data-operand", [Gen.Std(r, d, [3, 2]), Gen.Std(r, d, [2])], new CustomLinearParams(
                        P(x => [Np.MatMul(x[0], x[1])], d, [3, 2], [2]), P(c => [Np.MatMul(Np.Transpose(c[0]), c[1])], d, [3, 2], [3]), 1)),
                    new("two-operands", [Gen.Std(r, d, [2, 3]), Gen.Std(r, d, [2, 3])], new CustomLinearParams(
                        P(x => [Lax.Add(x[0], Lax.Mul(x[1], Lax.Scalar(2.0, x[1]))), Lax.Mul(x[0], Lax.Scalar(3.0, x[0]))], d, [2, 3], [2, 3]),
                        P(c => [Lax.Add(c[0], Lax.Mul(c[1], Lax.Scalar(3.0, c[1]))), Lax.Mul(c[0], Lax.Scalar(2.0, c[0]))], d, [2, 3], [2, 3]),
                        0)),
                ];
            },
        };
    }

    // ∂[sin(x)·y] = cos x·ẋ·y + sin x·ẏ (inputs x, y, ẋ, ẏ).
    private static Tensor SinTimesTangent(Tensor[] a) => Lax.Add(Lax.Mul(Lax.Mul(Lax.Cos(a[0]), a[2]), a[1]), Lax.Mul(Lax.Sin(a[0]), a[3]));

    // Its transpose from the residuals (cos x, sin x, y): x̄ = ȳ·cos x·y, ȳ' = ȳ·sin x.
    private static Program SinTimesBwd(DType d) => P(a => [Lax.Mul(Lax.Mul(a[3], a[0]), a[2]), Lax.Mul(a[3], a[1])], d, [3], [3], [3], [3]);
}
