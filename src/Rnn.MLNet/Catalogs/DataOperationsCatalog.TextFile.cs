using Rnn.MLNet.Data;
using Rnn.MLNet.Internals;

namespace Rnn.MLNet;

public sealed partial class DataOperationsCatalog
{
    /// <summary>
    /// A streaming view of a delimited text file whose columns are the members of <typeparamref name="TInput"/>
    /// with <see cref="LoadColumnAttribute"/>. Parses as ML.NET's text loader does (invariant culture numbers,
    /// bool from true/false/1/0, quotes only with <paramref name="allowQuoting"/>), except that a line with too few
    /// fields throws a <see cref="FormatException"/> naming the file and line, where ML.NET silently fills defaults.
    /// </summary>
    /// <param name="path">The file; read lazily, line by line, by each cursor.</param>
    /// <param name="separatorChar">The field separator (default tab).</param>
    /// <param name="hasHeader">Whether the first line is a header to skip.</param>
    /// <param name="allowQuoting">Whether fields may be "quoted" (with "" for a quote) to hold separators.</param>
    /// <param name="trimWhitespace">Whether to remove trailing whitespace from lines.</param>
    /// <param name="allowSparse">Sparse format; not supported (must be false).</param>
    public IDataView LoadFromTextFile<TInput>(string path, char separatorChar = '\t', bool hasHeader = false, bool allowQuoting = false, bool trimWhitespace = false, bool allowSparse = false)
        where TInput : class
    {
        var columns = new List<TextColumnSpec>();
        foreach (MemberColumn<TInput> m in RowTypeMapping.Columns<TInput>(forWriting: true))
        {
            LoadColumnAttribute load = m.Load
                ?? throw new ArgumentException($"{typeof(TInput).Name}.{m.Member.Name} has no [LoadColumn]: say which field of the file it loads from.", nameof(TInput));
            DataViewType type = m.Type;
            if (load.IsRange && type is not VectorDataViewType)
                throw new ArgumentException($"{typeof(TInput).Name}.{m.Member.Name} loads several fields but is not an array.", nameof(TInput));
            if (type is VectorDataViewType v)
            {
                if (v.IsKnownSize && v.Size != load.FieldIndexes.Count)
                    throw new ArgumentException($"{typeof(TInput).Name}.{m.Member.Name} is a vector of {v.Size} but loads {load.FieldIndexes.Count} fields.", nameof(TInput));
                type = new VectorDataViewType(v.ItemType, load.FieldIndexes.Count);
            }
            columns.Add(new TextColumnSpec(m.Name, type, [.. load.FieldIndexes]));
        }
        return Open(path, columns, separatorChar, hasHeader, allowQuoting, trimWhitespace, allowSparse);
    }

    /// <summary>A streaming view of a delimited text file with the given <paramref name="columns"/>; parsing as <see cref="LoadFromTextFile{TInput}"/>.</summary>
    public IDataView LoadFromTextFile(string path, TextLoader.Column[] columns, char separatorChar = '\t', bool hasHeader = false, bool allowQuoting = false, bool trimWhitespace = false, bool allowSparse = false)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var specs = columns.Select(c => new TextColumnSpec(c.Name, c.IsVector ? new VectorDataViewType(c.ItemType, c.Fields.Count) : c.ItemType, [.. c.Fields])).ToList();
        return Open(path, specs, separatorChar, hasHeader, allowQuoting, trimWhitespace, allowSparse);
    }

    private static TextFileDataView Open(string path, List<TextColumnSpec> columns, char separatorChar, bool hasHeader, bool allowQuoting, bool trimWhitespace, bool allowSparse)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (allowSparse)
            throw new NotSupportedException("allowSparse: the sparse text format is not supported.");
        if (!File.Exists(path))
            throw new FileNotFoundException($"Text file '{path}' not found.", path);
        if (allowQuoting && separatorChar == '"')
            throw new ArgumentException("The separator cannot be '\"' when quoting is allowed.", nameof(separatorChar));
        return new TextFileDataView(path, () => File.OpenRead(path), [.. columns], new TextFileOptions(separatorChar, hasHeader, allowQuoting, trimWhitespace));
    }
}
