using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Rnn.MLNet.Internals;

/// <summary>Central throw sites with messages that name the column, file, line or parameter.</summary>
[StackTraceHidden]
internal static class Throw
{
    [DoesNotReturn]
    public static void ColumnNotFound(DataViewSchema schema, string name, string role = "input") =>
        throw new ArgumentException($"Column '{name}' not found in the {role} schema (columns: {schema.ColumnNames()}).");

    [DoesNotReturn]
    public static void WrongType(string name, DataViewType actual, string expected) => throw WrongTypeError(name, actual, expected);

    public static ArgumentException WrongTypeError(string name, DataViewType actual, string expected) =>
        new($"Column '{name}' has type {actual}, expected {expected}.");

    [DoesNotReturn]
    public static void InvalidData(string message) => throw new InvalidDataException(message);

    [DoesNotReturn]
    public static void InvalidOperation(string message) => throw new InvalidOperationException(message);

    [DoesNotReturn]
    public static T InvalidData<T>(string message) => throw new InvalidDataException(message);
}

/// <summary>Column lookups that throw clear errors.</summary>
internal static class Columns
{
    /// <summary>The visible column <paramref name="name"/> of <paramref name="schema"/>; throws naming the columns there are.</summary>
    public static DataViewSchema.Column Find(DataViewSchema schema, string name, string role = "input")
    {
        DataViewSchema.Column? c = schema.GetColumnOrNull(name);
        if (c is null)
            Throw.ColumnNotFound(schema, name, role);
        return c.Value;
    }

    /// <summary>Marks which columns of <paramref name="schema"/> are in <paramref name="needed"/>.</summary>
    public static bool[] Active(DataViewSchema schema, IEnumerable<DataViewSchema.Column> needed)
    {
        ArgumentNullException.ThrowIfNull(needed);
        var active = new bool[schema.Count];
        foreach (DataViewSchema.Column c in needed)
        {
            if (c.Index < 0 || c.Index >= schema.Count)
                throw new ArgumentOutOfRangeException(nameof(needed), c.Name, "Column is not part of this schema.");
            active[c.Index] = true;
        }
        return active;
    }

    /// <summary>The columns of <paramref name="schema"/> marked in <paramref name="active"/>.</summary>
    public static IEnumerable<DataViewSchema.Column> Selected(DataViewSchema schema, bool[] active) =>
        schema.Where(c => active[c.Index]);

    /// <summary>The item type of a vector type, or the type itself.</summary>
    public static PrimitiveDataViewType ItemType(DataViewType type) =>
        type is Data.VectorDataViewType v ? v.ItemType : (PrimitiveDataViewType)type;
}
