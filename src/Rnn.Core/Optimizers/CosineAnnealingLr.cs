namespace Rnn.Core.Optimizers;

/// <summary>
/// Cosine annealing from lr₀ to η_min over <c>tMax</c> steps: PyTorch's <c>CosineAnnealingLR</c> closed form,
/// <c>lr(t) = η_min + (lr₀ − η_min)(1 + cos(π t / tMax)) / 2</c>.
/// </summary>
/// <remarks>As PyTorch's closed form, the curve continues past <c>tMax</c> (rising again towards lr₀ at 2·tMax).</remarks>
public sealed class CosineAnnealingLr : ILearningRateSchedule
{
    /// <summary>Creates a cosine schedule.</summary>
    /// <param name="baseLearningRate">lr₀, finite and non-negative.</param>
    /// <param name="tMax">Steps from lr₀ down to η_min; positive.</param>
    /// <param name="etaMin">η_min, finite and non-negative. Default 0.</param>
    public CosineAnnealingLr(float baseLearningRate, int tMax, float etaMin = 0f)
    {
        OptimizerChecks.NonNegative(baseLearningRate, nameof(baseLearningRate));
        OptimizerChecks.Positive(tMax, nameof(tMax));
        OptimizerChecks.NonNegative(etaMin, nameof(etaMin));
        BaseLearningRate = baseLearningRate;
        TMax = tMax;
        EtaMin = etaMin;
    }

    /// <summary>lr₀.</summary>
    public float BaseLearningRate { get; }

    /// <summary>Steps of one half-period.</summary>
    public int TMax { get; }

    /// <summary>η_min.</summary>
    public float EtaMin { get; }

    /// <inheritdoc />
    public float GetLearningRate(int step)
    {
        OptimizerChecks.Step(step);
        return (float)(EtaMin + ((double)BaseLearningRate - EtaMin) * (1 + Math.Cos(Math.PI * step / TMax)) / 2);
    }
}
