using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Rnn.MLNet;

/// <summary>
/// The ML.NET transform that feeds an exported token model to <c>ApplyOnnxModel</c>: a key column (MapValueToKey's tokens)
/// becomes the graph's <see cref="RecurrentOnnx.TokensInput"/> (int64 ids, as long as the row) and
/// <see cref="RecurrentOnnx.LengthsInput"/> (one int64) columns.
/// </summary>
/// <example>
/// <code>
/// var scorer = ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
///     .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
///     .Append(ml.Transforms.RecurrentOnnxTokenInputs("Tokens"))
///     .Append(ml.Transforms.ApplyOnnxModel(["score", "probability"], ["tokens", "lengths"], "sentiment.onnx"));
/// </code>
/// See docs/onnx.md.
/// </example>
public static class RecurrentOnnxInputs
{
    /// <summary>
    /// Adds <c>tokens</c> (int64 vector of the row's length: key k is id k, 0 = missing) and <c>lengths</c> (int64 vector of
    /// one value) from a key vector column; an empty row becomes one missing token (<c>[0]</c>, length 1), as the RnnMl
    /// transformer reads it. Saveable with <c>ml.Model.Save</c> (a CustomMapping with a contract of this assembly).
    /// </summary>
    /// <param name="catalog">ML.NET's transforms.</param>
    /// <param name="keyColumnName">The key vector column (the recurrent model's feature column).</param>
    /// <returns>ConvertType → CustomMapping → DropColumns, an ordinary ML.NET estimator chain.</returns>
    public static IEstimator<ITransformer> RecurrentOnnxTokenInputs(this TransformsCatalog catalog, string keyColumnName)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(keyColumnName);
        // ConvertType to UInt32 keeps the keys' raw values, and lets CustomMapping read them as VBuffer<uint>.
        return catalog.Conversion.ConvertType(TokenInputsMapping.KeysColumn, keyColumnName, DataKind.UInt32)
            .Append(catalog.CustomMapping<TokenInputsMapping.KeyRow, TokenInputsMapping.InputsRow>(TokenInputsMapping.Map, TokenInputsMapping.Contract))
            .Append(catalog.DropColumns(TokenInputsMapping.KeysColumn));
    }
}

/// <summary>The CustomMapping behind <see cref="RecurrentOnnxInputs.RecurrentOnnxTokenInputs"/>; its contract name carries a version.</summary>
internal static class TokenInputsMapping
{
    public const string KeysColumn = "__rnnml_onnx_keys";
    public const string Contract = "Rnn.Onnx.TokenInputs.v1";

    public static void Map(KeyRow input, InputsRow output)
    {
        var keys = input.Keys;
        var ids = new long[Math.Max(keys.Length, 1)]; // an empty row is one missing token
        var values = keys.GetValues();
        var indices = keys.GetIndices();
        for (int i = 0; i < values.Length; i++) ids[keys.IsDense ? i : indices[i]] = values[i];
        output.Tokens = ids;
        output.Lengths = [ids.Length];
    }

    /// <summary>The converted key column.</summary>
    public sealed class KeyRow
    {
        /// <summary>The keys of one row.</summary>
        [ColumnName(KeysColumn)]
        public VBuffer<uint> Keys { get; set; }
    }

    /// <summary>The exported graph's inputs for one row.</summary>
    public sealed class InputsRow
    {
        /// <summary>Token ids, as many as the row has (at least one).</summary>
        [ColumnName(RecurrentOnnx.TokensInput)]
        public long[] Tokens { get; set; } = [];

        /// <summary>The number of ids.</summary>
        [ColumnName(RecurrentOnnx.LengthsInput), VectorType(1)]
        public long[] Lengths { get; set; } = new long[1];
    }

    /// <summary>Rebuilds the mapping when ML.NET loads a saved pipeline.</summary>
    [CustomMappingFactoryAttribute(Contract)]
    public sealed class Factory : CustomMappingFactory<KeyRow, InputsRow>
    {
        /// <inheritdoc/>
        public override Action<KeyRow, InputsRow> GetMapping() => Map;
    }
}
