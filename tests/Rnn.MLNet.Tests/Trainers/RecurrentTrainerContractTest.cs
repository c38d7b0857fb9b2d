using Rnn.MLNet.Tests.TestKit;

namespace Rnn.MLNet.Tests.Trainers;

/// <summary>
/// Every recurrent trainer, on token keys and on float steps, keeps ML.NET's estimator contract: the promised schema is the
/// produced one, bad input is rejected, and the fitted pipeline saved by ml.Model.Save scores the same after ml.Model.Load
/// in a fresh context and in a fresh process (tests/Rnn.LoadHost, no registration call).
/// </summary>
[TestClass]
public sealed class RecurrentTrainerContractTest
{
    public sealed class Sentence
    {
        public string Text { get; set; } = "";

        public bool Positive { get; set; }

        public string Topic { get; set; } = "";

        public float Rating { get; set; }
    }

    public sealed class Series
    {
        [VectorType]
        public float[] Steps { get; set; } = [];

        public bool Rising { get; set; }

        public string Shape { get; set; } = "";

        public float Last { get; set; }
    }

    private static IDataView Sentences(MLContext ml)
    {
        string[] words = ["good", "great", "tasty", "bad", "awful", "cold", "the", "food", "was", "staff"];
        var rng = new Random(5);
        var rows = Enumerable.Range(0, 60).Select(i =>
        {
            var text = string.Join(' ', Enumerable.Range(0, 2 + (i % 5)).Select(_ => words[rng.Next(words.Length)]));
            int good = text.Split(' ').Count(w => w is "good" or "great" or "tasty");
            int bad = text.Split(' ').Count(w => w is "bad" or "awful" or "cold");
            return new Sentence { Text = text, Positive = good >= bad, Topic = good > bad ? "praise" : bad > good ? "complaint" : "neutral", Rating = good - bad };
        }).ToList();
        rows.Add(new Sentence { Text = "", Positive = true, Topic = "neutral", Rating = 0 }); // an empty sentence scores as one missing token
        return ml.Data.LoadFromEnumerable(rows);
    }

    private static IDataView SeriesRows(MLContext ml)
    {
        var rng = new Random(9);
        return ml.Data.LoadFromEnumerable(Enumerable.Range(0, 48).Select(i =>
        {
            int length = 3 + (i % 6);     // variable length: 3..8 steps of 2 features
            float slope = (float)(rng.NextDouble() - 0.5);
            var steps = Enumerable.Range(0, length).SelectMany(t => new[] { slope * t, (float)rng.NextDouble() }).ToArray();
            return new Series { Steps = steps, Rising = slope > 0, Shape = slope > 0.2f ? "up" : slope < -0.2f ? "down" : "flat", Last = slope * (length - 1) };
        }).ToList());
    }

    private static IEstimator<ITransformer> Text(MLContext ml) =>
        ml.Transforms.Text.NormalizeText("NormText", nameof(Sentence.Text))
            .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "NormText"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"));

    private static RecurrentTrainerOptions Small(string label, string features, int stepSize = 1) => new()
    {
        LabelColumnName = label, FeatureColumnName = features, StepSize = stepSize, EmbeddingSize = 8, HiddenSize = 8, Epochs = 2, Seed = 1,
    };

