using Rnn.MLNet;
using Rnn.MLNet.Persistence;
using Rnn.Pipelines.Forecasting;

namespace Rnn.Pipelines.Tests.Forecasting;

[TestClass]
public sealed class AdaptiveCoverageTest
{
    // σ̂'s half-life is made so long that the bounds move by the coverage levels alone.
    private static RecurrentForecasterOptions Options(float rate) => new()
    {
        InputColumnName = nameof(Obs.Value), WindowSize = 12, Horizon = 3, ConfidenceLevel = 0.9f,
        ConfidenceLowerBoundColumn = "Lower", ConfidenceUpperBoundColumn = "Upper",
        HiddenSize = 8, Epochs = 2, NetworkWeight = 0f, Seed = 3, AdaptiveBoundsHalfLife = 1_000_000, AdaptiveCoverageRate = rate,
    };

    private static float[] Series() => RecurrentForecastingTest.Seasonal(300, 0.5f, 7, trend: 0f);

    [TestMethod]
    public void UpdateAlpha_HitRaisesByGammaTimesAlpha_MissLowersByGammaTimesOneMinusAlpha_Clamped()
    {
        var bounds = new AdaptiveBounds(30, [1f], [1f], 0.05f, [[0.5f, 1f, 2f]]);
        Assert.AreEqual(0.1f + (0.05f * 0.1f), bounds.UpdateAlpha(0.1f, miss: false, level: 0.9f), 1e-7f);
        Assert.AreEqual(0.1f - (0.05f * 0.9f), bounds.UpdateAlpha(0.1f, miss: true, level: 0.9f), 1e-7f);
        Assert.AreEqual(AdaptiveBounds.MinimumAlpha, bounds.UpdateAlpha(AdaptiveBounds.MinimumAlpha, miss: true, level: 0.9f));
        Assert.AreEqual(AdaptiveBounds.MaximumAlpha, bounds.UpdateAlpha(AdaptiveBounds.MaximumAlpha, miss: false, level: 0.9f));
        // Levels past the scores' range take the largest (α ≤ 1/(K+1)) or the smallest score.
        Assert.AreEqual((-2f, 2f), bounds.Scores(0, -0.5f));
        Assert.AreEqual((-0.5f, 0.5f), bounds.Scores(0, 1.5f));
        Assert.AreEqual((-1f, 1f), bounds.Scores(0, 0.5f)); // rank ⌈4 · 0.5⌉ = 2
    }

    [TestMethod]
    public void ManyCalibrationOrigins_KeepAtMost2048ScoresPerStep_EndsIncluded_QuantileWithinOneGap()
    {
        var rng = new Random(4);
        float[][] residuals = [[.. Enumerable.Range(0, 5000).Select(_ => (float)(rng.NextDouble() - 0.5))], [.. Enumerable.Range(0, 5000).Select(_ => (float)rng.NextDouble())]];
        var (thinned, _) = RecurrentForecastingEstimator.ScaledBounds(residuals, 30, 0.9f, symmetric: true, coverageRate: 0.05f);
        var (fewer, _) = RecurrentForecastingEstimator.ScaledBounds([.. residuals.Select(r => r[..500])], 30, 0.9f, symmetric: true, coverageRate: 0.05f);
        Assert.HasCount(500, fewer.SortedScores![0], "kept whole below the cap");
        for (int h = 0; h < 2; h++)
        {
            float[] kept = thinned.SortedScores![h];
            Assert.HasCount(RecurrentForecastingEstimator.MaxCoverageScores, kept);
            Assert.IsTrue(kept.Zip(kept.Skip(1)).All(p => p.First <= p.Second), "sorted");
            float exact = thinned.UpperScores[h], nominal = thinned.Scores(h, 1f - 0.9f).Upper;
            double gap = (kept[^1] - kept[0]) / (double)kept.Length;
            Assert.IsLessThan(4 * gap, Math.Abs(nominal - exact), $"step {h + 1}: {nominal} against the exact {exact}");
        }
    }

