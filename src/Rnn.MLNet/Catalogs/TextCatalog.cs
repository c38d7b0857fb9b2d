namespace Rnn.MLNet;

/// <summary>Text transforms on <see cref="TransformsCatalog.TextTransforms"/>.</summary>
public static class TextCatalog
{
    /// <summary>Normalizes case, diacritics, punctuation and digits of <paramref name="inputColumnName"/> (default: the output's name).</summary>
    public static TextNormalizingEstimator NormalizeText(this TransformsCatalog.TextTransforms catalog, string outputColumnName, string? inputColumnName = null,
        TextNormalizingEstimator.CaseMode caseMode = TextNormalizingEstimator.CaseMode.Lower, bool keepDiacritics = false, bool keepPunctuations = true, bool keepNumbers = true) =>
        new(new InputOutputColumnPair(outputColumnName, inputColumnName), caseMode, keepDiacritics, keepPunctuations, keepNumbers);

    /// <summary>Splits text into words at <paramref name="separators"/> (default: space).</summary>
    public static WordTokenizingEstimator TokenizeIntoWords(this TransformsCatalog.TextTransforms catalog, string outputColumnName, string? inputColumnName = null, char[]? separators = null) =>
        new(new InputOutputColumnPair(outputColumnName, inputColumnName), separators);

    /// <summary>Splits text into character keys, with start/end markers when <paramref name="useMarkerCharacters"/>.</summary>
    public static TokenizingByCharactersEstimator TokenizeIntoCharactersAsKeys(this TransformsCatalog.TextTransforms catalog, string outputColumnName, string? inputColumnName = null, bool useMarkerCharacters = true) =>
        new(new InputOutputColumnPair(outputColumnName, inputColumnName), useMarkerCharacters);
}

/// <summary>Key conversions on <see cref="TransformsCatalog.ConversionTransforms"/>.</summary>
public static class ConversionsExtensionsCatalog
{
    /// <summary>
    /// Maps the values of <paramref name="inputColumnName"/> (default: the output's name) to keys 1..Count, at most
    /// <paramref name="maximumNumberOfKeys"/>; unseen and missing values map to 0. With <paramref name="keyData"/>, the
    /// keys come from its single column instead of the training data.
    /// </summary>
    public static ValueToKeyMappingEstimator MapValueToKey(this TransformsCatalog.ConversionTransforms catalog, string outputColumnName, string? inputColumnName = null,
        int maximumNumberOfKeys = 1000000, ValueToKeyMappingEstimator.KeyOrdinality keyOrdinality = ValueToKeyMappingEstimator.KeyOrdinality.ByOccurrence,
        bool addKeyValueAnnotationsAsText = false, IDataView? keyData = null) =>
        new([new InputOutputColumnPair(outputColumnName, inputColumnName)], maximumNumberOfKeys, keyOrdinality, addKeyValueAnnotationsAsText, keyData);

    /// <summary>Maps several columns to keys, each with its own dictionary.</summary>
    public static ValueToKeyMappingEstimator MapValueToKey(this TransformsCatalog.ConversionTransforms catalog, InputOutputColumnPair[] columns,
        int maximumNumberOfKeys = 1000000, ValueToKeyMappingEstimator.KeyOrdinality keyOrdinality = ValueToKeyMappingEstimator.KeyOrdinality.ByOccurrence,
        bool addKeyValueAnnotationsAsText = false, IDataView? keyData = null) =>
        new(columns, maximumNumberOfKeys, keyOrdinality, addKeyValueAnnotationsAsText, keyData);

    /// <summary>Maps keys back to values through the KeyValues annotation.</summary>
    public static KeyToValueMappingEstimator MapKeyToValue(this TransformsCatalog.ConversionTransforms catalog, string outputColumnName, string? inputColumnName = null) =>
        new(new InputOutputColumnPair(outputColumnName, inputColumnName));

    /// <summary>Maps keys back to values for several columns.</summary>
    public static KeyToValueMappingEstimator MapKeyToValue(this TransformsCatalog.ConversionTransforms catalog, params InputOutputColumnPair[] columns) => new(columns);
}
