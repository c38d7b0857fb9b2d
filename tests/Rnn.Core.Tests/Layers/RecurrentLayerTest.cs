using Rnn.Core.Layers;
using Rnn.Core.Numerics;

namespace Rnn.Core.Tests.Layers;

[TestClass]
public sealed class RecurrentLayerTest
{
    private static Tensor RandomTensor(Rng rng, params int[] shape)
    {
        var t = new Tensor(shape);
        rng.FillNormal(t.Span);
        return t;
    }

    [TestMethod]
    public void Forward_ShapeLesson_OutputAndStateShapesAsPyTorch()
    {
        var rnn = new RecurrentLayer(CellType.Rnn, inputSize: 4, hiddenSize: 6, seed: 42);
        var x = RandomTensor(new Rng(1), 2, 5, 4);
        var (output, hN) = rnn.Forward(x);
        Assert.AreEqual("(2, 5, 6)", output.ShapeString);
        Assert.AreEqual("(1, 2, 6)", hN.ShapeString);
        for (int b = 0; b < 2; b++)
            for (int j = 0; j < 6; j++)
                Assert.AreEqual(output[b, 4, j], hN[0, b, j], $"last step equals h_n at b={b}, j={j}");
    }

    [TestMethod]
    public void Parameters_NamedAndShapedAsPyTorchStateDict()
    {
        var lstm = new RecurrentLayer(CellType.Lstm, inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true);
        string[] expected =
        [
            "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
            "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
            "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
            "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse",
        ];
        CollectionAssert.AreEqual(expected, lstm.Parameters.Keys.ToArray());
        Assert.AreEqual("(20, 3)", lstm.Parameters["weight_ih_l0"].Value.ShapeString);
        Assert.AreEqual("(20, 10)", lstm.Parameters["weight_ih_l1_reverse"].Value.ShapeString);
        Assert.AreEqual("(20, 5)", lstm.Parameters["weight_hh_l1"].Value.ShapeString);
        Assert.AreEqual("(15, 3)", new RecurrentLayer(CellType.Gru, 3, 5).Parameters["weight_ih_l0"].Value.ShapeString);
    }

    [TestMethod]
    public void Constructor_SameSeed_BitIdenticalWeights_DifferentSeed_Different()
    {
        var a = new RecurrentLayer(CellType.Gru, 4, 8, 2, true, seed: 7);
        var b = new RecurrentLayer(CellType.Gru, 4, 8, 2, true, seed: 7);
        var c = new RecurrentLayer(CellType.Gru, 4, 8, 2, true, seed: 8);
        for (int i = 0; i < a.Parameters.Count; i++)
            CollectionAssert.AreEqual(a.Parameters[i].Value.Span.ToArray(), b.Parameters[i].Value.Span.ToArray());
        CollectionAssert.AreNotEqual(a.Parameters[0].Value.Span.ToArray(), c.Parameters[0].Value.Span.ToArray());
    }

    [TestMethod]
    public void Constructor_DefaultInit_UniformWithinOneOverSqrtHidden()
    {
        var layer = new RecurrentLayer(CellType.Lstm, 10, 16, seed: 3);
        float bound = 1f / MathF.Sqrt(16);
        foreach (var p in layer.Parameters.Values)
        {
            var v = p.Value.Span;
            float min = float.MaxValue, max = float.MinValue;
            foreach (float f in v) { min = Math.Min(min, f); max = Math.Max(max, f); }
            Assert.IsTrue(min >= -bound && max <= bound, $"{p.Name} in [{min}, {max}]");
            Assert.IsTrue(max - min > bound, $"{p.Name} spreads over the range");
        }
    }

