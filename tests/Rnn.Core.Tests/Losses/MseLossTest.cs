using Rnn.Core.Losses;
using Rnn.Core.Tests.TestSupport;

namespace Rnn.Core.Tests.Losses;

[TestClass]
public sealed class MseLossTest
{
    [TestMethod]
    public void Forward_SmallInput_MatchesPyTorch()
    {
        // torch 1.13: mse_loss(p, q) and p.grad
        var d = new float[4];
        float loss = MseLoss.Forward([0.5f, -2.0f, 3.0f, 0.1f], [0.0f, 0.5f, 0.0f, 0.3f], d);
        Assert.AreEqual(3.884999990463257, loss, 1e-6);
        TensorAssert.Close([0.25f, -1.25f, 1.5f, -0.10000000894069672f], d, 1e-6, "dPrediction");
    }

    [TestMethod]
    public void Forward_Gradient_MatchesFiniteDifferences()
    {
        var p = GradCheck.RandomValues(10, 1);
        var t = GradCheck.RandomValues(10, 2);
        var d = new float[10];
        MseLoss.Forward(p, t, d);
        GradCheck.Check(() => MseLoss.Forward(p, t, []), p, d, "prediction");
    }

    [TestMethod]
    public void Forward_BadLengths_ThrowsNamingBuffer()
    {
        Assert.AreEqual("target", Assert.ThrowsExactly<ArgumentException>(() => MseLoss.Forward(new float[2], new float[3], [])).ParamName);
        Assert.AreEqual("prediction", Assert.ThrowsExactly<ArgumentException>(() => MseLoss.Forward([], [], [])).ParamName);
    }
}
