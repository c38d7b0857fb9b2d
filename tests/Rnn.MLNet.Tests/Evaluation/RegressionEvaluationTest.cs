namespace Rnn.MLNet.Tests.Evaluation;

[TestClass]
public sealed class RegressionEvaluationTest
{
    internal sealed class Scored
    {
        public float Label { get; set; }

        public float Score { get; set; }
    }

    [TestMethod]
    public void Evaluate_HandComputed_MaeMseRmseRSquared()
    {
        var ml = new MLContext();
        // labels 1, 2, 3, 4 (mean 2.5, SS_tot 5); errors 0, 0.5, -1, 0.5 (SS_res 1.5)
        IDataView data = ml.Data.LoadFromEnumerable(new[]
        {
            new Scored { Label = 1, Score = 1 }, new Scored { Label = 2, Score = 1.5f },
            new Scored { Label = 3, Score = 4 }, new Scored { Label = 4, Score = 3.5f },
        });

        Rnn.MLNet.Data.RegressionMetrics m = ml.Regression.Evaluate(data);

        Assert.AreEqual(0.5, m.MeanAbsoluteError, 1e-12);
        Assert.AreEqual(0.375, m.MeanSquaredError, 1e-12);
        Assert.AreEqual(Math.Sqrt(0.375), m.RootMeanSquaredError, 1e-12);
        Assert.AreEqual(1 - 1.5 / 5, m.RSquared, 1e-12);
    }
}
