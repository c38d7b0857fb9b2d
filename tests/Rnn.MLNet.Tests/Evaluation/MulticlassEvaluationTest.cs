using Rnn.MLNet.Data;

namespace Rnn.MLNet.Tests.Evaluation;

[TestClass]
public sealed class MulticlassEvaluationTest
{
    private static readonly MLContext Ml = new(seed: 1);

    internal sealed class Scored
    {
        [KeyType(3)]
        public uint Label { get; set; }

        [VectorType(3)]
        public float[] Score { get; set; } = [];

        [KeyType(3)]
        public uint PredictedLabel { get; set; }
    }

    private static Scored S(uint label, params float[] score) =>
        new() { Label = label, Score = score, PredictedLabel = (uint)Array.IndexOf(score, score.Max()) + 1 };

    [TestMethod]
    public void Evaluate_HandComputed_MicroMacroLogLoss()
    {
        // class 1: 2 rows (1 right), class 2: 1 row (right), class 3: 1 row (wrong)
        Scored[] rows =
        [
            S(1, 0.7f, 0.2f, 0.1f),
            S(1, 0.2f, 0.5f, 0.3f),
            S(2, 0.1f, 0.8f, 0.1f),
            S(3, 0.6f, 0.3f, 0.1f),
        ];
        MulticlassClassificationMetrics m = Ml.MulticlassClassification.Evaluate(Ml.Data.LoadFromEnumerable(rows), topKPredictionCount: 2);

        Assert.AreEqual(2.0 / 4, m.MicroAccuracy, 1e-12);
        Assert.AreEqual((0.5 + 1 + 0) / 3, m.MacroAccuracy, 1e-12);
        double l1 = -Math.Log(0.7f), l2 = -Math.Log(0.2f), l3 = -Math.Log(0.8f), l4 = -Math.Log(0.1f);
        Assert.AreEqual((l1 + l2 + l3 + l4) / 4, m.LogLoss, 1e-6);
        Assert.AreEqual((l1 + l2) / 2, m.PerClassLogLoss[0], 1e-6);
        Assert.AreEqual(l4, m.PerClassLogLoss[2], 1e-6);
        double prior = -(0.5 * Math.Log(0.5) + 2 * 0.25 * Math.Log(0.25));
        Assert.AreEqual((prior - m.LogLoss) / prior, m.LogLossReduction, 1e-9);
        Assert.AreEqual(2.0 / 4, m.TopKAccuracy, 1e-12); // rows 1 and 3 have their class in the top 2
        Assert.AreEqual(1.0, m.ConfusionMatrix.GetCountForClassPair(predictedClassIndicatorIndex: 1, actualClassIndicatorIndex: 0));
    }

    [TestMethod]
    public void Evaluate_NonKeyLabel_ThrowsNamingColumn()
    {
        IDataView data = Ml.Data.LoadFromEnumerable(new[] { new BinaryEvaluationTest.Scored() });

        var e = Assert.ThrowsExactly<ArgumentException>(() => Ml.MulticlassClassification.Evaluate(data));
        StringAssert.Contains(e.Message, "Column 'Label' has type Boolean, expected a key");
    }
}
