using Microsoft.ML;
using Microsoft.ML.Data;

namespace Rnn.MLNet;

// The wide path's inputs: the text of every key of the feature column.
public sealed partial class RecurrentTrainer
{
    /// <summary>The largest <see cref="RecurrentTrainerOptions.WideBuckets"/> (the payload's bound).</summary>
    internal const int MaxWideBuckets = 1 << 24;

    /// <summary>The text of each token id [V] (id k is key k, id 0 the missing key), or null when the keys carry no text.</summary>
    private static string?[]? TokenTexts(DataViewSchema.Column featureColumn)
    {
        if (featureColumn.Annotations.Schema.GetColumnOrNull(TrainingLabelReader.KeyValuesKind)?.Type is not VectorDataViewType { ItemType: TextDataViewType })
            return null;
        VBuffer<ReadOnlyMemory<char>> keyValues = default;
        featureColumn.Annotations.GetValue(TrainingLabelReader.KeyValuesKind, ref keyValues);
        var texts = new string?[keyValues.Length + 1];
        int k = 1;
        foreach (var value in keyValues.DenseValues()) texts[k++] = value.ToString();
        return texts;
    }
}
