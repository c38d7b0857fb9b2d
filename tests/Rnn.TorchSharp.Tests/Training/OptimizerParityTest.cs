using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Optimizers;
using Rnn.TorchSharp.Tests.Models;
using Rnn.TorchSharp.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace Rnn.TorchSharp.Tests.Training;

/// <summary>
/// Rnn.Core's Adam and AdamW against libtorch's on the same weights and the same gradients, over several steps.
/// </summary>
[TestClass]
public sealed class OptimizerParityTest
{
    [TestMethod]
    [DataRow(false, 0f)]
    [DataRow(false, 0.01f)]
    [DataRow(true, 0.01f)]
    public void AdamSteps_MatchLibtorch(bool decoupled, float weightDecay)
    {
        var rng = Oracle.Rng(decoupled ? 401 : 400);
        var options = SequenceModelParityTest.RandomOptions(rng, CellType.Lstm, PoolingKind.Mean, tokens: true);
        var managed = new SequenceModel(options);
        using var torchModel = TorchSequenceModel.FromManaged(managed);
        var parameters = managed.Parameters.Values.ToList();
        Optimizer adam = decoupled ? new AdamW(parameters, 1e-2f, weightDecay: weightDecay) : new Adam(parameters, 1e-2f, weightDecay: weightDecay);
        var torchParameters = torchModel.named_parameters().ToList();
        using optim.Optimizer torchAdam = decoupled
            ? optim.AdamW(torchParameters.Select(p => p.parameter), 1e-2, weight_decay: weightDecay)
            : optim.Adam(torchParameters.Select(p => p.parameter), 1e-2, weight_decay: weightDecay);

        for (int step = 0; step < 5; step++)
        {
            torchAdam.zero_grad();
            foreach (var (name, parameter) in torchParameters)
            {
                // The same random gradient on both sides.
                var grad = managed.Parameters[name].Grad;
                rng.FillUniform(grad.Span, -1f, 1f);
                parameter.grad = TorchParameters.FromManaged(grad);
            }
            adam.Step();
            torchAdam.step();
        }
        foreach (var (name, parameter) in torchParameters)
            Oracle.Close(parameter, managed.Parameters[name].Value.Span, name);
    }
}
