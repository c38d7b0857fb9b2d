using System.Runtime.CompilerServices;
using Rnn.Core;
using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.MLNet.Data;
using Rnn.Pipelines.Text;

namespace Rnn.MLNet;

/// <summary>
/// A fitted character-level language model: maps a prompt text column to a generated text column (the continuation,
/// without the prompt). Made by <c>ml.TextGeneration.Trainers.CharRecurrent</c>; saved and loaded like any model.
/// </summary>
/// <remarks>
/// <para>Per row: the prompt's characters are mapped to ids (a character the corpus never had is skipped, or throws, per
/// <see cref="UnknownCharacters"/>; an empty prompt, or one with no known character, starts from
/// <see cref="CharVocabulary.StartId"/>), they warm up the recurrent state, then <see cref="GeneratedLength"/> characters are
/// drawn one at a time with <see cref="Temperature"/> and <see cref="TopK"/>, each fed back in. Every row uses a generator
/// seeded with <see cref="GenerationSeed"/>, so the output is a function of the prompt: the same prompt and seed give the same text.</para>
/// <para>Immutable. Every cursor generates with its own copy of the network, so the transformer can be shared between threads.</para>
/// </remarks>
public sealed class CharRecurrentTransformer : RowToRowTransformerBase
{
    internal const string TypeId = "Rnn.CharRecurrent";
    private const int FormatVersion = 1;

    private readonly SequenceModel _model;
    private readonly GenerationSettings _generation;

    internal CharRecurrentTransformer(CharVocabulary vocabulary, SequenceModel model, GenerationSettings generation, string promptColumnName, string outputColumnName)
    {
        Vocabulary = vocabulary;
        _model = model;
        _model.Eval();
        _generation = generation;
        PromptColumnName = promptColumnName;
        OutputColumnName = outputColumnName;
    }

    /// <summary>The characters the model knows, with their ids.</summary>
    public CharVocabulary Vocabulary { get; }

    /// <summary>The text column prompts are read from.</summary>
    public string PromptColumnName { get; }

    /// <summary>The text column the generated continuation is written to.</summary>
    public string OutputColumnName { get; }

    /// <summary>Characters generated per row.</summary>
    public int GeneratedLength => _generation.Length;

    /// <summary>Sampling temperature (0 = always the most likely character).</summary>
    public float Temperature => _generation.Temperature;

    /// <summary>Draw among the k most likely characters only; 0 = all.</summary>
    public int TopK => _generation.TopK;

    /// <summary>Seed of every row's generator.</summary>
    public int GenerationSeed => _generation.Seed;

    /// <summary>What happens to prompt characters missing from the vocabulary.</summary>
    public UnknownCharacterHandling UnknownCharacters => _generation.UnknownCharacters;

    /// <summary>The network's shape.</summary>
    public SequenceModelOptions ModelOptions => _model.Options;

    /// <summary>The network's parameters, named as a PyTorch module would name them (<c>embedding.weight</c>, <c>rnn.weight_ih_l0</c>, <c>fc.weight</c>, ...).</summary>
    public ParameterCollection Parameters => _model.Parameters;

    /// <summary>The continuation of <paramref name="prompt"/> under this transformer's generation settings (thread-safe).</summary>
    /// <exception cref="ArgumentException">The prompt has an unknown character and <see cref="UnknownCharacters"/> is <see cref="UnknownCharacterHandling.Throw"/>.</exception>
    public string Generate(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return new CharGenerator(Vocabulary, _model.Clone()).Generate(prompt, _generation);
    }

