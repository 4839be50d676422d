namespace Cotangent;

/// <summary>
/// A learning rate as a function of the step count (0 for the first update), like optax's schedules. A C# number
/// converts to a constant schedule, so <c>Optim.Adam(1e-3)</c> and <c>Optim.Adam(Schedule.CosineDecay(1e-3, 1000))</c>
/// both work.
/// </summary>
public sealed class Schedule
{
    private readonly Func<int, double> _rate;

    /// <summary>A schedule from a function of the step count.</summary>
    /// <exception cref="ArgumentNullException">rate is null.</exception>
    public Schedule(Func<int, double> rate)
    {
        ArgumentNullException.ThrowIfNull(rate);
        _rate = rate;
    }

    /// <summary>The learning rate at <paramref name="step"/> (0-based).</summary>
    public double this[int step] => _rate(step);

    /// <summary>A constant learning rate.</summary>
    public static implicit operator Schedule(double value) => Constant(value);

    /// <summary>A constant learning rate.</summary>
    public static Schedule Constant(double value) => new(_ => value);

    /// <summary>value·rate^(step/transitionSteps), or rate^⌊step/transitionSteps⌋ with <paramref name="staircase"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">transitionSteps is not positive.</exception>
    public static Schedule ExponentialDecay(double value, double rate, int transitionSteps, bool staircase = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(transitionSteps);
        return new(step =>
        {
            double p = (double)step / transitionSteps;
            return value * Math.Pow(rate, staircase ? Math.Floor(p) : p);
        });
    }

    /// <summary>Linear from <paramref name="start"/> to <paramref name="end"/> over <paramref name="steps"/> steps, then <paramref name="end"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">steps is negative.</exception>
    public static Schedule Linear(double start, double end, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        return new(step => steps == 0 || step >= steps ? end : start + ((end - start) * step / steps));
    }

    /// <summary>
    /// Cosine decay from <paramref name="value"/> to <paramref name="alpha"/>·value over <paramref name="decaySteps"/>:
    /// value·((1 − α)·½(1 + cos(π·min(step, T)/T)) + α), as optax's <c>cosine_decay_schedule</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">decaySteps is not positive.</exception>
    public static Schedule CosineDecay(double value, int decaySteps, double alpha = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(decaySteps);
        return new(step =>
        {
            double t = Math.Min(step, decaySteps) / (double)decaySteps;
            return value * (((1 - alpha) * 0.5 * (1 + Math.Cos(Math.PI * t))) + alpha);
        });
    }

    /// <summary>Linear warm-up from 0 to <paramref name="peak"/> over <paramref name="warmupSteps"/>, then cosine decay to <paramref name="end"/> at <paramref name="totalSteps"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">warmupSteps is negative, or totalSteps is not greater than warmupSteps.</exception>
    public static Schedule WarmupCosineDecay(double peak, int warmupSteps, int totalSteps, double end = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(totalSteps, warmupSteps);
        return new(step =>
        {
            if (step < warmupSteps) return peak * step / warmupSteps;
            double t = Math.Min(step - warmupSteps, totalSteps - warmupSteps) / (double)(totalSteps - warmupSteps);
            return end + ((peak - end) * 0.5 * (1 + Math.Cos(Math.PI * t)));
        });
    }
}
