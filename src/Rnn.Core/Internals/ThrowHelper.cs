using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Rnn.Core.Internals;

/// <summary>Central throw sites: messages say what was expected and what came.</summary>
[StackTraceHidden]
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowArgument(string paramName, string message) => throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void ThrowArgumentOutOfRange(string paramName, object? actual, string message) =>
        throw new ArgumentOutOfRangeException(paramName, actual, message);

    [DoesNotReturn]
    public static void ThrowInvalidOperation(string message) => throw new InvalidOperationException(message);

    [DoesNotReturn]
    public static void ThrowInvalidData(string message) => throw new InvalidDataException(message);

    /// <summary>Throws when <paramref name="tensor"/> does not have rank <paramref name="rank"/>.</summary>
    public static void CheckRank(Tensor tensor, int rank, string paramName, string layout)
    {
        if (tensor.Rank != rank)
            ThrowArgument(paramName, $"{paramName} must have rank {rank} {layout}, got shape {tensor.ShapeString}");
    }

    /// <summary>Throws when dimension <paramref name="dim"/> of <paramref name="tensor"/> is not <paramref name="expected"/>.</summary>
    public static void CheckDim(Tensor tensor, int dim, int expected, string paramName, string what)
    {
        if (tensor.Size(dim) != expected)
            ThrowArgument(paramName, $"{what} of {paramName} must be {expected}, got {tensor.Size(dim)} (shape {tensor.ShapeString})");
    }

    /// <summary>Throws when <paramref name="tensor"/>'s shape is not exactly <paramref name="shape"/>.</summary>
    public static void CheckShape(Tensor tensor, string paramName, params ReadOnlySpan<int> shape)
    {
        if (!tensor.Shape.SequenceEqual(shape))
            ThrowArgument(paramName, $"{paramName} must have shape {Tensor.FormatShape(shape)}, got {tensor.ShapeString}");
    }
}
