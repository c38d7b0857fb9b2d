// Parsing rules (ML.NET's text loader, except that a short line is an error):
//   fields split at the separator; with allowQuoting a field may be "quoted", "" inside quotes is a quote,
//   and separators inside quotes do not split; without it quotes are ordinary characters.
//   trimWhitespace removes trailing whitespace from each line. Empty lines are skipped.
//   numbers parse in the invariant culture; an empty float field or "?" is NaN, an empty integer field is 0.
//   booleans are true/false (any case) or 1/0; an empty boolean field is false.
//   a key field holds 1..Count; 0, empty or a value above Count is the missing key 0.
//   a line with fewer fields than the highest field index used + 1 throws FormatException "<file> line N: expected K fields, found M";
//   a field that does not parse throws FormatException naming the file, line and column.
// The file is read line by line as a cursor moves (a file larger than memory streams); each cursor reopens it.
using System.Globalization;
using Rnn.MLNet.Data;
using Rnn.MLNet.Internals;

namespace Rnn.MLNet;

internal sealed record TextColumnSpec(string Name, DataViewType Type, int[] Fields);

internal sealed record TextFileOptions(char Separator, bool HasHeader, bool AllowQuoting, bool TrimWhitespace);

internal sealed class TextFileDataView : IDataView
{
    private readonly string _displayName;
    private readonly Func<Stream> _open;
    private readonly TextColumnSpec[] _columns;
    private readonly TextFileOptions _options;
    private readonly int _fieldsNeeded;

    public TextFileDataView(string displayName, Func<Stream> open, TextColumnSpec[] columns, TextFileOptions options)
    {
        _displayName = displayName;
        _open = open;
        _columns = columns;
        _options = options;
        _fieldsNeeded = columns.Length == 0 ? 0 : columns.Max(c => c.Fields.Max()) + 1;
        var builder = new DataViewSchema.Builder();
        foreach (TextColumnSpec c in columns)
            builder.AddColumn(c.Name, c.Type);
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, Columns.Active(Schema, columnsNeeded));

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : CursorBase
    {
        private readonly TextFileDataView _view;
        private readonly StreamReader _reader;
        private readonly List<(int Start, int Length, bool Escaped)> _fields = [];
        private string _line = "";
        private long _lineNumber;

        public Cursor(TextFileDataView view, bool[] active) : base(view.Schema, active)
        {
            _view = view;
            _reader = new StreamReader(view._open());
            for (int i = 0; i < active.Length; i++)
                if (active[i])
                    Getters[i] = MakeGetter(view._columns[i]);
        }

        protected override bool MoveNextCore()
        {
            while (true)
            {
                string? line = _reader.ReadLine();
                if (line is null)
                    return false;
                _lineNumber++;
                if (_lineNumber == 1 && _view._options.HasHeader)
                    continue;
                if (_view._options.TrimWhitespace)
                    line = line.TrimEnd();
                if (line.Length == 0)
                    continue;
                _line = line;
                Split();
                if (_fields.Count < _view._fieldsNeeded)
                    throw new FormatException($"{_view._displayName} line {_lineNumber}: expected {_view._fieldsNeeded} fields, found {_fields.Count}.");
                return true;
            }
        }

        private void Split()
        {
            _fields.Clear();
            string line = _line;
            char sep = _view._options.Separator;
            int i = 0;
            while (true)
            {
                if (_view._options.AllowQuoting && i < line.Length && line[i] == '"')
                {
                    int start = i + 1;
                    bool escaped = false;
                    int j = start;
                    while (true)
                    {
                        if (j >= line.Length)
                            throw new FormatException($"{_view._displayName} line {_lineNumber}: field {_fields.Count} has an unterminated quote.");
                        if (line[j] == '"')
                        {
                            if (j + 1 < line.Length && line[j + 1] == '"')
                            {
                                escaped = true;
                                j += 2;
                                continue;
                            }
                            break;
                        }
                        j++;
                    }
                    _fields.Add((start, j - start, escaped));
                    i = j + 1;
                    if (i < line.Length && line[i] != sep)
                        throw new FormatException($"{_view._displayName} line {_lineNumber}: field {_fields.Count - 1} has text after its closing quote.");
                }
                else
                {
                    int end = line.IndexOf(sep, i);
                    if (end < 0)
                        end = line.Length;
                    _fields.Add((i, end - i, false));
                    i = end;
                }
                if (i >= line.Length)
                    return;
                i++; // skip the separator; a trailing separator makes a last, empty field
                if (i == line.Length)
                {
                    _fields.Add((i, 0, false));
                    return;
                }
            }
        }

        private ReadOnlyMemory<char> Field(int index)
        {
            (int start, int length, bool escaped) = _fields[index];
            ReadOnlyMemory<char> text = _line.AsMemory(start, length);
            return escaped ? text.ToString().Replace("\"\"", "\"", StringComparison.Ordinal).AsMemory() : text;
        }

        private Delegate MakeGetter(TextColumnSpec column)
        {
            PrimitiveDataViewType item = Columns.ItemType(column.Type);
            return item.RawType switch
            {
                Type t when t == typeof(float) => Typed<float>(column, ParseSingle),
                Type t when t == typeof(double) => Typed<double>(column, ParseDouble),
                Type t when t == typeof(int) => Typed<int>(column, ParseInt32),
                Type t when t == typeof(long) => Typed<long>(column, ParseInt64),
                Type t when t == typeof(bool) => Typed<bool>(column, ParseBoolean),
                Type t when t == typeof(ReadOnlyMemory<char>) => Typed<ReadOnlyMemory<char>>(column, (m, _) => m),
                Type t when t == typeof(uint) && item is KeyDataViewType k => Typed<uint>(column, (m, c) => ParseKey(m, c, k.Count)),
                Type t when t == typeof(uint) => Typed<uint>(column, ParseUInt32),
                Type t when t == typeof(ulong) && item is KeyDataViewType k => Typed<ulong>(column, (m, c) => ParseKey(m, c, k.Count)),
                Type t when t == typeof(ulong) => Typed<ulong>(column, ParseUInt64),
                _ => throw new NotSupportedException($"Column '{column.Name}': the text loader cannot read {item}."),
            };
        }

        private Delegate Typed<T>(TextColumnSpec column, Func<ReadOnlyMemory<char>, string, T> parse)
        {
            if (column.Type is not VectorDataViewType)
            {
                int field = column.Fields[0];
                return (ValueGetter<T>)((ref T value) => value = parse(Field(field), column.Name));
            }
            int[] fields = column.Fields;
            return (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) =>
            {
                VBufferEditor<T> editor = VBufferEditor.Create(ref value, fields.Length);
                for (int i = 0; i < fields.Length; i++)
                    editor.Values[i] = parse(Field(fields[i]), column.Name);
                value = editor.Commit();
            });
        }

