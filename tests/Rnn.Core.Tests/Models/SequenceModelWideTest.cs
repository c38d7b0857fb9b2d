using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Tests.TestSupport;

namespace Rnn.Core.Tests.Models;

[TestClass]
public sealed class SequenceModelWideTest
{
    private static SequenceModelOptions Options(int wideBuckets) => new()
    {
        VocabularySize = 6, EmbeddingSize = 3, HiddenSize = 4, OutputSize = 2, Pooling = PoolingKind.Mean, PaddingIndex = 0, Seed = 3,
        WideBuckets = wideBuckets, WideCharNGrams = 3, WideFeatureScale = 2f, TokenTexts = [null, "good", "bad", "not", "food", "goods"],
    };

    [TestMethod]
    public void Forward_WidePath_AddsBagScoreToTheRecurrentLogits()
    {
        var deep = new SequenceModel(Options(0));
        var wide = new SequenceModel(Options(16));
        CollectionAssert.AreEqual(deep.Parameters.Keys.Concat(["wide.weight"]).ToArray(), wide.Parameters.Keys.ToArray());
        var batch = SequenceBatch.FromTokens([[1, 3, 2], [4, 5]]);
        deep.Eval();
        wide.Eval();
        // Zero wide weights: exactly the recurrent model (same seed, same initial weights).
        CollectionAssert.AreEqual(deep.Forward(batch).Span.ToArray(), wide.Forward(batch).Span.ToArray());
        GradCheck.RandomValues(wide.Wide!.Weight.Value.Length, 2).CopyTo(wide.Wide.Weight.Value.Span);
        var expected = deep.Forward(batch).Span.ToArray();
        wide.Wide.Forward(batch.Tokens, batch.Steps, batch.Lengths, expected);
        TensorAssert.Close(expected, wide.Forward(batch).Span, 1e-6, "logits");
    }

    [TestMethod]
    public void Backward_WithWidePath_EveryParameterMatchesFiniteDifferences()
    {
        // No padding index here: its row is used but never gets a gradient (PyTorch's padding_idx), which no finite difference matches.
        var model = new SequenceModel(Options(16) with { PaddingIndex = null });
        GradCheck.RandomValues(model.Wide!.Weight.Value.Length, 5).CopyTo(model.Wide.Weight.Value.Span);
        var batch = SequenceBatch.FromTokens([[1, 3, 2], [4, 5], [0, 1]]);
        var weights = GradCheck.RandomValues(model.Forward(batch).Length, 8);
        SequenceModelTest.AssertGradientsMatchFiniteDifferences(model, batch, weights);
    }

    [TestMethod]
    public void Constructor_WideWithoutTokensOrPooling_ThrowsNamingWideBuckets()
    {
        var floats = Assert.ThrowsExactly<ArgumentException>(() => new SequenceModel(new SequenceModelOptions { InputSize = 2, WideBuckets = 8 }));
        Assert.AreEqual("WideBuckets", floats.ParamName);
        var perStep = Assert.ThrowsExactly<ArgumentException>(() => new SequenceModel(Options(8) with { Pooling = null }));
        Assert.AreEqual("WideBuckets", perStep.ParamName);
        Assert.AreEqual("WideBuckets", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SequenceModel(Options(-1))).ParamName);
        Assert.AreEqual("WideCharNGrams", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SequenceModel(Options(8) with { WideCharNGrams = 9 })).ParamName);
        Assert.AreEqual("WideFeatureScale", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SequenceModel(Options(8) with { WideFeatureScale = float.NaN })).ParamName);
        Assert.AreEqual("TokenTexts", Assert.ThrowsExactly<ArgumentException>(() => new SequenceModel(Options(8) with { TokenTexts = ["a"] })).ParamName);
    }
}