    /// <summary>The same model with other generation settings (the ones not given are kept); the network is shared, not copied.</summary>
    /// <param name="generatedLength">Characters per row, 0..1,000,000.</param>
    /// <param name="temperature">τ ≥ 0.</param>
    /// <param name="topK">0 (all) or positive.</param>
    /// <param name="generationSeed">Seed of every row's generator.</param>
    /// <param name="unknownCharacters">Unknown prompt characters.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public CharRecurrentTransformer WithGeneration(int? generatedLength = null, float? temperature = null, int? topK = null, int? generationSeed = null,
        UnknownCharacterHandling? unknownCharacters = null)
    {
        var g = new GenerationSettings(generatedLength ?? _generation.Length, temperature ?? _generation.Temperature, topK ?? _generation.TopK,
            generationSeed ?? _generation.Seed, unknownCharacters ?? _generation.UnknownCharacters);
        if (g.Problem() is { } problem) throw new ArgumentOutOfRangeException(nameof(generatedLength), problem);
        return new CharRecurrentTransformer(Vocabulary, _model, g, PromptColumnName, OutputColumnName);
    }

    /// <inheritdoc/>
    protected internal override Mapper Bind(DataViewSchema inputSchema) => new GeneratingMapper(this, inputSchema);

    // *** Model zip format (version 1) ***
    // settings.json: { promptColumnName, outputColumnName,
    //                  vocabulary: [UTF-16 code unit, ...] (distinct, ascending; the index is the id),
    //                  network: { cell, embeddingSize, hiddenSize, numLayers, dropout, seed },
    //                  generation: { length, temperature, topK, seed, unknownCharacters } }
    // weights.safetensors: embedding.weight [V, E], rnn.* (PyTorch names), fc.weight [V, H], fc.bias [V].
    /// <inheritdoc/>
    public override void Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SetVersionInfo(TypeId, FormatVersion);
        var o = _model.Options;
        var vocabulary = new int[Vocabulary.Count];
        for (int i = 0; i < vocabulary.Length; i++) vocabulary[i] = Vocabulary[i];
        ctx.WriteSettings(new Settings(PromptColumnName, OutputColumnName, vocabulary,
            new NetworkSettings(o.Cell, o.EmbeddingSize, o.HiddenSize, o.NumLayers, o.Dropout, o.Seed), _generation));
        ctx.WriteTensors("weights", _model.Parameters.ToDictionary(p => p.Key, p => p.Value.Value));
    }

    internal static CharRecurrentTransformer Load(ModelLoadContext ctx)
    {
        var s = ctx.ReadSettings<Settings>();
        ctx.Check(!string.IsNullOrEmpty(s.PromptColumnName) && !string.IsNullOrEmpty(s.OutputColumnName), "a column name is missing");
        ctx.Check(s.Vocabulary is { Length: > 0 and <= char.MaxValue + 1 } && s.Vocabulary.All(c => c is >= 0 and <= char.MaxValue),
            "the vocabulary must hold 1..65536 UTF-16 code units");
        ctx.Check(s.Network is not null && s.Generation is not null, "the network or generation settings are missing");
        var n = s.Network!;
        ctx.Check(Enum.IsDefined(n.Cell), $"unknown cell {n.Cell}");
        // Sizes come from the file: bound them before anything is allocated.
        ctx.Check(n.EmbeddingSize is > 0 and <= 65536 && n.HiddenSize is > 0 and <= 65536 && n.NumLayers is > 0 and <= 64
            && n.Dropout >= 0f && n.Dropout < 1f, "a layer size or the dropout is out of range");
        ctx.Check((long)n.HiddenSize * n.HiddenSize * 4 * n.NumLayers <= 1L << 30, "the declared network is too large");
        ctx.Check(s.Generation!.Problem() is null, $"generation settings: {s.Generation.Problem()}");
        CharVocabulary vocabulary;
        try
        {
            vocabulary = CharVocabulary.FromCharacters(s.Vocabulary!.Select(c => (char)c).ToArray());
        }
        catch (ArgumentException e)
        {
            ctx.Check(false, e.Message);
            throw;
        }
        var model = new SequenceModel(NetworkOptions(n.Cell, vocabulary.Count, n.EmbeddingSize, n.HiddenSize, n.NumLayers, n.Dropout, n.Seed));
        ctx.ReadParametersInto(model.Parameters, "weights");
        return new CharRecurrentTransformer(vocabulary, model, s.Generation, s.PromptColumnName, s.OutputColumnName);
    }

    internal static SequenceModelOptions NetworkOptions(CellType cell, int vocabulary, int embeddingSize, int hiddenSize, int numLayers, float dropout, int seed) => new()
    {
        Cell = cell, VocabularySize = vocabulary, EmbeddingSize = embeddingSize, HiddenSize = hiddenSize, NumLayers = numLayers,
        Dropout = dropout, Pooling = null, OutputSize = vocabulary, Seed = seed,
    };

    // Registered when Rnn.Pipelines loads (ModelRegistry loads this assembly on an unknown id), so ml.Model.Load finds it.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => ModelRegistry.Register(TypeId, FormatVersion, Load);

    internal sealed record NetworkSettings(CellType Cell, int EmbeddingSize, int HiddenSize, int NumLayers, float Dropout, int Seed);

    internal sealed record Settings(string PromptColumnName, string OutputColumnName, int[] Vocabulary, NetworkSettings Network, GenerationSettings Generation);

    /// <summary>Generates for rows of one input schema: per cursor, a private copy of the network and reused buffers.</summary>
    private sealed class GeneratingMapper : Mapper
    {
        private readonly CharRecurrentTransformer _owner;
        private readonly DataViewSchema.Column _prompt;
        private readonly DataViewSchema.DetachedColumn[] _added;

        public GeneratingMapper(CharRecurrentTransformer owner, DataViewSchema inputSchema) : base(inputSchema)
        {
            _owner = owner;
            _prompt = Internals.Columns.Find(inputSchema, owner.PromptColumnName, "prompt");
            TextShapes.RequireScalarText(_prompt);
            _added = [new(owner.OutputColumnName, TextDataViewType.Instance)];
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> AddedColumns => _added;

        public override IEnumerable<int> GetDependencies(int addedIndex) => [_prompt.Index];

        public override Delegate?[] CreateGetters(DataViewRow input, Func<int, bool> isActive)
        {
            var getters = new Delegate?[1];
            if (!isActive(0)) return getters;
            var generator = new CharGenerator(_owner.Vocabulary, _owner._model.Clone());
            var getPrompt = input.GetGetter<ReadOnlyMemory<char>>(_prompt);
            ReadOnlyMemory<char> prompt = default, generated = default;
            long position = -1;
            getters[0] = (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) =>
            {
                if (input.Position != position || position < 0)
                {
                    getPrompt(ref prompt);
                    generated = generator.Generate(prompt.Span, _owner._generation).AsMemory();
                    position = input.Position;
                }
                value = generated;
            });
            return getters;
        }
    }
}
