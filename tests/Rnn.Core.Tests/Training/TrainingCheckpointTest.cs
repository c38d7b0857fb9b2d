using System.Reflection;
using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Numerics;
using Rnn.Core.Optimizers;
using Rnn.Core.Serialization;
using Rnn.Core.Training;
using Rnn.Tests.Shared;

namespace Rnn.Core.Tests.Training;

/// <summary>
/// Checkpoints: a run stopped anywhere and resumed from its last checkpoint ends with the weights of a run never stopped,
/// bit for bit; a checkpoint of another run is refused with every difference named; saves are atomic.
/// </summary>
[TestClass]
public sealed class TrainingCheckpointTest
{
    public TestContext TestContext { get; set; } = null!;

    private string _dir = null!;

    [TestInitialize]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("rnnml-ckpt-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private const int Vocabulary = 12;

    // Token sequences of 3..10 tokens; class 1 when token 1 appears more often than token 2.
    private static SequenceDataset Tokens(int count, int seed)
    {
        var rng = new Rng(seed);
        var seqs = new List<int[]>();
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            var s = new int[3 + rng.NextInt(8)];
            for (int t = 0; t < s.Length; t++) s[t] = 1 + rng.NextInt(Vocabulary - 1);
            labels[i] = s.Count(v => v == 1) > s.Count(v => v == 2) ? 1 : 0;
            seqs.Add(s);
        }
        return SequenceDataset.FromTokens(seqs, labels);
    }

    // Every random stream a classifier has: word dropout, embedding dropout, dropout between two bidirectional layers and before the head.
    private static SequenceModel Classifier(int hidden = 8) => new(new SequenceModelOptions
    {
        Cell = CellType.Lstm, VocabularySize = Vocabulary, EmbeddingSize = 6, HiddenSize = hidden, NumLayers = 2, Bidirectional = true,
        Dropout = 0.3f, EmbeddingDropout = 0.2f, TokenDropout = 0.1f, PaddingIndex = 0, Pooling = PoolingKind.Mean, OutputSize = 2, Seed = 5,
    });

    // 64 training examples in batches of 8 (8 per epoch), 16 held out; early stopping, a step schedule, AdamW's moments.
    private static TrainerOptions Options(string? checkpoint = null, string? resume = null, Action<TrainingProgress>? progress = null,
        CancellationToken token = default) => new()
    {
        Epochs = 4, BatchSize = 8, LearningRate = 1e-2f, Optimizer = OptimizerKind.AdamW, WeightDecay = 0.01f, ValidationFraction = 0.2f,
        EarlyStoppingPatience = 3, Schedule = new StepLr(1e-2f, stepSize: 2, gamma: 0.5f), Seed = 9,
        CheckpointPath = checkpoint, CheckpointEveryBatches = 3, ResumeFrom = resume, CancellationToken = token, Progress = progress,
    };

    private static float[][] Weights(SequenceModel model) => model.Parameters.Values.Select(p => p.Value.Span.ToArray()).ToArray();

    private static void AssertBitIdentical(float[][] expected, SequenceModel model, string label)
    {
        var actual = Weights(model);
        for (int i = 0; i < expected.Length; i++) CollectionAssert.AreEqual(expected[i], actual[i], $"{label}: {model.Parameters.NameAt(i)}");
    }

