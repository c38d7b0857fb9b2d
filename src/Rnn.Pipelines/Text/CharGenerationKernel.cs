using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Rnn.MLNet;
using Rnn.MLNet.Persistence;

namespace Rnn.Pipelines.Text;

/// <summary>
/// Text generation as ML.NET built-ins: the chain a <see cref="CharRecurrentTransformer"/> is made of, and its CustomMapping
/// kernel, a stateless static mapping that finds the model in the payload column (parsed once per loaded model, see
/// <see cref="PayloadCache{T}"/>) and continues one prompt. ML.NET rebuilds the kernel on load from its contract name; the
/// name carries a version and old ones keep their factories.
/// </summary>
internal static class CharGenerationKernel
{
    /// <summary>The prompt column copied in under a fixed name, so the kernel's input row type can name it.</summary>
    public const string PromptColumn = PayloadCarrier.Prefix + "prompt";

    /// <summary>The generated text, copied out to the user's column.</summary>
    public const string GeneratedColumn = PayloadCarrier.Prefix + "generated";

    public const string Contract = "Rnn.Pipelines.CharGenerate.v1";

    /// <summary>
    /// The chain: payload carrier → CopyColumns(prompt → <see cref="PromptColumn"/>) → the kernel →
    /// CopyColumns(<see cref="GeneratedColumn"/> → output) → DropColumns of the internal columns.
    /// </summary>
    public static IEstimator<ITransformer> Create(MLContext ml, string payload, string promptColumnName, string outputColumnName) =>
        PayloadCarrier.Create(ml, payload)
            .Append(ml.Transforms.CopyColumns(PromptColumn, promptColumnName))
            .Append(ml.Transforms.CustomMapping<PromptRow, GeneratedRow>(Map, Contract))
            .Append(ml.Transforms.CopyColumns(outputColumnName, GeneratedColumn))
            .Append(ml.Transforms.DropColumns(PayloadCarrier.KeyColumn, PayloadCarrier.StateColumn, PromptColumn, GeneratedColumn));

    public static void Map(PromptRow input, GeneratedRow output)
    {
        var parsed = PayloadCache<ParsedGenerator>.Get(input.State, static s => new ParsedGenerator(CharRecurrentModel.FromPayload(s.Span)));
        output.Generated = parsed.Generate(input.Prompt.Span);
    }

    /// <summary>The kernel's input: the payload and the prompt.</summary>
    public sealed class PromptRow
    {
        [ColumnName(PayloadCarrier.StateColumn)]
        public ReadOnlyMemory<char> State;

        [ColumnName(PromptColumn)]
        public ReadOnlyMemory<char> Prompt;
    }

    /// <summary>The kernel's output: the continuation.</summary>
    public sealed class GeneratedRow
    {
        [ColumnName(GeneratedColumn)]
        public string Generated = "";
    }

    /// <summary>Found by ML.NET on load through its contract name.</summary>
    [CustomMappingFactoryAttribute(Contract)]
    public sealed class Factory : CustomMappingFactory<PromptRow, GeneratedRow>
    {
        public override Action<PromptRow, GeneratedRow> GetMapping() => Map;
    }

    /// <summary>A loaded model with one generator (network copy, buffers, sampler) per thread.</summary>
    /// <remarks>Lives as long as the loaded model's payload text (a weak cache entry); its thread-locals are then finalised.</remarks>
#pragma warning disable CA1001 // no owner could dispose it: the cache entry goes with the model
    private sealed class ParsedGenerator(CharRecurrentModel model)
    {
        private readonly ThreadLocal<CharGenerator> _generators = new(() => new CharGenerator(model.Vocabulary, model.Network.Clone()));

        public string Generate(ReadOnlySpan<char> prompt) => _generators.Value!.Generate(prompt, model.Generation);
    }
#pragma warning restore CA1001
}
