using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.Core;
using Rnn.Core.Models;
using Rnn.MLNet.Persistence;
using Rnn.Pipelines.Text;

namespace Rnn.MLNet;

/// <summary>
/// A fitted character-level language model: maps a prompt text column to a generated text column (the continuation,
/// without the prompt). Made by <c>ml.TextGeneration.Trainers.CharRecurrent</c>.
/// </summary>
/// <remarks>
/// <para>Per row: the prompt's characters are mapped to ids (a character the corpus never had is skipped, or throws, per
/// <see cref="CharRecurrentModel.UnknownCharacters"/>; an empty prompt, or one with no known character, starts from
/// <see cref="CharVocabulary.StartId"/>), they warm up the recurrent state, then <see cref="CharRecurrentModel.GeneratedLength"/> characters are
/// drawn one at a time with <see cref="CharRecurrentModel.Temperature"/> and <see cref="CharRecurrentModel.TopK"/>, each fed back in. Every row uses a new
/// generator seeded with <see cref="CharRecurrentModel.GenerationSeed"/>, so the output is a function of the prompt alone: the same prompt and
/// seed give the same text, whatever the row's position, thread or process (deterministic per row).</para>
/// <para>It is made of ML.NET built-ins (a payload carried by CustomMapping + ValueMapping, a CustomMapping generation
/// kernel, CopyColumns, DropColumns; see docs/model-format.md): <c>ml.Model.Save</c> writes it into ML.NET's zip and
/// <c>ml.Model.Load</c> in any process that has the Rnn.Pipelines assembly gives back a pipeline that generates identically,
/// with no registration call. <see cref="CharRecurrentModel.FromTransformer"/> recovers the typed model from either.</para>
/// <para>Unknown prompt characters with <see cref="UnknownCharacterHandling.Throw"/>: <see cref="Generate"/> throws an
/// <see cref="ArgumentException"/> (parameter "prompt") naming the character and its position; through <c>Transform</c> the
/// same exception surfaces when the row is read, where ML.NET's parallel cursors may wrap it in an
/// <see cref="InvalidOperationException"/> (the <see cref="ArgumentException"/> is its inner exception).</para>
/// <para>Immutable. Every thread generates with its own copy of the network, so the transformer can be shared between threads.</para>
/// </remarks>
public sealed class CharRecurrentTransformer : ITransformer, IPayloadOwner
{
    private readonly ITransformer _inner;

    internal CharRecurrentTransformer(CharRecurrentModel model)
    {
        Model = model;
        Payload = model.ToPayload();
        // None of the built-ins reads a row to fit: fitting the chain on an empty view of the prompt's type only binds it.
        var ml = new MLContext();
        var definition = SchemaDefinition.Create(typeof(PromptOnly));
        definition[0].ColumnName = model.PromptColumnName;
        var empty = ml.Data.LoadFromEnumerable(Array.Empty<PromptOnly>(), definition);
        _inner = CharGenerationKernel.Create(ml, Payload, model.PromptColumnName, model.OutputColumnName).Fit(empty);
    }

    /// <summary>
    /// The typed model: vocabulary, network shape, PyTorch-named weights, generation settings (length, temperature, top-k,
    /// seed, unknown characters), training history.
    /// </summary>
    public CharRecurrentModel Model { get; }

    /// <summary>The text column prompts are read from.</summary>
    public string PromptColumnName => Model.PromptColumnName;

    /// <summary>The text column the generated continuation is written to.</summary>
    public string OutputColumnName => Model.OutputColumnName;

    /// <inheritdoc/>
    public bool IsRowToRowMapper => true;

    string IPayloadOwner.Payload => Payload;

    internal string Payload { get; }

    /// <summary>The continuation of <paramref name="prompt"/> under this transformer's generation settings (thread-safe).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="prompt"/> is null.</exception>
    /// <exception cref="ArgumentException">The prompt has an unknown character and <see cref="CharRecurrentModel.UnknownCharacters"/> is <see cref="UnknownCharacterHandling.Throw"/>.</exception>
    public string Generate(string prompt) => Model.Generate(prompt);

    /// <summary>The same model with other generation settings (the ones not given are kept); the network is shared, not copied.</summary>
    /// <param name="generatedLength">Characters per row, 0..1,000,000.</param>
    /// <param name="temperature">τ ≥ 0.</param>
    /// <param name="topK">0 (all) or positive.</param>
    /// <param name="generationSeed">Seed of every row's generator.</param>
    /// <param name="unknownCharacters">Unknown prompt characters.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (the message names it).</exception>
    public CharRecurrentTransformer WithGeneration(int? generatedLength = null, float? temperature = null, int? topK = null, int? generationSeed = null,
        UnknownCharacterHandling? unknownCharacters = null)
    {
        var g = Model.Generation;
        var settings = new GenerationSettings(generatedLength ?? g.Length, temperature ?? g.Temperature, topK ?? g.TopK,
            generationSeed ?? g.Seed, unknownCharacters ?? g.UnknownCharacters);
        settings.Validate(nameof(generatedLength), nameof(temperature), nameof(topK), nameof(unknownCharacters));
        return new CharRecurrentTransformer(Model.With(settings));
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The prompt column is missing or not scalar text.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        TextColumns.Require(inputSchema, PromptColumnName, "prompt");
        return _inner.GetOutputSchema(inputSchema);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The prompt column is missing or not scalar text.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        TextColumns.Require(inputSchema, PromptColumnName, "prompt");
        return _inner.GetRowToRowMapper(inputSchema);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The prompt column is missing or not scalar text.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        TextColumns.Require(input.Schema, PromptColumnName, "prompt");
        return _inner.Transform(input);
    }

    /// <summary>Saves the built-ins the transformer is made of (ML.NET calls this from <c>ml.Model.Save</c>).</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => _inner.Save(ctx);

    private sealed class PromptOnly
    {
        public string Prompt { get; set; } = "";
    }
}
