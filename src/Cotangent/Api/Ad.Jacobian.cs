using Cotangent.Core;
using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent;

// Jacobians and Hessians, built from the transformations above: JacFwd applies the linearization to every basis
// tangent at once (Vmap of the linear map over the identity), JacRev the transposed linearization to every basis
// cotangent at once. The linear program runs once, batched, instead of once per basis vector.
public static partial class Ad
{
    /// <summary>The Jacobian by forward mode: shape f(x).Shape + x.Shape. Linearizes once and applies the linear map to all basis vectors in one batched pass (Vmap).</summary>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    /// <exception cref="DifferentiationException">x is not floating point.</exception>
    /// <example><code>
    /// Tensor j = Ad.JacFwd(v => Np.Sin(v) * v)(Np.Array(0.5, 1.0, 2.0));   // 3×3, diagonal cos(x)·x + sin(x)
    /// </code></example>
    public static Func<Tensor, Tensor> JacFwd(Func<Tensor, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return x => JacFwdAt(f, x);
    }

    private static Tensor JacFwdAt(Func<Tensor, Tensor> f, Tensor x)
    {
        RequireArgument(x, nameof(x), "JacFwd");
        var (y, linear) = Linearize(f, x);
        if (x.Size == 0) return NoRows(y.DType, y.Shape, x.Shape);
        // One batched application of the linear map to every basis tangent: columns (n, y…) → y… + [n].
        var columns = Vmap<Tensor, Tensor>(linear.Apply, 0, -1)(Basis(x.Aval));
        return Lax.Reshape(columns, Shape.Of([.. y.Shape.Dims, .. x.Shape.Dims]));
    }

    /// <summary>The Jacobian by reverse mode: shape f(x).Shape + x.Shape. Linearizes once and applies the transpose to all basis cotangents in one batched pass (Vmap).</summary>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    /// <exception cref="DifferentiationException">x or f(x) is not floating point (an integer output has no cotangent to pull back).</exception>
    /// <example><code>
    /// Tensor j = Ad.JacRev(v => Np.Softmax(v))(Np.Array(1.0, 2.0, 3.0));   // 3×3: diag(s) − s·sᵀ
    /// </code></example>
    public static Func<Tensor, Tensor> JacRev(Func<Tensor, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return x => JacRevAt(f, x);
    }

    private static Tensor JacRevAt(Func<Tensor, Tensor> f, Tensor x)
    {
        RequireArgument(x, nameof(x), "JacRev");
        var (y, linear) = Linearize(f, x);
        if (!Aval.CarriesTangent(y.DType))
            throw new DifferentiationException($"JacRev: f returned {y.Aval}; reverse mode needs a float output, since integer and bool values have no derivative. Convert the output with AsType(DType.Float64), or use JacFwd.");
        if (y.Size == 0) return NoRows(x.DType, y.Shape, x.Shape);
        // One batched application of the transpose to every basis cotangent: rows (m, x…).
        var rows = Vmap<Tensor, Tensor>(linear.ApplyTranspose, 0, 0)(Basis(y.Aval));
        return Lax.Reshape(rows, Shape.Of([.. y.Shape.Dims, .. x.Shape.Dims]));
    }

    /// <summary>The Hessian of a scalar function, forward-over-reverse: JacFwd(Grad(f)). Shape x.Shape + x.Shape.</summary>
    /// <exception cref="ArgumentNullException">f is null, or the returned function is given null.</exception>
    /// <example><code>
    /// Tensor h = Ad.Hessian(v => Np.Sum(v * v * v))(Np.Array(1.0, 2.0));   // diag(6v) = [[6, 0], [0, 12]]
    ///
    /// // Newton's method, w ← w − H⁻¹∇L: here it converges to the minimum at 0 in a few steps.
    /// Func&lt;Tensor, Tensor&gt; loss = v => Np.Sum(Np.Exp(v) - v);
    /// var w = Np.Array(1.0, -1.0);
    /// for (int i = 0; i &lt; 6; i++) w = w - Np.Linalg.Solve(Ad.Hessian(loss)(w), Ad.Grad(loss)(w));
    /// </code></example>
    public static Func<Tensor, Tensor> Hessian(Func<Tensor, Tensor> f) => JacFwd(Grad(f));

    /// <summary>The Hessian-vector product H(x)·v of a scalar function, forward-over-reverse: the JVP of Grad(f) at x along v.</summary>
    /// <exception cref="ArgumentNullException">f, x or v is null.</exception>
    /// <example><code>
    /// Tensor hv = Ad.HessianVectorProduct(v => Np.Sum(v * v * v), Np.Array(1.0, 2.0), Np.Array(1.0, 0.0));   // [6, 0], no Hessian formed
    /// </code></example>
    public static Tensor HessianVectorProduct(Func<Tensor, Tensor> f, Tensor x, Tensor v)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(v);
        return Jvp(Grad(f), x, v).Tangent;
    }

    /// <summary>Every standard basis tensor of the type, stacked: shape [n] + aval.Shape, the identity matrix reshaped.</summary>
    private static Tensor Basis(Aval aval) => LeafBasis([aval]).Leaves[0];

    private static Tensor NoRows(DType dtype, Shape y, Shape x) => new(NDArray.Zeros(dtype, Shape.Of([.. y.Dims, .. x.Dims])));
}
