using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.MLNet.Data;
using Rnn.Pipelines.Forecasting;

namespace Rnn.MLNet;

/// <summary>
/// A fitted recurrent forecaster and its state: the last W observations of the series it has seen. Create a
/// time-series engine from it (<c>model.CreateTimeSeriesEngine&lt;TSrc, TDst&gt;(ml)</c>) to forecast and feed new
/// observations; <see cref="Transform"/> does the same over a view.
/// </summary>
/// <remarks>
/// <para><see cref="Transform"/> reads the input rows as the observations that follow the state, in order (ML.NET's
/// ForecastBySsa does the same): each output row holds the forecast of the H steps after that row, made from the W
/// observations up to and including it. It is not a row-to-row mapper (rows depend on the rows before them).</para>
/// <para>Immutable: the engine and every cursor keep their own copy of the state and of the network's workspace.</para>
/// </remarks>
public sealed class RecurrentForecastingTransformer : ITransformer
{
    internal const string TypeId = "Rnn.RecurrentForecasting";
    internal const int FormatVersion = 1;

    internal RecurrentForecastingTransformer(ForecastModel model, float[] state, long observations)
    {
        Model = model;
        State = state;
        Observations = observations;
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

    /// <inheritdoc/>
    public bool IsRowToRowMapper => false;

    internal static IEnumerable<string> OutputNames(ForecastSpec spec)
    {
        yield return spec.OutputColumn;
        if (spec.LowerColumn is not null) yield return spec.LowerColumn;
        if (spec.UpperColumn is not null) yield return spec.UpperColumn;
    }

    /// <summary>The same model with another state (an engine's, for a checkpoint).</summary>
    internal RecurrentForecastingTransformer WithState(float[] state, long observations) => new(Model, state, observations);

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
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (string name in OutputNames(Model.Spec))
            builder.AddColumn(name, new VectorDataViewType(NumberDataViewType.Single, Horizon));
        return builder.ToSchema();
    }

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new InvalidOperationException("A forecaster's rows depend on the rows before them: use model.CreateTimeSeriesEngine<TSrc, TDst>(ml) to predict one observation at a time.");

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new ForecastDataView(input, this, GetOutputSchema(input.Schema));
    }

    // *** Model zip format (version 1) ***
    // settings.json: { spec: { target, covariates[], windowSize, horizon, strategy, confidenceLevel, outputColumn, lowerColumn?, upperColumn? },
    //                  scaler: { mean, std, diffStd, covariateMeans[], covariateStds[] }, lowerOffsets[H], upperOffsets[H],
    //                  network: { cell, hiddenSize, numLayers, seed }, state[W·C] (last W observations, oldest first), observations }
    // weights.safetensors: the network's parameters by PyTorch-style name (rnn.weight_ih_l0, ..., fc.weight, fc.bias).
    /// <inheritdoc/>
    public void Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SetVersionInfo(TypeId, FormatVersion);
        var o = Model.Network.Options;
        ctx.WriteSettings(new Settings(Model.Spec, Model.Scaler, Model.LowerOffsets, Model.UpperOffsets,
            new NetworkSettings((RecurrentCellType)o.Cell, o.HiddenSize, o.NumLayers, o.Seed), State, Observations));
        ctx.WriteTensors("weights", Model.Network.Parameters.ToDictionary(p => p.Key, p => p.Value.Value));
    }

    internal static RecurrentForecastingTransformer Load(ModelLoadContext ctx)
    {
        var s = ctx.ReadSettings<Settings>();
        ctx.Check(s.Spec is not null && s.Scaler is not null && s.Network is not null && s.State is not null
            && s.LowerOffsets is not null && s.UpperOffsets is not null, "a section of the settings is missing");
        var (network0, state, lowerOffsets, upperOffsets, scaler) = (s.Network!, s.State!, s.LowerOffsets!, s.UpperOffsets!, s.Scaler!);
        ForecastSpec spec = s.Spec! with { Covariates = s.Spec!.Covariates ?? [] };
        ctx.Check(!string.IsNullOrEmpty(spec.Target) && !string.IsNullOrEmpty(spec.OutputColumn) && spec.Covariates.All(c => !string.IsNullOrEmpty(c)), "a column name is empty");
        ctx.Check(spec.WindowSize is > 0 and <= 100_000 && spec.Horizon is > 0 and <= 10_000 && spec.Covariates.Length <= 10_000, "window, horizon or covariates out of range");
        ctx.Check(Enum.IsDefined(spec.Strategy) && Enum.IsDefined(network0.Cell), "unknown strategy or cell");
        ctx.Check(network0.HiddenSize is > 0 and <= 65536 && network0.NumLayers is > 0 and <= 64, "network size out of range");
        ctx.Check(state.Length == spec.WindowSize * spec.Channels, $"the state holds {state.Length} values, expected {spec.WindowSize * spec.Channels}");
        ctx.Check(lowerOffsets.Length == spec.Horizon && upperOffsets.Length == spec.Horizon, "the bound offsets do not match the horizon");
        ctx.Check(scaler.CovariateMeans?.Length == spec.Covariates.Length && scaler.CovariateStds?.Length == spec.Covariates.Length, "the scaler does not match the covariates");
        ctx.Check(scaler.Std > 0 && scaler.DiffStd > 0 && scaler.CovariateStds!.All(v => v > 0), "a scale is not positive");
        var network = new SequenceModel(ForecastModel.NetworkOptions(spec, network0.Cell, network0.HiddenSize, network0.NumLayers, network0.Seed));
        var weights = ctx.ReadTensors("weights");
        foreach (var (name, p) in network.Parameters)
        {
            ctx.Check(weights.TryGetValue(name, out var tensor), $"weights.safetensors has no tensor '{name}'");
            try
            {
                p.Load(tensor!, "weights.safetensors");
            }
            catch (ArgumentException e)
            {
                ctx.Check(false, e.Message);
            }
        }
        ctx.Check(weights.Count == network.Parameters.Count, $"weights.safetensors holds {weights.Count} tensors, the network has {network.Parameters.Count}");
        return new RecurrentForecastingTransformer(new ForecastModel(spec, scaler, network, lowerOffsets, upperOffsets), state, s.Observations);
    }

    internal sealed record NetworkSettings(RecurrentCellType Cell, int HiddenSize, int NumLayers, int Seed);

    internal sealed record Settings(ForecastSpec Spec, SeriesScaler Scaler, float[] LowerOffsets, float[] UpperOffsets,
        NetworkSettings Network, float[] State, long Observations);
}
