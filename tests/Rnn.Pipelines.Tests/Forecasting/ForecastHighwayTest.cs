using Rnn.Core.Models;
using Rnn.MLNet;
using Rnn.MLNet.Persistence;
using Rnn.Pipelines.Forecasting;

namespace Rnn.Pipelines.Tests.Forecasting;

/// <summary>The autoregressive highway, the automatic choices, the calibration and the version-2 payload of ForecastByRecurrent.</summary>
[TestClass]
public sealed class ForecastHighwayTest
{
    private static RecurrentForecasterOptions Options(int window, int horizon) => new()
    {
        InputColumnName = nameof(Obs.Value), WindowSize = window, Horizon = horizon, ConfidenceLevel = 0.9f,
        ConfidenceLowerBoundColumn = "Lower", ConfidenceUpperBoundColumn = "Upper", HiddenSize = 8, Epochs = 5, Seed = 3,
    };

    [TestMethod]
    public void Highway_PureAutoregressiveSeries_ForecastsItNearlyExactly()
    {
        // A noiseless linear recurrence (two sinusoids and a level): the highway holds it, the network is left out.
        var ml = new MLContext(seed: 1);
        float[] y = [.. Enumerable.Range(0, 212).Select(t => (float)(10 + (3 * Math.Sin(2 * Math.PI * t / 12)) + (2 * Math.Sin(2 * Math.PI * t / 5))))];
        var model = ml.Forecasting.ForecastByRecurrent(Options(12, 12)).Fit(RecurrentForecastingTest.View(ml, y[..200]));
        ForecastOut f = model.CreateForecastEngine<Obs, ForecastOut>(ml).Predict();
        Assert.AreEqual(0f, model.Model.NetworkWeight, "a network can only add error to an exact highway");
        for (int h = 0; h < 12; h++)
        {
            Assert.AreEqual(y[200 + h], f.Forecast[h], 0.01f, $"h={h + 1}");
            Assert.IsTrue(f.Upper[h] - f.Lower[h] < 0.05f, $"h={h + 1}: bounds {f.Lower[h]}..{f.Upper[h]}");
        }
    }

    [TestMethod]
    public void Defaults_Ar2WithKnownNoise_BeatNaiveAndCoverAboutNinetyPercent()
    {
        // AR(2) + N(0, 1): the best one-step forecast errs by 1, so a 90% interval at h = 1 is about ±1.645.
        var ml = new MLContext(seed: 1);
        const int train = 1000, test = 600;
        float[] y = LinearAutoregressionTest.Ar2(train + test, 1f, 11);
        var model = ml.Forecasting.ForecastByRecurrent(Options(8, 3)).Fit(RecurrentForecastingTest.View(ml, y[..train]));
        var rows = ml.Data.CreateEnumerable<ForecastOut>(model.Transform(RecurrentForecastingTest.View(ml, y[train..])), reuseRowObject: false).ToList();
        for (int h = 0; h < 3; h++)
        {
            int covered = 0, total = 0;
            double width = 0, error = 0;
            for (int i = 0; i + h + 1 < rows.Count; i++, total++)
            {
                float actual = y[train + i + h + 1];
                if (rows[i].Lower[h] <= actual && actual <= rows[i].Upper[h]) covered++;
                width += rows[i].Upper[h] - rows[i].Lower[h];
                error += Math.Abs(actual - rows[i].Forecast[h]);
            }
            double coverage = covered / (double)total;
            Console.WriteLine($"h={h + 1}: coverage {coverage:P1}, mean width {width / total:F3}, MAE {error / total:F3}");
            Assert.IsTrue(coverage is > 0.86 and < 0.94, $"h={h + 1}: coverage {coverage:P1}");
            if (h == 0) Assert.IsTrue(width / total is > 2.9 and < 3.8 && error / total < 0.87, $"h=1: width {width / total:F3}, MAE {error / total:F3} (ideal 3.29, 0.80)");
        }
    }

