using Microsoft.ML;
using Rnn.Core;
using Rnn.Core.Models;
using Rnn.Core.Serialization;
using Rnn.Core.Training;
using Rnn.MLNet.Persistence;
using Rnn.MLNet.Scoring;

namespace Rnn.MLNet;

/// <summary>
/// The typed model behind a recurrent prediction transformer: its task, how it reads its feature column, the network's
/// shape and its weights under PyTorch's <c>state_dict</c> names. Reachable from a fitted pipeline and from one that
/// <c>ml.Model.Load</c> returned (<see cref="FromTransformer"/>).
/// </summary>
public sealed class RecurrentModel
{
    internal RecurrentModel(RecurrentTask task, SequenceFeatures features, SequenceModel network, string[]? labelNames,
        TrainingResult? trainingResult = null, long skippedRows = 0)
    {
        Task = task;
        Features = features;
        Network = network;
        Network.Eval();
        LabelNames = labelNames;
        TrainingResult = trainingResult;
        SkippedRows = skippedRows;
    }

    /// <summary>What the model predicts.</summary>
    public RecurrentTask Task { get; }

    /// <summary>The feature column the model reads.</summary>
    public string FeatureColumnName => Features.ColumnName;

    /// <summary>True when the features are token keys (an embedding is learned); false for float steps.</summary>
    public bool UsesTokens => Features.IsKey;

    /// <summary>The network's shape.</summary>
    public SequenceModelOptions NetworkOptions => Network.Options;

    /// <summary>The network's parameters by their PyTorch names (<c>embedding.weight</c>, <c>rnn.weight_ih_l0</c>, <c>fc.weight</c>, ...).</summary>
    public ParameterCollection Parameters => Network.Parameters;

    /// <summary>Multiclass: the label values in key order (the PredictedLabel key's values); otherwise null.</summary>
    public IReadOnlyList<string>? LabelNames { get; }

    /// <summary>The training history (per-epoch losses, the epoch kept) when this model was fitted in this process; null after a load.</summary>
    public TrainingResult? TrainingResult { get; }

    /// <summary>Training rows skipped for a missing label or an empty sequence (0 after a load).</summary>
    public long SkippedRows { get; }

    internal SequenceFeatures Features { get; }

    internal SequenceModel Network { get; }

    /// <summary>Writes the weights as a safetensors file (PyTorch names, float32), loadable by <c>safetensors.torch.load_file</c>.</summary>
    /// <param name="path">The file to write (atomically).</param>
    public void SaveSafeTensors(string path) => SafeTensors.SaveParameters(Parameters, path);

    /// <summary>
    /// The recurrent model inside <paramref name="transformer"/>: a fitted <see cref="RecurrentPredictionTransformer"/>, a chain
    /// holding one (the last, if several), or a pipeline returned by <c>ml.Model.Load</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The transformer holds no recurrent predictor.</exception>
    /// <exception cref="InvalidDataException">The model's payload in the zip is damaged.</exception>
    public static RecurrentModel FromTransformer(ITransformer transformer)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        if (transformer is RecurrentPredictionTransformer fitted) return fitted.Model;
        if (transformer is IEnumerable<ITransformer> chain)
        {
            var own = chain.Reverse().OfType<RecurrentPredictionTransformer>().FirstOrDefault();
            if (own is not null) return own.Model;
        }
        string? payload = null, damaged = null;
        foreach (string candidate in PayloadCarrier.FindPayloads(transformer))
        {
            string? kind = PayloadKind(candidate);
            if (kind == PredictorSettings.Kind) payload = candidate;
            else if (kind is null) damaged = candidate; // an RnnMl carrier whose payload cannot be read: report it rather than "no predictor"
        }
        if (payload is not null) return FromPayload(payload);
        if (damaged is not null) return FromPayload(damaged); // throws the InvalidDataException naming the problem
        ModelPayload.ThrowIfAnyDamaged(PayloadCarrier.FindPayloads(transformer)); // a kind changed by damage: report the damage
        throw new ArgumentException($"The transformer ({transformer.GetType().Name}) holds no recurrent predictor.", nameof(transformer));
    }

    // ---------------------------------------------------------------- payload

    internal string ToPayload()
    {
        var settings = new PredictorSettings(Task, Features, Network.Options, LabelNames?.ToArray());
        return ModelPayload.Write(PredictorSettings.Kind, settings.RequiredVersion, settings,
            Network.Parameters.Select(p => KeyValuePair.Create(p.Key, p.Value.Value)));
    }

    internal static RecurrentModel FromPayload(ReadOnlySpan<char> text)
    {
        var payload = ModelPayload.Read(text, PredictorSettings.Kind, PredictorSettings.Version);
        var settings = payload.ReadSettings<PredictorSettings>();
        settings.Validate();
        var network = payload.CreateNetwork(settings.Network);
        return new RecurrentModel(settings.Task, settings.Features, network, settings.LabelNames);
    }

    /// <summary>The kind of a payload from its header (no weight is decoded), or null when it is not a readable RnnMl payload.</summary>
    internal static string? PayloadKind(string text) => ModelPayload.PeekKind(text);
}
