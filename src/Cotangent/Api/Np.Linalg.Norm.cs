using Cotangent.Primitives;
using Cotangent.Runtime;

namespace Cotangent;

public static partial class Np
{
    public static partial class Linalg
    {
        /// <summary>
        /// A vector or matrix norm (NumPy's <c>linalg.norm</c> with a numeric <c>ord</c>). One axis: the vector p-norm
        /// (Σ|x|ᵖ)^(1/p), with ∞ → max|x|, −∞ → min|x|, 0 → the number of nonzero entries (no derivative). Two axes
        /// (r, c): 1 → max over columns of Σ_r|x|, −1 the min; ∞ → max over rows of Σ_c|x|, −∞ the min; 2 → the largest
        /// singular value, −2 the smallest (by <see cref="Svd"/>: differentiable where they are distinct).
        /// </summary>
        /// <param name="x">The tensor.</param>
        /// <param name="ord">The order.</param>
        /// <param name="axes">One axis (vector norm) or two (matrix norm); default: the only axis of a vector, or both of a matrix.</param>
        /// <param name="keepDims">Keep the reduced axes with extent 1.</param>
        /// <exception cref="ArgumentNullException">x is null.</exception>
        /// <exception cref="ShapeException">No axes given for a tensor of rank other than 1 or 2, or more than two axes.</exception>
        /// <exception cref="ValueException">A matrix order other than ±1, ±2, ±∞.</exception>
        public static Tensor Norm(Tensor x, double ord, int[]? axes = null, bool keepDims = false)
        {
            ArgumentNullException.ThrowIfNull(x);
            var ax = NormAxes(x, axes);
            if (ax.Length == 1)
            {
                var a = Np.Abs(x);
                Tensor v = ord switch
                {
                    double.PositiveInfinity => Np.Max(a, ax, keepDims),
                    double.NegativeInfinity => Np.Min(a, ax, keepDims),
                    0 => Np.Sum(Lax.Convert(Lax.Ne(x, Lax.Scalar(0, x)), x.DType), ax, keepDims),
                    1 => Np.Sum(a, ax, keepDims),
                    2 => Np.Sqrt(Np.Sum(Lax.Mul(x, x), ax, keepDims)),
                    _ => Np.Power(Np.Sum(Np.Power(a, ord), ax, keepDims), 1 / ord),
                };
                return v;
            }

            int r = ax[0], c = ax[1];
            Tensor m = ord switch
            {
                1 => Np.Max(Np.Sum(Np.Abs(x), [r], true), [c], true),
                -1 => Np.Min(Np.Sum(Np.Abs(x), [r], true), [c], true),
                double.PositiveInfinity => Np.Max(Np.Sum(Np.Abs(x), [c], true), [r], true),
                double.NegativeInfinity => Np.Min(Np.Sum(Np.Abs(x), [c], true), [r], true),
                2 => SingularValues(x, r, c, s => Np.Max(s, -1, true)),
                -2 => SingularValues(x, r, c, s => Np.Min(s, -1, true)),
                _ => throw new ValueException($"Norm: a matrix norm's order is 1, −1, 2, −2, ∞ or −∞ (or \"fro\", \"nuc\"), got {ord}."),
            };
            return keepDims ? m : Np.Reshape(m, Squeezed(x.Shape, r, c));
        }

        /// <summary>
        /// A matrix norm by name (NumPy's <c>ord='fro'</c> and <c>'nuc'</c>): <c>"fro"</c> √(Σx²) over the two axes,
        /// <c>"nuc"</c> the sum of the singular values (by <see cref="Svd"/>).
        /// </summary>
        /// <param name="x">The tensor.</param>
        /// <param name="ord"><c>"fro"</c> or <c>"nuc"</c>.</param>
        /// <param name="axes">The two matrix axes; default: both axes of a matrix.</param>
        /// <param name="keepDims">Keep the reduced axes with extent 1.</param>
        /// <exception cref="ArgumentNullException">x or ord is null.</exception>
        /// <exception cref="ShapeException">The axes are not two.</exception>
        /// <exception cref="ValueException">ord is neither "fro" nor "nuc".</exception>
        public static Tensor Norm(Tensor x, string ord, int[]? axes = null, bool keepDims = false)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(ord);
            var ax = NormAxes(x, axes);
            if (ax.Length != 2) throw new ShapeException($"Norm: \"{ord}\" is a matrix norm and needs two axes, got {ax.Length}.");
            int r = ax[0], c = ax[1];
            Tensor m = ord switch
            {
                "fro" => Np.Sqrt(Np.Sum(Lax.Mul(x, x), [r, c], true)),
                "nuc" => SingularValues(x, r, c, s => Np.Sum(s, -1, true)),
                _ => throw new ValueException($"Norm: a named order is \"fro\" or \"nuc\", got \"{ord}\"."),
            };
            return keepDims ? m : Np.Reshape(m, Squeezed(x.Shape, r, c));
        }

        private static int[] NormAxes(Tensor x, int[]? axes)
        {
            if (axes is null)
            {
                return x.Rank switch
                {
                    1 => [0],
                    2 => [0, 1],
                    _ => throw new ShapeException($"Norm: give the axes for a tensor of rank {x.Rank} (one for a vector norm, two for a matrix norm)."),
                };
            }

            if (axes.Length is < 1 or > 2) throw new ShapeException($"Norm: one axis (a vector norm) or two (a matrix norm), got {axes.Length}.");
            var result = axes.Select(a => a < 0 ? a + x.Rank : a).ToArray();
            foreach (var a in result)
                if (a < 0 || a >= x.Rank) throw new ShapeException($"Norm: axis out of range for shape {x.Shape}.");
            if (result.Length == 2 && result[0] == result[1]) throw new ShapeException("Norm: the two matrix axes must differ.");
            return result;
        }

        /// <summary>Reduces the singular values of the matrices on axes (r, c), keeping both axes with extent 1.</summary>
        private static Tensor SingularValues(Tensor x, int r, int c, Func<Tensor, Tensor> reduce)
        {
            int rank = x.Rank;
            var perm = Enumerable.Range(0, rank).Where(a => a != r && a != c).Concat([r, c]).ToArray();
            var (_, s, _) = Svd(Lax.Transpose(x, perm));
            var reduced = reduce(s);   // [batch…, 1]
            var dims = x.Shape.ToArray();
            dims[r] = 1;
            dims[c] = 1;
            return Np.Reshape(reduced, dims);
        }

        private static int[] Squeezed(Shape shape, int r, int c) => [.. shape.Dims.ToArray().Where((_, i) => i != r && i != c)];
    }
}
