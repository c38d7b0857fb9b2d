using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Numerics;

namespace Rnn.Onnx.Tests.Export;

/// <summary>The wide (bag-of-words) path in the exported graph: the same logits as the managed engine.</summary>
[TestClass]
public sealed class RecurrentGraphWideTest
{
    private static SequenceModel WideNetwork(PoolingKind pooling, bool texts)
    {
        string?[] words = [null, .. Enumerable.Range(1, 22).Select(i => i % 5 == 0 ? $"Word{i}!" : $"w{i % 7}x{i}")];
        var network = new SequenceModel(new SequenceModelOptions
        {
            Cell = CellType.Gru, Pooling = pooling, VocabularySize = 23, PaddingIndex = 0, EmbeddingSize = 5, HiddenSize = 6, OutputSize = 3,
            WideBuckets = 97, WideCharNGrams = texts ? 4 : 0, WideFeatureScale = 10f, TokenTexts = texts ? new TokenTextTable(words) : null, Seed = 4,
        });
        new Rng(9).FillNormal(network.Wide!.Weight.Value.Span);
        network.Eval();
        return network;
    }

    [TestMethod]
    [DataRow(PoolingKind.Mean, true), DataRow(PoolingKind.Last, true), DataRow(PoolingKind.Max, false)]
    public void ToOnnx_WidePath_MatchesManagedEngine(PoolingKind pooling, bool texts)
    {
        var network = WideNetwork(pooling, texts);
        RecurrentGraphTest.CompareLogits(network, $"wide {pooling} {(texts ? "texts" : "ids")}");
        RecurrentGraphTest.CompareLogits(network, "wide, one step", [1]);
        RecurrentGraphTest.CompareLogits(network, "wide, one step and three", [1, 3]);
    }
}
