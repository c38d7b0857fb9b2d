using Google.Protobuf;
using Microsoft.ML;
using Rnn.Core.Models;
using Rnn.Onnx.Export;

namespace Rnn.MLNet;

/// <summary>
/// ONNX export of recurrent models: the embedding, the stacked (bidirectional) RNN/LSTM/GRU layers, the pooling over
/// valid steps and the head as a graph of standard ONNX operators (opset <see cref="OpsetVersion"/>, IR version
/// <see cref="IrVersion"/>), runnable in ONNX Runtime and in ML.NET's <c>ApplyOnnxModel</c>. See docs/onnx.md.
/// </summary>
/// <remarks>
/// <para>Inputs: <see cref="TokensInput"/> (int64 [batch, steps], token models) or <see cref="StepsInput"/> (float
/// [batch, steps, F], float-step models), and <see cref="LengthsInput"/> (int64 [batch], each in 1..steps). Batch and
/// steps are dynamic.</para>
/// <para>Outputs: always <see cref="LogitsOutput"/>; binary <see cref="ScoreOutput"/>, <see cref="ProbabilityOutput"/>,
/// <see cref="PredictedLabelOutput"/>; multiclass <see cref="ProbabilitiesOutput"/>, <see cref="PredictedClassOutput"/>;
/// regression <see cref="ScoreOutput"/> — the values of ML.NET's scoring columns that the RnnMl transformer writes.</para>
/// <para>Token ids follow the transformer's policy: ids are the feature column's key values (0 = missing, which has a
/// zero embedding), and an id outside 0..V−1 is an error — ONNX Runtime's Gather fails the run, as the transformer
/// throws for a key beyond its vocabulary. Nothing is clamped.</para>
/// <para>In ML.NET: <c>… MapValueToKey("Tokens") → ml.Transforms.RecurrentOnnxTokenInputs("Tokens") → ApplyOnnxModel</c>
/// (<see cref="RecurrentOnnxInputs"/>).</para>
/// </remarks>
public static class RecurrentOnnx
{
    /// <summary>The ONNX operator set (default domain) the graph uses: 17.</summary>
    public const int OpsetVersion = 17;

    /// <summary>The ONNX IR version of the file: 8 (ONNX 1.10+, ONNX Runtime 1.10+).</summary>
    public const int IrVersion = 8;

    /// <summary>Input of token models: int64 [batch, steps], token ids (the feature column's key values; 0 = missing). Pad with 0.</summary>
    public const string TokensInput = "tokens";

    /// <summary>Input of float-step models: float [batch, steps, F].</summary>
    public const string StepsInput = "steps";

    /// <summary>Input: int64 [batch], each sequence's valid steps, in 1..steps.</summary>
    public const string LengthsInput = "lengths";

    /// <summary>Output: float [batch, outputs] (pooled models) or [batch, steps, outputs] (per-step head; zero at padding).</summary>
    public const string LogitsOutput = "logits";

    /// <summary>Output of binary and regression models: float [batch], ML.NET's Score.</summary>
    public const string ScoreOutput = "score";

    /// <summary>Output of binary models: float [batch], ML.NET's Probability (σ(score)).</summary>
    public const string ProbabilityOutput = "probability";

    /// <summary>Output of binary models: bool [batch], ML.NET's PredictedLabel (score &gt; 0).</summary>
    public const string PredictedLabelOutput = "predicted_label";

    /// <summary>Output of multiclass models: float [batch, classes], ML.NET's Score (softmax).</summary>
    public const string ProbabilitiesOutput = "probabilities";

    /// <summary>Output of multiclass models: int64 [batch], the 0-based index of the most probable class.</summary>
    public const string PredictedClassOutput = "predicted_class";

    /// <summary>Writes <paramref name="model"/> as an ONNX file.</summary>
    /// <param name="model">The recurrent model (e.g. <see cref="RecurrentModel.FromTransformer"/>).</param>
    /// <param name="path">The .onnx file to write (overwritten).</param>
    /// <exception cref="NotSupportedException">The model uses a feature that has no ONNX form here; the message names it.</exception>
    public static void ExportOnnx(this RecurrentModel model, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllBytes(path, model.ToOnnx());
    }

    /// <summary>Writes the recurrent model inside a fitted or loaded pipeline as an ONNX file.</summary>
    /// <param name="transformer">A <see cref="RecurrentPredictionTransformer"/>, a chain holding one, or a pipeline from <c>ml.Model.Load</c>.</param>
    /// <param name="path">The .onnx file to write (overwritten).</param>
    /// <exception cref="ArgumentException">The transformer holds no recurrent predictor.</exception>
    /// <exception cref="NotSupportedException">The model uses a feature that has no ONNX form here; the message names it.</exception>
    public static void ExportOnnx(this ITransformer transformer, string path)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        RecurrentModel.FromTransformer(transformer).ExportOnnx(path);
    }

    /// <summary>The ONNX model of <paramref name="model"/> as bytes (for <c>new InferenceSession(bytes)</c>).</summary>
    /// <param name="model">The recurrent model.</param>
    /// <exception cref="NotSupportedException">The model uses a feature that has no ONNX form here; the message names it.</exception>
    public static byte[] ToOnnx(this RecurrentModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var metadata = new List<KeyValuePair<string, string>>
        {
            new("rnnml.task", model.Task.ToString()),
            new("rnnml.feature_column", model.FeatureColumnName),
            new("rnnml.maximum_length", model.Features.MaximumLength.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        return RecurrentGraph.Build(model.Network, model.Task, model.Features.MaximumLength, model.LabelNames, metadata).ToByteArray();
    }

    /// <summary>
    /// Writes a bare network as an ONNX file whose only output is <see cref="LogitsOutput"/>: [batch, outputs] for a pooled
    /// network, [batch, steps, outputs] for a per-step head (e.g. a character language model).
    /// </summary>
    /// <param name="network">The network (its weights as they are; dropout is not exported).</param>
    /// <param name="path">The .onnx file to write (overwritten).</param>
    /// <exception cref="NotSupportedException">The network uses a feature that has no ONNX form here; the message names it.</exception>
    public static void ExportOnnx(this SequenceModel network, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllBytes(path, network.ToOnnx());
    }

    /// <summary>The ONNX model of a bare network as bytes (see <see cref="ExportOnnx(SequenceModel, string)"/>).</summary>
    /// <param name="network">The network.</param>
    /// <exception cref="NotSupportedException">The network uses a feature that has no ONNX form here; the message names it.</exception>
    public static byte[] ToOnnx(this SequenceModel network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return RecurrentGraph.Build(network, null, 0, null, []).ToByteArray();
    }
}
