namespace Rnn.MLNet.Tests.Trainers;

[TestClass]
public sealed class BagOfWordsLogisticRegressionTest
{
    public sealed class Sentence
    {
        public string Text { get; set; } = "";

        public bool Label { get; set; }
    }

    public sealed class Prediction
    {
        public bool PredictedLabel { get; set; }

        public float Probability { get; set; }

        public float Score { get; set; }
    }

    private static readonly Sentence[] Rows =
    [
        .. Enumerable.Range(0, 40).Select(i => new Sentence { Text = $"the food was {(i % 2 == 0 ? "good" : "great")} item{i}", Label = true }),
        .. Enumerable.Range(0, 40).Select(i => new Sentence { Text = $"the food was {(i % 2 == 0 ? "bad" : "awful")} item{i}", Label = false }),
        .. Enumerable.Range(0, 20).Select(i => new Sentence { Text = $"the food was not good item{i}", Label = false }),
    ];

    private static EstimatorChain<BagOfWordsPredictionTransformer> Pipeline(MLContext ml, int ngramLength) =>
        ml.Transforms.Text.TokenizeIntoWords("Tokens", nameof(Sentence.Text))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(ml.BinaryClassification.Trainers.BagOfWordsLogisticRegression(featureColumnName: "Tokens", ngramLength: ngramLength));

    [TestMethod]
    public void Fit_Bigrams_SeparateNotGoodFromGood()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows);
        var bigrams = Pipeline(ml, 2).Fit(data);
        var predictions = ml.Data.CreateEnumerable<Prediction>(bigrams.Transform(data), false).ToList();
        Assert.AreEqual(Rows.Length, predictions.Zip(Rows).Count(p => p.First.PredictedLabel == p.Second.Label), "bigrams fit every row");
        foreach (var p in predictions) Assert.AreEqual(1f / (1f + MathF.Exp(-p.Score)), p.Probability, 1e-6f);
        var engine = ml.Model.CreatePredictionEngine<Sentence, Prediction>(bigrams);
        Assert.IsFalse(engine.Predict(new Sentence { Text = "the food was not good" }).PredictedLabel);
        Assert.IsTrue(engine.Predict(new Sentence { Text = "the food was good" }).PredictedLabel);
        Assert.IsTrue(bigrams.LastTransformer.FeatureCount > Pipeline(ml, 1).Fit(data).LastTransformer.FeatureCount);
    }

    [TestMethod]
    public void SaveLoad_RoundTrip_IdenticalScores()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows);
        var model = Pipeline(ml, 2).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var loaded = new MLContext().Model.Load(stream, out _);
        CollectionAssert.AreEqual(
            ml.Data.CreateEnumerable<Prediction>(model.Transform(data), false).Select(p => p.Score).ToArray(),
            ml.Data.CreateEnumerable<Prediction>(loaded.Transform(data), false).Select(p => p.Score).ToArray());
    }

    [TestMethod]
    public void Constructor_BadArguments_ThrowNamingThem()
    {
        var ml = new MLContext();
        Assert.AreEqual("ngramLength", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.BagOfWordsLogisticRegression(ngramLength: 3)).ParamName);
        Assert.AreEqual("l2Regularization", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.BagOfWordsLogisticRegression(l2Regularization: -1)).ParamName);
    }

    [TestMethod]
    public void Minimize_Quadratic_ReachesTheMinimum()
    {
        // f(x) = Σ (i+1)(x_i − i)², minimum at x_i = i.
        var x = new double[5];
        double f = Lbfgs.Minimize((p, g) =>
        {
            double sum = 0;
            for (int i = 0; i < p.Length; i++)
            {
                sum += (i + 1) * (p[i] - i) * (p[i] - i);
                g[i] = 2 * (i + 1) * (p[i] - i);
            }
            return sum;
        }, x, 100, 1e-14);
        for (int i = 0; i < 5; i++) Assert.AreEqual(i, x[i], 1e-5);
        Assert.AreEqual(0, f, 1e-9);
    }
}
