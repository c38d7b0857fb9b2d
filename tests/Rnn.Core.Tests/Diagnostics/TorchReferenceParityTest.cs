using Rnn.Core.Diagnostics;

namespace Rnn.Core.Tests.Diagnostics;

[TestClass]
public sealed class TorchReferenceParityTest
{
    private static readonly string RefsPath = Path.Combine(AppContext.BaseDirectory, "TestData", "torch_rnn_refs.json");

    private static IReadOnlyList<ParityCaseResult>? _results;

    private static IReadOnlyList<ParityCaseResult> Results => _results ??= TorchReferenceParity.Run(RefsPath);

    [TestMethod]
    public void Run_EveryPyTorchCase_ForwardAndGradientsWithin1e5()
    {
        Assert.AreEqual(48, Results.Count, "the reference file holds 32 full and 16 packed cases");
        foreach (var r in Results)
            Assert.IsTrue(r.MaxAbsError < 1e-5, $"{r.Id}: max abs error {r.MaxAbsError:E2} in {r.WorstQuantity}");
    }

    [TestMethod]
    public void Run_PackedCases_CoverEveryModeAndDirection()
    {
        var packed = Results.Where(r => r.Id.EndsWith("_packed", StringComparison.Ordinal)).Select(r => r.Id).ToList();
        Assert.AreEqual(16, packed.Count);
        foreach (string mode in new[] { "RNN_TANH", "RNN_RELU", "LSTM", "GRU" })
        {
            Assert.IsTrue(packed.Any(id => id.StartsWith(mode, StringComparison.Ordinal) && id.Contains("_bi_", StringComparison.Ordinal)), mode);
            Assert.IsTrue(packed.Any(id => id.StartsWith(mode, StringComparison.Ordinal) && id.Contains("_uni_", StringComparison.Ordinal)), mode);
        }
    }

    [TestMethod]
    public void Run_ComparesEveryParameterGradient()
    {
        var lstm = Results.Single(r => r.Id == "LSTM_L2_bi_h0");
        foreach (string name in new[] { "weight_ih_l0", "weight_hh_l1_reverse", "bias_ih_l1", "bias_hh_l0_reverse" })
            Assert.IsTrue(lstm.Errors.ContainsKey($"grad {name}"), name);
        Assert.IsTrue(lstm.Errors.ContainsKey("grad c0"));
        Assert.IsTrue(lstm.Errors.ContainsKey("c_n"));
    }

    [TestMethod]
    public void Run_WrongFormat_ThrowsNamingTheFile()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """{"format": "something-else", "cases": []}""");
            var ex = Assert.ThrowsExactly<InvalidDataException>(() => TorchReferenceParity.Run(path));
            StringAssert.Contains(ex.Message, path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
