using TorchSharp;

namespace Rnn.TorchSharp.Tests;

[TestClass]
public sealed class SmokeTest
{
    [TestMethod]
    public void Libtorch_Loads()
    {
        using var x = torch.ones(2, 3);
        Assert.AreEqual(6f, x.sum().item<float>());
    }
}
