namespace Rnn.Core.Diagnostics;

/// <summary>
/// The hidden state of every layer at every step of one sequence — "watch the memory accumulate context".
/// </summary>
public sealed class HiddenStateTrace
{
    private readonly float[][] _h;    // per layer [T, D·H]
    private readonly float[][]? _c;   // LSTM: per layer [T, D·H]

    internal HiddenStateTrace(int steps, int width, float[][] h, float[][]? c)
    {
        Steps = steps;
        Width = width;
        _h = h;
        _c = c;
    }

    /// <summary>T, steps of the sequence.</summary>
    public int Steps { get; }

    /// <summary>D·H, units per step (forward direction first, then reverse).</summary>
    public int Width { get; }

    /// <summary>Number of layers traced.</summary>
    public int Layers => _h.Length;

    /// <summary>True when cell states are available (LSTM).</summary>
    public bool HasCellState => _c is not null;

    /// <summary>h_t of <paramref name="layer"/> at every step: row t of a [T, D·H] matrix.</summary>
    public Tensor Hidden(int layer) => Tensor.From(_h[layer], Steps, Width);

    /// <summary>LSTM: c_t of <paramref name="layer"/> at every step [T, D·H].</summary>
    /// <exception cref="InvalidOperationException">The layer is not an LSTM.</exception>
    public Tensor Cell(int layer) =>
        _c is null ? throw new InvalidOperationException("only an LSTM has a cell state") : Tensor.From(_c[layer], Steps, Width);
}
