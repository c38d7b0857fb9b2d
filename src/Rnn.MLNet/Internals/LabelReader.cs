namespace Rnn.MLNet.Internals;

/// <summary>
/// Label checks and readers shared by the evaluators and the trainers, so both reject bad labels with the same
/// messages: binary labels are Boolean, or Single 0/1 (NaN = missing); multiclass labels are UInt32 keys
/// (0 = missing, 1..K); regression labels are Single (NaN = missing).
/// </summary>
internal static class LabelReader
{
    /// <summary>The binary label column <paramref name="name"/>; throws when missing or not Boolean/Single.</summary>
    public static DataViewSchema.Column CheckBinary(DataViewSchema schema, string name)
    {
        DataViewSchema.Column c = Columns.Find(schema, name);
        if (c.Type is not Data.BooleanDataViewType && !c.Type.Equals(Data.NumberDataViewType.Single))
            Throw.WrongType(name, c.Type, "Boolean or Single");
        return c;
    }

    /// <summary>The multiclass label column <paramref name="name"/>; throws when missing or not a UInt32 key.</summary>
    public static DataViewSchema.Column CheckMulticlass(DataViewSchema schema, string name)
    {
        DataViewSchema.Column c = Columns.Find(schema, name);
        if (c.Type is not Data.KeyDataViewType { RawType: var raw } || raw != typeof(uint))
            throw Throw.WrongTypeError(name, c.Type, "a key of UInt32 (use MapValueToKey on the label)");
        return c;
    }

    /// <summary>Reads the current row's binary label: null when missing (NaN); a Single other than 0/1 throws naming the column and row.</summary>
    public static Func<bool?> Binary(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is Data.BooleanDataViewType)
        {
            ValueGetter<bool> get = cursor.GetGetter<bool>(column);
            bool b = false;
            return () =>
            {
                get(ref b);
                return b;
            };
        }
        ValueGetter<float> getFloat = cursor.GetGetter<float>(column);
        float f = 0;
        return () =>
        {
            getFloat(ref f);
            if (float.IsNaN(f))
                return null;
            if (f is not (0 or 1))
                throw new ArgumentException($"Column '{column.Name}' row {cursor.Position}: label {f} is not a binary label (0 or 1).");
            return f == 1;
        };
    }
}