        private FormatException Bad(ReadOnlyMemory<char> text, string column, string type) =>
            new($"{_view._displayName} line {_lineNumber}, column '{column}': cannot parse '{text}' as {type}.");

        private float ParseSingle(ReadOnlyMemory<char> m, string column)
        {
            ReadOnlySpan<char> s = m.Span.Trim();
            if (s.IsEmpty || s is "?")
                return float.NaN;
            return float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) ? v : throw Bad(m, column, "Single");
        }

        private double ParseDouble(ReadOnlyMemory<char> m, string column)
        {
            ReadOnlySpan<char> s = m.Span.Trim();
            if (s.IsEmpty || s is "?")
                return double.NaN;
            return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : throw Bad(m, column, "Double");
        }

        private int ParseInt32(ReadOnlyMemory<char> m, string column) =>
            m.Span.Trim().IsEmpty ? 0 : int.TryParse(m.Span.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw Bad(m, column, "Int32");

        private long ParseInt64(ReadOnlyMemory<char> m, string column) =>
            m.Span.Trim().IsEmpty ? 0 : long.TryParse(m.Span.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : throw Bad(m, column, "Int64");

        private uint ParseUInt32(ReadOnlyMemory<char> m, string column) =>
            m.Span.Trim().IsEmpty ? 0 : uint.TryParse(m.Span.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out uint v) ? v : throw Bad(m, column, "UInt32");

        private ulong ParseUInt64(ReadOnlyMemory<char> m, string column) =>
            m.Span.Trim().IsEmpty ? 0 : ulong.TryParse(m.Span.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong v) ? v : throw Bad(m, column, "UInt64");

        private uint ParseKey(ReadOnlyMemory<char> m, string column, ulong count)
        {
            ulong v = ParseUInt64(m, column);
            return v <= count && v <= uint.MaxValue ? (uint)v : 0;
        }

        private bool ParseBoolean(ReadOnlyMemory<char> m, string column)
        {
            ReadOnlySpan<char> s = m.Span.Trim();
            if (s.IsEmpty || s is "0" || s.Equals("false", StringComparison.OrdinalIgnoreCase))
                return false;
            if (s is "1" || s.Equals("true", StringComparison.OrdinalIgnoreCase))
                return true;
            throw Bad(m, column, "Boolean (true/false/1/0)");
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _reader.Dispose();
            base.Dispose(disposing);
        }
    }
}
