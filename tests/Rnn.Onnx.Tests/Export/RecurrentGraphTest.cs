using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.MLNet;
using Rnn.Onnx.Tests.TestKit;

namespace Rnn.Onnx.Tests.Export;

// B = batch, T = steps, F = features per step, O = outputs.

/// <summary>
/// Every exported network shape run in ONNX Runtime against the managed engine on the same variable-length batch:
/// cell × layers {1, 2} × {uni, bi} × pooling {last, mean, max} × {token, float-step} input, and the per-step head.
/// </summary>
[TestClass]
public sealed class RecurrentGraphTest
{
    private const double Tolerance = 1e-5;
    private static readonly int[] Lengths = [7, 1, 4, 7, 3]; // a length-1 sequence, full-length ones, padded ones

    public static IEnumerable<object[]> PooledShapes()
    {
        foreach (var cell in new[] { CellType.Rnn, CellType.Lstm, CellType.Gru })
            foreach (int layers in new[] { 1, 2 })
                foreach (bool bidirectional in new[] { false, true })
                    foreach (var pooling in new[] { PoolingKind.Last, PoolingKind.Mean, PoolingKind.Max })
                        foreach (bool tokens in new[] { true, false })
                            yield return [cell, layers, bidirectional, pooling, tokens];
    }

    public static IEnumerable<object[]> PerStepShapes()
    {
        foreach (var cell in new[] { CellType.Rnn, CellType.Lstm, CellType.Gru })
            foreach (int layers in new[] { 1, 2 })
                foreach (bool bidirectional in new[] { false, true })
                    foreach (bool tokens in new[] { true, false })
                        yield return [cell, layers, bidirectional, tokens];
    }

    [TestMethod]
    [DynamicData(nameof(PooledShapes))]
    public void ToOnnx_PooledNetwork_MatchesManagedEngine(CellType cell, int layers, bool bidirectional, PoolingKind pooling, bool tokens)
    {
        var network = Network(cell, layers, bidirectional, pooling, tokens, Nonlinearity.Tanh);
        CompareLogits(network, $"{cell} L{layers} {(bidirectional ? "bi" : "uni")} {pooling} {(tokens ? "tokens" : "steps")}");
    }

    [TestMethod]
    [DynamicData(nameof(PerStepShapes))]
    public void ToOnnx_PerStepHead_MatchesManagedEngineAndZeroesPadding(CellType cell, int layers, bool bidirectional, bool tokens)
    {
        var network = Network(cell, layers, bidirectional, null, tokens, Nonlinearity.Tanh);
        CompareLogits(network, $"{cell} L{layers} {(bidirectional ? "bi" : "uni")} per-step {(tokens ? "tokens" : "steps")}");
    }

    [TestMethod]
    [DataRow(PoolingKind.Last)]
    [DataRow(PoolingKind.Max)]
    public void ToOnnx_ReluRnn_MatchesManagedEngine(PoolingKind pooling)
    {
        var network = Network(CellType.Rnn, 2, true, pooling, false, Nonlinearity.Relu);
        CompareLogits(network, $"relu RNN {pooling}");
    }

    [TestMethod]
    public void ToOnnx_FullLengthSingleSequence_MatchesManagedEngine()
    {
        var network = Network(CellType.Lstm, 1, false, PoolingKind.Last, true, Nonlinearity.Tanh);
        CompareLogits(network, "batch of one", [9]);
    }

    internal static SequenceModel Network(CellType cell, int layers, bool bidirectional, PoolingKind? pooling, bool tokens, Nonlinearity nonlinearity)
    {
        var network = new SequenceModel(new SequenceModelOptions
        {
            Cell = cell,
            Nonlinearity = nonlinearity,
            NumLayers = layers,
            Bidirectional = bidirectional,
            Pooling = pooling,
            VocabularySize = tokens ? 23 : 0,
            PaddingIndex = tokens ? 0 : null,
            EmbeddingSize = 5,
            InputSize = 3,
            HiddenSize = 6,
            OutputSize = 4,
            Dropout = layers > 1 ? 0.3f : 0f, // training-only: must not appear in the graph
            Seed = 17 + (int)cell * 100 + layers * 10 + (bidirectional ? 1 : 0),
        });
        // Spread the weights beyond PyTorch's U(−1/√H, 1/√H) so gates saturate and differences show.
        foreach (var p in network.Parameters.Values)
        {
            var span = p.Value.Span;
            for (int i = 0; i < span.Length; i++) span[i] *= 2.5f;
        }
        if (tokens) network.Embedding!.Weight.Value.Span[..5].Clear(); // row 0 (missing key) stays zero
        network.Eval();
        return network;
    }

    /// <summary>Runs the managed network and the exported graph on the same batch and compares the logits.</summary>
    internal static void CompareLogits(SequenceModel network, string label, int[]? lengths = null)
    {
        lengths ??= Lengths;
        var o = network.Options;
        int b = lengths.Length, t = lengths.Max(), f = o.InputSize;
        var rng = new Random(lengths.Sum() + o.Seed);
        var tokenRows = new List<int[]>();
        var valueRows = new List<float[]>();
        var paddedTokens = new long[b * t];
        var paddedValues = new float[b * t * f];
        for (int i = 0; i < b; i++)
        {
            // Padding holds junk (valid ids, finite values): the graph must never read it.
            for (int s = 0; s < t; s++)
            {
                paddedTokens[i * t + s] = rng.Next(o.UsesTokens ? o.VocabularySize : 1);
                for (int k = 0; k < f; k++) paddedValues[(i * t + s) * f + k] = (float)(rng.NextDouble() * 4 - 2);
            }
            tokenRows.Add(paddedTokens.AsSpan(i * t, lengths[i]).ToArray().Select(v => (int)v).ToArray());
            valueRows.Add(paddedValues.AsSpan(i * t * f, lengths[i] * f).ToArray());
        }
        var batch = o.UsesTokens ? SequenceBatch.FromTokens(tokenRows) : SequenceBatch.FromValues(valueRows, f);
        float[] expected = network.Forward(batch).Span.ToArray(); // [B, O] or [B, T, O]

        byte[] model = network.ToOnnx();
        Ort.TakeLog();
        using var session = Ort.Session(model);
        CollectionAssert.AreEqual(Array.Empty<string>(), Ort.TakeLog(), $"{label}: ONNX Runtime logged warnings at session creation");
        long[] lengths64 = lengths.Select(v => (long)v).ToArray();
        var outputs = o.UsesTokens ? Ort.RunTokens(session, paddedTokens, lengths64, t) : Ort.RunSteps(session, paddedValues, lengths64, t, f);
        CollectionAssert.AreEquivalent(new[] { RecurrentOnnx.LogitsOutput }, outputs.Keys.ToArray(), label);
        TensorAssert.Close(expected, (float[])outputs[RecurrentOnnx.LogitsOutput], Tolerance, label);
    }
}
