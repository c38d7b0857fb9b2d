using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Numerics;
using Rnn.Core.Optimizers;
using Rnn.Core.Training;

namespace Rnn.Core.Tests.Training;

/// <summary>Numerical faults stop training with the last good weights kept; cancellation stops it within one batch.</summary>
[TestClass]
public sealed class SequenceTrainerFaultTest
{
    private static SequenceDataset SignOfSum(int count, int seed, int nanAt = -1) => SequenceTrainerTest.SignOfSum(count, seed, nanAt);

    // The same sequences with their sum as a regression target.
    private static SequenceDataset SumOf(int count, int seed)
    {
        var classes = SignOfSum(count, seed);
        var seqs = Enumerable.Range(0, count).Select(i => classes.Values![i]).ToList();
        return SequenceDataset.FromValues(seqs, 1, seqs.Select(s => s.Sum()).ToArray(), 1);
    }

    private static SequenceModel NewModel(int seed = 1, int outputs = 2) =>
        new(new SequenceModelOptions { Cell = CellType.Lstm, InputSize = 1, HiddenSize = 8, OutputSize = outputs, Pooling = PoolingKind.Last, Seed = seed });

    // MSE with plain SGD and no clipping: a huge learning rate makes the outputs, then the gradients, overflow.
    private static TrainerOptions Regression(float learningRate) => new()
    {
        Epochs = 5, BatchSize = 16, LearningRate = learningRate, Loss = LossKind.Mse, Optimizer = OptimizerKind.Sgd, GradientClipNorm = 0f, Seed = 2,
    };

    private static float[][] Weights(SequenceModel model) => model.Parameters.Values.Select(p => p.Value.Span.ToArray()).ToArray();

    private static void AssertSameWeights(float[][] expected, SequenceModel model)
    {
        var actual = Weights(model);
        for (int i = 0; i < expected.Length; i++) CollectionAssert.AreEqual(expected[i], actual[i], model.Parameters.NameAt(i));
    }

    private static void AssertFinite(SequenceModel model)
    {
        foreach (var w in Weights(model)) Assert.IsTrue(w.All(float.IsFinite), "every weight is finite");
    }

    /// <summary>A learning rate that jumps to <paramref name="rate"/> from epoch <paramref name="from"/> (0-based) on.</summary>
    private sealed class JumpSchedule(float normal, float rate, int from) : ILearningRateSchedule
    {
        public float GetLearningRate(int step) => step >= from ? rate : normal;
    }

    [TestMethod]
    public void Fit_NaNInAnExample_ThrowsNamingEpochAndBatchAndKeepsTheStartingWeights()
    {
        var model = NewModel();
        var start = Weights(model);
        var progress = new List<TrainingProgress>();
        var ex = Assert.ThrowsExactly<TrainingDivergedException>(() => SequenceTrainer.Fit(model, SignOfSum(200, 1, nanAt: 57),
            new TrainerOptions { Epochs = 3, BatchSize = 16, LearningRate = 1e-2f, Seed = 2, Progress = progress.Add }));

        Assert.AreEqual(1, ex.Epoch);
        Assert.IsTrue(ex.Batch >= 1 && ex.Batch <= 13, $"batch {ex.Batch}");
        Assert.AreEqual(0, ex.RestoredEpoch);
        StringAssert.Contains(ex.Message, $"epoch 1, batch {ex.Batch}");
        StringAssert.Contains(ex.Message, "Lower LearningRate (now 0.01)");
        StringAssert.Contains(ex.Message, "GradientClipNorm");
        StringAssert.Contains(ex.Message, "starting weights");
        Assert.AreEqual(ex.Batch - 1, progress.Count, "no report for the failed batch or after it");
        AssertSameWeights(start, model);
        Assert.IsFalse(model.Training, "left in evaluation mode");
    }

    [TestMethod]
    public void Fit_LearningRateOf1e6_ThrowsNamingEpochAndBatchWithFiniteWeights()
    {
        var model = NewModel(outputs: 1);
        var ex = Assert.ThrowsExactly<TrainingDivergedException>(() => SequenceTrainer.Fit(model, SumOf(200, 1), Regression(1e6f)));

        StringAssert.Contains(ex.Message, $"epoch {ex.Epoch}, batch {ex.Batch}");
        StringAssert.Contains(ex.Message, "Lower LearningRate (now 1000000)");
        StringAssert.Contains(ex.Message, "set GradientClipNorm");
        AssertFinite(model);
    }