    [TestMethod]
    public void Thin_KeepsEvenlySpacedOrderStatistics_WithBothEnds()
    {
        float[] sorted = [.. Enumerable.Range(0, 5000).Select(i => (float)i)];
        float[] kept = RecurrentForecastingEstimator.Thin(sorted, 2048);
        Assert.HasCount(2048, kept);
        Assert.AreEqual(0f, kept[0]);
        Assert.AreEqual(4999f, kept[^1]);
        Assert.AreEqual(MathF.Round(1024 * 4999f / 2047), kept[1024]);
        Assert.AreSame(sorted, RecurrentForecastingEstimator.Thin(sorted, 5000));
    }

    [TestMethod]
    public void AtTheConfidenceLevel_BoundsEqualTheFixedLevelsBitForBit()
    {
        var ml = new MLContext(seed: 1);
        float[] values = Series();
        IDataView train = RecurrentForecastingTest.View(ml, values[..240]);
        var adapting = ml.Forecasting.ForecastByRecurrent(Options(0.05f)).Fit(train);
        var fixedLevel = ml.Forecasting.ForecastByRecurrent(Options(0f)).Fit(train);
        Assert.IsTrue(adapting.Model.Adaptive!.AdaptsCoverage);
        Assert.IsFalse(fixedLevel.Model.Adaptive!.AdaptsCoverage);
        for (int h = 0; h < 3; h++)
            Assert.AreEqual((adapting.Model.Adaptive.LowerScores[h], adapting.Model.Adaptive.UpperScores[h]), adapting.Model.Adaptive.Scores(h, 1f - 0.9f));
        var a = adapting.CreateForecastEngine<Obs, ForecastOut>(ml).Predict();
        var b = fixedLevel.CreateForecastEngine<Obs, ForecastOut>(ml).Predict();
        CollectionAssert.AreEqual(b.Lower, a.Lower);
        CollectionAssert.AreEqual(b.Upper, a.Upper);
    }

    [TestMethod]
    public void MissesWidenTheStepsBounds_RunsOfHitsNarrowThem_AgainstFixedLevels()
    {
        var ml = new MLContext(seed: 1);
        float[] values = Series();
        IDataView train = RecurrentForecastingTest.View(ml, values[..240]);
        var adapting = ml.Forecasting.ForecastByRecurrent(Options(0.05f)).Fit(train).CreateForecastEngine<Obs, ForecastOut>(ml);
        var fixedLevel = ml.Forecasting.ForecastByRecurrent(Options(0f)).Fit(train).CreateForecastEngine<Obs, ForecastOut>(ml);

        // Three truths far outside their one-step intervals: step 1's level drops by 3 · 0.045.
        ForecastOut a = adapting.Predict(), b = fixedLevel.Predict();
        for (int i = 0; i < 3; i++)
        {
            float outlier = a.Upper[0] + (10 * (a.Upper[0] - a.Lower[0]));
            (a, b) = (adapting.Predict(new Obs { Value = outlier }), fixedLevel.Predict(new Obs { Value = outlier }));
        }
        CollectionAssert.AreEqual(b.Forecast, a.Forecast, "the forecasts do not depend on the levels");
        Assert.IsGreaterThan(b.Upper[0] - b.Lower[0], a.Upper[0] - a.Lower[0], "step 1 after three misses");

        // Truths equal to the one-step forecast: once the outliers have left the window every step hits, and every level rises past the nominal one.
        for (int i = 0; i < 200; i++)
        {
            float hit = a.Forecast[0];
            (a, b) = (adapting.Predict(new Obs { Value = hit }), fixedLevel.Predict(new Obs { Value = hit }));
        }
        for (int h = 0; h < 3; h++)
            Assert.IsLessThan(b.Upper[h] - b.Lower[h], a.Upper[h] - a.Lower[h], $"step {h + 1} after a run of hits");
    }

