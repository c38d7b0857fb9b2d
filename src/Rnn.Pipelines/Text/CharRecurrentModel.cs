using Microsoft.ML;
using Rnn.Core;
using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Serialization;
using Rnn.Core.Training;
using Rnn.MLNet.Persistence;
using Rnn.Pipelines.Text;

namespace Rnn.MLNet;

/// <summary>
/// The typed character-level language model behind a <see cref="CharRecurrentTransformer"/>: its vocabulary, the network's
/// shape and PyTorch-named weights, and the generation settings the transformer uses. Reachable from a fitted transformer
/// and from a pipeline that <c>ml.Model.Load</c> returned (<see cref="FromTransformer"/>).
/// </summary>
/// <remarks>
/// <para>Generation: the prompt's characters are mapped to ids (unknown characters per <see cref="UnknownCharacters"/>; an
/// empty prompt, or one with no known character, starts from <see cref="CharVocabulary.StartId"/>); they warm up the
/// recurrent state, then the characters are drawn one at a time and fed back in. Every call (and every row of a transform)
/// draws from a new generator seeded with the given seed, so the text is a function of (prompt, length, temperature,
/// top-k, seed): deterministic per row, independent of row order, threads and processes.</para>
/// <para>Immutable; <see cref="Generate(string)"/> is thread-safe (each call works on its own copy of the network).</para>
/// </remarks>
public sealed class CharRecurrentModel
{
    internal const string Kind = "char-language-model";
    internal const int FormatVersion = 1;

    internal CharRecurrentModel(CharVocabulary vocabulary, SequenceModel network, GenerationSettings generation,
        string promptColumnName, string outputColumnName, LanguageModelResult? trainingResult = null)
    {
        Vocabulary = vocabulary;
        Network = network;
        Network.Eval();
        Generation = generation;
        PromptColumnName = promptColumnName;
        OutputColumnName = outputColumnName;
        TrainingResult = trainingResult;
    }

    /// <summary>The characters the model knows, with their ids.</summary>
    public CharVocabulary Vocabulary { get; }

    /// <summary>The text column the transformer reads prompts from.</summary>
    public string PromptColumnName { get; }

    /// <summary>The text column the transformer writes the generated continuation to.</summary>
    public string OutputColumnName { get; }

    /// <summary>Characters generated per row by the transformer (and by <see cref="Generate(string)"/>).</summary>
    public int GeneratedLength => Generation.Length;

    /// <summary>Sampling temperature (0 = always the most likely character).</summary>
    public float Temperature => Generation.Temperature;

    /// <summary>Draw among the k most likely characters only; 0 = all.</summary>
    public int TopK => Generation.TopK;

    /// <summary>Seed of every row's generator.</summary>
    public int GenerationSeed => Generation.Seed;

    /// <summary>What happens to prompt characters missing from the vocabulary.</summary>
    public UnknownCharacterHandling UnknownCharacters => Generation.UnknownCharacters;

    /// <summary>The network's shape.</summary>
    public SequenceModelOptions NetworkOptions => Network.Options;

    /// <summary>The network's parameters by their PyTorch names (<c>embedding.weight</c>, <c>rnn.weight_ih_l0</c>, <c>fc.weight</c>, ...).</summary>
    public ParameterCollection Parameters => Network.Parameters;

    /// <summary>Per-epoch losses and throughput when the model was fitted in this process; null after a load.</summary>
    public LanguageModelResult? TrainingResult { get; }

    internal SequenceModel Network { get; }

    internal GenerationSettings Generation { get; }

    /// <summary>The continuation of <paramref name="prompt"/> under the model's generation settings (thread-safe).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="prompt"/> is null.</exception>
    /// <exception cref="ArgumentException">The prompt has an unknown character and <see cref="UnknownCharacters"/> is <see cref="UnknownCharacterHandling.Throw"/>.</exception>
    public string Generate(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return new CharGenerator(Vocabulary, Network.Clone()).Generate(prompt, Generation);
    }

    /// <summary>
    /// The continuation of <paramref name="prompt"/> with the given settings (thread-safe). The same arguments always give
    /// the same text; with <paramref name="temperature"/> 0 the seed plays no part (greedy decoding).
    /// </summary>
    /// <param name="prompt">Text to continue; unknown characters per <see cref="UnknownCharacters"/> (skipped by default).</param>
    /// <param name="length">Characters to generate, 0..1,000,000.</param>
    /// <param name="temperature">τ ≥ 0, finite: below 1 more conservative, above 1 more varied, 0 greedy.</param>
    /// <param name="topK">0 (all characters) or positive.</param>
    /// <param name="seed">Seed of the generator.</param>
    /// <exception cref="ArgumentNullException"><paramref name="prompt"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (the message names it).</exception>
    /// <exception cref="ArgumentException">The prompt has an unknown character and <see cref="UnknownCharacters"/> is <see cref="UnknownCharacterHandling.Throw"/>.</exception>
    public string Generate(string prompt, int length, float temperature = 1f, int topK = 0, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var settings = Generation with { Length = length, Temperature = temperature, TopK = topK, Seed = seed };
        settings.Validate(nameof(length), nameof(temperature), nameof(topK), nameof(UnknownCharacters));
        return new CharGenerator(Vocabulary, Network.Clone()).Generate(prompt, settings);
    }

    /// <summary>Writes the weights as a safetensors file (PyTorch names, float32), loadable by <c>safetensors.torch.load_file</c>.</summary>
    /// <param name="path">The file to write (atomically).</param>
    public void SaveSafeTensors(string path) => SafeTensors.SaveParameters(Parameters, path);

