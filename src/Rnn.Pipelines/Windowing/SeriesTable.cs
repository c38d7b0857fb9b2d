using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.MLNet;

namespace Rnn.Pipelines.Windowing;

// N = rows (time steps of every series, in order), F = features per step.

/// <summary>
/// A series column read into memory: values [N, F], the boundaries of each series (contiguous runs of one group
/// value), and the group and time keys. Checks what windowing relies on: series contiguous, time keys strictly
/// increasing, values finite (or handled by the <see cref="MissingValuePolicy"/>).
/// </summary>
internal sealed class SeriesTable
{
    private SeriesTable(float[] values, int features, int[] seriesStarts, ScalarColumnValues? groups, ScalarColumnValues? times)
    {
        Values = values;
        Features = features;
        SeriesStarts = seriesStarts;
        Groups = groups;
        Times = times;
    }

    /// <summary>Values [N, F], step-major.</summary>
    public float[] Values { get; }

    /// <summary>F.</summary>
    public int Features { get; }

    /// <summary>First row of each series, then N: series s is rows SeriesStarts[s]..SeriesStarts[s+1]−1.</summary>
    public int[] SeriesStarts { get; }

    public ScalarColumnValues? Groups { get; }

    public ScalarColumnValues? Times { get; }

    public int Rows => Values.Length / Features;

    public int SeriesCount => SeriesStarts.Length - 1;

    /// <summary>The features of the series column: 1 for Single/Double, the size of a known-size Single vector.</summary>
    public static int FeaturesOf(DataViewSchema.Column column)
    {
        if (column.Type is NumberDataViewType n && (n.RawType == typeof(float) || n.RawType == typeof(double)))
            return 1;
        if (column.Type is VectorDataViewType { ItemType: NumberDataViewType item, IsKnownSize: true } v && item.RawType == typeof(float))
            return v.Size;
        throw new ArgumentException(
            $"Series column '{column.Name}' has type {column.Type}; expected Single, Double or a known-size vector of Single (one step per row).",
            nameof(column));
    }

    /// <summary>Reads <paramref name="valueColumn"/> (and the optional group and time keys) of every row of <paramref name="input"/>.</summary>
    public static SeriesTable Read(IDataView input, string valueColumn, string? groupColumn, string? timeColumn, MissingValuePolicy missing)
    {
        DataViewSchema schema = input.Schema;
        DataViewSchema.Column value = Find(schema, valueColumn, "series");
        int features = FeaturesOf(value);
        DataViewSchema.Column? group = groupColumn is null ? null : Find(schema, groupColumn, "group");
        DataViewSchema.Column? time = timeColumn is null ? null : Find(schema, timeColumn, "time");
        var needed = new List<DataViewSchema.Column> { value };
        if (group is { } g) needed.Add(g);
        if (time is { } t) needed.Add(t);

        var values = new List<float>();
        var starts = new List<int> { 0 };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        ScalarColumnValues? groups = null, times = null;
        using (DataViewRowCursor cursor = input.GetRowCursor(needed))
        {
            Func<float[]> read = ValueReader(cursor, value, features);
            if (group is { } gc) groups = ScalarColumnValues.Create(cursor, gc);
            if (time is { } tc) times = ScalarColumnValues.Create(cursor, tc);
            int row = 0;
            while (cursor.MoveNext())
            {
                values.AddRange(read());
                groups?.Read();
                times?.Read();
                if (groups is not null && row > 0 && groups.Compare(row, row - 1) != 0)
                {
                    if (!seen.Add(groups.Display(row - 1)) || seen.Contains(groups.Display(row)))
                        throw new InvalidDataException(
                            $"Row {row}: series '{groups.Display(row)}' of column '{groupColumn}' appears again after other series; rows of one series must be contiguous (sort by group, then time).");
                    starts.Add(row);
                }
                else if (times is not null && row > 0 && times.Compare(row, row - 1) <= 0)
                {
                    string kind = times.Compare(row, row - 1) == 0 ? "repeats" : "comes before";
                    throw new InvalidDataException(
                        $"Row {row}: time key '{times.Display(row)}' of column '{timeColumn}' {kind} the previous key '{times.Display(row - 1)}'{SeriesName(groups, row)}; time keys must strictly increase (sort the rows, remove duplicates).");
                }
                if (times is not null && times.IsNaN(row))
                    throw new InvalidDataException($"Row {row}: time key of column '{timeColumn}' is NaN.");
                row++;
            }
            starts.Add(row);
        }
        if (starts.Count == 2 && starts[1] == 0)
            starts.RemoveAt(1);
        var table = new SeriesTable([.. values], features, [.. starts], groups, times);
        table.HandleMissing(missing, valueColumn);
        return table;
    }

