namespace Rnn.Core.Optimizers;

/// <summary>Adam with decoupled weight decay: PyTorch's <c>torch.optim.AdamW</c> (without amsgrad).</summary>
/// <remarks>
/// Each step first shrinks the parameter, <c>θ ← θ (1 − γ λ)</c>, then applies the Adam update of <see cref="Adam"/> with
/// the raw gradient (Loshchilov and Hutter, "Decoupled Weight Decay Regularization"). State as <see cref="Adam"/>.
/// </remarks>
public sealed class AdamW : Adam
{
    /// <summary>Creates an AdamW optimiser.</summary>
    /// <param name="parameters">Parameters to update.</param>
    /// <param name="learningRate">γ. Default 1e-3.</param>
    /// <param name="beta1">β₁, in [0, 1). Default 0.9.</param>
    /// <param name="beta2">β₂, in [0, 1). Default 0.999.</param>
    /// <param name="eps">ε, non-negative. Default 1e-8.</param>
    /// <param name="weightDecay">λ, decoupled decay; non-negative. Default 1e-2 (PyTorch).</param>
    public AdamW(IEnumerable<Parameter> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 1e-2f)
        : base(parameters, learningRate, beta1, beta2, eps, weightDecay, decoupledWeightDecay: true)
    {
    }
}
