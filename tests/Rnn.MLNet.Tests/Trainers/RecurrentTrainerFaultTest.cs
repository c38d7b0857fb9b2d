using System.Reflection;
using Rnn.Core.Training;

namespace Rnn.MLNet.Tests.Trainers;

/// <summary>Through the ML.NET catalog: bad float steps name the row, a diverging fit names epoch and batch, cancellation stops Fit within one batch.</summary>
[TestClass]
public sealed class RecurrentTrainerFaultTest
{
    public sealed class Steps
    {
        [VectorType]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    private static Steps[] Rows(int count)
    {
        var rng = new Random(3);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var f = Enumerable.Range(0, 2 + rng.Next(6)).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            return new Steps { Features = f, Label = f.Sum() };
        }).ToArray();
    }

    private static RecurrentTrainerOptions Options() => new() { Cell = RecurrentCellType.Gru, HiddenSize = 8, Epochs = 3, BatchSize = 16, Seed = 1 };

    [TestMethod]
    [DataRow(float.NaN)]
    [DataRow(float.PositiveInfinity)]
    public void Fit_NonFiniteFloatStep_ThrowsNamingTheRow(float bad)
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(40);
        rows[23].Features[1] = bad;
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ml.Regression.Trainers.Recurrent(Options()).Fit(ml.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(ex.Message, "Row 23");
        StringAssert.Contains(ex.Message, "'Features'");
        StringAssert.Contains(ex.Message, "non-finite");
    }

    [TestMethod]
    public void Fit_LearningRateOf1e6_ThrowsTrainingDivergedNamingEpochBatchAndTheFix()
    {
        var ml = new MLContext(seed: 1);
        var options = Options();
        options.LearningRate = 1e6f;
        options.Optimizer = RecurrentOptimizer.Sgd;
        options.GradientClipNorm = 0f;
        var ex = Assert.ThrowsExactly<TrainingDivergedException>(() => ml.Regression.Trainers.Recurrent(options).Fit(ml.Data.LoadFromEnumerable(Rows(200))));
        StringAssert.Contains(ex.Message, $"epoch {ex.Epoch}, batch {ex.Batch}");
        StringAssert.Contains(ex.Message, "Lower LearningRate (now 1000000)");
        StringAssert.Contains(ex.Message, "set GradientClipNorm");
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void Fit_CancellationTokenCancelledAfterTheThirdBatch_ThrowsAndRunsNoMoreBatches(bool cacheData)
    {
        var ml = new MLContext(seed: 1);
        using var cts = new CancellationTokenSource();
        var reports = new List<TrainingProgress>();
        var options = Options();
        options.CacheData = cacheData;
        options.CancellationToken = cts.Token;
        options.Progress = p =>
        {
            reports.Add(p);
            if (p.Batch == 3) cts.Cancel();
        };
        var ex = Assert.ThrowsExactly<OperationCanceledException>(() => ml.Regression.Trainers.Recurrent(options).Fit(ml.Data.LoadFromEnumerable(Rows(200))));
        StringAssert.Contains(ex.Message, "cancelled before batch 4 of epoch 1");
        Assert.AreEqual(cts.Token, ex.CancellationToken, "the caller's token");
        Assert.AreEqual(3, reports.Count);
    }

    [TestMethod]
    public void Fit_ContextCancelExecutionAfterTheThirdBatch_ThrowsAndRunsNoMoreBatches()
    {
        var ml = new MLContext(seed: 1);
        var reports = new List<TrainingProgress>();
        var options = Options();
        options.Progress = p =>
        {
            reports.Add(p);
            if (p.Batch == 3) CancelExecution(ml);
        };
        var ex = Assert.ThrowsExactly<OperationCanceledException>(() => ml.Regression.Trainers.Recurrent(options).Fit(ml.Data.LoadFromEnumerable(Rows(200))));
        StringAssert.Contains(ex.Message, "cancelled before batch 4 of epoch 1");
        StringAssert.Contains(ex.Message, "CancelExecution");
        Assert.AreEqual(3, reports.Count);
    }

    [TestMethod]
    public void Fit_ContextCancelledBeforeFit_ThrowsBeforeTheFirstBatch()
    {
        var ml = new MLContext(seed: 1);
        int reports = 0;
        var options = Options();
        options.Progress = _ => reports++;
        var trainer = ml.Regression.Trainers.Recurrent(options);
        CancelExecution(ml);
        var ex = Assert.ThrowsExactly<OperationCanceledException>(() => trainer.Fit(ml.Data.LoadFromEnumerable(Rows(50))));
        StringAssert.Contains(ex.Message, "before batch 1 of epoch 1");
        Assert.AreEqual(0, reports);
    }

    // MLContext.CancelExecution is internal in Microsoft.ML 6.0.0 (ML.NET's own components and AutoML call it); tests reach it by reflection.
    private static void CancelExecution(MLContext ml) =>
        typeof(MLContext).GetMethod("CancelExecution", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)!.Invoke(ml, null);
}
