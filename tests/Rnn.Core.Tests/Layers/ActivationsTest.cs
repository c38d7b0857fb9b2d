using Rnn.Core.Layers;
using Rnn.Core.Tests.TestSupport;

namespace Rnn.Core.Tests.Layers;

[TestClass]
public sealed class ActivationsTest
{
    private static readonly float[] X = [1.0f, 2.0f, 0.5f, 0.1f, -1.0f, 3.0f, 2.0f, 2.0f, 2.0f, -0.5f, 0.25f, 1.5f];

    [TestMethod]
    public void LogSoftmax_Rows_MatchesPyTorch()
    {
        // torch 1.13: torch.log_softmax(x.view(4, 3), 1)
        float[] expected = [-1.4643688201904297f, -0.4643687903881073f, -1.9643688201904297f, -2.9707744121551514f, -4.070774078369141f,
            -0.07077422738075256f, -1.0986123085021973f, -1.0986123085021973f, -1.0986123085021973f, -2.351951837539673f, -1.6019518375396729f, -0.35195186734199524f];
        var y = new float[12];
        Activations.LogSoftmax(X, 3, y);
        TensorAssert.Close(expected, y, 1e-6, "log_softmax");
    }

    [TestMethod]
    public void Softmax_InPlace_RowsSumToOneAndMatchExpOfLogSoftmax()
    {
        var logp = new float[12];
        Activations.LogSoftmax(X, 3, logp);
        var p = (float[])X.Clone();
        Activations.Softmax(p, 3, p);
        TensorAssert.Close(logp.Select(MathF.Exp).ToArray(), p, 1e-6, "softmax");
        for (int n = 0; n < 4; n++) Assert.AreEqual(1.0, p.Skip(3 * n).Take(3).Sum(), 1e-6);
    }

    [TestMethod]
    public void Softmax_HugeLogits_Finite()
    {
        var y = new float[2];
        Activations.Softmax([1e30f, 0f], 2, y);
        CollectionAssert.AreEqual(new[] { 1f, 0f }, y);
    }

    [TestMethod]
    public void Softmax_NotWholeRows_ThrowsNamingX()
    {
        Assert.AreEqual("x", Assert.ThrowsExactly<ArgumentException>(() => Activations.Softmax(new float[5], 3, new float[5])).ParamName);
    }
}
