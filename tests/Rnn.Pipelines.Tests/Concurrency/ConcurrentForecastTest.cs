using Rnn.MLNet;
using Rnn.Pipelines.Forecasting;
using Rnn.Pipelines.Tests.Forecasting;
using Rnn.Pipelines.Tests.TestKit;
using Rnn.Tests.Shared;

namespace Rnn.Pipelines.Tests.Concurrency;

/// <summary>
/// One loaded forecaster serves many threads: forecast engines (each with its own state) and Transform cursors on separate
/// threads give, bit for bit, what one engine or one cursor gives alone. docs/reliability.md, "Concurrency".
/// </summary>
[TestClass]
public sealed class ConcurrentForecastTest
{
    private static readonly Lazy<(byte[] Zip, float[] Future)> Saved = new(() =>
    {
        var ml = new MLContext(seed: 1);
        float[] series = RecurrentForecastingTest.Seasonal(180, 0.2f, seed: 1);
        var model = ml.Forecasting.ForecastByRecurrent(new RecurrentForecasterOptions
        {
            InputColumnName = nameof(Obs.Value), WindowSize = 12, Horizon = 3, ConfidenceLevel = 0.9f,
            ConfidenceLowerBoundColumn = "Lower", ConfidenceUpperBoundColumn = "Upper",
            HiddenSize = 12, Epochs = 3, BatchSize = 32, LearningRate = 0.01f, Seed = 7,
        }).Fit(RecurrentForecastingTest.View(ml, series[..120]));
        using var stream = new MemoryStream();
        ml.Model.Save(model, RecurrentForecastingTest.View(ml, series).Schema, stream);
        return (stream.ToArray(), series[120..]);
    });

    private static ITransformer Load()
    {
        using var stream = new MemoryStream(Saved.Value.Zip, writable: false);
        return new MLContext().Model.Load(stream, out _);
    }

    [TestMethod]
    public void ForecastEngines_EightThreadsOnOneLoadedModel_SameAsOneEngineAlone()
    {
        float[] future = Saved.Value.Future;
        var ml = new MLContext();
        List<float[]> expected = Feed(Load().CreateForecastEngine<Obs, ForecastOut>(ml), future, rounds: 1);

        ITransformer loaded = Load();
        var engines = new TimeSeriesPredictionEngine<Obs, ForecastOut>[8];
        var results = new List<float[]>[8];
        // An engine's state belongs to one series and thread.
        Together.Run(8, prepare: thread => engines[thread] = loaded.CreateForecastEngine<Obs, ForecastOut>(ml),
            body: thread => results[thread] = Feed(engines[thread], future, rounds: 1));
        foreach (var forecasts in results) AssertBits(expected, forecasts, "engine");
    }

    [TestMethod]
    public void Transform_OneCursorPerThreadOnEightThreads_SameAsOneCursor()
    {
        var ml = new MLContext();
        IDataView scored = Load().Transform(RecurrentForecastingTest.View(ml, Saved.Value.Future));
        List<float[]> expected = Views.Vectors(scored, "Forecast");

        var results = new List<float[]>[8];
        Together.Run(8, thread => results[thread] = Views.Vectors(scored, "Forecast"));
        foreach (var forecasts in results) AssertBits(expected, forecasts, "cursor");
    }

    [TestMethod]
    public void Transform_CursorSetOverCachedRows_EveryRowOnceWithItsSequentialForecast()
    {
        var ml = new MLContext();
        IDataView scored = Load().Transform(ml.Data.Cache(RecurrentForecastingTest.View(ml, Saved.Value.Future)));
        List<float[]> expected = Views.Vectors(scored, "Forecast");

        var column = scored.Schema["Forecast"];
        DataViewRowCursor[] cursors = scored.GetRowCursorSet([column], 4);
        var byRow = new System.Collections.Concurrent.ConcurrentDictionary<long, float[]>();
        Parallel.ForEach(cursors, new ParallelOptions { MaxDegreeOfParallelism = cursors.Length }, cursor =>
        {
            using (cursor)
            {
                var getter = cursor.GetGetter<VBuffer<float>>(column);
                var id = cursor.GetIdGetter();
                VBuffer<float> value = default;
                DataViewRowId rowId = default;
                while (cursor.MoveNext())
                {
                    getter(ref value);
                    id(ref rowId);
                    Assert.IsTrue(byRow.TryAdd((long)rowId.Low, value.DenseValues().ToArray()), $"row {rowId.Low} was served twice");
                }
            }
        });
        AssertBits(expected, [.. Enumerable.Range(0, byRow.Count).Select(i => byRow.TryGetValue(i, out var f) ? f : [])], $"{cursors.Length} cursors");
    }

    private static List<float[]> Feed(TimeSeriesPredictionEngine<Obs, ForecastOut> engine, float[] observations, int rounds)
    {
        var forecasts = new List<float[]>();
        for (int r = 0; r < rounds; r++)
            foreach (float v in observations) forecasts.Add(engine.Predict(new Obs { Value = v }).Forecast);
        return forecasts;
    }

    private static void AssertBits(List<float[]> expected, List<float[]> actual, string what)
    {
        Assert.HasCount(expected.Count, actual, what);
        for (int i = 0; i < expected.Count; i++)
            CollectionAssert.AreEqual(expected[i].Select(BitConverter.SingleToInt32Bits).ToArray(), actual[i].Select(BitConverter.SingleToInt32Bits).ToArray(), $"{what}, step {i}");
    }
}
