using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.Core.Training;
using Rnn.MLNet;

namespace Rnn.Tests.Shared;

/// <summary>
/// One fixed fit of <c>ml.Regression.Trainers.Recurrent</c> (two dropout layers, a validation part, 3 epochs of 25 batches),
/// shared by the test that kills it in a child process (tests/Rnn.LoadHost checkpoint mode) and resumes it in its own.
/// </summary>
internal static class CheckpointRun
{
    public const int BatchesPerEpoch = 25;

    public sealed class Row
    {
        [VectorType(8)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    /// <summary>Fits with the given checkpoint options and returns every weight of the trained network by name.</summary>
    public static Dictionary<string, float[]> Fit(string? checkpoint, string? resume, Action<TrainingProgress>? progress = null)
    {
        var ml = new MLContext(seed: 1);
        var rng = new Random(7);
        var rows = Enumerable.Range(0, 250).Select(_ =>
        {
            var x = Enumerable.Range(0, 8).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            return new Row { Features = x, Label = x.Sum() + 0.5f * x[^1] };
        }).ToList();
        var trainer = ml.Regression.Trainers.Recurrent(new RecurrentTrainerOptions
        {
            Cell = RecurrentCellType.Lstm, HiddenSize = 12, NumberOfLayers = 2, Dropout = 0.2f, Epochs = 3, BatchSize = 8,
            ValidationFraction = 0.2f, Seed = 3, CheckpointPath = checkpoint, CheckpointEveryBatches = 5, ResumeFrom = resume, Progress = progress,
        });
        var model = RecurrentModel.FromTransformer(trainer.Fit(ml.Data.LoadFromEnumerable(rows)));
        return model.Parameters.ToDictionary(p => p.Key, p => p.Value.Value.Span.ToArray());
    }
}
