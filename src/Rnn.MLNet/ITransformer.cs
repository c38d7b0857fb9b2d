namespace Rnn.MLNet;

/// <summary>Something that can write itself into a model zip.</summary>
public interface ICanSaveModel
{
    /// <summary>Writes the object's settings and weights; see docs/model-format.md.</summary>
    void Save(ModelSaveContext ctx);
}

/// <summary>
/// A fitted pipeline step: maps an input view to an output view lazily, and is saved as part of a model zip.
/// </summary>
public interface ITransformer : ICanSaveModel
{
    /// <summary>Whether <see cref="GetRowToRowMapper"/> is supported (each output row depends on one input row).</summary>
    bool IsRowToRowMapper { get; }

    /// <summary>The schema <see cref="Transform"/> produces for an input of schema <paramref name="inputSchema"/>; throws when the input does not fit.</summary>
    DataViewSchema GetOutputSchema(DataViewSchema inputSchema);

    /// <summary>A mapper computing one output row from one input row (used by the prediction engine).</summary>
    IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema);

    /// <summary>The transformed view; values are computed as its cursors move.</summary>
    IDataView Transform(IDataView input);
}

/// <summary>Maps one input row to one output row.</summary>
public interface IRowToRowMapper
{
    /// <summary>The input schema the mapper was bound to.</summary>
    DataViewSchema InputSchema { get; }

    /// <summary>The output schema.</summary>
    DataViewSchema OutputSchema { get; }

    /// <summary>The input columns needed to compute <paramref name="dependingColumns"/> of the output.</summary>
    IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns);

    /// <summary>An output row over <paramref name="input"/>, computing <paramref name="activeColumns"/>; it follows the input as it moves.</summary>
    DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns);
}

/// <summary>An unfitted pipeline step: learns from data (<see cref="Fit"/>) to produce a transformer.</summary>
/// <typeparam name="TTransformer">The fitted transformer's type.</typeparam>
public interface IEstimator<out TTransformer>
    where TTransformer : ITransformer
{
    /// <summary>Learns from <paramref name="input"/> and returns the fitted transformer.</summary>
    TTransformer Fit(IDataView input);

    /// <summary>The output shape for an input of shape <paramref name="inputSchema"/>, without fitting; throws when the input does not fit.</summary>
    SchemaShape GetOutputSchema(SchemaShape inputSchema);
}
