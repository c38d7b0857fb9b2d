namespace Rnn.MLNet;

/// <summary>
/// Data transforms. Column operations (Concatenate, CopyColumns, DropColumns, normalizers) are extension
/// methods on this catalog; <see cref="Text"/>, <see cref="Conversion"/> and <see cref="Sequence"/> group the rest.
/// </summary>
public sealed class TransformsCatalog : CatalogBase
{
    internal TransformsCatalog(MLContext context) : base(context)
    {
        Text = new TextTransforms(context);
        Conversion = new ConversionTransforms(context);
        Sequence = new SequenceTransforms(context);
    }

    /// <summary>Text transforms (NormalizeText, TokenizeIntoWords, TokenizeIntoCharactersAsKeys).</summary>
    public TextTransforms Text { get; }

    /// <summary>Type and key conversions (MapValueToKey, MapKeyToValue).</summary>
    public ConversionTransforms Conversion { get; }

    /// <summary>Sequence transforms (SlidingWindow, from Rnn.Pipelines).</summary>
    public SequenceTransforms Sequence { get; }

    /// <summary>Text transforms; extension methods target this class.</summary>
    public sealed class TextTransforms : CatalogBase
    {
        internal TextTransforms(MLContext context) : base(context) { }
    }

    /// <summary>Conversion transforms; extension methods target this class.</summary>
    public sealed class ConversionTransforms : CatalogBase
    {
        internal ConversionTransforms(MLContext context) : base(context) { }
    }

    /// <summary>Sequence transforms; extension methods (from Rnn.Pipelines) target this class.</summary>
    public sealed class SequenceTransforms : CatalogBase
    {
        internal SequenceTransforms(MLContext context) : base(context) { }
    }
}

/// <summary>Character-level text generation; its trainers are extension methods on <see cref="Trainers"/> (Rnn.Pipelines).</summary>
public sealed class TextGenerationCatalog : CatalogBase
{
    internal TextGenerationCatalog(MLContext context) : base(context) => Trainers = new TextGenerationTrainers(context);

    /// <summary>The trainers.</summary>
    public TextGenerationTrainers Trainers { get; }

    /// <summary>Text generation trainers.</summary>
    public sealed class TextGenerationTrainers : CatalogBase
    {
        internal TextGenerationTrainers(MLContext context) : base(context) { }
    }
}

/// <summary>Loading, saving, splitting, shuffling and filtering data.</summary>
public sealed partial class DataOperationsCatalog : CatalogBase
{
    internal DataOperationsCatalog(MLContext context) : base(context) { }
}

/// <summary>Saving and loading models; prediction engines.</summary>
public sealed partial class ModelOperationsCatalog : CatalogBase
{
    internal ModelOperationsCatalog(MLContext context) : base(context) { }
}
