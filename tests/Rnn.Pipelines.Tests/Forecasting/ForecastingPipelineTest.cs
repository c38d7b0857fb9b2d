using Rnn.MLNet;

namespace Rnn.Pipelines.Tests.Forecasting;

public sealed class RawObs
{
    public double Raw { get; set; }
}

[TestClass]
public sealed class ForecastingPipelineTest
{
    [TestMethod]
    public void Chain_RowToRowPrefixThenForecaster_EngineAppliesPrefixAndCheckpointsWholeChain()
    {
        var ml = new MLContext(seed: 1);
        float[] values = RecurrentForecastingTest.Seasonal(100, 0.1f, 11);
        var data = ml.Data.LoadFromEnumerable(values.Select(v => new RawObs { Raw = v }).ToList());
        var pipeline = ml.Transforms.CopyColumns("Value", nameof(RawObs.Raw))
            .Append(ml.Forecasting.ForecastByRecurrent(new RecurrentForecasterOptions
            {
                InputColumnName = "Value", WindowSize = 12, Horizon = 2, ConfidenceLowerBoundColumn = "Lower", ConfidenceUpperBoundColumn = "Upper",
                HiddenSize = 8, Epochs = 3, Seed = 2,
            }));
        var model = pipeline.Fit(data);
        var engine = model.CreateForecastEngine<RawObs, ForecastOut>(ml);
        var fed = engine.Predict(new RawObs { Raw = 12.5 });

        // The forecaster alone, fed the same value as a float, agrees.
        var alone = model.LastTransformer.CreateForecastEngine<Obs, ForecastOut>(ml).Predict(new Obs { Value = 12.5f });
        CollectionAssert.AreEqual(alone.Forecast, fed.Forecast);

        using var stream = new MemoryStream();
        engine.CheckPoint(ml, stream);
        stream.Position = 0;
        var resumed = new MLContext().Model.Load(stream, out DataViewSchema inputSchema).CreateForecastEngine<RawObs, ForecastOut>(ml);
        Assert.AreEqual(nameof(RawObs.Raw), inputSchema.Single().Name);
        CollectionAssert.AreEqual(engine.Predict().Forecast, resumed.Predict().Forecast);
    }

    [TestMethod]
    public void CreateTimeSeriesEngine_ModelWithoutForecaster_Throws()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new RawObs { Raw = 1 } });
        var copy = ml.Transforms.CopyColumns("Value", nameof(RawObs.Raw)).Fit(data);
        var e = Assert.ThrowsExactly<ArgumentException>(() => copy.CreateForecastEngine<RawObs, ForecastOut>(ml));
        StringAssert.Contains(e.Message, "ForecastByRecurrent");
    }

    /// <summary>The Quickstart addition proposed to the lead, run as written (fewer epochs are its only change).</summary>
    [TestMethod]
    public void QuickstartSnippet_Runs()
    {
        var ml = new MLContext(seed: 1);
        string outDir = Path.Combine(Path.GetTempPath(), $"quickstart-{Guid.NewGuid():N}");
        Directory.CreateDirectory(outDir);
        var output = new StringWriter();
        try
        {
            // --- snippet start ---
            output.WriteLine("== Forecasting: a GRU forecaster against the naive baselines");
            var months = Enumerable.Range(0, 144)
                .Select(t => new Obs { Value = (float)(100 + (0.8 * t) + (12 * Math.Sin(2 * Math.PI * t / 12)) + (3 * Math.Sin(1.7 * t))) })
                .ToList();
            IDataView series = ml.Data.LoadFromEnumerable(months);
            var fo = new RecurrentForecasterOptions
            {
                InputColumnName = nameof(Obs.Value), WindowSize = 24, Horizon = 6, ConfidenceLevel = 0.9f,
                ConfidenceLowerBoundColumn = "Lower", ConfidenceUpperBoundColumn = "Upper", Epochs = 10,
            };
            ForecastBacktestResult bt = ml.Forecasting.Backtest(series, fo, numberOfFolds: 2, seasonLength: 12);
            output.WriteLine($"backtest sMAPE: recurrent {bt.Model.SymmetricMeanAbsolutePercentageError:F2}%, naive {bt.Naive.SymmetricMeanAbsolutePercentageError:F2}%, seasonal naive {bt.SeasonalNaive.SymmetricMeanAbsolutePercentageError:F2}%");
            var forecaster = ml.Forecasting.ForecastByRecurrent(fo).Fit(series);
            var forecastEngine = forecaster.CreateForecastEngine<Obs, ForecastOut>(ml);
            string forecasterZip = Path.Combine(outDir, "forecaster.zip");
            forecastEngine.CheckPoint(ml, forecasterZip);
            var resumed = ml.Model.Load(forecasterZip, out _).CreateForecastEngine<Obs, ForecastOut>(ml);
            ForecastOut next = resumed.Predict();
            output.WriteLine($"next {fo.Horizon} months: " + string.Join(", ", next.Forecast.Select((v, i) => $"{v:F1} [{next.Lower[i]:F1}, {next.Upper[i]:F1}]")));
            // --- snippet end ---
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
        Console.WriteLine(output);
        StringAssert.Contains(output.ToString(), "next 6 months: ");
    }
}
