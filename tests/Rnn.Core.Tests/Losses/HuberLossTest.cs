using Rnn.Core.Losses;
using Rnn.Core.Tests.TestSupport;

namespace Rnn.Core.Tests.Losses;

[TestClass]
public sealed class HuberLossTest
{
    [TestMethod]
    public void Forward_BothRegions_MatchesPyTorch()
    {
        // torch 1.13: huber_loss(p, q, delta=1.5) and p.grad
        var d = new float[4];
        float loss = HuberLoss.Forward([0.5f, -2.0f, 3.0f, 0.1f], [0.0f, 0.5f, 0.0f, 0.3f], d, delta: 1.5f);
        Assert.AreEqual(1.5362499952316284, loss, 1e-6);
        TensorAssert.Close([0.125f, -0.375f, 0.375f, -0.05000000447034836f], d, 1e-6, "dPrediction");
    }

    [TestMethod]
    public void Forward_DefaultDelta_Gradient_MatchesFiniteDifferences()
    {
        var p = GradCheck.RandomValues(12, 5);
        var t = GradCheck.RandomValues(12, 6);
        var d = new float[12];
        HuberLoss.Forward(p, t, d);
        GradCheck.Check(() => HuberLoss.Forward(p, t, []), p, d, "prediction");
    }

    [TestMethod]
    [DataRow(0f)]
    [DataRow(-1f)]
    [DataRow(float.NaN)]
    public void Forward_NonPositiveDelta_ThrowsNamingDelta(float delta)
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => HuberLoss.Forward([1f], [0f], [], delta));
        Assert.AreEqual("delta", ex.ParamName);
    }
}
