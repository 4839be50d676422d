using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Tests.Primitives;

/// <summary>Rows of the control-flow primitives: each holds programs, linear in some operands for fixed others.</summary>
public static partial class PrimitiveSpecs
{
    private static IEnumerable<PrimitiveSpec> ControlFlowSpecs()
    {
        yield return CondSpec();
        yield return ScanSpec();
        yield return WhileSpec();
        yield return RematSpec();
        yield return NameTagSpec();
        yield return JitCallSpec();
    }

    private static Tensor Index(int i) => new(NDArray.Scalar(DType.Int32, i));

    private static Program Traced(Func<Tensor[], Tensor[]> f, DType d, params int[][] shapes) =>
        Staging.MakeProgram(f, shapes.Select(s => new Aval(Shape.Of(s), d)).ToArray());

    // cond(i, x, y): branch 0 = (x·sin y, x·exp y), branch 1 = (−3x, x·y²). Linear in x for a fixed y; an index past the
    // end clamps to the last branch.
    private static PrimitiveSpec CondSpec() => new()
    {
        Primitive = Catalogue.Cond,
        LinearSets = [[1]],
        Cases = (r, d) =>
        {
            var p = new CondParams(
            [
                Traced(xs => [Lax.Mul(xs[0], Lax.Sin(xs[1])), Lax.Mul(xs[0], Lax.Exp(xs[1]))], d, [3], [3]),
                Traced(xs => [Lax.Mul(xs[0], Tensor.Scalar(-3.0, d)), Lax.Mul(xs[0], Lax.Mul(xs[1], xs[1]))], d, [3], [3]),
            ]);
            return
            [
                new("branch0", [Index(0), Gen.Std(r, d, [3]), Gen.Std(r, d, [3])], p),
                new("branch1", [Index(1), Gen.Std(r, d, [3]), Gen.Std(r, d, [3])], p),
                new("clamped", [Index(5), Gen.Std(r, d, [3]), Gen.Std(r, d, [3])], p),
            ];
        },
    };

    // scan over 4 steps: consts W (2×2), carry h, xs (4×2): h ← W·h + sin(w₀₀)·x, y = 2h. Linear in (h, xs) for a fixed W.
    private static PrimitiveSpec ScanSpec() => new()
    {
        Primitive = Catalogue.Scan,
        LinearSets = [[1, 2]],
        Cases = (r, d) =>
        {
            var body = Traced(xs =>
            {
                var h = Lax.Add(Lax.DotGeneral(xs[0], xs[1], [1], [0], [], []), Lax.Mul(xs[2], Lax.Sin(Lax.Reshape(Lax.Slice(xs[0], [0, 0], [1, 1], [1, 1]), Shape.Scalar))));
                return [h, Lax.Mul(h, Tensor.Scalar(2.0, d))];
            }, d, [2, 2], [2], [2]);
            return
            [
                new("forward", [Gen.Uniform(r, d, [2, 2], -0.8, 0.8), Gen.Std(r, d, [2]), Gen.Std(r, d, [4, 2])], new ScanParams(body, 4, false, 1, 1)),
                new("reverse", [Gen.Uniform(r, d, [2, 2], -0.8, 0.8), Gen.Std(r, d, [2]), Gen.Std(r, d, [4, 2])], new ScanParams(body, 4, true, 1, 1)),
                new("empty", [Gen.Uniform(r, d, [2, 2], -0.8, 0.8), Gen.Std(r, d, [2]), Gen.Std(r, d, [0, 2])], new ScanParams(body, 0, false, 1, 1)),
            ];
        },
    };

    // while over (i, x) with body constant w: three trips of x ← sin(x)·w + x/2 (the predicate reads the int counter).
    private static PrimitiveSpec WhileSpec() => new()
    {
        Primitive = Catalogue.While,
        Cases = (r, d) =>
        {
            var cond = Staging.MakeProgram(xs => [Lax.Lt(xs[0], Index(3))], [new Aval(Shape.Scalar, DType.Int32), new Aval(Shape.Of(3), d)]);
            var body = Traced2(xs => [Lax.Add(xs[1], Index(1)), Lax.Add(Lax.Mul(Lax.Sin(xs[2]), xs[0]), Lax.Mul(xs[2], Tensor.Scalar(0.5, d)))], d);
            var p = new WhileParams(cond, body, 0, 1);
            return
            [
                new("three-trips", [Gen.Std(r, d, [3]), Index(0), Gen.Std(r, d, [3])], p),
                new("no-trip", [Gen.Std(r, d, [3]), Index(5), Gen.Std(r, d, [3])], p),
            ];
        },
    };

    private static Program Traced2(Func<Tensor[], Tensor[]> f, DType d) =>
        Staging.MakeProgram(f, [new Aval(Shape.Of(3), d), new Aval(Shape.Scalar, DType.Int32), new Aval(Shape.Of(3), d)]);

    // remat holds a region: the same program under two policies (the policy changes what is kept, never the value);
    // tanh(W)·x is linear in x for a fixed W.
    private static PrimitiveSpec RematSpec() => new()
    {
        Primitive = Catalogue.Remat,
        LinearSets = [[1]],
        Cases = (r, d) =>
        {
            var region = Traced(xs => [Lax.DotGeneral(Lax.Tanh(xs[0]), xs[1], [1], [0], [], [])], d, [3, 3], [3]);
            return
            [
                new("save-nothing", [Gen.Std(r, d, [3, 3]), Gen.Std(r, d, [3])], new RematParams(region, RematPolicy.Nothing)),
                new("save-dots", [Gen.Std(r, d, [3, 3]), Gen.Std(r, d, [3])], new RematParams(region, RematPolicy.Dots)),
            ];
        },
    };

    // jit_call runs a compiled program: a fused elementwise chain with a sum, and a product linear in x for fixed W
    // ((tanh W)·x + sin(Σ_rows W)·x, Σ x·exp(Σ_cols W)): two results, one 0-d, both linear in x for a fixed W.
    private static PrimitiveSpec JitCallSpec() => new()
    {
        Primitive = Catalogue.JitCall,
        LinearSets = [[1]],
        Cases = (r, d) =>
        {
            var program = Traced(xs =>
            {
                var y = Lax.DotGeneral(Lax.Tanh(xs[0]), xs[1], [1], [0], [], []);
                return [Lax.Add(y, Lax.Mul(Lax.Sin(Lax.ReduceSum(xs[0], [0])), xs[1])), Lax.ReduceSum(Lax.Mul(xs[1], Lax.Exp(Lax.ReduceSum(xs[0], [1]))), [0])];
            }, d, [3, 3], [3]);
            return [new("compiled", [Gen.Std(r, d, [3, 3]), Gen.Std(r, d, [3])], new Compile.JitCallParams(program, "f"))];
        },
    };

    private static PrimitiveSpec NameTagSpec() => new()
    {
        Primitive = Catalogue.NameTag,
        DTypes = s_floatsAndInt,
        LinearSets = [[0]],
        Cases = (r, d) =>
        [
            new("vector", [Gen.Std(r, d, [3])], new NameTagParams("h")),
            new("scalar", [Gen.Std(r, d, [])], new NameTagParams("h_2")),
        ],
    };
}
