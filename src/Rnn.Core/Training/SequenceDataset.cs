using Rnn.Core.Internals;

namespace Rnn.Core.Training;

// N = examples, T_i = length of example i, F = features per step, O = target width.

/// <summary>
/// Examples for many-to-one training: one sequence (token ids, or float steps of F features) and one
/// target (a class index, or O floats) per example. Sequences may have different lengths.
/// </summary>
public sealed class SequenceDataset
{
    private SequenceDataset(IReadOnlyList<int[]>? tokens, IReadOnlyList<float[]>? values, int features,
        int[]? classTargets, float[]? valueTargets, int targetWidth)
    {
        Tokens = tokens;
        Values = values;
        Features = features;
        ClassTargets = classTargets;
        ValueTargets = valueTargets;
        TargetWidth = targetWidth;
    }

    /// <summary>Token sequences (null for float input).</summary>
    public IReadOnlyList<int[]>? Tokens { get; }

    /// <summary>Float sequences, each [T_i, F] flattened (null for token input).</summary>
    public IReadOnlyList<float[]>? Values { get; }

    /// <summary>F for float input, 0 for token input.</summary>
    public int Features { get; }

    /// <summary>Class index per example [N] (classification), or null.</summary>
    public int[]? ClassTargets { get; }

    /// <summary>Targets [N, O] (regression), or null.</summary>
    public float[]? ValueTargets { get; }

    /// <summary>O: 1 for class targets, else floats per example.</summary>
    public int TargetWidth { get; }

    /// <summary>N.</summary>
    public int Count => Tokens?.Count ?? Values!.Count;

    /// <summary>Steps of example <paramref name="index"/>.</summary>
    public int LengthOf(int index) => Tokens is not null ? Tokens[index].Length : Values![index].Length / Features;

    /// <summary>Token sequences with class targets (or no targets, for prediction).</summary>
    public static SequenceDataset FromTokens(IReadOnlyList<int[]> sequences, int[]? classTargets = null)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        for (int i = 0; i < sequences.Count; i++)
            if (sequences[i] is null || sequences[i].Length == 0) ThrowHelper.ThrowArgument(nameof(sequences), $"sequence {i} is empty; every example needs at least one token");
        CheckTargets(sequences.Count, classTargets?.Length, nameof(classTargets));
        return new SequenceDataset(sequences, null, 0, classTargets, null, 1);
    }

    /// <summary>Token sequences with float targets [N, O].</summary>
    public static SequenceDataset FromTokens(IReadOnlyList<int[]> sequences, float[] valueTargets, int targetWidth)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        CheckTargets(sequences.Count, valueTargets.Length / Math.Max(1, targetWidth), nameof(valueTargets));
        return new SequenceDataset(sequences, null, 0, null, valueTargets, targetWidth);
    }

    /// <summary>Float sequences (each [T_i, F] flattened) with class targets (or none).</summary>
    public static SequenceDataset FromValues(IReadOnlyList<float[]> sequences, int features, int[]? classTargets = null)
    {
        CheckValues(sequences, features);
        CheckTargets(sequences.Count, classTargets?.Length, nameof(classTargets));
        return new SequenceDataset(null, sequences, features, classTargets, null, 1);
    }

    /// <summary>Float sequences with float targets [N, O].</summary>
    public static SequenceDataset FromValues(IReadOnlyList<float[]> sequences, int features, float[] valueTargets, int targetWidth)
    {
        CheckValues(sequences, features);
        ArgumentNullException.ThrowIfNull(valueTargets);
        if (targetWidth <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(targetWidth), targetWidth, "targetWidth must be positive");
        if (valueTargets.Length != sequences.Count * targetWidth)
            ThrowHelper.ThrowArgument(nameof(valueTargets), $"{valueTargets.Length} targets for {sequences.Count} examples of width {targetWidth}");
        return new SequenceDataset(null, sequences, features, null, valueTargets, targetWidth);
    }

    /// <summary>The examples at <paramref name="indices"/>, in that order (sequences are shared, not copied).</summary>
    public SequenceDataset Subset(ReadOnlySpan<int> indices)
    {
        var classTargets = ClassTargets is null ? null : new int[indices.Length];
        var valueTargets = ValueTargets is null ? null : new float[indices.Length * TargetWidth];
        List<int[]>? tokens = Tokens is null ? null : new(indices.Length);
        List<float[]>? values = Values is null ? null : new(indices.Length);
        for (int k = 0; k < indices.Length; k++)
        {
            int i = indices[k];
            tokens?.Add(Tokens![i]);
            values?.Add(Values![i]);
            if (classTargets is not null) classTargets[k] = ClassTargets![i];
            if (valueTargets is not null) ValueTargets.AsSpan(i * TargetWidth, TargetWidth).CopyTo(valueTargets.AsSpan(k * TargetWidth));
        }
        return new SequenceDataset(tokens, values, Features, classTargets, valueTargets, TargetWidth);
    }

    private static void CheckValues(IReadOnlyList<float[]> sequences, int features)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (features <= 0) ThrowHelper.ThrowArgumentOutOfRange(nameof(features), features, "features per step must be positive");
        for (int i = 0; i < sequences.Count; i++)
        {
            var s = sequences[i];
            if (s is null || s.Length == 0 || s.Length % features != 0)
                ThrowHelper.ThrowArgument(nameof(sequences), $"sequence {i} has {s?.Length ?? 0} values, not a positive multiple of {features} features per step");
        }
    }

    private static void CheckTargets(int count, int? targets, string name)
    {
        if (targets is int n && n != count)
            ThrowHelper.ThrowArgument(name, $"{n} targets for {count} sequences");
    }
}
