using Rnn.MLNet.Data;

namespace Rnn.MLNet.Tests.Evaluation;

[TestClass]
public sealed class BinaryEvaluationTest
{
    private static readonly MLContext Ml = new(seed: 1);

    internal sealed class Scored
    {
        public bool Label { get; set; }

        public float Score { get; set; }

        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }
    }

    internal sealed class FloatLabel
    {
        public float Label { get; set; }

        public float Score { get; set; }

        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }
    }

    private static Scored S(bool label, float score, float probability) => new() { Label = label, Score = score, Probability = probability, PredictedLabel = score > 0 };

    // labels:  +    +    -    +    -    -
    // scores:  2    0.5  0.5  -1   -1   -3   (ties at 0.5 and -1)
    private static readonly Scored[] Rows_ =
    [
        S(true, 2, 0.9f), S(true, 0.5f, 0.6f), S(false, 0.5f, 0.6f), S(true, -1, 0.3f), S(false, -1, 0.3f), S(false, -3, 0.1f),
    ];

    [TestMethod]
    public void Evaluate_HandComputed_MatchesEveryMetric()
    {
        CalibratedBinaryClassificationMetrics m = Ml.BinaryClassification.Evaluate(Ml.Data.LoadFromEnumerable(Rows_));

        // Pairs (pos, neg) = 9. Pos 2 beats 3; pos 0.5 beats 2 + ties 1 (0.5); pos -1 beats 1 + ties 1 (0.5): (3 + 2.5 + 1.5) / 9.
        Assert.AreEqual(7.0 / 9, m.AreaUnderRocCurve, 1e-12);
        // Predicted positive: scores 2, 0.5, 0.5 -> TP 2, FP 1, FN 1, TN 2.
        Assert.AreEqual(4.0 / 6, m.Accuracy, 1e-12);
        Assert.AreEqual(2.0 / 3, m.PositivePrecision, 1e-12);
        Assert.AreEqual(2.0 / 3, m.PositiveRecall, 1e-12);
        Assert.AreEqual(2.0 / 3, m.NegativePrecision, 1e-12);
        Assert.AreEqual(2.0 / 3, m.NegativeRecall, 1e-12);
        Assert.AreEqual(2.0 / 3, m.F1Score, 1e-12);
        double expectedLogLoss = -(Math.Log2(0.9) + Math.Log2(0.6) + Math.Log2(0.4) + Math.Log2(0.3) + Math.Log2(0.7) + Math.Log2(0.9)) / 6;
        Assert.AreEqual(expectedLogLoss, m.LogLoss, 1e-6);
        Assert.AreEqual(1.0, m.Entropy, 1e-12);
        Assert.AreEqual(1 - expectedLogLoss, m.LogLossReduction, 1e-6);
    }

    [TestMethod]
    public void Evaluate_ConfusionMatrix_HasMlNetShape()
    {
        ConfusionMatrix c = Ml.BinaryClassification.Evaluate(Ml.Data.LoadFromEnumerable(Rows_)).ConfusionMatrix;

        Assert.AreEqual(2, c.NumberOfClasses);
        Assert.AreEqual(2.0, c.GetCountForClassPair(0, 0)); // positive predicted positive
        Assert.AreEqual(1.0, c.GetCountForClassPair(1, 0)); // positive predicted negative
        Assert.AreEqual(1.0, c.Counts[1][0]);                 // negative predicted positive
        Assert.AreEqual(2.0 / 3, c.PerClassPrecision[0], 1e-12);
        StringAssert.Contains(c.GetFormattedConfusionTable(), "PREDICTED ||");
    }

    [TestMethod]
    public void Evaluate_SingleLabelZeroOne_Accepted()
    {
        IDataView data = Ml.Data.LoadFromEnumerable(Rows_.Select(r => new FloatLabel { Label = r.Label ? 1 : 0, Score = r.Score, Probability = r.Probability, PredictedLabel = r.PredictedLabel }).ToArray());

        Assert.AreEqual(7.0 / 9, Ml.BinaryClassification.Evaluate(data).AreaUnderRocCurve, 1e-12);
    }

    [TestMethod]
    public void Evaluate_LabelOutsideZeroOne_ThrowsNamingColumnAndRow()
    {
        IDataView data = Ml.Data.LoadFromEnumerable(new[] { new FloatLabel { Label = 1 }, new FloatLabel { Label = 2 } });

        var e = Assert.ThrowsExactly<ArgumentException>(() => Ml.BinaryClassification.Evaluate(data));
        StringAssert.Contains(e.Message, "Column 'Label' row 1: label 2 is not a binary label");
    }

    [TestMethod]
    public void Evaluate_TextLabel_ThrowsNamingType()
    {
        IDataView data = Ml.Data.LoadFromEnumerable(new[] { new Tests.Data.Review { Text = "a" } });
        IDataView renamed = Ml.Transforms.CopyColumns("Label", "Text").Fit(data).Transform(data);

        var e = Assert.ThrowsExactly<ArgumentException>(() => Ml.BinaryClassification.Evaluate(renamed));
        StringAssert.Contains(e.Message, "Column 'Label' has type String, expected Boolean or Single");
    }

    [TestMethod]
    public void Evaluate_MissingScore_ThrowsNamingColumns()
    {
        IDataView data = Ml.Data.LoadFromEnumerable(new[] { new Tests.Data.Review { Text = "a" } });

        var e = Assert.ThrowsExactly<ArgumentException>(() => Ml.BinaryClassification.Evaluate(data));
        StringAssert.Contains(e.Message, "Column 'Score' not found in the input schema (columns: Text, Label)");
    }

    [TestMethod]
    public void Evaluate_EmptyView_ThrowsClearError()
    {
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Ml.BinaryClassification.Evaluate(Ml.Data.LoadFromEnumerable(Array.Empty<Scored>())));

        StringAssert.Contains(e.Message, "no rows");
    }
}
