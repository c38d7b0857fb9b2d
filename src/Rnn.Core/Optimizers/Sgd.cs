using Rnn.Core.Internals;

namespace Rnn.Core.Optimizers;

/// <summary>Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay: PyTorch's <c>torch.optim.SGD</c>.</summary>
/// <remarks>
/// <para>Per parameter θ with gradient g, at step t (PyTorch's algorithm):</para>
/// <code>
/// g ← g + λ θ                                  (weight decay λ)
/// b ← g                          at t = 1      (momentum μ ≠ 0: the buffer starts as the gradient itself)
/// b ← μ b + (1 − τ) g            at t &gt; 1      (dampening τ)
/// g ← g + μ b  (Nesterov)   or   g ← b
/// θ ← θ − γ g                                  (learning rate γ)
/// </code>
/// <para>State: <c>momentum_buffer</c> per parameter when μ ≠ 0.</para>
/// </remarks>
public sealed class Sgd : Optimizer
{
    private static readonly string[] Names = ["momentum_buffer"];

    /// <summary>Creates an SGD optimiser.</summary>
    /// <param name="parameters">Parameters to update.</param>
    /// <param name="learningRate">γ, finite and non-negative (PyTorch requires it; no default).</param>
    /// <param name="momentum">μ, non-negative. Default 0.</param>
    /// <param name="dampening">τ, applied to the gradient in the momentum update. Default 0.</param>
    /// <param name="weightDecay">λ, L2 penalty added to the gradient; non-negative. Default 0.</param>
    /// <param name="nesterov">Use Nesterov momentum; needs μ &gt; 0 and τ = 0. Default false.</param>
    public Sgd(IEnumerable<Parameter> parameters, float learningRate, float momentum = 0f, float dampening = 0f, float weightDecay = 0f, bool nesterov = false)
        : base(parameters, learningRate)
    {
        OptimizerChecks.NonNegative(momentum, nameof(momentum));
        OptimizerChecks.NonNegative(weightDecay, nameof(weightDecay));
        if (!float.IsFinite(dampening)) ThrowHelper.ThrowArgumentOutOfRange(nameof(dampening), dampening, $"dampening must be finite, got {dampening}");
        if (nesterov && (momentum <= 0f || dampening != 0f))
            ThrowHelper.ThrowArgument(nameof(nesterov), $"Nesterov momentum requires momentum > 0 and zero dampening, got momentum {momentum}, dampening {dampening}");
        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
    }

    /// <summary>μ.</summary>
    public float Momentum { get; }

    /// <summary>τ.</summary>
    public float Dampening { get; }

    /// <summary>λ.</summary>
    public float WeightDecay { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    protected override IReadOnlyList<string> StateNames => Names;

    /// <inheritdoc />
    protected override void Update(int index, Span<float> value, ReadOnlySpan<float> grad, long step)
    {
        float lr = LearningRate, mu = Momentum, wd = WeightDecay, keep = 1f - Dampening;
        bool first = !TryGetBuffer(index, Names[0], out var buf);
        if (Momentum != 0f && first) buf = GetBuffer(index, Names[0]);
        for (int i = 0; i < value.Length; i++)
        {
            float g = grad[i];
            if (wd != 0f) g += wd * value[i];                  // L2 weight decay folded into the gradient
            if (mu != 0f)
            {
                buf[i] = first ? g : mu * buf[i] + keep * g;   // momentum buffer: starts as the gradient, then a damped running sum
                g = Nesterov ? g + mu * buf[i] : buf[i];       // Nesterov looks one momentum step ahead
            }
            value[i] += -lr * g;                               // descend
        }
    }
}
