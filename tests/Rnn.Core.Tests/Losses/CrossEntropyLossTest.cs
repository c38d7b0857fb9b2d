using Rnn.Core.Losses;
using Rnn.Core.Tests.TestSupport;

namespace Rnn.Core.Tests.Losses;

[TestClass]
public sealed class CrossEntropyLossTest
{
    // x [4, 3]; golden values from torch 1.13: torch.nn.functional.cross_entropy(x, t, weight=w) and .backward().
    private static readonly float[] Logits = [1.0f, 2.0f, 0.5f, 0.1f, -1.0f, 3.0f, 2.0f, 2.0f, 2.0f, -0.5f, 0.25f, 1.5f];

    [TestMethod]
    public void Forward_ClassWeightsAndIgnoreIndex_MatchesPyTorch()
    {
        var d = new float[12];
        float loss = CrossEntropyLoss.Forward(Logits, 3, [1, 2, -100, 0], d, [0.5f, 2.0f, 1.5f]);
        Assert.AreEqual(0.5527186989784241, loss, 1e-6);
        float[] expected = [0.11561194062232971f, -0.18573415279388428f, 0.07012218981981277f, 0.01922384649515152f,
            0.006399065256118774f, -0.02562291920185089f, 0f, 0f, 0f, -0.11310210078954697f, 0.02518785372376442f, 0.08791424334049225f];
        TensorAssert.Close(expected, d, 1e-6, "dLogits");
    }

    [TestMethod]
    public void Forward_NoWeights_MatchesPyTorch()
    {
        var d = new float[12];
        float loss = CrossEntropyLoss.Forward(Logits, 3, [1, 2, 0, 0], d);
        Assert.AreEqual(0.9964268207550049, loss, 1e-6);
        float[] expected = [0.057805970311164856f, -0.09286707639694214f, 0.03506109490990639f, 0.012815898284316063f,
            0.004266043659299612f, -0.01708194613456726f, -0.1666666716337204f, 0.0833333283662796f, 0.0833333283662796f,
            -0.22620420157909393f, 0.05037570744752884f, 0.1758284866809845f];
        TensorAssert.Close(expected, d, 1e-6, "dLogits");
    }

    public static IEnumerable<object?[]> GradCases()
    {
        yield return [null, CrossEntropyLoss.DefaultIgnoreIndex];
        yield return [new[] { 0.2f, 1f, 3f, 0.7f }, CrossEntropyLoss.DefaultIgnoreIndex];
        yield return [new[] { 0.2f, 1f, 3f, 0.7f }, 3];
    }

    [TestMethod]
    [DynamicData(nameof(GradCases))]
    public void Forward_Gradient_MatchesFiniteDifferences(float[]? weights, int ignoreIndex)
    {
        const int n = 6, c = 4;
        var x = GradCheck.RandomValues(n * c, 3);
        int[] targets = [0, 3, ignoreIndex, 2, 1, 3];
        var d = new float[n * c];
        CrossEntropyLoss.Forward(x, c, targets, d, weights, ignoreIndex);
        GradCheck.Check(() => CrossEntropyLoss.Forward(x, c, targets, [], weights, ignoreIndex), x, d, "logits", rtol: 2e-2);
    }

    [TestMethod]
    public void Forward_ManyRows_SplitOverThreads_MatchesTheFormulaRowByRow()
    {
        // 3,200 rows × 65 classes (a language model's step batch): rows are split over the threads; the loss is summed
        // in row order, so it must equal a row-by-row double evaluation of the definition, and every gradient row too.
        const int rows = 3200, classes = 65;
        var rng = new Rnn.Core.Numerics.Rng(5);
        var logits = new float[rows * classes];
        rng.FillNormal(logits);
        var weights = new float[classes];
        rng.FillUniform(weights, 0.5f, 2f);
        var targets = new int[rows];
        for (int n = 0; n < rows; n++) targets[n] = n % 17 == 0 ? -100 : rng.NextInt(classes);
        var grad = new float[rows * classes];
        float loss = CrossEntropyLoss.Forward(logits, classes, targets, grad, weights);

        double lossSum = 0, weightSum = 0;
        var expectedGrad = new double[rows * classes];
        for (int n = 0; n < rows; n++)
        {
            if (targets[n] < 0) continue;
            double max = double.MinValue, sum = 0, w = weights[targets[n]];
            for (int c = 0; c < classes; c++) max = Math.Max(max, logits[n * classes + c]);
            for (int c = 0; c < classes; c++) sum += Math.Exp(logits[n * classes + c] - max);
            double lse = max + Math.Log(sum);
            lossSum += w * (lse - logits[n * classes + targets[n]]);
            weightSum += w;
            for (int c = 0; c < classes; c++)
                expectedGrad[n * classes + c] = w * (Math.Exp(logits[n * classes + c] - lse) - (c == targets[n] ? 1 : 0));
        }
        Assert.AreEqual(lossSum / weightSum, loss, 1e-6 * Math.Abs(lossSum / weightSum));
        for (int i = 0; i < grad.Length; i++)
            Assert.AreEqual(expectedGrad[i] / weightSum, grad[i], 1e-8 + 1e-5 * Math.Abs(expectedGrad[i] / weightSum), $"gradient [{i / classes}, {i % classes}]");
    }

    [TestMethod]
    public void Forward_LargeLogits_Stable()
    {
        var d = new float[4];
        float loss = CrossEntropyLoss.Forward([1000f, 0f, -1000f, 1000f], 2, [1, 0], d);
        Assert.AreEqual(1500.0, loss, 1e-3);
        Assert.IsTrue(d.All(float.IsFinite));
    }

    [TestMethod]
    public void Forward_AllIgnored_NaNLossZeroGradient()
    {
        var d = Enumerable.Repeat(7f, 6).ToArray();
        float loss = CrossEntropyLoss.Forward(new float[6], 3, [-100, -100], d);
        Assert.IsTrue(float.IsNaN(loss));
        CollectionAssert.AreEqual(new float[6], d);
    }

    [TestMethod]
    public void Forward_TargetOutOfRange_ThrowsNamingIndexAndValue()
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => CrossEntropyLoss.Forward(new float[6], 3, [0, 3], []));
        Assert.AreEqual("targets", ex.ParamName);
        StringAssert.Contains(ex.Message, "targets[1] = 3");
    }

    [TestMethod]
    public void Forward_WrongLengths_ThrowNamingBuffer()
    {
        Assert.AreEqual("logits", Assert.ThrowsExactly<ArgumentException>(() => CrossEntropyLoss.Forward(new float[5], 3, [0, 1], [])).ParamName);
        Assert.AreEqual("dLogits", Assert.ThrowsExactly<ArgumentException>(() => CrossEntropyLoss.Forward(new float[6], 3, [0, 1], new float[3])).ParamName);
        Assert.AreEqual("classWeights", Assert.ThrowsExactly<ArgumentException>(() => CrossEntropyLoss.Forward(new float[6], 3, [0, 1], [], [1f])).ParamName);
        Assert.AreEqual("classWeights", Assert.ThrowsExactly<ArgumentException>(() => CrossEntropyLoss.Forward(new float[6], 3, [0, 1], [], [1f, float.NaN, 1f])).ParamName);
    }
}
