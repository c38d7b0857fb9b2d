using System.Numerics.Tensors;
using Rnn.Core.Internals;

namespace Rnn.Core.Layers;

// N = rows, C = columns (classes)

/// <summary>Row-wise softmax and log-softmax over [N, C] buffers, numerically stable (the row maximum is subtracted first).</summary>
public static class Activations
{
    /// <summary>
    /// Effectively computes <c>y[n, c] = exp(x[n, c] − m_n) / Σ_k exp(x[n, k] − m_n)</c> with <c>m_n = max_k x[n, k]</c>. Allocates nothing.
    /// </summary>
    /// <param name="x">Input, [N, C].</param>
    /// <param name="columns">C, positive.</param>
    /// <param name="y">Output, [N, C]; may be <paramref name="x"/>'s memory (in place).</param>
    /// <exception cref="ArgumentException">The lengths are not a whole number of C-wide rows or differ.</exception>
    public static void Softmax(ReadOnlySpan<float> x, int columns, Span<float> y)
    {
        int rows = CheckRows(x, columns, y);
        for (int n = 0; n < rows; n++)
        {
            var xn = x.Slice(n * columns, columns); // [C]
            var yn = y.Slice(n * columns, columns); // [C]
            float max = TensorPrimitives.Max(xn);
            TensorPrimitives.Subtract(xn, max, yn);
            TensorPrimitives.Exp(yn, yn);
            TensorPrimitives.Divide(yn, TensorPrimitives.Sum(yn), yn);
        }
    }

    /// <summary>
    /// Effectively computes <c>y[n, c] = x[n, c] − m_n − log Σ_k exp(x[n, k] − m_n)</c> with <c>m_n = max_k x[n, k]</c>
    /// (the log-sum-exp in double). Allocates nothing.
    /// </summary>
    /// <param name="x">Input, [N, C].</param>
    /// <param name="columns">C, positive.</param>
    /// <param name="y">Output, [N, C]; may be <paramref name="x"/>'s memory (in place).</param>
    /// <exception cref="ArgumentException">The lengths are not a whole number of C-wide rows or differ.</exception>
    public static void LogSoftmax(ReadOnlySpan<float> x, int columns, Span<float> y)
    {
        int rows = CheckRows(x, columns, y);
        for (int n = 0; n < rows; n++)
        {
            var xn = x.Slice(n * columns, columns); // [C]
            TensorPrimitives.Subtract(xn, (float)LogSumExp(xn), y.Slice(n * columns, columns));
        }
    }

    /// <summary><c>log Σ_c exp(x[c])</c> of one row, computed in double with the maximum subtracted first.</summary>
    internal static double LogSumExp(ReadOnlySpan<float> row)
    {
        double max = TensorPrimitives.Max(row);
        if (double.IsInfinity(max)) return max;
        double sum = 0;
        foreach (float v in row) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    private static int CheckRows(ReadOnlySpan<float> x, int columns, Span<float> y)
    {
        if (columns <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(columns), columns, $"columns must be positive, got {columns}");
        if (x.Length % columns != 0)
            ThrowHelper.ThrowArgument(nameof(x), $"x holds {x.Length} values, not a whole number of rows of {columns}");
        SpanChecks.Length(y.Length, x.Length, nameof(y), $"[N, C] = [{x.Length / columns}, {columns}]");
        return x.Length / columns;
    }
}
