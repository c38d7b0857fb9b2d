namespace Rnn.Benchmarks;

// B = batch, T = steps, I = input, H = hidden, G = gate rows (4H LSTM, 3H GRU, H RNN).

/// <summary>One matrix-product shape: C[M, N] = op(A)·op(B); TransB means B stored [N, K] (x·Wᵀ).</summary>
/// <param name="Label">Where the shape comes from.</param>
/// <param name="TransA">A stored [K, M].</param>
/// <param name="TransB">B stored [N, K].</param>
/// <param name="M">Rows of C.</param>
/// <param name="N">Columns of C.</param>
/// <param name="K">Shared dimension.</param>
public sealed record GemmShape(string Label, bool TransA, bool TransB, int M, int N, int K)
{
    /// <summary>2·M·N·K.</summary>
    public long Flops => 2L * M * N * K;

    /// <summary>e.g. <c>64x512x128 NT</c>.</summary>
    public string Name => $"{M}x{N}x{K} {(TransA ? 'T' : 'N')}{(TransB ? 'T' : 'N')}";

    public override string ToString() => Name;

    /// <summary>The shapes the workloads run: per-step recurrent products, hoisted input projections, weight gradients, 1024³.</summary>
    public static IReadOnlyList<GemmShape> Workloads { get; } =
    [
        new("infer_latency step: h·W_hhᵀ (B=1, LSTM H=128)", false, true, 1, 512, 128),
        new("lstm_cls step (B=64, LSTM H=128)", false, true, 64, 512, 128),
        new("gru_cls step (B=64, GRU H=128)", false, true, 64, 384, 128),
        new("charlm step (B=32, LSTM H=256)", false, true, 32, 1024, 256),
        new("rnn_big step (B=64, RNN H=512)", false, true, 64, 512, 512),
        new("infer_batch256 step (B=256, LSTM H=128)", false, true, 256, 512, 128),
        new("LSTM H=512 step (B=64)", false, true, 64, 2048, 512),
        new("charlm input projection X·W_ihᵀ (B·T=3200, I=64)", false, true, 3200, 1024, 64),
        new("rnn_big input projection (B·T=4096, I=128)", false, true, 4096, 512, 128),
        new("charlm dW_ih = dGᵀ·X", true, false, 1024, 64, 3200),
        new("charlm dX = dG·W_ih", false, false, 3200, 64, 1024),
        new("matmul_ref", false, false, 1024, 1024, 1024),
    ];
}
