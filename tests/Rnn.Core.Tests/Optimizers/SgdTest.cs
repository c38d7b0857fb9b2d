using Rnn.Core.Optimizers;
using Rnn.Core.Tests.TestSupport;

namespace Rnn.Core.Tests.Optimizers;

[TestClass]
public sealed class SgdTest
{
    [TestMethod]
    public void Step_Plain_MatchesPyTorch()
    {
        // torch.optim.SGD([p], lr=0.1)
        OptimizerFixture.AssertMatches(p => new Sgd([p], 0.1f),
        [
            [0.49000000953674316f, -0.9800000190734863f, 1.9700000286102295f, 0.0f],
            [0.5400000214576721f, -1.0199999809265137f, 1.965000033378601f, -0.10000000149011612f],
            [0.5200000405311584f, -1.0399999618530273f, 1.975000023841858f, -0.07000000029802322f],
        ], "sgd");
    }

    [TestMethod]
    public void Step_MomentumDampeningWeightDecay_MatchesPyTorch()
    {
        // torch.optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)
        OptimizerFixture.AssertMatches(p => new Sgd([p], 0.1f, momentum: 0.9f, dampening: 0.1f, weightDecay: 0.01f),
        [
            [0.4894999861717224f, -0.9789999723434448f, 1.968000054359436f, 0.0f],
            [0.5246094465255737f, -0.9952188730239868f, 1.9329288005828857f, -0.08999999612569809f],
            [0.5377358198165894f, -1.026920199394226f, 1.9086251258850098f, -0.1439189910888672f],
        ], "sgd momentum");
    }

    [TestMethod]
    public void Step_Nesterov_MatchesPyTorch()
    {
        // torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True)
        OptimizerFixture.AssertMatches(p => new Sgd([p], 0.1f, momentum: 0.9f, nesterov: true),
        [
            [0.48100000619888306f, -0.9620000123977661f, 1.9429999589920044f, 0.0f],
            [0.5679000020027161f, -1.0218000411987305f, 1.9091999530792236f, -0.1899999976158142f],
            [0.5631099939346313f, -1.077620029449463f, 1.9022799730300903f, -0.21399998664855957f],
        ], "sgd nesterov");
    }

    [TestMethod]
    public void Step_FrozenParameter_Unchanged()
    {
        var p = OptimizerFixture.NewParameter();
        p.RequiresGrad = false;
        p.Grad.Span.Fill(1f);
        new Sgd([p], 0.1f).Step();
        CollectionAssert.AreEqual(OptimizerFixture.Initial, p.Value.Span.ToArray());
    }

    [TestMethod]
    public void Constructor_NesterovWithoutMomentum_ThrowsNamingNesterov()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new Sgd([OptimizerFixture.NewParameter()], 0.1f, nesterov: true));
        Assert.AreEqual("nesterov", ex.ParamName);
    }

    [TestMethod]
    public void Constructor_BadHyperparameters_ThrowNamingThem()
    {
        var p = OptimizerFixture.NewParameter();
        Assert.AreEqual("LearningRate", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Sgd([p], -1f)).ParamName);
        Assert.AreEqual("momentum", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Sgd([p], 0.1f, momentum: float.NaN)).ParamName);
        Assert.AreEqual("parameters", Assert.ThrowsExactly<ArgumentException>(() => new Sgd([p, p], 0.1f)).ParamName);
    }
}
