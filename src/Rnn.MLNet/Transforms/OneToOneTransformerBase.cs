using Rnn.MLNet.Internals;

namespace Rnn.MLNet;

/// <summary>An (output, input) column name pair; the input defaults to the output's name.</summary>
public sealed class InputOutputColumnPair
{
    /// <summary>Pairs <paramref name="outputColumnName"/> with <paramref name="inputColumnName"/> (default: the same name).</summary>
    public InputOutputColumnPair(string outputColumnName, string? inputColumnName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName ?? outputColumnName;
    }

    /// <summary>The column produced.</summary>
    public string OutputColumnName { get; }

    /// <summary>The column read.</summary>
    public string InputColumnName { get; }
}

/// <summary>
/// Base of transformers that add one output column per input column (copy, text, key mapping, normalizers).
/// Derived classes validate each input and describe the output (<see cref="GetOutputColumn"/>) and make its
/// getter (<see cref="MakeGetter"/>).
/// </summary>
public abstract class OneToOneTransformerBase : RowToRowTransformerBase
{
    /// <summary>Maps each pair's input column to its output column.</summary>
    protected OneToOneTransformerBase(IReadOnlyList<InputOutputColumnPair> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0)
            throw new ArgumentException("At least one column pair is needed.", nameof(columns));
        ColumnPairs = [.. columns];
    }

    /// <summary>The (output, input) pairs.</summary>
    public IReadOnlyList<InputOutputColumnPair> ColumnPairs { get; }

    /// <summary>
    /// The output column of pair <paramref name="pairIndex"/> given its <paramref name="input"/> column; throw
    /// <see cref="ArgumentException"/> naming the column when its type does not fit.
    /// </summary>
    protected abstract DataViewSchema.DetachedColumn GetOutputColumn(int pairIndex, DataViewSchema.Column input);

    /// <summary>The getter of pair <paramref name="pairIndex"/>'s output, reading <paramref name="inputColumn"/> of <paramref name="input"/>.</summary>
    protected abstract Delegate MakeGetter(int pairIndex, DataViewRow input, DataViewSchema.Column inputColumn);

    /// <inheritdoc/>
    protected internal sealed override Mapper Bind(DataViewSchema inputSchema) => new OneToOneMapper(this, inputSchema);

    private sealed class OneToOneMapper : Mapper
    {
        private readonly OneToOneTransformerBase _parent;
        private readonly DataViewSchema.Column[] _inputs;
        private readonly DataViewSchema.DetachedColumn[] _outputs;

        public OneToOneMapper(OneToOneTransformerBase parent, DataViewSchema inputSchema) : base(inputSchema)
        {
            _parent = parent;
            _inputs = parent.ColumnPairs.Select(p => Columns.Find(inputSchema, p.InputColumnName)).ToArray();
            _outputs = new DataViewSchema.DetachedColumn[_inputs.Length];
            for (int i = 0; i < _inputs.Length; i++)
            {
                DataViewSchema.DetachedColumn c = parent.GetOutputColumn(i, _inputs[i]);
                _outputs[i] = new DataViewSchema.DetachedColumn(parent.ColumnPairs[i].OutputColumnName, c.Type, c.Annotations);
            }
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> AddedColumns => _outputs;

        public override IEnumerable<int> GetDependencies(int addedIndex) => [_inputs[addedIndex].Index];

        public override Delegate?[] CreateGetters(DataViewRow input, Func<int, bool> isActive)
        {
            var getters = new Delegate?[_outputs.Length];
            for (int i = 0; i < getters.Length; i++)
                if (isActive(i))
                    getters[i] = _parent.MakeGetter(i, input, _inputs[i]);
            return getters;
        }
    }
}

/// <summary>An estimator that needs no training: <see cref="Fit"/> checks the input and returns a fixed transformer.</summary>
/// <typeparam name="TTransformer">The transformer.</typeparam>
public abstract class TrivialEstimator<TTransformer> : IEstimator<TTransformer>
    where TTransformer : class, ITransformer
{
    /// <summary>Wraps <paramref name="transformer"/>.</summary>
    protected TrivialEstimator(TTransformer transformer)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        Transformer = transformer;
    }

    /// <summary>The transformer <see cref="Fit"/> returns.</summary>
    protected TTransformer Transformer { get; }

    /// <inheritdoc/>
    public TTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Transformer.GetOutputSchema(input.Schema);
        return Transformer;
    }

    /// <inheritdoc/>
    public abstract SchemaShape GetOutputSchema(SchemaShape inputSchema);
}
