using Rnn.Core.Optimizers;

namespace Rnn.Core.Tests.TestSupport;

/// <summary>
/// The tiny problem behind the PyTorch golden values of the optimiser tests: θ₀ = [0.5, −1, 2, 0] and three fixed gradients.
/// Reference: <c>p = torch.nn.Parameter(torch.tensor(θ₀)); opt = torch.optim.X([p], ...); for g in Grads: p.grad = torch.tensor(g); opt.step()</c>
/// with torch 1.13 (script in the test files' comments), printing p after each step.
/// </summary>
internal static class OptimizerFixture
{
    public static readonly float[] Initial = [0.5f, -1.0f, 2.0f, 0.0f];

    public static readonly float[][] Grads =
    [
        [0.1f, -0.2f, 0.3f, 0.0f],
        [-0.5f, 0.4f, 0.05f, 1.0f],
        [0.2f, 0.2f, -0.1f, -0.3f],
    ];

    public static Parameter NewParameter()
    {
        var p = new Parameter("p", 4);
        Initial.CopyTo(p.Value.Span);
        return p;
    }

    /// <summary>Runs the three steps and compares θ after each with <paramref name="expected"/>.</summary>
    public static void AssertMatches(Func<Parameter, Optimizer> create, float[][] expected, string label)
    {
        var p = NewParameter();
        var optimizer = create(p);
        for (int t = 0; t < Grads.Length; t++)
        {
            optimizer.ZeroGrad();
            Grads[t].CopyTo(p.Grad.Span);
            optimizer.Step();
            TensorAssert.Close(expected[t], p.Value.Span, 2e-6, $"{label} after step {t + 1}");
        }
    }
}
