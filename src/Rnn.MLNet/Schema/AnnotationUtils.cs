namespace Rnn.MLNet.Data;

/// <summary>Annotation kinds and helpers to read slot names and key values.</summary>
public static class AnnotationUtils
{
    /// <summary>Well-known annotation kinds.</summary>
    public static class Kinds
    {
        /// <summary>Names of a vector's slots: a known-size vector of text.</summary>
        public const string SlotNames = "SlotNames";

        /// <summary>The values of a key type: a vector of <c>Count</c> items; item <c>k-1</c> is the value of key <c>k</c>.</summary>
        public const string KeyValues = "KeyValues";

        /// <summary>Marks a column a normalizer produced (boolean).</summary>
        public const string IsNormalized = "IsNormalized";
    }

    /// <summary>Whether the column has key values (of item type <paramref name="keyValueItemType"/>, when given).</summary>
    public static bool HasKeyValues(this DataViewSchema.Column column, PrimitiveDataViewType? keyValueItemType = null)
    {
        DataViewSchema.Column? a = column.Annotations.Schema.GetColumnOrNull(Kinds.KeyValues);
        return a is { Type: VectorDataViewType v } && (keyValueItemType is null || v.ItemType.Equals(keyValueItemType));
    }

    /// <summary>Reads the column's key values; throws when it has none.</summary>
    public static void GetKeyValues<TValue>(this DataViewSchema.Column column, ref VBuffer<TValue> keyValues) =>
        column.Annotations.GetValue(Kinds.KeyValues, ref keyValues);

    /// <summary>Whether the column has slot names.</summary>
    public static bool HasSlotNames(this DataViewSchema.Column column) =>
        column.Annotations.Schema.GetColumnOrNull(Kinds.SlotNames) is not null;

    /// <summary>Reads the column's slot names; throws when it has none.</summary>
    public static void GetSlotNames(this DataViewSchema.Column column, ref VBuffer<ReadOnlyMemory<char>> slotNames) =>
        column.Annotations.GetValue(Kinds.SlotNames, ref slotNames);
}
