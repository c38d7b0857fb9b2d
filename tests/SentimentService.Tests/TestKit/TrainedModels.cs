using Microsoft.ML;
using Rnn.MLNet;

namespace SentimentService.Tests.TestKit;

/// <summary>
/// Three sentiment models trained differently on the built-in corpus (so their answers differ), each with its
/// single-threaded answers: the probability one PredictionEngine on a plain <c>ml.Model.Load</c> gives every sentence.
/// Trained once per test run.
/// </summary>
internal sealed class TrainedModels
{
    private static readonly Lazy<TrainedModels> Shared = new(() => new TrainedModels());

    private TrainedModels()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"rnnml-service-models-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
        Sentences = File.ReadLines(SentimentTraining.BuiltInCorpus).Select(line => line.Split('\t')[0])
            .Concat(["the food was great", "", "zzz unknown words only", "the soup was not bad at all", "rude rude rude"])
            .ToArray();
        Models =
        [
            Train("a.zip", RecurrentCellType.Lstm, epochs: 2, seed: 1),
            Train("b.zip", RecurrentCellType.Gru, epochs: 2, seed: 2),
            Train("c.zip", RecurrentCellType.Rnn, epochs: 3, seed: 3),
        ];
    }

    public static TrainedModels Instance => Shared.Value;

    public string Directory { get; }

    /// <summary>The sentences the tests send: the corpus's and a few unseen ones (an empty one, unknown words).</summary>
    public string[] Sentences { get; }

    /// <summary>The three models, in the order the load test swaps them in.</summary>
    public Model[] Models { get; }

    /// <summary>The model whose zip has this SHA-256, or null.</summary>
    public Model? BySha(string sha) => Models.FirstOrDefault(m => m.Sha256 == sha);

    private Model Train(string name, RecurrentCellType cell, int epochs, int seed)
    {
        string zip = System.IO.Path.Combine(Directory, name);
        SentimentTraining.TrainAndSave(SentimentTraining.BuiltInCorpus, zip, cell, hiddenSize: 16, epochs, seed);
        var ml = new MLContext();
        ITransformer loaded = ml.Model.Load(zip, out _);
        var engine = ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(loaded);
        var answers = new Dictionary<string, float>();
        foreach (string sentence in Sentences) answers[sentence] = engine.Predict(new Review { Text = sentence }).Probability;
        return new Model(name, zip, ServedModel.Hash(File.ReadAllBytes(zip)), answers);
    }

    /// <summary>A trained model's zip and its single-threaded answers by sentence.</summary>
    public sealed record Model(string Name, string Zip, string Sha256, IReadOnlyDictionary<string, float> Answers);
}
