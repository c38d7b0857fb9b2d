namespace Rnn.Pipelines.Windowing;

// N = steps in one series, W = window size, H = horizon, S = stride, R = sampling rate.

/// <summary>
/// Where the windows of one series start and which steps they read: window k starts at step k·S, reads
/// steps start + i·R (i = 0..W−1) and labels steps start + (W−1+h)·R (h = 1..H). A series of N steps has
/// ⌊(N − Span) / S⌋ + 1 windows when N ≥ Span, none otherwise, with Span = (W−1+H)·R + 1.
/// </summary>
internal readonly record struct WindowPlan(int WindowSize, int Horizon, int Stride, int SamplingRate)
{
    /// <summary>Steps one window and its label cover: (W−1+H)·R + 1.</summary>
    public int Span => ((WindowSize - 1 + Horizon) * SamplingRate) + 1;

    /// <summary>Windows in a series of <paramref name="length"/> steps.</summary>
    public int CountFor(int length) => length < Span ? 0 : ((length - Span) / Stride) + 1;

    /// <summary>First step of window <paramref name="k"/>.</summary>
    public int Start(int k) => k * Stride;

    /// <summary>Step read by position <paramref name="i"/> (0..W−1) of the window starting at <paramref name="start"/>.</summary>
    public int InputStep(int start, int i) => start + (i * SamplingRate);

    /// <summary>Step of label <paramref name="h"/> (1..H) of the window starting at <paramref name="start"/>.</summary>
    public int LabelStep(int start, int h) => start + ((WindowSize - 1 + h) * SamplingRate);
}
