using Rnn.Core.Internals;

namespace Rnn.Core.Losses;

// N = number of values (any shape, flattened)

/// <summary>Huber loss, PyTorch's <c>nn.HuberLoss</c> with <c>reduction='mean'</c>: quadratic near zero, linear beyond δ.</summary>
/// <remarks>
/// <para>With <c>d_n = p_n − t_n</c>: <c>ℓ_n = ½ d_n²</c> when <c>|d_n| &lt; δ</c>, else <c>δ (|d_n| − ½ δ)</c>; <c>L = (1/N) Σ_n ℓ_n</c>, accumulated in double.</para>
/// <para>Gradient: <c>dP_n = clamp(d_n, −δ, δ) / N</c>.</para>
/// </remarks>
public static class HuberLoss
{
    /// <summary>Computes the mean Huber loss and, when <paramref name="dPrediction"/> is not empty, its gradient. Allocates nothing.</summary>
    /// <param name="prediction">Predictions, [N], N ≥ 1.</param>
    /// <param name="target">Targets, [N].</param>
    /// <param name="dPrediction">Gradient of the loss with respect to the predictions, [N], overwritten; empty when not needed.</param>
    /// <param name="delta">δ, where the loss turns from quadratic to linear; positive. Default 1.0 (PyTorch).</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The buffers are empty or their lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is not positive.</exception>
    public static float Forward(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> dPrediction, float delta = 1f)
    {
        if (!(delta > 0f) || float.IsPositiveInfinity(delta))
            ThrowHelper.ThrowArgumentOutOfRange(nameof(delta), delta, $"delta must be positive and finite, got {delta}");
        return ElementwiseLoss.MeanOf(prediction, target, dPrediction, new Huber(delta));
    }

    private readonly struct Huber(double delta) : IPointLoss
    {
        public (double Value, double Slope) Evaluate(double d) =>
            Math.Abs(d) < delta ? (0.5 * d * d, d) : (delta * (Math.Abs(d) - 0.5 * delta), Math.Clamp(d, -delta, delta));
    }
}
