using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Training;
using Rnn.TorchSharp.Tests.TestSupport;

namespace Rnn.TorchSharp.Tests.Training;

/// <summary>SequenceTrainer's loop on the libtorch backend: the same run as on the managed engine, weights back in the managed model.</summary>
[TestClass]
public sealed class TorchTrainingBackendTest
{
    [TestMethod]
    public void Fit_Sgd_MatchesManagedRun()
    {
        var rng = Oracle.Rng(501);
        var data = Dataset(rng, 40);
        var options = new SequenceModelOptions { Cell = CellType.Gru, VocabularySize = 12, EmbeddingSize = 5, HiddenSize = 6, OutputSize = 3, Pooling = PoolingKind.Max, Bidirectional = true, Seed = 3 };
        var trainer = new TrainerOptions { Epochs = 3, BatchSize = 8, LearningRate = 0.05f, Optimizer = OptimizerKind.Sgd, ValidationFraction = 0.25f, Seed = 9, GradientClipNorm = 1f };
        var managed = new SequenceModel(options);
        var onTorch = new SequenceModel(options);
        var managedResult = SequenceTrainer.Fit(managed, data, trainer);
        var torchResult = SequenceTrainer.Fit(onTorch, data, trainer with { Backend = new TorchTrainingBackend("cpu") });

        Assert.AreEqual(managedResult.Epochs.Count, torchResult.Epochs.Count);
        for (int e = 0; e < managedResult.Epochs.Count; e++)
        {
            Assert.AreEqual(managedResult.Epochs[e].TrainingLoss, torchResult.Epochs[e].TrainingLoss, 1e-4, $"training loss of epoch {e + 1}");
            Assert.AreEqual(managedResult.Epochs[e].ValidationLoss!.Value, torchResult.Epochs[e].ValidationLoss!.Value, 1e-4, $"validation loss of epoch {e + 1}");
        }
        foreach (var (name, p) in managed.Parameters)
            Oracle.Close(p.Value.Span.ToArray(), onTorch.Parameters[name].Value.Span, name);
        Assert.IsFalse(onTorch.Training, "the trained model is left in evaluation mode");
    }

    [TestMethod]
    public void Fit_LstmFullLengthBatches_ValidationLossMatchesManaged()
    {
        // Full-length batches reach libtorch's unpacked LSTM; evaluated without autograd it gives other outputs (see
        // TorchLanguageModelSession.Loss), so the session's Predict must not use no_grad.
        var rng = Oracle.Rng(503);
        var tokens = Enumerable.Range(0, 32).Select(_ => Enumerable.Range(0, 6).Select(_ => 1 + rng.NextInt(11)).ToArray()).ToList();
        var data = SequenceDataset.FromTokens(tokens, tokens.Select(t => t.Max() % 3).ToArray());
        var options = new SequenceModelOptions { Cell = CellType.Lstm, VocabularySize = 12, EmbeddingSize = 5, HiddenSize = 6, OutputSize = 3, Seed = 4 };
        var trainer = new TrainerOptions { Epochs = 2, BatchSize = 8, LearningRate = 0.05f, Optimizer = OptimizerKind.Sgd, ValidationFraction = 0.25f, Seed = 9 };
        var managed = SequenceTrainer.Fit(new SequenceModel(options), data, trainer);
        var onTorch = SequenceTrainer.Fit(new SequenceModel(options), data, trainer with { Backend = new TorchTrainingBackend("cpu") });
        for (int e = 0; e < managed.Epochs.Count; e++)
            Assert.AreEqual(managed.Epochs[e].ValidationLoss!.Value, onTorch.Epochs[e].ValidationLoss!.Value, 1e-4, $"validation loss of epoch {e + 1}");
    }

    [TestMethod]
    public void Fit_AdamRegressionWithDropout_LowersTheLoss()
    {
        var rng = Oracle.Rng(502);
        var sequences = Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, 2 * (2 + rng.NextInt(6))).Select(_ => rng.Uniform(-1f, 1f)).ToArray()).ToArray();
        var targets = sequences.Select(s => s.Where((_, k) => k % 2 == 0).Sum()).ToArray();
        var data = SequenceDataset.FromValues(sequences, 2, targets, 1);
        var model = new SequenceModel(new SequenceModelOptions { Cell = CellType.Lstm, InputSize = 2, HiddenSize = 16, NumLayers = 2, Dropout = 0.1f, Seed = 1 });
        var result = SequenceTrainer.Fit(model, data, new TrainerOptions
        {
            Epochs = 15, BatchSize = 16, LearningRate = 1e-2f, Loss = LossKind.Mse, Backend = new TorchTrainingBackend(),
        });
        Assert.IsLessThan(result.Epochs[0].TrainingLoss * 0.5, result.Epochs[^1].TrainingLoss);
    }

    [TestMethod]
    public void Constructor_UnknownDevice_ThrowsNamingIt()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new TorchTrainingBackend("tpu"));
        StringAssert.Contains(e.Message, "'tpu'");
    }

    [TestMethod]
    public void Constructor_CudaWithoutCudaBuild_ThrowsNamingThePackage()
    {
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => new TorchTrainingBackend("cuda:0"));
        StringAssert.Contains(e.Message, "TorchSharp-cuda-linux");
    }

    private static SequenceDataset Dataset(Rnn.Core.Numerics.Rng rng, int count)
    {
        var tokens = new List<int[]>();
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            tokens.Add(Enumerable.Range(0, 1 + rng.NextInt(7)).Select(_ => 1 + rng.NextInt(11)).ToArray());
            labels[i] = tokens[i].Max() % 3;
        }
        return SequenceDataset.FromTokens(tokens, labels);
    }
}
