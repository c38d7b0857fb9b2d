using System.Text.Json;
using System.Text.Json.Serialization;
using Rnn.Core;
using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Serialization;

namespace Rnn.MLNet.Persistence;

/// <summary>
/// What RnnMl puts inside ML.NET's model zip for one fitted component: a self-describing safetensors file.
/// </summary>
/// <remarks>
/// <code>
/// // Format (version 1; docs/model-format.md):
/// //   a safetensors file, float32 little-endian tensors named as PyTorch's state_dict (rnn.weight_ih_l0, fc.weight, ...);
/// //   __metadata__: { "format": "rnnml", "kind": "&lt;kind&gt;", "version": "&lt;int&gt;", "settings": "&lt;JSON of the kind's settings&gt;" }
/// //   carried in the zip as the base64 text of those bytes, the one value of a ValueMapping (PayloadCarrier).
/// </code>
/// Reading trusts nothing: a foreign, damaged or newer payload is an <see cref="InvalidDataException"/> naming the problem.
/// </remarks>
internal sealed class ModelPayload
{
    public const string Format = "rnnml";

    /// <summary>JSON settings: camelCase, enums as names, bounded depth.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        MaxDepth = 16,
    };

    public ModelPayload(string kind, int version, string settings, IReadOnlyDictionary<string, Tensor> tensors)
    {
        Kind = kind;
        Version = version;
        Settings = settings;
        Tensors = tensors;
    }

    /// <summary>What the payload describes ("recurrent-predictor", "recurrent-forecaster", ...).</summary>
    public string Kind { get; }

    /// <summary>The kind's format version.</summary>
    public int Version { get; }

    /// <summary>The kind's settings as JSON.</summary>
    public string Settings { get; }

    /// <summary>The tensors by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>The settings deserialised, or an error naming the kind.</summary>
    public T ReadSettings<T>() where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(Settings, Json) ?? throw Invalid($"the {Kind} settings are empty");
        }
        catch (JsonException e)
        {
            throw Invalid($"the {Kind} settings are not valid JSON ({e.Message})");
        }
    }

    /// <summary>The payload for <paramref name="settings"/> and <paramref name="tensors"/>, as the base64 text stored in the zip.</summary>
    public static string Write<T>(string kind, int version, T settings, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["kind"] = kind,
            ["version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["settings"] = JsonSerializer.Serialize(settings, Json),
        };
        using var stream = new MemoryStream();
        SafeTensors.Save(stream, tensors, metadata);
        return Convert.ToBase64String(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Reads a payload from its base64 text, checking format, kind and version.</summary>
    /// <param name="text">The base64 text.</param>
    /// <param name="expectedKind">The kind the caller can use; another kind is an error.</param>
    /// <param name="maxVersion">The newest version of that kind this build reads.</param>
    /// <exception cref="InvalidDataException">Not an RnnMl payload, another kind, a newer version, or damaged.</exception>
    public static ModelPayload Read(ReadOnlySpan<char> text, string? expectedKind, int maxVersion)
    {
        if (text.IsEmpty) throw Invalid("the model payload is empty");
        byte[] bytes = new byte[text.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64Chars(text, bytes, out int length))
            throw Invalid("the model payload is not base64 text");
        IReadOnlyDictionary<string, Tensor> tensors;
        IReadOnlyDictionary<string, string> metadata;
        using (var stream = new MemoryStream(bytes, 0, length, writable: false))
            tensors = SafeTensors.Load(stream, out metadata, "RnnMl model payload");
        if (!metadata.TryGetValue("format", out string? format) || format != Format)
            throw Invalid("the payload is a safetensors file but not one RnnMl wrote (no \"format\": \"rnnml\" metadata)");
        // Exactly the keys RnnMl writes (SafeTensors has checked and removed its checksum): a damaged key name, which
        // could otherwise hide the checksum and let other damage through, is an error.
        string? unknown = metadata.Keys.FirstOrDefault(k => k is not ("format" or "kind" or "version" or "settings"));
        if (unknown is not null)
            throw Invalid($"the payload's metadata has an unexpected key '{unknown}' (damaged)");
        if (!metadata.TryGetValue("kind", out string? kind) || string.IsNullOrEmpty(kind))
            throw Invalid("the payload names no kind");
        if (expectedKind is not null && kind != expectedKind)
            throw Invalid($"the payload holds a {kind}, expected a {expectedKind}");
        if (!metadata.TryGetValue("version", out string? versionText)
            || !int.TryParse(versionText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int version)
            || version < 1)
            throw Invalid($"the {kind} payload has no valid version");
        if (version > maxVersion)
            throw Invalid($"the {kind} payload has format version {version}; this RnnMl reads versions up to {maxVersion} (update the RnnMl package)");
        if (!metadata.TryGetValue("settings", out string? settings))
            throw Invalid($"the {kind} payload has no settings");
        return new ModelPayload(kind, version, settings, tensors);
    }

    /// <summary>
    /// Reads every payload in <paramref name="texts"/> (all checks, any kind and version) and throws the first one's
    /// <see cref="InvalidDataException"/>: where a model was looked for and not found, a damaged payload (whose kind may
    /// be what the damage changed) is the error to report, not "no model".
    /// </summary>
    public static void ThrowIfAnyDamaged(IEnumerable<string> texts)
    {
        foreach (string text in texts) Read(text, expectedKind: null, maxVersion: int.MaxValue);
    }

    /// <summary>
    /// The kind of an RnnMl payload from its safetensors header alone (the 8-byte length and the JSON header, decoded from
    /// the first base64 characters): finding a payload among several does not decode every weight. Null when the text is
    /// not a readable RnnMl payload header; <see cref="Read"/> then says what is wrong.
    /// </summary>
    public static string? PeekKind(ReadOnlySpan<char> text)
    {
        Span<byte> prefix = stackalloc byte[9];
        if (text.Length < 12 || !Convert.TryFromBase64Chars(text[..12], prefix, out int got) || got < 8) return null;
        ulong headerLength = BitConverter.ToUInt64(prefix[..8]);
        if (headerLength == 0 || headerLength > (ulong)SafeTensors.MaxHeaderBytes) return null;
        long bytes = 8 + (long)headerLength;
        long chars = (bytes + 2) / 3 * 4;
        if (chars > text.Length) return null;
        byte[] head = new byte[chars / 4 * 3];
        if (!Convert.TryFromBase64Chars(text[..(int)chars], head, out int decoded) || decoded < bytes) return null;
        if (!System.Text.Unicode.Utf8.IsValid(head.AsSpan(8, (int)headerLength))) return null; // GetString would throw
        try
        {
            using var header = JsonDocument.Parse(head.AsMemory(8, (int)headerLength), new JsonDocumentOptions { MaxDepth = 16 });
            return header.RootElement.ValueKind == JsonValueKind.Object
                && header.RootElement.TryGetProperty("__metadata__", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                && metadata.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String && format.GetString() == Format
                && metadata.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String
                ? kind.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The network <paramref name="options"/> declare, holding the payload's weights. The declared parameter count is
    /// checked against the values the payload actually holds before the network is allocated, so settings cannot make
    /// a small payload allocate a large network (a network no larger than the payload is built, and
    /// <see cref="CopyInto"/> then names any tensor that does not fit it).
    /// </summary>
    public SequenceModel CreateNetwork(SequenceModelOptions options)
    {
        CheckHolds([options]);
        var network = new SequenceModel(options);
        CopyInto(network.Parameters);
        return network;
    }

    /// <summary>
    /// Throws when the networks <paramref name="options"/> declare need more weights than the payload holds, before any of
    /// them is built: settings cannot make a small payload allocate a large network.
    /// </summary>
    public void CheckHolds(IEnumerable<SequenceModelOptions> options)
    {
        long declared = options.Sum(ParameterCount), held = Tensors.Values.Sum(t => (long)t.Length);
        if (declared > held)
            throw Invalid($"the {Kind} settings declare networks of {declared} weights, more than the {held} the payload holds");
    }

    /// <summary>
    /// The number of weights of the <see cref="SequenceModel"/> <paramref name="options"/> declare, computed without
    /// building it: embedding [V, E], per layer and direction weight_ih [G·H, I_l], weight_hh [G·H, H] and two biases [G·H]
    /// (I_0 = E or the input size, I_l = D·H), head [O, D·H] and [O], and the wide path's wide.weight [N, O] when it has one.
    /// </summary>
    internal static long ParameterCount(SequenceModelOptions options)
    {
        long h = options.HiddenSize, g = RecurrentLayer.GateCountOf(options.Cell) * h, d = options.Bidirectional ? 2 : 1;
        long input = options.UsesTokens ? options.EmbeddingSize : options.InputSize;
        long count = options.UsesTokens ? (long)options.VocabularySize * options.EmbeddingSize : 0;
        for (int layer = 0; layer < options.NumLayers; layer++)
            count += d * ((g * (layer == 0 ? input : d * h)) + (g * h) + (2 * g));
        return count + (options.OutputSize * d * h) + options.OutputSize + ((long)Math.Max(options.WideBuckets, 0) * options.OutputSize);
    }

    /// <summary>Copies the payload's tensors into <paramref name="parameters"/>, checking names, shapes and values.</summary>
    public void CopyInto(ParameterCollection parameters)
    {
        foreach (var (name, parameter) in parameters)
        {
            if (!Tensors.TryGetValue(name, out Tensor? tensor))
                throw Invalid($"the {Kind} payload lacks parameter '{name}'");
            if (!tensor.SameShape(parameter.Value))
                throw Invalid($"parameter '{name}' has shape {tensor.ShapeString} in the {Kind} payload, the network needs {parameter.Value.ShapeString}");
            foreach (float v in tensor.Span)
                if (!float.IsFinite(v)) throw Invalid($"parameter '{name}' of the {Kind} payload holds a non-finite value");
        }
        var extra = Tensors.Keys.Where(k => !parameters.Keys.Contains(k)).ToList();
        if (extra.Count > 0) throw Invalid($"the {Kind} payload holds unexpected tensors: {string.Join(", ", extra)}");
        foreach (var (name, parameter) in parameters) parameter.Value.CopyFrom(Tensors[name]);
    }

    public static InvalidDataException Invalid(string problem) => new($"RnnMl model payload: {problem}.");
}
