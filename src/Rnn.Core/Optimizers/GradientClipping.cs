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
    /// <remarks>Allocates nothing when <paramref name="parameters"/> is a list (e.g. <see cref="Optimizer.Parameters"/>).</remarks>
    public static float ClipGradNorm(IEnumerable<Parameter> parameters, float maxNorm)
    {
        OptimizerChecks.NonNegative(maxNorm, nameof(maxNorm));
        double norm = Norm(parameters);
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1.0)
        {
            if (parameters is IReadOnlyList<Parameter> list)
            {
                for (int i = 0; i < list.Count; i++) Scale(list[i], (float)coefficient);
            }
            else
            {
                foreach (var p in parameters) Scale(p, (float)coefficient);
            }
        }
        return (float)norm;
    }

    private static void Scale(Parameter p, float coefficient)
    {
        if (p.RequiresGrad) System.Numerics.Tensors.TensorPrimitives.Multiply(p.Grad.Span, coefficient, p.Grad.Span);
    }

    private static double Norm(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        double sum = 0;
        if (parameters is IReadOnlyList<Parameter> list)
        {
            for (int i = 0; i < list.Count; i++) sum += SquaredNorm(list[i]);
        }
        else
        {
            foreach (var p in parameters) sum += SquaredNorm(p);
        }
        return Math.Sqrt(sum);
    }

    private static double SquaredNorm(Parameter p)
    {
        if (!p.RequiresGrad) return 0;
        double sum = 0;
        foreach (float g in p.Grad.Span) sum += (double)g * g;
        return sum;
    }
}
