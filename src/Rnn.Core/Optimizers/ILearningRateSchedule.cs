namespace Rnn.Core.Optimizers;

/// <summary>A learning rate as a function of the epoch or step (whichever the caller counts), from 0.</summary>
/// <remarks>Use between steps: <c>optimizer.LearningRate = schedule.GetLearningRate(epoch);</c>.</remarks>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate at <paramref name="step"/> (≥ 0).</summary>
    float GetLearningRate(int step);
}
