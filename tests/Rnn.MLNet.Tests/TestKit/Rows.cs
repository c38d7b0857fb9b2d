
namespace Rnn.MLNet.Tests.TestKit;

/// <summary>Reads columns of a view into lists, for assertions.</summary>
internal static class Rows
{
    public static List<T> Column<T>(IDataView view, string name)
    {
        DataViewSchema.Column c = view.Schema[name];
        using DataViewRowCursor cursor = view.GetRowCursor([c]);
        ValueGetter<T> getter = cursor.GetGetter<T>(c);
        var result = new List<T>();
        while (cursor.MoveNext())
        {
            T value = default!;
            getter(ref value);
            result.Add(value);
        }
        return result;
    }

    public static List<T[]> Vectors<T>(IDataView view, string name) =>
        Column<VBuffer<T>>(view, name).Select(v => v.DenseValues().ToArray()).ToList();

    public static List<string> Texts(IDataView view, string name) =>
        Column<ReadOnlyMemory<char>>(view, name).Select(m => m.ToString()).ToList();
}
