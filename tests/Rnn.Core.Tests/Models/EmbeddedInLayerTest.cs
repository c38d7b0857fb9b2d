using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Numerics;

namespace Rnn.Core.Tests.Models;

/// <summary>
/// A token model in inference on a batch of at least <see cref="SequenceRunner.StepwiseInputRows"/> rows does not embed its
/// input: each row range of the recurrent layer gathers its rows from the embedding table by token id. They are the values
/// the embedding and the packing pass would have written, so the logits must be exactly the training-mode forward's
/// (StepwiseInputProjectionTest covers the layer alone on a batch-major input).
/// </summary>
[TestClass]
public sealed class EmbeddedInLayerTest
{
    // Batches around the threshold (15 packs its input, 16 and 37 gather), variable and full lengths, per-step and last-step heads.
    [TestMethod]
    [DataRow(CellType.Lstm, 15, false, 0L), DataRow(CellType.Lstm, 16, false, 0L), DataRow(CellType.Lstm, 37, false, 0L)]
    [DataRow(CellType.Lstm, 37, true, 0L), DataRow(CellType.Gru, 37, false, 0L), DataRow(CellType.Rnn, 37, true, 0L)]
    [DataRow(CellType.Lstm, 37, false, long.MaxValue), DataRow(CellType.Gru, 16, true, long.MaxValue)]
    public void EvalForward_EmbeddedInLayer_BitIdenticalToTrainingForward(CellType cell, int batch, bool fullLength, long splitFlops)
    {
        const int steps = 11, vocab = 50;
        var rng = new Rng(9);
        var sequences = new int[batch][];
        for (int b = 0; b < batch; b++)
        {
            sequences[b] = new int[fullLength ? steps : 1 + (b * 7 + 3) % steps];
            for (int t = 0; t < sequences[b].Length; t++) sequences[b][t] = rng.NextInt(vocab);
        }
        var tokens = SequenceBatch.FromTokens(sequences);
        foreach (PoolingKind? pooling in new PoolingKind?[] { PoolingKind.Last, PoolingKind.Mean, null })
        {
            WithSplit(splitFlops, () =>
            {
                var model = new SequenceModel(new SequenceModelOptions
                {
                    Cell = cell, VocabularySize = vocab, EmbeddingSize = 24, HiddenSize = 32, OutputSize = 3, Pooling = pooling,
                    NumLayers = 2, Seed = 4,
                });
                float[] trained = model.Forward(tokens).Span.ToArray();
                model.Eval();
                float[] inferred = model.Forward(tokens).Span.ToArray();
                CollectionAssert.AreEqual(trained, inferred, $"logits, pooling {pooling?.ToString() ?? "per step"}");
            });
        }
    }

    [TestMethod]
    public void EvalForward_EmbeddedInLayer_IdOutOfRange_ThrowsAsTheEmbedding()
    {
        var sequences = new int[20][];
        for (int b = 0; b < sequences.Length; b++) sequences[b] = [1, 2, 3];
        sequences[4] = [1, 50];
        var model = new SequenceModel(new SequenceModelOptions
        {
            Cell = CellType.Lstm, VocabularySize = 50, EmbeddingSize = 8, HiddenSize = 16, OutputSize = 2, Pooling = PoolingKind.Last,
        });
        string trainMessage = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Forward(SequenceBatch.FromTokens(sequences))).Message;
        model.Eval();
        string evalMessage = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Forward(SequenceBatch.FromTokens(sequences))).Message;
        Assert.AreEqual(trainMessage, evalMessage);
        StringAssert.Contains(evalMessage, "id 50 at position 13");
    }

    private static void WithSplit(long splitFlops, Action body)
    {
        long saved = SequenceRunner.RowSplitFlops;
        SequenceRunner.RowSplitFlops = splitFlops;
        try
        {
            body();
        }
        finally
        {
            SequenceRunner.RowSplitFlops = saved;
        }
    }
}