    [TestMethod]
    public void Fit_DivergesInTheThirdEpoch_RestoresTheWeightsOfTheSecond()
    {
        var model = NewModel(outputs: 1);
        float[][]? afterEpoch2 = null;
        var ex = Assert.ThrowsExactly<TrainingDivergedException>(() => SequenceTrainer.Fit(model, SumOf(200, 1), Regression(1e-3f) with
        {
            Schedule = new JumpSchedule(1e-3f, 1e6f, from: 2),
            Progress = p => { if (p.IsEpochEnd && p.Epoch == 2) afterEpoch2 = Weights(model); },
        }));

        Assert.AreEqual(3, ex.Epoch);
        Assert.AreEqual(2, ex.RestoredEpoch);
        StringAssert.Contains(ex.Message, "the weights of epoch 2");
        StringAssert.Contains(ex.Message, "Lower LearningRate (now 1000000)");
        AssertSameWeights(afterEpoch2!, model);
        AssertFinite(model);
    }

    [TestMethod]
    public void FitStreaming_NaNInAnExample_ThrowsNamingEpochAndBatchAndKeepsTheStartingWeights()
    {
        var model = NewModel();
        var start = Weights(model);
        var data = SignOfSum(100, 1, nanAt: 70);
        var ex = Assert.ThrowsExactly<TrainingDivergedException>(() => SequenceTrainer.FitStreaming(model, _ => [data],
            new TrainerOptions { Epochs = 2, BatchSize = 10, LearningRate = 1e-2f, Seed = 2 }));

        Assert.AreEqual(1, ex.Epoch);
        StringAssert.Contains(ex.Message, $"epoch 1, batch {ex.Batch}");
        AssertSameWeights(start, model);
    }

    [TestMethod]
    public void Fit_CancelledFromProgressAfterTheThirdBatch_ThrowsAndRunsNoMoreBatches()
    {
        using var cts = new CancellationTokenSource();
        var batches = new List<TrainingProgress>();
        var model = NewModel();
        var ex = Assert.ThrowsExactly<OperationCanceledException>(() => SequenceTrainer.Fit(model, SignOfSum(200, 1), new TrainerOptions
        {
            Epochs = 3, BatchSize = 16, Seed = 2, CancellationToken = cts.Token,
            Progress = p =>
            {
                batches.Add(p);
                if (p.Batch == 3) cts.Cancel();
            },
        }));

        Assert.AreEqual(cts.Token, ex.CancellationToken);
        StringAssert.Contains(ex.Message, "cancelled before batch 4 of epoch 1");
        Assert.AreEqual(3, batches.Count);
        AssertFinite(model);
    }

    [TestMethod]
    public void FitStreaming_CancelledFromProgressAfterTheThirdBatch_ThrowsAndRunsNoMoreBatches()
    {
        using var cts = new CancellationTokenSource();
        int reports = 0;
        var data = SignOfSum(200, 1);
        var ex = Assert.ThrowsExactly<OperationCanceledException>(() => SequenceTrainer.FitStreaming(NewModel(), _ => [data], new TrainerOptions
        {
            Epochs = 3, BatchSize = 16, Seed = 2, CancellationToken = cts.Token,
            Progress = p =>
            {
                reports++;
                if (p.Batch == 3) cts.Cancel();
            },
        }));

        StringAssert.Contains(ex.Message, "cancelled before batch 4 of epoch 1");
        Assert.AreEqual(3, reports);
    }

    [TestMethod]
    public void Fit_AlreadyCancelled_ThrowsBeforeTheFirstBatchAndKeepsTheStartingWeights()
    {
        var model = NewModel();
        var start = Weights(model);
        var ex = Assert.ThrowsExactly<OperationCanceledException>(() => SequenceTrainer.Fit(model, SignOfSum(50, 1),
            new TrainerOptions { Epochs = 2, CancellationToken = new CancellationToken(canceled: true) }));
        StringAssert.Contains(ex.Message, "before batch 1 of epoch 1");
        AssertSameWeights(start, model);
    }
}
