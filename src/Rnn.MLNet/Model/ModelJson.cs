using System.Text.Json;
using Rnn.MLNet.Data;

namespace Rnn.MLNet.Model;

/// <summary>JSON settings shared by the model zip's entries, and the schema's JSON form.</summary>
internal static class ModelJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        MaxDepth = 32,
    };

    public static void CheckEntryName(string fileName)
    {
        if (fileName.Length == 0 || fileName.Length > 100 || fileName.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')))
            throw new ArgumentException($"Entry name '{fileName}' must be 1-100 characters of letters, digits, '_', '-', '.'.", nameof(fileName));
    }

    /// <summary>A column of a saved schema: name and type (see docs/model-format.md).</summary>
    internal sealed record ColumnRecord(string Name, string Type, int[]? Dimensions = null, string? KeyRawType = null, ulong? KeyCount = null);

    public static ColumnRecord[] ToRecords(DataViewSchema schema) =>
        schema.Where(c => !c.IsHidden).Select(c => ToRecord(c.Name, c.Type)).ToArray();

    public static ColumnRecord ToRecord(string name, DataViewType type)
    {
        int[]? dims = null;
        if (type is VectorDataViewType v)
        {
            dims = [.. v.Dimensions];
            type = v.ItemType;
        }
        return type is KeyDataViewType k
            ? new ColumnRecord(name, "Key", dims, k.RawType.Name, k.Count)
            : new ColumnRecord(name, PrimitiveName(type), dims);
    }

    public static DataViewSchema ToSchema(ColumnRecord[]? records, string what)
    {
        if (records is null)
            throw new InvalidDataException($"{what}: the input schema is missing.");
        var builder = new DataViewSchema.Builder();
        foreach (ColumnRecord r in records)
        {
            if (r?.Name is null || r.Type is null)
                throw new InvalidDataException($"{what}: a schema column lacks a name or type.");
            builder.AddColumn(r.Name, ToType(r, what));
        }
        return builder.ToSchema();
    }

    private static DataViewType ToType(ColumnRecord r, string what)
    {
        PrimitiveDataViewType item;
        if (r.Type == "Key")
        {
            Type raw = r.KeyRawType switch
            {
                "Byte" => typeof(byte),
                "UInt16" => typeof(ushort),
                "UInt32" => typeof(uint),
                "UInt64" => typeof(ulong),
                _ => throw new InvalidDataException($"{what}: column '{r.Name}' has an unknown key raw type '{r.KeyRawType}'."),
            };
            if (r.KeyCount is not { } count || count == 0 || count > KeyDataViewType.GetMaxCount(raw))
                throw new InvalidDataException($"{what}: column '{r.Name}' has an invalid key count {r.KeyCount}.");
            item = new KeyDataViewType(raw, count);
        }
        else
        {
            item = PrimitiveByName(r.Type) ?? throw new InvalidDataException($"{what}: column '{r.Name}' has an unknown type '{r.Type}'.");
        }
        if (r.Dimensions is null)
            return item;
        if (r.Dimensions.Length is 0 or > 8 || r.Dimensions.Any(d => d < 0) || r.Dimensions.Aggregate(1L, (a, d) => Math.Min(a * Math.Max(d, 1), 1L << 40)) > int.MaxValue)
            throw new InvalidDataException($"{what}: column '{r.Name}' has invalid dimensions [{string.Join(", ", r.Dimensions)}].");
        return new VectorDataViewType(item, r.Dimensions);
    }

    public static string PrimitiveName(DataViewType type) => type switch
    {
        TextDataViewType => "String",
        BooleanDataViewType => "Boolean",
        NumberDataViewType n => n.RawType.Name,
        _ => throw new NotSupportedException($"Type {type} cannot be saved."),
    };

    public static PrimitiveDataViewType? PrimitiveByName(string? name) => name switch
    {
        "String" => TextDataViewType.Instance,
        "Boolean" => BooleanDataViewType.Instance,
        "Single" => NumberDataViewType.Single,
        "Double" => NumberDataViewType.Double,
        "Int32" => NumberDataViewType.Int32,
        "Int64" => NumberDataViewType.Int64,
        "UInt32" => NumberDataViewType.UInt32,
        "UInt64" => NumberDataViewType.UInt64,
        "Byte" => NumberDataViewType.Byte,
        "UInt16" => NumberDataViewType.UInt16,
        _ => null,
    };
}
