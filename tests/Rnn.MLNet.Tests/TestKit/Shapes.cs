using System.Reflection;

namespace Rnn.MLNet.Tests.TestKit;

/// <summary>
/// The <see cref="SchemaShape"/> of a schema. ML.NET keeps <c>SchemaShape.Create</c> internal, and an estimator's
/// <c>GetOutputSchema</c> needs one, so the tests call it by reflection (as ML.NET's own tests call it directly).
/// </summary>
internal static class Shapes
{
    private static readonly MethodInfo Create = typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(DataViewSchema)])
        ?? throw new InvalidOperationException("SchemaShape.Create(DataViewSchema) not found in this Microsoft.ML.");

    public static SchemaShape Of(DataViewSchema schema) => (SchemaShape)Create.Invoke(null, [schema])!;

    /// <summary>A column's shape as text: name, kind, item type, key-ness.</summary>
    public static string Text(SchemaShape.Column c) => $"{c.Name}:{c.Kind}<{c.ItemType}>{(c.IsKey ? " key" : "")}";
}
