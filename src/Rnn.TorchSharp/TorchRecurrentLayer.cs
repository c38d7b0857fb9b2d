using Rnn.Core.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.utils.rnn;

namespace Rnn.TorchSharp;

// B = batch, T = steps, I = input size, H = hidden size, L = layers, D = directions (2 when bidirectional).

/// <summary>
/// Rnn.Core's <see cref="RecurrentLayer"/> on libtorch: PyTorch's <c>nn.RNN</c> / <c>nn.LSTM</c> / <c>nn.GRU</c> (batch-first),
/// with variable-length batches run as packed sequences (<c>pack_padded_sequence</c>, unsorted lengths allowed).
/// </summary>
/// <remarks>
/// <para>Its parameters are libtorch's own, named as <see cref="RecurrentLayer"/> names them (<c>weight_ih_l{l}[_reverse]</c>
/// [G, I_l], <c>weight_hh_l{l}[_reverse]</c> [G, H], <c>bias_ih_…</c>, <c>bias_hh_…</c> [G], G = H, 4H or 3H, PyTorch's gate
/// order), so <see cref="TorchParameters"/> copies them both ways.</para>
/// <para>Shapes: input [B, T, I]; output [B, T, D·H], zero past each length; h_n (and LSTM c_n) [L·D, B, H].</para>
/// </remarks>
public sealed class TorchRecurrentLayer : IDisposable
{
    /// <summary>Creates the layer with libtorch's default initialisation (U(−1/√H, 1/√H)).</summary>
    /// <param name="cellType">RNN, LSTM or GRU.</param>
    /// <param name="inputSize">I, features per step.</param>
    /// <param name="hiddenSize">H, hidden units per direction.</param>
    /// <param name="numLayers">L, stacked layers. Default 1.</param>
    /// <param name="bidirectional">Run a reverse direction too. Default false.</param>
    /// <param name="dropout">Dropout on every layer's output but the last's, in [0, 1), training mode only. Default 0.</param>
    /// <param name="nonlinearity">Activation of the RNN cell. Default tanh.</param>
    /// <param name="device">Where the parameters live. Default the CPU.</param>
    public TorchRecurrentLayer(CellType cellType, int inputSize, int hiddenSize, int numLayers = 1, bool bidirectional = false,
        float dropout = 0f, Nonlinearity nonlinearity = Nonlinearity.Tanh, Device? device = null)
    {
        if (inputSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "inputSize must be positive");
        if (hiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize, "hiddenSize must be positive");
        if (numLayers <= 0) throw new ArgumentOutOfRangeException(nameof(numLayers), numLayers, "numLayers must be at least 1");
        if (!(dropout >= 0f && dropout < 1f)) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "dropout must be in [0, 1)");
        CellType = cellType;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        Bidirectional = bidirectional;
        Module = cellType switch
        {
            CellType.Lstm => nn.LSTM(inputSize, hiddenSize, numLayers, bias: true, batchFirst: true, dropout: dropout, bidirectional: bidirectional, device: device),
            CellType.Gru => nn.GRU(inputSize, hiddenSize, numLayers, bias: true, batchFirst: true, dropout: dropout, bidirectional: bidirectional, device: device),
            CellType.Rnn => nn.RNN(inputSize, hiddenSize, numLayers,
                nonlinearity == Nonlinearity.Relu ? nn.NonLinearities.ReLU : nn.NonLinearities.Tanh,
                bias: true, batchFirst: true, dropout: dropout, bidirectional: bidirectional, device: device),
            _ => throw new ArgumentOutOfRangeException(nameof(cellType), cellType, "unknown cell type"),
        };
    }

    /// <summary>The libtorch module (<c>nn.LSTM</c>, <c>nn.GRU</c> or <c>nn.RNN</c>), whose parameters are the layer's.</summary>
    public nn.Module Module { get; }

    /// <summary>The cell.</summary>
    public CellType CellType { get; }

    /// <summary>I.</summary>
    public int InputSize { get; }

    /// <summary>H.</summary>
    public int HiddenSize { get; }

    /// <summary>L.</summary>
    public int NumLayers { get; }

    /// <summary>True when each layer runs a reverse direction too.</summary>
    public bool Bidirectional { get; }

    /// <summary>D: 2 when bidirectional, else 1.</summary>
    public int NumDirections => Bidirectional ? 2 : 1;

    /// <summary>D·H, features per output step.</summary>
    public int OutputSize => NumDirections * HiddenSize;

    /// <summary>Runs the layer (training or evaluation mode as set on <see cref="Module"/>).</summary>
    /// <param name="input">x [B, T, I], float32.</param>
    /// <param name="lengths">Valid steps per example [B], each in 1..T, any order; null for full length.</param>
    /// <param name="h0">Initial hidden state [L·D, B, H], or null for zeros.</param>
    /// <param name="c0">LSTM: initial cell state [L·D, B, H]; required with <paramref name="h0"/>, ignored otherwise.</param>
    /// <returns>Output [B, T, D·H] (zero past each length) and final states [L·D, B, H] taken at each example's last valid step.</returns>
    /// <exception cref="ArgumentException">A shape does not fit the layer, or a length is out of range (the message names it).</exception>
    public TorchRecurrentOutput Forward(Tensor input, long[]? lengths = null, Tensor? h0 = null, Tensor? c0 = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 3 || input.shape[2] != InputSize)
            throw new ArgumentException($"input must be [batch, seq, {InputSize}], got ({string.Join(", ", input.shape)})", nameof(input));
        long b = input.shape[0], t = input.shape[1];
        if (h0 is not null && (h0.dim() != 3 || h0.shape[0] != NumLayers * NumDirections || h0.shape[1] != b || h0.shape[2] != HiddenSize))
            throw new ArgumentException($"h0 must be [{NumLayers * NumDirections}, {b}, {HiddenSize}], got ({string.Join(", ", h0.shape)})", nameof(h0));
        if (CellType == CellType.Lstm && h0 is not null && c0 is null)
            throw new ArgumentException("an LSTM's initial state needs both h0 and c0 (c0 is null)", nameof(c0));
        bool packed = false;
        if (lengths is not null)
        {
            if (lengths.Length != b) throw new ArgumentException($"lengths has {lengths.Length} entries, expected one per example ({b})", nameof(lengths));
            for (int i = 0; i < lengths.Length; i++)
            {
                if (lengths[i] < 1 || lengths[i] > t)
                    throw new ArgumentOutOfRangeException(nameof(lengths), lengths[i], $"lengths[{i}] = {lengths[i]} is out of range 1..{t}");
                packed |= lengths[i] != t;
            }
        }
        if (!packed) return RunFull(input, h0, c0);

        using var lengthTensor = torch.tensor(lengths!, dtype: ScalarType.Int64);
        using var sequence = pack_padded_sequence(input, lengthTensor, batch_first: true, enforce_sorted: false);
        var (packedOutput, hN, cN) = RunPacked(sequence, h0, c0);
        using (packedOutput)
        {
            var (output, _) = pad_packed_sequence(packedOutput, batch_first: true, total_length: t);
            return new TorchRecurrentOutput(output, hN, cN);
        }
    }

    private TorchRecurrentOutput RunFull(Tensor input, Tensor? h0, Tensor? c0)
    {
        switch (Module)
        {
            case LSTM lstm:
                var (y, h, c) = lstm.call(input, h0 is null ? null : (h0, c0!));
                return new TorchRecurrentOutput(y, h, c);
            case GRU gru:
                var (gy, gh) = gru.call(input, h0!);
                return new TorchRecurrentOutput(gy, gh, null);
            default:
                var (ry, rh) = ((RNN)Module).call(input, h0);
                return new TorchRecurrentOutput(ry, rh, null);
        }
    }

    private (PackedSequence Output, Tensor HN, Tensor? CN) RunPacked(PackedSequence input, Tensor? h0, Tensor? c0)
    {
        switch (Module)
        {
            case LSTM lstm:
                var (y, h, c) = lstm.call(input, h0 is null ? null : (h0, c0!));
                return (y, h, c);
            case GRU gru:
                var (gy, gh) = gru.call(input, h0!);
                return (gy, gh, null);
            default:
                var (ry, rh) = ((RNN)Module).call(input, h0);
                return (ry, rh, null);
        }
    }

    /// <inheritdoc />
    public void Dispose() => Module.Dispose();
}

/// <summary>The result of <see cref="TorchRecurrentLayer.Forward"/>.</summary>
/// <param name="Output">The last layer's h at every step [B, T, D·H]; zero past each example's length.</param>
/// <param name="HN">Final hidden state of every layer and direction [L·D, B, H].</param>
/// <param name="CN">LSTM: final cell state [L·D, B, H]; otherwise null.</param>
public sealed record TorchRecurrentOutput(Tensor Output, Tensor HN, Tensor? CN);
