using Cotangent.Core;
using Cotangent.Transforms;

namespace Cotangent;

/// <summary>Selects the second argument of a two-argument function to differentiate (JAX's argnums=1).</summary>
public sealed class WrtSecond
{
    internal WrtSecond() { }
}

/// <summary>Selects both arguments of a two-argument function to differentiate (JAX's argnums=(0, 1)).</summary>
public sealed class WrtBoth
{
    internal WrtBoth() { }
}

/// <summary>Argument selectors for <see cref="Ad.Grad{T1, T2}(Func{T1, T2, Tensor}, WrtSecond)"/> and friends. The default is the first argument.</summary>
public static class Wrt
{
    /// <summary>Differentiate with respect to the second argument.</summary>
    public static WrtSecond Second { get; } = new();

    /// <summary>Differentiate with respect to both arguments; the gradient is a tuple.</summary>
    public static WrtBoth Both { get; } = new();
}

// Grad and ValueAndGrad: the pullback of a scalar function applied to 1.
public static partial class Ad
{
    /// <summary>The gradient of a scalar-valued function: x ↦ ∇f(x), a tree shaped like x.</summary>
    /// <exception cref="DifferentiationException">f's output is not a float scalar, or x has integer leaves.</exception>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    /// <example><code>
    /// Func&lt;Tensor, Tensor&gt; loss = w => Np.Sum(Np.Square(w - 3.0));
    /// Tensor g = Ad.Grad(loss)(Np.Array(1.0, 2.0));             // 2(w − 3) = [-4, -2]
    ///
    /// // Any tree: the gradient of a function of a record is the same record type.
    /// // record Line(Tensor Slope, Tensor Intercept);
    /// Line grads = Ad.Grad&lt;Line&gt;(p => Np.Mean(Np.Square(p.Slope * xs + p.Intercept - ys)))(line);
    /// </code></example>
    public static Func<T, T> Grad<T>(Func<T, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return x => ValueAndGradCore<T, Tensor>(x0 => (f(x0), null!), x, "Grad", withAux: false).Grad;
    }

    /// <summary>x ↦ (f(x), ∇f(x)) from one evaluation.</summary>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    /// <example><code>
    /// Func&lt;Tensor, Tensor&gt; loss = w => Np.Sum(Np.Square(w - 3.0));
    /// var (value, grad) = Ad.ValueAndGrad(loss)(Np.Array(1.0, 2.0));   // 5 and [-4, -2]
    /// </code></example>
    public static Func<T, (Tensor Value, T Grad)> ValueAndGrad<T>(Func<T, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return x =>
        {
            var r = ValueAndGradCore<T, Tensor>(x0 => (f(x0), null!), x, "ValueAndGrad", withAux: false);
            return (r.Value, r.Grad);
        };
    }

