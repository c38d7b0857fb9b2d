using Rnn.Onnx.Export;
using DataType = Rnn.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Rnn.Onnx.Tests.TestKit;

/// <summary>The harness itself: the captured ONNX Runtime log does see a warning, so "no warnings" means something.</summary>
[TestClass]
public sealed class OrtTest
{
    [TestMethod]
    public void Session_ModelWithUnusedInitializer_WarningIsCaptured()
    {
        var g = new OnnxGraphBuilder("unused_initializer", "Identity plus an initializer no node reads.");
        g.Input("x", DataType.Float, "input", "n");
        g.Floats("unused", [1f, 2f], 2);
        g.Node("Identity", "y", ["x"]);
        g.Output("y", DataType.Float, "output", "n");
        byte[] model = Google.Protobuf.MessageExtensions.ToByteArray(g.ToModel(8, 17, "test", "test", []));
        Ort.TakeLog();
        using var session = Ort.Session(model);
        string[] log = Ort.TakeLog();
        Assert.IsTrue(log.Any(m => m.Contains("unused", StringComparison.Ordinal)), $"captured: [{string.Join(" | ", log)}]");
    }
}
