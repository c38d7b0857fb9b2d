
namespace Rnn.MLNet.Tests.Trainers;

[TestClass]
public sealed class RecurrentTrainerTest
{
    internal static readonly string CorpusPath = Path.Combine(AppContext.BaseDirectory, "TestData", "reviews.tsv");

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

    private static (IDataView Train, IDataView Test, List<Review> TestRows) Split(MLContext ml)
    {
        var rows = ml.Data.CreateEnumerable<Review>(ml.Data.LoadFromTextFile<Review>(CorpusPath, separatorChar: '\t'), reuseRowObject: false).ToList();
        int cut = rows.Count * 4 / 5;
        var test = rows.Skip(cut).ToList();
        return (ml.Data.LoadFromEnumerable(rows.Take(cut)), ml.Data.LoadFromEnumerable(test), test);
    }

    private static EstimatorChain<RecurrentPredictionTransformer> Pipeline(MLContext ml, RecurrentTrainerOptions options) =>
        ml.Transforms.Text.NormalizeText("NormText", nameof(Review.Text), keepPunctuations: false)
            .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "NormText"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens", maximumNumberOfKeys: 20000))
            .Append(ml.BinaryClassification.Trainers.Recurrent(options));

    [TestMethod]
    public void Fit_BuiltInSentences_AtLeast85PercentOnHeldOutFifth()
    {
        var ml = new MLContext(seed: 1);
        var (train, test, _) = Split(ml);
        var model = Pipeline(ml, new RecurrentTrainerOptions
        {
            LabelColumnName = "Label", FeatureColumnName = "Tokens", Cell = RecurrentCellType.Gru,
            EmbeddingSize = 32, HiddenSize = 32, Epochs = 12, LearningRate = 5e-3f, Seed = 3,
        }).Fit(train);
        var predictions = ml.Data.CreateEnumerable<ReviewPrediction>(model.Transform(test), reuseRowObject: false).ToList();
        var truth = ml.Data.CreateEnumerable<Review>(test, reuseRowObject: false).Select(r => r.Label).ToList();
        double accuracy = predictions.Zip(truth).Count(p => p.First.PredictedLabel == p.Second) / (double)truth.Count;
        Assert.IsTrue(accuracy >= 0.85, $"held-out accuracy {accuracy:F3}");
        foreach (var p in predictions)
        {
            Assert.AreEqual(1f / (1f + MathF.Exp(-p.Score)), p.Probability, 1e-5f);
            Assert.AreEqual(p.Score > 0, p.PredictedLabel);
        }
    }

