using Rnn.Core.Optimizers;
using Rnn.Core.Tests.TestSupport;

namespace Rnn.Core.Tests.Optimizers;

[TestClass]
public sealed class AdamWTest
{
    [TestMethod]
    public void Step_Defaults_MatchesPyTorch()
    {
        // torch.optim.AdamW([p], lr=0.01)  (weight_decay defaults to 1e-2)
        OptimizerFixture.AssertMatches(p => new AdamW([p], 0.01f),
        [
            [0.4899500012397766f, -0.9898999929428101f, 1.989799976348877f, 0.0f],
            [0.4958845376968384f, -0.9934620261192322f, 1.9817677736282349f, -0.007441367954015732f],
            [0.4978069067001343f, -0.998555064201355f, 1.97781503200531f, -0.011113543063402176f],
        ], "adamw");
    }

    [TestMethod]
    public void Step_CustomBetasEpsDecay_MatchesPyTorch()
    {
        // torch.optim.AdamW([p], lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)
        OptimizerFixture.AssertMatches(p => new AdamW([p], 0.01f, beta1: 0.8f, beta2: 0.99f, eps: 1e-6f, weightDecay: 0.1f),
        [
            [0.48950010538101196f, -0.9890000820159912f, 1.9880000352859497f, 0.0f],
            [0.4954671263694763f, -0.9922211170196533f, 1.9785027503967285f, -0.007837063632905483f],
            [0.4967333674430847f, -0.9969090223312378f, 1.9735859632492065f, -0.011227458715438843f],
        ], "adamw custom");
    }

    [TestMethod]
    public void WeightDecay_Default_IsOneHundredth()
    {
        Assert.AreEqual(1e-2f, new AdamW([OptimizerFixture.NewParameter()]).WeightDecay);
        Assert.AreEqual(0f, new Adam([OptimizerFixture.NewParameter()]).WeightDecay);
    }
}
