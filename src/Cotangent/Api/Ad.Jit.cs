namespace Cotangent;

public static partial class Ad
{
    /// <summary>
    /// Compiles <paramref name="f"/> (JAX's jax.jit): per signature of its argument (tree structure, static values, leaf
    /// shapes and dtypes), it is traced once to a program, optimized (dead code, common subexpressions, constants,
    /// algebraic identities), and turned into generated code — chains of float elementwise operations of one shape, with
    /// a trailing full sum, become one SIMD loop; 0-d programs become straight-line code; everything else runs its
    /// kernel with intermediates recycled as soon as they are dead. Composes both ways: <c>Ad.Jit(Ad.Grad(f))</c> compiles
    /// the forward and backward pass together; <c>Ad.Grad(Ad.Jit(f).AsFunc())</c> differentiates the compiled program and
    /// compiles its derivative programs once.
    /// </summary>
    /// <remarks>
    /// As in JAX, the function is traced, so Python-style side effects and data-dependent C# control flow run once at
    /// tracing time: branch on values with <c>Lax.Cond</c>/<c>Lax.WhileLoop</c>. Tensors the function closes over are
    /// baked into the compiled program as constants.
    /// </remarks>
    /// <exception cref="ArgumentNullException">f is null.</exception>
    /// <example><code>
    /// var f = Ad.Jit&lt;Tensor, Tensor&gt;(x => Np.Sum(Np.Tanh(x) * x + Np.Exp(-x * x)));
    /// Tensor y = f.Invoke(Np.Linspace(-1, 1, 1_000_000));    // traced and compiled on the first call
    /// Console.WriteLine(f.Lower(Np.Zeros(8)));                // the optimized program and its fused loop
    /// var g = Ad.Jit(Ad.Grad&lt;Tensor&gt;(f.AsFunc()));          // compiled gradient
    /// </code></example>
    public static JitFunction<TIn, TOut> Jit<TIn, TOut>(Func<TIn, TOut> f, JitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new JitFunction<TIn, TOut>(f, options);
    }
}
