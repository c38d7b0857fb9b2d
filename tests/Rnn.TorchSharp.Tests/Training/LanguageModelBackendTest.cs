using System.Globalization;
using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Training;
using Rnn.TorchSharp.Tests.TestSupport;

namespace Rnn.TorchSharp.Tests.Training;

/// <summary>
/// LanguageModelTrainer's loop on the libtorch backend: from the same initial weights, the same losses (training and
/// validation, per epoch and for the first chunk) and the same trained weights as on the managed engine, for every cell.
/// </summary>
[TestClass]
public sealed class LanguageModelBackendTest
{
    private const int Vocabulary = 11;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow(CellType.Rnn)]
    [DataRow(CellType.Lstm)]
    [DataRow(CellType.Gru)]
    public void Fit_Adam_MatchesManagedRun(CellType cell)
    {
        int[] tokens = Corpus(Oracle.Rng(601), 200);
        var options = new LanguageModelOptions
        {
            SequenceLength = 7, BatchSize = 4, Epochs = 2, LearningRate = 1e-2f, GradientClipNorm = 0.5f, ValidationFraction = 0.2f,
        };
        var (managed, managedResult, managedFirst) = Fit(cell, tokens, options);
        var (onTorch, torchResult, torchFirst) = Fit(cell, tokens, options with { Backend = new TorchTrainingBackend("cpu") });

        Assert.AreEqual(managedFirst.TrainingLoss, torchFirst.TrainingLoss, 1e-4, "loss of the first chunk");
        Assert.AreEqual(managedFirst.GradientNorm, torchFirst.GradientNorm, 1e-4, "gradient norm of the first chunk");
        double lossDiff = Math.Abs(managedFirst.TrainingLoss - torchFirst.TrainingLoss);
        Assert.AreEqual(managedResult.Epochs.Count, torchResult.Epochs.Count);
        for (int e = 0; e < managedResult.Epochs.Count; e++)
        {
            Assert.AreEqual(managedResult.Epochs[e].TrainingLoss, torchResult.Epochs[e].TrainingLoss, 1e-4, $"training loss of epoch {e + 1}");
            Assert.AreEqual(managedResult.Epochs[e].ValidationLoss!.Value, torchResult.Epochs[e].ValidationLoss!.Value, 1e-4, $"validation loss of epoch {e + 1}");
            Assert.AreEqual(managedResult.Epochs[e].Tokens, torchResult.Epochs[e].Tokens, $"tokens of epoch {e + 1}");
            lossDiff = Math.Max(lossDiff, Math.Abs(managedResult.Epochs[e].TrainingLoss - torchResult.Epochs[e].TrainingLoss));
            lossDiff = Math.Max(lossDiff, Math.Abs(managedResult.Epochs[e].ValidationLoss!.Value - torchResult.Epochs[e].ValidationLoss!.Value));
        }
        Assert.AreEqual(managedResult.BestEpoch, torchResult.BestEpoch, "best epoch");
        double weightDiff = 0;
        foreach (var (name, p) in managed.Parameters)
            weightDiff = Math.Max(weightDiff, Oracle.Close(p.Value.Span.ToArray(), onTorch.Parameters[name].Value.Span, name));
        Assert.IsFalse(onTorch.Training, "the trained model is left in evaluation mode");
        TestContext.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{cell}: {managedResult.Epochs.Sum(e => e.Tokens)} tokens, max |Δloss| {lossDiff:G3}, max |Δweight| {weightDiff:G3}"));
    }

    [TestMethod]
    public void Fit_WithDropout_SameSeedSameWeights()
    {
        int[] tokens = Corpus(Oracle.Rng(602), 150);
        var options = new LanguageModelOptions { SequenceLength = 6, BatchSize = 3, Epochs = 2, Backend = new TorchTrainingBackend() };
        var modelOptions = Options(CellType.Lstm) with { NumLayers = 2, Dropout = 0.3f, Seed = 7 };
        var first = new SequenceModel(modelOptions);
        var second = new SequenceModel(modelOptions);
        LanguageModelTrainer.Fit(first, tokens, options);
        LanguageModelTrainer.Fit(second, tokens, options);
        foreach (var (name, p) in first.Parameters)
            CollectionAssert.AreEqual(p.Value.Span.ToArray(), second.Parameters[name].Value.Span.ToArray(), name);
    }

    [TestMethod]
    public void Fit_EpochEndProgress_SeesTheEpochsWeightsInTheManagedModel()
    {
        int[] tokens = Corpus(Oracle.Rng(603), 120);
        var model = new SequenceModel(Options(CellType.Gru));
        double? reported = null;
        var result = LanguageModelTrainer.Fit(model, tokens, new LanguageModelOptions
        {
            SequenceLength = 5, BatchSize = 4, Epochs = 1, ValidationFraction = 0.25f, Backend = new TorchTrainingBackend(),
            Progress = p =>
            {
                if (p.IsEpochEnd) reported = LanguageModelTrainer.Evaluate(model, tokens.AsSpan(tokens.Length - 30), 4, 5);
            },
        });
        Assert.AreEqual(result.ValidationLoss!.Value, reported!.Value, 1e-4, "the managed model's validation loss at the epoch's end");
    }

    [TestMethod]
    [DataRow(nameof(LanguageModelOptions.CheckpointPath))]
    [DataRow(nameof(LanguageModelOptions.ResumeFrom))]
    public void Fit_CheckpointOptionOnTorch_ThrowsNamingIt(string option)
    {
        var options = new LanguageModelOptions { Backend = new TorchTrainingBackend() };
        options = option == nameof(LanguageModelOptions.CheckpointPath) ? options with { CheckpointPath = "lm.ckpt" } : options with { ResumeFrom = "lm.ckpt" };
        var e = Assert.ThrowsExactly<ArgumentException>(() => LanguageModelTrainer.Fit(new SequenceModel(Options(CellType.Rnn)), Corpus(Oracle.Rng(604), 50), options));
        StringAssert.Contains(e.Message, option);
        StringAssert.Contains(e.Message, "managed engine");
    }

    /// <summary>Trains a fresh model (the same seed gives the same initial weights) and keeps the first chunk's report.</summary>
    private static (SequenceModel Model, LanguageModelResult Result, LanguageModelProgress First) Fit(CellType cell, int[] tokens, LanguageModelOptions options)
    {
        var model = new SequenceModel(Options(cell) with { NumLayers = 2 });
        LanguageModelProgress? first = null;
        var result = LanguageModelTrainer.Fit(model, tokens, options with { Progress = p => first ??= p });
        return (model, result, first!.Value);
    }

    private static SequenceModelOptions Options(CellType cell) => new()
    {
        Cell = cell, VocabularySize = Vocabulary, EmbeddingSize = 6, HiddenSize = 8, OutputSize = Vocabulary, Pooling = null, Seed = 5,
    };

    // A corpus with some structure: mostly the next token after the previous one, sometimes a random one.
    private static int[] Corpus(Rnn.Core.Numerics.Rng rng, int length)
    {
        var tokens = new int[length];
        for (int i = 1; i < length; i++) tokens[i] = rng.NextInt(4) == 0 ? rng.NextInt(Vocabulary) : (tokens[i - 1] + 1) % Vocabulary;
        return tokens;
    }
}
