using Microsoft.ML;
using Rnn.MLNet;

namespace SentimentService;

/// <summary>
/// Trains the served model when no zip is given: examples/Sentiment's pipeline (NormalizeText → TokenizeIntoWords →
/// MapValueToKey → Recurrent) on a text⇥label TSV, saved with <c>ml.Model.Save</c>.
/// </summary>
public static class SentimentTraining
{
    /// <summary>The built-in corpus, copied beside the service's assembly.</summary>
    public static string BuiltInCorpus => Path.Combine(AppContext.BaseDirectory, "Data", "reviews.tsv");

    /// <summary>Trains on <paramref name="dataPath"/> and writes the model zip to <paramref name="zipPath"/>.</summary>
    /// <param name="dataPath">text⇥label (0/1) lines, no header.</param>
    /// <param name="zipPath">Where the ML.NET model zip goes.</param>
    /// <param name="cell">The recurrent cell.</param>
    /// <param name="hiddenSize">Hidden units (and embedding width).</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="seed">Seed of the weights and of the shuffling.</param>
    public static void TrainAndSave(string dataPath, string zipPath, RecurrentCellType cell = RecurrentCellType.Lstm,
        int hiddenSize = 64, int epochs = 10, int seed = 1)
    {
        var ml = new MLContext(seed: seed);
        IDataView data = ml.Data.LoadFromTextFile<Review>(dataPath, separatorChar: '\t', hasHeader: false);
        var pipeline = ml.Transforms.Text.NormalizeText("NormText", nameof(Review.Text), keepPunctuations: false)
            .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "NormText"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens", maximumNumberOfKeys: 20000))
            .Append(ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions
            {
                LabelColumnName = nameof(Review.Label), FeatureColumnName = "Tokens",
                Cell = cell, EmbeddingSize = hiddenSize, HiddenSize = hiddenSize, Epochs = epochs, Seed = seed,
            }));
        ITransformer model = pipeline.Fit(data);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(zipPath));
        if (directory is not null) Directory.CreateDirectory(directory);
        ml.Model.Save(model, data.Schema, zipPath);
    }
}
