namespace Rnn.Core.Optimizers;

/// <summary>Decays the learning rate by γ every <c>stepSize</c> steps: PyTorch's <c>StepLR</c>, <c>lr(t) = lr₀ · γ^⌊t / stepSize⌋</c>.</summary>
public sealed class StepLr : ILearningRateSchedule
{
    /// <summary>Creates a step-decay schedule.</summary>
    /// <param name="baseLearningRate">lr₀, finite and non-negative.</param>
    /// <param name="stepSize">Steps between decays; positive.</param>
    /// <param name="gamma">γ, the decay factor; finite and non-negative. Default 0.1 (PyTorch).</param>
    public StepLr(float baseLearningRate, int stepSize, float gamma = 0.1f)
    {
        OptimizerChecks.NonNegative(baseLearningRate, nameof(baseLearningRate));
        OptimizerChecks.Positive(stepSize, nameof(stepSize));
        OptimizerChecks.NonNegative(gamma, nameof(gamma));
        BaseLearningRate = baseLearningRate;
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>lr₀.</summary>
    public float BaseLearningRate { get; }

    /// <summary>Steps between decays.</summary>
    public int StepSize { get; }

    /// <summary>γ.</summary>
    public float Gamma { get; }

    /// <inheritdoc />
    public float GetLearningRate(int step)
    {
        OptimizerChecks.Step(step);
        return (float)(BaseLearningRate * Math.Pow(Gamma, step / StepSize));
    }
}
