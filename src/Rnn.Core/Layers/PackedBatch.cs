using Rnn.Core.Internals;

namespace Rnn.Core.Layers;

// B = batch, T = steps, N = Σ lengths (packed rows), F = features per step.

/// <summary>
/// The time-major packed layout of a variable-length batch — PyTorch's <c>PackedSequence</c> data layout.
/// </summary>
/// <remarks>
/// Examples are ordered by length, longest first (<see cref="SortedToBatch"/> maps that order back to
/// the caller's). At step t only the first <see cref="BatchSizes"/>[t] examples are active, and their
/// rows are contiguous: packed row <c>Offsets[t] + i</c> holds sorted example i at step t. Padding is
/// therefore never stored or computed. A full-length batch is the special case BatchSizes[t] = B.
/// </remarks>
internal sealed class PackedBatch
{
    private int[] _sortedToBatch = [];
    private int[] _batchSizes = [];
    private int[] _offsets = [];
    private int[] _lengths = [];

    public int Batch { get; private set; }

    public int Steps { get; private set; }

    /// <summary>Number of packed rows: the sum of the lengths.</summary>
    public int Rows { get; private set; }

    /// <summary>True when every example has the full length.</summary>
    public bool IsFull { get; private set; }

    // sorted position -> caller's batch index: [B]
    public ReadOnlySpan<int> SortedToBatch => _sortedToBatch.AsSpan(0, Batch);

    // active examples at step t: [T], non-increasing
    public ReadOnlySpan<int> BatchSizes => _batchSizes.AsSpan(0, Steps);

    // first packed row of step t: [T]
    public ReadOnlySpan<int> Offsets => _offsets.AsSpan(0, Steps);

    // length of each example in the caller's order: [B]
    public ReadOnlySpan<int> Lengths => _lengths.AsSpan(0, Batch);

    /// <summary>Sets the schedule for a batch; reuses buffers (no allocation once sizes are reached).</summary>
    /// <param name="batch">B.</param>
    /// <param name="steps">T.</param>
    /// <param name="lengths">Per-example valid lengths in 1..T, or null/empty for full length.</param>
    public void Set(int batch, int steps, ReadOnlySpan<int> lengths)
    {
        Batch = batch;
        Steps = steps;
        Grow(ref _sortedToBatch, batch);
        Grow(ref _lengths, batch);
        Grow(ref _batchSizes, steps);
        Grow(ref _offsets, steps);
        if (lengths.IsEmpty)
        {
            for (int b = 0; b < batch; b++) { _sortedToBatch[b] = b; _lengths[b] = steps; }
            IsFull = true;
        }
        else
        {
            if (lengths.Length != batch)
                ThrowHelper.ThrowArgument(nameof(lengths), $"lengths has {lengths.Length} entries, expected one per example ({batch})");
            IsFull = true;
            for (int b = 0; b < batch; b++)
            {
                int n = lengths[b];
                if (n < 1 || n > steps)
                    ThrowHelper.ThrowArgumentOutOfRange(nameof(lengths), n, $"lengths[{b}] = {n} is out of range: every length must be in 1..{steps} (the sequence dimension)");
                _lengths[b] = n;
                _sortedToBatch[b] = b;
                IsFull &= n == steps;
            }
            // Stable insertion sort by length, longest first (batches are small; no allocation).
            for (int i = 1; i < batch; i++)
            {
                int idx = _sortedToBatch[i], len = _lengths[idx], j = i - 1;
                while (j >= 0 && _lengths[_sortedToBatch[j]] < len)
                {
                    _sortedToBatch[j + 1] = _sortedToBatch[j];
                    j--;
                }
                _sortedToBatch[j + 1] = idx;
            }
        }
        int rows = 0;
        int active = batch;
        for (int t = 0; t < steps; t++)
        {
            while (active > 0 && _lengths[_sortedToBatch[active - 1]] <= t) active--;
            _batchSizes[t] = active;
            _offsets[t] = rows;
            rows += active;
        }
        Rows = rows;
    }

    /// <summary>Copies x [B, T, F] (batch-major, caller's order) into packed rows [N, F].</summary>
    public void Gather(ReadOnlySpan<float> x, int features, Span<float> packed)
    {
        for (int t = 0; t < Steps; t++)
        {
            int n = _batchSizes[t], offset = _offsets[t];
            for (int i = 0; i < n; i++)
                x.Slice((_sortedToBatch[i] * Steps + t) * features, features).CopyTo(packed.Slice((offset + i) * features, features));
        }
    }

    /// <summary>Copies packed rows [N, F] into y [B, T, F] (caller's order); padded steps are set to zero.</summary>
    public void Scatter(ReadOnlySpan<float> packed, int features, Span<float> y)
    {
        if (!IsFull) y.Slice(0, Batch * Steps * features).Clear();
        for (int t = 0; t < Steps; t++)
        {
            int n = _batchSizes[t], offset = _offsets[t];
            for (int i = 0; i < n; i++)
                packed.Slice((offset + i) * features, features).CopyTo(y.Slice((_sortedToBatch[i] * Steps + t) * features, features));
        }
    }

    private static void Grow(ref int[] array, int size)
    {
        if (array.Length < size) array = new int[size];
    }
}
