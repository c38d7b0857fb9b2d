using Rnn.Core.Internals;

namespace Rnn.Core.Models;

// B = batch, T = steps, F = features per step.

/// <summary>
/// A batch of sequences for a <see cref="SequenceModel"/>: token ids [B, T] or float steps [B, T, F], with
/// optional per-example lengths. Buffers are reused when the batch is refilled (no allocation once grown).
/// </summary>
public sealed class SequenceBatch
{
    private int[] _tokens = [];
    private float[] _values = [];
    private int[] _lengths = [];

    /// <summary>B.</summary>
    public int Batch { get; private set; }

    /// <summary>T, the longest length in the batch.</summary>
    public int Steps { get; private set; }

    /// <summary>F for float input; 0 for token input.</summary>
    public int Features { get; private set; }

    /// <summary>True when every example has length T (no lengths needed).</summary>
    public bool IsFullLength { get; private set; }

    /// <summary>Token ids [B, T] (padding positions are never read).</summary>
    public Span<int> Tokens => _tokens.AsSpan(0, Batch * Steps);

    /// <summary>Float steps [B, T, F] (padding positions are never read).</summary>
    public Span<float> Values => _values.AsSpan(0, Batch * Steps * Features);

    /// <summary>Valid steps per example [B].</summary>
    public Span<int> Lengths => _lengths.AsSpan(0, Batch);

    /// <summary>Sizes the batch for token input; fill <see cref="Tokens"/> and <see cref="Lengths"/> next.</summary>
    public void ResetTokens(int batch, int steps)
    {
        Reset(batch, steps, 0);
        if (_tokens.Length < batch * steps) _tokens = new int[batch * steps];
        Tokens.Clear();
    }

    /// <summary>Sizes the batch for float input; fill <see cref="Values"/> and <see cref="Lengths"/> next.</summary>
    public void ResetValues(int batch, int steps, int features)
    {
        if (features <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(features), features, "features per step must be positive");
        Reset(batch, steps, features);
        if (_values.Length < batch * steps * features) _values = new float[batch * steps * features];
    }

    /// <summary>Builds a batch from float sequences of equal or different lengths (each [T_b, F] flattened).</summary>
    public static SequenceBatch FromValues(IReadOnlyList<float[]> sequences, int features)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var batch = new SequenceBatch();
        int steps = 0;
        for (int b = 0; b < sequences.Count; b++)
        {
            if (sequences[b].Length == 0 || sequences[b].Length % features != 0)
                ThrowHelper.ThrowArgument(nameof(sequences), $"sequence {b} has {sequences[b].Length} values, not a positive multiple of {features} features");
            steps = Math.Max(steps, sequences[b].Length / features);
        }
        batch.ResetValues(sequences.Count, steps, features);
        for (int b = 0; b < sequences.Count; b++)
        {
            sequences[b].CopyTo(batch.Values.Slice(b * steps * features));
            batch.Lengths[b] = sequences[b].Length / features;
        }
        batch.Seal();
        return batch;
    }

    /// <summary>Builds a batch from token sequences of equal or different lengths.</summary>
    public static SequenceBatch FromTokens(IReadOnlyList<int[]> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var batch = new SequenceBatch();
        int steps = 0;
        for (int b = 0; b < sequences.Count; b++)
        {
            if (sequences[b].Length == 0) ThrowHelper.ThrowArgument(nameof(sequences), $"sequence {b} is empty");
            steps = Math.Max(steps, sequences[b].Length);
        }
        batch.ResetTokens(sequences.Count, steps);
        for (int b = 0; b < sequences.Count; b++)
        {
            sequences[b].CopyTo(batch.Tokens.Slice(b * steps));
            batch.Lengths[b] = sequences[b].Length;
        }
        batch.Seal();
        return batch;
    }

    /// <summary>Checks the lengths (each in 1..T) and records whether the batch is full-length. Call after filling.</summary>
    public void Seal()
    {
        bool full = true;
        for (int b = 0; b < Batch; b++)
        {
            int n = _lengths[b];
            if (n < 1 || n > Steps)
                ThrowHelper.ThrowArgumentOutOfRange(nameof(Lengths), n, $"Lengths[{b}] = {n} is out of range 1..{Steps}");
            full &= n == Steps;
        }
        IsFullLength = full;
    }

    private void Reset(int batch, int steps, int features)
    {
        if (batch <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(batch), batch, "a batch needs at least one example");
        if (steps <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(steps), steps, "a batch needs at least one step");
        Batch = batch;
        Steps = steps;
        Features = features;
        if (_lengths.Length < batch) _lengths = new int[batch];
        _lengths.AsSpan(0, batch).Fill(steps);
        IsFullLength = true;
    }
}
