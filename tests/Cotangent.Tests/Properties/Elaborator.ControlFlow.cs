using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent.Tests.Properties;

/// <summary>
/// Control-flow steps (issue #10): cond, scan and while_loop over smooth bodies, sometimes nested (a cond inside a
/// scan's body, a while inside a cond's branch), so every identity the properties check also covers the sub-program
/// rules. Each keeps its operand's shape, with a bound from its body.
/// </summary>
internal sealed partial class Elaborator
{
    private static Tensor K(Tensor like, double v) => new(NDArray.Scalar(like.DType, v));

    private static Tensor Positive(Tensor p) => Lax.Gt(Lax.ReduceSum(p, [.. Enumerable.Range(0, p.Rank)]), K(p, 0));

    // The smooth pieces bodies are made of; each maps |t| ≤ b into a small bound.
    private static Tensor Damped(Tensor t) => Lax.Add(Lax.Mul(Lax.Sin(t), K(t, 0.8)), Lax.Mul(t, K(t, 0.1)));

    private static Tensor Squashed(Tensor t) => Lax.Mul(Lax.Tanh(Lax.Mul(t, K(t, 0.5))), K(t, 1.2));

    private static Tensor Loop(Tensor t, int trips) =>
        Lax.WhileLoop(c => Lax.Lt(c[0], new Tensor(NDArray.Scalar(DType.Int32, trips))),
            c => [Lax.Add(c[0], new Tensor(NDArray.Scalar(DType.Int32, 1))), Damped(c[1])],
            new Tensor(NDArray.Scalar(DType.Int32, 0)), t)[1];

    private Built? ControlFlow(int a, int rawB, Random r)
    {
        var (x, b) = Bounded(a, L);
        var s = _shapes[a];
        int p = Pick(rawB);
        bool nested = r.Next(2) == 0;
        int trips = 1 + r.Next(3);
        switch (r.Next(3))
        {
            case 0:
                // cond(Σp > 0, damped, squashed or a while loop of damped)
                return new(Call("cond", nested ? $"while{trips}" : null, (t, _) => Lax.Cond(Positive(t[1]),
                    o => [nested ? Loop(o[0], trips) : Squashed(o[0])], o => [Damped(o[0])], t[0])[0], x, V(p)), s, 2, nested ? "cond+while" : "cond");
            case 1:
                if (s.Rank == 0) return null;
                bool reverse = r.Next(2) == 0;
                // scan over the leading axis: c ← tanh(c/2 + xᵢ) (or a cond choosing it), yᵢ = sin(c) + xᵢ/2
                return new(Call("scan", $"reverse={reverse}{(nested ? " cond" : "")}", (t, _) =>
                {
                    var v = t[0];
                    var init = Lax.Mul(Lax.Reshape(Lax.Slice(v, new int[v.Rank], [1, .. v.Shape.Dims[1..]], [.. Enumerable.Repeat(1, v.Rank)]), Shape.Of(v.Shape.Dims[1..])), K(v, 0.5));
                    var (_, ys) = Lax.Scan((c, xi) =>
                    {
                        var step = Lax.Tanh(Lax.Add(Lax.Mul(c[0], K(v, 0.5)), xi[0]));
                        var h = nested ? Lax.Cond(Positive(xi[0]), o => [o[0]], o => [Damped(Lax.Add(o[1], o[2]))], step, c[0], xi[0])[0] : step;
                        return ([h], [Lax.Add(Lax.Sin(h), Lax.Mul(xi[0], K(v, 0.5)))]);
                    }, [init], [v], reverse: reverse);
                    return ys[0];
                }, x), s, 1 + (0.5 * b), "scan");
            default:
                return new(Call("while", $"trips={trips}", (t, _) => Loop(t[0], trips), x), s, 2, "while");
        }
    }
}