    [TestMethod]
    public void LevelsAndPendingIntervals_SurviveCheckPoint_AndTransformFromTheSavedStateAgrees()
    {
        var ml = new MLContext(seed: 1);
        float[] values = Series();
        var engine = ml.Forecasting.ForecastByRecurrent(Options(0.2f)).Fit(RecurrentForecastingTest.View(ml, values[..240])).CreateForecastEngine<Obs, ForecastOut>(ml);
        // Some steps forecast and some only fed, so the saved slots hold intervals of several ages.
        for (int t = 240; t < 270; t++)
        {
            if (t % 4 != 1) engine.Predict();
            engine.Predict(new Obs { Value = values[t] + (t % 5 == 0 ? 3f : 0f) });
        }
        using var stream = new MemoryStream();
        engine.CheckPoint(ml, stream);
        stream.Position = 0;
        ITransformer loaded = new MLContext().Model.Load(stream, out _);
        var resumed = loaded.CreateForecastEngine<Obs, ForecastOut>(ml);
        var rows = ml.Data.CreateEnumerable<ForecastOut>(loaded.Transform(RecurrentForecastingTest.View(ml, values[270..])), reuseRowObject: false, ignoreMissingColumns: true).ToList();
        var widths = new HashSet<float>();
        for (int t = 270; t < 300; t++)
        {
            var x = engine.Predict(new Obs { Value = values[t] });
            var y = resumed.Predict(new Obs { Value = values[t] });
            CollectionAssert.AreEqual(x.Lower, y.Lower, $"step {t}");
            CollectionAssert.AreEqual(x.Upper, y.Upper, $"step {t}");
            CollectionAssert.AreEqual(x.Lower, rows[t - 270].Lower, $"step {t} (transform)");
            CollectionAssert.AreEqual(x.Upper, rows[t - 270].Upper, $"step {t} (transform)");
            widths.Add(x.Upper[2] - x.Lower[2]);
        }
        Assert.IsGreaterThan(1, widths.Count, "the step-3 bounds move");
    }

    [TestMethod]
    public void Version3Payload_LoadsWithFixedLevels_AndDamagedCoverageIsRejectedNamingIt()
    {
        var ml = new MLContext(seed: 1);
        var fitted = ml.Forecasting.ForecastByRecurrent(Options(0.05f)).Fit(RecurrentForecastingTest.View(ml, Series()[..240]));
        string payload = ForecastSettings.Write(fitted.Model, fitted.State, fitted.Observations, fitted.Bounds);
        Assert.IsTrue(ForecastSettings.Read(payload).Model.Adaptive!.AdaptsCoverage);

        var tensors = fitted.Model.Networks[0].Parameters.Select(p => KeyValuePair.Create(p.Key, p.Value.Value)).ToList();
        ForecastSettings Settings(ForecastAdaptiveSettings adaptive, CoverageState? coverage) => new(fitted.Model.Spec, fitted.Model.Scaler,
            fitted.Model.LowerOffsets, fitted.Model.UpperOffsets, new ForecastNetworkSettings(RecurrentCellType.Gru, 8, 1, 3), fitted.State, fitted.Observations,
            new ForecastHighwaySettings(fitted.Model.Highway!.WindowSize, fitted.Model.Highway.Outputs, fitted.Model.Highway.Coefficients), 0f, 1,
            adaptive, fitted.Bounds.Scale, fitted.Bounds.Pending, coverage);
        AdaptiveBounds b = fitted.Model.Adaptive!;
        var version3 = ForecastSettings.Read(ModelPayload.Write(ForecastSettings.Kind, 3, Settings(new ForecastAdaptiveSettings(b.HalfLife, b.LowerScores, b.UpperScores), null), tensors));
        Assert.IsFalse(version3.Model.Adaptive!.AdaptsCoverage);
        Assert.IsNull(version3.Bounds.Coverage);

        float[][] unsorted = [.. b.SortedScores!.Select(s => s.Reverse().ToArray())];
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ForecastSettings.Read(ModelPayload.Write(ForecastSettings.Kind, 4,
            Settings(new ForecastAdaptiveSettings(b.HalfLife, b.LowerScores, b.UpperScores, 0.05f, unsorted), fitted.Bounds.Coverage), tensors)));
        StringAssert.Contains(e.Message, "adaptive coverage scores");
        var shortAlpha = fitted.Bounds.Coverage! with { Alpha = [0.1f] };
        e = Assert.ThrowsExactly<InvalidDataException>(() => ForecastSettings.Read(ModelPayload.Write(ForecastSettings.Kind, 4,
            Settings(new ForecastAdaptiveSettings(b.HalfLife, b.LowerScores, b.UpperScores, 0.05f, b.SortedScores), shortAlpha), tensors)));
        StringAssert.Contains(e.Message, "adaptive coverage state");
    }
}
