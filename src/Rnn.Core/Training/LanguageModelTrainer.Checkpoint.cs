using Rnn.Core.Models;
using Rnn.Core.Optimizers;

namespace Rnn.Core.Training;

// Checkpoints of Fit (LanguageModelOptions.CheckpointPath, ResumeFrom): what is saved, when, and how a run picks up from it.
public static partial class LanguageModelTrainer
{
    /// <summary>
    /// Where a run is after chunk <paramref name="Chunk"/> of <paramref name="Epoch"/>: the epoch's sums so far, whether a
    /// state is carried into the next chunk (its values travel as tensors), the best-epoch bookkeeping and the history.
    /// </summary>
    private sealed record ChunkPosition(int Epoch, int Chunk, double LossSum, long EpochTokens, long TokensTrained, float GradientNorm,
        bool HasState, double BestLoss, int BestEpoch, IReadOnlyList<LanguageModelEpoch> History);

    /// <summary>Writes checkpoints of one run to <see cref="LanguageModelOptions.CheckpointPath"/>.</summary>
    private sealed class ChunkCheckpointWriter(string path, int every, SequenceModel model, Dictionary<string, string> run)
    {
        private int _chunks;   // chunks trained by this process since Fit started

        /// <summary>A writer when <see cref="LanguageModelOptions.CheckpointPath"/> is set, else null.</summary>
        public static ChunkCheckpointWriter? Create(SequenceModel model, ReadOnlySpan<int> tokens, LanguageModelOptions options) =>
            options.CheckpointPath is null ? null : new(options.CheckpointPath, options.CheckpointEveryBatches, model, DescribeRun(model, tokens, options));

        /// <summary>True after every <c>every</c>-th chunk and after an epoch's last chunk.</summary>
        public bool IsDue(int chunk, int chunks) => ++_chunks % every == 0 || chunk == chunks;

        public void Save(Optimizer optimizer, CarriedState state, float[][]? best, ChunkPosition position)
        {
            var checkpoint = new TrainingCheckpoint(nameof(LanguageModelTrainer), run);
            checkpoint.AddModel(model);
            checkpoint.AddOptimizer(optimizer);
            if (best is not null) checkpoint.AddWeights("best", model, best);
            checkpoint.AddTensor("state.h", state.H);
            if (state.C is not null) checkpoint.AddTensor("state.c", state.C);
            checkpoint.Set("epoch", position.Epoch);
            checkpoint.Set("chunk", position.Chunk);
            checkpoint.Set("loss_sum", position.LossSum);
            checkpoint.Set("epoch_tokens", position.EpochTokens);
            checkpoint.Set("tokens_trained", position.TokensTrained);
            checkpoint.Set("gradient_norm", position.GradientNorm);
            checkpoint.Set("has_state", position.HasState);
            checkpoint.Set("best_loss", position.BestLoss);
            checkpoint.Set("best_epoch", position.BestEpoch);
            checkpoint.SetJson("history", position.History);
            checkpoint.Save(path);
        }
    }

    /// <summary>
    /// Reads <see cref="LanguageModelOptions.ResumeFrom"/> (null when unset): sets the model's weights and generators, the
    /// optimiser, the carried state and the best weights, and returns where to continue.
    /// </summary>
    private static ChunkPosition? Resume(SequenceModel model, Optimizer optimizer, CarriedState state, ReadOnlySpan<int> tokens,
        LanguageModelOptions options, ref float[][]? best)
    {
        if (options.ResumeFrom is null) return null;
        var checkpoint = TrainingCheckpoint.Load(options.ResumeFrom, nameof(LanguageModelTrainer), DescribeRun(model, tokens, options));
        checkpoint.RestoreModel(model);
        checkpoint.RestoreOptimizer(optimizer);
        checkpoint.Values("state.h", state.H.Length).CopyTo(state.H.Span);
        if (state.C is not null) checkpoint.Values("state.c", state.C.Length).CopyTo(state.C.Span);
        best = checkpoint.Weights("best", model);
        return new ChunkPosition(checkpoint.Int("epoch"), checkpoint.Int("chunk"), checkpoint.Double("loss_sum"), checkpoint.Long("epoch_tokens"),
            checkpoint.Long("tokens_trained"), (float)checkpoint.Double("gradient_norm"), checkpoint.Bool("has_state"), checkpoint.Double("best_loss"),
            checkpoint.Int("best_epoch"), checkpoint.Json<List<LanguageModelEpoch>>("history"));
    }

    /// <summary>What must be the same for a checkpoint to resume: the model, every option that shapes training, the corpus.</summary>
    private static Dictionary<string, string> DescribeRun(SequenceModel model, ReadOnlySpan<int> tokens, LanguageModelOptions o)
    {
        var run = new Dictionary<string, string>(StringComparer.Ordinal);
        TrainingCheckpoint.DescribeModel(run, model);
        run["SequenceLength"] = TrainingCheckpoint.Format(o.SequenceLength);
        run["BatchSize"] = TrainingCheckpoint.Format(o.BatchSize);
        run["Epochs"] = TrainingCheckpoint.Format(o.Epochs);
        run["LearningRate"] = TrainingCheckpoint.Format(o.LearningRate);
        run["Optimizer"] = TrainingCheckpoint.Format(o.Optimizer);
        run["WeightDecay"] = TrainingCheckpoint.Format(o.WeightDecay);
        run["GradientClipNorm"] = TrainingCheckpoint.Format(o.GradientClipNorm);
        run["ValidationFraction"] = TrainingCheckpoint.Format(o.ValidationFraction);
        run["RestoreBestWeights"] = TrainingCheckpoint.Format(o.RestoreBestWeights);
        run["CarryState"] = TrainingCheckpoint.Format(o.CarryState);
        run["data.tokens"] = TrainingCheckpoint.Hash(tokens);
        return run;
    }
}
