using System.Globalization;
using System.Reflection;
using Rnn.MLNet.Data;

namespace Rnn.MLNet.Tests.TestKit;

/// <summary>Renders every visible column of every row as text, floats bit-exactly, to compare views.</summary>
internal static class ViewDump
{
    public static List<string> Dump(IDataView view)
    {
        DataViewSchema.Column[] columns = view.Schema.Where(c => !c.IsHidden).ToArray();
        using DataViewRowCursor cursor = view.GetRowCursor(columns);
        Func<string>[] readers = columns.Select(c => Reader(cursor, c)).ToArray();
        var rows = new List<string>();
        while (cursor.MoveNext())
            rows.Add(string.Join(" | ", columns.Select((c, i) => $"{c.Name}={readers[i]()}")));
        return rows;
    }

    private static Func<string> Reader(DataViewRow row, DataViewSchema.Column column)
    {
        bool vector = column.Type is VectorDataViewType;
        Type item = vector ? ((VectorDataViewType)column.Type).ItemType.RawType : column.Type.RawType;
        MethodInfo m = typeof(ViewDump).GetMethod(vector ? nameof(VectorReader) : nameof(ScalarReader), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(item);
        return (Func<string>)m.Invoke(null, [row, column])!;
    }

    private static Func<string> ScalarReader<T>(DataViewRow row, DataViewSchema.Column column)
    {
        ValueGetter<T> get = row.GetGetter<T>(column);
        return () =>
        {
            T v = default!;
            get(ref v);
            return Format(v);
        };
    }

    private static Func<string> VectorReader<T>(DataViewRow row, DataViewSchema.Column column)
    {
        ValueGetter<VBuffer<T>> get = row.GetGetter<VBuffer<T>>(column);
        return () =>
        {
            VBuffer<T> v = default;
            get(ref v);
            return "[" + string.Join(",", v.DenseValues().Select(Format)) + "]";
        };
    }

    private static string Format<T>(T value) => value switch
    {
        float f => BitConverter.SingleToInt32Bits(f).ToString("X8", CultureInfo.InvariantCulture),
        double d => BitConverter.DoubleToInt64Bits(d).ToString("X16", CultureInfo.InvariantCulture),
        ReadOnlyMemory<char> m => "'" + m + "'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "null",
    };

    public static string SchemaText(DataViewSchema schema) =>
        string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"{c.Name}:{c.Type}"));
}
