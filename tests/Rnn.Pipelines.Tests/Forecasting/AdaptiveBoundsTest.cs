using Rnn.MLNet;
using Rnn.Pipelines.Forecasting;

namespace Rnn.Pipelines.Tests.Forecasting;

[TestClass]
public sealed class AdaptiveBoundsTest
{
    /// <summary>AR(1) noise around a season; its innovations' standard deviation halves (variance ÷ 4) at step <paramref name="shift"/>.</summary>
    private static float[] Calming(int n, int shift, int seed)
    {
        var rng = new Random(seed);
        double y = 0;
        return Enumerable.Range(0, n).Select(t =>
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            double gauss = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            y = (0.7 * y) + ((t < shift ? 2.0 : 1.0) * gauss);
            return (float)(50 + (0.05 * t) + (8 * Math.Sin(2 * Math.PI * t / 12)) + y);
        }).ToArray();
    }

    private static RecurrentForecasterOptions Options(int halfLife) => new()
    {
        InputColumnName = nameof(Obs.Value), WindowSize = 24, Horizon = 3, ConfidenceLevel = 0.9f,
        ConfidenceLowerBoundColumn = "Lower", ConfidenceUpperBoundColumn = "Upper",
        HiddenSize = 8, Epochs = 2, NetworkWeight = 0f, Seed = 3, AdaptiveBoundsHalfLife = halfLife,
    };

    [TestMethod]
    public void VarianceDropsFourfoldAfterCalibration_AdaptiveBoundsCoverNearNominal_StaticOnesFarAbove()
    {
        var ml = new MLContext(seed: 1);
        IDataView series = RecurrentForecastingTest.View(ml, Calming(1000, 600, 11));
        double adaptive = ml.Forecasting.Backtest(series, Options(10), numberOfFolds: 1, testSize: 400, seasonLength: 12).Coverage;
        double fixedBounds = ml.Forecasting.Backtest(series, Options(0), numberOfFolds: 1, testSize: 400, seasonLength: 12).Coverage;
        Console.WriteLine($"coverage: adaptive {adaptive:P1}, static {fixedBounds:P1}");
        Assert.IsTrue(adaptive is > 0.85 and < 0.95, $"adaptive coverage {adaptive:P1}");
        Assert.IsGreaterThan(0.98, fixedBounds, $"static coverage {fixedBounds:P1}");
    }

    [TestMethod]
    public void State_SurvivesCheckPointAndLoad_BitIdentically_AndTransformAgrees()
    {
        var ml = new MLContext(seed: 1);
        float[] values = Calming(260, 200, 5);
        var model = ml.Forecasting.ForecastByRecurrent(Options(10)).Fit(RecurrentForecastingTest.View(ml, values[..200]));
        Assert.IsNotNull(model.Model.Adaptive);
        Assert.IsNotNull(model.Bounds.Pending);
        var engine = model.CreateForecastEngine<Obs, ForecastOut>(ml);
        engine.Predict();
        for (int t = 200; t < 230; t++) engine.Predict(new Obs { Value = values[t] });

        using var stream = new MemoryStream();
        engine.CheckPoint(ml, stream);
        stream.Position = 0;
        ITransformer loaded = new MLContext().Model.Load(stream, out _);
        var resumed = loaded.CreateForecastEngine<Obs, ForecastOut>(ml);
        // The loaded chain's kernel starts from the same state as the resumed engine.
        var rows = ml.Data.CreateEnumerable<ForecastOut>(loaded.Transform(RecurrentForecastingTest.View(ml, values[230..])), reuseRowObject: false, ignoreMissingColumns: true).ToList();
        var widths = new List<float>();
        for (int t = 230; t < 260; t++)
        {
            var x = engine.Predict(new Obs { Value = values[t] });
            var y = resumed.Predict(new Obs { Value = values[t] });
            CollectionAssert.AreEqual(x.Forecast, y.Forecast);
            CollectionAssert.AreEqual(x.Lower, y.Lower);
            CollectionAssert.AreEqual(x.Upper, y.Upper);
            CollectionAssert.AreEqual(x.Upper, rows[t - 230].Upper);
            CollectionAssert.AreEqual(x.Lower, rows[t - 230].Lower);
            widths.Add(x.Upper[0] - x.Lower[0]);
        }
        Assert.IsGreaterThan(1, widths.Distinct().Count(), "the bounds move with σ̂");
    }
}