    /// <summary>
    /// The character model inside <paramref name="transformer"/>: a fitted <see cref="CharRecurrentTransformer"/>, a chain
    /// holding one (the last, if several), or a pipeline returned by <c>ml.Model.Load</c>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="transformer"/> is null.</exception>
    /// <exception cref="ArgumentException">The transformer holds no character model.</exception>
    /// <exception cref="InvalidDataException">The model's payload in the zip is damaged.</exception>
    public static CharRecurrentModel FromTransformer(ITransformer transformer)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        if (transformer is CharRecurrentTransformer fitted) return fitted.Model;
        if (transformer is IEnumerable<ITransformer> chain && chain.Reverse().OfType<CharRecurrentTransformer>().FirstOrDefault() is { } own)
            return own.Model;
        string? payload = PayloadCarrier.FindPayloads(transformer).LastOrDefault(p => RecurrentModel.PayloadKind(p) == Kind);
        if (payload is null) ModelPayload.ThrowIfAnyDamaged(PayloadCarrier.FindPayloads(transformer)); // damage, not "no model"
        return payload is null
            ? throw new ArgumentException($"The transformer ({transformer.GetType().Name}) holds no character-level model.", nameof(transformer))
            : FromPayload(payload);
    }

    /// <summary>The same model with other generation settings; the network is shared, not copied.</summary>
    internal CharRecurrentModel With(GenerationSettings generation) =>
        new(Vocabulary, Network, generation, PromptColumnName, OutputColumnName, TrainingResult);

    internal static SequenceModelOptions Options(CellType cell, int vocabulary, int embeddingSize, int hiddenSize, int numLayers, float dropout, int seed) => new()
    {
        Cell = cell, VocabularySize = vocabulary, EmbeddingSize = embeddingSize, HiddenSize = hiddenSize, NumLayers = numLayers,
        Dropout = dropout, Pooling = null, OutputSize = vocabulary, Seed = seed,
    };

    // ---------------------------------------------------------------- payload

    // Format (kind "char-language-model", version 1; see ModelPayload for the container):
    //   settings: { promptColumnName, outputColumnName,
    //               vocabulary: [UTF-16 code unit, ...] (distinct, ascending; the index is the id),
    //               network: { cell, embeddingSize, hiddenSize, numLayers, dropout, seed },
    //               generation: { length, temperature, topK, seed, unknownCharacters } }
    //   tensors:  embedding.weight [V, E], rnn.* (PyTorch names), fc.weight [V, H], fc.bias [V].
    internal string ToPayload()
    {
        var o = Network.Options;
        var vocabulary = new int[Vocabulary.Count];
        for (int i = 0; i < vocabulary.Length; i++) vocabulary[i] = Vocabulary[i];
        var settings = new Settings(PromptColumnName, OutputColumnName, vocabulary,
            new NetworkSettings(o.Cell, o.EmbeddingSize, o.HiddenSize, o.NumLayers, o.Dropout, o.Seed), Generation);
        return ModelPayload.Write(Kind, FormatVersion, settings, Network.Parameters.Select(p => KeyValuePair.Create(p.Key, p.Value.Value)));
    }

    internal static CharRecurrentModel FromPayload(ReadOnlySpan<char> text)
    {
        var payload = ModelPayload.Read(text, Kind, FormatVersion);
        var s = payload.ReadSettings<Settings>();
        Check(!string.IsNullOrEmpty(s.PromptColumnName) && !string.IsNullOrEmpty(s.OutputColumnName), "a column name is missing");
        Check(s.Vocabulary is { Length: > 0 and <= char.MaxValue + 1 } && s.Vocabulary.All(c => c is >= 0 and <= char.MaxValue),
            "the vocabulary must hold 1..65536 UTF-16 code units");
        Check(s.Network is not null && s.Generation is not null, "the network or generation settings are missing");
        var n = s.Network!;
        Check(Enum.IsDefined(n.Cell), $"unknown cell {n.Cell}");
        // Sizes come from the file: bound them before anything is allocated.
        Check(n.EmbeddingSize is > 0 and <= 65536 && n.HiddenSize is > 0 and <= 65536 && n.NumLayers is > 0 and <= 64
            && n.Dropout >= 0f && n.Dropout < 1f, "a layer size or the dropout is out of range");
        Check((long)n.HiddenSize * n.HiddenSize * 4 * n.NumLayers <= 1L << 30, "the declared network is too large");
        Check(s.Generation!.Problem() is null, $"generation settings: {s.Generation.Problem()}");
        CharVocabulary vocabulary;
        try
        {
            vocabulary = CharVocabulary.FromCharacters(s.Vocabulary!.Select(c => (char)c).ToArray());
        }
        catch (ArgumentException e)
        {
            throw ModelPayload.Invalid($"the vocabulary is invalid ({e.Message})");
        }
        var network = payload.CreateNetwork(Options(n.Cell, vocabulary.Count, n.EmbeddingSize, n.HiddenSize, n.NumLayers, n.Dropout, n.Seed));
        return new CharRecurrentModel(vocabulary, network, s.Generation, s.PromptColumnName, s.OutputColumnName);
    }

    private static void Check(bool ok, string problem)
    {
        if (!ok) throw ModelPayload.Invalid($"{Kind}: {problem}");
    }

    internal sealed record NetworkSettings(CellType Cell, int EmbeddingSize, int HiddenSize, int NumLayers, float Dropout, int Seed);

    internal sealed record Settings(string PromptColumnName, string OutputColumnName, int[] Vocabulary, NetworkSettings Network, GenerationSettings Generation);
}
