using Rnn.MLNet.Model;

namespace Rnn.MLNet;

public sealed partial class ModelOperationsCatalog
{
    /// <summary>
    /// Saves <paramref name="model"/> and the schema of the data it expects to a zip (format: docs/model-format.md).
    /// </summary>
    public void Save(ITransformer model, DataViewSchema? inputSchema, string filePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        using var stream = new MemoryStream();
        ModelZip.Save(model, inputSchema, stream);
        File.WriteAllBytes(filePath, stream.ToArray());
    }

    /// <summary>Saves <paramref name="model"/> and its input schema as a zip into <paramref name="stream"/>.</summary>
    public void Save(ITransformer model, DataViewSchema? inputSchema, Stream stream) => ModelZip.Save(model, inputSchema, stream);

    /// <summary>
    /// Loads a model saved by <see cref="Save(ITransformer, DataViewSchema, string)"/>. A damaged, truncated, foreign or
    /// newer-version file, an unknown transformer id or absurd sizes throw <see cref="InvalidDataException"/>.
    /// </summary>
    public ITransformer Load(string filePath, out DataViewSchema inputSchema)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        using FileStream stream = File.OpenRead(filePath);
        return ModelZip.Load(stream, filePath, out inputSchema);
    }

    /// <summary>Loads a model from <paramref name="stream"/> (must be seekable).</summary>
    public ITransformer Load(Stream stream, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ModelZip.Load(stream, "model stream", out inputSchema);
    }

    /// <summary>
    /// A prediction engine for single objects. <b>Not thread-safe</b> (one per thread); allocates nothing per call
    /// beyond the output. Output members without a column are skipped when <paramref name="ignoreMissingColumns"/>.
    /// </summary>
    public PredictionEngine<TSrc, TDst> CreatePredictionEngine<TSrc, TDst>(ITransformer transformer, bool ignoreMissingColumns = true)
        where TSrc : class
        where TDst : class, new() =>
        new(transformer, ignoreMissingColumns);

    /// <summary>
    /// A prediction engine (<b>not thread-safe</b>) whose input columns take the types of <paramref name="inputSchema"/>
    /// (e.g. the schema <see cref="Load(string, out DataViewSchema)"/> returns) where <typeparamref name="TSrc"/> is less
    /// precise: a plain <c>float[]</c> member feeds a known-size vector column, a <c>uint</c> member a key column.
    /// </summary>
    public PredictionEngine<TSrc, TDst> CreatePredictionEngine<TSrc, TDst>(ITransformer transformer, DataViewSchema inputSchema)
        where TSrc : class
        where TDst : class, new()
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new(transformer, ignoreMissingColumns: true, inputSchema);
    }

    /// <summary>
    /// A prediction engine safe to call from many threads at once (<b>thread-safe</b>: a pool of engines over the shared,
    /// immutable model). <paramref name="inputSchema"/> plays the role it has in <see cref="CreatePredictionEngine{TSrc, TDst}(ITransformer, DataViewSchema)"/>.
    /// </summary>
    public ThreadSafePredictionEngine<TSrc, TDst> CreateThreadSafePredictionEngine<TSrc, TDst>(ITransformer transformer, bool ignoreMissingColumns = true, DataViewSchema? inputSchema = null)
        where TSrc : class
        where TDst : class, new() =>
        new(transformer, ignoreMissingColumns, inputSchema);
}
