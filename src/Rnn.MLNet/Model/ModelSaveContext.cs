using System.IO.Compression;
using System.Text.Json;
using Rnn.Core;
using Rnn.MLNet.Model;

namespace Rnn.MLNet;

/// <summary>
/// Where a transformer writes itself inside a model zip (see docs/model-format.md): it names its registered
/// type id and version (<see cref="SetVersionInfo"/>), then writes settings (JSON), tensors (safetensors)
/// and string lists (vocabularies) into its own folder of the zip.
/// </summary>
public sealed class ModelSaveContext
{
    private readonly ZipArchive _archive;
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    internal ModelSaveContext(ZipArchive archive, string directory)
    {
        _archive = archive;
        Directory = directory;
    }

    /// <summary>The transformer's folder in the zip (ends with '/').</summary>
    internal string Directory { get; }

    internal string? TypeId { get; private set; }

    internal int Version { get; private set; }

    /// <summary>Names the registered loader (<see cref="ModelRegistry.Register"/>) and the version of the layout written.</summary>
    public void SetVersionInfo(string typeId, int version)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(version);
        if (!ModelRegistry.TryGetLoader(typeId, out _, out int registered))
            throw new InvalidOperationException($"Type id '{typeId}' has no registered loader; call ModelRegistry.Register(\"{typeId}\", {version}, loader) first so the saved model can be loaded.");
        if (version > registered)
            throw new InvalidOperationException($"Type id '{typeId}' is saved as version {version} but its loader reads up to version {registered}.");
        TypeId = typeId;
        Version = version;
    }

    /// <summary>Writes <paramref name="settings"/> as JSON to <c>settings.json</c>.</summary>
    public void WriteSettings<T>(T settings) => WriteEntry("settings.json", JsonSerializer.SerializeToUtf8Bytes(settings, ModelJson.Options));

    /// <summary>Writes named float32 tensors to <c><paramref name="name"/>.safetensors</c>.</summary>
    public void WriteTensors(string name, IReadOnlyDictionary<string, Tensor> tensors) =>
        WriteEntry(name + ".safetensors", ToSafeTensors(tensors));

    private static byte[] ToSafeTensors(IReadOnlyDictionary<string, Tensor> tensors)
    {
        using var buffer = new MemoryStream();
        Rnn.Core.Serialization.SafeTensors.Save(buffer, tensors);
        return buffer.ToArray();
    }

    /// <summary>Writes a list of strings (a vocabulary) as a JSON array to <c><paramref name="name"/>.json</c>.</summary>
    public void WriteStrings(string name, IReadOnlyList<string> values) =>
        WriteEntry(name + ".json", JsonSerializer.SerializeToUtf8Bytes(values, ModelJson.Options));

    private void WriteEntry(string fileName, byte[] bytes)
    {
        ModelJson.CheckEntryName(fileName);
        if (!_written.Add(fileName))
            throw new InvalidOperationException($"'{fileName}' was already written for this transformer.");
        ZipArchiveEntry entry = _archive.CreateEntry(Directory + fileName, CompressionLevel.Optimal);
        using Stream s = entry.Open();
        s.Write(bytes);
    }
}

/// <summary>
/// What a registered loader reads a transformer from: the version it was saved with and its settings,
/// tensors and string lists. Every read checks sizes before allocating and throws <see cref="InvalidDataException"/>.
/// </summary>
public sealed class ModelLoadContext
{
    private readonly ModelZipReader _zip;

    internal ModelLoadContext(ModelZipReader zip, string directory, string typeId, int version)
    {
        _zip = zip;
        Directory = directory;
        TypeId = typeId;
        Version = version;
    }

    internal string Directory { get; }

    /// <summary>The registered type id the transformer was saved under.</summary>
    public string TypeId { get; }

    /// <summary>The layout version the transformer was saved with (at most the registered version).</summary>
    public int Version { get; }

    /// <summary>Reads <c>settings.json</c>.</summary>
    public T ReadSettings<T>()
    {
        byte[] bytes = _zip.ReadEntry(Directory + "settings.json");
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, ModelJson.Options)
                ?? throw new InvalidDataException($"{_zip.Name}: {Directory}settings.json is null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{_zip.Name}: {Directory}settings.json is not valid for {TypeId}: {e.Message}", e);
        }
    }

    /// <summary>Reads the tensors of <c><paramref name="name"/>.safetensors</c>.</summary>
    public IReadOnlyDictionary<string, Tensor> ReadTensors(string name)
    {
        string path = Directory + name + ".safetensors";
        using var stream = new MemoryStream(_zip.ReadEntry(path), writable: false);
        return Rnn.Core.Serialization.SafeTensors.Load(stream, $"{_zip.Name}: {path}");
    }

    /// <summary>Reads the string list <c><paramref name="name"/>.json</c>.</summary>
    public IReadOnlyList<string> ReadStrings(string name)
    {
        string path = Directory + name + ".json";
        try
        {
            string[]? values = JsonSerializer.Deserialize<string[]>(_zip.ReadEntry(path), ModelJson.Options);
            if (values is null || values.Any(v => v is null))
                throw new InvalidDataException($"{_zip.Name}: {path} holds null strings.");
            return values;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{_zip.Name}: {path} is not a JSON string array: {e.Message}", e);
        }
    }

    /// <summary>Throws <see cref="InvalidDataException"/> naming this transformer's entry when <paramref name="condition"/> is false.</summary>
    public void Check(bool condition, string message)
    {
        if (!condition)
            throw new InvalidDataException($"{_zip.Name}: {Directory} ({TypeId} v{Version}): {message}");
    }
}
