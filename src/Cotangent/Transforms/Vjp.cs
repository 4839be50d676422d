namespace Cotangent.Transforms;

// Reverse mode is Transpose ∘ Linearize and nothing else: no tape, no reverse rule for any
// non-linear primitive. The pullback runs the backward pass over the linear program's residuals.

/// <summary>Reverse-mode differentiation of flat functions (the API layer adds trees).</summary>
public static class ReverseMode
{
    /// <summary>
    /// Evaluates <paramref name="f"/> and returns its outputs with the pullback, the transpose of the
    /// linearization: it maps output cotangents to input cotangents and may be called any number of times.
    /// </summary>
    public static (Tensor[] Outputs, Func<Tensor?[], Tensor[]> Pullback, LinearFunction Linear) Vjp(Func<Tensor[], Tensor[]> f, IReadOnlyList<Tensor> primals, string transformation = "Vjp")
    {
        var (outputs, linear) = Linearization.Linearize(f, primals, transformation);
        return (outputs, linear.ApplyTranspose, linear);
    }
}
