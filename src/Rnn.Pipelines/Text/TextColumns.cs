using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.MLNet;

namespace Rnn.Pipelines.Text;

/// <summary>Checks of the text columns the character model reads, with errors naming the column and its role.</summary>
internal static class TextColumns
{
    /// <summary>The column <paramref name="name"/> of <paramref name="schema"/>, which must be scalar text.</summary>
    /// <exception cref="ArgumentException">The column is missing or not a scalar String column.</exception>
    public static DataViewSchema.Column Require(DataViewSchema schema, string name, string role)
    {
        var column = SequenceFeatures.FindColumn(schema, name, role);
        if (column.Type is not TextDataViewType)
            throw new ArgumentException($"{Capitalised(role)} column '{name}' is {column.Type}; the character model reads a scalar String column.", nameof(schema));
        return column;
    }

    /// <summary>The shape of <paramref name="name"/> in <paramref name="shape"/>, which must be scalar text.</summary>
    /// <exception cref="ArgumentException">The column is missing or not a scalar String column.</exception>
    public static SchemaShape.Column Require(SchemaShape shape, string name, string role)
    {
        var column = shape.FirstOrDefault(c => c.Name == name); // ML.NET keeps TryFindColumn internal
        if (column.Name is null)
            throw new ArgumentException($"{Capitalised(role)} column '{name}' not found in the input schema.", nameof(shape));
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType is not TextDataViewType)
            throw new ArgumentException($"{Capitalised(role)} column '{name}' is {column}; the character model reads a scalar String column.", nameof(shape));
        return column;
    }

    private static string Capitalised(string role) => char.ToUpperInvariant(role[0]) + role[1..];
}
