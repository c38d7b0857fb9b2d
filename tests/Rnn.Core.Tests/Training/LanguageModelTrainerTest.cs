using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Numerics;
using Rnn.Core.Training;

namespace Rnn.Core.Tests.Training;

[TestClass]
public sealed class LanguageModelTrainerTest
{
    private const int Vocabulary = 4;

    // One random period of `period` tokens repeated: the next token is certain once the phase is known,
    // and a few tokens of context identify the phase.
    private static int[] Periodic(int period, int repeats, int seed, out int[] cycle)
    {
        var rng = new Rng(seed);
        cycle = new int[period];
        for (int i = 0; i < period; i++) cycle[i] = rng.NextInt(Vocabulary);
        var tokens = new int[period * repeats];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = cycle[i % period];
        return tokens;
    }

    private static SequenceModel LanguageModel(CellType cell = CellType.Lstm, int hidden = 32, int seed = 1) => new(new SequenceModelOptions
    {
        Cell = cell, VocabularySize = Vocabulary, EmbeddingSize = 8, HiddenSize = hidden, Pooling = null, OutputSize = Vocabulary, Seed = seed,
    });

    [TestMethod]
    public void Fit_PeriodicSequence_CarriedStateBeatsModelWithoutCarriedState()
    {
        const int steps = 6;
        var tokens = Periodic(period: 23, repeats: 160, seed: 5, out var cycle);
        var options = new LanguageModelOptions { SequenceLength = steps, BatchSize = 4, Epochs = 12, LearningRate = 1e-2f, ValidationFraction = 0f };

        var carried = LanguageModelTrainer.Fit(LanguageModel(), tokens, options);
        var reset = LanguageModelTrainer.Fit(LanguageModel(), tokens, options with { CarryState = false });

        // Without a carried state the first step of every chunk is predicted from nothing: at best the marginal
        // distribution of the cycle, so the mean loss cannot fall below H(marginal) / T.
        double entropy = 0;
        for (int v = 0; v < Vocabulary; v++)
        {
            double p = cycle.Count(t => t == v) / (double)cycle.Length;
            if (p > 0) entropy -= p * Math.Log(p);
        }
        double floor = entropy / steps;
        Assert.IsTrue(reset.TrainingLoss > 0.9 * floor, $"reset-state loss {reset.TrainingLoss:F4} vs floor {floor:F4}");
        Assert.IsTrue(carried.TrainingLoss < 0.5 * floor, $"carried-state loss {carried.TrainingLoss:F4} should fall below half the floor {floor:F4} (reset: {reset.TrainingLoss:F4})");
    }

    [TestMethod]
    public void Fit_WithValidationPart_ReportsNatsPerTokenEveryEpoch()
    {
        var tokens = Periodic(period: 7, repeats: 100, seed: 2, out _);
        var reports = new List<LanguageModelProgress>();
        var result = LanguageModelTrainer.Fit(LanguageModel(CellType.Gru, hidden: 16), tokens,
            new LanguageModelOptions { SequenceLength = 10, BatchSize = 4, Epochs = 3, LearningRate = 1e-2f, Progress = reports.Add });

        Assert.HasCount(3, result.Epochs);
        Assert.IsTrue(result.Epochs.All(e => e.ValidationLoss is > 0 && e.Complete));
        Assert.IsTrue(result.Epochs[^1].TrainingLoss < Math.Log(Vocabulary), $"loss {result.Epochs[^1].TrainingLoss} below uniform");
        var ends = reports.Where(r => r.IsEpochEnd).ToList();
        Assert.HasCount(3, ends);
        Assert.AreEqual(result.ValidationLoss, ends[^1].ValidationLoss);
        Assert.IsTrue(reports.Count > 3 && reports.All(r => r.TokensPerSecond > 0));
        Assert.IsFalse(result.StoppedByBudget);
    }