    /// <summary>For f returning (loss, aux): x ↦ (∇loss(x), aux). The auxiliary output is not differentiated (JAX's has_aux).</summary>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    public static Func<T, (T Grad, TAux Aux)> GradWithAux<T, TAux>(Func<T, (Tensor Loss, TAux Aux)> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return x =>
        {
            var r = ValueAndGradCore(f, x, "GradWithAux", withAux: true);
            return (r.Grad, r.Aux);
        };
    }

    /// <summary>For f returning (loss, aux): x ↦ (loss, aux, ∇loss(x)).</summary>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    public static Func<T, (Tensor Value, TAux Aux, T Grad)> ValueAndGradWithAux<T, TAux>(Func<T, (Tensor Loss, TAux Aux)> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return x => ValueAndGradCore(f, x, "ValueAndGradWithAux", withAux: true);
    }

    /// <summary>The gradient of f(x, y) with respect to x (the first argument).</summary>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    public static Func<T1, T2, T1> Grad<T1, T2>(Func<T1, T2, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return (x, y) =>
        {
            RequireArgument(y, nameof(y), "Grad");
            return Grad<T1>(x0 => f(x0, y))(x);
        };
    }

    /// <summary>The gradient of f(x, y) with respect to y.</summary>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    /// <example><code>
    /// var dx = Ad.Grad&lt;Tensor, Tensor&gt;((w, x) => Np.Sum(w * x), Wrt.Second)(Np.Array(1.0, 2.0), Np.Array(3.0, 4.0));   // = w = [1, 2]
    /// </code></example>
    public static Func<T1, T2, T2> Grad<T1, T2>(Func<T1, T2, Tensor> f, WrtSecond wrt)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(wrt);
        return (x, y) =>
        {
            RequireArgument(x, nameof(x), "Grad");
            return Grad<T2>(y0 => f(x, y0))(y);
        };
    }

    /// <summary>The gradient of f(x, y) with respect to both arguments.</summary>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    public static Func<T1, T2, (T1, T2)> Grad<T1, T2>(Func<T1, T2, Tensor> f, WrtBoth wrt)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(wrt);
        return (x, y) =>
        {
            RequireArgument(x, nameof(x), "Grad");
            RequireArgument(y, nameof(y), "Grad");
            return Grad<(T1, T2)>(p => f(p.Item1, p.Item2))((x, y));
        };
    }

    /// <summary>(f(x, y), ∇ₓf).</summary>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    public static Func<T1, T2, (Tensor Value, T1 Grad)> ValueAndGrad<T1, T2>(Func<T1, T2, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return (x, y) =>
        {
            RequireArgument(y, nameof(y), "ValueAndGrad");
            return ValueAndGrad<T1>(x0 => f(x0, y))(x);
        };
    }

    /// <summary>(f(x, y), ∇_y f).</summary>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    public static Func<T1, T2, (Tensor Value, T2 Grad)> ValueAndGrad<T1, T2>(Func<T1, T2, Tensor> f, WrtSecond wrt)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(wrt);
        return (x, y) =>
        {
            RequireArgument(x, nameof(x), "ValueAndGrad");
            return ValueAndGrad<T2>(y0 => f(x, y0))(y);
        };
    }

    /// <summary>(f(x, y), (∇ₓf, ∇_y f)).</summary>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    public static Func<T1, T2, (Tensor Value, (T1, T2) Grad)> ValueAndGrad<T1, T2>(Func<T1, T2, Tensor> f, WrtBoth wrt)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(wrt);
        return (x, y) =>
        {
            RequireArgument(x, nameof(x), "ValueAndGrad");
            RequireArgument(y, nameof(y), "ValueAndGrad");
            return ValueAndGrad<(T1, T2)>(p => f(p.Item1, p.Item2))((x, y));
        };
    }

    /// <summary>
    /// The argument of a function a transformation returned must not be null: null is no tree of tensors to
    /// differentiate, and f would fail on it with a bare NullReferenceException.
    /// </summary>
    internal static void RequireArgument<T>(T value, string name, string transformation)
    {
        if (value is null) throw new ArgumentNullException(name, $"{transformation}: the argument {name} is null; pass a tensor or a tree of tensors.");
    }

    private static (Tensor Value, TAux Aux, T Grad) ValueAndGradCore<T, TAux>(Func<T, (Tensor Loss, TAux Aux)> f, T x, string transformation, bool withAux)
    {
        RequireArgument(x, nameof(x), transformation);
        var (leaves, def) = FlatFunction<T, (Tensor, TAux)>.FlattenDifferentiable(x, transformation);
        TreeDef? auxDef = null;
        Tensor[] Flat(Tensor[] inputs)
        {
            var (loss, aux) = f(Tree.Unflatten<T>(def, inputs));
            if (loss is null) throw new DifferentiationException($"{transformation}: the function returned null instead of a scalar tensor.");
            if (loss.Rank != 0 || !Aval.CarriesTangent(loss.DType))
                throw new DifferentiationException($"{transformation} requires a function with a float scalar output, but it returned {loss.Aval}. Reduce it to a scalar (e.g. Np.Sum), or use Vjp or JacRev for non-scalar outputs.");
            if (!withAux) return [loss];
            var (auxLeaves, d) = Tree.Flatten(aux);
            auxDef = d;
            return [loss, .. auxLeaves];
        }

        var (outs, linear) = Linearization.Linearize(Flat, leaves, transformation, pruneLater: true);
        var cts = new Tensor?[outs.Length];
        cts[0] = ScalarCache.Get(1, outs[0].DType);
        var grads = linear.ApplyTranspose(cts);
        var auxValue = withAux ? Tree.Unflatten<TAux>(auxDef!, outs[1..]) : default!;
        return (outs[0], auxValue, Tree.Unflatten<T>(def, grads));
    }
}
