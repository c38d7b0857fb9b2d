using Rnn.MLNet.Data;
using Rnn.MLNet.Internals;

namespace Rnn.MLNet;

/// <summary>
/// Concatenates scalar and vector columns of one item type into a vector column (<c>ml.Transforms.Concatenate</c>).
/// Needs no training; the output has a known size when every input does.
/// </summary>
public sealed class ColumnConcatenatingEstimator : TrivialEstimator<ColumnConcatenatingTransformer>
{
    internal ColumnConcatenatingEstimator(string outputColumnName, string[] inputColumnNames)
        : base(new ColumnConcatenatingTransformer(outputColumnName, inputColumnNames)) { }

    /// <inheritdoc/>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaShape.Column[] inputs = Transformer.InputColumnNames.Select(n => SchemaShapes.Find(inputSchema, n)).ToArray();
        DataViewType item = inputs[0].ItemType;
        foreach (SchemaShape.Column c in inputs)
            if (!c.ItemType.Equals(item))
                Throw.WrongType(c.Name, c.ItemType, $"{item} like '{inputs[0].Name}' (all inputs of '{Transformer.OutputColumnName}' must share an item type)");
        SchemaShape.VectorKind kind = inputs.Any(c => c.Kind == SchemaShape.VectorKind.VariableVector) ? SchemaShape.VectorKind.VariableVector : SchemaShape.VectorKind.Vector;
        return SchemaShapes.With(inputSchema, [new SchemaShape.Column(Transformer.OutputColumnName, kind, item, inputs[0].IsKey)]);
    }
}

/// <summary>The fitted concatenation.</summary>
public sealed class ColumnConcatenatingTransformer : RowToRowTransformerBase
{
    internal const string TypeId = "Rnn.Concatenate";

    internal ColumnConcatenatingTransformer(string outputColumnName, string[] inputColumnNames)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentNullException.ThrowIfNull(inputColumnNames);
        if (inputColumnNames.Length == 0)
            throw new ArgumentException($"Concatenate into '{outputColumnName}' needs at least one input column.", nameof(inputColumnNames));
        OutputColumnName = outputColumnName;
        InputColumnNames = [.. inputColumnNames];
    }

    /// <summary>The output column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The input columns, in order.</summary>
    public IReadOnlyList<string> InputColumnNames { get; }

    /// <inheritdoc/>
    protected internal override Mapper Bind(DataViewSchema inputSchema) => new ConcatMapper(this, inputSchema);

    // Format: settings.json { "output": name, "inputs": [names] }
    /// <inheritdoc/>
    public override void Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SetVersionInfo(TypeId, 1);
        ctx.WriteSettings(new Settings(OutputColumnName, [.. InputColumnNames]));
    }

    internal static ColumnConcatenatingTransformer Load(ModelLoadContext ctx)
    {
        Settings s = ctx.ReadSettings<Settings>();
        ctx.Check(s.Output is not null && s.Inputs is { Length: > 0 } && s.Inputs.All(i => i is not null), "output or inputs missing.");
        return new ColumnConcatenatingTransformer(s.Output!, s.Inputs!);
    }

    private sealed record Settings(string? Output, string[]? Inputs);

    private sealed class ConcatMapper : Mapper, ITypeVisitor<Func<DataViewRow, Delegate>>
    {
        private readonly DataViewSchema.Column[] _inputs;
        private readonly DataViewSchema.DetachedColumn[] _output;

        public ConcatMapper(ColumnConcatenatingTransformer parent, DataViewSchema inputSchema) : base(inputSchema)
        {
            _inputs = parent.InputColumnNames.Select(n => Columns.Find(inputSchema, n)).ToArray();
            PrimitiveDataViewType item = Columns.ItemType(_inputs[0].Type);
            int size = 0;
            foreach (DataViewSchema.Column c in _inputs)
            {
                if (!Columns.ItemType(c.Type).Equals(item))
                    Throw.WrongType(c.Name, c.Type, $"items of type {item} like '{_inputs[0].Name}' (all inputs of '{parent.OutputColumnName}' must share an item type)");
                int n = c.Type is VectorDataViewType v ? v.Size : 1;
                size = n == 0 || size < 0 ? -1 : size + n;
            }
            _output = [new DataViewSchema.DetachedColumn(parent.OutputColumnName, new VectorDataViewType(item, Math.Max(size, 0)))];
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> AddedColumns => _output;

        public override IEnumerable<int> GetDependencies(int addedIndex) => _inputs.Select(c => c.Index);

        public override Delegate?[] CreateGetters(DataViewRow input, Func<int, bool> isActive) =>
            [isActive(0) ? TypeDispatch.Visit(Columns.ItemType(_inputs[0].Type).RawType, this)(input) : null];

        public Func<DataViewRow, Delegate> Visit<T>()
            where T : notnull => input =>
        {
            ValueGetter<T>?[] scalars = _inputs.Select(c => c.Type is VectorDataViewType ? null : input.GetGetter<T>(c)).ToArray();
            ValueGetter<VBuffer<T>>?[] vectors = _inputs.Select(c => c.Type is VectorDataViewType ? input.GetGetter<VBuffer<T>>(c) : null).ToArray();
            var buffers = new VBuffer<T>[_inputs.Length];
            var scalarValues = new T[_inputs.Length];
            return (ValueGetter<VBuffer<T>>)((ref VBuffer<T> dst) =>
            {
                int length = 0;
                for (int i = 0; i < buffers.Length; i++)
                {
                    if (scalars[i] is { } s)
                    {
                        s(ref scalarValues[i]);
                        length++;
                    }
                    else
                    {
                        vectors[i]!(ref buffers[i]);
                        length += buffers[i].Length;
                    }
                }
                VBufferEditor<T> editor = VBufferEditor.Create(ref dst, length);
                int at = 0;
                for (int i = 0; i < buffers.Length; i++)
                {
                    if (scalars[i] is not null)
                    {
                        editor.Values[at++] = scalarValues[i];
                    }
                    else
                    {
                        buffers[i].CopyTo(editor.Values[at..]);
                        at += buffers[i].Length;
                    }
                }
                dst = editor.Commit();
            });
        };
    }
}
