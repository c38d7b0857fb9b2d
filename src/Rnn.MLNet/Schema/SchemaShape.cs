using System.Collections;
using Rnn.MLNet.Data;

namespace Rnn.MLNet;

/// <summary>
/// What an estimator knows of a schema before data is seen: per column its name, whether it is a scalar,
/// a known-size vector or a variable vector, its item type, whether it is a key, and annotation kinds.
/// </summary>
public sealed class SchemaShape : IReadOnlyList<SchemaShape.Column>
{
    private readonly Column[] _columns;

    /// <summary>Creates a shape from columns.</summary>
    public SchemaShape(IEnumerable<Column> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = columns.ToArray();
    }

    /// <summary>The number of columns.</summary>
    public int Count => _columns.Length;

    /// <summary>The column at <paramref name="index"/>.</summary>
    public Column this[int index] => _columns[index];

    /// <summary>Finds the (last) column named <paramref name="name"/>.</summary>
    public bool TryFindColumn(string name, out Column column)
    {
        for (int i = _columns.Length - 1; i >= 0; i--)
        {
            if (_columns[i].Name == name)
            {
                column = _columns[i];
                return true;
            }
        }
        column = default;
        return false;
    }

    /// <summary>The shape of a schema (visible columns only).</summary>
    public static SchemaShape Create(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return new SchemaShape(schema.Where(c => !c.IsHidden).Select(Column.From));
    }

    /// <inheritdoc/>
    public IEnumerator<Column> GetEnumerator() => ((IEnumerable<Column>)_columns).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Scalar, fixed-size vector or variable-size vector.</summary>
    public enum VectorKind
    {
        /// <summary>One value per row.</summary>
        Scalar,
        /// <summary>A vector of known size.</summary>
        Vector,
        /// <summary>A vector whose size varies per row.</summary>
        VariableVector,
    }

    /// <summary>A column's shape.</summary>
    public readonly struct Column
    {
        /// <summary>Describes a column shape.</summary>
        public Column(string name, VectorKind kind, DataViewType itemType, bool isKey, SchemaShape? annotations = null)
        {
            ArgumentNullException.ThrowIfNull(name);
            ArgumentNullException.ThrowIfNull(itemType);
            Name = name;
            Kind = kind;
            ItemType = itemType;
            IsKey = isKey;
            Annotations = annotations ?? new SchemaShape([]);
        }

        /// <summary>The column's name.</summary>
        public string Name { get; }

        /// <summary>Scalar or vector.</summary>
        public VectorKind Kind { get; }

        /// <summary>The item type (for keys, the key's raw number type, e.g. UInt32, with <see cref="IsKey"/> set).</summary>
        public DataViewType ItemType { get; }

        /// <summary>Whether the items are keys.</summary>
        public bool IsKey { get; }

        /// <summary>The annotation kinds the column carries.</summary>
        public SchemaShape Annotations { get; }

        /// <summary>Whether the column is a vector (known or variable size).</summary>
        public bool IsVector => Kind != VectorKind.Scalar;

        internal static Column From(DataViewSchema.Column c)
        {
            DataViewType item = c.Type is VectorDataViewType v ? v.ItemType : c.Type;
            VectorKind kind = c.Type is VectorDataViewType vv ? (vv.IsKnownSize ? VectorKind.Vector : VectorKind.VariableVector) : VectorKind.Scalar;
            var annotations = new SchemaShape(c.Annotations.Schema.Select(a => new Column(a.Name,
                a.Type is VectorDataViewType av ? (av.IsKnownSize ? VectorKind.Vector : VectorKind.VariableVector) : VectorKind.Scalar,
                a.Type is VectorDataViewType av2 ? av2.ItemType : a.Type, false)));
            // As ML.NET: a key column's shape has the key's raw number type as item type and IsKey set.
            return item is KeyDataViewType key
                ? new Column(c.Name, kind, NumberDataViewType.FromRawType(key.RawType)!, true, annotations)
                : new Column(c.Name, kind, item, false, annotations);
        }

        /// <inheritdoc/>
        public override string ToString() => Kind switch
        {
            VectorKind.Scalar => $"{Name}: {ItemType}",
            VectorKind.Vector => $"{Name}: Vector<{ItemType}>",
            _ => $"{Name}: VarVector<{ItemType}>",
        };
    }
}
