namespace Rnn.Benchmarks.Workloads;

// B = batch, T = steps, I = layer input, H = hidden, G = gates (RNN 1, GRU 3, LSTM 4), N = rows, O = outputs.

/// <summary>
/// Analytic matrix-product FLOPs of every workload, per WORKLOADS.md's convention (2 per multiply-add;
/// input projection, recurrent projection and output Linear; training adds every backward product that is
/// needed; elementwise ops, embedding, loss and optimiser are not counted). The same formulas as
/// torch_bench.py's <c>rnn_flops</c> and <c>linear_flops</c>.
/// </summary>
internal static class FlopCounts
{
    /// <summary>Forward and backward FLOPs of a recurrent layer stack.</summary>
    /// <remarks>
    /// Per layer and direction: forward <c>2·B·T·G·H·(I + H)</c>; backward <c>dW_ih 2·B·T·G·H·I</c> +
    /// <c>dW_hh 2·B·T·G·H·H</c> + <c>dh_{t-1} 2·B·(T−1)·G·H·H</c> + <c>dx 2·B·T·G·H·I</c> when the layer
    /// input needs a gradient (after an Embedding, or any layer above the first).
    /// </remarks>
    public static (long Forward, long Backward) Rnn(long b, long t, long i, long h, int gates, bool train, bool inputGrad,
        int layers = 1, bool bidirectional = false)
    {
        int directions = bidirectional ? 2 : 1;
        long forward = 0, backward = 0;
        for (int layer = 0; layer < layers; layer++)
        {
            long input = layer == 0 ? i : directions * h;
            for (int d = 0; d < directions; d++)
            {
                forward += 2 * b * t * gates * h * (input + h);
                if (!train) continue;
                backward += 2 * b * t * gates * h * input;
                backward += 2 * b * t * gates * h * h;
                backward += 2 * b * Math.Max(t - 1, 0) * gates * h * h;
                if (layer > 0 || inputGrad) backward += 2 * b * t * gates * h * input;
            }
        }
        return (forward, backward);
    }

    /// <summary>Linear <c>(N, I) → (N, O)</c>: forward <c>2·N·I·O</c>; backward dW <c>2·N·I·O</c> (+ dX <c>2·N·I·O</c>).</summary>
    public static (long Forward, long Backward) Linear(long n, long i, long o, bool train, bool inputGrad = true)
    {
        long forward = 2 * n * i * o;
        long backward = train ? 2 * n * i * o * (inputGrad ? 2 : 1) : 0;
        return (forward, backward);
    }

    /// <summary>FLOPs of one workload: the recurrent and head forward parts, and one training step (or call) in total.</summary>
    /// <param name="Name">Workload name (WORKLOADS.md).</param>
    /// <param name="RecurrentForward">Forward FLOPs of the recurrent layer per step or call.</param>
    /// <param name="HeadForward">Forward FLOPs of the output Linear per step or call.</param>
    /// <param name="PerStep">Forward + backward of everything per training step; forward only for inference calls.</param>
    /// <param name="StepsPerRepeat">Training steps (epochs, calls) in one timed repeat.</param>
    public sealed record Entry(string Name, long RecurrentForward, long HeadForward, long PerStep, int StepsPerRepeat)
    {
        /// <summary>FLOPs of one timed repeat.</summary>
        public long PerRepeat => PerStep * StepsPerRepeat;
    }

    /// <summary>Every workload of WORKLOADS.md with the sizes of its table.</summary>
    public static IReadOnlyList<Entry> All { get; } =
    [
        Training("seed_trend", Rnn(4, 5, 1, 8, 1, true, false), Linear(4, 8, 2, true), 100),
        Training("sine", Rnn(480, 20, 1, 32, 1, true, false), Linear(480, 32, 1, true), 10),
        Training("lstm_cls", Rnn(64, 50, 64, 128, 4, true, true), Linear(64, 128, 2, true), 30),
        Training("gru_cls", Rnn(64, 50, 64, 128, 3, true, true), Linear(64, 128, 2, true), 30),
        Training("charlm", Rnn(32, 100, 64, 256, 4, true, true), Linear(32 * 100, 256, 65, true), 30),
        Training("rnn_big", Rnn(64, 64, 128, 512, 1, true, false), (0, 0), 30),
        Inference("infer_latency", Rnn(1, 50, 64, 128, 4, false, false), Linear(1, 128, 2, false), 2000),
        Inference("infer_batch256", Rnn(256, 50, 64, 128, 4, false, false), Linear(256, 128, 2, false), 10),
        new("matmul_ref", 0, 0, 2L * 1024 * 1024 * 1024, 1),
    ];

    /// <summary>The entry of <paramref name="name"/>.</summary>
    public static Entry Of(string name) => All.Single(e => e.Name == name);

    /// <summary>
    /// WORKLOADS.md's table (forward recurrent + forward head, total per step), copied by hand: the self-check
    /// that the formulas above reproduce it.
    /// </summary>
    private static readonly (string Name, long RecurrentForward, long HeadForward, long PerStep)[] s_table =
    [
        ("seed_trend", 2_880, 128, 8_192),
        ("sine", 20_275_200, 30_720, 59_320_320),
        ("lstm_cls", 629_145_600, 32_768, 1_879_146_496),
        ("gru_cls", 471_859_200, 32_768, 1_409_384_448),
        ("charlm", 2_097_152_000, 106_496_000, 6_594_166_784),
        ("rnn_big", 2_684_354_560, 0, 7_482_638_336),
        ("infer_latency", 9_830_400, 512, 9_830_912),
        ("infer_batch256", 2_516_582_400, 131_072, 2_516_713_472),
        ("matmul_ref", 0, 0, 2_147_483_648),
    ];

    /// <summary>Compares the formulas with WORKLOADS.md's table; returns one line per workload and whether all agree.</summary>
    public static (bool Ok, IReadOnlyList<string> Lines) CheckAgainstTable()
    {
        var lines = new List<string>();
        bool ok = true;
        foreach (var (name, recurrent, head, perStep) in s_table)
        {
            Entry e = Of(name);
            bool same = e.RecurrentForward == recurrent && e.HeadForward == head && e.PerStep == perStep;
            ok &= same;
            lines.Add($"{(same ? "OK      " : "MISMATCH")} {name,-15} forward {e.RecurrentForward:N0} + {e.HeadForward:N0}, per step {e.PerStep:N0}" +
                      (same ? "" : $" (table: {recurrent:N0} + {head:N0}, {perStep:N0})"));
        }
        return (ok, lines);
    }

    private static Entry Training(string name, (long F, long B) rnn, (long F, long B) head, int steps) =>
        new(name, rnn.F, head.F, rnn.F + rnn.B + head.F + head.B, steps);

    private static Entry Inference(string name, (long F, long B) rnn, (long F, long B) head, int calls) =>
        new(name, rnn.F, head.F, rnn.F + head.F, calls);
}
