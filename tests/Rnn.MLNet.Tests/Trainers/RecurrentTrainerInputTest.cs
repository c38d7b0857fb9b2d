namespace Rnn.MLNet.Tests.Trainers;

/// <summary>Bad input at Fit names the column and what was expected; rows ML.NET's trainers skip are skipped and counted.</summary>
[TestClass]
public sealed class RecurrentTrainerInputTest
{
    public sealed class Row
    {
        public string Text { get; set; } = "";

        public float Label { get; set; }
    }

    private static IEstimator<ITransformer> Tokens(MLContext ml) =>
        ml.Transforms.Text.TokenizeIntoWords("Tokens", nameof(Row.Text)).Append(ml.Transforms.Conversion.MapValueToKey("Tokens"));

    [TestMethod]
    public void Fit_RawTextInsteadOfKeys_ThrowsNamingTheColumnAndTheFix()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { Text = "a b", Label = 1 } });
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.Recurrent(featureColumnName: "Text").Fit(data));
        StringAssert.Contains(ex.Message, "Feature column 'Text'");
        StringAssert.Contains(ex.Message, "TokenizeIntoWords");
        StringAssert.Contains(ex.Message, "MapValueToKey");
    }

    [TestMethod]
    public void GetOutputSchema_MissingLabel_ThrowsNamingTheColumn()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { Text = "a b", Label = 1 } });
        var pipeline = Tokens(ml).Append(ml.BinaryClassification.Trainers.Recurrent(labelColumnName: "Sentiment", featureColumnName: "Tokens"));
        var ex = Assert.ThrowsExactly<ArgumentException>(() => pipeline.Fit(data));
        StringAssert.Contains(ex.Message, "Label column 'Sentiment' not found");
    }

    [TestMethod]
    public void Fit_LabelOfTheWrongType_ThrowsNamingTheColumnAndTheTypesAccepted()
    {
        var ml = new MLContext(seed: 1);
        var data = Tokens(ml).Fit(ml.Data.LoadFromEnumerable(new[] { new Row { Text = "a b", Label = 1 } }))
            .Transform(ml.Data.LoadFromEnumerable(new[] { new Row { Text = "a b", Label = 1 } }));
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.Recurrent(labelColumnName: "Text", featureColumnName: "Tokens").Fit(data));
        StringAssert.Contains(ex.Message, "Label column 'Text'");
        StringAssert.Contains(ex.Message, "Boolean");
    }

    [TestMethod]
    public void Fit_MissingLabelsAndEmptySequences_SkipsAndCountsThemInTheResultAndTheLog()
    {
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
        var rows = Enumerable.Range(0, 40).Select(i => new Row { Text = i % 2 == 0 ? "good food" : "bad food", Label = i % 2 == 0 ? 1 : 0 }).ToList();
        rows.Add(new Row { Text = "good", Label = float.NaN });   // missing label
        rows.Add(new Row { Text = "bad", Label = float.NaN });
        rows.Add(new Row { Text = "", Label = 1 });               // empty sequence
        var data = ml.Data.LoadFromEnumerable(rows);
        var trainer = ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions { FeatureColumnName = "Tokens", HiddenSize = 4, EmbeddingSize = 4, Epochs = 1 });
        var model = Tokens(ml).Append(trainer).Fit(data);

        Assert.AreEqual(3L, trainer.LastSkippedRows);
        Assert.AreEqual(3L, RecurrentModel.FromTransformer(model).SkippedRows);
        Assert.IsTrue(log.Any(m => m.Contains("skipped 3 training rows", StringComparison.Ordinal)), "MLContext.Log names the skipped rows");
    }

    [TestMethod]
    public void Fit_EveryRowSkipped_ThrowsSayingHowManyWereSkipped()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { Text = "a", Label = float.NaN }, new Row { Text = "b", Label = float.NaN } });
        var ex = Assert.ThrowsExactly<ArgumentException>(() => Tokens(ml).Append(ml.BinaryClassification.Trainers.Recurrent(featureColumnName: "Tokens")).Fit(data));
        StringAssert.Contains(ex.Message, "no usable rows");
        StringAssert.Contains(ex.Message, "2 rows skipped");
    }

    [TestMethod]
    public void Fit_InfiniteRegressionLabel_ThrowsNamingTheRow()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { Text = "a", Label = 1 }, new Row { Text = "b", Label = float.PositiveInfinity } });
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => Tokens(ml).Append(ml.Regression.Trainers.Recurrent(featureColumnName: "Tokens")).Fit(data));
        StringAssert.Contains(ex.Message, "Row 1");
        StringAssert.Contains(ex.Message, "'Label'");
    }

    [TestMethod]
    public void Fit_SameContextSeed_BitIdenticalWeightsAndScores()
    {
        float[] Weights(int seed)
        {
            var ml = new MLContext(seed: seed);
            var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 30).Select(i => new Row { Text = i % 3 == 0 ? "good food" : "bad food here", Label = i % 3 == 0 ? 1 : 0 }));
            var model = Tokens(ml).Append(ml.BinaryClassification.Trainers.Recurrent(featureColumnName: "Tokens", hiddenSize: 8, epochs: 2)).Fit(data);
            return RecurrentModel.FromTransformer(model).Parameters.Values.SelectMany(p => p.Value.Span.ToArray()).ToArray();
        }
        CollectionAssert.AreEqual(Weights(7), Weights(7));
        CollectionAssert.AreNotEqual(Weights(7), Weights(8));
    }
}
