namespace Rnn.MLNet;

public sealed partial class DataOperationsCatalog
{
    /// <summary>
    /// The rows of <paramref name="input"/> kept in memory after the first pass (all columns), so training epochs do not
    /// recompute or re-read them; cursors with a <see cref="Random"/> get a random permutation.
    /// <paramref name="columnsToPrefetch"/> is accepted for ML.NET compatibility (every column is cached).
    /// </summary>
    public IDataView Cache(IDataView input, params string[] columnsToPrefetch)
    {
        ArgumentNullException.ThrowIfNull(input);
        foreach (string name in columnsToPrefetch ?? [])
            Internals.Columns.Find(input.Schema, name);
        return new CacheDataView(input);
    }
}
