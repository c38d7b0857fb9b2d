// Format (docs/model-format.md): a zip holding only data.
//   manifest.json                    { "format": "RnnMl.Model", "formatVersion": 1, "libraryVersion": "0.1.0",
//                                      "inputSchema": [ { "name", "type", "dimensions"?, "keyRawType"?, "keyCount"? } ],
//                                      "transformers": [ { "id": "Rnn.CopyColumns", "version": 1, "entry": "transformers/000/" } ] }
//   transformers/NNN/settings.json   the transformer's settings (its own JSON record)
//   transformers/NNN/*.safetensors   its weights (float32 safetensors)
//   transformers/NNN/*.json          its string lists (vocabularies)
// A chain is saved as its transformers in order (nested chains flattened) and loads as a TransformerChain.
using System.IO.Compression;
using System.Text.Json;

namespace Rnn.MLNet.Model;

internal sealed record ManifestRecord(string Format, int FormatVersion, string LibraryVersion, ModelJson.ColumnRecord[] InputSchema, TransformerRecord[] Transformers);

internal sealed record TransformerRecord(string Id, int Version, string Entry);

/// <summary>Writes and reads model zips.</summary>
internal static class ModelZip
{
    public const string FormatName = "RnnMl.Model";
    public const int FormatVersion = 1;
    public const string ManifestEntry = "manifest.json";

    public static string LibraryVersion { get; } = typeof(ModelZip).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static void Save(ITransformer model, DataViewSchema? inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        var steps = new List<ITransformer>();
        Flatten(model, steps);
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var records = new TransformerRecord[steps.Count];
        for (int i = 0; i < steps.Count; i++)
        {
            string dir = $"transformers/{i:D3}/";
            var ctx = new ModelSaveContext(archive, dir);
            steps[i].Save(ctx);
            if (ctx.TypeId is null)
                throw new InvalidOperationException($"{steps[i].GetType().Name}.Save did not call ModelSaveContext.SetVersionInfo.");
            records[i] = new TransformerRecord(ctx.TypeId, ctx.Version, dir);
        }
        var manifest = new ManifestRecord(FormatName, FormatVersion, LibraryVersion,
            ModelJson.ToRecords(inputSchema ?? DataViewSchema.Empty), records);
        using Stream s = archive.CreateEntry(ManifestEntry, CompressionLevel.Optimal).Open();
        JsonSerializer.Serialize(s, manifest, ModelJson.Options);
    }

    private static void Flatten(ITransformer t, List<ITransformer> into)
    {
        if (t is ITransformerChainAccessor chain)
            foreach (ITransformer inner in chain.Transformers)
                Flatten(inner, into);
        else
            into.Add(t);
    }

    public static TransformerChain<ITransformer> Load(Stream stream, string name, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var zip = ModelZipReader.Open(stream, name);
        ManifestRecord manifest = zip.ReadManifest();
        inputSchema = ModelJson.ToSchema(manifest.InputSchema, $"{name}: {ManifestEntry}");
        if (manifest.Transformers is null)
            throw new InvalidDataException($"{name}: {ManifestEntry} lists no transformers.");
        var steps = new ITransformer[manifest.Transformers.Length];
        for (int i = 0; i < steps.Length; i++)
            steps[i] = LoadOne(zip, manifest.Transformers[i], name);
        return new TransformerChain<ITransformer>(steps);
    }

    private static ITransformer LoadOne(ModelZipReader zip, TransformerRecord? record, string name)
    {
        if (record?.Id is null || record.Entry is null)
            throw new InvalidDataException($"{name}: a transformer record lacks its id or entry.");
        if (!ModelRegistry.TryGetLoader(record.Id, out var loader, out int supported))
            throw new InvalidDataException($"{name}: unknown transformer type id '{record.Id}' (no loader registered; is the assembly defining it referenced?).");
        if (record.Version <= 0 || record.Version > supported)
            throw new InvalidDataException($"{name}: '{record.Id}' was saved as version {record.Version}, this library reads versions 1 to {supported}; it was written by a newer version.");
        var ctx = new ModelLoadContext(zip, record.Entry, record.Id, record.Version);
        try
        {
            return loader(ctx);
        }
        catch (Exception e) when (e is not InvalidDataException and not OutOfMemoryException)
        {
            throw new InvalidDataException($"{name}: {record.Entry} ({record.Id} v{record.Version}) could not be loaded: {e.Message}", e);
        }
    }
}
