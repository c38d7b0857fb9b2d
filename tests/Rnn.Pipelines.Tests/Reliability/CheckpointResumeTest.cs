using System.Diagnostics;
using Rnn.Core.Numerics;
using Rnn.Core.Serialization;
using Rnn.MLNet;
using Rnn.Pipelines.Tests.Forecasting;
using Rnn.Pipelines.Tests.Text;
using Rnn.Pipelines.Tests.TestKit;
using Rnn.Tests.Shared;

namespace Rnn.Pipelines.Tests.Reliability;

/// <summary>
/// Stop and resume through the ML.NET components: a fit killed in another process and resumed from its checkpoint ends
/// bit-identical to one never stopped; the forecaster and the character model resume the same way; saves are atomic.
/// </summary>
[TestClass]
public sealed class CheckpointResumeTest
{
    private static void AssertSameWeights(IReadOnlyDictionary<string, float[]> expected, IReadOnlyDictionary<string, float[]> actual, string label)
    {
        CollectionAssert.AreEqual(expected.Keys.ToArray(), actual.Keys.ToArray(), $"{label}: parameter names");
        foreach (var (name, values) in expected) CollectionAssert.AreEqual(values, actual[name], $"{label}: {name}");
    }

    private static Dictionary<string, float[]> Weights(Rnn.Core.ParameterCollection parameters) =>
        parameters.ToDictionary(p => p.Key, p => p.Value.Value.Span.ToArray());

    [TestMethod]
    public void RecurrentFit_KilledInChildProcessAfterACheckpoint_ResumedRunBitIdenticalToUninterrupted()
    {
        using var dir = LoadHost.TempDirectory();
        string checkpoint = dir.File("fit.ckpt");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in new[] { LoadHost.DllPath(), "checkpoint", checkpoint, "-", "-" }) start.ArgumentList.Add(arg);
        using (var child = Process.Start(start)!)
        {
            // Wait for the second checkpoint (10 of 75 batches at 20 ms each), then kill: whatever it was doing, maybe saving.
            var clock = Stopwatch.StartNew();
            DateTime first = default;
            while (clock.Elapsed < TimeSpan.FromSeconds(60) && !child.HasExited)
            {
                if (File.Exists(checkpoint))
                {
                    if (first == default) first = File.GetLastWriteTimeUtc(checkpoint);
                    else if (File.GetLastWriteTimeUtc(checkpoint) != first) break;
                }
                Thread.Sleep(5);
            }
            Assert.IsFalse(child.HasExited, $"the child ended before it was killed:\n{child.StandardOutput.ReadToEnd()}\n{child.StandardError.ReadToEnd()}");
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }
        Assert.IsFalse(File.Exists(checkpoint + ".done"), "killed mid-run");

