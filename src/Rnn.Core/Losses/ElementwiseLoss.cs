using Rnn.Core.Internals;

namespace Rnn.Core.Losses;

// N = number of values (any shape, flattened)

/// <summary>The mean reduction shared by element-wise regression losses.</summary>
internal static class ElementwiseLoss
{
    /// <summary>
    /// <c>L = (1/N) Σ_n ℓ(p_n − t_n)</c> and <c>dP_n = ℓ'(p_n − t_n) / N</c>, in double.
    /// </summary>
    /// <param name="prediction">Predictions, [N].</param>
    /// <param name="target">Targets, [N].</param>
    /// <param name="dPrediction">Gradient, [N], overwritten; empty when not needed.</param>
    /// <param name="loss">Maps the difference d to (ℓ(d), ℓ'(d)); a struct, so nothing is allocated.</param>
    public static float MeanOf<TLoss>(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> dPrediction, TLoss loss)
        where TLoss : struct, IPointLoss
    {
        if (prediction.IsEmpty) ThrowHelper.ThrowArgument(nameof(prediction), "prediction is empty; a mean loss needs at least one value");
        SpanChecks.Length(target.Length, prediction.Length, nameof(target), $"[N] = [{prediction.Length}]");
        if (!dPrediction.IsEmpty) SpanChecks.Length(dPrediction.Length, prediction.Length, nameof(dPrediction), $"[N] = [{prediction.Length}]");
        double sum = 0, scale = 1.0 / prediction.Length;
        for (int n = 0; n < prediction.Length; n++)
        {
            var (value, slope) = loss.Evaluate((double)prediction[n] - target[n]);
            sum += value;
            if (!dPrediction.IsEmpty) dPrediction[n] = (float)(slope * scale);
        }
        return (float)(sum * scale);
    }
}

/// <summary>A loss of one difference d = p − t: its value ℓ(d) and slope ℓ'(d).</summary>
internal interface IPointLoss
{
    /// <summary>Returns (ℓ(d), ℓ'(d)).</summary>
    (double Value, double Slope) Evaluate(double d);
}
