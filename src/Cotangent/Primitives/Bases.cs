using Cotangent.Core;
using Cotangent.Runtime;
using Cotangent.Transforms;

namespace Cotangent.Primitives;

/// <summary>Argument checks shared by shape rules; each throws the typed exception with the operation's name.</summary>
internal static class Check
{
    public static void Arity(string name, ReadOnlySpan<Aval> args, int n)
    {
        if (args.Length != n) throw new ArgumentException($"{name}: expected {n} operands, got {args.Length}.");
    }

    public static void Float(string name, Aval a)
    {
        if (!a.DType.IsFloat())
            throw new DTypeException($"{name}: expected a float64 or float32 operand, got {a.DType.ShortName()}{a.Shape}. Convert it with AsType(DType.Float64) first.");
    }

    public static void SameDType(string name, Aval a, Aval b)
    {
        if (a.DType != b.DType)
            throw new DTypeException($"{name}: operand dtypes differ ({a.DType.ShortName()} and {b.DType.ShortName()}); convert one with AsType so both match.");
    }

    public static void Axes(string name, ReadOnlySpan<int> axes, int rank)
    {
        Span<bool> seen = rank <= 64 ? stackalloc bool[64] : new bool[rank];
        foreach (var a in axes)
        {
            if (a < 0 || a >= rank) throw new AxisException($"{name}: axis {a} is out of range for rank {rank}.");
            if (seen[a]) throw new AxisException($"{name}: axis {a} is repeated.");
            seen[a] = true;
        }
    }
}

/// <summary>
/// An elementwise one-operand primitive. Subclasses give the kernel op and, when differentiable, the
/// derivative f′(x) (possibly using the output y): the JVP is ẏ = ẋ · f′(x).
/// </summary>
public abstract class ElementwiseUnary : Primitive<NoParams>, IBatchRule<NoParams>
{
    /// <summary>Creates the primitive.</summary>
    protected ElementwiseUnary(string name, UnaryOp op, bool floatOnly = true) : base(name)
    {
        EvaluatesWithoutBinding = true;   // Impl (sealed below) is one kernel call
        Op = op;
        FloatOnly = floatOnly;
    }

    /// <summary>The kernel operation.</summary>
    public UnaryOp Op { get; }

    /// <summary>Accepts only float operands.</summary>
    public bool FloatOnly { get; }

    /// <inheritdoc/>
    public sealed override NDArray Impl(ReadOnlySpan<NDArray> args, NoParams p) => Kernels.Unary(Op, args[0]);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, NoParams p)
    {
        Check.Arity(Name, args, 1);
        if (FloatOnly) Check.Float(Name, args[0]);
        else if (args[0].DType == DType.Bool) throw new DTypeException($"{Name}: bool operands are not supported; convert to a numeric dtype first.");
        return args[0];
    }

    /// <summary>Elementwise: the batch axis stays where it is.</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, NoParams p) => BatchRules.Vectorized(this, args[0], dims[0], p);
}

/// <summary>A smooth elementwise unary primitive: ẏ = ẋ · f′(x).</summary>
public abstract class SmoothUnary : ElementwiseUnary, ITangentRule<NoParams>
{
    /// <summary>Creates the primitive.</summary>
    protected SmoothUnary(string name, UnaryOp op) : base(name, op) { }

    /// <summary>f′(x), given x and y = f(x), bound under the current trace.</summary>
    protected abstract Tensor Derivative(Tensor x, Tensor y);

    /// <inheritdoc/>
    public Tensor? Tangent(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, NoParams p)
        => Lax.Mul(tangents[0]!, Derivative(primals[0], primalOut));
}

/// <summary>A piecewise-constant or integer-valued elementwise primitive: its derivative is zero.</summary>
public abstract class FlatUnary : ElementwiseUnary, IZeroDerivative
{
    /// <summary>Creates the primitive.</summary>
    protected FlatUnary(string name, UnaryOp op, bool floatOnly) : base(name, op, floatOnly) { }
}

/// <summary>An elementwise two-operand primitive with NumPy broadcasting; both operands share a dtype.</summary>
public abstract class ElementwiseBinary : Primitive<NoParams>, ISimplifyRule, IBatchRule<NoParams>
{
    /// <summary>Creates the primitive.</summary>
    protected ElementwiseBinary(string name, BinaryOp op, bool floatOnly = false) : base(name)
    {
        EvaluatesWithoutBinding = true;   // Impl (sealed below) is one kernel call
        Op = op;
        FloatOnly = floatOnly;
    }