    [TestMethod]
    [DataRow(4)]   // mid-epoch (checkpoint after batch 3)
    [DataRow(9)]   // just after an epoch's end (the checkpoint of its last batch: validation and early stopping still to do)
    [DataRow(23)]  // third epoch, after two best-weight updates and a schedule step
    public void Fit_StoppedAfterBatchAndResumed_EndsBitIdenticalToUninterruptedRun(int stopAfter)
    {
        var data = Tokens(80, 1);
        var uninterrupted = Classifier();
        int total = 0;
        var expected = SequenceTrainer.Fit(uninterrupted, data, Options(progress: p => total += p.IsEpochEnd ? 0 : 1));

        string path = PathOf("run.ckpt");
        using var cancel = new CancellationTokenSource();
        int done = 0;
        var first = Classifier();
        Assert.ThrowsExactly<OperationCanceledException>(() => SequenceTrainer.Fit(first, data, Options(path, token: cancel.Token, progress: p =>
        {
            if (!p.IsEpochEnd && ++done == stopAfter) cancel.Cancel();
        })));

        var resumed = Classifier();   // fresh weights: the checkpoint's replace them
        int trained = 0;
        var result = SequenceTrainer.Fit(resumed, data, Options(path, resume: path, progress: p => trained += p.IsEpochEnd ? 0 : 1));
        // The last checkpoint before the stop: every 3rd batch and every epoch's last (8 batches per epoch).
        int saved = Enumerable.Range(1, stopAfter).Last(b => b % 3 == 0 || b % 8 == 0);
        Assert.AreEqual(total - saved, trained, "the resumed run trains only the batches after the checkpoint");

        AssertBitIdentical(Weights(uninterrupted), resumed, $"stopped after batch {stopAfter}");
        CollectionAssert.AreEqual(expected.Epochs.Select(e => e.TrainingLoss).ToArray(), result.Epochs.Select(e => e.TrainingLoss).ToArray(), "training losses");
        CollectionAssert.AreEqual(expected.Epochs.Select(e => e.ValidationLoss).ToArray(), result.Epochs.Select(e => e.ValidationLoss).ToArray(), "validation losses");
        Assert.AreEqual(expected.BestEpoch, result.BestEpoch);
    }

    [TestMethod]
    public void Fit_ResumeFromCheckpointOfAnotherRun_ThrowsNamingEveryDifference()
    {
        var data = Tokens(80, 1);
        string path = PathOf("run.ckpt");
        SequenceTrainer.Fit(Classifier(), data, Options(path) with { Epochs = 1 });

        var e = Assert.ThrowsExactly<InvalidDataException>(() =>
            SequenceTrainer.Fit(Classifier(hidden: 10), Tokens(80, 2), Options(resume: path) with { Epochs = 1, BatchSize = 16 }));
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, "BatchSize is 8 in the checkpoint, 16 now");
        StringAssert.Contains(e.Message, "model.HiddenSize is 8 in the checkpoint, 10 now");
        StringAssert.Contains(e.Message, "parameter.rnn.weight_hh_l0 is (32, 8) in the checkpoint, (40, 10) now; and 15 more parameters differ");
        StringAssert.Contains(e.Message, "data.train is 64 examples, sha256 ");