    [TestMethod]
    public void Fit_RestoreBestWeights_ModelHoldsTheBestValidationEpoch()
    {
        // A small model on a short noisy text overfits quickly: the validation loss turns up while training goes on.
        var rng = new Rng(9);
        var tokens = new int[600];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = rng.NextInt(Vocabulary);
        var options = new LanguageModelOptions { SequenceLength = 10, BatchSize = 4, Epochs = 25, LearningRate = 2e-2f, ValidationFraction = 0.2f };
        var model = LanguageModel(hidden: 64);
        var result = LanguageModelTrainer.Fit(model, tokens, options);

        var losses = result.Epochs.Select(e => e.ValidationLoss!.Value).ToList();
        Assert.AreEqual(losses.IndexOf(losses.Min()) + 1, result.BestEpoch);
        Assert.IsTrue(result.BestEpoch < result.Epochs.Count, $"validation losses {string.Join(", ", losses.Select(l => l.ToString("F3")))} should turn up");
        double held = LanguageModelTrainer.Evaluate(model, tokens.AsSpan(480), batchSize: 4, sequenceLength: 10);
        Assert.AreEqual(result.ValidationLoss!.Value, held, 1e-5, "the model holds the best epoch's weights");

        var last = LanguageModelTrainer.Fit(LanguageModel(hidden: 64), tokens, options with { RestoreBestWeights = false });
        Assert.AreEqual(last.Epochs.Count, last.BestEpoch);
    }

    [TestMethod]
    public void Fit_TimeBudget_StopsBeforeTheEpochs()
    {
        var tokens = Periodic(period: 11, repeats: 2000, seed: 3, out _);
        var result = LanguageModelTrainer.Fit(LanguageModel(), tokens,
            new LanguageModelOptions { SequenceLength = 20, BatchSize = 8, Epochs = 1000, TimeBudget = TimeSpan.FromMilliseconds(300) });
        Assert.IsTrue(result.StoppedByBudget);
        Assert.IsTrue(result.Epochs.Count < 1000);
        Assert.IsFalse(result.Epochs[^1].Complete && result.Epochs.Count == 1000);
        Assert.IsNotNull(result.ValidationLoss);
    }

    [TestMethod]
    public void Fit_SteadyStateStep_AllocatesNothingThatGrowsWithTheBatch()
    {
        var tokens = Periodic(period: 13, repeats: 5000, seed: 4, out _);
        var allocated = new List<long>(1000);
        LanguageModelTrainer.Fit(LanguageModel(), tokens, new LanguageModelOptions
        {
            SequenceLength = 32, BatchSize = 16, Epochs = 1, ValidationFraction = 0f,
            Progress = p => { if (!p.IsEpochEnd) allocated.Add(GC.GetAllocatedBytesForCurrentThread()); },
        });
        // Chunks 10..100 are full-length and past every buffer's growth. The trainer's own loop allocates nothing; the
        // engine's forward, loss and backward still allocate a fixed 0.7–1.2 KB per step (shape-check arrays and messages;
        // the amount depends on the JIT tier), whatever B, T, V and H. A buffer per step would cost at least the logits,
        // 16·32·4 floats = 8 KB, so the median step must stay under a quarter of that.
        Assert.IsTrue(allocated.Count > 100);
        var perStep = Enumerable.Range(10, 90).Select(i => allocated[i + 1] - allocated[i]).Order().ToList();
        Assert.IsTrue(perStep[perStep.Count / 2] < 2048, $"median {perStep[perStep.Count / 2]} bytes allocated per training step");
    }

    [TestMethod]
    public void Fit_EmptyOrTooShortCorpus_Throws()
    {
        var options = new LanguageModelOptions();
        Assert.ThrowsExactly<ArgumentException>(() => LanguageModelTrainer.Fit(LanguageModel(), ReadOnlySpan<int>.Empty, options));
        Assert.ThrowsExactly<ArgumentException>(() => LanguageModelTrainer.Fit(LanguageModel(), new[] { 1 }, options));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => LanguageModelTrainer.Fit(LanguageModel(), new[] { 1, 7 }, options));
    }

    [TestMethod]
    public void Fit_ManyToOneModel_Throws()
    {
        var pooled = new SequenceModel(new SequenceModelOptions { VocabularySize = Vocabulary, OutputSize = Vocabulary, Pooling = PoolingKind.Last });
        var e = Assert.ThrowsExactly<ArgumentException>(() => LanguageModelTrainer.Fit(pooled, new[] { 1, 2, 3 }, new LanguageModelOptions()));
        StringAssert.Contains(e.Message, "every step");
    }

    [TestMethod]
    public void Evaluate_ShorterTextThanBatch_UsesFewerStreams()
    {
        double loss = LanguageModelTrainer.Evaluate(LanguageModel(), new[] { 0, 1, 2 }, batchSize: 32, sequenceLength: 100);
        Assert.IsTrue(double.IsFinite(loss) && loss > 0);
    }
}
