using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Tests.TestSupport;

namespace Rnn.Core.Tests.Models;

[TestClass]
public sealed class SequenceModelTest
{
    public static IEnumerable<object?[]> Configurations()
    {
        yield return [CellType.Lstm, (PoolingKind?)PoolingKind.Last, true, false];
        yield return [CellType.Gru, (PoolingKind?)PoolingKind.Mean, true, true];
        yield return [CellType.Rnn, (PoolingKind?)PoolingKind.Max, false, false];
        yield return [CellType.Lstm, (PoolingKind?)PoolingKind.Last, false, true];
        yield return [CellType.Gru, (PoolingKind?)null, true, false];
        yield return [CellType.Lstm, (PoolingKind?)null, false, true];
        yield return [CellType.Gru, (PoolingKind?)PoolingKind.Last, true, true];
        yield return [CellType.Rnn, (PoolingKind?)PoolingKind.Last, false, false];
    }

    [TestMethod]
    [DynamicData(nameof(Configurations))]
    public void Backward_EveryParameter_MatchesFiniteDifferences(CellType cell, PoolingKind? pooling, bool tokens, bool bidirectional)
    {
        var model = new SequenceModel(new SequenceModelOptions
        {
            Cell = cell, Pooling = pooling, VocabularySize = tokens ? 7 : 0, EmbeddingSize = 3, InputSize = 2,
            HiddenSize = 4, Bidirectional = bidirectional, OutputSize = 3, Seed = 5,
        });
        var batch = tokens
            ? SequenceBatch.FromTokens([[1, 2, 3, 4], [5, 6], [0, 1, 6]])
            : SequenceBatch.FromValues([[0.5f, -1f, 0.2f, 0.3f, 1f, -0.4f], [0.1f, 0.9f], [-0.3f, 0.2f, 0.7f, -0.8f]], 2);
        var first = model.Forward(batch);
        var weights = GradCheck.RandomValues(first.Length, 11);
        if (pooling is null)
        {
            // Padded steps are not part of the loss.
            for (int b = 0; b < batch.Batch; b++)
                for (int t = batch.Lengths[b]; t < batch.Steps; t++)
                    weights.AsSpan((b * batch.Steps + t) * 3, 3).Clear();
        }
        AssertGradientsMatchFiniteDifferences(model, batch, weights);
    }

    /// <summary>Backward of loss = Σ logits ⊙ <paramref name="weights"/> against central differences, for every parameter.</summary>
    internal static void AssertGradientsMatchFiniteDifferences(SequenceModel model, SequenceBatch batch, float[] weights)
    {
        double Loss() => GradCheck.WeightedSum(model.Forward(batch).Span, weights);

        var shape = model.Forward(batch).Shape.ToArray();
        model.ZeroGrad();
        model.Backward(Tensor.From(weights, shape));
        foreach (var (name, p) in model.Parameters)
            GradCheck.Check(Loss, p.Value.Span, p.Grad.Clone().Span, name, eps: 1e-2f, rtol: 2e-2, atol: 2e-3);
    }

    [TestMethod]
    [DataRow(CellType.Lstm, false), DataRow(CellType.Gru, true), DataRow(CellType.Rnn, true)]
    public void Forward_LastPooling_HeadSeesEachDirectionsLastValidStepOfTheTopLayer(CellType cell, bool bidirectional)
    {
        // Last pooling reads the top layer's final states (h_n) instead of the per-step outputs; they must be the same values.
        var model = new SequenceModel(new SequenceModelOptions
        {
            Cell = cell, Pooling = PoolingKind.Last, InputSize = 2, HiddenSize = 4, NumLayers = 2,
            Bidirectional = bidirectional, OutputSize = 3, Seed = 6,
        });
        model.Eval();
        var batch = SequenceBatch.FromValues([[0.5f, -1f, 0.2f, 0.3f, 1f, -0.4f], [0.1f, 0.9f], [-0.3f, 0.2f, 0.7f, -0.8f]], 2);
        float[] logits = model.Forward(batch).Span.ToArray();

        int b = batch.Batch, t = batch.Steps, d = bidirectional ? 2 : 1, h = 4;
        var x = Tensor.From(batch.Values.ToArray(), [b, t, 2]);
        var outputs = model.Rnn.Forward(x, lengths: batch.Lengths.ToArray()).Output;   // [B, T, D·H]
        var headInput = new float[b * d * h];
        for (int i = 0; i < b; i++)
            for (int j = 0; j < d * h; j++)
                headInput[i * d * h + j] = outputs[i, j < h ? batch.Lengths[i] - 1 : 0, j];
        var expected = new float[b * 3];
        model.Head.Forward(headInput, b, expected);
        CollectionAssert.AreEqual(expected, logits);
    }

    [TestMethod]
    public void Parameters_NamedAsAPyTorchModuleWithEmbeddingRnnFc()
    {
        var model = new SequenceModel(new SequenceModelOptions { VocabularySize = 10, EmbeddingSize = 4, HiddenSize = 5, OutputSize = 2 });
        CollectionAssert.AreEqual(
            new[] { "embedding.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0", "fc.weight", "fc.bias" },
            model.Parameters.Keys.ToArray());
    }

