using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Rnn.Core.Internals;

namespace Rnn.Core.Serialization;

/// <summary>
/// Reads and writes the safetensors format (Hugging Face), the engine's parameter-file format: named tensors with
/// PyTorch's names, loadable from Python with a few lines of <c>json</c>/<c>struct</c>/<c>torch.frombuffer</c>.
/// </summary>
/// <remarks>
/// <para>Format, all integers little-endian:</para>
/// <code>
/// u64 N                      header length in bytes
/// N bytes of UTF-8 JSON      {"__metadata__": {"key": "value", ...},                       (optional)
///                             "name": {"dtype": "F32", "shape": [d0, d1, ...], "data_offsets": [begin, end]}, ...}
///                            padded with spaces so that 8 + N is a multiple of 8
/// data buffer                tensors row-major; [begin, end) are byte offsets from the start of this buffer
/// </code>
/// <para>Writing: F32 only; tensors in the order given (the Python library sorts names, both are valid), data in the same
/// order, <c>__metadata__</c> first. Files are written to a temporary name and then moved into place.</para>
/// <para>Checksum: the writer adds <c>"rnnml.sha256"</c> to <c>__metadata__</c>, the lowercase hex SHA-256 of the content:
/// every other metadata pair in ordinal key order (key, 0x00, value, 0x00, as UTF-8), then every tensor in ordinal name
/// order (name, 0x00, the shape as "d0,d1,…", 0x00, its float32 little-endian values). A reader that finds it recomputes
/// it and rejects a file whose content differs (a flipped bit, swapped tensors, an edited setting), and does not return
/// it with the metadata; files without it (written by other tools, or before it existed) load unchecked. It detects
/// damage, not tampering: anyone can recompute it.</para>
/// <para>Reading: F32, plus F16, BF16 and F64 converted to float32. The reader trusts nothing: the header length is capped at
/// <see cref="MaxHeaderBytes"/> and must fit the file; names must be unique; every shape must be non-negative integers whose
/// byte size matches its data_offsets; the offsets must tile the data buffer exactly (no overlap, no gap, nothing after the
/// end), as the reference implementation requires. Any violation throws <see cref="InvalidDataException"/> naming the source
/// and the problem before a tensor is allocated.</para>
/// </remarks>
public static class SafeTensors
{
    /// <summary>Largest accepted header, in bytes (the reference implementation's limit).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";
    private const string ChecksumKey = "rnnml.sha256";
    private const int ChunkBytes = 1 << 20;

    // ---------------------------------------------------------------- writing

