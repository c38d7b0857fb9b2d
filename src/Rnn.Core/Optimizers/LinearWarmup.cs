namespace Rnn.Core.Optimizers;

/// <summary>
/// Ramps another schedule up linearly over the first steps: <c>lr(t) = inner(t) · (t + 1) / warmupSteps</c> for
/// <c>t &lt; warmupSteps</c>, then <c>inner(t)</c>.
/// </summary>
public sealed class LinearWarmup : ILearningRateSchedule
{
    /// <summary>Wraps <paramref name="inner"/> with a linear warm-up.</summary>
    /// <param name="inner">The schedule to warm up.</param>
    /// <param name="warmupSteps">Steps of warm-up; 0 means none.</param>
    public LinearWarmup(ILearningRateSchedule inner, int warmupSteps)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        Inner = inner;
        WarmupSteps = warmupSteps;
    }

    /// <summary>The wrapped schedule.</summary>
    public ILearningRateSchedule Inner { get; }

    /// <summary>Steps of warm-up.</summary>
    public int WarmupSteps { get; }

    /// <inheritdoc />
    public float GetLearningRate(int step)
    {
        float lr = Inner.GetLearningRate(step);
        return step < WarmupSteps ? (float)((double)lr * (step + 1) / WarmupSteps) : lr;
    }
}
