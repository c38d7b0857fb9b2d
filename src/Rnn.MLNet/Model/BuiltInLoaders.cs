namespace Rnn.MLNet.Model;

/// <summary>The loaders of Rnn.MLNet's own transformers: one line per type id.</summary>
internal static class BuiltInLoaders
{
    public static void RegisterAll()
    {
        ModelRegistry.Register(ColumnCopyingTransformer.TypeId, 1, ColumnCopyingTransformer.Load);
        ModelRegistry.Register(ColumnConcatenatingTransformer.TypeId, 1, ColumnConcatenatingTransformer.Load);
        ModelRegistry.Register(ColumnSelectingTransformer.TypeId, 1, ColumnSelectingTransformer.Load);
        ModelRegistry.Register(NormalizingTransformer.TypeId, 1, NormalizingTransformer.Load);
        ModelRegistry.Register(ValueToKeyMappingTransformer.TypeId, 1, ValueToKeyMappingTransformer.Load);
        ModelRegistry.Register(KeyToValueMappingTransformer.TypeId, 1, KeyToValueMappingTransformer.Load);
        ModelRegistry.Register(TextNormalizingTransformer.TypeId, 1, TextNormalizingTransformer.Load);
        ModelRegistry.Register(WordTokenizingTransformer.TypeId, 1, WordTokenizingTransformer.Load);
        ModelRegistry.Register(TokenizingByCharactersTransformer.TypeId, 1, TokenizingByCharactersTransformer.Load);
    }
}
