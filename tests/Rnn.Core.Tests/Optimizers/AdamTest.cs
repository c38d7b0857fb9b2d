using Rnn.Core.Optimizers;
using Rnn.Core.Tests.TestSupport;

namespace Rnn.Core.Tests.Optimizers;

[TestClass]
public sealed class AdamTest
{
    [TestMethod]
    public void Step_Defaults_MatchesPyTorch()
    {
        // torch.optim.Adam([p])
        OptimizerFixture.AssertMatches(p => new Adam([p]),
        [
            [0.49900001287460327f, -0.9990000128746033f, 1.9989999532699585f, 0.0f],
            [0.49959835410118103f, -0.9993661046028137f, 1.9982166290283203f, -0.0007441368070431054f],
            [0.4997955560684204f, -0.9998853206634521f, 1.9978411197662354f, -0.0011114287190139294f],
        ], "adam");
    }

    [TestMethod]
    public void Step_L2WeightDecay_MatchesPyTorch()
    {
        // torch.optim.Adam([p], lr=0.01, weight_decay=0.1)
        OptimizerFixture.AssertMatches(p => new Adam([p], 0.01f, weightDecay: 0.1f),
        [
            [0.49000000953674316f, -0.9900000095367432f, 1.9900000095367432f, 0.0f],
            [0.4949477016925812f, -0.9905429482460022f, 1.9806840419769287f, -0.007441367954015732f],
            [0.4953632652759552f, -0.9924286603927612f, 1.972485899925232f, -0.01110897958278656f],
        ], "adam weight decay");
    }

    [TestMethod]
    [DataRow(0f, false), DataRow(0.1f, false), DataRow(0.1f, true)]
    public void Step_LargeParameter_VectorAndThreadedUpdate_EqualsElementByElementFormula(float weightDecay, bool decoupled)
    {
        // 70,003 elements: split over the threads, Vector512 body and a scalar tail; each element must get the
        // one-element formula (the documented PyTorch update), to rounding (the JIT may fuse a multiply-add).
        const int n = 70_003;
        var rng = new Rnn.Core.Numerics.Rng(3);
        var p = new Parameter("w", n);
        rng.FillNormal(p.Value.Span);
        float[] value = p.Value.Span.ToArray(), m = new float[n], v = new float[n];
        Optimizer adam = decoupled ? new AdamW([p], 0.01f, weightDecay: weightDecay) : new Adam([p], 0.01f, weightDecay: weightDecay);
        for (int step = 1; step <= 3; step++)
        {
            rng.FillNormal(p.Grad.Span);
            float[] grad = p.Grad.Span.ToArray();
            adam.Step();
            float stepSize = (float)(0.01 / (1.0 - Math.Pow(0.9f, step)));
            float bc2 = (float)Math.Sqrt(1.0 - Math.Pow(0.999f, step));
            float decay = decoupled ? (float)(1.0 - 0.01 * (double)weightDecay) : 1f;
            float l2 = decoupled ? 0f : weightDecay;
            for (int i = 0; i < n; i++)
            {
                float g = grad[i];
                if (l2 != 0f) g += l2 * value[i];
                if (decay != 1f) value[i] *= decay;
                m[i] = 0.9f * m[i] + (1f - 0.9f) * g;
                v[i] = 0.999f * v[i] + (1f - 0.999f) * g * g;
                value[i] -= stepSize * (m[i] / (MathF.Sqrt(v[i]) / bc2 + 1e-8f));
            }
            ReadOnlySpan<float> actual = p.Value.Span;
            for (int i = 0; i < n; i++)
                Assert.AreEqual(value[i], actual[i], 1e-6f * (1f + Math.Abs(value[i])), $"step {step}, element {i}");
        }
    }

    [TestMethod]
    public void SaveState_ThenLoadState_ResumesIdentically()
    {
        var a = OptimizerFixture.NewParameter();
        var adam = new Adam([a], 0.01f);
        Step(adam, a, OptimizerFixture.Grads[0]);
        Step(adam, a, OptimizerFixture.Grads[1]);
        var state = new MemoryStream();
        adam.SaveState(state);

        var b = Parameter(a.Value.Span);
        var resumed = new Adam([b], 0.5f);
        state.Position = 0;
        resumed.LoadState(state);
        Assert.AreEqual(0.01f, resumed.LearningRate);
        Step(adam, a, OptimizerFixture.Grads[2]);
        Step(resumed, b, OptimizerFixture.Grads[2]);
        CollectionAssert.AreEqual(a.Value.Span.ToArray(), b.Value.Span.ToArray());
    }

    [TestMethod]
    public void LoadState_OtherOptimizerOrShape_ThrowsNamingProblem()
    {
        var p = OptimizerFixture.NewParameter();
        var sgd = new Sgd([p], 0.1f, momentum: 0.9f);
        Step(sgd, p, OptimizerFixture.Grads[0]);
        var state = new MemoryStream();
        sgd.SaveState(state);
        state.Position = 0;
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => new Adam([p]).LoadState(state, "opt.safetensors"));
        StringAssert.Contains(ex.Message, "opt.safetensors");
        StringAssert.Contains(ex.Message, "holds Sgd state, this optimiser is Adam");

        state.Position = 0;
        var ex2 = Assert.ThrowsExactly<InvalidDataException>(() => new Sgd([new Parameter("q", 2, 2)], 0.1f).LoadState(state));
        StringAssert.Contains(ex2.Message, "'state.0.momentum_buffer' has shape (4,), parameter 0 ('q') has (2, 2)");
    }

    [TestMethod]
    public void Constructor_BetaOutOfRange_ThrowsNamingBeta()
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Adam([OptimizerFixture.NewParameter()], beta2: 1f));
        Assert.AreEqual("beta2", ex.ParamName);
    }

    private static Parameter Parameter(ReadOnlySpan<float> values)
    {
        var p = new Parameter("p", values.Length);
        values.CopyTo(p.Value.Span);
        return p;
    }

    private static void Step(Optimizer optimizer, Parameter p, float[] grad)
    {
        grad.CopyTo(p.Grad.Span);
        optimizer.Step();
    }
}