    [TestMethod]
    public void Forward_PaddedBatch_EqualsEachSequenceAlone()
    {
        var model = new SequenceModel(new SequenceModelOptions { VocabularySize = 9, EmbeddingSize = 3, HiddenSize = 4, OutputSize = 2, Pooling = PoolingKind.Mean, Bidirectional = true, Seed = 2 });
        model.Eval();
        int[][] seqs = [[1, 2, 3, 4, 5], [6, 7], [8]];
        var batched = model.Forward(SequenceBatch.FromTokens(seqs)).Clone();
        for (int b = 0; b < seqs.Length; b++)
        {
            var alone = model.Forward(SequenceBatch.FromTokens([seqs[b]]));
            for (int o = 0; o < 2; o++) Assert.AreEqual(alone[0, o], batched[b, o], 1e-6f);
        }
    }

    [TestMethod]
    public void Forward_SameSeed_IdenticalOutputs()
    {
        var options = new SequenceModelOptions { Cell = CellType.Gru, InputSize = 2, HiddenSize = 6, OutputSize = 1, Dropout = 0.2f, Seed = 9 };
        var batch = SequenceBatch.FromValues([[1f, 2f, 3f, 4f]], 2);
        var a = new SequenceModel(options).Forward(batch).Span.ToArray();
        var b = new SequenceModel(options).Forward(batch).Span.ToArray();
        CollectionAssert.AreEqual(a, b);
    }

    [TestMethod]
    public void Constructor_DropoutSettings_DoNotChangeInitialWeights()
    {
        var plain = new SequenceModel(new SequenceModelOptions { VocabularySize = 6, EmbeddingSize = 3, HiddenSize = 4, OutputSize = 2, Seed = 4 });
        var regularised = new SequenceModel(new SequenceModelOptions
        {
            VocabularySize = 6, EmbeddingSize = 3, HiddenSize = 4, OutputSize = 2, Seed = 4, Dropout = 0.3f, EmbeddingDropout = 0.2f, TokenDropout = 0.4f,
        });
        for (int i = 0; i < plain.Parameters.Count; i++)
            CollectionAssert.AreEqual(plain.Parameters[i].Value.Span.ToArray(), regularised.Parameters[i].Value.Span.ToArray(), plain.Parameters.NameAt(i));
    }

    [TestMethod]
    public void Forward_TokenDropout_DropsWholeTokensInTrainingOnly()
    {
        var options = new SequenceModelOptions { Cell = CellType.Gru, VocabularySize = 6, EmbeddingSize = 3, HiddenSize = 4, OutputSize = 2, Seed = 4, PaddingIndex = 0 };
        var plain = new SequenceModel(options);
        var dropping = new SequenceModel(options with { TokenDropout = 0.5f });
        var batch = SequenceBatch.FromTokens([[1, 2, 3, 4, 5, 1, 2, 3]]);
        plain.Eval();
        dropping.Eval();
        CollectionAssert.AreEqual(plain.Forward(batch).Span.ToArray(), dropping.Forward(batch).Span.ToArray(), "no word dropout in evaluation");
        dropping.Train();
        var outputs = Enumerable.Range(0, 20).Select(_ => dropping.Forward(batch).Span.ToArray()).ToList();
        Assert.IsTrue(outputs.Distinct(new ArrayComparer()).Count() > 5, "training draws a new mask every forward");
        // A batch where every token but one is the padding id: dropping is equivalent to sequences of zero vectors and the kept
        // token scaled by 1/(1-p) = 2. The forward output must be one of the two possible values.
        var single = SequenceBatch.FromTokens([[0, 0, 3]]);
        var seen = Enumerable.Range(0, 30).Select(_ => dropping.Forward(single)[0, 0]).Distinct().Count();
        Assert.AreEqual(2, seen, "the only real token is either dropped or kept");
    }

    private sealed class ArrayComparer : IEqualityComparer<float[]>
    {
        public bool Equals(float[]? x, float[]? y) => x!.SequenceEqual(y!);

        public int GetHashCode(float[] obj) => obj.Length == 0 ? 0 : obj[0].GetHashCode();
    }

    [TestMethod]
    public void Forward_WrongInputKind_ThrowsNamingIt()
    {
        var model = new SequenceModel(new SequenceModelOptions { VocabularySize = 5 });
        var ex = Assert.ThrowsExactly<ArgumentException>(() => model.Forward(SequenceBatch.FromValues([[1f]], 1)));
        StringAssert.Contains(ex.Message, "token ids");
        var floats = new SequenceModel(new SequenceModelOptions { InputSize = 3 });
        ex = Assert.ThrowsExactly<ArgumentException>(() => floats.Forward(SequenceBatch.FromValues([[1f, 2f]], 2)));
        StringAssert.Contains(ex.Message, "3 features");
    }
}
