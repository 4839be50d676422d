namespace Cotangent;

/// <summary>
/// Optimizers in the style of optax: each returns a <see cref="GradientTransformation"/>, a pair of pure functions
/// (<c>Init</c>, <c>Update</c>) over trees of parameters whose state is itself a tree. Updates are <em>added</em> to the
/// parameters (<see cref="ApplyUpdates{T}"/>): they already carry the minus sign and the learning rate. A learning rate
/// is a number or a <see cref="Schedule"/>.
/// </summary>
/// <example><code>
/// var opt = Optim.Chain(Optim.ClipByGlobalNorm(1.0), Optim.Adam(Schedule.CosineDecay(1e-3, 1000)));
/// var state = opt.Init(parameters);
/// var grads = Ad.Grad(loss)(parameters);
/// (var updates, state) = opt.Update(grads, state, parameters);
/// parameters = Optim.ApplyUpdates(parameters, updates);
/// </code></example>
public static class Optim
{
    /// <summary>Stochastic gradient descent, optionally with momentum (heavy ball) or Nesterov momentum: m ← g + μm; update −lr·m (Nesterov: −lr·(g + μm)).</summary>
    /// <exception cref="ArgumentNullException">learningRate is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">momentum is negative.</exception>
    public static GradientTransformation Sgd(Schedule learningRate, double momentum = 0, bool nesterov = false)
    {
        ArgumentNullException.ThrowIfNull(learningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(momentum);
        return momentum == 0 && !nesterov
            ? new ScaleByLearningRate(learningRate)
            : Chain(new MomentumTrace(momentum, nesterov), new ScaleByLearningRate(learningRate));
    }

    /// <summary>Adam (Kingma and Ba, 2015): update −lr·m̂/(√v̂ + ε) with bias-corrected moments.</summary>
    /// <exception cref="ArgumentNullException">learningRate is null.</exception>
    /// <example><code>
    /// // Fit y = 2x with a record of parameters; Adam's state is a tree like the parameters.
    /// // record Line(Tensor Slope, Tensor Intercept);
    /// var (xs, ys) = (Np.Array(1.0, 2.0, 3.0), Np.Array(2.0, 4.0, 6.0));
    /// Func&lt;Line, Tensor&gt; loss = p => Np.Mean(Np.Square(p.Slope * xs + p.Intercept - ys));
    /// var parameters = new Line(Np.Array(0.0), Np.Array(0.0));
    /// var opt = Optim.Adam(0.1);                        // or Optim.Adam(Schedule.CosineDecay(0.1, 500))
    /// var state = opt.Init(parameters);
    /// for (int step = 0; step &lt; 500; step++)
    /// {
    ///     (var updates, state) = opt.Update(Ad.Grad(loss)(parameters), state, parameters);
    ///     parameters = Optim.ApplyUpdates(parameters, updates);
    /// }
    /// // parameters ≈ (2, 0)
    /// </code></example>
    public static GradientTransformation Adam(Schedule learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(learningRate);
        return Chain(new ScaleByAdam(beta1, beta2, epsilon), new ScaleByLearningRate(learningRate));
    }

    /// <summary>AdamW (Loshchilov and Hutter, 2019), Adam with decoupled weight decay: update −lr·(m̂/(√v̂ + ε) + λ·p). Defaults as optax's.</summary>
    /// <exception cref="ArgumentNullException">learningRate is null.</exception>
    public static GradientTransformation AdamW(Schedule learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(learningRate);
        return Chain(new ScaleByAdam(beta1, beta2, epsilon), new AddDecayedWeights(weightDecay), new ScaleByLearningRate(learningRate));
    }

    /// <summary>RMSProp: v ← ρv + (1−ρ)g²; update −lr·g/(√v + ε) (ε outside the root, as PyTorch's).</summary>
    /// <exception cref="ArgumentNullException">learningRate is null.</exception>
    public static GradientTransformation RmsProp(Schedule learningRate, double decay = 0.9, double epsilon = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(learningRate);
        return Chain(new ScaleByRms(decay, epsilon), new ScaleByLearningRate(learningRate));
    }

    /// <summary>Scales the whole gradient tree so its global norm (<see cref="Tree.Norm{T}"/>) is at most <paramref name="maxNorm"/>; put it first in a <see cref="Chain"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">maxNorm is not positive.</exception>
    public static GradientTransformation ClipByGlobalNorm(double maxNorm)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNorm);
        return new GlobalNormClip(maxNorm);
    }

    /// <summary>Applies <paramref name="transformations"/> in order, each to the previous one's updates (optax's <c>chain</c>); the state holds all their moments.</summary>
    /// <exception cref="ArgumentNullException">transformations or one of them is null.</exception>
    public static GradientTransformation Chain(params GradientTransformation[] transformations)
    {
        ArgumentNullException.ThrowIfNull(transformations);
        foreach (var t in transformations) ArgumentNullException.ThrowIfNull(t, nameof(transformations));
        return new GradientTransformation.Chain([.. transformations]);
    }

    /// <summary>parameters + updates, leaf by leaf.</summary>
    /// <exception cref="ArgumentNullException">parameters or updates is null.</exception>
    /// <exception cref="TreeStructureException">The trees have different structures.</exception>
    public static T ApplyUpdates<T>(T parameters, T updates) => Tree.Add(parameters, updates);
}