    /// <summary>A name for series <paramref name="s"/> in messages.</summary>
    public string NameOf(int s) => Groups is null ? "the series" : $"series '{Groups.Display(SeriesStarts[s])}'";

    /// <summary>Whether every value of row <paramref name="row"/> is finite.</summary>
    public bool IsFinite(int row)
    {
        foreach (float v in Values.AsSpan(row * Features, Features))
            if (!float.IsFinite(v))
                return false;
        return true;
    }

    private static string SeriesName(ScalarColumnValues? groups, int row) => groups is null ? "" : $" in series '{groups.Display(row)}'";

    private void HandleMissing(MissingValuePolicy policy, string column)
    {
        if (policy == MissingValuePolicy.DropWindows)
            return;
        for (int s = 0; s < SeriesCount; s++)
        {
            int start = SeriesStarts[s], end = SeriesStarts[s + 1];
            for (int row = start; row < end; row++)
            {
                if (IsFinite(row))
                    continue;
                if (policy == MissingValuePolicy.Error)
                    throw new InvalidDataException(
                        $"Row {row}: column '{column}' holds a missing value (NaN or infinite); set MissingValues to Interpolate or DropWindows to accept it.");
                for (int f = 0; f < Features; f++)
                    Interpolate(start, end, f, column);
                break;
            }
        }
    }

    /// <summary>Fills non-finite values of feature <paramref name="f"/> in rows start..end−1 linearly between valid neighbours.</summary>
    private void Interpolate(int start, int end, int f, string column)
    {
        int previous = -1;
        for (int row = start; row < end; row++)
        {
            if (!float.IsFinite(At(row, f)))
                continue;
            if (previous == -1)
            {
                for (int k = start; k < row; k++) At(k, f) = At(row, f);
            }
            else if (row - previous > 1)
            {
                float a = At(previous, f), b = At(row, f);
                for (int k = previous + 1; k < row; k++) At(k, f) = a + ((b - a) * (k - previous) / (row - previous));
            }
            previous = row;
        }
        if (previous == -1)
            throw new InvalidDataException($"Rows {start}..{end - 1}: column '{column}' has no valid value in {NameOf(Array.IndexOf(SeriesStarts, start))} to interpolate from.");
        for (int k = previous + 1; k < end; k++) At(k, f) = At(previous, f);
    }

    private ref float At(int row, int f) => ref Values[(row * Features) + f];

    private static DataViewSchema.Column Find(DataViewSchema schema, string name, string role) =>
        schema.GetColumnOrNull(name) ?? throw new ArgumentException(
            $"{char.ToUpperInvariant(role[0])}{role[1..]} column '{name}' not found in the input schema (columns: {string.Join(", ", schema.Select(c => c.Name))}).",
            nameof(name));

    private static Func<float[]> ValueReader(DataViewRow row, DataViewSchema.Column column, int features)
    {
        var step = new float[features];
        if (column.Type is VectorDataViewType)
        {
            ValueGetter<VBuffer<float>> get = row.GetGetter<VBuffer<float>>(column);
            VBuffer<float> buffer = default;
            return () =>
            {
                get(ref buffer);
                if (buffer.Length != features)
                    throw new InvalidDataException($"Row {row.Position}: column '{column.Name}' has {buffer.Length} values, expected {features}.");
                buffer.CopyTo(step);
                return step;
            };
        }
        if (column.Type.RawType == typeof(double))
        {
            ValueGetter<double> get = row.GetGetter<double>(column);
            return () =>
            {
                double v = 0;
                get(ref v);
                step[0] = (float)v;
                return step;
            };
        }
        ValueGetter<float> getSingle = row.GetGetter<float>(column);
        return () =>
        {
            getSingle(ref step[0]);
            return step;
        };
    }
}
