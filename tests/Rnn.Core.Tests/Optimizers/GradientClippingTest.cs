using Rnn.Core.Optimizers;

namespace Rnn.Core.Tests.Optimizers;

[TestClass]
public sealed class GradientClippingTest
{
    [TestMethod]
    public void ClipGradNorm_AboveMax_ScalesAllAndReturnsNormBefore()
    {
        var a = new Parameter("a", 2);
        var b = new Parameter("b", 1);
        a.Grad.Span[0] = 3f; a.Grad.Span[1] = 0f; b.Grad.Span[0] = 4f; // norm 5
        float norm = GradientClipping.ClipGradNorm([a, b], 1f);
        Assert.AreEqual(5f, norm, 1e-6f);
        // torch.nn.utils.clip_grad_norm_: coefficient 1 / (5 + 1e-6)
        Assert.AreEqual(3f / (5f + 1e-6f), a.Grad.Span[0], 1e-7f);
        Assert.AreEqual(4f / (5f + 1e-6f), b.Grad.Span[0], 1e-7f);
        Assert.AreEqual(1f, GradientClipping.GlobalGradNorm([a, b]), 1e-6f);
    }

    [TestMethod]
    public void ClipGradNorm_BelowMax_Unchanged()
    {
        var a = new Parameter("a", 2);
        a.Grad.Span[0] = 0.3f;
        Assert.AreEqual(0.3f, GradientClipping.ClipGradNorm([a], 1f), 1e-7f);
        Assert.AreEqual(0.3f, a.Grad.Span[0]);
    }

    [TestMethod]
    public void GlobalGradNorm_FrozenParameter_NotCounted()
    {
        var a = new Parameter("a", 1);
        var frozen = new Parameter("f", 1) { RequiresGrad = false };
        a.Grad.Span[0] = 2f;
        frozen.Grad.Span[0] = 100f;
        Assert.AreEqual(2f, GradientClipping.GlobalGradNorm([a, frozen]));
        GradientClipping.ClipGradNorm([a, frozen], 1f);
        Assert.AreEqual(100f, frozen.Grad.Span[0]);
    }

    [TestMethod]
    public void ClipGradNorm_NegativeMax_ThrowsNamingMaxNorm()
    {
        Assert.AreEqual("maxNorm", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm([], -1f)).ParamName);
    }
}
