using Rnn.Core.Optimizers;

namespace Rnn.Core.Tests.Optimizers;

[TestClass]
public sealed class LearningRateScheduleTest
{
    [TestMethod]
    public void ConstantLr_AnyStep_Same()
    {
        var s = new ConstantLr(0.3f);
        Assert.AreEqual(0.3f, s.GetLearningRate(0));
        Assert.AreEqual(0.3f, s.GetLearningRate(1000));
    }

    [TestMethod]
    public void StepLr_Steps_MatchesPyTorch()
    {
        // torch.optim.lr_scheduler.StepLR(opt(lr=0.1), step_size=2, gamma=0.5): 0.1, 0.1, 0.05, 0.05, 0.025
        var s = new StepLr(0.1f, 2, 0.5f);
        float[] expected = [0.1f, 0.1f, 0.05f, 0.05f, 0.025f];
        for (int t = 0; t < expected.Length; t++) Assert.AreEqual(expected[t], s.GetLearningRate(t), 1e-8f, $"step {t}");
    }

    [TestMethod]
    public void CosineAnnealingLr_Steps_MatchesPyTorchClosedForm()
    {
        // CosineAnnealingLR(opt(lr=0.1), T_max=4, eta_min=0.01)
        var s = new CosineAnnealingLr(0.1f, 4, 0.01f);
        Assert.AreEqual(0.1f, s.GetLearningRate(0), 1e-7f);
        Assert.AreEqual(0.01f + 0.09f * (1 + MathF.Cos(MathF.PI / 4)) / 2, s.GetLearningRate(1), 1e-7f);
        Assert.AreEqual(0.055f, s.GetLearningRate(2), 1e-7f);
        Assert.AreEqual(0.01f, s.GetLearningRate(4), 1e-7f);
    }

    [TestMethod]
    public void LinearWarmup_FirstSteps_RampThenInner()
    {
        var s = new LinearWarmup(new ConstantLr(1f), 4);
        float[] expected = [0.25f, 0.5f, 0.75f, 1f, 1f];
        for (int t = 0; t < expected.Length; t++) Assert.AreEqual(expected[t], s.GetLearningRate(t), 1e-7f, $"step {t}");
    }

    [TestMethod]
    public void Schedules_BadArguments_ThrowNamingThem()
    {
        Assert.AreEqual("stepSize", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new StepLr(0.1f, 0)).ParamName);
        Assert.AreEqual("tMax", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CosineAnnealingLr(0.1f, 0)).ParamName);
        Assert.AreEqual("step", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ConstantLr(0.1f).GetLearningRate(-1)).ParamName);
    }
}
