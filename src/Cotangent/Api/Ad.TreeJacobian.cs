namespace Cotangent;

// Jacobians and Hessians of functions of trees. The input tree is raveled into one vector (Tree.Ravel), so
// the Jacobian's last axis runs over every parameter in Tree.Ravel's order: exactly what Newton's method or a
// Gauss–Newton step needs. The Hessian-vector product needs no raveling: it is the JVP of Grad along a tree.
public static partial class Ad
{
    /// <summary>
    /// The forward-mode Jacobian of a function of a tree, with respect to the tree raveled by <see cref="Tree.Ravel"/>:
    /// shape f(x).Shape + [n], n the tree's total size.
    /// </summary>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    /// <exception cref="DTypeException">The tree's leaves have different dtypes.</exception>
    /// <example><code>Tensor j = Ad.JacFwd&lt;Mlp&gt;(p =&gt; Predict(p, inputs))(parameters);   // [batch, n]</code></example>
    public static Func<T, Tensor> JacFwd<T>(Func<T, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return x =>
        {
            ArgumentNullException.ThrowIfNull(x);
            var (flat, unravel) = Tree.Ravel(x);
            return JacFwd(v => f(unravel(v)))(flat);
        };
    }

    /// <summary>The reverse-mode Jacobian of a function of a tree, raveled as in <see cref="JacFwd{T}(Func{T, Tensor})"/>: shape f(x).Shape + [n].</summary>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    /// <exception cref="DTypeException">The tree's leaves have different dtypes.</exception>
    /// <example><code>
    /// Tensor j = Ad.JacRev&lt;Mlp&gt;(p => Predict(p, inputs))(parameters);   // [batch, n], n = Tree.Size(parameters)
    /// </code></example>
    public static Func<T, Tensor> JacRev<T>(Func<T, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return x =>
        {
            ArgumentNullException.ThrowIfNull(x);
            var (flat, unravel) = Tree.Ravel(x);
            return JacRev(v => f(unravel(v)))(flat);
        };
    }

    /// <summary>
    /// The Hessian of a scalar function of a tree, an n×n matrix over the tree raveled by <see cref="Tree.Ravel"/>
    /// (forward-over-reverse). Solve with it and unravel the step: <c>unravel(flat - Solve(H, g))</c>.
    /// </summary>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    /// <exception cref="DTypeException">The tree's leaves have different dtypes.</exception>
    /// <example><code>Tensor h = Ad.Hessian&lt;(Tensor W, Tensor B)&gt;(p =&gt; Loss(p.W, p.B))((w, b));   // [n, n]</code></example>
    public static Func<T, Tensor> Hessian<T>(Func<T, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return x =>
        {
            ArgumentNullException.ThrowIfNull(x);
            var (flat, unravel) = Tree.Ravel(x);
            return Hessian(v => f(unravel(v)))(flat);
        };
    }

    /// <summary>The Hessian-vector product H(x)·v of a scalar function of a tree, as a tree like x: the JVP of Grad(f) at x along v.</summary>
    /// <exception cref="ArgumentNullException">f, x or v is null.</exception>
    /// <exception cref="TreeStructureException">v's structure differs from x's.</exception>
    /// <example><code>
    /// Mlp hv = Ad.HessianVectorProduct(loss, parameters, direction);     // a tree like parameters
    /// </code></example>
    public static T HessianVectorProduct<T>(Func<T, Tensor> f, T x, T v)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(v);
        return Jvp(Grad(f), x, v).Tangent;
    }
}
