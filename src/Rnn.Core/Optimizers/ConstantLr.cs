namespace Rnn.Core.Optimizers;

/// <summary>The same learning rate at every step.</summary>
public sealed class ConstantLr : ILearningRateSchedule
{
    /// <summary>Creates a constant schedule.</summary>
    /// <param name="learningRate">The learning rate; finite and non-negative.</param>
    public ConstantLr(float learningRate)
    {
        OptimizerChecks.NonNegative(learningRate, nameof(learningRate));
        LearningRate = learningRate;
    }

    /// <summary>The learning rate.</summary>
    public float LearningRate { get; }

    /// <inheritdoc />
    public float GetLearningRate(int step)
    {
        OptimizerChecks.Step(step);
        return LearningRate;
    }
}