    [TestMethod]
    [DataRow(CellType.Rnn), DataRow(CellType.Lstm), DataRow(CellType.Gru)]
    public void Forward_VariableLengths_ZeroPastLengthAndFinalStateAtLastValidStep(CellType cell)
    {
        var layer = new RecurrentLayer(cell, 3, 4, numLayers: 1, bidirectional: true, seed: 5);
        var x = RandomTensor(new Rng(2), 3, 6, 3);
        int[] lengths = [4, 6, 1];
        var result = layer.Forward(x, lengths: lengths);
        for (int b = 0; b < 3; b++)
        {
            for (int t = lengths[b]; t < 6; t++)
                for (int j = 0; j < 8; j++)
                    Assert.AreEqual(0f, result.Output[b, t, j], $"padding b={b} t={t}");
            for (int j = 0; j < 4; j++)
            {
                Assert.AreEqual(result.Output[b, lengths[b] - 1, j], result.HN[0, b, j], "forward final state");
                Assert.AreEqual(result.Output[b, 0, 4 + j], result.HN[1, b, j], "reverse final state at step 0");
            }
        }
    }

    [TestMethod]
    public void Forward_VariableLengths_EachExampleEqualsRunningItAlone()
    {
        var layer = new RecurrentLayer(CellType.Lstm, 3, 5, numLayers: 2, bidirectional: true, seed: 11);
        var x = RandomTensor(new Rng(3), 3, 7, 3);
        int[] lengths = [7, 2, 5];
        var batched = layer.Forward(x, lengths: lengths);
        for (int b = 0; b < 3; b++)
        {
            int n = lengths[b];
            var single = new Tensor(1, n, 3);
            for (int t = 0; t < n; t++)
                for (int i = 0; i < 3; i++) single[0, t, i] = x[b, t, i];
            var alone = layer.Forward(single);
            for (int t = 0; t < n; t++)
                for (int j = 0; j < 10; j++)
                    Assert.AreEqual(alone.Output[0, t, j], batched.Output[b, t, j], 1e-6f, $"b={b} t={t} j={j}");
            for (int s = 0; s < 4; s++)
                for (int j = 0; j < 5; j++)
                {
                    Assert.AreEqual(alone.HN[s, 0, j], batched.HN[s, b, j], 1e-6f, $"h_n slot {s}");
                    Assert.AreEqual(alone.CN![s, 0, j], batched.CN![s, b, j], 1e-6f, $"c_n slot {s}");
                }
        }
    }

    [TestMethod]
    [DataRow(CellType.Rnn), DataRow(CellType.Lstm), DataRow(CellType.Gru)]
    public void Backward_PaddedSteps_GetZeroInputGradient(CellType cell)
    {
        var layer = new RecurrentLayer(cell, 2, 3, bidirectional: true, seed: 1);
        var x = RandomTensor(new Rng(4), 2, 5, 2);
        layer.Forward(x, lengths: [5, 3]);
        var g = RandomTensor(new Rng(5), 2, 5, 6);
        var grads = layer.Backward(g, RandomTensor(new Rng(6), 2, 2, 3));
        for (int t = 3; t < 5; t++)
            for (int i = 0; i < 2; i++) Assert.AreEqual(0f, grads.Input[1, t, i]);
        Assert.AreNotEqual(0f, grads.Input[1, 2, 0]);
    }

