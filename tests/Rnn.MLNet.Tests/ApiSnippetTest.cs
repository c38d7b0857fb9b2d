// The API.md sentiment snippet, with only `using Rnn.MLNet; using Rnn.MLNet.Data;` (the test-only TokenVote trainer
// stands in for the recurrent trainer, which arrives later as the same kind of catalog extension).
using Rnn.MLNet;
using Rnn.MLNet.Tests.TestKit; // TempFile and the stand-in trainer only

// Outside the Rnn.MLNet namespace, so nothing is in scope that the two usings do not bring.
namespace ApiSnippet;

[TestClass]
public sealed class ApiSnippetTest
{
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

        public float Probability { get; set; }

        public float Score { get; set; }
    }

    [TestMethod]
    public void SentimentSnippet_RunsEndToEnd()
    {
        string[] good = ["the food was great", "great service and tasty food", "lovely place, great staff", "tasty and fresh"];
        string[] bad = ["the food was awful", "awful service and cold food", "rude staff, awful place", "cold and stale"];
        var lines = Enumerable.Range(0, 40).Select(i => i % 2 == 0 ? $"{good[i / 2 % 4]}\ttrue" : $"{bad[i / 2 % 4]}\tfalse");
        using var file = new TempFile(string.Join("\n", lines));
        string zipPath = Path.Combine(Path.GetTempPath(), $"sentiment-{Guid.NewGuid():N}.zip");

        try
        {
            var ml = new MLContext(seed: 1);
            IDataView data = ml.Data.LoadFromTextFile<Review>(file.Path, separatorChar: '\t', hasHeader: false);
            var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
            var pipeline = ml.Transforms.Text.NormalizeText("NormText", nameof(Review.Text))
                .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "NormText"))
                .Append(ml.Transforms.Conversion.MapValueToKey("Tokens", maximumNumberOfKeys: 20000))
                .Append(ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions {
                    LabelColumnName = "Label", FeatureColumnName = "Tokens",
                    Cell = RecurrentCellType.Lstm, EmbeddingSize = 64, HiddenSize = 128, Epochs = 10 }));
            ITransformer model = pipeline.Fit(split.TrainSet);
            CalibratedBinaryClassificationMetrics m = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
            ml.Model.Save(model, data.Schema, zipPath);

            // in another process, which has the RnnMl package but never touched it before (here: a new context;
            // the fresh-process tests run the same in tests/Rnn.LoadHost):
            var ml2 = new MLContext();
            ITransformer loaded = ml2.Model.Load(zipPath, out DataViewSchema inputSchema);
            var engine = ml2.Model.CreatePredictionEngine<Review, ReviewPrediction>(loaded);
            ReviewPrediction p = engine.Predict(new Review { Text = "the food was great" }); // PredictedLabel, Probability, Score

            Assert.AreEqual(1.0, m.Accuracy);
            Assert.IsTrue(p.PredictedLabel);
            Assert.IsGreaterThan(0.5f, p.Probability);
            Assert.AreEqual("Text", inputSchema[0].Name);
            Assert.IsFalse(engine.Predict(new Review { Text = "awful, cold food" }).PredictedLabel);
        }
        finally
        {
            File.Delete(zipPath);
        }
    }
}
