using Rnn.Core;
using Rnn.Core.Layers;
using Embedding = TorchSharp.Modules.Embedding;
using Linear = TorchSharp.Modules.Linear;
using Rnn.Core.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace Rnn.TorchSharp;

// B = batch, T = steps, F = features per step (E after an embedding), H = hidden, D = directions, L = layers, O = outputs.

/// <summary>
/// Rnn.Core's <see cref="SequenceModel"/> as a libtorch module: an optional embedding, a <see cref="TorchRecurrentLayer"/>
/// (packed sequences for variable lengths), then pooling over each sequence's valid steps (last, mean, max) and a linear
/// head, or a linear head at every step (language models).
/// </summary>
/// <remarks>
/// <para>Parameters carry the managed model's names and layouts (<c>embedding.weight</c> [V, E], <c>rnn.weight_ih_l0</c>
/// [G, F], …, <c>fc.weight</c> [O, D·H], <c>fc.bias</c> [O]), so <see cref="LoadFrom(SequenceModel)"/> and
/// <see cref="CopyTo(SequenceModel)"/> move weights both ways and both models then compute the same outputs.</para>
/// <para>Dropout (between recurrent layers and before the head), embedding dropout and token dropout act in training
/// mode only, as in the managed model; their random draws are libtorch's, so only evaluation-mode outputs match.</para>
/// </remarks>
public sealed class TorchSequenceModel : nn.Module
{
    private readonly Embedding? _embedding;
    private readonly Linear _fc;

