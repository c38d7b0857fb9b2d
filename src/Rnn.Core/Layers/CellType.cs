namespace Rnn.Core.Layers;

/// <summary>The recurrent cell of a <see cref="RecurrentLayer"/>.</summary>
public enum CellType
{
    /// <summary>Elman RNN, PyTorch's <c>nn.RNN</c>: <c>h' = act(W_ih x + b_ih + W_hh h + b_hh)</c>; one gate block.</summary>
    Rnn,

    /// <summary>PyTorch's <c>nn.LSTM</c>: gates i, f, g, o (four blocks), cell state c.</summary>
    Lstm,

    /// <summary>PyTorch's <c>nn.GRU</c>: gates r, z, n (three blocks).</summary>
    Gru,
}

/// <summary>Activation of a vanilla <see cref="CellType.Rnn"/> cell (PyTorch's <c>nonlinearity</c> argument).</summary>
public enum Nonlinearity
{
    /// <summary>tanh (PyTorch's default, mode <c>RNN_TANH</c>).</summary>
    Tanh,

    /// <summary>max(0, x) (mode <c>RNN_RELU</c>).</summary>
    Relu,
}
