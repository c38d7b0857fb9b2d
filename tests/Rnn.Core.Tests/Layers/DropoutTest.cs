using Rnn.Core.Layers;
using Rnn.Core.Tests.TestSupport;

namespace Rnn.Core.Tests.Layers;

[TestClass]
public sealed class DropoutTest
{
    [TestMethod]
    public void Forward_Training_ZeroesAboutPAndScalesSurvivors()
    {
        var dropout = new Dropout(0.3f, seed: 5);
        var x = Enumerable.Repeat(1f, 10_000).ToArray();
        var y = new float[x.Length];
        dropout.Forward(x, y);
        int zeros = y.Count(v => v == 0f);
        Assert.AreEqual(0.3, zeros / (double)x.Length, 0.02);
        Assert.IsTrue(y.Where(v => v != 0f).All(v => v == 1f / 0.7f));
        CollectionAssert.AreEqual(y, dropout.Mask.ToArray());
    }

    [TestMethod]
    public void Forward_Eval_Identity()
    {
        var dropout = new Dropout(0.5f);
        dropout.Eval();
        var x = GradCheck.RandomValues(20, 1);
        var y = new float[20];
        dropout.Forward(x, y);
        CollectionAssert.AreEqual(x, y);
        var dX = new float[20];
        dropout.Backward(dX, x);
        CollectionAssert.AreEqual(x, dX);
    }

    [TestMethod]
    public void Forward_SameSeed_SameMasks()
    {
        var a = new Dropout(0.5f, seed: 9);
        var b = new Dropout(0.5f, seed: 9);
        var x = GradCheck.RandomValues(64, 2);
        for (int call = 0; call < 2; call++)
        {
            CollectionAssert.AreEqual(a.Forward(Tensor.From(x, 64)).Span.ToArray(), b.Forward(Tensor.From(x, 64)).Span.ToArray());
        }
    }

    [TestMethod]
    public void Backward_FixedMask_MatchesFiniteDifferences()
    {
        var x = GradCheck.RandomValues(30, 3);
        var r = GradCheck.RandomValues(30, 4);
        var y = new float[30];
        // A fresh layer with the same seed replays the same mask on every loss evaluation.
        double Loss()
        {
            new Dropout(0.4f, seed: 1).Forward(x, y);
            return GradCheck.WeightedSum(y, r);
        }
        var dropout = new Dropout(0.4f, seed: 1);
        dropout.Forward(x, y);
        var dX = new float[30];
        dropout.Backward(dX, r);
        GradCheck.Check(Loss, x, dX, "x");
    }

    [TestMethod]
    public void Forward_CallerMaskInPlace_BackwardUsesSameMask()
    {
        var dropout = new Dropout(0.5f, seed: 3);
        var x = GradCheck.RandomValues(16, 5);
        var y = (float[])x.Clone();
        var mask = new float[16];
        dropout.Forward(y, y, mask);
        for (int i = 0; i < 16; i++) Assert.AreEqual(x[i] * mask[i], y[i]);
        var dX = new float[16];
        dropout.Backward(dX, Enumerable.Repeat(1f, 16).ToArray(), mask);
        CollectionAssert.AreEqual(mask, dX);
    }

    [TestMethod]
    [DataRow(-0.1f)]
    [DataRow(1f)]
    [DataRow(float.NaN)]
    public void Constructor_ProbabilityOutsideRange_ThrowsNamingP(float p)
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Dropout(p));
        Assert.AreEqual("p", ex.ParamName);
    }
}
