namespace Rnn.MLNet.Data;

/// <summary>The kinds of values a text file column can hold (ML.NET's <c>DataKind</c>, the supported subset).</summary>
public enum DataKind
{
    /// <summary>32-bit signed integer.</summary>
    Int32 = 5,
    /// <summary>32-bit unsigned integer.</summary>
    UInt32 = 6,
    /// <summary>64-bit signed integer.</summary>
    Int64 = 7,
    /// <summary>64-bit unsigned integer.</summary>
    UInt64 = 8,
    /// <summary>32-bit float.</summary>
    Single = 9,
    /// <summary>64-bit float.</summary>
    Double = 10,
    /// <summary>Text.</summary>
    String = 11,
    /// <summary>Boolean (true/false/1/0).</summary>
    Boolean = 12,
}

/// <summary>Describes the columns of a delimited text file for <c>ml.Data.LoadFromTextFile(path, columns, ...)</c>.</summary>
public static class TextLoader
{
    /// <summary>A column loaded from one field, or from a range of fields as a vector.</summary>
    public sealed class Column
    {
        /// <summary>Loads field <paramref name="index"/> as a <paramref name="dataKind"/> scalar.</summary>
        public Column(string name, DataKind dataKind, int index)
            : this(name, dataKind, [index], isVector: false) { }

        /// <summary>Loads fields <paramref name="minIndex"/>..<paramref name="maxIndex"/> (inclusive) as a vector.</summary>
        public Column(string name, DataKind dataKind, int minIndex, int maxIndex)
            : this(name, dataKind, maxIndex >= minIndex && minIndex >= 0 ? Enumerable.Range(minIndex, maxIndex - minIndex + 1).ToArray() : throw new ArgumentOutOfRangeException(nameof(maxIndex), $"Field range {minIndex}..{maxIndex} is empty or negative."), isVector: true) { }

        private Column(string name, DataKind dataKind, int[] fields, bool isVector)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            if (fields.Any(f => f < 0))
                throw new ArgumentOutOfRangeException(nameof(fields), "Field indexes must be non-negative.");
            Name = name;
            DataKind = dataKind;
            Fields = fields;
            IsVector = isVector;
        }

        /// <summary>The column name.</summary>
        public string Name { get; }

        /// <summary>The value kind.</summary>
        public DataKind DataKind { get; }

        /// <summary>The fields read (0-based).</summary>
        public IReadOnlyList<int> Fields { get; }

        internal bool IsVector { get; }

        internal PrimitiveDataViewType ItemType => DataKind switch
        {
            DataKind.Int32 => NumberDataViewType.Int32,
            DataKind.UInt32 => NumberDataViewType.UInt32,
            DataKind.Int64 => NumberDataViewType.Int64,
            DataKind.UInt64 => NumberDataViewType.UInt64,
            DataKind.Single => NumberDataViewType.Single,
            DataKind.Double => NumberDataViewType.Double,
            DataKind.String => TextDataViewType.Instance,
            DataKind.Boolean => BooleanDataViewType.Instance,
            _ => throw new ArgumentOutOfRangeException(nameof(DataKind), DataKind, "Unsupported data kind."),
        };
    }
}
