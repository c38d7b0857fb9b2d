using Microsoft.ML;
using Microsoft.ML.Data;

namespace Rnn.MLNet;

// The wide path's inputs: the text of every key of the feature column.
public sealed partial class RecurrentTrainer
{
    /// <summary>The largest <see cref="RecurrentTrainerOptions.WideBuckets"/> (the payload's bound).</summary>
    internal const int MaxWideBuckets = 1 << 24;

    /// <summary>
    /// The text of each token id [V] (id k is key k, id 0 the missing key), or null when the keys carry no text (the wide
    /// path then hashes the ids: words and bigrams, no character n-grams).
    /// </summary>
    private static string?[]? TokenTexts(DataViewSchema.Column featureColumn, int keyCount)
    {
        if (featureColumn.Annotations.Schema.GetColumnOrNull(TrainingLabelReader.KeyValuesKind)?.Type is not VectorDataViewType { ItemType: TextDataViewType, Size: var size }
            || size != keyCount)
            return null;
        VBuffer<ReadOnlyMemory<char>> keyValues = default;
        featureColumn.Annotations.GetValue(TrainingLabelReader.KeyValuesKind, ref keyValues);
        var texts = new string?[keyValues.Length + 1];
        int k = 1;
        foreach (var value in keyValues.DenseValues()) texts[k++] = value.ToString();
        return texts;
    }

    /// <summary>The libtorch backend trains the network without the wide path: refuse rather than train something else.</summary>
    private static void CheckWideBackend(RecurrentTrainerOptions options)
    {
        if (options.Backend == RecurrentBackend.TorchSharp)
            throw new NotSupportedException(
                $"RecurrentTrainerOptions.WideBuckets = {options.WideBuckets}: the wide (bag-of-words) path is trained by the managed engine only; "
                + "with Backend = TorchSharp set WideBuckets = 0 (a recurrent model without it), or use Backend = Managed.");
    }
}
