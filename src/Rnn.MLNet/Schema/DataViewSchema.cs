using System.Collections;
using Rnn.MLNet.Data;

namespace Rnn.MLNet;

/// <summary>
/// The columns of an <see cref="IDataView"/>: name, index, type and annotations. When two columns share a
/// name, the later one hides the earlier (<see cref="Column.IsHidden"/>); lookups by name find the later one.
/// </summary>
public sealed class DataViewSchema : IReadOnlyList<DataViewSchema.Column>
{
    private readonly Column[] _columns;
    private readonly Dictionary<string, int> _byName;

    private DataViewSchema(IReadOnlyList<DetachedColumn> columns)
    {
        _columns = new Column[columns.Count];
        _byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < columns.Count; i++)
            _byName[columns[i].Name] = i;
        for (int i = 0; i < columns.Count; i++)
            _columns[i] = new Column(columns[i].Name, i, _byName[columns[i].Name] != i, columns[i].Type, columns[i].Annotations);
    }

    /// <summary>A schema with no columns.</summary>
    internal static DataViewSchema Empty { get; } = new([]);

    internal static DataViewSchema Create(IReadOnlyList<DetachedColumn> columns) => new(columns);

    /// <summary>The number of columns, hidden ones included.</summary>
    public int Count => _columns.Length;

    /// <summary>The column at <paramref name="columnIndex"/>.</summary>
    public Column this[int columnIndex] => _columns[columnIndex];

    /// <summary>The (visible) column named <paramref name="name"/>; throws <see cref="ArgumentOutOfRangeException"/> when absent.</summary>
    public Column this[string name] =>
        GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(name), name, $"Column '{name}' not found (columns: {ColumnNames()}).");

    /// <summary>The (visible) column named <paramref name="name"/>, or null.</summary>
    public Column? GetColumnOrNull(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out int i) ? _columns[i] : null;
    }

    /// <inheritdoc/>
    public IEnumerator<Column> GetEnumerator() => ((IEnumerable<Column>)_columns).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The visible column names, comma separated (for messages).</summary>
    internal string ColumnNames() => string.Join(", ", _columns.Where(c => !c.IsHidden).Select(c => c.Name));

    /// <inheritdoc/>
    public override string ToString() => string.Join(", ", _columns.Select(c => $"{c.Name}: {c.Type}"));

    /// <summary>A column of a schema.</summary>
    public readonly struct Column
    {
        internal Column(string name, int index, bool isHidden, DataViewType type, Annotations annotations)
        {
            Name = name;
            Index = index;
            IsHidden = isHidden;
            Type = type;
            Annotations = annotations;
        }

        /// <summary>The column's name.</summary>
        public string Name { get; }

        /// <summary>The column's index in its schema.</summary>
        public int Index { get; }

        /// <summary>Whether a later column with the same name hides this one.</summary>
        public bool IsHidden { get; }

        /// <summary>The column's type.</summary>
        public DataViewType Type { get; }

        /// <summary>The column's annotations (slot names, key values, ...).</summary>
        public Annotations Annotations { get; }

        /// <inheritdoc/>
        public override string ToString() => $"{Name} ({Index}): {Type}";
    }

    /// <summary>A column description not attached to a schema (name, type, annotations).</summary>
    public readonly struct DetachedColumn
    {
        /// <summary>Describes a column.</summary>
        public DetachedColumn(string name, DataViewType type, Annotations? annotations = null)
        {
            ArgumentNullException.ThrowIfNull(name);
            ArgumentNullException.ThrowIfNull(type);
            Name = name;
            Type = type;
            Annotations = annotations ?? Annotations.Empty;
        }

        /// <summary>Copies a schema column's description.</summary>
        public DetachedColumn(Column column) : this(column.Name, column.Type, column.Annotations) { }

        /// <summary>The column's name.</summary>
        public string Name { get; }

        /// <summary>The column's type.</summary>
        public DataViewType Type { get; }

        /// <summary>The column's annotations.</summary>
        public Annotations Annotations { get; }
    }

    /// <summary>
    /// Values attached to a column (not per row), such as slot names or a key's values, each named by a
    /// kind (<see cref="AnnotationUtils.Kinds"/>) and typed like a column.
    /// </summary>
    public sealed class Annotations
    {
        private readonly Delegate[] _getters;

        internal Annotations(DataViewSchema schema, Delegate[] getters)
        {
            Schema = schema;
            _getters = getters;
        }

        /// <summary>No annotations.</summary>
        public static Annotations Empty { get; } = new(DataViewSchema.Empty, []);

        /// <summary>The kinds and types of the annotations.</summary>
        public DataViewSchema Schema { get; }

        /// <summary>The getter of the annotation <paramref name="column"/> of <see cref="Schema"/>.</summary>
        public ValueGetter<TValue> GetGetter<TValue>(Column column)
        {
            if (column.Index < 0 || column.Index >= _getters.Length)
                throw new ArgumentOutOfRangeException(nameof(column), column.Name, "Not an annotation of this column.");
            return _getters[column.Index] as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Annotation '{column.Name}' has type {column.Type}, not {typeof(TValue).Name}.");
        }

        /// <summary>Reads the annotation of kind <paramref name="kind"/>; throws when absent.</summary>
        public void GetValue<TValue>(string kind, ref TValue value)
        {
            Column column = Schema.GetColumnOrNull(kind)
                ?? throw new InvalidOperationException($"No annotation '{kind}' (annotations: {Schema.ColumnNames()}).");
            GetGetter<TValue>(column)(ref value);
        }

        /// <summary>Builds <see cref="Annotations"/>.</summary>
        public sealed class Builder
        {
            private readonly List<DetachedColumn> _columns = [];
            private readonly List<Delegate> _getters = [];

            /// <summary>Adds an annotation of kind <paramref name="kind"/> and type <paramref name="type"/>.</summary>
            public void Add<TValue>(string kind, DataViewType type, ValueGetter<TValue> getter, Annotations? annotations = null)
            {
                ArgumentNullException.ThrowIfNull(kind);
                ArgumentNullException.ThrowIfNull(type);
                ArgumentNullException.ThrowIfNull(getter);
                if (type.RawType != typeof(TValue))
                    throw new ArgumentException($"Annotation '{kind}' has type {type} but the getter gives {typeof(TValue).Name}.", nameof(getter));
                _columns.Add(new DetachedColumn(kind, type, annotations));
                _getters.Add(getter);
            }

            /// <summary>Adds every annotation of <paramref name="annotations"/>.</summary>
            public void Add(Annotations annotations)
            {
                ArgumentNullException.ThrowIfNull(annotations);
                foreach (Column c in annotations.Schema)
                {
                    _columns.Add(new DetachedColumn(c));
                    _getters.Add(annotations._getters[c.Index]);
                }
            }

            /// <summary>Adds slot names for a vector of <paramref name="size"/> items.</summary>
            public void AddSlotNames(int size, ValueGetter<VBuffer<ReadOnlyMemory<char>>> getter) =>
                Add(AnnotationUtils.Kinds.SlotNames, new VectorDataViewType(TextDataViewType.Instance, size), getter);

            /// <summary>Adds the values of a key type with <paramref name="size"/> keys.</summary>
            public void AddKeyValues<TValue>(int size, PrimitiveDataViewType valueType, ValueGetter<VBuffer<TValue>> getter) =>
                Add(AnnotationUtils.Kinds.KeyValues, new VectorDataViewType(valueType, size), getter);

            /// <summary>The annotations added so far.</summary>
            public Annotations ToAnnotations() => new(Create(_columns.ToArray()), _getters.ToArray());
        }
    }

    /// <summary>Builds a <see cref="DataViewSchema"/>.</summary>
    public sealed class Builder
    {
        private readonly List<DetachedColumn> _columns = [];

        /// <summary>Adds a column.</summary>
        public void AddColumn(string name, DataViewType type, Annotations? annotations = null) =>
            _columns.Add(new DetachedColumn(name, type, annotations));

        /// <summary>Adds columns.</summary>
        public void AddColumns(IEnumerable<Column> columns)
        {
            ArgumentNullException.ThrowIfNull(columns);
            foreach (Column c in columns)
                _columns.Add(new DetachedColumn(c));
        }

        /// <summary>Adds columns.</summary>
        public void AddColumns(IEnumerable<DetachedColumn> columns)
        {
            ArgumentNullException.ThrowIfNull(columns);
            _columns.AddRange(columns);
        }

        /// <summary>The schema of the columns added so far.</summary>
        public DataViewSchema ToSchema() => Create(_columns.ToArray());
    }
}
