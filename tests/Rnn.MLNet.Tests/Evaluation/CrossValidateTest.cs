using Rnn.MLNet.Data;
using Rnn.MLNet.Tests.TestKit;
using Rnn.MLNet.Tests.Transforms;

namespace Rnn.MLNet.Tests.Evaluation;

[TestClass]
public sealed class CrossValidateTest
{
    [TestMethod]
    public void CrossValidate_Binary_FoldsPartitionTheRows()
    {
        var ml = new MLContext(seed: 3);
        IDataView data = ScoringTransformerBaseTest.Blobs(60);

        IReadOnlyList<CrossValidationResult<CalibratedBinaryClassificationMetrics>> results =
            ml.BinaryClassification.CrossValidate(data, new CentroidTrainer(), numberOfFolds: 3);

        Assert.HasCount(3, results);
        Assert.AreEqual(60, results.Sum(r => Rows.Column<float>(r.ScoredHoldOutSet, "Score").Count));
        Assert.IsTrue(results.All(r => r.Metrics.Accuracy == 1.0));
        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, results.Select(r => r.Fold).ToArray());
    }

    [TestMethod]
    public void CrossValidate_Multiclass_WithPipeline()
    {
        var ml = new MLContext(seed: 3);
        var rows = Enumerable.Range(0, 45).Select(i => new Labeled { Features = [i % 3 * 5f + i % 2, i % 3 * -5f], Label = "c" + (i % 3) }).ToArray();
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(new CentroidTrainer());

        var results = ml.MulticlassClassification.CrossValidate(ml.Data.LoadFromEnumerable(rows), pipeline, numberOfFolds: 3);

        Assert.IsTrue(results.All(r => r.Metrics.MicroAccuracy == 1.0));
        StringAssert.Contains(results[0].Metrics.ConfusionMatrix.GetFormattedConfusionTable(), "c2");
    }

    [TestMethod]
    public void Multiclass_PredictedLabelKeyValues_MapBackToLabels()
    {
        var ml = new MLContext(seed: 3);
        var rows = Enumerable.Range(0, 30).Select(i => new Labeled { Features = [i % 3 * 5f, i % 3 * -5f], Label = "c" + (i % 3) }).ToArray();
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(new CentroidTrainer())
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedText", "PredictedLabel"));

        ITransformer model = EstimatorContract.Verify(pipeline, data);

        CollectionAssert.AreEqual(rows.Select(r => r.Label).ToList(), Rows.Texts(model.Transform(data), "PredictedText"));
    }

    internal sealed class Labeled
    {
        [VectorType(2)]
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = "";
    }
}
