namespace Rnn.Core.Diagnostics;

/// <summary>
/// How the loss gradient reaches a recurrent layer's hidden states: <c>‖∂L/∂h_t‖</c> for every step t,
/// layer and direction, and the gradient norm of every parameter, for one batch.
/// </summary>
/// <remarks>
/// The hidden-state norm is the L2 norm over the batch and hidden units of the total gradient reaching
/// <c>h_t</c> (from the output at t and from step t+1). A vanilla RNN trained on a long-range task shows
/// it decaying geometrically toward the early steps — the vanishing gradient.
/// </remarks>
public sealed class GradientFlow
{
    private readonly float[] _hidden;   // [L, D, T]

    internal GradientFlow(int layers, int directions, int steps, float[] hidden, IReadOnlyDictionary<string, double> parameterNorms)
    {
        Layers = layers;
        Directions = directions;
        Steps = steps;
        _hidden = hidden;
        ParameterGradNorms = parameterNorms;
    }

    /// <summary>L, layers.</summary>
    public int Layers { get; }

    /// <summary>D, directions.</summary>
    public int Directions { get; }

    /// <summary>T, steps of the batch.</summary>
    public int Steps { get; }

    /// <summary>‖∂L/∂h_t‖ for the given layer and direction, step t at index t (0-based).</summary>
    public ReadOnlySpan<float> HiddenGradNorms(int layer, int direction = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, Layers);
        ArgumentOutOfRangeException.ThrowIfNegative(direction);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(direction, Directions);
        return _hidden.AsSpan((layer * Directions + direction) * Steps, Steps);
    }

    /// <summary>L2 norm of every parameter's gradient, by PyTorch name.</summary>
    public IReadOnlyDictionary<string, double> ParameterGradNorms { get; }

    /// <summary>L2 norm over every parameter gradient together (what gradient clipping measures).</summary>
    public double GlobalGradNorm => Math.Sqrt(ParameterGradNorms.Values.Sum(v => v * v));
}