    /// <summary>Builds the model with libtorch's initialisation; call <see cref="LoadFrom(SequenceModel)"/> to take a managed model's weights.</summary>
    /// <param name="options">The architecture (as for <see cref="SequenceModel"/>).</param>
    /// <param name="device">Where the parameters live. Default the CPU.</param>
    public TorchSequenceModel(SequenceModelOptions options, Device? device = null) : base(nameof(TorchSequenceModel))
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Device = device ?? CPU;
        int inputSize = options.InputSize;
        if (options.UsesTokens)
        {
            _embedding = nn.Embedding(options.VocabularySize, options.EmbeddingSize, options.PaddingIndex, device: Device);
            register_module("embedding", _embedding);
            inputSize = options.EmbeddingSize;
        }
        Rnn = new TorchRecurrentLayer(options.Cell, inputSize, options.HiddenSize, options.NumLayers, options.Bidirectional,
            options.Dropout, options.Nonlinearity, Device);
        register_module("rnn", Rnn.Module);
        _fc = nn.Linear(Rnn.OutputSize, options.OutputSize, hasBias: true, device: Device);
        register_module("fc", _fc);
    }

    /// <summary>The architecture.</summary>
    public SequenceModelOptions Options { get; }

    /// <summary>Where the parameters live.</summary>
    public Device Device { get; }

    /// <summary>The recurrent layer (named <c>rnn</c>).</summary>
    public TorchRecurrentLayer Rnn { get; }

    /// <summary>True when the head runs at every step (no pooling).</summary>
    public bool IsPerStep => Options.Pooling is null;

    /// <summary>A model with <paramref name="model"/>'s architecture and weights.</summary>
    /// <param name="model">The managed model to copy.</param>
    /// <param name="device">Where the parameters live. Default the CPU.</param>
    public static TorchSequenceModel FromManaged(SequenceModel model, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var torchModel = new TorchSequenceModel(model.Options, device);
        torchModel.LoadFrom(model);
        if (!model.Training) torchModel.eval();
        return torchModel;
    }

    /// <summary>Takes every weight of <paramref name="model"/> (same architecture).</summary>
    /// <exception cref="ArgumentException">A parameter's name or shape differs; the message names it.</exception>
    public void LoadFrom(SequenceModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        TorchParameters.LoadFrom(this, model.Parameters);
    }

    /// <summary>Takes every weight from managed parameters named as <c>SequenceModel.Parameters</c>.</summary>
    /// <exception cref="ArgumentException">A parameter's name or shape differs; the message names it.</exception>
    public void LoadFrom(ParameterCollection parameters) => TorchParameters.LoadFrom(this, parameters);

    /// <summary>Writes every weight into <paramref name="model"/> (same architecture).</summary>
    /// <exception cref="ArgumentException">A parameter's name or shape differs; the message names it.</exception>
    public void CopyTo(SequenceModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        TorchParameters.CopyTo(this, model.Parameters);
    }

    /// <summary>Writes every weight into managed parameters named as <c>SequenceModel.Parameters</c>.</summary>
    /// <exception cref="ArgumentException">A parameter's name or shape differs; the message names it.</exception>
    public void CopyTo(ParameterCollection parameters) => TorchParameters.CopyTo(this, parameters);

    /// <summary>
    /// Runs the model. Returns logits [B, O] (pooled) or [B, T, O] (per step; zero at padded steps).
    /// </summary>
    /// <param name="input">Token ids [B, T] (int64) for a model with an embedding, else float steps [B, T, F].</param>
    /// <param name="lengths">Valid steps per example [B], each in 1..T; null for full length.</param>
    /// <param name="h0">Initial hidden state [L·D, B, H], or null for zeros.</param>
    /// <param name="c0">LSTM: initial cell state [L·D, B, H], with <paramref name="h0"/>.</param>
    public Tensor Forward(Tensor input, long[]? lengths = null, Tensor? h0 = null, Tensor? c0 = null)
    {
        var (logits, hN, cN) = ForwardWithState(input, lengths, h0, c0);
        hN.Dispose();
        cN?.Dispose();
        return logits;
    }

    /// <summary>
    /// <see cref="Forward"/>, also returning the recurrent layer's final states [L·D, B, H] (h_n, and c_n for an LSTM):
    /// a language model carries them into its next chunk.
    /// </summary>
    internal TorchSequenceOutput ForwardWithState(Tensor input, long[]? lengths = null, Tensor? h0 = null, Tensor? c0 = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        long b = input.shape[0], t = input.shape[1];
        using var scope = NewDisposeScope();
        Tensor x;
        if (_embedding is not null)
        {
            if (input.dim() != 2) throw new ArgumentException($"the model takes token ids [batch, seq], got ({string.Join(", ", input.shape)})", nameof(input));
            x = _embedding.call(input);                                                            // [B, T, E]
            if (training && Options.EmbeddingDropout > 0f) x = nn.functional.dropout(x, Options.EmbeddingDropout, training: true);
            if (training && Options.TokenDropout > 0f)
            {
                // Word dropout: a dropped token becomes a zero vector (an unknown word); kept ones are scaled by 1/(1-p).
                float p = Options.TokenDropout;
                var keep = rand(new long[] { b, t, 1 }, device: x.device).ge(p).to(ScalarType.Float32).div(1f - p);
                x = x.mul(keep);
            }
        }
        else
        {
            x = input;                                                                             // [B, T, F]
        }

        var r = Rnn.Forward(x, lengths, h0, c0);
        bool variable = lengths is not null && lengths.Any(n => n != t);
        Tensor head;
        int d = Rnn.NumDirections, top = (Rnn.NumLayers - 1) * d;
        switch (Options.Pooling)
        {
            case PoolingKind.Last:
                // The last layer's final state(s), both directions side by side: h_n[(L-1)·D + d] → [B, D·H].
                head = d == 1 ? r.HN[top] : cat(new[] { r.HN[top], r.HN[top + 1] }, 1);
                break;
            case PoolingKind.Mean:
                head = variable
                    ? r.Output.sum(1).div(LengthColumn(lengths!, r.Output.device))                 // padding is zero
                    : r.Output.mean(new long[] { 1 });
                break;
            case PoolingKind.Max:
                head = variable
                    ? r.Output.masked_fill(StepMask(lengths!, t, r.Output.device).logical_not(), float.NegativeInfinity).amax(1)
                    : r.Output.amax(1);
                break;
            default:
                head = r.Output;                                                                   // [B, T, D·H]
                break;
        }
        if (training && Options.Dropout > 0f) head = nn.functional.dropout(head, Options.Dropout, training: true);
        var logits = _fc.call(head);                                                               // [B, O] or [B, T, O]
        if (Options.Pooling is null && variable) logits = logits.mul(StepMask(lengths!, t, logits.device).to(ScalarType.Float32));
        return new TorchSequenceOutput(logits.MoveToOuterDisposeScope(), r.HN.MoveToOuterDisposeScope(), r.CN?.MoveToOuterDisposeScope());
    }

    // [B, T, 1]: true at valid steps
    private static Tensor StepMask(long[] lengths, long steps, Device device)
    {
        using var n = tensor(lengths, dtype: ScalarType.Int64, device: device);
        return arange(steps, device: device).unsqueeze(0).lt(n.unsqueeze(1)).unsqueeze(2);
    }

    // [B, 1]: the lengths as floats
    private static Tensor LengthColumn(long[] lengths, Device device) =>
        tensor(lengths.Select(n => (float)n).ToArray(), dtype: ScalarType.Float32, device: device).unsqueeze(1);
}

/// <summary>The result of <see cref="TorchSequenceModel.ForwardWithState"/>.</summary>
/// <param name="Logits">[B, O] (pooled) or [B, T, O] (per step).</param>
/// <param name="HN">Final hidden state of every layer and direction [L·D, B, H].</param>
/// <param name="CN">LSTM: final cell state [L·D, B, H]; otherwise null.</param>
internal sealed record TorchSequenceOutput(Tensor Logits, Tensor HN, Tensor? CN);
