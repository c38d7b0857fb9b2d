using System.Diagnostics;
using Rnn.Cli.Reporting;
using Rnn.Core;
using Rnn.Core.Losses;
using Rnn.Core.Models;
using Rnn.Core.Numerics;
using Rnn.Core.Optimizers;
using Rnn.Core.Training;

/// <summary>
/// Trains on a stream of fresh sequences: every step draws a new batch, so no net can lower the loss by memorising
/// the noise of a fixed training set; only remembering step 1 helps. An "epoch" is a fixed number of steps, followed
/// by an evaluation on held-out sequences. Adam with global-norm clipping, as <see cref="SequenceTrainer"/> does.
/// </summary>
internal static class OnlineTrainer
{
    public static List<EpochSummary> Train(SequenceModel model, int length, int dataSeed, OnlineOptions options,
        SequenceDataset heldOut, ConsoleProgress progress)
    {
        var rng = new Rng(dataSeed);
        var optimizer = new Adam(model.Parameters.Values, options.LearningRate);
        var evaluation = new TrainerOptions { Loss = LossKind.CrossEntropy };
        var history = new List<EpochSummary>();
        var clock = Stopwatch.StartNew();
        model.Train();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var epochStart = clock.Elapsed;
            double lossSum = 0, gradNorm = 0;
            for (int step = 1; step <= options.StepsPerEpoch; step++)
            {
                var data = FirstSymbolTask.Generate(options.BatchSize, length, rng);
                var batch = SequenceBatch.FromValues(data.Values!, data.Features);
                optimizer.ZeroGrad();
                Tensor logits = model.Forward(batch);                                   // [B, K]
                var dLogits = new Tensor(logits.Size(0), logits.Size(1));
                lossSum += CrossEntropyLoss.Forward(logits.Span, logits.Size(1), data.ClassTargets, dLogits.Span);
                model.Backward(dLogits);
                gradNorm = GradientClipping.ClipGradNorm(model.Parameters.Values, options.ClipNorm);
                optimizer.Step();
                progress.Report(new ProgressReport(epoch, options.Epochs, step, options.StepsPerEpoch, lossSum / step,
                    null, null, gradNorm, clock.Elapsed, false));
            }
            var (heldOutLoss, heldOutAccuracy) = SequenceTrainer.Evaluate(model, heldOut, evaluation);
            double trainingLoss = lossSum / options.StepsPerEpoch;
            history.Add(new EpochSummary(epoch, trainingLoss, heldOutLoss, heldOutAccuracy, (clock.Elapsed - epochStart).TotalSeconds));
            progress.Report(new ProgressReport(epoch, options.Epochs, options.StepsPerEpoch, options.StepsPerEpoch, trainingLoss,
                heldOutLoss, heldOutAccuracy, gradNorm, clock.Elapsed, true));
        }
        model.Eval();
        return history;
    }
}

/// <summary>The training budget, the same for every cell.</summary>
internal sealed record OnlineOptions(int Epochs, int StepsPerEpoch, int BatchSize, float LearningRate, float ClipNorm);
