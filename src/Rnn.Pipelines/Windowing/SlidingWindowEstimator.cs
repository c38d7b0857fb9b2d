using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.Pipelines.Windowing;

namespace Rnn.MLNet;

/// <summary>
/// Cuts a series (rows = time steps, in order) into windows (rows = windows): <c>ml.Transforms.Sequence.SlidingWindow</c>.
/// See <see cref="SlidingWindowOptions"/> for the columns, the policies and the mapping to Keras's
/// <c>timeseries_dataset_from_array</c>.
/// </summary>
/// <remarks>
/// Estimator characteristics: needs no training (Fit only checks the schema); input: a Single, Double or
/// known-size Single vector column, one step per row; output: a window vector column and a label column,
/// preceded by the group and time keys when given. Other columns are not carried over (rows change meaning).
/// </remarks>
public sealed class SlidingWindowEstimator : IEstimator<SlidingWindowTransformer>
{
    private readonly SlidingWindowOptions _options;

    internal SlidingWindowEstimator(SlidingWindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        SlidingWindowTransformer.Validate(_options);
    }

    /// <inheritdoc/>
    public SlidingWindowTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var transformer = new SlidingWindowTransformer(_options, input);
        transformer.GetOutputSchema(input.Schema);
        return transformer;
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var series = inputSchema.FirstOrDefault(c => c.Name == _options.InputColumnName);
        if (series.Name is null)
            throw new ArgumentException($"Series column '{_options.InputColumnName}' not found in the input schema.", nameof(inputSchema));
        bool scalar = series.Kind == SchemaShape.Column.VectorKind.Scalar && !series.IsKey && (series.ItemType.RawType == typeof(float) || series.ItemType.RawType == typeof(double));
        bool vector = series.Kind == SchemaShape.Column.VectorKind.Vector && !series.IsKey && series.ItemType.RawType == typeof(float);
        if (!scalar && !vector)
            throw new ArgumentException($"Series column '{_options.InputColumnName}' is {series}; expected Single, Double or a known-size vector of Single.", nameof(inputSchema));
        var columns = new List<SchemaShape.Column>();
        var vectors = new List<string> { _options.OutputColumnName };
        var scalars = new List<string>();
        foreach (string? key in new[] { _options.GroupColumnName, _options.TimeColumnName })
        {
            if (key is null) continue;
            var c = inputSchema.FirstOrDefault(x => x.Name == key);
            if (c.Name is null)
                throw new ArgumentException($"Column '{key}' not found in the input schema.", nameof(inputSchema));
            if (c.Kind != SchemaShape.Column.VectorKind.Scalar)
                throw new ArgumentException($"Column '{key}' is {c}; group and time keys must be scalars.", nameof(inputSchema));
            columns.Add(c);
        }
        if (_options.Horizon > 0)
            (_options.Horizon == 1 && scalar ? scalars : vectors).Add(_options.LabelColumnName);
        return ShapeColumns.With(columns, vectors, scalars);
    }
}

/// <summary>
/// The fitted <see cref="SlidingWindowEstimator"/>: maps a view of time steps to a view of windows, lazily (the
/// series is read into memory when the first cursor opens). Not a row-to-row mapper: it has no prediction engine;
/// forecast with <c>ForecastByRecurrent</c>'s forecast engine instead.
/// </summary>
/// <remarks>
/// <c>ml.Model.Save</c> writes it as ML.NET built-ins whose loaded form is row to row (rows without a window hold NaN):
/// see <see cref="ICanSaveModel.Save"/> on this type for the difference.
/// </remarks>
public sealed class SlidingWindowTransformer : ITransformer
{
    private readonly SlidingWindowOptions _options;
    private readonly IDataView _fitInput;

    internal SlidingWindowTransformer(SlidingWindowOptions options, IDataView fitInput)
    {
        _options = options;
        _fitInput = fitInput;
    }

    /// <summary>W, steps per window.</summary>
    public int WindowSize => _options.WindowSize;

    /// <summary>H, label steps after each window.</summary>
    public int Horizon => _options.Horizon;

    /// <inheritdoc/>
    public bool IsRowToRowMapper => false;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return SlidingWindowDataView.OutputSchema(inputSchema, _options);
    }

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new InvalidOperationException("SlidingWindow turns many rows into one window: it is not a row-to-row mapper. Use ml.Forecasting.ForecastByRecurrent and its CreateForecastEngine to forecast one step at a time.");

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new SlidingWindowDataView(input, _options, GetOutputSchema(input.Schema));
    }

    /// <summary>
    /// Saves the windowing as ML.NET built-ins (ML.NET calls this from <c>ml.Model.Save</c>). ML.NET 6 gives a third-party
    /// transformer that changes the number of rows no public way to save itself, so the saved form is <b>row to row</b>:
    /// after <c>ml.Model.Load</c>, every input row is kept and gets the window whose last label step is that row (the
    /// window ending H·R rows earlier) with its label, and rows with no such window (the first (W−1+H)·R rows, rows whose
    /// window start is off the stride) get NaN windows and labels, which the recurrent trainers skip as missing labels
    /// (and report). The windows and labels that are there equal this transformer's, in order. Missing values are
    /// carried through as NaN (no policy is applied), and short series are not an error.
    /// </summary>
    /// <exception cref="NotSupportedException">The transformer has a group or time column, or a window or label of more than 65535 values.</exception>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        int features = SeriesTable.FeaturesOf(_fitInput.Schema[_options.InputColumnName]);
        SavedWindowing.Create(new MLContext(), _options, features).Fit(_fitInput).Save(ctx);
    }

    internal static void Validate(SlidingWindowOptions o)
    {
        if (string.IsNullOrEmpty(o.OutputColumnName)) throw new ArgumentException("outputColumnName must name a column.", nameof(o));
        if (string.IsNullOrEmpty(o.InputColumnName)) throw new ArgumentException("inputColumnName must name a column.", nameof(o));
        Check(o.WindowSize is > 0 and <= 1_000_000, o.WindowSize, "windowSize must be in 1..1000000");
        Check(o.Horizon is >= 0 and <= 1_000_000, o.Horizon, "horizon must be in 0..1000000 (0: no label)");
        Check(o.Stride is > 0 and <= 1_000_000, o.Stride, "stride must be in 1..1000000");
        Check(o.SamplingRate is > 0 and <= 1_000_000, o.SamplingRate, "samplingRate must be in 1..1000000");
        Check(Enum.IsDefined(o.MissingValues), o.MissingValues, "MissingValues is not a defined policy");
        if (o.Horizon > 0 && string.IsNullOrEmpty(o.LabelColumnName)) throw new ArgumentException("labelColumnName must name a column when horizon > 0.", nameof(o));
        var names = new[] { o.OutputColumnName, o.Horizon > 0 ? o.LabelColumnName : null, o.GroupColumnName, o.TimeColumnName }.Where(n => n is not null).ToList();
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            throw new ArgumentException($"The output, label, group and time column names must differ (got {string.Join(", ", names)}).", nameof(o));

        static void Check(bool ok, object value, string message)
        {
            if (!ok) throw new ArgumentOutOfRangeException(nameof(o), value, $"SlidingWindow: {message}, got {value}.");
        }
    }
}
