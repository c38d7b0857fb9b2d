using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.MLNet;

namespace Rnn.Pipelines.Windowing;

// W = window size, H = horizon, F = features per step.

/// <summary>
/// The windows of a series view: one row per window, with the window [W, F], its label [H, F], and the group and
/// time keys. The series is read (once, on the first cursor) into memory; windows are copied out as cursors move.
/// </summary>
internal sealed class SlidingWindowDataView : IDataView
{
    private readonly IDataView _source;
    private readonly SlidingWindowOptions _options;
    private readonly Lazy<(SeriesTable Table, int[] WindowStarts)> _windows;

    public SlidingWindowDataView(IDataView source, SlidingWindowOptions options, DataViewSchema schema)
    {
        _source = source;
        _options = options;
        Schema = schema;
        _windows = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private WindowPlan Plan => new(_options.WindowSize, _options.Horizon, _options.Stride, _options.SamplingRate);

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _windows.IsValueCreated ? _windows.Value.WindowStarts.Length : null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        bool[] active = new bool[Schema.Count];
        foreach (DataViewSchema.Column c in columnsNeeded)
            active[c.Index] = true;
        var (table, starts) = _windows.Value;
        return new Cursor(this, table, starts, active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    /// <summary>The output schema for an input of <paramref name="input"/>: group key, time key, window, label.</summary>
    public static DataViewSchema OutputSchema(DataViewSchema input, SlidingWindowOptions o)
    {
        var builder = new DataViewSchema.Builder();
        int features = SeriesTable.FeaturesOf(input.GetColumnOrNull(o.InputColumnName)
            ?? throw new ArgumentException($"Series column '{o.InputColumnName}' not found in the input schema (columns: {string.Join(", ", input.Select(c => c.Name))}).", nameof(input)));
        foreach (string? key in new[] { o.GroupColumnName, o.TimeColumnName })
        {
            if (key is null) continue;
            DataViewSchema.Column c = input.GetColumnOrNull(key)
                ?? throw new ArgumentException($"Column '{key}' not found in the input schema (columns: {string.Join(", ", input.Select(x => x.Name))}).", nameof(input));
            if (c.Type is VectorDataViewType)
                throw new ArgumentException($"Column '{key}' is a vector ({c.Type}); group and time keys must be scalars.", nameof(input));
            builder.AddColumn(key, c.Type);
        }
        builder.AddColumn(o.OutputColumnName, features == 1
            ? new VectorDataViewType(NumberDataViewType.Single, o.WindowSize)
            : new VectorDataViewType(NumberDataViewType.Single, o.WindowSize, features));
        if (o.Horizon > 0)
        {
            builder.AddColumn(o.LabelColumnName, (o.Horizon * features) switch
            {
                1 => NumberDataViewType.Single,
                _ when features == 1 => new VectorDataViewType(NumberDataViewType.Single, o.Horizon),
                _ => new VectorDataViewType(NumberDataViewType.Single, o.Horizon, features),
            });
        }
        return builder.ToSchema();
    }

    private (SeriesTable, int[]) Build()
    {
        var table = SeriesTable.Read(_source, _options.InputColumnName, _options.GroupColumnName, _options.TimeColumnName, _options.MissingValues);
        WindowPlan plan = Plan;
        var starts = new List<int>();
        for (int s = 0; s < table.SeriesCount; s++)
        {
            int first = table.SeriesStarts[s], length = table.SeriesStarts[s + 1] - first;
            int count = plan.CountFor(length);
            if (count == 0 && !_options.SkipShortSeries)
                throw new InvalidDataException(
                    $"{Capitalise(table.NameOf(s))} has {length} steps; a window of {plan.WindowSize} steps with horizon {plan.Horizon} and sampling rate {plan.SamplingRate} needs at least {plan.Span} (set SkipShortSeries to skip it).");
            for (int k = 0; k < count; k++)
            {
                int start = first + plan.Start(k);
                if (_options.MissingValues == MissingValuePolicy.DropWindows && !AllFinite(table, plan, start))
                    continue;
                starts.Add(start);
            }
        }
        if (table.SeriesCount == 0 && !_options.SkipShortSeries)
            throw new InvalidDataException($"The series column '{_options.InputColumnName}' has no rows; a window needs at least {plan.Span} steps.");
        return (table, [.. starts]);
    }

    private static string Capitalise(string s) => char.ToUpperInvariant(s[0]) + s[1..];

    private static bool AllFinite(SeriesTable table, WindowPlan plan, int start)
    {
        for (int i = 0; i < plan.WindowSize; i++)
            if (!table.IsFinite(plan.InputStep(start, i))) return false;
        for (int h = 1; h <= plan.Horizon; h++)
            if (!table.IsFinite(plan.LabelStep(start, h))) return false;
        return true;
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly SlidingWindowDataView _view;
        private readonly int[] _starts;
        private readonly bool[] _active;
        private readonly Delegate?[] _getters;
        private long _position = -1;

        public Cursor(SlidingWindowDataView view, SeriesTable table, int[] starts, bool[] active)
        {
            _view = view;
            _starts = starts;
            _active = active;
            _getters = new Delegate?[view.Schema.Count];
            SlidingWindowOptions o = view._options;
            WindowPlan plan = view.Plan;
            int f = table.Features;
            int column = 0;
            if (o.GroupColumnName is not null)
            {
                _getters[column] = table.Groups!.MakeGetter(() => Current);
                column++;
            }
            if (o.TimeColumnName is not null)
            {
                _getters[column] = table.Times!.MakeGetter(() => plan.InputStep(Current, plan.WindowSize - 1));
                column++;
            }
            _getters[column] = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> v) =>
            {
                int start = Current;
                var editor = VBufferEditor.Create(ref v, plan.WindowSize * f);
                for (int i = 0; i < plan.WindowSize; i++)
                    table.Values.AsSpan(plan.InputStep(start, i) * f, f).CopyTo(editor.Values.Slice(i * f, f));
                v = editor.Commit();
            });
            column++;
            if (o.Horizon * f == 1)
            {
                _getters[column] = (ValueGetter<float>)((ref float v) => v = table.Values[plan.LabelStep(Current, 1)]);
            }
            else if (o.Horizon > 0)
            {
                _getters[column] = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> v) =>
                {
                    int start = Current;
                    var editor = VBufferEditor.Create(ref v, plan.Horizon * f);
                    for (int h = 1; h <= plan.Horizon; h++)
                        table.Values.AsSpan(plan.LabelStep(start, h) * f, f).CopyTo(editor.Values.Slice((h - 1) * f, f));
                    v = editor.Commit();
                });
            }
        }

        private int Current => _position >= 0 && _position < _starts.Length
            ? _starts[_position]
            : throw new InvalidOperationException("The cursor is not on a row; call MoveNext first.");

        public override long Position => _position;

        public override long Batch => 0;

        public override DataViewSchema Schema => _view.Schema;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!_active[column.Index])
                throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor; pass it in columnsNeeded.");
            return _getters[column.Index] as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' has type {column.Type}, not {typeof(TValue).Name}.");
        }

        public override bool MoveNext()
        {
            if (_position >= _starts.Length)
                return false;
            _position++;
            return _position < _starts.Length;
        }
    }
}
