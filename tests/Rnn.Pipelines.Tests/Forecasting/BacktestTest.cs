using Rnn.MLNet;

namespace Rnn.Pipelines.Tests.Forecasting;

[TestClass]
public sealed class BacktestTest
{
    private static RecurrentForecasterOptions Small() => new()
    {
        InputColumnName = nameof(Obs.Value), WindowSize = 12, Horizon = 4, ConfidenceLevel = 0.9f,
        HiddenSize = 8, Epochs = 4, LearningRate = 0.01f, Seed = 3,
    };

    [TestMethod]
    public void Backtest_PureSeasonalSeries_SeasonalNaiveIsExactAndPointsCounted()
    {
        var ml = new MLContext(seed: 1);
        float[] values = Enumerable.Range(0, 120).Select(t => 5f + MathF.Sin(2 * MathF.PI * t / 12)).ToArray();
        var result = ml.Forecasting.Backtest(RecurrentForecastingTest.View(ml, values), Small(), numberOfFolds: 2, testSize: 6, seasonLength: 12);

        Assert.HasCount(2, result.Folds);
        Assert.AreEqual(108, result.Folds[0].TrainingSteps);
        Assert.AreEqual(114, result.Folds[1].TrainingSteps);
        // Origins 108..119, 4 steps each, only steps before 120 scored: 12·4 − (1+2+3) = 42.
        Assert.AreEqual(42, result.Points);
        Assert.AreEqual(0, result.SeasonalNaive.MeanAbsoluteError, 1e-5);
        Assert.IsTrue(double.IsNaN(result.SeasonalNaive.MeanAbsoluteScaledError), "MASE is undefined: the seasonal naive fits the training part exactly");
        Assert.IsGreaterThan(0.1, result.Naive.MeanAbsoluteError);
        Assert.IsTrue(double.IsFinite(result.Model.SymmetricMeanAbsolutePercentageError));
        // A sinusoid is a linear recurrence: the linear AR baseline, and the forecaster through its highway, are exact.
        Assert.AreEqual(0, result.Autoregression.MeanAbsoluteError, 1e-3);
        Assert.AreEqual(0, result.Model.MeanAbsoluteError, 1e-2);
        Assert.IsGreaterThan(0.0, result.Naive.MeanAbsoluteErrorSpread, "the naive error differs from origin to origin");
        Assert.AreEqual(result.Folds.Sum(f => f.Autoregression.MeanAbsoluteError * f.Points) / result.Points, result.Autoregression.MeanAbsoluteError, 1e-9);
        StringAssert.Contains(result.ToString(), "seasonal naive");
        StringAssert.Contains(result.ToString(), "linear AR");
    }

    [TestMethod]
    public void Backtest_NaiveMetrics_MatchHandComputation()
    {
        var ml = new MLContext(seed: 1);
        // A straight line y = t: the naive forecast of step j from origin t is t − 1, the error j + 1.
        float[] values = Enumerable.Range(0, 80).Select(t => (float)t).ToArray();
        var options = Small();
        options.Horizon = 2;
        var result = ml.Forecasting.Backtest(RecurrentForecastingTest.View(ml, values), options, numberOfFolds: 1, testSize: 2, seasonLength: 1);
        // Origins 78 (steps 78, 79: errors 1, 2) and 79 (step 79: error 1).
        Assert.AreEqual(3, result.Points);
        Assert.AreEqual(4.0 / 3, result.Naive.MeanAbsoluteError, 1e-6);
        Assert.AreEqual(Math.Sqrt(6.0 / 3), result.Naive.RootMeanSquaredError, 1e-6);
        // MASE scale: in-sample MAE of the lag-1 naive forecast = 1.
        Assert.AreEqual(4.0 / 3, result.Naive.MeanAbsoluteScaledError, 1e-6);
        double smape = ((200.0 * 1 / (78 + 77)) + (200.0 * 2 / (79 + 77)) + (200.0 * 1 / (79 + 78))) / 3;
        Assert.AreEqual(smape, result.Naive.SymmetricMeanAbsolutePercentageError, 1e-6);
    }

    [TestMethod]
    public void Backtest_TooFewSteps_Throws()
    {
        var ml = new MLContext(seed: 1);
        var view = RecurrentForecastingTest.View(ml, Enumerable.Range(0, 40).Select(t => (float)t));
        Assert.ThrowsExactly<ArgumentException>(() => ml.Forecasting.Backtest(view, Small(), numberOfFolds: 10, testSize: 4));
    }
}
