using Cotangent.Core;
using Cotangent.Transforms;

namespace Cotangent;

/// <summary>
/// The function transformations (JAX's jax.jvp, linearize, linear_transpose, vjp, grad, …). Each takes a
/// function on trees of tensors and composes freely with the others: <c>Ad.Grad(Ad.Grad(f))</c>,
/// <c>Ad.Jvp(Ad.Grad(f), …)</c>. Reverse mode is linearization followed by transposition; see <see cref="Linearize{TIn, TOut}"/>.
/// </summary>
public static partial class Ad
{
    /// <summary>
    /// Forward mode: evaluates <paramref name="f"/> at <paramref name="primals"/> and pushes
    /// <paramref name="tangents"/> (same structure) forward: returns (f(x), J·ẋ).
    /// </summary>
    /// <exception cref="ArgumentNullException">f, primals or tangents is null.</exception>
    /// <exception cref="ShapeException">A tangent's shape differs from its primal's.</exception>
    /// <exception cref="DTypeException">A tangent's dtype differs from its primal's.</exception>
    /// <example><code>
    /// Func&lt;Tensor, Tensor&gt; f = v => Np.Sin(v) * v;
    /// var (y, yDot) = Ad.Jvp(f, Np.Array(0.5, 1.0, 2.0), Np.Array(1.0, 0.0, 0.0));
    /// // y = sin(x)·x; yDot = J·ẋ = [cos(0.5)·0.5 + sin(0.5), 0, 0] = [0.918, 0, 0]
    /// </code></example>
    public static (TOut Output, TOut Tangent) Jvp<TIn, TOut>(Func<TIn, TOut> f, TIn primals, TIn tangents)
    {
        ArgumentNullException.ThrowIfNull(f);
        RequireArgument(primals, nameof(primals), "Jvp");
        RequireArgument(tangents, nameof(tangents), "Jvp");
        var (leaves, def) = FlatFunction<TIn, TOut>.FlattenDifferentiable(primals, "Jvp");
        var tangentLeaves = FlatFunction<TIn, TOut>.FlattenLike(tangents, def, "Jvp: the tangents");
        for (int i = 0; i < leaves.Count; i++)
        {
            if (tangentLeaves[i].Aval != leaves[i].Aval)
                throw Aval.MismatchError(tangentLeaves[i].Aval, leaves[i].Aval, $"Jvp: tangent {i} has type {tangentLeaves[i].Aval} but its primal is {leaves[i].Aval}; tangents must match their primals' shapes and dtypes.");
        }

        var flat = new FlatFunction<TIn, TOut>(f, def);
        var (outs, outTangents) = ForwardMode.Jvp(flat.Invoke, leaves, tangentLeaves.ToArray<Tensor?>());
        var materialized = new Tensor[outs.Length];
        for (int i = 0; i < outs.Length; i++) materialized[i] = outTangents[i] ?? Staging.Zeros(outs[i].Aval);
        return (Tree.Unflatten<TOut>(flat.OutputDef!, outs), Tree.Unflatten<TOut>(flat.OutputDef!, materialized));
    }

    /// <summary>
    /// Linearization: evaluates <paramref name="f"/> at <paramref name="primals"/> and returns f(x) with
    /// the linear map ẋ ↦ J·ẋ as a staged linear program over residuals. Applying it gives Jvp's tangent
    /// without re-running f; it prints, and it transposes.
    /// </summary>
    /// <exception cref="ArgumentNullException">f or primals is null.</exception>
    /// <example><code>
    /// Func&lt;Tensor, Tensor&gt; f = v => Np.Sin(v) * v;
    /// var (y, linear) = Ad.Linearize(f, Np.Array(0.5, 1.0, 2.0));
    /// Console.WriteLine(linear);                                // the linear program, reading residuals cos x, x, sin x
    /// Tensor yDot = linear.Apply(Np.Array(1.0, 0.0, 0.0));      // J·ẋ without re-running f
    /// Tensor xBar = linear.ApplyTranspose(Np.Ones(3));          // Jᵀ·ȳ: reverse mode is this transpose
    /// Console.WriteLine(linear.Transpose());                    // the transposed program
    /// </code></example>
    public static (TOut Output, Linear<TIn, TOut> Linear) Linearize<TIn, TOut>(Func<TIn, TOut> f, TIn primals)
    {
        ArgumentNullException.ThrowIfNull(f);
        RequireArgument(primals, nameof(primals), "Linearize");
        var (leaves, def) = FlatFunction<TIn, TOut>.FlattenDifferentiable(primals, "Linearize");
        var flat = new FlatFunction<TIn, TOut>(f, def);
        var (outs, linear) = Linearization.Linearize(flat.Invoke, leaves);
        return (Tree.Unflatten<TOut>(flat.OutputDef!, outs), new Linear<TIn, TOut>(linear, def, flat.OutputDef!));
    }