    /// <summary>The kernel operation.</summary>
    public BinaryOp Op { get; }

    /// <summary>Accepts only float operands.</summary>
    public bool FloatOnly { get; }

    /// <inheritdoc/>
    public sealed override NDArray Impl(ReadOnlySpan<NDArray> args, NoParams p) => Kernels.Binary(Op, args[0], args[1]);

    /// <inheritdoc/>
    public override Aval AbstractEval(ReadOnlySpan<Aval> args, NoParams p)
    {
        Check.Arity(Name, args, 2);
        Check.SameDType(Name, args[0], args[1]);
        if (FloatOnly) Check.Float(Name, args[0]);
        else if (args[0].DType == DType.Bool) throw new DTypeException($"{Name}: bool operands are not supported; use logical operations or convert first.");
        return new Aval(Shape.Broadcast(args[0].Shape, args[1].Shape, Name), args[0].DType);
    }

    /// <summary>
    /// An array operand known to hold one value in every element (a folded broadcast, a <c>zeros</c>) becomes that value
    /// as a rank-0 literal, when the other operand alone gives the result its shape: implicit broadcasting supplies the
    /// same value at every position, so this is exact, and the program no longer carries (or computes) the array.
    /// Subclasses try their algebraic identities first.
    /// </summary>
    public virtual Atom? Simplify(Equation equation, SimplifyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (x, y) = (equation.Inputs[0], equation.Inputs[1]);
        var (nx, ny) = (ToScalar(x, context), ToScalar(y, context));
        if (ReferenceEquals(nx, x) && ReferenceEquals(ny, y)) return null;
        if (nx.Aval.Shape.Rank == 0 && ny.Aval.Shape.Rank == 0 && equation.Outputs[0].Aval.Shape.Rank > 0) return null;   // nothing left to give the shape
        return context.Emit(this, [nx, ny], equation.Parameters);   // declined by the pass if the result's shape would shrink
    }

    // NaN is left alone: its payload need not survive the round trip through a double.
    private static Atom ToScalar(Atom a, SimplifyContext context) =>
        a.Aval.Shape.Rank > 0 && context.TryGetUniform(a, out var c) && !double.IsNaN(c) ? SimplifyContext.Scalar(c, a.Aval.DType) : a;

    /// <summary>NumPy broadcasting with the batch axis kept apart from per-example axes (<see cref="BatchRules.Broadcasting"/>).</summary>
    public (Tensor Result, int Dim) Batch(ReadOnlySpan<Tensor> args, ReadOnlySpan<int> dims, int axisSize, NoParams p) => BatchRules.Broadcasting(this, args, dims, p);
}

/// <summary>
/// A smooth binary primitive given by its partial derivatives: ż = ẋ · ∂f/∂x + ẏ · ∂f/∂y,
/// with each term broadcast to the output shape.
/// </summary>
public abstract class SmoothBinary : ElementwiseBinary, ITangentRule<NoParams>
{
    /// <summary>Creates the primitive.</summary>
    protected SmoothBinary(string name, BinaryOp op) : base(name, op, floatOnly: false) { }

    /// <summary>∂f/∂x at (x, y) with z = f(x, y).</summary>
    protected abstract Tensor PartialX(Tensor x, Tensor y, Tensor z);

    /// <summary>∂f/∂y at (x, y) with z = f(x, y).</summary>
    protected abstract Tensor PartialY(Tensor x, Tensor y, Tensor z);

    /// <inheritdoc/>
    public Tensor? Tangent(ReadOnlySpan<Tensor> primals, ReadOnlySpan<Tensor?> tangents, Tensor primalOut, NoParams p)
    {
        var (x, y) = (primals[0], primals[1]);
        Tensor? tx = tangents[0] is { } dx ? Lax.Mul(dx, PartialX(x, y, primalOut)) : null;
        Tensor? ty = tangents[1] is { } dy ? Lax.Mul(dy, PartialY(x, y, primalOut)) : null;
        var sum = tx is null ? ty! : ty is null ? tx : Lax.Add(tx, ty);
        return Lax.BroadcastTo(sum, primalOut.Shape);
    }
}
