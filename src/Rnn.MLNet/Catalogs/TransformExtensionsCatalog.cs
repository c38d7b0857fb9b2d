namespace Rnn.MLNet;

/// <summary>Column operations on <see cref="TransformsCatalog"/>: copy, concatenate, drop, select.</summary>
public static class TransformExtensionsCatalog
{
    /// <summary>Copies <paramref name="inputColumnName"/> to <paramref name="outputColumnName"/>.</summary>
    public static ColumnCopyingEstimator CopyColumns(this TransformsCatalog catalog, string outputColumnName, string inputColumnName) =>
        new(new InputOutputColumnPair(outputColumnName, inputColumnName));

    /// <summary>Copies each pair's input column to its output column.</summary>
    public static ColumnCopyingEstimator CopyColumns(this TransformsCatalog catalog, params InputOutputColumnPair[] columns) => new(columns);

    /// <summary>Concatenates <paramref name="inputColumnNames"/> (scalars or vectors of one item type) into the vector <paramref name="outputColumnName"/>.</summary>
    public static ColumnConcatenatingEstimator Concatenate(this TransformsCatalog catalog, string outputColumnName, params string[] inputColumnNames) =>
        new(outputColumnName, inputColumnNames);

    /// <summary>Drops <paramref name="columnNames"/>; each must exist.</summary>
    public static ColumnSelectingEstimator DropColumns(this TransformsCatalog catalog, params string[] columnNames) => new(columnNames, keep: false);

    /// <summary>Keeps only <paramref name="columnNames"/>; each must exist.</summary>
    public static ColumnSelectingEstimator SelectColumns(this TransformsCatalog catalog, params string[] columnNames) => new(columnNames, keep: true);
}

/// <summary>Normalizers on <see cref="TransformsCatalog"/>.</summary>
public static class NormalizationCatalog
{
    /// <summary>
    /// Scales each slot by its largest absolute value (<paramref name="fixZero"/>, into [-1, 1]) or maps [min, max] to [0, 1].
    /// </summary>
    public static NormalizingEstimator NormalizeMinMax(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null, long maximumExampleCount = 1000000000, bool fixZero = true) =>
        new(NormalizerMode.MinMax, new InputOutputColumnPair(outputColumnName, inputColumnName), maximumExampleCount, fixZero, useCdf: false);

    /// <summary>
    /// Standardizes each slot: (x - mean) / stddev, or with <paramref name="fixZero"/> x / sqrt(var + mean²) so 0 stays 0.
    /// <paramref name="useCdf"/> is not supported.
    /// </summary>
    public static NormalizingEstimator NormalizeMeanVariance(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null, long maximumExampleCount = 1000000000, bool fixZero = true, bool useCdf = false) =>
        new(NormalizerMode.MeanVariance, new InputOutputColumnPair(outputColumnName, inputColumnName), maximumExampleCount, fixZero, useCdf);
}
