using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Numerics;
using Rnn.TorchSharp.Tests.TestSupport;
using static TorchSharp.torch;
using ManagedTensor = Rnn.Core.Tensor;
using Tensor = TorchSharp.torch.Tensor;

namespace Rnn.TorchSharp.Tests.Models;

// B = batch, T = steps, V = vocabulary, O = outputs.

/// <summary>
/// The managed <see cref="SequenceModel"/> against <see cref="TorchSequenceModel"/> holding the same weights: logits and
/// every parameter gradient, for every cell × pooling (last, mean, max, per step) × input (tokens, float steps) ×
/// {full, variable length}, with layers and directions drawn per run; weights round-trip exactly.
/// </summary>
[TestClass]
public sealed class SequenceModelParityTest
{
    public TestContext TestContext { get; set; } = null!;

    public static IEnumerable<object?[]> Cases()
    {
        foreach (var cell in new[] { CellType.Rnn, CellType.Lstm, CellType.Gru })
            foreach (var pooling in new PoolingKind?[] { PoolingKind.Last, PoolingKind.Mean, PoolingKind.Max, null })
                foreach (bool tokens in new[] { true, false })
                    foreach (bool variable in new[] { false, true })
                        yield return [cell, pooling, tokens, variable];
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void ForwardBackward_MatchesLibtorch(CellType cell, PoolingKind? pooling, bool tokens, bool variable)
    {
        var rng = Oracle.Rng(HashCode.Combine(cell, pooling, tokens, variable, 17));
        var options = RandomOptions(rng, cell, pooling, tokens);
        int b = 1 + rng.NextInt(5), t = 1 + rng.NextInt(8);
        TestContext.WriteLine($"seed {Oracle.Seed}: {options} B={b} T={t} variable={variable}");
        var managed = new SequenceModel(options);
        using var torchModel = TorchSequenceModel.FromManaged(managed);
        var batch = RandomBatch(rng, options, b, t, variable);

        managed.Train();
        ManagedTensor logits = managed.Forward(batch);
        var dLogits = Oracle.Uniform(rng, logits.Shape.ToArray());
        managed.Backward(dLogits);

        using var scope = NewDisposeScope();
        var (input, lengths) = TorchTrainingSession.ToTorch(batch, CPU);
        Tensor torchLogits = torchModel.Forward(input, lengths);
        torchLogits.mul(TorchParameters.FromManaged(dLogits)).sum().backward();

        Oracle.Close(torchLogits, logits.Span, "logits");
        foreach (var (name, parameter) in torchModel.named_parameters())
            Oracle.Close(parameter.grad!, managed.Parameters[name].Grad.Span, $"d{name}");
    }

    [TestMethod]
    public void Weights_RoundTripManagedTorchManaged_Exactly()
    {
        var rng = Oracle.Rng(31);
        var options = RandomOptions(rng, CellType.Lstm, PoolingKind.Mean, tokens: true);
        var source = new SequenceModel(options);
        var target = new SequenceModel(options with { Seed = options.Seed + 1 });
        using var torchModel = TorchSequenceModel.FromManaged(source);
        torchModel.CopyTo(target);
        foreach (var (name, p) in source.Parameters)
            CollectionAssert.AreEqual(p.Value.Span.ToArray(), target.Parameters[name].Value.Span.ToArray(), name);
    }

    [TestMethod]
    public void EvalMode_Outputs_MatchWithin1e5()
    {
        var rng = Oracle.Rng(57);
        var options = RandomOptions(rng, CellType.Gru, PoolingKind.Last, tokens: true) with { Dropout = 0.3f, EmbeddingDropout = 0.2f, TokenDropout = 0.1f };
        var managed = new SequenceModel(options);
        managed.Eval();
        using var torchModel = TorchSequenceModel.FromManaged(managed);
        var batch = RandomBatch(rng, options, 6, 9, variable: true);
        var logits = managed.Forward(batch);
        using var noGrad = no_grad();
        var (input, lengths) = TorchTrainingSession.ToTorch(batch, CPU);
        using var expected = torchModel.Forward(input, lengths);
        var values = new float[expected.numel()];
        TorchParameters.ToManaged(expected, values);
        for (int i = 0; i < values.Length; i++) Assert.AreEqual(values[i], logits.Span[i], 1e-5f, $"logit {i}");
    }

    [TestMethod]
    public void LoadFrom_WrongArchitecture_NamesTheParameter()
    {
        var options = new SequenceModelOptions { Cell = CellType.Lstm, VocabularySize = 10, EmbeddingSize = 4, HiddenSize = 5, OutputSize = 2 };
        var managed = new SequenceModel(options);
        using var torchModel = new TorchSequenceModel(options with { HiddenSize = 6 });
        var e = Assert.ThrowsExactly<ArgumentException>(() => torchModel.LoadFrom(managed));
        StringAssert.Contains(e.Message, "'rnn.weight_ih_l0'");
    }

    internal static SequenceModelOptions RandomOptions(Rng rng, CellType cell, PoolingKind? pooling, bool tokens) => new()
    {
        Cell = cell,
        VocabularySize = tokens ? 3 + rng.NextInt(20) : 0,
        PaddingIndex = tokens && rng.NextInt(2) == 0 ? 0 : null,
        EmbeddingSize = 1 + rng.NextInt(6),
        InputSize = 1 + rng.NextInt(5),
        HiddenSize = 1 + rng.NextInt(10),
        NumLayers = 1 + rng.NextInt(2),
        Bidirectional = rng.NextInt(2) == 1,
        Pooling = pooling,
        OutputSize = 1 + rng.NextInt(4),
        Seed = rng.NextInt(1 << 30),
    };

    internal static SequenceBatch RandomBatch(Rng rng, SequenceModelOptions options, int b, int t, bool variable)
    {
        int[] lengths = variable ? Oracle.Lengths(rng, b, t) : Enumerable.Repeat(t, b).ToArray();
        if (options.UsesTokens)
            return SequenceBatch.FromTokens(lengths.Select(n => Enumerable.Range(0, n).Select(_ => rng.NextInt(options.VocabularySize)).ToArray()).ToArray());
        return SequenceBatch.FromValues(lengths.Select(n => Enumerable.Range(0, n * options.InputSize).Select(_ => rng.Uniform(-1f, 1f)).ToArray()).ToArray(), options.InputSize);
    }
}
