using System.Numerics.Tensors;
using Rnn.Core.Internals;
using Rnn.Core.Layers;

namespace Rnn.Core.Losses;

// N = rows (examples, or batch × steps for a per-step loss), C = classes

/// <summary>
/// Cross-entropy of logits against class indices with mean reduction, PyTorch's <c>nn.CrossEntropyLoss</c>
/// (<c>weight</c>, <c>ignore_index</c>, <c>reduction='mean'</c>).
/// </summary>
/// <remarks>
/// <para>Per row: <c>nll_n = logsumexp(x[n, :]) − x[n, y_n]</c> (a stable log-softmax), weighted by <c>w[y_n]</c> (1 without class weights).
/// Rows whose target equals <c>ignoreIndex</c> are skipped, which makes it a masked per-step loss when padded steps carry the ignore index.</para>
/// <para>Loss: <c>L = Σ_n w[y_n]·nll_n / Σ_n w[y_n]</c> over non-ignored rows, accumulated in double.</para>
/// <para>Gradient: <c>dX[n, c] = w[y_n]·(softmax(x[n, :])[c] − [c = y_n]) / Σ_n w[y_n]</c>, zero on ignored rows.</para>
/// <para>When no row counts (all ignored, or zero total weight) the loss is NaN as in PyTorch, and the gradient is all zeros.</para>
/// </remarks>
public static class CrossEntropyLoss
{
    /// <summary>PyTorch's default <c>ignore_index</c>.</summary>
    public const int DefaultIgnoreIndex = -100;

    /// <summary>Computes the mean cross-entropy and, when <paramref name="dLogits"/> is not empty, its gradient. Allocates nothing.</summary>
    /// <param name="logits">Unnormalised scores, [N, C].</param>
    /// <param name="classes">C, positive.</param>
    /// <param name="targets">Class index per row, [N], each in [0, C) or equal to <paramref name="ignoreIndex"/>.</param>
    /// <param name="dLogits">Gradient of the loss with respect to the logits, [N, C], overwritten; empty when not needed.</param>
    /// <param name="classWeights">Weight per class, [C], finite; empty means all 1. Default empty.</param>
    /// <param name="ignoreIndex">Target value of rows to skip. Default −100 (PyTorch).</param>
    /// <returns>The loss (NaN when no row counts).</returns>
    /// <exception cref="ArgumentOutOfRangeException">A target is outside [0, C) and not the ignore index; the message names the row and value.</exception>
    /// <exception cref="ArgumentException">A buffer length does not match N or C, or a class weight is not finite.</exception>
    public static float Forward(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<int> targets, Span<float> dLogits,
        ReadOnlySpan<float> classWeights = default, int ignoreIndex = DefaultIgnoreIndex)
    {
        if (classes <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(classes), classes, $"classes must be positive, got {classes}");
        int rows = targets.Length;
        SpanChecks.Length(logits.Length, (long)rows * classes, nameof(logits), $"[N, C] = [{rows}, {classes}]");
        if (!dLogits.IsEmpty) SpanChecks.Length(dLogits.Length, (long)rows * classes, nameof(dLogits), $"[N, C] = [{rows}, {classes}]");
        if (!classWeights.IsEmpty)
        {
            SpanChecks.Length(classWeights.Length, classes, nameof(classWeights), $"[C] = [{classes}]");
            for (int c = 0; c < classes; c++)
            {
                if (!float.IsFinite(classWeights[c]))
                    ThrowHelper.ThrowArgument(nameof(classWeights), $"classWeights[{c}] = {classWeights[c]} is not finite");
            }
        }

        double lossSum = 0, weightSum = 0;
        for (int n = 0; n < rows; n++)
        {
            var xn = logits.Slice(n * classes, classes);                                 // [C]
            var dn = dLogits.IsEmpty ? Span<float>.Empty : dLogits.Slice(n * classes, classes); // [C]
            int target = targets[n];
            if (target == ignoreIndex)
            {
                dn.Clear();
                continue;
            }
            if ((uint)target >= (uint)classes)
                ThrowHelper.ThrowArgumentOutOfRange(nameof(targets), target, $"targets[{n}] = {target} is outside [0, {classes}) and is not the ignore index {ignoreIndex}");
            double w = classWeights.IsEmpty ? 1.0 : classWeights[target];
            double logSumExp = Activations.LogSumExp(xn);
            lossSum += w * (logSumExp - xn[target]); // w[y_n]·nll_n
            weightSum += w;
            if (dn.IsEmpty) continue;
            // dn = w·(softmax(xn) − onehot(y_n)), divided by Σ w after the loop
            TensorPrimitives.Subtract(xn, (float)logSumExp, dn);
            TensorPrimitives.Exp(dn, dn);
            dn[target] -= 1f;
            TensorPrimitives.Multiply(dn, (float)w, dn);
        }

        if (weightSum == 0)
        {
            dLogits.Clear();
            return float.NaN;
        }
        if (!dLogits.IsEmpty) TensorPrimitives.Multiply(dLogits, (float)(1.0 / weightSum), dLogits);
        return (float)(lossSum / weightSum);
    }
}