    [TestMethod]
    [DataRow(CellType.Rnn), DataRow(CellType.Lstm), DataRow(CellType.Gru)]
    public void Forward_TwoChunksWithCarriedState_EqualsOneLongSequence(CellType cell)
    {
        var layer = new RecurrentLayer(cell, 2, 4, numLayers: 2, seed: 9);
        var x = RandomTensor(new Rng(7), 2, 8, 2);
        var whole = layer.Forward(x);
        var first = new Tensor(2, 5, 2);
        var second = new Tensor(2, 3, 2);
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < 8; t++)
                for (int i = 0; i < 2; i++)
                {
                    if (t < 5) first[b, t, i] = x[b, t, i];
                    else second[b, t - 5, i] = x[b, t, i];
                }
        var r1 = layer.Forward(first);
        var r2 = layer.Forward(second, r1.FinalState);
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < 3; t++)
                for (int j = 0; j < 4; j++)
                    Assert.AreEqual(whole.Output[b, 5 + t, j], r2.Output[b, t, j], 1e-6f);
    }

    [TestMethod]
    public void Forward_Dropout_OnlyInTrainingAndNeverAfterLastLayer()
    {
        var layer = new RecurrentLayer(CellType.Gru, 3, 16, numLayers: 2, dropout: 0.5f, seed: 2);
        var x = RandomTensor(new Rng(8), 2, 4, 3);
        layer.Eval();
        var e1 = layer.Forward(x).Output.Span.ToArray();
        var e2 = layer.Forward(x).Output.Span.ToArray();
        CollectionAssert.AreEqual(e1, e2, "evaluation is deterministic");
        layer.Train();
        var t1 = layer.Forward(x).Output.Span.ToArray();
        CollectionAssert.AreNotEqual(e1, t1, "training applies dropout between layers");
        var single = new RecurrentLayer(CellType.Gru, 3, 16, numLayers: 1, dropout: 0.5f, seed: 2);
        var s1 = single.Forward(x).Output.Span.ToArray();
        single.Eval();
        CollectionAssert.AreEqual(s1, single.Forward(x).Output.Span.ToArray(), "a single layer has no dropout");
    }

    [TestMethod]
    public void Forward_WrongRank_ThrowsNamingShape()
    {
        var layer = new RecurrentLayer(CellType.Rnn, 4, 6);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => layer.Forward(new Tensor(5, 4)));
        Assert.AreEqual("input", ex.ParamName);
        StringAssert.Contains(ex.Message, "(5, 4)");
    }

    [TestMethod]
    public void Forward_InputSizeMismatch_ThrowsWithExpectedAndActual()
    {
        var layer = new RecurrentLayer(CellType.Rnn, 4, 6);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => layer.Forward(new Tensor(2, 5, 3)));
        StringAssert.Contains(ex.Message, "must be 4, got 3");
    }

    [TestMethod]
    public void Forward_LengthOutOfRange_ThrowsNamingTheExample()
    {
        var layer = new RecurrentLayer(CellType.Lstm, 2, 3);
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => layer.Forward(new Tensor(2, 4, 2), lengths: [4, 5]));
        StringAssert.Contains(ex.Message, "lengths[1] = 5");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => layer.Forward(new Tensor(2, 4, 2), lengths: [0, 1]));
        Assert.ThrowsExactly<ArgumentException>(() => layer.Forward(new Tensor(2, 4, 2), lengths: [1]));
    }

    [TestMethod]
    public void Forward_BadInitialState_Throws()
    {
        var layer = new RecurrentLayer(CellType.Lstm, 2, 3, numLayers: 2);
        var x = new Tensor(2, 4, 2);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => layer.Forward(x, new RecurrentState(new Tensor(1, 2, 3), new Tensor(1, 2, 3))));
        StringAssert.Contains(ex.Message, "(2, 2, 3)");
        Assert.ThrowsExactly<ArgumentException>(() => layer.Forward(x, new RecurrentState(new Tensor(2, 2, 3))));
        var nan = new Tensor(2, 2, 3);
        nan[1, 0, 2] = float.NaN;
        ex = Assert.ThrowsExactly<ArgumentException>(() => layer.Forward(x, new RecurrentState(nan, new Tensor(2, 2, 3))));
        StringAssert.Contains(ex.Message, "non-finite");
    }

    [TestMethod]
    public void Backward_WithoutTrainingForward_Throws()
    {
        var layer = new RecurrentLayer(CellType.Gru, 2, 3);
        Assert.ThrowsExactly<InvalidOperationException>(() => layer.Backward(null));
        layer.Eval();
        layer.Forward(new Tensor(1, 2, 2));
        Assert.ThrowsExactly<InvalidOperationException>(() => layer.Backward(null));
    }

    [TestMethod]
    public void Constructor_BadArguments_ThrowNamingTheParameter()
    {
        Assert.AreEqual("hiddenSize", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new RecurrentLayer(CellType.Rnn, 3, 0)).ParamName);
        Assert.AreEqual("numLayers", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new RecurrentLayer(CellType.Rnn, 3, 2, 0)).ParamName);
        Assert.AreEqual("dropout", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new RecurrentLayer(CellType.Rnn, 3, 2, dropout: 1f)).ParamName);
    }
}
