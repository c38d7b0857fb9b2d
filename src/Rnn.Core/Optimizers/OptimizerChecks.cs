using Rnn.Core.Internals;

namespace Rnn.Core.Optimizers;

/// <summary>Hyperparameter checks shared by the optimisers and schedules.</summary>
internal static class OptimizerChecks
{
    /// <summary>Throws unless <paramref name="value"/> is finite and ≥ 0.</summary>
    public static void NonNegative(float value, string paramName)
    {
        if (!(value >= 0f) || float.IsPositiveInfinity(value))
            ThrowHelper.ThrowArgumentOutOfRange(paramName, value, $"{paramName} must be finite and non-negative, got {value}");
    }

    /// <summary>Throws unless <paramref name="value"/> is in [0, 1).</summary>
    public static void UnitInterval(float value, string paramName)
    {
        if (!(value >= 0f && value < 1f))
            ThrowHelper.ThrowArgumentOutOfRange(paramName, value, $"{paramName} must be in [0, 1), got {value}");
    }

    /// <summary>Throws unless <paramref name="value"/> is positive.</summary>
    public static void Positive(int value, string paramName)
    {
        if (value <= 0) ThrowHelper.ThrowArgumentOutOfRange(paramName, value, $"{paramName} must be positive, got {value}");
    }

    /// <summary>Throws unless <paramref name="step"/> is ≥ 0 (schedules are indexed from 0).</summary>
    public static void Step(int step)
    {
        if (step < 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(step), step, $"step must be non-negative, got {step}");
    }
}
