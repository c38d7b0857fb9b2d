using System.Globalization;
using Rnn.MLNet;
using Rnn.Pipelines.Tests.TestKit;

namespace Rnn.Pipelines.Tests.Forecasting;

/// <summary>Save → load in a fresh process (tests/Rnn.LoadHost, plain ml.Model.Load, no registration call).</summary>
[TestClass]
public sealed class ForecastProcessTest
{
    private static RecurrentForecasterOptions Small() => new()
    {
        InputColumnName = nameof(Obs.Value), WindowSize = 12, Horizon = 3, ConfidenceLevel = 0.9f,
        ConfidenceLowerBoundColumn = "Lower", ConfidenceUpperBoundColumn = "Upper",
        HiddenSize = 8, Epochs = 3, LearningRate = 0.01f, Seed = 5,
    };

    [TestMethod]
    public void SavedForecaster_TransformInFreshProcess_IdenticalColumns()
    {
        var ml = new MLContext(seed: 1);
        float[] values = RecurrentForecastingTest.Seasonal(120, 0.1f, 21);
        var model = ml.Forecasting.ForecastByRecurrent(Small()).Fit(RecurrentForecastingTest.View(ml, values[..100]));
        IDataView next = RecurrentForecastingTest.View(ml, values[100..]);
        using var dir = LoadHost.TempDirectory();
        ml.Model.Save(model, next.Schema, dir.File("model.zip"));
        using (var stream = File.Create(dir.File("in.idv"))) ml.Data.SaveAsBinary(next, stream);

        LoadHost.Run("transform", dir.File("model.zip"), dir.File("in.idv"), dir.File("out.idv"));

        IDataView expected = model.Transform(next);
        IDataView actual = ml.Data.LoadFromBinary(dir.File("out.idv"));
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 3), actual.Schema["Forecast"].Type);
        foreach (string column in new[] { "Forecast", "Lower", "Upper" })
        {
            var a = Views.Vectors(expected, column);
            var b = Views.Vectors(actual, column);
            Assert.HasCount(20, b);
            for (int i = 0; i < a.Count; i++) CollectionAssert.AreEqual(a[i], b[i], $"{column}, row {i}");
        }
        CollectionAssert.AreEqual(Views.Scalars(next, "Value"), Views.Scalars(actual, "Value"));
    }

    [TestMethod]
    public void CheckPoint_ForecastInFreshProcess_IdenticalNextForecast() => AssertFreshProcessForecast(Small());

    [TestMethod]
    public void CheckPoint_DirectHighwayEnsembleAndWeight_ForecastInFreshProcess_IdenticalNextForecast()
    {
        // Every version-2 field in play: a direct highway, two networks and a network weight strictly inside (0, 1).
        var options = Small();
        options.Highway = AutoregressiveHighway.Direct;
        options.EnsembleSize = 2;
        options.NetworkWeight = 0.5f;
        AssertFreshProcessForecast(options);
    }

    private static void AssertFreshProcessForecast(RecurrentForecasterOptions options)
    {
        var ml = new MLContext(seed: 1);
        float[] values = RecurrentForecastingTest.Seasonal(125, 0.1f, 22);
        var model = ml.Forecasting.ForecastByRecurrent(options).Fit(RecurrentForecastingTest.View(ml, values[..100]));
        var engine = model.CreateForecastEngine<Obs, ForecastOut>(ml);
        for (int t = 100; t < 115; t++) engine.Predict(new Obs { Value = values[t] });
        using var dir = LoadHost.TempDirectory();
        engine.CheckPoint(ml, dir.File("checkpoint.zip"));
        File.WriteAllLines(dir.File("obs.txt"), values[115..].Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

        LoadHost.Run("forecast", dir.File("checkpoint.zip"), dir.File("obs.txt"), dir.File("forecast.txt"));

        ForecastOut f = default!;
        for (int t = 115; t < 125; t++) f = engine.Predict(new Obs { Value = values[t] });
        string R(float[] v) => string.Join(" ", v.Select(x => x.ToString("R", CultureInfo.InvariantCulture)));
        CollectionAssert.AreEqual(
            new[] { "Forecast " + R(f.Forecast), "Lower " + R(f.Lower), "Upper " + R(f.Upper) },
            File.ReadAllLines(dir.File("forecast.txt")));
    }

    [TestMethod]
    public void CheckPoint_OverwritesAtomically_AndLoadsWithPlainModelLoad()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Forecasting.ForecastByRecurrent(Small()).Fit(RecurrentForecastingTest.View(ml, RecurrentForecastingTest.Seasonal(100, 0.1f, 23)));
        var engine = model.CreateForecastEngine<Obs, ForecastOut>(ml);
        using var dir = LoadHost.TempDirectory();
        string path = dir.File("forecaster.zip");
        engine.CheckPoint(ml, path);
        engine.Predict(new Obs { Value = 11f });
        engine.CheckPoint(ml, path);
        Assert.HasCount(1, Directory.GetFiles(dir.Path), "no temporary file is left behind");
        var resumed = new MLContext().Model.Load(path, out _).CreateForecastEngine<Obs, ForecastOut>(ml);
        Assert.AreEqual(101, resumed.Observations);
        CollectionAssert.AreEqual(engine.Predict().Forecast, resumed.Predict().Forecast);
    }

    [TestMethod]
    public void LoadedForecaster_PredictionEngine_KeepsStateAcrossPredictCalls()
    {
        var ml = new MLContext(seed: 1);
        float[] values = RecurrentForecastingTest.Seasonal(110, 0.1f, 24);
        var model = ml.Forecasting.ForecastByRecurrent(Small()).Fit(RecurrentForecastingTest.View(ml, values[..100]));
        using var stream = new MemoryStream();
        ml.Model.Save(model, null, stream);
        stream.Position = 0;
        ITransformer loaded = new MLContext().Model.Load(stream, out _);
        var expected = Views.Vectors(model.Transform(RecurrentForecastingTest.View(ml, values[100..])), "Forecast");
        using var engine = ml.Model.CreatePredictionEngine<Obs, ForecastOut>(loaded, ignoreMissingColumns: true);
        for (int i = 0; i < 10; i++)
            CollectionAssert.AreEqual(expected[i], engine.Predict(new Obs { Value = values[100 + i] }).Forecast, $"row {i}");
    }

    [TestMethod]
    public void LoadedForecaster_DamagedPayload_ClearError()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Rnn.Pipelines.Forecasting.ForecastSettings.Read("bm90IGEgcGF5bG9hZA=="));
        StringAssert.Contains(e.Message, "RnnMl model payload");
    }
}