    [TestMethod]
    public void Fit_StreamingWithoutCache_LearnsFromChunksOfTheView()
    {
        var ml = new MLContext(seed: 1);
        var (train, test, _) = Split(ml);
        var trainer = ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions
        {
            FeatureColumnName = "Tokens", Cell = RecurrentCellType.Gru, EmbeddingSize = 32, HiddenSize = 32, Epochs = 12,
            LearningRate = 5e-3f, Seed = 3, CacheData = false, BatchSize = 4,   // chunks of 4 × 32 = 128 rows: several per epoch
        });
        var model = ml.Transforms.Text.NormalizeText("NormText", nameof(Review.Text), keepPunctuations: false)
            .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "NormText"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens", maximumNumberOfKeys: 20000))
            .Append(trainer).Fit(train);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(test));
        Assert.IsTrue(metrics.Accuracy >= 0.85, $"accuracy {metrics.Accuracy:F3}");
        Assert.AreEqual(12, trainer.LastTrainingResult!.Epochs.Count);
        Assert.IsTrue(trainer.LastTrainingResult.Epochs[^1].TrainingLoss < trainer.LastTrainingResult.Epochs[0].TrainingLoss);
    }

    [TestMethod]
    public void CrossValidate_RecurrentPipeline_ThreeFoldsEachAboveChance()
    {
        var ml = new MLContext(seed: 4);
        var data = ml.Data.LoadFromTextFile<Review>(CorpusPath, separatorChar: '\t');
        var pipeline = Pipeline(ml, new RecurrentTrainerOptions { FeatureColumnName = "Tokens", Cell = RecurrentCellType.Gru, EmbeddingSize = 16, HiddenSize = 16, Epochs = 6, LearningRate = 1e-2f });
        var folds = ml.BinaryClassification.CrossValidate(data, pipeline, numberOfFolds: 3, seed: 1);
        Assert.AreEqual(3, folds.Count);
        foreach (var fold in folds)
            Assert.IsTrue(fold.Metrics.Accuracy > 0.75, $"fold {fold.Fold}: accuracy {fold.Metrics.Accuracy:F3}");
    }

    [TestMethod]
    public void Fit_StreamingWithValidation_Throws()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Steps { Features = [1f], Label = 1f } });
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.BinaryClassification.Trainers.Recurrent(new RecurrentTrainerOptions { CacheData = false, ValidationFraction = 0.2f }).Fit(data));
        StringAssert.Contains(ex.Message, "CacheData");
    }

    [TestMethod]
    public void SaveLoad_FreshContext_PredictsBitIdentically()
    {
        var ml = new MLContext(seed: 2);
        var (train, test, testRows) = Split(ml);
        var model = Pipeline(ml, new RecurrentTrainerOptions { FeatureColumnName = "Tokens", Cell = RecurrentCellType.Lstm, EmbeddingSize = 8, HiddenSize = 8, Epochs = 1, Bidirectional = true, Pooling = RecurrentPooling.Mean })
            .Fit(train);
        using var stream = new MemoryStream();
        ml.Model.Save(model, train.Schema, stream);
        stream.Position = 0;
        var loaded = new MLContext().Model.Load(stream, out var inputSchema);
        Assert.IsNotNull(inputSchema.GetColumnOrNull("Text"));
        var before = ml.Data.CreateEnumerable<ReviewPrediction>(model.Transform(test), false).Select(p => p.Score).ToArray();
        var after = ml.Data.CreateEnumerable<ReviewPrediction>(loaded.Transform(test), false).Select(p => p.Score).ToArray();
        // The fitted transformer scores Transform in batches, the loaded chain of built-ins row by row: float rounding apart.
        Assert.AreEqual(before.Length, after.Length);
        for (int i = 0; i < before.Length; i++) Assert.AreEqual(before[i], after[i], 1e-5f, $"row {i}");

        // Both PredictionEngines score one row at a time through the same kernel: bit for bit.
        var fitted = ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(model);
        var engine = ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(loaded);
        foreach (var row in testRows.Take(20))
            Assert.AreEqual(BitConverter.SingleToInt32Bits(fitted.Predict(row).Score), BitConverter.SingleToInt32Bits(engine.Predict(row).Score));
    }

    [TestMethod]
    [DataRow(RecurrentCellType.Lstm, 64), DataRow(RecurrentCellType.Gru, 8), DataRow(RecurrentCellType.Rnn, 16)]
    public void Transform_ScoresInBatches_SameAsOneRowAtATime(RecurrentCellType cell, int hidden)
    {
        // 600 sentences of varying lengths: Transform reads them ahead 128 at a time (five batches, the last partial)
        // and must give every row the score PredictionEngine gives it alone; reading only every third row's score
        // (the other rows skipped unread) must not shift anything.
        var ml = new MLContext(seed: 4);
        var rows = ml.Data.CreateEnumerable<Review>(ml.Data.LoadFromTextFile<Review>(CorpusPath, separatorChar: '\t'), reuseRowObject: false).ToList();
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        var model = Pipeline(ml, new RecurrentTrainerOptions { FeatureColumnName = "Tokens", Cell = cell, EmbeddingSize = 8, HiddenSize = hidden, Epochs = 1 })
            .Fit(ml.Data.TakeRows(data, 200));
        var batched = ml.Data.CreateEnumerable<ReviewPrediction>(model.Transform(data), reuseRowObject: false).ToList();
        Assert.AreEqual(rows.Count, batched.Count);
        var engine = ml.Model.CreatePredictionEngine<Review, ReviewPrediction>(model);
        for (int i = 0; i < rows.Count; i++)
        {
            var single = engine.Predict(rows[i]);
            Assert.AreEqual(single.Score, batched[i].Score, 1e-5f * (1f + Math.Abs(single.Score)), $"row {i}");
            Assert.AreEqual(single.PredictedLabel, batched[i].PredictedLabel, $"row {i}");
        }

        IDataView scored = model.Transform(data);
        using var cursor = scored.GetRowCursor(scored.Schema);
        var score = cursor.GetGetter<float>(scored.Schema["Score"]);
        float value = 0;
        while (cursor.MoveNext())
        {
            if (cursor.Position % 3 != 0) continue;
            score(ref value);
            Assert.AreEqual(batched[(int)cursor.Position].Score, value, $"row {cursor.Position} read after skipped rows");
        }
    }

    [TestMethod]
    public void Fit_SameSeed_SameModel()
    {
        float[] Scores(int seed)
        {
            var ml = new MLContext(seed: seed);
            var (train, test, _) = Split(ml);
            var model = Pipeline(ml, new RecurrentTrainerOptions { FeatureColumnName = "Tokens", EmbeddingSize = 8, HiddenSize = 8, Epochs = 1, Dropout = 0.2f, NumberOfLayers = 2 }).Fit(train);
            return ml.Data.CreateEnumerable<ReviewPrediction>(model.Transform(test), false).Select(p => p.Score).ToArray();
        }
        CollectionAssert.AreEqual(Scores(5), Scores(5));
        CollectionAssert.AreNotEqual(Scores(5), Scores(6));
    }

    [TestMethod]
    public void Fit_LabelOutsideZeroOne_ThrowsNamingRowAndColumn()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Steps { Features = [1f, 2f], Label = 1f }, new Steps { Features = [0.5f], Label = 2f } });
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ml.BinaryClassification.Trainers.Recurrent(epochs: 1).Fit(data));
        StringAssert.Contains(ex.Message, "Row 1");
        StringAssert.Contains(ex.Message, "'Label'");
    }

    [TestMethod]
    public void Fit_MissingOrWrongColumns_ThrowClearErrors()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Steps { Features = [1f], Label = 1f } });
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.Recurrent(featureColumnName: "Tokens").Fit(data));
        StringAssert.Contains(ex.Message, "'Tokens' not found");
        ex = Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.Recurrent(featureColumnName: "Label").Fit(data));
        StringAssert.Contains(ex.Message, "vector of keys");
        ex = Assert.ThrowsExactly<ArgumentException>(() => ml.MulticlassClassification.Trainers.Recurrent().Fit(data));
        StringAssert.Contains(ex.Message, "MapValueToKey");
        var empty = ml.Data.LoadFromEnumerable(Array.Empty<Steps>());
        ex = Assert.ThrowsExactly<ArgumentException>(() => ml.Regression.Trainers.Recurrent().Fit(empty));
        StringAssert.Contains(ex.Message, "no usable rows");
    }

    [TestMethod]
    public void Fit_RegressionOnFloatSteps_LearnsTheLastValue()
    {
        var ml = new MLContext(seed: 4);
        var rng = new Random(3);
        var rows = Enumerable.Range(0, 300).Select(_ =>
        {
            var f = Enumerable.Range(0, 2 + rng.Next(6)).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            return new Steps { Features = f, Label = f[^1] };
        }).ToArray();
        var model = ml.Regression.Trainers.Recurrent(new RecurrentTrainerOptions { Cell = RecurrentCellType.Gru, HiddenSize = 16, Epochs = 20, LearningRate = 1e-2f, BatchSize = 16 })
            .Fit(ml.Data.LoadFromEnumerable(rows));
        var scores = ml.Data.CreateEnumerable<ScoreOnly>(model.Transform(ml.Data.LoadFromEnumerable(rows)), false).Select(s => s.Score).ToArray();
        double mse = rows.Zip(scores).Average(p => Math.Pow(p.First.Label - p.Second, 2));
        Assert.IsTrue(mse < 0.01, $"MSE {mse:F4}");
        // Transform scored the variable-length float sequences in batches; one at a time gives the same scores.
        var engine = ml.Model.CreatePredictionEngine<Steps, ScoreOnly>(model);
        for (int i = 0; i < rows.Length; i++)
            Assert.AreEqual(engine.Predict(rows[i]).Score, scores[i], 1e-5f, $"row {i}");
    }

    [TestMethod]
    public void Fit_MulticlassOnKeys_PredictsKeysThatMapBack()
    {
        var ml = new MLContext(seed: 7);
        string[] words = ["red", "green", "blue"];
        var rng = new Random(1);
        var rows = Enumerable.Range(0, 240).Select(_ =>
        {
            string w = words[rng.Next(3)];
            return new Colour { Text = $"the colour is {w}", Name = w };
        }).ToArray();
        var pipeline = ml.Transforms.Text.TokenizeIntoWords("Tokens", nameof(Colour.Text))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", nameof(Colour.Name)))
            .Append(ml.MulticlassClassification.Trainers.Recurrent(new RecurrentTrainerOptions { FeatureColumnName = "Tokens", Cell = RecurrentCellType.Gru, HiddenSize = 16, EmbeddingSize = 8, Epochs = 10, LearningRate = 1e-2f }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedName", "PredictedLabel"));
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = pipeline.Fit(data);
        var out_ = ml.Data.CreateEnumerable<ColourPrediction>(model.Transform(data), false).ToList();
        double accuracy = out_.Zip(rows).Count(p => p.First.PredictedName == p.Second.Name) / (double)rows.Length;
        Assert.IsTrue(accuracy > 0.95, $"accuracy {accuracy:F3}");
        Assert.AreEqual(3, out_[0].Score.Length);
        Assert.AreEqual(1f, out_[0].Score.Sum(), 1e-5f);
    }

    public sealed class Steps
    {
        [VectorType]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    public sealed class ScoreOnly
    {
        public float Score { get; set; }
    }

    public sealed class Colour
    {
        public string Text { get; set; } = "";

        public string Name { get; set; } = "";
    }

    public sealed class ColourPrediction
    {
        public string PredictedName { get; set; } = "";

        public float[] Score { get; set; } = [];
    }
}
