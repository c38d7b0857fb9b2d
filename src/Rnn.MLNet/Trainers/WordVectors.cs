using System.Globalization;
using Rnn.Core;

namespace Rnn.MLNet;

/// <summary>
/// Reads pretrained word vectors in the text format of GloVe and word2vec (<c>word v1 v2 ... vd</c> per line; a first
/// line of two integers, word2vec's "count dimension" header, is skipped) into an embedding table aligned to a vocabulary.
/// </summary>
/// <remarks>
/// The file is streamed: only the vectors of vocabulary words are kept, so a large file needs little memory.
/// A word matches exactly, else its lower-case form. Rows of words the file lacks are left as they are.
/// </remarks>
internal static class WordVectors
{
    /// <summary>
    /// Copies the vector of <paramref name="vocabulary"/>[i] into row <c>i + rowOffset</c> of <paramref name="table"/> [V, E].
    /// </summary>
    /// <returns>How many vocabulary words were found.</returns>
    /// <exception cref="InvalidDataException">A line is malformed or its width differs from E; the message names the file and line.</exception>
    public static int LoadInto(string path, IReadOnlyList<string> vocabulary, Tensor table, int rowOffset)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Pretrained embeddings file not found: {path}", path);
        int width = table.Size(1);
        var wanted = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < vocabulary.Count; i++) wanted.TryAdd(vocabulary[i], i);
        var lower = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < vocabulary.Count; i++)
        {
            string key = vocabulary[i].ToLowerInvariant();
            if (!lower.TryGetValue(key, out var list)) lower[key] = list = [];
            list.Add(i);
        }
        var found = new bool[vocabulary.Count];
        var exact = new bool[vocabulary.Count];
        int count = 0, lineNumber = 0;
        using var reader = new StreamReader(path);
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (lineNumber == 1 && fields.Length == 2 && int.TryParse(fields[0], CultureInfo.InvariantCulture, out _) && int.TryParse(fields[1], CultureInfo.InvariantCulture, out int dim))
            {
                if (dim != width)
                    throw new InvalidDataException($"{path} line 1: the vectors have dimension {dim}, the embedding has {width} (set EmbeddingSize = {dim}).");
                continue;
            }
            if (fields.Length != width + 1)
                throw new InvalidDataException($"{path} line {lineNumber}: expected a word and {width} numbers, found {fields.Length - 1} numbers (set EmbeddingSize to the file's dimension).");
            string word = fields[0];
            bool isExact = wanted.TryGetValue(word, out int exactIndex);
            lower.TryGetValue(word.ToLowerInvariant(), out var caseVariants);
            if (!isExact && caseVariants is null) continue;
            var vector = new float[width];
            for (int j = 0; j < width; j++)
            {
                if (!float.TryParse(fields[j + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out vector[j]) || !float.IsFinite(vector[j]))
                    throw new InvalidDataException($"{path} line {lineNumber}: value {j + 1} of '{word}' is not a finite number ('{fields[j + 1]}').");
            }
            // The exact word takes the vector; other case variants take it until their own exact line comes.
            if (isExact) Assign(exactIndex, exactMatch: true);
            foreach (int i in caseVariants ?? [])
                if (!exact[i]) Assign(i, exactMatch: false);

            void Assign(int index, bool exactMatch)
            {
                vector.CopyTo(table.Row(index + rowOffset));
                if (!found[index]) count++;
                found[index] = true;
                exact[index] |= exactMatch;
            }
        }
        return count;
    }
}
