namespace Rnn.MLNet;

/// <summary>What <c>SlidingWindow</c> and <c>ForecastByRecurrent</c> do with a missing (NaN or infinite) value in the series.</summary>
public enum MissingValuePolicy
{
    /// <summary>Throw an <see cref="InvalidDataException"/> naming the row (default).</summary>
    Error,

    /// <summary>Drop every window whose inputs or labels touch a missing value.</summary>
    DropWindows,

    /// <summary>
    /// Fill each missing value by linear interpolation between the nearest valid steps of the same series
    /// (leading and trailing gaps take the nearest valid value); a series with no valid value is an error.
    /// </summary>
    Interpolate,
}

/// <summary>
/// Options of <c>ml.Transforms.Sequence.SlidingWindow</c>. Every default is stated on its property.
/// </summary>
/// <remarks>
/// Mapping to Keras's <c>timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride, sampling_rate)</c>:
/// <see cref="WindowSize"/> = <c>sequence_length</c>, <see cref="Stride"/> = <c>sequence_stride</c>,
/// <see cref="SamplingRate"/> = <c>sampling_rate</c>, and with <see cref="Horizon"/> = 1 the label is Keras's
/// <c>targets = data[sequence_length * sampling_rate:]</c>: window k reads steps
/// <c>k·stride + i·rate</c> (i = 0..W−1) and its label is step <c>k·stride + W·rate</c>. A horizon H &gt; 1 labels
/// the H steps <c>k·stride + (W−1+h)·rate</c>, h = 1..H. Keras yields the same windows (it drops the last windows
/// whose target would fall past the end, as this transform does).
/// </remarks>
public sealed class SlidingWindowOptions
{
    /// <summary>The window column (a vector of W × F Single values, step-major). Required.</summary>
    public string OutputColumnName { get; set; } = "";

    /// <summary>The series column: Single or Double (F = 1) or a known-size vector of Single (F features per step). Required.</summary>
    public string InputColumnName { get; set; } = "";

    /// <summary>W, steps per window (Keras's <c>sequence_length</c>). Default 1.</summary>
    public int WindowSize { get; set; } = 1;

    /// <summary>H, the steps after the window given as label (0: no label column). Default 1.</summary>
    public int Horizon { get; set; } = 1;

    /// <summary>Steps between the starts of consecutive windows (Keras's <c>sequence_stride</c>). Default 1.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Steps between consecutive steps of a window (Keras's <c>sampling_rate</c>). Default 1.</summary>
    public int SamplingRate { get; set; } = 1;

    /// <summary>
    /// The label column: Single when H × F = 1, else a vector of H × F Single values (step-major). Default "Label".
    /// </summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>
    /// A column naming the series each row belongs to, or null for one series. Rows of one series must be
    /// contiguous; windows never cross from one series to the next. Passed through to the output. Default null.
    /// </summary>
    public string? GroupColumnName { get; set; }

    /// <summary>
    /// A time key column (numbers, or text compared ordinally such as ISO dates), or null. When given, keys must
    /// strictly increase within each series: an unsorted or duplicate key is an <see cref="InvalidDataException"/>.
    /// The key of each window's last step is passed through. Default null.
    /// </summary>
    public string? TimeColumnName { get; set; }

    /// <summary>What to do with NaN or infinite values. Default <see cref="MissingValuePolicy.Error"/>.</summary>
    public MissingValuePolicy MissingValues { get; set; } = MissingValuePolicy.Error;

    /// <summary>
    /// Skip a series too short for one window instead of throwing an <see cref="InvalidDataException"/>
    /// naming it. Default false.
    /// </summary>
    public bool SkipShortSeries { get; set; }

    internal SlidingWindowOptions Clone() => (SlidingWindowOptions)MemberwiseClone();
}