    [TestMethod]
    public void LogTransform_Automatic_ChosenForMultiplicativeSeriesOnly()
    {
        var ml = new MLContext(seed: 1);
        // Level grows 2% a step, the season swings ±30% of it and the noise is 5% of it: ln y is additive. (Without
        // noise y is an exact linear recurrence too, and either choice is right.)
        float[] noise = RecurrentForecastingTest.Seasonal(160, 0.05f, 8, trend: 0f);
        float[] multiplicative = [.. Enumerable.Range(0, 160).Select(t => 100f * MathF.Exp((0.02f * t) + noise[t] - 10f - (2 * MathF.Sin(2 * MathF.PI * t / 12))) * (1 + (0.3f * MathF.Sin(2 * MathF.PI * t / 12))))];
        float[] additive = RecurrentForecastingTest.Seasonal(160, 0.1f, 4);
        Assert.IsTrue(ml.Forecasting.ForecastByRecurrent(Options(12, 3)).Fit(RecurrentForecastingTest.View(ml, multiplicative)).Model.Spec.LogTarget);
        Assert.IsFalse(ml.Forecasting.ForecastByRecurrent(Options(12, 3)).Fit(RecurrentForecastingTest.View(ml, additive)).Model.Spec.LogTarget);
        float[] withZero = [.. multiplicative];
        withZero[3] = 0f;
        Assert.IsFalse(ml.Forecasting.ForecastByRecurrent(Options(12, 3)).Fit(RecurrentForecastingTest.View(ml, withZero)).Model.Spec.LogTarget, "ln y needs positive values");
    }

    [TestMethod]
    public void Options_Bad_ThrowNamingTheParameter()
    {
        var ml = new MLContext(seed: 1);
        foreach (var (change, name) in new (Action<RecurrentForecasterOptions>, string)[]
        {
            (o => o.NetworkWeight = 1.5f, "NetworkWeight"),
            (o => o.NetworkWeight = float.NaN, "NetworkWeight"),
            (o => o.EnsembleSize = 0, "EnsembleSize"),
            (o => o.Highway = (AutoregressiveHighway)42, "Highway"),
        })
        {
            var options = Options(12, 3);
            change(options);
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Forecasting.ForecastByRecurrent(options));
            StringAssert.Contains(e.Message, $"RecurrentForecasterOptions.{name}");
        }
    }

    [TestMethod]
    public void Payload_Version2_RoundTripsHighwayWeightAndEnsemble()
    {
        var ml = new MLContext(seed: 1);
        var options = Options(12, 3);
        options.Highway = AutoregressiveHighway.Direct;
        options.EnsembleSize = 3;
        options.NetworkWeight = 0.75f;
        var model = ml.Forecasting.ForecastByRecurrent(options).Fit(RecurrentForecastingTest.View(ml, RecurrentForecastingTest.Seasonal(120, 0.2f, 6)));
        ParsedForecast loaded = ForecastSettings.Read(model.Payload);
        Assert.HasCount(3, loaded.Model.Networks);
        Assert.AreEqual(0.75f, loaded.Model.NetworkWeight);
        Assert.AreEqual(3, loaded.Model.Highway!.Outputs);
        CollectionAssert.AreEqual(model.Model.Highway!.Coefficients, loaded.Model.Highway.Coefficients);
        var (a, b) = (new float[3], new float[3]);
        model.Model.CreateForecaster().Forecast(model.State, a);
        loaded.Model.CreateForecaster().Forecast(loaded.State, b);
        CollectionAssert.AreEqual(a, b);
    }

    [TestMethod]
    public void Payload_Version1_LoadsAsNetworkOnLastValue_AndNewerVersionNamesIt()
    {
        // A version-1 payload has no highway, weight or ensemble: the forecast is last + σ_Δ·f(window), as it was.
        var spec = new ForecastSpec("Value", [], 4, 2, ForecastStrategy.Direct, 0.9f, "Forecast", "Lower", "Upper");
        var scaler = new SeriesScaler(10f, 2f, 0.5f, [], []);
        var network = new SequenceModel(ForecastModel.NetworkOptions(spec, RecurrentCellType.Gru, 4, 1, 9));
        float[] state = [9f, 10f, 11f, 12f];
        var version1 = new
        {
            spec, scaler, lowerOffsets = new[] { -1f, -2f }, upperOffsets = new[] { 1f, 2f },
            network = new ForecastNetworkSettings(RecurrentCellType.Gru, 4, 1, 9), state, observations = 50L,
        };
        var tensors = network.Parameters.Select(p => KeyValuePair.Create(p.Key, p.Value.Value)).ToList();
        ParsedForecast loaded = ForecastSettings.Read(ModelPayload.Write(ForecastSettings.Kind, 1, version1, tensors));
        Assert.IsNull(loaded.Model.Highway);
        Assert.AreEqual(1f, loaded.Model.NetworkWeight);
        Assert.HasCount(1, loaded.Model.Networks);
        var expected = new float[2];
        var actual = new float[2];
        new ForecastModel(spec, scaler, [network], [-1f, -2f], [1f, 2f]).CreateForecaster().Forecast(state, expected);
        loaded.Model.CreateForecaster().Forecast(loaded.State, actual);
        CollectionAssert.AreEqual(expected, actual);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => ForecastSettings.Read(ModelPayload.Write(ForecastSettings.Kind, 5, version1, tensors)));
        StringAssert.Contains(e.Message, "format version 5");
    }
}
