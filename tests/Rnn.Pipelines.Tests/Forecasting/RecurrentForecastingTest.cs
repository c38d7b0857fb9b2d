using Rnn.MLNet;
using Rnn.Pipelines.Tests.TestKit;
using Rnn.MLNet.Persistence;
using Rnn.Pipelines.Forecasting;

namespace Rnn.Pipelines.Tests.Forecasting;

public sealed class Obs
{
    public float Value { get; set; }
}

public sealed class ForecastOut
{
    public float[] Forecast { get; set; } = [];

    public float[] Lower { get; set; } = [];

    public float[] Upper { get; set; } = [];
}

public sealed class ObsWithCovariate
{
    public float Value { get; set; }

    public double Temperature { get; set; }
}

[TestClass]
public sealed class RecurrentForecastingTest
{
    /// <summary>Seasonal series (period 12) with trend and Gaussian noise of standard deviation <paramref name="noise"/>.</summary>
    internal static float[] Seasonal(int n, float noise, int seed, float trend = 0.02f)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(t =>
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            double gauss = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            return (float)(10 + (trend * t) + (2 * Math.Sin(2 * Math.PI * t / 12)) + (noise * gauss));
        }).ToArray();
    }

    internal static IDataView View(MLContext ml, IEnumerable<float> values) =>
        ml.Data.LoadFromEnumerable(values.Select(v => new Obs { Value = v }).ToList());

    private static RecurrentForecasterOptions Small(int window = 12, int horizon = 3, float level = 0.9f) => new()
    {
        InputColumnName = nameof(Obs.Value), WindowSize = window, Horizon = horizon, ConfidenceLevel = level,
        ConfidenceLowerBoundColumn = "Lower", ConfidenceUpperBoundColumn = "Upper",
        HiddenSize = 12, Epochs = 8, BatchSize = 32, LearningRate = 0.01f, Seed = 7,
    };

    [TestMethod]
    public void ApiSnippet_CompilesAndForecastsHorizonWithOrderedBounds()
    {
        var ml = new MLContext(seed: 1);
        IDataView series = View(ml, Seasonal(120, 0.2f, 1));
        var est = ml.Forecasting.ForecastByRecurrent(outputColumnName: "Forecast", inputColumnName: nameof(Obs.Value),
            windowSize: 24, horizon: 12, confidenceLevel: 0.9f,
            confidenceLowerBoundColumn: "Lower", confidenceUpperBoundColumn: "Upper");
        var model = est.Fit(series);
        var engine = model.CreateForecastEngine<Obs, ForecastOut>(ml);
        ForecastOut f = engine.Predict();
        engine.Predict(new Obs { Value = 42f });
        string path = Path.Combine(Path.GetTempPath(), $"forecaster-{Guid.NewGuid():N}.zip");
        try
        {
            engine.CheckPoint(ml, path);
            Assert.IsTrue(File.Exists(path));
        }
        finally
        {
            File.Delete(path);
        }

        Assert.HasCount(12, f.Forecast);
        Assert.HasCount(12, f.Lower);
        Assert.HasCount(12, f.Upper);
        for (int h = 0; h < 12; h++)
        {
            Assert.IsTrue(float.IsFinite(f.Forecast[h]));
            Assert.IsTrue(f.Lower[h] <= f.Forecast[h] && f.Forecast[h] <= f.Upper[h], $"step {h}: {f.Lower[h]} <= {f.Forecast[h]} <= {f.Upper[h]}");
        }
    }

    [TestMethod]
    public void Fit_ScalerFromTrainingDataOnly_SavedWithModel()
    {
        var ml = new MLContext(seed: 1);
        float[] values = Seasonal(150, 0.1f, 2);
        var model = ml.Forecasting.ForecastByRecurrent(Small()).Fit(View(ml, values[..100]));

        // The scaler reads the training steps in the network's units (ln y when the log transform was chosen).
        double mean = values[..100].Average(v => model.Model.Spec.LogTarget ? Math.Log(v) : v);
        Assert.AreEqual(mean, model.Model.Scaler.Mean, 1e-4);

        using var stream = new MemoryStream();
        ml.Model.Save(model, null, stream);
        stream.Position = 0;
        ITransformer loadedChain = new MLContext().Model.Load(stream, out _);
        var loaded = ForecastSettings.Read(PayloadCarrier.FindPayloads(loadedChain).Single());
        Assert.AreEqual(model.Model.Scaler.Mean, loaded.Model.Scaler.Mean);
        Assert.AreEqual(model.Model.Scaler.Std, loaded.Model.Scaler.Std);
        Assert.AreEqual(model.Model.Scaler.DiffStd, loaded.Model.Scaler.DiffStd);
        CollectionAssert.AreEqual(model.Model.LowerOffsets, loaded.Model.LowerOffsets);
        CollectionAssert.AreEqual(model.State, loaded.State);

        var a = model.CreateForecastEngine<Obs, ForecastOut>(ml).Predict();
        var b = loadedChain.CreateForecastEngine<Obs, ForecastOut>(ml).Predict();
        CollectionAssert.AreEqual(a.Forecast, b.Forecast);
        CollectionAssert.AreEqual(a.Upper, b.Upper);
    }

    [TestMethod]
    public void Engine_FeedingObservations_EqualsForecastFromExtendedSeries()
    {
        var ml = new MLContext(seed: 1);
        float[] values = Seasonal(140, 0.1f, 3);
        var model = ml.Forecasting.ForecastByRecurrent(Small()).Fit(View(ml, values[..100]));
        var engine = model.CreateForecastEngine<Obs, ForecastOut>(ml);
        ForecastOut last = engine.Predict();
        for (int t = 100; t < 140; t++) last = engine.Predict(new Obs { Value = values[t] });
        Assert.AreEqual(140, engine.Observations);

        // Re-run from scratch on the extended series: the forecast reads its last W steps.
        var forecaster = model.Model.CreateForecaster();
        var expected = new float[3];
        forecaster.Forecast(values.AsSpan(140 - 12, 12), expected);
        CollectionAssert.AreEqual(expected, last.Forecast);

        // Transform over the new observations moves the state the same way, row by row.
        var rows = ml.Data.CreateEnumerable<ForecastOut>(model.Transform(View(ml, values[100..])), reuseRowObject: false, ignoreMissingColumns: true).ToList();
        Assert.HasCount(40, rows);
        CollectionAssert.AreEqual(last.Forecast, rows[^1].Forecast);
        CollectionAssert.AreEqual(last.Lower, rows[^1].Lower);
    }

    [TestMethod]
    public void CheckPoint_LoadAndCreateEngine_ResumesWhereItWas()
    {
        var ml = new MLContext(seed: 1);
        float[] values = Seasonal(130, 0.1f, 4);
        var model = ml.Forecasting.ForecastByRecurrent(Small()).Fit(View(ml, values[..100]));
        var engine = model.CreateForecastEngine<Obs, ForecastOut>(ml);
        for (int t = 100; t < 115; t++) engine.Predict(new Obs { Value = values[t] });

        using var stream = new MemoryStream();
        engine.CheckPoint(ml, stream);
        stream.Position = 0;
        ITransformer loaded = new MLContext().Model.Load(stream, out DataViewSchema inputSchema);
        var resumed = loaded.CreateForecastEngine<Obs, ForecastOut>(ml);
        Assert.AreEqual("Value", inputSchema.Single().Name);
        Assert.AreEqual(115, resumed.Observations);
        CollectionAssert.AreEqual(engine.Predict().Forecast, resumed.Predict().Forecast);
        for (int t = 115; t < 130; t++)
        {
            var x = engine.Predict(new Obs { Value = values[t] });
            var y = resumed.Predict(new Obs { Value = values[t] });
            CollectionAssert.AreEqual(x.Forecast, y.Forecast);
            CollectionAssert.AreEqual(x.Upper, y.Upper);
        }
    }

    [TestMethod]
    public void Bounds_NinetyPercent_CoverAboutNinetyPercentOfHeldOutPoints()
    {
        // Known noise: N(0, 0.5²) on a seasonal signal; the interval should be about ±1.645·0.5 and cover ~90%.
        var ml = new MLContext(seed: 1);
        const int train = 800, test = 500, window = 12, horizon = 3;
        float[] values = Seasonal(train + test, 0.5f, 5, trend: 0f);
        var options = Small(window, horizon, 0.9f);
        options.Epochs = 20;
        options.HiddenSize = 16;
        options.RefitAfterCalibration = false;
        options.CalibrationFraction = 0.4f;
        var model = ml.Forecasting.ForecastByRecurrent(options).Fit(View(ml, values[..train]));
        var rows = ml.Data.CreateEnumerable<ForecastOut>(model.Transform(View(ml, values[train..])), reuseRowObject: false, ignoreMissingColumns: true).ToList();

        for (int h = 0; h < horizon; h++)
        {
            int covered = 0, total = 0;
            double width = 0;
            for (int i = 0; i + h + 1 < rows.Count; i++)
            {
                float actual = values[train + i + h + 1];
                if (rows[i].Lower[h] <= actual && actual <= rows[i].Upper[h]) covered++;
                width += rows[i].Upper[h] - rows[i].Lower[h];
                total++;
            }
            double coverage = covered / (double)total;
            width /= total;
            Console.WriteLine($"h={h + 1}: coverage {coverage:P1}, mean width {width:F3} (noise-only ideal {2 * 1.645 * 0.5:F3})");
            Assert.IsTrue(coverage is > 0.85 and < 0.95, $"h={h + 1}: coverage {coverage:P1}");
            Assert.IsTrue(width is > 1.5 and < 2.3, $"h={h + 1}: width {width:F3}");
        }
    }

    [TestMethod]
    public void Recursive_WithCovariate_ForecastsHorizonDeterministically()
    {
        var ml = new MLContext(seed: 1);
        float[] values = Seasonal(120, 0.1f, 6);
        var rows = values.Select((v, t) => new ObsWithCovariate { Value = v, Temperature = Math.Cos(2 * Math.PI * t / 12) }).ToList();
        var options = Small(horizon: 4);
        options.Strategy = ForecastStrategy.Recursive;
        options.CovariateColumnNames = [nameof(ObsWithCovariate.Temperature)];
        ForecastOut Run()
        {
            var m = new MLContext(seed: 1).Forecasting.ForecastByRecurrent(options).Fit(ml.Data.LoadFromEnumerable(rows));
            var engine = m.CreateForecastEngine<ObsWithCovariate, ForecastOut>(ml);
            return engine.Predict(new ObsWithCovariate { Value = 11f, Temperature = 1.0 });
        }
        var a = Run();
        var b = Run();
        Assert.HasCount(4, a.Forecast);
        CollectionAssert.AreEqual(a.Forecast, b.Forecast);
        Assert.IsTrue(a.Forecast.All(float.IsFinite));
    }

    [TestMethod]
    public void Transform_WithDoubleCovariate_EqualsEngineFedTheSameRows()
    {
        var ml = new MLContext(seed: 1);
        float[] values = Seasonal(110, 0.1f, 14);
        var rows = values.Select((v, t) => new ObsWithCovariate { Value = v, Temperature = Math.Cos(2 * Math.PI * t / 12) }).ToList();
        var options = Small(horizon: 2);
        options.CovariateColumnNames = [nameof(ObsWithCovariate.Temperature)];
        var model = ml.Forecasting.ForecastByRecurrent(options).Fit(ml.Data.LoadFromEnumerable(rows[..100]));
        var transformed = ml.Data.CreateEnumerable<ForecastOut>(model.Transform(ml.Data.LoadFromEnumerable(rows[100..])), reuseRowObject: false, ignoreMissingColumns: true).ToList();
        var engine = model.CreateForecastEngine<ObsWithCovariate, ForecastOut>(ml);
        for (int i = 0; i < 10; i++)
        {
            var fed = engine.Predict(rows[100 + i]);
            CollectionAssert.AreEqual(fed.Forecast, transformed[i].Forecast, $"row {i}");
            CollectionAssert.AreEqual(fed.Upper, transformed[i].Upper, $"row {i}");
        }
    }

    [TestMethod]
    public void Recursive_SecondStep_EqualsFirstStepFedBackAsObservation()
    {
        var ml = new MLContext(seed: 1);
        var options = Small(horizon: 3);
        options.Strategy = ForecastStrategy.Recursive;
        var model = ml.Forecasting.ForecastByRecurrent(options).Fit(View(ml, Seasonal(120, 0.1f, 12)));
        var engine = model.CreateForecastEngine<Obs, ForecastOut>(ml);
        float[] f = engine.Predict().Forecast;
        float[] g = engine.Predict(new Obs { Value = f[0] }).Forecast;
        Assert.AreEqual(f[1], g[0]);
        Assert.AreEqual(f[2], g[1]);
    }

    [TestMethod]
    public void GetOutputSchema_PromisesWhatTransformProduces()
    {
        var ml = new MLContext(seed: 1);
        var data = View(ml, Seasonal(100, 0.1f, 13));
        var est = ml.Forecasting.ForecastByRecurrent(Small());
        var promised = est.GetOutputSchema(Shapes.Of(data.Schema));
        var actual = Shapes.Of(est.Fit(data).Transform(data).Schema);
        CollectionAssert.AreEqual(Shapes.Describe(promised), Shapes.Describe(actual));
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 3), est.Fit(data).Transform(data).Schema["Forecast"].Type);
    }

    [TestMethod]
    public void Fit_BadInput_ThrowsClearErrors()
    {
        var ml = new MLContext(seed: 1);
        var shortSeries = View(ml, Seasonal(30, 0.1f, 7));
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.Forecasting.ForecastByRecurrent(Small()).Fit(shortSeries));
        StringAssert.Contains(e.Message, "30 steps");

        var missing = ml.Forecasting.ForecastByRecurrent("Forecast", "Nope", windowSize: 4, horizon: 1);
        Assert.ThrowsExactly<ArgumentException>(() => missing.Fit(shortSeries));
        Assert.ThrowsExactly<ArgumentException>(() => missing.GetOutputSchema(Shapes.Of(shortSeries.Schema)));

        var withNaN = Seasonal(100, 0.1f, 8);
        withNaN[50] = float.NaN;
        var nan = Assert.ThrowsExactly<InvalidDataException>(() => ml.Forecasting.ForecastByRecurrent(Small()).Fit(View(ml, withNaN)));
        StringAssert.Contains(nan.Message, "Row 50");
        var interpolating = Small();
        interpolating.MissingValues = MissingValuePolicy.Interpolate;
        Assert.IsNotNull(ml.Forecasting.ForecastByRecurrent(interpolating).Fit(View(ml, withNaN)));

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Forecasting.ForecastByRecurrent("F", "Value", windowSize: 0, horizon: 1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Forecasting.ForecastByRecurrent("F", "Value", windowSize: 4, horizon: 1, confidenceLevel: 1f));

        var model = ml.Forecasting.ForecastByRecurrent(Small()).Fit(View(ml, Seasonal(100, 0.1f, 9)));
        var engine = model.CreateForecastEngine<Obs, ForecastOut>(ml);
        Assert.ThrowsExactly<ArgumentException>(() => engine.Predict(new Obs { Value = float.NaN }));
    }

    [TestMethod]
    public void LogTransform_GrowingSeasonalSeries_PositiveForecastsAndBoundsWideningWithLevel()
    {
        var ml = new MLContext(seed: 1);
        // Multiplicative: level grows 1% a step, the season swings ±20% of the level.
        float[] values = Enumerable.Range(0, 160).Select(t => 100f * MathF.Exp(0.01f * t) * (1 + (0.2f * MathF.Sin(2 * MathF.PI * t / 12)))).ToArray();
        var options = Small();
        options.LogTransform = true;
        options.Epochs = 20;
        var model = ml.Forecasting.ForecastByRecurrent(options).Fit(View(ml, values));
        var engine = model.CreateForecastEngine<Obs, ForecastOut>(ml);
        var f = engine.Predict();
        for (int h = 0; h < 3; h++)
        {
            float actual = 100f * MathF.Exp(0.01f * (160 + h)) * (1 + (0.2f * MathF.Sin(2 * MathF.PI * (160 + h) / 12)));
            Assert.IsTrue(MathF.Abs(f.Forecast[h] - actual) < 0.1f * actual, $"h={h}: {f.Forecast[h]} vs {actual}");
            Assert.IsTrue(f.Lower[h] > 0 && f.Lower[h] <= f.Forecast[h] && f.Forecast[h] <= f.Upper[h]);
        }

        Assert.ThrowsExactly<ArgumentException>(() => engine.Predict(new Obs { Value = 0f }));
        Assert.AreEqual(160, engine.Observations, "a rejected observation leaves the state alone");
        values[10] = -1f;
        Assert.ThrowsExactly<ArgumentException>(() => ml.Forecasting.ForecastByRecurrent(options).Fit(View(ml, values)));
    }

    [TestMethod]
    public void ConformalQuantiles_UseFiniteSampleRanks()
    {
        float[] residuals = Enumerable.Range(1, 19).Select(i => (float)i).ToArray(); // 1..19
        var (lower, upper) = RecurrentForecastingEstimator.ConformalQuantiles(residuals, 0.9f);
        // n = 19: ranks ⌊20·0.05⌋ = 1 and ⌈20·0.95⌉ = 19.
        Assert.AreEqual(1f, lower);
        Assert.AreEqual(19f, upper);
        (lower, upper) = RecurrentForecastingEstimator.ConformalQuantiles(Enumerable.Range(1, 99).Select(i => (float)i).ToArray(), 0.8f);
        Assert.AreEqual(10f, lower);
        Assert.AreEqual(90f, upper);
    }

    // Regression (fuzzing, issue 16): a loaded forecaster whose payload was damaged made CreateForecastEngine say
    // "needs a forecaster" (ArgumentException), hiding the damage.
    [TestMethod]
    public void CreateForecastEngine_LoadedWithADamagedPayload_ThrowsInvalidData()
    {
        var ml = new MLContext(seed: 1);
        var series = View(ml, Seasonal(60, 0.1f, 1));
        var options = Small(window: 8, horizon: 2);
        options.Epochs = 1;
        var model = ml.Forecasting.ForecastByRecurrent(options).Fit(series);
        string payload = ForecastSettings.Write(model.Model, model.State, model.Observations, model.Bounds);
        string damaged = payload[..(payload.Length / 2 / 4 * 4)]; // cut in the weights: the header still names the kind
        var chain = ForecastChain.Create(ml, model.Model.Spec, damaged).Fit(series);
        Assert.ThrowsExactly<InvalidDataException>(() => chain.CreateForecastEngine<Obs, ForecastOut>(ml));
        string renamed = Convert.ToBase64String(System.Text.Encoding.Latin1.GetBytes(System.Text.Encoding.Latin1
            .GetString(Convert.FromBase64String(payload)).Replace("recurrent-forecaster", "recurrent-forecastxr", StringComparison.Ordinal)));
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ForecastChain.Create(ml, model.Model.Spec, renamed).Fit(series).CreateForecastEngine<Obs, ForecastOut>(ml));
        StringAssert.Contains(ex.Message, "rnnml.sha256");
    }
}
