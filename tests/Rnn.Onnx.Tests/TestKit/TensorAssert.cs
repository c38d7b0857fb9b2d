namespace Rnn.Onnx.Tests.TestKit;

/// <summary>Element-wise comparison that reports the largest difference (llm.c's check_tensor).</summary>
public static class TensorAssert
{
    /// <summary>The largest |expected − actual| seen by any comparison in this run.</summary>
    public static double MaxDiffSeen { get; private set; }

    /// <summary>Asserts |expected[i] − actual[i]| ≤ tolerance for every i; returns the largest difference.</summary>
    public static double Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string label)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{label}: length");
        double maxDiff = 0;
        int worst = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)expected[i] - actual[i]);
            if (!(diff <= maxDiff)) { maxDiff = diff; worst = i; }
        }
        lock (typeof(TensorAssert)) MaxDiffSeen = Math.Max(MaxDiffSeen, maxDiff);
        if (!(maxDiff <= tolerance))
            Assert.Fail($"{label}: maxdiff {maxDiff:E3} > {tolerance:E1} at {worst} (expected {expected[worst]}, got {actual[worst]}); first values expected [{string.Join(", ", expected[..Math.Min(5, expected.Length)].ToArray())}], got [{string.Join(", ", actual[..Math.Min(5, actual.Length)].ToArray())}]");
        return maxDiff;
    }
}
