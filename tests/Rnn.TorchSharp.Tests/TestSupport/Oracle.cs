using System.Globalization;
using Rnn.Core.Numerics;
using TorchSharp;
using static TorchSharp.torch;
using ManagedTensor = Rnn.Core.Tensor;
using Tensor = TorchSharp.torch.Tensor;

namespace Rnn.TorchSharp.Tests.TestSupport;

/// <summary>
/// libtorch as an in-process oracle: element-wise comparison of the managed engine's buffers with libtorch's tensors,
/// reporting the maximum difference (llm.c's <c>check_tensor</c>), and the per-run seed that draws the random sizes.
/// </summary>
internal static class Oracle
{
    /// <summary>float32 tolerance of every parity check: |torch − managed| ≤ 1e-4·max(1, |torch|).</summary>
    public const double Tolerance = 1e-4;

    private static readonly Lock Gate = new();
    private static double _maxError;
    private static int _checked;

    /// <summary>
    /// The seed of this run's random sizes: the environment variable RNN_ORACLE_SEED when set (to replay a failure), else
    /// drawn from the clock. Printed by every test that uses it.
    /// </summary>
    public static int Seed { get; } = int.TryParse(Environment.GetEnvironmentVariable("RNN_ORACLE_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int s)
        ? s : Environment.TickCount & 0x7fffffff;

    /// <summary>A generator for one test, derived from <see cref="Seed"/> and the test's own salt.</summary>
    public static Rng Rng(int salt) => new(((long)Seed << 16) ^ salt);

    /// <summary>Largest difference seen so far in this process, and the number of tensors compared.</summary>
    public static (double MaxError, int Checked) Summary
    {
        get
        {
            lock (Gate) return (_maxError, _checked);
        }
    }

    /// <summary>Compares a libtorch tensor (expected) with a managed buffer (actual); returns the maximum absolute difference.</summary>
    public static double Close(Tensor expected, ReadOnlySpan<float> actual, string label)
    {
        var values = new float[expected.numel()];
        TorchParameters.ToManaged(expected, values);
        return Close(values, actual, label);
    }

    /// <summary>Compares two buffers element-wise (tolerance <see cref="Tolerance"/>); returns the maximum absolute difference.</summary>
    public static double Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string label)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{label}: length differs");
        int first = -1;
        double maxDiff = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)expected[i] - actual[i]);
            if (!(diff <= Tolerance * Math.Max(1.0, Math.Abs((double)expected[i]))) && first < 0) first = i;
            if (!(diff <= maxDiff)) maxDiff = diff;
        }
        lock (Gate)
        {
            _maxError = Math.Max(_maxError, maxDiff);
            _checked++;
        }
        if (first >= 0)
        {
            Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{label}: NOT OK (seed {Seed}), first difference at [{first}]: libtorch {expected[first]:G9}, managed {actual[first]:G9}; maxdiff {maxDiff:G3} (tol {Tolerance})"));
        }
        return maxDiff;
    }

    /// <summary>A managed tensor filled from U(−1, 1).</summary>
    public static ManagedTensor Uniform(Rng rng, params int[] shape)
    {
        var t = new ManagedTensor(shape);
        rng.FillUniform(t.Span, -1f, 1f);
        return t;
    }

    /// <summary>A libtorch copy of a managed tensor that records gradients.</summary>
    public static Tensor Leaf(ManagedTensor source) => TorchParameters.FromManaged(source).requires_grad_(true);

    /// <summary>Random lengths in 1..T with at least one full-length example (so the padded output keeps T steps).</summary>
    public static int[] Lengths(Rng rng, int batch, int steps)
    {
        var lengths = new int[batch];
        for (int i = 0; i < batch; i++) lengths[i] = 1 + rng.NextInt(steps);
        lengths[rng.NextInt(batch)] = steps;
        return lengths;
    }
}
