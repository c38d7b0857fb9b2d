using System.Runtime.CompilerServices;

namespace Rnn.Core.Internals;

/// <summary>Argument checks shared by the span-based layer and loss entry points.</summary>
internal static class SpanChecks
{
    /// <summary>Throws when a buffer does not hold exactly <paramref name="expected"/> values.</summary>
    /// <param name="actual">The buffer's length.</param>
    /// <param name="expected">The length the layout needs.</param>
    /// <param name="paramName">The argument's name.</param>
    /// <param name="layout">The layout with its sizes, e.g. <c>[N, I] = [3, 4]</c>.</param>
    public static void Length(int actual, long expected, string paramName, string layout)
    {
        if (actual != expected)
            ThrowHelper.ThrowArgument(paramName, $"{paramName} must hold {expected} values {layout}, got {actual}");
    }

    /// <summary>
    /// Throws when a buffer does not hold exactly <paramref name="expected"/> values; the interpolated layout is only
    /// formatted when it does not (the check allocates nothing on the hot path).
    /// </summary>
    /// <param name="actual">The buffer's length.</param>
    /// <param name="expected">The length the layout needs.</param>
    /// <param name="paramName">The argument's name.</param>
    /// <param name="layout">The layout with its sizes, e.g. <c>$"[N, I] = [{n}, {i}]"</c>.</param>
    public static void Length(int actual, long expected, string paramName,
        [InterpolatedStringHandlerArgument(nameof(actual), nameof(expected))] ref LayoutHandler layout)
    {
        if (actual != expected) Length(actual, expected, paramName, layout.ToStringAndClear());
    }

    /// <summary>Formats a layout message only when the lengths differ (see <see cref="Length(int, long, string, ref LayoutHandler)"/>).</summary>
    [InterpolatedStringHandler]
    public ref struct LayoutHandler
    {
        private DefaultInterpolatedStringHandler _inner;

        /// <summary>Starts formatting only when <paramref name="actual"/> differs from <paramref name="expected"/>.</summary>
        public LayoutHandler(int literalLength, int formattedCount, int actual, long expected, out bool shouldAppend)
        {
            shouldAppend = actual != expected;
            _inner = shouldAppend ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
        }

        /// <summary>Appends literal text.</summary>
        public void AppendLiteral(string value) => _inner.AppendLiteral(value);

        /// <summary>Appends a formatted value.</summary>
        public void AppendFormatted<T>(T value) => _inner.AppendFormatted(value);

        /// <summary>The formatted message.</summary>
        public string ToStringAndClear() => _inner.ToStringAndClear();
    }

    /// <summary>Throws when <paramref name="value"/> is negative.</summary>
    public static void NonNegative(int value, string paramName)
    {
        if (value < 0)
            ThrowHelper.ThrowArgumentOutOfRange(paramName, value, $"{paramName} must be non-negative, got {value}");
    }

    /// <summary>
    /// Rows of a tensor whose last dimension is <paramref name="features"/> (every leading dimension
    /// flattened): a [B, T, I] input is N = B·T rows of I values.
    /// </summary>
    public static int Rows(Tensor x, int features, string paramName)
    {
        ArgumentNullException.ThrowIfNull(x, paramName);
        if (x.Rank == 0)
            ThrowHelper.ThrowArgument(paramName, $"{paramName} must have at least one dimension, got a scalar");
        if (x.Size(-1) != features)
            ThrowHelper.ThrowArgument(paramName, $"last dimension of {paramName} must be {features}, got {x.Size(-1)} (shape {x.ShapeString})");
        return x.Length / features;
    }

    /// <summary><paramref name="x"/>'s shape with the last dimension replaced by <paramref name="last"/>.</summary>
    public static int[] WithLastDim(Tensor x, int last)
    {
        int[] shape = x.Shape.ToArray();
        shape[^1] = last;
        return shape;
    }
}
