using Rnn.MLNet.Data;
using Rnn.MLNet.Internals;

namespace Rnn.MLNet;

/// <summary>Shared checks and getters of the text transforms.</summary>
internal static class TextShapes
{
    public static SchemaShape.Column RequireText(SchemaShape.Column c)
    {
        if (c.ItemType is not TextDataViewType)
            Throw.WrongType(c.Name, c.ItemType, "String (text)");
        return c;
    }

    public static void RequireScalarText(SchemaShape.Column c)
    {
        if (c.ItemType is not TextDataViewType || c.IsVector)
            throw new ArgumentException($"Column '{c.Name}' is {c}, expected String (text).");
    }

    public static void RequireText(DataViewSchema.Column c)
    {
        if (Columns.ItemType(c.Type) is not TextDataViewType)
            Throw.WrongType(c.Name, c.Type, "String (text) or a vector of String");
    }

    public static void RequireScalarText(DataViewSchema.Column c)
    {
        if (c.Type is not TextDataViewType)
            Throw.WrongType(c.Name, c.Type, "String (text)");
    }

    /// <summary>A getter applying <paramref name="map"/> to each text value (scalar or vector) of <paramref name="column"/>.</summary>
    public static Delegate MapText(DataViewRow input, DataViewSchema.Column column, Func<ReadOnlyMemory<char>, ReadOnlyMemory<char>> map)
    {
        if (column.Type is not VectorDataViewType)
        {
            ValueGetter<ReadOnlyMemory<char>> get = input.GetGetter<ReadOnlyMemory<char>>(column);
            return (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) =>
            {
                get(ref v);
                v = map(v);
            });
        }
        ValueGetter<VBuffer<ReadOnlyMemory<char>>> getVector = input.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
        VBuffer<ReadOnlyMemory<char>> src = default;
        return (ValueGetter<VBuffer<ReadOnlyMemory<char>>>)((ref VBuffer<ReadOnlyMemory<char>> dst) =>
        {
            getVector(ref src);
            VBufferEditor<ReadOnlyMemory<char>> editor = VBufferEditor.Create(ref dst, src.Length);
            src.CopyTo(editor.Values);
            for (int i = 0; i < editor.Values.Length; i++)
                editor.Values[i] = map(editor.Values[i]);
            dst = editor.Commit();
        });
    }
}
