using System.Globalization;

namespace Rnn.Core.Tests.TestSupport;

/// <summary>Element-wise comparison of float buffers with a report in the spirit of llm.c's <c>check_tensor</c>.</summary>
internal static class TensorAssert
{
    /// <summary>
    /// Asserts <c>|expected[i] − actual[i]| ≤ tol·max(1, |expected[i]|)</c> for every i; on failure reports the first
    /// differing index with both values, the maximum difference and the first values of each buffer.
    /// </summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tol, string label)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{label}: length differs");
        int first = -1;
        double maxDiff = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)expected[i] - actual[i]);
            bool ok = diff <= tol * Math.Max(1.0, Math.Abs((double)expected[i])) || expected[i].Equals(actual[i]);
            if (!ok && first < 0) first = i;
            if (!(diff <= maxDiff)) maxDiff = diff;
        }
        if (first >= 0)
        {
            Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{label}: NOT OK, first difference at [{first}]: expected {expected[first]:G9}, actual {actual[first]:G9}; maxdiff {maxDiff:G3} (tol {tol}); expected starts {Head(expected)}, actual starts {Head(actual)}"));
        }
    }

    /// <summary>Compares two tensors' shapes, then their values as <see cref="Close(ReadOnlySpan{float}, ReadOnlySpan{float}, double, string)"/>.</summary>
    public static void Close(Tensor expected, Tensor actual, double tol, string label)
    {
        Assert.AreEqual(expected.ShapeString, actual.ShapeString, $"{label}: shape differs");
        Close(expected.Span, actual.Span, tol, label);
    }

    private static string Head(ReadOnlySpan<float> values)
    {
        var parts = new List<string>();
        for (int i = 0; i < Math.Min(5, values.Length); i++) parts.Add(values[i].ToString("G6", CultureInfo.InvariantCulture));
        return "[" + string.Join(", ", parts) + (values.Length > 5 ? ", ...]" : "]");
    }
}