        Assert.ThrowsExactly<FileNotFoundException>(() => SequenceTrainer.Fit(Classifier(), data, Options(resume: PathOf("missing.ckpt"))));
        SafeTensors.Save(PathOf("weights.safetensors"), [KeyValuePair.Create("x", new Tensor(2))]);
        var notCheckpoint = Assert.ThrowsExactly<InvalidDataException>(() => SequenceTrainer.Fit(Classifier(), data, Options(resume: PathOf("weights.safetensors"))));
        StringAssert.Contains(notCheckpoint.Message, "metadata 'format' is missing");
    }

    [TestMethod]
    public void Fit_CheckpointSaveFailsHalfWay_PreviousCheckpointIntactAndNoTemporaryLeft()
    {
        var data = Tokens(80, 1);
        string path = PathOf("run.ckpt");
        SequenceTrainer.Fit(Classifier(), data, Options(path) with { Epochs = 1 });
        byte[] before = File.ReadAllBytes(path);

        AtomicFile.FaultForTesting = s => new FailingWriteStream(s, failAfter: before.Length / 2);
        try
        {
            Assert.ThrowsExactly<IOException>(() => SequenceTrainer.Fit(Classifier(), data, Options(path) with { Epochs = 1 }));
        }
        finally
        {
            AtomicFile.FaultForTesting = null;
        }
        CollectionAssert.AreEqual(before, File.ReadAllBytes(path), "the old checkpoint is untouched");
        CollectionAssert.AreEqual(new[] { "run.ckpt" }, Directory.GetFiles(_dir).Select(Path.GetFileName).ToArray(), "no temporary file is left");
        SequenceTrainer.Fit(Classifier(), data, Options(resume: path) with { Epochs = 1 });   // and it still resumes
    }

    [TestMethod]
    public void SaveSafeTensorsAndOptimizerState_FailHalfWay_PreviousFileIntact()
    {
        var model = Classifier();
        string weights = PathOf("model.safetensors"), state = PathOf("adam.safetensors");
        SafeTensors.SaveParameters(model.Parameters, weights);
        var adam = new Adam(model.Parameters.Values);
        foreach (var p in model.Parameters.Values) p.Grad.Span.Fill(0.5f);
        adam.Step();
        adam.SaveState(state);
        byte[] weightsBefore = File.ReadAllBytes(weights), stateBefore = File.ReadAllBytes(state);

        foreach (var p in model.Parameters.Values) p.Value.Span.Fill(7f);
        adam.Step();
        AtomicFile.FaultForTesting = s => new FailingWriteStream(s, failAfter: 1000);
        try
        {
            Assert.ThrowsExactly<IOException>(() => SafeTensors.SaveParameters(model.Parameters, weights));
            Assert.ThrowsExactly<IOException>(() => adam.SaveState(state));
        }
        finally
        {
            AtomicFile.FaultForTesting = null;
        }
        CollectionAssert.AreEqual(weightsBefore, File.ReadAllBytes(weights), "weights file untouched");
        CollectionAssert.AreEqual(stateBefore, File.ReadAllBytes(state), "optimiser state untouched");
        Assert.AreEqual(2, Directory.GetFiles(_dir).Length, "no temporary file is left");
    }

    // ---------------------------------------------------------------- language model

    private static int[] Corpus(int length, int seed)
    {
        var rng = new Rng(seed);
        var tokens = new int[length];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = i % 5 == 0 ? rng.NextInt(Vocabulary) : (tokens[Math.Max(0, i - 1)] + 1) % Vocabulary;
        return tokens;
    }

    private static SequenceModel LanguageModel(CellType cell) => new(new SequenceModelOptions
    {
        Cell = cell, VocabularySize = Vocabulary, EmbeddingSize = 6, HiddenSize = 12, NumLayers = 2, Dropout = 0.2f, EmbeddingDropout = 0.1f,
        Pooling = null, OutputSize = Vocabulary, Seed = 3,
    });

    [TestMethod]
    [DataRow(CellType.Lstm, 5)]
    [DataRow(CellType.Gru, 12)]
    public void LanguageModelFit_StoppedAndResumed_EndsBitIdenticalToUninterruptedRun(CellType cell, int stopAfter)
    {
        var tokens = Corpus(900, 4);
        // 4 streams of ~202 steps in chunks of 25: 9 chunks per epoch; the state is carried across chunks.
        var options = new LanguageModelOptions { SequenceLength = 25, BatchSize = 4, Epochs = 3, LearningRate = 1e-2f, ValidationFraction = 0.1f, CheckpointEveryBatches = 2 };
        var uninterrupted = LanguageModel(cell);
        int total = 0;
        var expected = LanguageModelTrainer.Fit(uninterrupted, tokens, options with { Progress = p => total += p.IsEpochEnd ? 0 : 1 });

        string path = PathOf("lm.ckpt");
        using var cancel = new CancellationTokenSource();
        int done = 0;
        var stopped = LanguageModelTrainer.Fit(LanguageModel(cell), tokens, options with
        {
            CheckpointPath = path, Progress = p => { if (!p.IsEpochEnd && ++done == stopAfter) cancel.Cancel(); },
        }, cancel.Token);
        Assert.IsTrue(stopped.StoppedByBudget, "the token stopped the first run");

        var resumed = LanguageModel(cell);
        int trained = 0;
        var result = LanguageModelTrainer.Fit(resumed, tokens, options with
        {
            CheckpointPath = path, ResumeFrom = path, Progress = p => trained += p.IsEpochEnd ? 0 : 1,
        });
        // The token is seen after the next chunk; the last checkpoint is at or before it (every 2nd chunk, every 9th = epoch end).
        int saved = Enumerable.Range(1, stopAfter + 1).Last(b => b % 2 == 0 || b % 9 == 0);
        Assert.AreEqual(total - saved, trained, "the resumed run trains only the chunks after the checkpoint");
        AssertBitIdentical(Weights(uninterrupted), resumed, $"{cell} stopped after chunk {stopAfter}");
        CollectionAssert.AreEqual(expected.Epochs.Select(e => e.TrainingLoss).ToArray(), result.Epochs.Select(e => e.TrainingLoss).ToArray(), "training losses");
        Assert.AreEqual(expected.BestEpoch, result.BestEpoch);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => LanguageModelTrainer.Fit(LanguageModel(cell), tokens, options with { SequenceLength = 20, ResumeFrom = path }));
        StringAssert.Contains(e.Message, "SequenceLength is 25 in the checkpoint, 20 now");
    }

    [TestMethod]
    public void LanguageModelFit_WithAFrozenEmbedding_SavesBestWeightsByParameterAndResumesBitIdentically()
    {
        // The best-epoch weights are saved and restored per parameter: a frozen parameter must not shift the others.
        var tokens = Corpus(900, 4);
        var options = new LanguageModelOptions { SequenceLength = 25, BatchSize = 4, Epochs = 3, LearningRate = 1e-2f, ValidationFraction = 0.1f, CheckpointEveryBatches = 2 };
        SequenceModel Frozen()
        {
            var model = LanguageModel(CellType.Lstm);
            model.Parameters["embedding.weight"].RequiresGrad = false;
            return model;
        }
        var uninterrupted = Frozen();
        LanguageModelTrainer.Fit(uninterrupted, tokens, options);

        string path = PathOf("frozen.ckpt");
        using var cancel = new CancellationTokenSource();
        int done = 0;
        LanguageModelTrainer.Fit(Frozen(), tokens, options with
        {
            CheckpointPath = path, Progress = p => { if (!p.IsEpochEnd && ++done == 12) cancel.Cancel(); },
        }, cancel.Token);
        var resumed = Frozen();
        LanguageModelTrainer.Fit(resumed, tokens, options with { CheckpointPath = path, ResumeFrom = path });
        AssertBitIdentical(Weights(uninterrupted), resumed, "frozen embedding, stopped after chunk 12");
    }

    // ---------------------------------------------------------------- every generator is saved

    [TestMethod]
    public void RandomStreams_ListEveryGeneratorTheModelHolds()
    {
        // Walk the model's object graph through its modules' fields: every Rng found must be one the checkpoint saves, so a
        // generator added to a layer later cannot be silently left out of checkpoints.
        var model = Classifier();
        var reachable = new HashSet<Rng>(ReferenceEqualityComparer.Instance);
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        void Walk(object? node)
        {
            if (node is null || !seen.Add(node)) return;
            if (node is Rng rng) { reachable.Add(rng); return; }
            if (node is System.Collections.IEnumerable items and not string and not Array { Rank: > 0 } and not ParameterCollection)
                foreach (var item in items) if (item is Module or Rng) Walk(item);
            if (node is not Module) return;
            for (var type = node.GetType(); type is not null; type = type.BaseType)
                foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
                    if (typeof(Module).IsAssignableFrom(field.FieldType) || field.FieldType == typeof(Rng) || field.FieldType.IsArray && typeof(Module).IsAssignableFrom(field.FieldType.GetElementType()))
                        Walk(field.GetValue(node));
        }
        Walk(model);
        var saved = model.RandomStreams().Select(s => s.Value).ToHashSet(ReferenceEqualityComparer.Instance);
        Assert.IsTrue(reachable.Count >= 4, $"word, embedding, between-layer and head dropout generators at least; found {reachable.Count}");
        Assert.IsTrue(reachable.SetEquals(saved.Cast<Rng>()), $"{reachable.Count} generators reachable, {saved.Count} saved");
    }
}
