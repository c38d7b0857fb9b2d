using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.MLNet.Persistence;
using Rnn.Pipelines.Forecasting;

namespace Rnn.MLNet;

/// <summary>
/// A fitted recurrent forecaster and its state: the last W observations of the series it has seen. Create a
/// forecast engine from it (<c>model.CreateForecastEngine&lt;TSrc, TDst&gt;(ml)</c>) to forecast and feed new
/// observations; <see cref="Transform"/> does the same over a view.
/// </summary>
/// <remarks>
/// <para><see cref="Transform"/> reads the input rows as the observations that follow the state, in order (ML.NET's
/// ForecastBySsa does the same): each output row holds the forecast of the H steps after that row, made from the W
/// observations up to and including it, as vectors of H Single values. The state moves along one cursor (or one
/// PredictionEngine) and starts again from the saved state for the next.</para>
/// <para>It is made of ML.NET built-ins (a StatefulCustomMapping kernel reading a payload carried by a ValueMapping):
/// <c>ml.Model.Save</c> writes it into ML.NET's zip and <c>ml.Model.Load</c> gives back a chain that forecasts
/// identically, with no registration call; <c>CreateForecastEngine</c> works on both.</para>
/// <para>Immutable: the engine and every cursor keep their own copy of the state and of the network's workspace.</para>
/// </remarks>
public sealed class RecurrentForecastingTransformer : ITransformer, IPayloadOwner
{
    private readonly ITransformer _inner;

    internal RecurrentForecastingTransformer(ForecastModel model, float[] state, long observations, IDataView input, BoundsState? bounds = null)
    {
        Model = model;
        State = state;
        Observations = observations;
        Bounds = bounds ?? BoundsState.None;
        Payload = ForecastSettings.Write(model, state, observations, Bounds);
        _inner = ForecastChain.Create(new MLContext(), model.Spec, Payload).Fit(input);
    }

    /// <summary>W, the observations a forecast reads.</summary>
    public int WindowSize => Model.Spec.WindowSize;

    /// <summary>H, the steps forecast.</summary>
    public int Horizon => Model.Spec.Horizon;

    /// <summary>The observations seen so far (training series plus those fed to an engine before a checkpoint).</summary>
    public long Observations { get; }

    internal ForecastModel Model { get; }

    /// <summary>The last W observations [W, C], oldest first.</summary>
    internal float[] State { get; }

    /// <summary>The online bounds state (σ̂ and the pending one-step forecast) saved with the state.</summary>
    internal BoundsState Bounds { get; }

    /// <inheritdoc/>
    public bool IsRowToRowMapper => true;

    string IPayloadOwner.Payload => Payload;

    /// <summary>The payload text: model and state.</summary>
    internal string Payload { get; }

    internal static IEnumerable<string> OutputNames(ForecastSpec spec)
    {
        yield return spec.OutputColumn;
        if (spec.LowerColumn is not null) yield return spec.LowerColumn;
        if (spec.UpperColumn is not null) yield return spec.UpperColumn;
    }

    /// <summary>The same model with another state (an engine's, for a checkpoint), over input rows like <paramref name="input"/>'s.</summary>
    internal RecurrentForecastingTransformer WithState(float[] state, long observations, IDataView input, BoundsState bounds) => new(Model, state, observations, input, bounds);

    /// <summary>The target and covariate columns of <paramref name="schema"/>, checked.</summary>
    internal static DataViewSchema.Column[] CheckInput(DataViewSchema schema, ForecastSpec spec) =>
        spec.InputColumns.Select(name =>
        {
            DataViewSchema.Column column = schema.GetColumnOrNull(name) ?? throw new ArgumentException(
                $"Series column '{name}' not found in the input schema (columns: {string.Join(", ", schema.Select(c => c.Name))}).", nameof(schema));
            if (column.Type is not NumberDataViewType n || (n.RawType != typeof(float) && n.RawType != typeof(double)))
                throw new ArgumentException($"Series column '{name}' has type {column.Type}; expected Single or Double, one step per row.", nameof(schema));
            return column;
        }).ToArray();

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckInput(inputSchema, Model.Spec);
        return _inner.GetOutputSchema(inputSchema);
    }

    /// <summary>A row-to-row mapper whose state moves on with every row it maps (one per mapper).</summary>
    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckInput(inputSchema, Model.Spec);
        return _inner.GetRowToRowMapper(inputSchema);
    }

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckInput(input.Schema, Model.Spec);
        return _inner.Transform(input);
    }

    /// <summary>Saves the built-ins the transformer is made of (ML.NET calls this from <c>ml.Model.Save</c>).</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => _inner.Save(ctx);
}
