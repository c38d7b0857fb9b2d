using Rnn.MLNet.Data;

namespace Rnn.MLNet.Internals;

/// <summary>Helpers for estimators' <c>GetOutputSchema(SchemaShape)</c>.</summary>
internal static class SchemaShapes
{
    public static SchemaShape.Column Find(SchemaShape shape, string name)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (!shape.TryFindColumn(name, out SchemaShape.Column c))
            throw new ArgumentException($"Column '{name}' not found in the input schema (columns: {string.Join(", ", shape.Select(s => s.Name))}).");
        return c;
    }

    /// <summary><paramref name="shape"/> with <paramref name="added"/> appended (replacing same-name columns).</summary>
    public static SchemaShape With(SchemaShape shape, IEnumerable<SchemaShape.Column> added)
    {
        var list = shape.ToList();
        foreach (SchemaShape.Column c in added)
        {
            list.RemoveAll(x => x.Name == c.Name);
            list.Add(c);
        }
        return new SchemaShape(list);
    }

    /// <summary>Maps each pair's input column shape to its output shape and appends the outputs.</summary>
    public static SchemaShape MapPairs(SchemaShape shape, IEnumerable<InputOutputColumnPair> pairs, Func<SchemaShape.Column, SchemaShape.Column> map) =>
        With(shape, pairs.Select(p =>
        {
            SchemaShape.Column output = map(Find(shape, p.InputColumnName));
            return new SchemaShape.Column(p.OutputColumnName, output.Kind, output.ItemType, output.IsKey, output.Annotations);
        }).ToList());

    public static SchemaShape Annotations(params string[] kinds) =>
        new(kinds.Select(k => new SchemaShape.Column(k, SchemaShape.VectorKind.Vector, TextDataViewType.Instance, false)));

    public static string Describe(SchemaShape.Column c) => c.ToString();
}
