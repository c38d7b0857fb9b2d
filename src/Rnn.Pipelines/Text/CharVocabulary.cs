using System.Collections;

namespace Rnn.MLNet;

/// <summary>What a character-level model does with a prompt character it never saw in training.</summary>
public enum UnknownCharacterHandling
{
    /// <summary>Leave the character out of the prompt (the default): the model continues from the known characters.</summary>
    Skip,

    /// <summary>Throw an <see cref="ArgumentException"/> naming the character and its position.</summary>
    Throw,
}

/// <summary>
/// The characters of a corpus, each with an id: the distinct UTF-16 code units (<see cref="char"/>) in ordinal order,
/// so the same corpus always gives the same ids. Immutable.
/// </summary>
/// <remarks>
/// Characters are .NET <see cref="char"/>s: a character outside the Basic Multilingual Plane (an emoji) is two ids,
/// its surrogates, and the model learns to emit them in pairs.
/// </remarks>
public sealed class CharVocabulary : IReadOnlyList<char>
{
    private readonly char[] _chars;   // id → character, ordinal order
    private readonly int[] _ids;      // character → id, −1 when absent; covers 0..max character

    private CharVocabulary(char[] chars)
    {
        _chars = chars;
        _ids = new int[chars[^1] + 1];
        Array.Fill(_ids, -1);
        for (int i = 0; i < chars.Length; i++) _ids[chars[i]] = i;
        StartId = TryGetId('\n', out int newline) ? newline : TryGetId(' ', out int space) ? space : 0;
    }

    /// <summary>The vocabulary of <paramref name="text"/>: its distinct characters in ordinal order.</summary>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty.</exception>
    public static CharVocabulary FromText(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) throw new ArgumentException("The text is empty: a vocabulary needs at least one character.", nameof(text));
        var seen = new bool[char.MaxValue + 1];
        int count = 0;
        foreach (char c in text)
        {
            if (seen[c]) continue;
            seen[c] = true;
            count++;
        }
        var chars = new char[count];
        int n = 0;
        for (int c = 0; c <= char.MaxValue; c++)
            if (seen[c]) chars[n++] = (char)c;
        return new CharVocabulary(chars);
    }

    /// <summary>A vocabulary of exactly <paramref name="characters"/>, which must be distinct and in ordinal order (as saved).</summary>
    /// <exception cref="ArgumentException">The list is empty, unsorted or holds a character twice.</exception>
    public static CharVocabulary FromCharacters(ReadOnlySpan<char> characters)
    {
        if (characters.IsEmpty) throw new ArgumentException("A vocabulary needs at least one character.", nameof(characters));
        for (int i = 1; i < characters.Length; i++)
            if (characters[i] <= characters[i - 1])
                throw new ArgumentException($"Characters must be distinct and in ordinal order; U+{(int)characters[i]:X4} at {i} follows U+{(int)characters[i - 1]:X4}.", nameof(characters));
        return new CharVocabulary(characters.ToArray());
    }

    /// <summary>V, the number of characters (ids are 0..V−1).</summary>
    public int Count => _chars.Length;

    /// <summary>The character of <paramref name="id"/>.</summary>
    public char this[int id] => _chars[id];

    /// <summary>
    /// The id a generator warms up with when a prompt is empty (or has no known character): the newline's when the corpus
    /// has one, else the space's, else 0. It is not part of the generated text.
    /// </summary>
    public int StartId { get; }

    /// <summary>The id of <paramref name="c"/>, or false when the corpus did not contain it.</summary>
    public bool TryGetId(char c, out int id)
    {
        id = c < _ids.Length ? _ids[c] : -1;
        return id >= 0;
    }

    /// <summary>
    /// Writes the ids of <paramref name="text"/> to <paramref name="destination"/> (at least as long as the text) and returns
    /// how many were written: fewer than the text's length when unknown characters are skipped.
    /// </summary>
    /// <exception cref="ArgumentException">A character is unknown and <paramref name="unknown"/> is <see cref="UnknownCharacterHandling.Throw"/>.</exception>
    public int Encode(ReadOnlySpan<char> text, Span<int> destination, UnknownCharacterHandling unknown = UnknownCharacterHandling.Skip) =>
        Encode(text, destination, unknown, nameof(text));

    /// <summary>As the public overload; an unknown character's error names <paramref name="textName"/> (the caller's parameter).</summary>
    internal int Encode(ReadOnlySpan<char> text, Span<int> destination, UnknownCharacterHandling unknown, string textName)
    {
        if (destination.Length < text.Length)
            throw new ArgumentException($"destination holds {destination.Length} ids, the text has {text.Length} characters.", nameof(destination));
        int n = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (TryGetId(text[i], out int id)) destination[n++] = id;
            else if (unknown == UnknownCharacterHandling.Throw)
                throw new ArgumentException($"Character U+{(int)text[i]:X4} ('{text[i]}') at position {i} of the {textName} is not in the model's vocabulary of {Count} characters.", textName);
        }
        return n;
    }

    /// <summary>The ids of <paramref name="text"/> (see <see cref="Encode(ReadOnlySpan{char}, Span{int}, UnknownCharacterHandling)"/>).</summary>
    public int[] Encode(ReadOnlySpan<char> text, UnknownCharacterHandling unknown = UnknownCharacterHandling.Skip)
    {
        var ids = new int[text.Length];
        int n = Encode(text, ids, unknown);
        return n == ids.Length ? ids : ids[..n];
    }

    /// <summary>Writes the characters of <paramref name="ids"/> to <paramref name="destination"/> (at least as long).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside 0..V−1.</exception>
    public void Decode(ReadOnlySpan<int> ids, Span<char> destination)
    {
        if (destination.Length < ids.Length)
            throw new ArgumentException($"destination holds {destination.Length} characters, there are {ids.Length} ids.", nameof(destination));
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)_chars.Length)
                throw new ArgumentOutOfRangeException(nameof(ids), ids[i], $"ids[{i}] = {ids[i]} is outside 0..{_chars.Length - 1}.");
            destination[i] = _chars[ids[i]];
        }
    }

    /// <summary>The text of <paramref name="ids"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside 0..V−1.</exception>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var chars = new char[ids.Length];
        Decode(ids, chars);
        return new string(chars);
    }

    /// <summary>The characters in id order.</summary>
    public IEnumerator<char> GetEnumerator() => ((IEnumerable<char>)_chars).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The characters as one string, in id order (what the model zip stores).</summary>
    public override string ToString() => new(_chars);

    internal ReadOnlySpan<char> Characters => _chars;
}
