namespace Rnn.Core.Numerics;

/// <summary>
/// How many threads the engine's kernels may use. Defaults to <see cref="Environment.ProcessorCount"/>.
/// </summary>
public static class Parallelism
{
    private static int _maxThreads = Environment.ProcessorCount;

    /// <summary>Upper bound on threads used by one kernel call (PyTorch's <c>torch.set_num_threads</c>). At least 1.</summary>
    public static int MaxThreads
    {
        get => _maxThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxThreads = value;
        }
    }
}
