namespace Rnn.Core.Losses;

// N = number of values (any shape, flattened)

/// <summary>Mean squared error, PyTorch's <c>nn.MSELoss</c> with <c>reduction='mean'</c>.</summary>
/// <remarks>
/// <para>Loss: <c>L = (1/N) Σ_n (p_n − t_n)²</c>, accumulated in double.</para>
/// <para>Gradient: <c>dP_n = 2 (p_n − t_n) / N</c>.</para>
/// </remarks>
public static class MseLoss
{
    /// <summary>Computes the mean squared error and, when <paramref name="dPrediction"/> is not empty, its gradient. Allocates nothing.</summary>
    /// <param name="prediction">Predictions, [N], N ≥ 1.</param>
    /// <param name="target">Targets, [N].</param>
    /// <param name="dPrediction">Gradient of the loss with respect to the predictions, [N], overwritten; empty when not needed.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The buffers are empty or their lengths differ.</exception>
    public static float Forward(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> dPrediction) =>
        ElementwiseLoss.MeanOf(prediction, target, dPrediction, default(Squared));

    private readonly struct Squared : IPointLoss
    {
        public (double Value, double Slope) Evaluate(double d) => (d * d, 2 * d);
    }
}
