using System.Buffers;
using System.Numerics.Tensors;
using Rnn.Core.Internals;
using Rnn.Core.Layers;
using Rnn.Core.Numerics;

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
public static unsafe class CrossEntropyLoss
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

        // Targets are checked and the weights summed first, in row order; the rows are then independent (a large batch
        // of per-step rows — a language model's — is split over the threads), and the loss is summed in row order again,
        // so the result does not depend on the number of threads.
        double weightSum = 0;
        for (int n = 0; n < rows; n++)
        {
            int target = targets[n];
            if (target == ignoreIndex) continue;
            if ((uint)target >= (uint)classes)
                ThrowHelper.ThrowArgumentOutOfRange(nameof(targets), target, $"targets[{n}] = {target} is outside [0, {classes}) and is not the ignore index {ignoreIndex}");
            weightSum += classWeights.IsEmpty ? 1.0 : classWeights[target];
        }
        if (weightSum == 0)
        {
            dLogits.Clear();
            return float.NaN;
        }

        double[] rowLoss = ArrayPool<double>.Shared.Rent(rows);
        try
        {
            fixed (float* pLogits = logits, pGrad = dLogits, pWeights = classWeights)
            fixed (int* pTargets = targets)
            fixed (double* pLoss = rowLoss)
            {
                var job = new RowsJob
                {
                    Logits = pLogits, Grad = dLogits.IsEmpty ? null : pGrad, Weights = classWeights.IsEmpty ? null : pWeights,
                    Targets = pTargets, Loss = pLoss, Classes = classes, Rows = rows, IgnoreIndex = ignoreIndex,
                    Scale = (float)(1.0 / weightSum),
                };
                job.Parts = (long)rows * classes >= ParallelElements ? Math.Min(WorkerPool.Threads, rows) : 1;
                if (job.Parts <= 1) RowsJob.Run(&job, 0, rows);
                else WorkerPool.Run(job.Parts, &RunPart, &job);
            }
            double lossSum = 0;
            for (int n = 0; n < rows; n++) lossSum += rowLoss[n];
            return (float)(lossSum / weightSum);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rowLoss);
        }
    }

    /// <summary>Logit matrices with at least this many elements are split by rows over the threads.</summary>
    internal const long ParallelElements = 1 << 15;

    private static void RunPart(void* context, int part)
    {
        var job = (RowsJob*)context;
        RowsJob.Run(job, WorkerPool.ShareStart(job->Rows, part, job->Parts), WorkerPool.ShareStart(job->Rows, part + 1, job->Parts));
    }

    /// <summary>Rows [n0, n1): each row's weighted nll (0 for ignored rows) and, when wanted, its gradient row.</summary>
    private struct RowsJob
    {
        public float* Logits, Grad, Weights;
        public int* Targets;
        public double* Loss;
        public int Classes, Rows, IgnoreIndex, Parts;
        public float Scale;

        public static void Run(RowsJob* job, int n0, int n1)
        {
            int classes = job->Classes;
            for (int n = n0; n < n1; n++)
            {
                var xn = new ReadOnlySpan<float>(job->Logits + (nint)n * classes, classes);                        // [C]
                var dn = job->Grad == null ? Span<float>.Empty : new Span<float>(job->Grad + (nint)n * classes, classes); // [C]
                int target = job->Targets[n];
                if (target == job->IgnoreIndex)
                {
                    dn.Clear();
                    job->Loss[n] = 0;
                    continue;
                }
                double w = job->Weights == null ? 1.0 : job->Weights[target];
                double logSumExp = Activations.LogSumExp(xn);
                job->Loss[n] = w * (logSumExp - xn[target]); // w[y_n]·nll_n
                if (dn.IsEmpty) continue;
                // dn = w·(softmax(xn) − onehot(y_n)) / Σ w
                TensorPrimitives.Subtract(xn, (float)logSumExp, dn);
                TensorPrimitives.Exp(dn, dn);
                dn[target] -= 1f;
                TensorPrimitives.Multiply(dn, (float)w, dn);
                TensorPrimitives.Multiply(dn, job->Scale, dn);
            }
        }
    }
}
