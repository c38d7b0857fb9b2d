using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace Rnn.MLNet;

/// <summary>
/// Text generation, a catalog ML.NET does not have: <c>ml.TextGeneration.Trainers.CharRecurrent(...)</c>
/// (<see cref="TextGenerationCatalogExtensions"/> adds <c>TextGeneration</c> to <see cref="MLContext"/>).
/// </summary>
/// <example>
/// <code>
/// var trainer = ml.TextGeneration.Trainers.CharRecurrent("Text", new CharRecurrentTrainerOptions { HiddenSize = 256, Epochs = 5 });
/// CharRecurrentTransformer model = trainer.Fit(corpus);          // one text column, the whole corpus
/// string next = model.Generate("ROMEO:");                      // or model.Transform(prompts): Prompt -> GeneratedText
/// </code>
/// See examples/CharRnn.
/// </example>
public sealed class TextGenerationCatalog
{
    /// <summary>The catalog of <paramref name="context"/>.</summary>
    /// <param name="context">The ML.NET context whose seed and log the trainers use.</param>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public TextGenerationCatalog(MLContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Trainers = new TextGenerationTrainers(context);
    }

    /// <summary>The text generation trainers.</summary>
    public TextGenerationTrainers Trainers { get; }

    /// <summary>The text generation trainers (<see cref="CharRecurrent"/>).</summary>
    public sealed class TextGenerationTrainers
    {
        private readonly IHostEnvironment _environment;

        internal TextGenerationTrainers(IHostEnvironment environment) => _environment = environment;

        /// <summary>A character-level recurrent language model trained on <paramref name="textColumnName"/>.</summary>
        /// <param name="textColumnName">The corpus column (scalar text; rows are joined with '\n' in row order). Default "Text".</param>
        /// <param name="options">Network, training and generation options; null for the defaults (see <see cref="CharRecurrentTrainerOptions"/>).</param>
        /// <exception cref="ArgumentException"><paramref name="textColumnName"/> is null or empty, or an option names no column.</exception>
        /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
        public CharRecurrentTrainer CharRecurrent(string textColumnName = "Text", CharRecurrentTrainerOptions? options = null) =>
            new(_environment, textColumnName, options ?? new CharRecurrentTrainerOptions());
    }
}

/// <summary>Adds <c>TextGeneration</c> to <see cref="MLContext"/> (a C# 14 extension member).</summary>
public static class TextGenerationCatalogExtensions
{
    extension(MLContext ml)
    {
        /// <summary>Text generation trainers: <c>ml.TextGeneration.Trainers.CharRecurrent(textColumnName, options)</c>.</summary>
        public TextGenerationCatalog TextGeneration => new(ml);
    }
}
