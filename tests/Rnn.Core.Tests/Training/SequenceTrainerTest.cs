using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Numerics;
using Rnn.Core.Training;

namespace Rnn.Core.Tests.Training;

[TestClass]
public sealed class SequenceTrainerTest
{
    // Variable-length float sequences labelled by the sign of their sum: needs the whole sequence. Example nanAt (if any)
    // gets a NaN step after its label is set.
    internal static SequenceDataset SignOfSum(int count, int seed, int nanAt = -1)
    {
        var rng = new Rng(seed);
        var seqs = new List<float[]>();
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            var s = new float[2 + rng.NextInt(9)];
            rng.FillNormal(s);
            labels[i] = s.Sum() > 0 ? 1 : 0;
            if (i == nanAt) s[1] = float.NaN;
            seqs.Add(s);
        }
        return SequenceDataset.FromValues(seqs, 1, labels);
    }

    private static SequenceModel NewModel(CellType cell = CellType.Gru, int seed = 1) =>
        new(new SequenceModelOptions { Cell = cell, InputSize = 1, HiddenSize = 16, OutputSize = 2, Pooling = PoolingKind.Last, Seed = seed });

    [TestMethod]
    public void Fit_SignOfSum_ReachesHighHeldOutAccuracy()
    {
        var model = NewModel();
        var result = SequenceTrainer.Fit(model, SignOfSum(600, 1), new TrainerOptions { Epochs = 15, BatchSize = 32, LearningRate = 1e-2f, Seed = 3 });
        var test = SignOfSum(300, 2);
        var (_, accuracy) = SequenceTrainer.Evaluate(model, test, new TrainerOptions());
        Assert.IsTrue(accuracy > 0.9, $"held-out accuracy {accuracy:F3}");
        Assert.IsTrue(result.Epochs[^1].TrainingLoss < result.Epochs[0].TrainingLoss / 2, "training loss falls");
    }

    [TestMethod]
    public void Fit_SameSeed_BitIdenticalLossTrajectoryAndWeights()
    {
        var options = new TrainerOptions { Epochs = 3, BatchSize = 16, LearningRate = 5e-3f, Seed = 7, ValidationFraction = 0.2f };
        var data = SignOfSum(120, 4);
        var m1 = NewModel(CellType.Lstm, 2);
        var m2 = NewModel(CellType.Lstm, 2);
        var r1 = SequenceTrainer.Fit(m1, data, options);
        var r2 = SequenceTrainer.Fit(m2, data, options);
        CollectionAssert.AreEqual(r1.Epochs.Select(e => e.TrainingLoss).ToArray(), r2.Epochs.Select(e => e.TrainingLoss).ToArray());
        for (int i = 0; i < m1.Parameters.Count; i++)
            CollectionAssert.AreEqual(m1.Parameters[i].Value.Span.ToArray(), m2.Parameters[i].Value.Span.ToArray(), m1.Parameters.NameAt(i));
    }

    [TestMethod]
    public void Fit_ValidationGetsWorse_StopsEarlyAndRestoresBestEpoch()
    {
        // Random labels: the model can only memorise, so validation loss rises after the first epochs.
        var rng = new Rng(5);
        var seqs = Enumerable.Range(0, 80).Select(_ => { var s = new float[4]; rng.FillNormal(s); return s; }).ToList();
        var labels = Enumerable.Range(0, 80).Select(_ => rng.NextInt(2)).ToArray();
        var model = NewModel(CellType.Gru, 3);
        var progress = new List<TrainingProgress>();
        var result = SequenceTrainer.Fit(model, SequenceDataset.FromValues(seqs, 1, labels), new TrainerOptions
        {
            Epochs = 60, BatchSize = 8, LearningRate = 3e-2f, ValidationFraction = 0.25f, EarlyStoppingPatience = 2, Seed = 1,
            Progress = progress.Add,
        });
        Assert.IsTrue(result.StoppedEarly, "stopped before 60 epochs");
        Assert.AreEqual(result.BestEpoch + 2, result.Epochs.Count, "ran patience epochs past the best");
        double best = result.Epochs.Min(e => e.ValidationLoss!.Value);
        Assert.AreEqual(best, result.Epochs[result.BestEpoch - 1].ValidationLoss!.Value);
        Assert.IsTrue(progress.Count(p => p.IsEpochEnd) == result.Epochs.Count);
        Assert.IsTrue(progress.All(p => p.GradientNorm >= 0 && p.Elapsed >= TimeSpan.Zero));
    }

    [TestMethod]
    public void Fit_RegressionWithMse_LearnsTheMean()
    {
        var rng = new Rng(9);
        var seqs = Enumerable.Range(0, 200).Select(_ => { var s = new float[3 + rng.NextInt(5)]; rng.FillUniform(s, -1, 1); return s; }).ToList();
        var targets = seqs.Select(s => s.Average()).ToArray();
        var model = new SequenceModel(new SequenceModelOptions { Cell = CellType.Lstm, InputSize = 1, HiddenSize = 16, OutputSize = 1, Pooling = PoolingKind.Mean, Seed = 4 });
        var options = new TrainerOptions { Epochs = 30, BatchSize = 20, LearningRate = 1e-2f, Loss = LossKind.Mse };
        var before = SequenceTrainer.Evaluate(model, SequenceDataset.FromValues(seqs, 1, targets, 1), options).Loss;
        SequenceTrainer.Fit(model, SequenceDataset.FromValues(seqs, 1, targets, 1), options);
        var after = SequenceTrainer.Evaluate(model, SequenceDataset.FromValues(seqs, 1, targets, 1), options).Loss;
        Assert.IsTrue(after < before / 10 && after < 0.01, $"MSE {before:F4} -> {after:F4}");
    }

    [TestMethod]
    public void Predict_ReturnsRowsInDataOrderWhateverTheBucketing()
    {
        var model = NewModel();
        var data = SignOfSum(50, 6);
        var all = SequenceTrainer.Predict(model, data, batchSize: 7);
        var single = SequenceTrainer.Predict(model, data.Subset([13]), batchSize: 1);
        Assert.AreEqual(single[0, 0], all[13, 0], 1e-6f);
        Assert.AreEqual(single[0, 1], all[13, 1], 1e-6f);
    }

    [TestMethod]
    public void Fit_ClassOutOfRange_ThrowsNamingTheExample()
    {
        var data = SequenceDataset.FromValues([[1f], [2f]], 1, [0, 5]);
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => SequenceTrainer.Fit(NewModel(), data, new TrainerOptions()));
        StringAssert.Contains(ex.Message, "example 1 has class 5");
    }

    [TestMethod]
    public void FromValues_EmptySequence_ThrowsNamingIt()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => SequenceDataset.FromValues([[1f], []], 1, [0, 1]));
        StringAssert.Contains(ex.Message, "sequence 1");
    }
}
