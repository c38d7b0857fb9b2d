using System.IO.Compression;
using System.Text.Json;

namespace Rnn.MLNet.Model;

/// <summary>Reads a model zip's entries with size limits; every failure is an <see cref="InvalidDataException"/> naming the file.</summary>
internal sealed class ModelZipReader : IDisposable
{
    /// <summary>The most entries a model zip may hold.</summary>
    public const int MaxEntries = 100_000;

    private readonly ZipArchive _archive;

    private ModelZipReader(ZipArchive archive, string name)
    {
        _archive = archive;
        Name = name;
    }

    /// <summary>The largest decompressed entry accepted (bytes).</summary>
    internal static long MaxEntryBytes { get; set; } = 1L << 31;

    public string Name { get; }

    public static ModelZipReader Open(Stream stream, string name)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or NotSupportedException)
        {
            throw new InvalidDataException($"{name}: not a model zip (the file is damaged, truncated or not a zip): {e.Message}", e);
        }
        if (archive.Entries.Count > MaxEntries)
        {
            archive.Dispose();
            throw new InvalidDataException($"{name}: the zip holds {archive.Entries.Count} entries (limit {MaxEntries}).");
        }
        return new ModelZipReader(archive, name);
    }

    public ManifestRecord ReadManifest()
    {
        if (_archive.GetEntry(ModelZip.ManifestEntry) is null)
            throw new InvalidDataException($"{Name}: not an RnnMl model (no {ModelZip.ManifestEntry}).");
        byte[] bytes = ReadEntry(ModelZip.ManifestEntry);
        ManifestRecord? m;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("format", out JsonElement format) || format.ValueKind != JsonValueKind.String
                || format.GetString() != ModelZip.FormatName)
                throw new InvalidDataException($"{Name}: not an RnnMl model ({ModelZip.ManifestEntry} does not say \"format\": \"{ModelZip.FormatName}\").");
            if (!doc.RootElement.TryGetProperty("formatVersion", out JsonElement v) || !v.TryGetInt32(out int version) || version <= 0)
                throw new InvalidDataException($"{Name}: {ModelZip.ManifestEntry} has no valid formatVersion.");
            if (version > ModelZip.FormatVersion)
                throw new InvalidDataException($"{Name}: format version {version} was written by a newer RnnMl; this library reads up to version {ModelZip.FormatVersion}.");
            m = doc.RootElement.Deserialize<ManifestRecord>(ModelJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{Name}: {ModelZip.ManifestEntry} is not valid JSON: {e.Message}", e);
        }
        return m ?? throw new InvalidDataException($"{Name}: {ModelZip.ManifestEntry} is empty.");
    }

    /// <summary>The decompressed bytes of <paramref name="path"/>, refusing more than <see cref="MaxEntryBytes"/>.</summary>
    public byte[] ReadEntry(string path)
    {
        ZipArchiveEntry entry = _archive.GetEntry(path) ?? throw new InvalidDataException($"{Name}: entry '{path}' is missing.");
        if (entry.Length > MaxEntryBytes)
            throw new InvalidDataException($"{Name}: entry '{path}' declares {entry.Length} bytes (limit {MaxEntryBytes}).");
        using var buffer = new MemoryStream();
        try
        {
            using Stream s = entry.Open();
            // Grow with the bytes actually decompressed, never trusting the declared length.
            var chunk = new byte[81920];
            int read;
            while ((read = s.Read(chunk)) > 0 && buffer.Length <= MaxEntryBytes)
                buffer.Write(chunk, 0, read);
        }
        catch (Exception e) when (e is IOException or NotSupportedException or InvalidDataException)
        {
            throw new InvalidDataException($"{Name}: entry '{path}' is damaged: {e.Message}", e);
        }
        if (buffer.Length > MaxEntryBytes)
            throw new InvalidDataException($"{Name}: entry '{path}' decompresses to more than {MaxEntryBytes} bytes.");
        return buffer.ToArray();
    }

    public void Dispose() => _archive.Dispose();
}
