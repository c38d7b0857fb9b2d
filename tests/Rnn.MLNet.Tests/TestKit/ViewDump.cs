using System.Globalization;
using System.Reflection;

namespace Rnn.MLNet.Tests.TestKit;

/// <summary>Reads every visible column of every row, to compare views bit-exactly (<see cref="Dump"/>) or within a tolerance (<see cref="AssertClose"/>).</summary>
internal static class ViewDump
{
    /// <summary>Every row as text; floats as their bits.</summary>
    public static List<string> Dump(IDataView view) => Values(view).Select(r => string.Join(" | ", r.Select(Format))).ToList();

    /// <summary>Every row as values: scalars, or arrays for vectors.</summary>
    public static List<object?[]> Values(IDataView view)
    {
        DataViewSchema.Column[] columns = view.Schema.Where(c => !c.IsHidden).ToArray();
        using DataViewRowCursor cursor = view.GetRowCursor(columns);
        Func<object?>[] readers = columns.Select(c => Reader(cursor, c)).ToArray();
        var rows = new List<object?[]>();
        while (cursor.MoveNext())
            rows.Add(readers.Select(r => r()).ToArray());
        return rows;
    }

    /// <summary>Same rows and columns; floats within <paramref name="tolerance"/> (absolute), everything else equal.</summary>
    public static void AssertClose(IDataView expected, IDataView actual, float tolerance)
    {
        Assert.AreEqual(SchemaText(expected.Schema), SchemaText(actual.Schema));
        var e = Values(expected);
        var a = Values(actual);
        Assert.AreEqual(e.Count, a.Count, "row count");
        for (int r = 0; r < e.Count; r++)
            for (int c = 0; c < e[r].Length; c++)
                AssertValueClose(e[r][c], a[r][c], tolerance, $"row {r}, column {expected.Schema.Where(x => !x.IsHidden).ElementAt(c).Name}");
    }

    private static void AssertValueClose(object? e, object? a, float tolerance, string where)
    {
        switch (e)
        {
            case float f:
                Assert.AreEqual(f, (float)a!, tolerance, where);
                break;
            case Array ea:
                var aa = (Array)a!;
                Assert.AreEqual(ea.Length, aa.Length, where);
                for (int i = 0; i < ea.Length; i++) AssertValueClose(ea.GetValue(i), aa.GetValue(i), tolerance, $"{where}[{i}]");
                break;
            default:
                Assert.AreEqual(Format(e), Format(a), where);
                break;
        }
    }

    private static Func<object?> Reader(DataViewRow row, DataViewSchema.Column column)
    {
        bool vector = column.Type is VectorDataViewType;
        Type item = vector ? ((VectorDataViewType)column.Type).ItemType.RawType : column.Type.RawType;
        MethodInfo m = typeof(ViewDump).GetMethod(vector ? nameof(VectorReader) : nameof(ScalarReader), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(item);
        return (Func<object?>)m.Invoke(null, [row, column])!;
    }

    private static Func<object?> ScalarReader<T>(DataViewRow row, DataViewSchema.Column column)
    {
        ValueGetter<T> get = row.GetGetter<T>(column);
        return () =>
        {
            T v = default!;
            get(ref v);
            return v is ReadOnlyMemory<char> m ? m.ToString() : v;
        };
    }

    private static Func<object?> VectorReader<T>(DataViewRow row, DataViewSchema.Column column)
    {
        ValueGetter<VBuffer<T>> get = row.GetGetter<VBuffer<T>>(column);
        return () =>
        {
            VBuffer<T> v = default;
            get(ref v);
            return v.DenseValues().Select(x => x is ReadOnlyMemory<char> m ? (object)m.ToString() : x).ToArray();
        };
    }

    private static string Format(object? value) => value switch
    {
        float f => BitConverter.SingleToInt32Bits(f).ToString("X8", CultureInfo.InvariantCulture),
        double d => BitConverter.DoubleToInt64Bits(d).ToString("X16", CultureInfo.InvariantCulture),
        Array a => "[" + string.Join(",", a.Cast<object?>().Select(Format)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "null",
    };

    public static string SchemaText(DataViewSchema schema) =>
        string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"{c.Name}:{c.Type}"));
}