    /// <summary>
    /// The transpose of a linear function: traces <paramref name="f"/> with every input linear at the
    /// types of <paramref name="examplePrimals"/>, removes dead code, checks linearity (a
    /// <see cref="LinearityException"/> names the first non-linear equation), and returns the transposed map.
    /// </summary>
    /// <exception cref="ArgumentNullException">f or examplePrimals is null.</exception>
    /// <exception cref="LinearityException">f is not linear.</exception>
    /// <example><code>
    /// var a = Np.Array(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
    /// var aT = Ad.LinearTranspose&lt;Tensor, Tensor&gt;(v => Np.MatMul(a, v), Np.Zeros(2));   // v ↦ A·v is linear
    /// Tensor u = aT.Apply(Np.Array(1.0, 0.0, 0.0));             // Aᵀ·[1, 0, 0] = [1, 2]
    /// </code></example>
    public static Linear<TOut, TIn> LinearTranspose<TIn, TOut>(Func<TIn, TOut> f, TIn examplePrimals)
    {
        ArgumentNullException.ThrowIfNull(f);
        RequireArgument(examplePrimals, nameof(examplePrimals), "LinearTranspose");
        var (leaves, def) = FlatFunction<TIn, TOut>.FlattenDifferentiable(examplePrimals, "LinearTranspose");
        var flat = new FlatFunction<TIn, TOut>(f, def);
        var program = StagingTrace.Run("LinearTranspose", forwardKnown: true,
            trace => Dce.Run(trace.Build(trace.Call(Staging.AvalsOf(leaves), flat.Invoke), linearInputs: true)));

        Transposition.CheckLinearity(program);
        return new Linear<TIn, TOut>(new LinearFunction(program), def, flat.OutputDef!).Transpose();
    }

    /// <summary>
    /// Reverse mode: evaluates <paramref name="f"/> and returns f(x) with the pullback ȳ ↦ Jᵀȳ, which is
    /// the transpose of <see cref="Linearize{TIn, TOut}"/>'s linear program and may be called any number of times.
    /// Inputs f does not depend on get zero cotangents.
    /// </summary>
    /// <example><code>
    /// Func&lt;Tensor, Tensor&gt; f = v => Np.Sin(v) * v;
    /// var (y, pullback) = Ad.Vjp(f, Np.Array(0.5, 1.0, 2.0));
    /// Tensor xBar = pullback(Np.Ones(3));                       // Jᵀ·ȳ = cos(x)·x + sin(x) for ȳ = 1
    /// Tensor again = pullback(Np.Array(0.0, 1.0, 0.0));         // another ȳ, without re-running f
    /// </code></example>
    public static (TOut Output, Func<TOut, TIn> Pullback) Vjp<TIn, TOut>(Func<TIn, TOut> f, TIn primals)
    {
        var (output, linear) = Linearize(f, primals);
        return (output, linear.ApplyTranspose);
    }

    /// <summary>Traces <paramref name="f"/> at the types of <paramref name="example"/> into a program (JAX's make_jaxpr).</summary>
    /// <exception cref="ArgumentNullException">f or example is null.</exception>
    /// <example><code>
    /// Console.WriteLine(Ad.MakeProgram&lt;Tensor, Tensor&gt;(v => Np.Sin(v) * v, Np.Zeros(3)));
    /// // { lambda ; a:f64[3] .  let b:f64[3] = sin a;  c:f64[3] = mul b a  in ( c ) }   (the exact layout may change)
    /// </code></example>
    public static Program MakeProgram<TIn, TOut>(Func<TIn, TOut> f, TIn example)
    {
        ArgumentNullException.ThrowIfNull(f);
        RequireArgument(example, nameof(example), "MakeProgram");
        var (leaves, def) = Tree.Flatten(example);
        var flat = new FlatFunction<TIn, TOut>(f, def);
        return Staging.MakeProgram(flat.Invoke, Staging.AvalsOf(leaves));
    }

    /// <summary>
    /// Reads a program back from the text <see cref="Program.ToString"/> prints (lossless: print → parse → print is the
    /// identity). The primitives are the catalogue's and the builtins'; <paramref name="constants"/> are the values of the
    /// constants the text declares (before each ';'), in text order — <see cref="ProgramParser.ConstantsOf"/> lists a
    /// program's in that order.
    /// </summary>
    /// <exception cref="ArgumentNullException">text is null.</exception>
    /// <exception cref="ProgramParseException">The text is malformed or ill-typed; the message gives the line, the column and what was expected.</exception>
    public static Program ParseProgram(string text, params Tensor[] constants)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(constants);
        for (int i = 0; i < constants.Length; i++)
            if (constants[i] is null) throw new ArgumentNullException(nameof(constants), $"Constant {i} is null.");
        return Cotangent.Primitives.Catalogue.ParseProgram(text, constants);
    }
}