    [TestMethod]
    [DataRow(RecurrentTask.BinaryClassification, true), DataRow(RecurrentTask.MulticlassClassification, true), DataRow(RecurrentTask.Regression, true)]
    [DataRow(RecurrentTask.BinaryClassification, false), DataRow(RecurrentTask.MulticlassClassification, false), DataRow(RecurrentTask.Regression, false)]
    public void Trainer_EveryTaskAndFeatureKind_KeepsTheEstimatorContractAcrossProcesses(RecurrentTask task, bool tokens)
    {
        var ml = new MLContext(seed: 1);
        IDataView data;
        IEstimator<ITransformer> features;
        RecurrentTrainerOptions options;
        if (tokens)
        {
            data = Sentences(ml);
            features = Text(ml);
            string label = task switch { RecurrentTask.BinaryClassification => "Positive", RecurrentTask.MulticlassClassification => "TopicKey", _ => "Rating" };
            options = Small(label, "Tokens");
        }
        else
        {
            data = SeriesRows(ml);
            features = ml.Transforms.CopyColumns("StepsCopy", nameof(Series.Steps));
            string label = task switch { RecurrentTask.BinaryClassification => "Rising", RecurrentTask.MulticlassClassification => "ShapeKey", _ => "Last" };
            options = Small(label, nameof(Series.Steps), stepSize: 2);
        }
        if (task == RecurrentTask.MulticlassClassification)
            features = features.Append(ml.Transforms.Conversion.MapValueToKey(tokens ? "TopicKey" : "ShapeKey", tokens ? nameof(Sentence.Topic) : nameof(Series.Shape)));
        IEstimator<ITransformer> trainer = task switch
        {
            RecurrentTask.BinaryClassification => ml.BinaryClassification.Trainers.Recurrent(options),
            RecurrentTask.MulticlassClassification => ml.MulticlassClassification.Trainers.Recurrent(options),
            _ => ml.Regression.Trainers.Recurrent(options),
        };
        var prepared = features.Fit(data).Transform(data);
        // Invalid: the feature column replaced by something of the wrong type.
        var invalid = ml.Transforms.CopyColumns(options.FeatureColumnName, options.LabelColumnName).Fit(prepared).Transform(prepared);

        var model = EstimatorContract.Verify(trainer, prepared, invalid, tolerance: 1e-5f);

        var scored = model.Transform(prepared);
        switch (task)
        {
            case RecurrentTask.BinaryClassification:
                Assert.AreEqual(NumberDataViewType.Single, scored.Schema["Score"].Type);
                Assert.AreEqual(NumberDataViewType.Single, scored.Schema["Probability"].Type);
                Assert.AreEqual(BooleanDataViewType.Instance, scored.Schema["PredictedLabel"].Type);
                Assert.IsGreaterThanOrEqualTo(0.0, ml.BinaryClassification.Evaluate(scored, options.LabelColumnName).AreaUnderRocCurve);
                break;
            case RecurrentTask.MulticlassClassification:
                int classes = (int)((KeyDataViewType)prepared.Schema[options.LabelColumnName].Type).Count;
                Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, classes), scored.Schema["Score"].Type);
                Assert.AreEqual(new KeyDataViewType(typeof(uint), classes), scored.Schema["PredictedLabel"].Type);
                var metrics = ml.MulticlassClassification.Evaluate(scored, options.LabelColumnName);
                Assert.IsGreaterThanOrEqualTo(0.0, metrics.MicroAccuracy);
                // PredictedLabel carries the label's values: MapKeyToValue gives the label texts back.
                var names = ml.Transforms.Conversion.MapKeyToValue("PredictedText", "PredictedLabel").Fit(scored).Transform(scored);
                var labels = (tokens
                    ? ml.Data.CreateEnumerable<Sentence>(data, false).Select(s => s.Topic)
                    : ml.Data.CreateEnumerable<Series>(data, false).Select(s => s.Shape)).ToHashSet();
                foreach (string predicted in Rows.Texts(names, "PredictedText")) Assert.Contains(predicted, labels);
                break;
            default:
                Assert.AreEqual(NumberDataViewType.Single, scored.Schema["Score"].Type);
                Assert.IsFalse(double.IsNaN(ml.Regression.Evaluate(scored, options.LabelColumnName).MeanAbsoluteError));
                break;
        }
    }

    [TestMethod]
    public void Trainer_FollowedByMlNetsPlattCalibrator_SavesAndLoadsAsOnePipeline()
    {
        var ml = new MLContext(seed: 1);
        var data = Sentences(ml);
        var pipeline = Text(ml)
            .Append(ml.BinaryClassification.Trainers.Recurrent(Small("Positive", "Tokens")))
            .Append(ml.Transforms.DropColumns("Probability"))
            .Append(ml.BinaryClassification.Calibrators.Platt(labelColumnName: "Positive", scoreColumnName: "Score"));
        var model = pipeline.Fit(data);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(data), "Positive");
        Assert.IsTrue(metrics.LogLoss is > 0 and < 10, $"log-loss {metrics.LogLoss}");

        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var loaded = new MLContext().Model.Load(stream, out _);
        var expected = Rows.Column<float>(model.Transform(data), "Probability");
        var actual = Rows.Column<float>(loaded.Transform(data), "Probability");
        for (int i = 0; i < expected.Count; i++) Assert.AreEqual(expected[i], actual[i], 1e-5f, $"row {i}");
    }
}
