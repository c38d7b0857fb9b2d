using Microsoft.ML.Data;

namespace SentimentService;

/// <summary>The model's input row: one sentence (the label column is read only when training).</summary>
public sealed class Review
{
    /// <summary>The sentence.</summary>
    [LoadColumn(0)]
    public string Text { get; set; } = "";

    /// <summary>True for a positive sentence (training data only).</summary>
    [LoadColumn(1)]
    public bool Label { get; set; }
}

/// <summary>The binary classifier's output columns.</summary>
public sealed class ReviewPrediction
{
    /// <summary>Positive or not.</summary>
    public bool PredictedLabel { get; set; }

    /// <summary>P(positive).</summary>
    public float Probability { get; set; }

    /// <summary>The raw margin.</summary>
    public float Score { get; set; }
}

/// <summary>Body of <c>POST /predict</c>: one sentence in <see cref="Text"/>, or a batch in <see cref="Texts"/>.</summary>
public sealed record PredictRequest(string? Text, IReadOnlyList<string>? Texts);

/// <summary>One sentence's answer.</summary>
public sealed record SentencePrediction(string Text, bool Positive, float Probability, float Score);

/// <summary>
/// Answer of <c>POST /predict</c>: every prediction of one request comes from the one model named here (a swap never
/// splits a batch).
/// </summary>
public sealed record PredictResponse(int ModelVersion, string ModelSha256, IReadOnlyList<SentencePrediction> Predictions);

/// <summary>Answer of <c>GET /health</c>.</summary>
public sealed record HealthResponse(string Status, string ModelFile, int ModelVersion, string ModelSha256, DateTimeOffset LoadedAt,
    int Rejections, ModelRejection? LastRejection);

/// <summary>A model file that was not swapped in, and why.</summary>
public sealed record ModelRejection(DateTimeOffset At, string? Sha256, string Reason);