    /// <summary>
    /// Writes <paramref name="tensors"/> as a float32 safetensors file, atomically: to a temporary file in the same directory,
    /// flushed to disk, then moved over <paramref name="path"/>, so a failed or killed save leaves the previous file intact.
    /// </summary>
    /// <param name="path">Destination file.</param>
    /// <param name="tensors">Named tensors, written in this order. Names must be unique, non-empty and not <c>__metadata__</c>.</param>
    /// <param name="metadata">Optional string pairs stored under <c>__metadata__</c>. Default none.</param>
    /// <exception cref="ArgumentException">A name is empty, repeated or reserved.</exception>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var entries = CheckEntries(tensors);
        AtomicFile.Write(path, file => Write(file, entries, metadata));
    }

    /// <summary>Writes <paramref name="tensors"/> as float32 safetensors to <paramref name="stream"/> (left open).</summary>
    /// <param name="stream">Destination, written from its current position.</param>
    /// <param name="tensors">Named tensors, written in this order. Names must be unique, non-empty and not <c>__metadata__</c>.</param>
    /// <param name="metadata">Optional string pairs stored under <c>__metadata__</c>. Default none.</param>
    /// <exception cref="ArgumentException">A name is empty, repeated or reserved.</exception>
    public static void Save(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Write(stream, CheckEntries(tensors), metadata);
    }

    /// <summary>Writes every parameter's value under its registered name (PyTorch's <c>state_dict</c> names), in registration order.</summary>
    public static void SaveParameters(ParameterCollection parameters, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Save(path, Values(parameters), metadata);
    }

    /// <summary>Writes every parameter's value under its registered name to <paramref name="stream"/> (left open).</summary>
    public static void SaveParameters(ParameterCollection parameters, Stream stream, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Save(stream, Values(parameters), metadata);
    }

    // (registered name, value) in registration order.
    private static IEnumerable<KeyValuePair<string, Tensor>> Values(ParameterCollection parameters) =>
        Enumerable.Range(0, parameters.Count).Select(i => KeyValuePair.Create(parameters.NameAt(i), parameters[i].Value));

    private static List<KeyValuePair<string, Tensor>> CheckEntries(IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var entries = tensors.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in entries)
        {
            if (string.IsNullOrEmpty(name)) ThrowHelper.ThrowArgument(nameof(tensors), "tensor names must be non-empty");
            if (name == MetadataKey) ThrowHelper.ThrowArgument(nameof(tensors), $"'{MetadataKey}' is reserved and cannot name a tensor");
            if (!seen.Add(name)) ThrowHelper.ThrowArgument(nameof(tensors), $"tensor name '{name}' appears twice");
            if (tensor is null) ThrowHelper.ThrowArgument(nameof(tensors), $"tensor '{name}' is null");
        }
        return entries;
    }

    private static void Write(Stream stream, List<KeyValuePair<string, Tensor>> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        // Header: JSON, then spaces up to a multiple of 8 (with the 8-byte length, the data buffer starts 8-aligned).
        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(MetadataKey);
            foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
                if (key != ChecksumKey) writer.WriteString(key, value);
            writer.WriteString(ChecksumKey, Checksum(metadata, entries));
            writer.WriteEndObject();
            long offset = 0;
            foreach (var (name, tensor) in entries)
            {
                long end = offset + (long)tensor.Length * sizeof(float);
                writer.WriteStartObject(name);
                writer.WriteString("dtype", "F32");
                writer.WriteStartArray("shape");
                foreach (int d in tensor.Shape) writer.WriteNumberValue(d);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(end);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset = end;
            }
            writer.WriteEndObject();
        }
        int padding = (8 - json.WrittenCount % 8) % 8;
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)(json.WrittenCount + padding));
        stream.Write(length);
        stream.Write(json.WrittenSpan);
        for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');

        // Data buffer: each tensor's float32 values, little-endian, in header order.
        foreach (var (_, tensor) in entries)
        {
            if (BitConverter.IsLittleEndian)
            {
                stream.Write(MemoryMarshal.AsBytes(tensor.Span));
                continue;
            }
            var bytes = new byte[tensor.Length * sizeof(float)];
            for (int i = 0; i < tensor.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), tensor.Span[i]);
            stream.Write(bytes);
        }
    }

    // ---------------------------------------------------------------- reading

    /// <summary>Reads every tensor of a safetensors file as float32, in header order.</summary>
    /// <exception cref="InvalidDataException">The file is not valid safetensors; the message names the file and the problem.</exception>
    public static IReadOnlyDictionary<string, Tensor> Load(string path) => Load(path, out _);

    /// <summary>Reads every tensor of a safetensors file as float32, in header order, and its <c>__metadata__</c> (empty when absent).</summary>
    /// <exception cref="InvalidDataException">The file is not valid safetensors; the message names the file and the problem.</exception>
    public static IReadOnlyDictionary<string, Tensor> Load(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Read(file, path, out metadata);
    }

    /// <summary>Reads every tensor from <paramref name="stream"/> (to its end) as float32, in header order.</summary>
    /// <param name="stream">Source, read from its current position to its end; need not be seekable (e.g. a zip entry).</param>
    /// <param name="sourceName">Name of the source for error messages. Default "stream".</param>
    /// <exception cref="InvalidDataException">The content is not valid safetensors; the message names the source and the problem.</exception>
    public static IReadOnlyDictionary<string, Tensor> Load(Stream stream, string? sourceName = null) => Load(stream, out _, sourceName);

    /// <summary>Reads every tensor from <paramref name="stream"/> (to its end) as float32, in header order, and its <c>__metadata__</c>.</summary>
    /// <param name="stream">Source, read from its current position to its end; need not be seekable (e.g. a zip entry).</param>
    /// <param name="metadata">The <c>__metadata__</c> pairs, empty when absent.</param>
    /// <param name="sourceName">Name of the source for error messages. Default "stream".</param>
    /// <exception cref="InvalidDataException">The content is not valid safetensors; the message names the source and the problem.</exception>
    public static IReadOnlyDictionary<string, Tensor> Load(Stream stream, out IReadOnlyDictionary<string, string> metadata, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        sourceName ??= "stream";
        if (stream.CanSeek) return Read(stream, sourceName, out metadata);
        // Without a length the header's claims cannot be checked up front: buffer what actually arrives (bounded by the real data).
        using var buffered = new MemoryStream();
        stream.CopyTo(buffered);
        buffered.Position = 0;
        return Read(buffered, sourceName, out metadata);
    }

    /// <summary>
    /// Copies the tensors of a safetensors file into <paramref name="parameters"/> by name, after checking all of them
    /// (nothing is changed when a check fails).
    /// </summary>
    /// <param name="parameters">Destination parameters; each name must be in the file with the same shape and finite values.</param>
    /// <param name="path">Source file.</param>
    /// <param name="strict">When true (default), tensors in the file that match no parameter are an error too.</param>
    /// <exception cref="InvalidDataException">The file is invalid, lacks a parameter, has a wrong shape or a non-finite value, or (strict) holds unexpected tensors; the message names the parameter and the file.</exception>
    public static void LoadInto(ParameterCollection parameters, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        CopyInto(parameters, Load(path), strict, path);
    }

    /// <summary>As <see cref="LoadInto(ParameterCollection, string, bool)"/>, reading from <paramref name="stream"/> to its end.</summary>
    /// <param name="parameters">Destination parameters.</param>
    /// <param name="stream">Source; need not be seekable.</param>
    /// <param name="strict">When true (default), tensors that match no parameter are an error too.</param>
    /// <param name="sourceName">Name of the source for error messages. Default "stream".</param>
    public static void LoadInto(ParameterCollection parameters, Stream stream, bool strict = true, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        sourceName ??= "stream";
        CopyInto(parameters, Load(stream, sourceName), strict, sourceName);
    }

    private static void CopyInto(ParameterCollection parameters, IReadOnlyDictionary<string, Tensor> tensors, bool strict, string source)
    {
        var missing = parameters.Keys.Where(name => !tensors.ContainsKey(name)).ToList();
        if (missing.Count > 0)
            throw Invalid(source, $"parameter{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(n => $"'{n}'"))} missing from the file");
        if (strict)
        {
            var unexpected = tensors.Keys.Where(name => !parameters.ContainsKey(name)).ToList();
            if (unexpected.Count > 0)
                throw Invalid(source, $"unexpected tensor{(unexpected.Count > 1 ? "s" : "")} {string.Join(", ", unexpected.Select(n => $"'{n}'"))} (no parameter of that name; load with strict: false to ignore)");
        }
        foreach (var (name, parameter) in parameters)
        {
            var tensor = tensors[name];
            if (!tensor.SameShape(parameter.Value))
                throw Invalid(source, $"parameter '{name}' has shape {tensor.ShapeString} in the file, expected {parameter.Value.ShapeString}");
            int bad = FirstNonFinite(tensor.Span);
            if (bad >= 0)
                throw Invalid(source, $"parameter '{name}' holds a non-finite value ({tensor.Span[bad]}) at flat index {bad}");
        }
        foreach (var (name, parameter) in parameters) parameter.Load(tensors[name], source);
    }

    private static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i])) return i;
        }
        return -1;
    }

    // One tensor's header entry: dtype, element size, shape and byte range in the data buffer.
    private sealed record Entry(string Name, string Dtype, int ElementBytes, int[] Shape, long Begin, long End);

    private static OrderedDictionary<string, Tensor> Read(Stream stream, string source, out IReadOnlyDictionary<string, string> metadata)
    {
        // *** Layout: u64 N | N bytes JSON header | data buffer (see the class remarks) ***
        long available = stream.Length - stream.Position;
        if (available < 8)
            throw Invalid(source, $"{available} bytes is too short for the 8-byte header length");
        Span<byte> lengthBytes = stackalloc byte[8];
        ReadExactly(stream, lengthBytes, source);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderBytes)
            throw Invalid(source, $"header length {headerLength} exceeds the limit of {MaxHeaderBytes} bytes");
        if ((long)headerLength > available - 8)
            throw Invalid(source, $"header length {headerLength} is larger than the {available - 8} bytes after the length field");
        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, source);

        var entries = ParseHeader(headerBytes, source, out metadata);
        long dataLength = CheckOffsets(entries, source);
        long dataAvailable = available - 8 - (long)headerLength;
        if (dataLength != dataAvailable)
            throw Invalid(source, $"the tensors cover {dataLength} data bytes but {dataAvailable} bytes follow the header");

        // Offsets tile the buffer, so reading in offset order is one sequential pass.
        var tensors = new Tensor[entries.Count];
        byte[]? chunk = null;
        try
        {
            foreach (int i in Enumerable.Range(0, entries.Count).OrderBy(i => entries[i].Begin))
            {
                var entry = entries[i];
                var tensor = new Tensor(entry.Shape);
                if (entry.Dtype == "F32" && BitConverter.IsLittleEndian)
                {
                    ReadExactly(stream, MemoryMarshal.AsBytes(tensor.Span), source);
                }
                else
                {
                    chunk ??= ArrayPool<byte>.Shared.Rent(ChunkBytes);
                    ReadConverted(stream, entry, tensor.Span, chunk, source);
                }
                tensors[i] = tensor;
            }
        }
        finally
        {
            if (chunk is not null) ArrayPool<byte>.Shared.Return(chunk);
        }

        var result = new OrderedDictionary<string, Tensor>(entries.Count, StringComparer.Ordinal);
        for (int i = 0; i < entries.Count; i++) result.Add(entries[i].Name, tensors[i]);
        // A key one or two characters away from the checksum's is its damaged form (a file without the checksum loads
        // unchecked, so damage to its name must not pass as "no checksum").
        string? nearMiss = metadata.Keys.FirstOrDefault(k => k.Length == ChecksumKey.Length && k != ChecksumKey
            && k.Zip(ChecksumKey).Count(p => p.First != p.Second) <= 2);
        if (nearMiss is not null)
            throw Invalid(source, $"the metadata key '{nearMiss}' is a damaged {ChecksumKey}");
        if (metadata.TryGetValue(ChecksumKey, out string? expected))
        {
            if (!string.Equals(expected, Checksum(metadata, result), StringComparison.Ordinal))
                throw Invalid(source, $"the content does not match its {ChecksumKey} checksum (the file is damaged or was edited)");
            var rest = new Dictionary<string, string>(metadata, StringComparer.Ordinal);
            rest.Remove(ChecksumKey);
            metadata = rest;
        }
        return result;
    }

    // The content checksum (see the class remarks): SHA-256 of the metadata but the checksum, then the tensors, both by name.
    private static string Checksum(IEnumerable<KeyValuePair<string, string>>? metadata, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (key, value) in (metadata ?? []).Where(p => p.Key != ChecksumKey).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Text(key);
            Text(value);
        }
        Span<byte> element = stackalloc byte[4];
        foreach (var (name, tensor) in tensors.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Text(name);
            Text(string.Join(',', tensor.Shape.ToArray()));
            if (BitConverter.IsLittleEndian)
            {
                hash.AppendData(MemoryMarshal.AsBytes(tensor.Span));
                continue;
            }
            foreach (float v in tensor.Span)
            {
                BinaryPrimitives.WriteSingleLittleEndian(element, v);
                hash.AppendData(element);
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());

        void Text(string text)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(text));
            hash.AppendData([0]);
        }
    }

    // Reads a non-F32 (or big-endian host) tensor chunk by chunk, converting each element to float32.
    private static void ReadConverted(Stream stream, Entry entry, Span<float> destination, byte[] chunk, string source)
    {
        int size = entry.ElementBytes;
        int perChunk = ChunkBytes / size;
        for (int start = 0; start < destination.Length; start += perChunk)
        {
            int count = Math.Min(perChunk, destination.Length - start);
            var bytes = chunk.AsSpan(0, count * size);
            ReadExactly(stream, bytes, source);
            var values = destination.Slice(start, count);
            for (int i = 0; i < count; i++)
            {
                var element = bytes.Slice(i * size, size);
                values[i] = entry.Dtype switch
                {
                    "F32" => BinaryPrimitives.ReadSingleLittleEndian(element),
                    "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(element),
                    "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(element) << 16),
                    _ => (float)BinaryPrimitives.ReadDoubleLittleEndian(element), // F64
                };
            }
        }
    }

    private static List<Entry> ParseHeader(byte[] headerBytes, string source, out IReadOnlyDictionary<string, string> metadata)
    {
        // JsonDocument checks UTF-8 only when a string is read (and then throws InvalidOperationException): check it first.
        if (!System.Text.Unicode.Utf8.IsValid(headerBytes))
            throw Invalid(source, "the header is not valid UTF-8");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes);
        }
        catch (JsonException e)
        {
            throw Invalid(source, $"the header is not valid JSON ({e.Message})", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Invalid(source, $"the header must be a JSON object, got {root.ValueKind}");
            var entries = new List<Entry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var meta = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!names.Add(property.Name))
                    throw Invalid(source, $"the header names '{property.Name}' twice");
                if (property.Name == MetadataKey)
                    ReadMetadata(property.Value, meta, source);
                else
                    entries.Add(ReadEntry(property.Name, property.Value, source));
            }
            metadata = meta;
            return entries;
        }
    }

    private static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata, string source)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw Invalid(source, $"'{MetadataKey}' must be an object of strings, got {element.ValueKind}");
        foreach (var pair in element.EnumerateObject())
        {
            if (pair.Value.ValueKind != JsonValueKind.String)
                throw Invalid(source, $"'{MetadataKey}' value of '{pair.Name}' must be a string, got {pair.Value.ValueKind}");
            metadata[pair.Name] = pair.Value.GetString()!;
        }
    }

    private static Entry ReadEntry(string name, JsonElement element, string source)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw Invalid(source, $"tensor '{name}': the entry must be an object, got {element.ValueKind}");
        if (!element.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Invalid(source, $"tensor '{name}': missing string 'dtype'");
        string dtype = dtypeElement.GetString()!;
        int elementBytes = dtype switch
        {
            "F32" => 4,
            "F16" or "BF16" => 2,
            "F64" => 8,
            "BOOL" or "U8" or "I8" or "F8_E4M3" or "F8_E5M2" or "I16" or "U16" or "I32" or "U32" or "I64" or "U64" =>
                throw Invalid(source, $"tensor '{name}': dtype {dtype} is not supported (supported: F32, F16, BF16, F64)"),
            _ => throw Invalid(source, $"tensor '{name}': unknown dtype '{dtype}'"),
        };

        var dims = ReadIntegers(element, "shape", name, source);
        var shape = new int[dims.Length];
        long count = 1;
        for (int d = 0; d < dims.Length; d++)
        {
            if (dims[d] < 0) throw Invalid(source, $"tensor '{name}': dimension {d} is negative ({dims[d]})");
            if (dims[d] > int.MaxValue) throw Invalid(source, $"tensor '{name}': dimension {d} ({dims[d]}) is too large");
            shape[d] = (int)dims[d];
            if (count != 0 && dims[d] > long.MaxValue / elementBytes / count)
                throw Invalid(source, $"tensor '{name}': the element count of shape [{string.Join(", ", dims)}] overflows");
            count *= dims[d];
        }
        if (count > Array.MaxLength)
            throw Invalid(source, $"tensor '{name}': {count} elements exceed the largest array ({Array.MaxLength})");

        var offsets = ReadIntegers(element, "data_offsets", name, source);
        if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
            throw Invalid(source, $"tensor '{name}': data_offsets must be [begin, end] with 0 ≤ begin ≤ end, got [{string.Join(", ", offsets)}]");
        long bytes = count * elementBytes;
        if (offsets[1] - offsets[0] != bytes)
            throw Invalid(source, $"tensor '{name}': shape [{string.Join(", ", dims)}] of {dtype} needs {bytes} bytes but data_offsets [{offsets[0]}, {offsets[1]}] span {offsets[1] - offsets[0]}");
        return new Entry(name, dtype, elementBytes, shape, offsets[0], offsets[1]);
    }

    private static long[] ReadIntegers(JsonElement entry, string property, string name, string source)
    {
        if (!entry.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array)
            throw Invalid(source, $"tensor '{name}': missing array '{property}'");
        var values = new long[array.GetArrayLength()];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out values[i]))
                throw Invalid(source, $"tensor '{name}': {property}[{i}] is not an integer ({item.GetRawText()})");
            i++;
        }
        return values;
    }

    // The byte ranges must tile [0, total) exactly; returns total.
    private static long CheckOffsets(List<Entry> entries, string source)
    {
        long expected = 0;
        string previous = "the start of the data buffer";
        foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.Begin < expected)
                throw Invalid(source, $"tensor '{entry.Name}' [{entry.Begin}, {entry.End}) overlaps {previous} (which ends at {expected})");
            if (entry.Begin > expected)
                throw Invalid(source, $"bytes [{expected}, {entry.Begin}) of the data buffer belong to no tensor (gap before '{entry.Name}')");
            expected = entry.End;
            previous = $"tensor '{entry.Name}'";
        }
        return expected;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string source)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw Invalid(source, "the data ends early (truncated)", e);
        }
    }

    private static InvalidDataException Invalid(string source, string problem, Exception? inner = null) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{source}: not a valid safetensors file: {problem}"), inner);
}
