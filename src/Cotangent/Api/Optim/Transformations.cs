using Cotangent.Runtime;

namespace Cotangent;

// The building blocks the optimizers of Optim chain together, each the optax transformation of the same name.
// Updates are computed leaf by leaf with Np operations, so float32 parameters stay float32 (C# numbers are
// weakly typed).

/// <summary>updates ↦ −lr(step) · updates.</summary>
internal sealed class ScaleByLearningRate(Schedule rate) : GradientTransformation
{
    public override int MomentCount => 0;

    internal override T Apply<T>(T updates, T[] moments, int offset, int step, T parameters) =>
        Tree.Scale(updates, -rate[step]);
}

/// <summary>updates ↦ updates · min(1, maxNorm / ‖updates‖), ‖·‖ the norm of the whole tree as one vector.</summary>
internal sealed class GlobalNormClip(double maxNorm) : GradientTransformation
{
    public override int MomentCount => 0;

    internal override T Apply<T>(T updates, T[] moments, int offset, int step, T parameters)
    {
        // maxNorm / 0 = ∞, so a zero gradient keeps the factor 1.
        var factor = Np.Minimum(maxNorm / Np.AsType(Tree.Norm(updates), DType.Float64), 1.0);
        return Tree.Map(updates, u => u * Np.AsType(factor, u.DType));
    }
}

/// <summary>updates ↦ updates + λ · parameters (decoupled weight decay, as in AdamW).</summary>
internal sealed class AddDecayedWeights(double weightDecay) : GradientTransformation
{
    public override int MomentCount => 0;

    internal override T Apply<T>(T updates, T[] moments, int offset, int step, T parameters) =>
        Tree.AddScaled(updates, weightDecay, parameters);
}

/// <summary>Momentum: m ← g + μ·m; updates ↦ m, or g + μ·m with Nesterov.</summary>
internal sealed class MomentumTrace(double momentum, bool nesterov) : GradientTransformation
{
    public override int MomentCount => 1;

    internal override T Apply<T>(T updates, T[] moments, int offset, int step, T parameters)
    {
        var m = Tree.AddScaled(updates, momentum, moments[offset]);
        moments[offset] = m;
        return nesterov ? Tree.AddScaled(updates, momentum, m) : m;
    }
}

/// <summary>
/// Adam's scaling: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², updates ↦ m̂ / (√v̂ + ε) with the bias corrections
/// m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ), t = step + 1.
/// </summary>
internal sealed class ScaleByAdam(double b1, double b2, double eps) : GradientTransformation
{
    public override int MomentCount => 2;

    internal override T Apply<T>(T updates, T[] moments, int offset, int step, T parameters)
    {
        var m = Tree.Map(updates, moments[offset], (g, mu) => (mu * b1) + (g * (1 - b1)));
        var v = Tree.Map(updates, moments[offset + 1], (g, nu) => (nu * b2) + (g * g * (1 - b2)));
        moments[offset] = m;
        moments[offset + 1] = v;
        int t = step + 1;
        double c1 = 1 - Math.Pow(b1, t), c2 = 1 - Math.Pow(b2, t);
        return Tree.Map(m, v, (mu, nu) => mu / c1 / (Np.Sqrt(nu / c2) + eps));
    }
}

/// <summary>RMSProp's scaling: v ← ρv + (1−ρ)g², updates ↦ g / (√v + ε).</summary>
internal sealed class ScaleByRms(double decay, double eps) : GradientTransformation
{
    public override int MomentCount => 1;

    internal override T Apply<T>(T updates, T[] moments, int offset, int step, T parameters)
    {
        var v = Tree.Map(updates, moments[offset], (g, nu) => (nu * decay) + (g * g * (1 - decay)));
        moments[offset] = v;
        return Tree.Map(updates, v, (g, nu) => g / (Np.Sqrt(nu) + eps));
    }
}