        int trained = 0;
        var resumed = CheckpointRun.Fit(checkpoint, resume: checkpoint, progress: p => trained += p.IsEpochEnd ? 0 : 1);
        var uninterrupted = CheckpointRun.Fit(null, null);
        AssertSameWeights(uninterrupted, resumed, "resumed after a kill");
        Assert.IsTrue(trained is > 0 and < 3 * CheckpointRun.BatchesPerEpoch, $"the resumed fit trained {trained} batches, the rest of the run only");
    }

    [TestMethod]
    public void ForecastByRecurrent_CrashedInFinalTrainingAndResumed_BitIdenticalToUninterrupted()
    {
        var ml = new MLContext(seed: 1);
        IDataView series = RecurrentForecastingTest.View(ml, RecurrentForecastingTest.Seasonal(100, 0.1f, 21));
        using var dir = LoadHost.TempDirectory();
        RecurrentForecasterOptions Options(Action<Rnn.Core.Training.TrainingProgress>? progress = null) => new()
        {
            InputColumnName = nameof(Obs.Value), WindowSize = 12, Horizon = 3, HiddenSize = 8, Epochs = 3, LearningRate = 0.01f, Seed = 5,
            CheckpointPath = dir.File("forecast.ckpt"), CheckpointEveryBatches = 2, Progress = progress, NetworkWeight = 1f,
        };
        // Progress reports every training run (the calibration network's, then the refit's), each from epoch 1 batch 1.
        static void Count(List<int> runs, Rnn.Core.Training.TrainingProgress p)
        {
            if (p.IsEpochEnd) return;
            if (runs.Count == 0 || (p.Epoch == 1 && p.Batch == 1)) runs.Add(0);
            runs[^1]++;
        }
        var full = new List<int>();
        var expected = ml.Forecasting.ForecastByRecurrent(Options(p => Count(full, p))).Fit(series).Model.Networks[0];
        Assert.HasCount(2, full, "a calibration run and a refit");

        var crashed = new List<int>();
        Assert.ThrowsExactly<InvalidOperationException>(() => ml.Forecasting.ForecastByRecurrent(Options(p =>
        {
            Count(crashed, p);
            if (crashed.Count == 2 && crashed[1] == 5) throw new InvalidOperationException("crash");
        })).Fit(series));
        Assert.IsTrue(File.Exists(dir.File("forecast.ckpt.calibration")) && File.Exists(dir.File("forecast.ckpt")), "both trainings checkpointed");

        var resumedRuns = new List<int>();
        var options = Options(p => Count(resumedRuns, p));
        options.ResumeFrom = options.CheckpointPath;
        var resumed = ml.Forecasting.ForecastByRecurrent(options).Fit(series).Model.Networks[0];
        Assert.AreEqual(full[1] - 4, resumedRuns.Sum(), "the calibration run was complete; the refit resumed after its 4th batch");
        AssertSameWeights(Weights(expected.Parameters), Weights(resumed.Parameters), "forecaster");
    }

    [TestMethod]
    public void CharRecurrent_CrashedAndResumed_BitIdenticalToUninterrupted()
    {
        var ml = new MLContext(seed: 1);
        IDataView corpus = ml.Data.LoadFromEnumerable([new CharRecurrentTrainerTest.TextRow { Text = string.Concat(Enumerable.Repeat("the cat sat on the mat. ", 40)) }]);
        using var dir = LoadHost.TempDirectory();
        CharRecurrentTrainerOptions Options(Action<CharRecurrentProgress>? progress = null) => new()
        {
            Cell = RecurrentCellType.Gru, EmbeddingSize = 8, HiddenSize = 16, NumberOfLayers = 2, Dropout = 0.1f, SequenceLength = 20, BatchSize = 4,
            Epochs = 2, Seed = 2, CheckpointPath = dir.File("char.ckpt"), CheckpointEveryBatches = 3, Progress = progress,
        };
        int total = 0;
        var expected = CharRecurrentModel.FromTransformer(ml.TextGeneration.Trainers.CharRecurrent("Text", Options(p => total += p.Training.IsEpochEnd ? 0 : 1)).Fit(corpus));

        int chunks = 0;
        Assert.ThrowsExactly<InvalidOperationException>(() => ml.TextGeneration.Trainers.CharRecurrent("Text", Options(p =>
        {
            if (!p.Training.IsEpochEnd && ++chunks == 7) throw new InvalidOperationException("crash");
        })).Fit(corpus));

        int trained = 0;
        var options = Options(p => trained += p.Training.IsEpochEnd ? 0 : 1);
        options.ResumeFrom = options.CheckpointPath;
        var resumed = CharRecurrentModel.FromTransformer(ml.TextGeneration.Trainers.CharRecurrent("Text", options).Fit(corpus));
        Assert.IsTrue(trained > 0 && trained <= total - 6, $"resumed after the checkpoint of chunk 6: {trained} of {total} chunks trained");
        AssertSameWeights(Weights(expected.Parameters), Weights(resumed.Parameters), "char model");
    }

    [TestMethod]
    public void ForecastEngineCheckPointAndSaveSafeTensors_FailHalfWay_PreviousFileIntact()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Forecasting.ForecastByRecurrent(new RecurrentForecasterOptions
        {
            InputColumnName = nameof(Obs.Value), WindowSize = 12, Horizon = 3, HiddenSize = 8, Epochs = 1, Seed = 5,
            ConfidenceLevel = 0.9f, ConfidenceLowerBoundColumn = "Lower", ConfidenceUpperBoundColumn = "Upper",
        }).Fit(RecurrentForecastingTest.View(ml, RecurrentForecastingTest.Seasonal(100, 0.1f, 21)));
        var engine = model.CreateForecastEngine<Obs, ForecastOut>(ml);
        var network = model.Model.Networks[0];
        using var dir = LoadHost.TempDirectory();
        string zip = dir.File("engine.zip"), weights = dir.File("net.safetensors");
        engine.CheckPoint(ml, zip);
        SafeTensors.SaveParameters(network.Parameters, weights);
        byte[] zipBefore = File.ReadAllBytes(zip), weightsBefore = File.ReadAllBytes(weights);

        engine.Predict(new Obs { Value = 3f });   // the state moves on: a new checkpoint would differ
        AtomicFile.FaultForTesting = s => new FailingWriteStream(s, failAfter: 600);
        try
        {
            Assert.ThrowsExactly<IOException>(() => engine.CheckPoint(ml, zip));
            Assert.ThrowsExactly<IOException>(() => SafeTensors.SaveParameters(network.Parameters, weights));
        }
        finally
        {
            AtomicFile.FaultForTesting = null;
        }
        CollectionAssert.AreEqual(zipBefore, File.ReadAllBytes(zip), "the old engine checkpoint is untouched");
        CollectionAssert.AreEqual(weightsBefore, File.ReadAllBytes(weights), "the old weights are untouched");
        Assert.AreEqual(2, Directory.GetFiles(dir.Path).Length, "no temporary file is left");
        engine.CheckPoint(ml, zip);   // and without the fault it saves
        Assert.IsNotNull(ml.Model.Load(zip, out _));
    }
}
