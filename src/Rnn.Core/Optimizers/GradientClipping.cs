namespace Rnn.Core.Optimizers;

/// <summary>Global gradient-norm utilities, PyTorch's <c>torch.nn.utils.clip_grad_norm_</c>.</summary>
/// <remarks>Only parameters with <see cref="Parameter.RequiresGrad"/> count (PyTorch skips parameters whose grad is None).</remarks>
public static class GradientClipping
{
    /// <summary>The L2 norm of all gradients taken together, <c>√(Σ_p Σ_i g²)</c>, accumulated in double.</summary>
    public static float GlobalGradNorm(IEnumerable<Parameter> parameters) => (float)Norm(parameters);

    /// <summary>
    /// Scales every gradient by <c>maxNorm / (norm + 1e-6)</c> when that factor is below 1, i.e. when the global norm exceeds
    /// <paramref name="maxNorm"/>; returns the global norm before clipping. A non-finite norm leaves the gradients unchanged.
    /// </summary>
    /// <param name="parameters">Parameters whose gradients are clipped together.</param>
    /// <param name="maxNorm">Largest allowed global norm; finite and non-negative.</param>
    public static float ClipGradNorm(IEnumerable<Parameter> parameters, float maxNorm)
    {
        OptimizerChecks.NonNegative(maxNorm, nameof(maxNorm));
        var list = parameters.Where(p => p.RequiresGrad).ToList();
        double norm = Norm(list);
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1.0)
        {
            foreach (var p in list) System.Numerics.Tensors.TensorPrimitives.Multiply(p.Grad.Span, (float)coefficient, p.Grad.Span);
        }
        return (float)norm;
    }

    private static double Norm(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        double sum = 0;
        foreach (var p in parameters)
        {
            if (!p.RequiresGrad) continue;
            foreach (float g in p.Grad.Span) sum += (double)g * g;
        }
        return Math.Sqrt(sum);
    }
}
