using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.Core.Models;

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
    private static TokenTextTable? TokenTexts(DataViewSchema.Column featureColumn, int keyCount)
    {
        if (featureColumn.Annotations.Schema.GetColumnOrNull(TrainingLabelReader.KeyValuesKind)?.Type is not VectorDataViewType { ItemType: TextDataViewType, Size: var size }
            || size != keyCount)
            return null;
        VBuffer<ReadOnlyMemory<char>> keyValues = default;
        featureColumn.Annotations.GetValue(TrainingLabelReader.KeyValuesKind, ref keyValues);
        var texts = new string?[keyValues.Length + 1];
        int k = 1;
        foreach (var value in keyValues.DenseValues()) texts[k++] = value.ToString();
        return new TokenTextTable(texts);
    }

    /// <summary>The wide path's buckets: the option, or by default 2^17 on the managed engine and none on libtorch.</summary>
    internal static int WideBuckets(RecurrentTrainerOptions options) =>
        options.WideBuckets ?? (options.Backend == RecurrentBackend.Managed ? DefaultWideBuckets : 0);

    /// <summary>The default of <see cref="RecurrentTrainerOptions.WideBuckets"/> on the managed engine.</summary>
    internal const int DefaultWideBuckets = 1 << 17;

    /// <summary>The libtorch backend trains the network without the wide path: refuse one asked for rather than train something else.</summary>
    private static void CheckWideBackend(RecurrentTrainerOptions options)
    {
        if (options.Backend == RecurrentBackend.TorchSharp && options.WideBuckets > 0)
            throw new NotSupportedException(
                $"RecurrentTrainerOptions.WideBuckets = {options.WideBuckets}: the wide (bag-of-words) path is trained by the managed engine only; "
                + "with Backend = TorchSharp leave WideBuckets null or 0 (a recurrent model without it), or use Backend = Managed.");
    }
}
