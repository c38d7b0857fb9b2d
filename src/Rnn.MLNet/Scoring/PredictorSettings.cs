using Rnn.Core.Models;
using Rnn.MLNet.Persistence;

namespace Rnn.MLNet.Scoring;

/// <summary>What a recurrent predictor's payload holds besides its weights (kind "recurrent-predictor", version 1).</summary>
/// <param name="Task">Binary, multiclass or regression.</param>
/// <param name="Features">How the feature column is read.</param>
/// <param name="Network">The network's shape.</param>
/// <param name="LabelNames">Multiclass: the label's values in key order (text); otherwise null.</param>
internal sealed record PredictorSettings(RecurrentTask Task, SequenceFeatures Features, SequenceModelOptions Network, string[]? LabelNames)
{
    public const string Kind = "recurrent-predictor";
    /// <summary>The newest version: 2 adds the wide path (<c>wideBuckets</c>, <c>wideCharNGrams</c>, <c>wideFeatureScale</c>, <c>tokenTexts</c> and the tensor <c>wide.weight</c>).</summary>
    public const int Version = 2;

    /// <summary>The version this payload needs: 1 without the wide path (as earlier builds wrote, and read), 2 with it.</summary>
    public int RequiredVersion => Network.WideBuckets > 0 ? 2 : 1;

    /// <summary>Checks settings read from a file before anything is allocated from them.</summary>
    public void Validate()
    {
        Check(Enum.IsDefined(Task), $"unknown task {Task}");
        Check(Features is not null && !string.IsNullOrEmpty(Features.ColumnName), "the feature column is missing");
        Check(Network is not null, "the network settings are missing");
        var m = Network!;
        Check(Enum.IsDefined(m.Cell) && Enum.IsDefined(m.Nonlinearity) && (m.Pooling is null || Enum.IsDefined(m.Pooling.Value)), "unknown cell, nonlinearity or pooling");
        Check(m.HiddenSize is > 0 and <= 65536 && m.NumLayers is > 0 and <= 64 && m.OutputSize is > 0 and <= FixedVector.MaxLength
            && m.EmbeddingSize is > 0 and <= 65536 && m.InputSize is > 0 and <= 1_000_000 && m.VocabularySize is >= 0 and <= 50_000_000,
            "a layer size is out of range");
        Check((long)m.VocabularySize * m.EmbeddingSize <= 1L << 30 && (long)m.HiddenSize * m.HiddenSize * 4 * m.NumLayers <= 1L << 30,
            "the declared network is too large");
        Check(Features!.StepSize > 0 && Features.MaximumLength >= 0, "the feature step size or length limit is out of range");
        Check(Features.IsKey == (m.VocabularySize > 0) && (!Features.IsKey || Features.KeyCount + 1 == m.VocabularySize),
            "the feature settings do not match the network");
        Check(Features.IsKey || m.InputSize == Features.StepSize, "the step size does not match the network's input");
        int expected = Task switch { RecurrentTask.BinaryClassification => 2, RecurrentTask.Regression => 1, _ => m.OutputSize };
        Check(m.OutputSize == expected, $"the network has {m.OutputSize} outputs, the task needs {expected}");
        Check(m.Pooling is not null, "a predictor pools its steps");
        Check(m.PaddingIndex is null || (m.PaddingIndex >= 0 && m.PaddingIndex < m.VocabularySize), "the padding index is outside the vocabulary");
        Check(m.WideBuckets is >= 0 and <= RecurrentTrainer.MaxWideBuckets && (long)m.WideBuckets * m.OutputSize <= 1L << 28
            && (m.WideCharNGrams is 0 or (>= 3 and <= 8)) && m.WideFeatureScale > 0f && float.IsFinite(m.WideFeatureScale),
            "the wide path's settings are out of range");
        Check(m.WideBuckets == 0 || (Features.IsKey && m.Pooling is not null), "a wide path needs token features");
        Check(m.TokenTexts is null || m.TokenTexts.Count == m.VocabularySize, "the token texts do not match the vocabulary");
        Check(Task != RecurrentTask.MulticlassClassification || (LabelNames is not null && LabelNames.Length == m.OutputSize && LabelNames.All(n => n is not null)),
            "the label names do not match the classes");
    }

    private static void Check(bool ok, string problem)
    {
        if (!ok) throw ModelPayload.Invalid(problem);
    }
}
