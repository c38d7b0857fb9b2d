using System.Reflection;

namespace Rnn.Pipelines.Tests.TestKit;

/// <summary>Schema shapes of views, for comparing an estimator's promise with what its transformer produces.</summary>
internal static class Shapes
{
    // ML.NET keeps SchemaShape.Create(DataViewSchema) internal; the tests call it by reflection.
    private static readonly MethodInfo Create = typeof(SchemaShape).GetMethod("Create", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static, [typeof(DataViewSchema)])
        ?? throw new InvalidOperationException("SchemaShape.Create(DataViewSchema) not found.");

    public static SchemaShape Of(DataViewSchema schema) => (SchemaShape)Create.Invoke(null, [schema])!;

    /// <summary>Each column as "name: kind type" (sorted by name: shapes from different chains may order columns differently).</summary>
    public static List<string> Describe(SchemaShape shape) =>
        shape.Select(c => $"{c.Name}: {c.Kind} {c.ItemType}{(c.IsKey ? " key" : "")}").Order(StringComparer.Ordinal).ToList();
}
