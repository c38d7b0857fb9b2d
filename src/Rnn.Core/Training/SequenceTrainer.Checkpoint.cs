using Rnn.Core.Internals;
using Rnn.Core.Models;
using Rnn.Core.Numerics;

namespace Rnn.Core.Training;

// Checkpoints of Fit (TrainerOptions.CheckpointPath, ResumeFrom): what is saved, when, and how a run picks up from it.
public static partial class SequenceTrainer
{
    /// <summary>
    /// Where a run is after batch <paramref name="Batch"/> of <paramref name="Epoch"/>: the shuffling generator as the epoch
    /// started (re-planning from it gives the same batch order), the epoch's loss sum so far, and the early-stopping
    /// bookkeeping and history of the completed epochs.
    /// </summary>
    private sealed record FitPosition(int Epoch, int Batch, RngState EpochRng, double LossSum, int Seen, float GradientNorm,
        double BestLoss, int BestEpoch, int SinceBest, IReadOnlyList<EpochSummary> History);

    /// <summary>Writes checkpoints of one run to <see cref="TrainerOptions.CheckpointPath"/>.</summary>
    private sealed class CheckpointWriter(string path, int every, SequenceModel model, Dictionary<string, string> run)
    {
        private int _batches;   // batches trained by this process since Fit started

        /// <summary>A writer when <see cref="TrainerOptions.CheckpointPath"/> is set, else null.</summary>
        public static CheckpointWriter? Create(SequenceModel model, SequenceDataset train, SequenceDataset? validation, TrainerOptions options)
        {
            if (options.CheckpointPath is null) return null;
            if (options.Backend is not null)
                ThrowHelper.ThrowArgument(nameof(options), $"checkpoints need the managed engine; the {options.Backend.Name} backend keeps its own optimiser state. Set CheckpointPath to null or Backend to null");
            return new CheckpointWriter(options.CheckpointPath, options.CheckpointEveryBatches, model, DescribeRun(model, train, validation, options));
        }

        /// <summary>True after every <c>every</c>-th batch and after an epoch's last batch.</summary>
        public bool IsDue(int batch, int batches) => ++_batches % every == 0 || batch == batches;

        public void Save(ITrainingSession session, LastGoodWeights lastGood, float[][]? best, FitPosition position)
        {
            var checkpoint = new TrainingCheckpoint(nameof(SequenceTrainer), run);
            checkpoint.AddModel(model);
            checkpoint.AddOptimizer(((ManagedSession)session).Optimizer);
            checkpoint.AddWeights("last_good", model, lastGood.Weights);
            if (best is not null) checkpoint.AddWeights("best", model, best);
            checkpoint.SetRng("shuffle", position.EpochRng);
            checkpoint.Set("epoch", position.Epoch);
            checkpoint.Set("batch", position.Batch);
            checkpoint.Set("loss_sum", position.LossSum);
            checkpoint.Set("seen", position.Seen);
            checkpoint.Set("gradient_norm", position.GradientNorm);
            checkpoint.Set("best_loss", position.BestLoss);
            checkpoint.Set("best_epoch", position.BestEpoch);
            checkpoint.Set("since_best", position.SinceBest);
            checkpoint.Set("last_good_epoch", lastGood.Epoch);
            checkpoint.SetJson("history", position.History);
            checkpoint.Save(path);
        }
    }

    /// <summary>
    /// Reads <see cref="TrainerOptions.ResumeFrom"/> (null when unset): sets the model's weights and generators, the
    /// optimiser, the last good and best weights, and returns where to continue.
    /// </summary>
    private static FitPosition? Resume(SequenceModel model, ITrainingSession session, LastGoodWeights lastGood, SequenceDataset train,
        SequenceDataset? validation, TrainerOptions options, ref float[][]? best)
    {
        if (options.ResumeFrom is null) return null;
        if (session is not ManagedSession managed)
        {
            ThrowHelper.ThrowArgument(nameof(options), "resuming needs the managed engine (Backend null)");
            return null;
        }
        var checkpoint = TrainingCheckpoint.Load(options.ResumeFrom, nameof(SequenceTrainer), DescribeRun(model, train, validation, options));
        checkpoint.RestoreModel(model);
        checkpoint.RestoreOptimizer(managed.Optimizer);
        lastGood.Set(checkpoint.Weights("last_good", model)!, checkpoint.Int("last_good_epoch"));
        best = checkpoint.Weights("best", model);
        return new FitPosition(checkpoint.Int("epoch"), checkpoint.Int("batch"), checkpoint.Rng("shuffle"), checkpoint.Double("loss_sum"),
            checkpoint.Int("seen"), (float)checkpoint.Double("gradient_norm"), checkpoint.Double("best_loss"), checkpoint.Int("best_epoch"),
            checkpoint.Int("since_best"), checkpoint.Json<List<EpochSummary>>("history"));
    }

    /// <summary>What must be the same for a checkpoint to resume: the model, every option that shapes training, the data.</summary>
    private static Dictionary<string, string> DescribeRun(SequenceModel model, SequenceDataset train, SequenceDataset? validation, TrainerOptions o)
    {
        var run = new Dictionary<string, string>(StringComparer.Ordinal);
        TrainingCheckpoint.DescribeModel(run, model);
        run["Epochs"] = TrainingCheckpoint.Format(o.Epochs);
        run["BatchSize"] = TrainingCheckpoint.Format(o.BatchSize);
        run["LearningRate"] = TrainingCheckpoint.Format(o.LearningRate);
        run["Optimizer"] = TrainingCheckpoint.Format(o.Optimizer);
        run["WeightDecay"] = TrainingCheckpoint.Format(o.WeightDecay);
        run["GradientClipNorm"] = TrainingCheckpoint.Format(o.GradientClipNorm);
        run["Loss"] = TrainingCheckpoint.Format(o.Loss);
        run["HuberDelta"] = TrainingCheckpoint.Format(o.HuberDelta);
        run["ClassWeights"] = TrainingCheckpoint.Format(o.ClassWeights);
        run["ValidationFraction"] = TrainingCheckpoint.Format(o.ValidationFraction);
        run["EarlyStoppingPatience"] = TrainingCheckpoint.Format(o.EarlyStoppingPatience);
        run["RestoreBestWeights"] = TrainingCheckpoint.Format(o.RestoreBestWeights);
        run["Schedule"] = TrainingCheckpoint.DescribeSchedule(o.Schedule, o.Epochs);
        run["Seed"] = TrainingCheckpoint.Format(o.Seed);
        run["data.train"] = TrainingCheckpoint.Hash(train);
        run["data.validation"] = TrainingCheckpoint.Hash(validation);
        return run;
    }
}
