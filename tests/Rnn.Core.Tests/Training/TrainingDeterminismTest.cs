using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Numerics;
using Rnn.Core.Training;
using Rnn.Tests.Shared;

namespace Rnn.Core.Tests.Training;

/// <summary>
/// The same seed gives the same weights, bit for bit, on one thread and on two: every product, column sum, loss and
/// optimiser update that the threads share is split so that each value is still summed in one fixed order. The models are
/// just large enough for each split to happen (row-range scans, per-step products, the parallel Adam update of a large
/// embedding, the row-split cross-entropy).
/// </summary>
[TestClass]
public sealed class TrainingDeterminismTest
{
    private static void AssertSameOnOneAndTwoThreads(Func<SequenceModel> train, string label, Action<SequenceModel>? checkTwoThreads = null) =>
        OneAndTwoThreads.AssertSameWeights(train, m => m.Parameters, label, checkTwoThreads);

    // 64 token sequences of 12..20 tokens over 1100 words: batches of 32 give 2·512·G·H flops per scan (row ranges on
    // two threads) and a 70k-value embedding (Adam splits it).
    private static SequenceDataset Sentences()
    {
        var rng = new Rng(3);
        var seqs = new List<int[]>();
        var labels = new int[64];
        for (int i = 0; i < labels.Length; i++)
        {
            var s = new int[12 + rng.NextInt(9)];
            for (int t = 0; t < s.Length; t++) s[t] = 1 + rng.NextInt(1099);
            labels[i] = s[0] % 3;
            seqs.Add(s);
        }
        return SequenceDataset.FromTokens(seqs, labels);
    }

    [TestMethod]
    [DataRow(CellType.Rnn, false), DataRow(CellType.Lstm, false), DataRow(CellType.Gru, false)]
    [DataRow(CellType.Rnn, true), DataRow(CellType.Lstm, true), DataRow(CellType.Gru, true)]
    public void SequenceTrainerFit_OneAndTwoThreads_BitIdenticalWeights(CellType cell, bool bidirectional)
    {
        var data = Sentences();
        AssertSameOnOneAndTwoThreads(() =>
        {
            var model = new SequenceModel(new SequenceModelOptions
            {
                Cell = cell, VocabularySize = 1100, EmbeddingSize = 64, HiddenSize = 48, NumLayers = 2, Bidirectional = bidirectional,
                Dropout = 0.2f, EmbeddingDropout = 0.2f, TokenDropout = 0.1f, PaddingIndex = 0, Pooling = PoolingKind.Mean, OutputSize = 3, Seed = 4,
            });
            SequenceTrainer.Fit(model, data, new TrainerOptions { Epochs = 1, BatchSize = 32, LearningRate = 1e-2f, Seed = 5, ValidationFraction = 0 });
            return model;
        }, $"{cell}{(bidirectional ? " bidirectional" : "")}",
            // the last scan (backward of the last batch) ran as two row ranges, one per thread
            two => Assert.AreEqual(2, two.Rnn.RunnerAt(0, 0).LastRowRanges, "the scan was split over two threads"));
    }

    [TestMethod]
    [DataRow(CellType.Rnn), DataRow(CellType.Lstm), DataRow(CellType.Gru)]
    public void LanguageModelFit_OneAndTwoThreads_BitIdenticalWeights(CellType cell)
    {
        // 16 streams × chunks of 24 over 300 tokens: 384 rows × 300 classes split the cross-entropy by rows.
        var rng = new Rng(8);
        var tokens = new int[16 * 24 * 2 + 1];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = rng.NextInt(300);
        AssertSameOnOneAndTwoThreads(() =>
        {
            var model = new SequenceModel(new SequenceModelOptions
            {
                Cell = cell, VocabularySize = 300, EmbeddingSize = 16, HiddenSize = 64, NumLayers = 2, Dropout = 0.1f, Pooling = null, OutputSize = 300, Seed = 6,
            });
            LanguageModelTrainer.Fit(model, tokens, new LanguageModelOptions { SequenceLength = 24, BatchSize = 16, Epochs = 1, ValidationFraction = 0 });
            return model;
        }, cell.ToString());
    }
}
