using System.Collections;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rnn.Core.Models;

/// <summary>
/// The text of each token id [V] (entry 0, the missing key, is null): an immutable list with value equality, so two
/// <see cref="SequenceModelOptions"/> with the same vocabulary are equal (a loaded model's options equal the fitted ones).
/// Serialised as a JSON array of strings.
/// </summary>
[JsonConverter(typeof(TokenTextTableJsonConverter))]
[CollectionBuilder(typeof(TokenTextTable), nameof(Create))]
public sealed class TokenTextTable : IReadOnlyList<string?>, IEquatable<TokenTextTable>
{
    private readonly string?[] _texts;

    /// <summary>Copies <paramref name="texts"/>.</summary>
    /// <param name="texts">Text per token id [V]; entry 0 is ignored by the wide path.</param>
    public TokenTextTable(IEnumerable<string?> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        _texts = [.. texts];
    }

    /// <summary>A table of <paramref name="texts"/> (what a collection expression <c>[null, "good", ...]</c> builds).</summary>
    public static TokenTextTable Create(ReadOnlySpan<string?> texts) => new(texts.ToArray());

    /// <inheritdoc/>
    public string? this[int index] => _texts[index];

    /// <inheritdoc/>
    public int Count => _texts.Length;

    /// <inheritdoc/>
    public IEnumerator<string?> GetEnumerator() => ((IEnumerable<string?>)_texts).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _texts.GetEnumerator();

    /// <summary>True when both hold the same texts in the same order.</summary>
    public bool Equals(TokenTextTable? other) => other is not null && _texts.AsSpan().SequenceEqual(other._texts);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TokenTextTable);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(_texts.Length);
        foreach (string? t in _texts.Take(64)) hash.Add(t);
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Count} token texts";
}

/// <summary>Reads and writes a <see cref="TokenTextTable"/> as a JSON array of strings (null for id 0).</summary>
internal sealed class TokenTextTableJsonConverter : JsonConverter<TokenTextTable>
{
    public override TokenTextTable? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<string?[]>(ref reader, options) is { } texts ? new TokenTextTable(texts) : null;

    public override void Write(Utf8JsonWriter writer, TokenTextTable value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.ToArray(), options);
}
