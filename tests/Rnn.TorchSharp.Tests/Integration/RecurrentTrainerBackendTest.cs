using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.Core.Models;
using Rnn.MLNet;
using static TorchSharp.torch;

namespace Rnn.TorchSharp.Tests.Integration;

/// <summary>
/// ML.NET's recurrent trainer with <see cref="RecurrentTrainerOptions.Backend"/> = TorchSharp: trained on libtorch, saved
/// by <c>ml.Model.Save</c>, loaded by <c>ml.Model.Load</c> and scored by the managed engine, which gives the torch model's scores.
/// </summary>
[TestClass]
public sealed class RecurrentTrainerBackendTest
{
    public TestContext TestContext { get; set; } = null!;

    private static readonly string CorpusPath = Path.Combine(AppContext.BaseDirectory, "TestData", "reviews.tsv");

    public sealed class Review
    {
        [LoadColumn(0)]
        public string Text { get; set; } = "";

        [LoadColumn(1)]
        public bool Label { get; set; }
    }

    public sealed class ReviewPrediction
    {
        public bool PredictedLabel { get; set; }

        public float Score { get; set; }
    }

    public sealed class TokenRow
    {
        public uint[] Tokens { get; set; } = [];
    }

    [TestMethod]
    public void Fit_TorchSharpBackend_SavedZipScoresAsTheTorchModel()
    {
        var ml = new MLContext(seed: 1);
        var rows = ml.Data.CreateEnumerable<Review>(ml.Data.LoadFromTextFile<Review>(CorpusPath, separatorChar: '\t'), reuseRowObject: false).Take(400).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var featurizer = ml.Transforms.Text.NormalizeText("NormText", nameof(Review.Text), keepPunctuations: false)
            .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "NormText"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens", maximumNumberOfKeys: 20000))
            .Fit(data);
        var featurized = featurizer.Transform(data);
        var trainer = ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions
        {
            FeatureColumnName = "Tokens", Cell = RecurrentCellType.Lstm, EmbeddingSize = 16, HiddenSize = 16, Bidirectional = true,
            Epochs = 3, Seed = 3, Backend = RecurrentBackend.TorchSharp, Device = "cpu",
        });
        var model = featurizer.Append(trainer.Fit(featurized));
        Assert.AreEqual(3, trainer.LastTrainingResult!.Epochs.Count);

        string path = Path.Combine(Path.GetTempPath(), $"rnnml-torch-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var ml2 = new MLContext();
            ITransformer loaded = ml2.Model.Load(path, out _);
            var managedScores = ml2.Data.CreateEnumerable<ReviewPrediction>(loaded.Transform(data), reuseRowObject: false).Select(p => p.Score).ToArray();

            // The torch model with the saved weights, on the same token ids (key values; an empty row is one missing key).
            var network = RecurrentModel.FromTransformer(loaded);
            using var torchModel = new TorchSequenceModel(network.NetworkOptions);
            torchModel.LoadFrom(network.Parameters);
            torchModel.eval();
            var tokens = ml.Data.CreateEnumerable<TokenRow>(featurized, reuseRowObject: false)
                .Select(r => r.Tokens.Length == 0 ? new[] { 0 } : r.Tokens.Select(k => (int)k).ToArray()).ToArray();
            var batch = SequenceBatch.FromTokens(tokens);
            using var noGrad = no_grad();
            var (input, lengths) = TorchTrainingSession.ToTorch(batch, CPU);
            using var logits = torchModel.Forward(input, lengths);   // [N, 2]
            var values = new float[logits.numel()];
            TorchParameters.ToManaged(logits, values);
            double maxDiff = 0;
            for (int i = 0; i < managedScores.Length; i++)
                maxDiff = Math.Max(maxDiff, Math.Abs(values[2 * i + 1] - values[2 * i] - managedScores[i]));
            TestContext.WriteLine($"{managedScores.Length} rows: max |torch score - managed score| = {maxDiff:G3}");
            Assert.IsLessThanOrEqualTo(1e-5, maxDiff, $"max |torch score − managed score| over {managedScores.Length} rows");

            // A fresh process with the managed assemblies only (tests/Rnn.LoadHost has no TorchSharp) scores the same zip
            // with a plain ml.Model.Load, bit for bit as the in-process load.
            IDataView elsewhere = Rnn.MLNet.Tests.TestKit.LoadHost.Transform(ml2, path, data);
            var elsewhereScores = ml2.Data.CreateEnumerable<ReviewPrediction>(elsewhere, reuseRowObject: false).Select(p => p.Score).ToArray();
            CollectionAssert.AreEqual(managedScores, elsewhereScores, "in-process load vs a fresh process without libtorch");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void Fit_UnknownDevice_ThrowsNamingIt()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Review { Text = "good", Label = true }, new Review { Text = "bad" } });
        var pipeline = ml.Transforms.Text.TokenizeIntoWords("Tokens", nameof(Review.Text))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions
            {
                FeatureColumnName = "Tokens", Epochs = 1, Backend = RecurrentBackend.TorchSharp, Device = "cuda:7",
            }));
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => pipeline.Fit(data));
        StringAssert.Contains(e.Message, "cuda:7");
    }
}
