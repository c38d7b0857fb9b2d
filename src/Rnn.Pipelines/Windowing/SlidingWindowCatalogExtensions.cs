using Microsoft.ML;

namespace Rnn.MLNet;

/// <summary>Sliding windows on <c>ml.Transforms.Sequence</c>.</summary>
/// <example>
/// <code>
/// // rows = time steps in order; rows out = windows of 20 values, Label = the next value
/// var windows = ml.Transforms.Sequence.SlidingWindow("Features", "Value", windowSize: 20);
/// </code>
/// See examples/SineForecast.
/// </example>
public static class SlidingWindowCatalogExtensions
{
    extension(TransformsCatalog catalog)
    {
        /// <summary>RnnMl's sequence transforms (<c>ml.Transforms.Sequence.SlidingWindow</c>).</summary>
        public SequenceTransforms Sequence => new(catalog);
    }
}

/// <summary>The sequence transforms on <c>ml.Transforms.Sequence</c> (ML.NET has none of its own).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Catalog members are instance members, as on ML.NET's catalogs.")]
public sealed class SequenceTransforms
{
    internal SequenceTransforms(TransformsCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        Catalog = catalog;
    }

    /// <summary>The ML.NET catalog these transforms hang off.</summary>
    public TransformsCatalog Catalog { get; }

    /// <summary>
    /// Cuts the series in <paramref name="inputColumnName"/> (one time step per row, in order) into windows of
    /// <paramref name="windowSize"/> steps, one row per window, labelled with the next <paramref name="horizon"/> steps.
    /// Keras's <c>timeseries_dataset_from_array(data, targets=data[windowSize:], sequence_length=windowSize,
    /// sequence_stride=stride)</c> gives the same windows and labels when <paramref name="horizon"/> is 1.
    /// </summary>
    /// <param name="outputColumnName">The window column: a vector of windowSize × F Single values (F = features per step).</param>
    /// <param name="inputColumnName">The series: Single, Double, or a known-size vector of Single (F features per step).</param>
    /// <param name="windowSize">Steps per window (Keras's sequence_length).</param>
    /// <param name="horizon">Steps after the window given as label: a Single when horizon × F is 1, else a vector. 0: no label.</param>
    /// <param name="stride">Steps between window starts (Keras's sequence_stride).</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="groupColumnName">The column naming each row's series, or null; windows never cross series.</param>
    /// <returns>An estimator whose transformer maps rows of steps to rows of windows.</returns>
    public SlidingWindowEstimator SlidingWindow(string outputColumnName, string inputColumnName,
        int windowSize, int horizon = 1, int stride = 1, string labelColumnName = "Label", string? groupColumnName = null)
    {
        return new SlidingWindowEstimator(new SlidingWindowOptions
        {
            OutputColumnName = outputColumnName, InputColumnName = inputColumnName, WindowSize = windowSize, Horizon = horizon,
            Stride = stride, LabelColumnName = labelColumnName, GroupColumnName = groupColumnName,
        });
    }

    /// <summary>Sliding windows with every option (sampling rate, time key checks, missing-value and short-series policies).</summary>
    /// <param name="options">The options; see <see cref="SlidingWindowOptions"/>.</param>
    /// <returns>An estimator whose transformer maps rows of steps to rows of windows.</returns>
    public SlidingWindowEstimator SlidingWindow(SlidingWindowOptions options)
    {
        return new SlidingWindowEstimator(options);
    }
}
