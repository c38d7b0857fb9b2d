using Rnn.Core.Models;
using Rnn.MLNet;
using Rnn.MLNet.Persistence;

namespace Rnn.Pipelines.Forecasting;

/// <summary>The network's shape as a forecaster's payload records it.</summary>
internal sealed record ForecastNetworkSettings(RecurrentCellType Cell, int HiddenSize, int NumLayers, int Seed);

/// <summary>
/// What a forecaster's payload holds besides its weights (kind "recurrent-forecaster", version 1): the spec, the scaler,
/// the calibrated offsets, the network's shape, and the state (last W observations, oldest first) with its count.
/// </summary>
/// <remarks>
/// <code>
/// // Format (version 1; a ModelPayload, see docs/model-format.md):
/// //   settings: { spec: { target, covariates[], windowSize, horizon, strategy, confidenceLevel, outputColumn, lowerColumn?, upperColumn?, logTarget },
/// //               scaler: { mean, std, diffStd, covariateMeans[], covariateStds[] }, lowerOffsets[H], upperOffsets[H],
/// //               network: { cell, hiddenSize, numLayers, seed }, state[W·C] (raw values, oldest first), observations }
/// //   tensors: the network's parameters by PyTorch-style name (rnn.weight_ih_l0, ..., fc.weight, fc.bias).
/// </code>
/// JSON writes each float in its shortest round-trip form, so the state comes back bit-identical.
/// </remarks>
internal sealed record ForecastSettings(ForecastSpec Spec, SeriesScaler Scaler, float[] LowerOffsets, float[] UpperOffsets,
    ForecastNetworkSettings Network, float[] State, long Observations)
{
    public const string Kind = "recurrent-forecaster";
    public const int Version = 1;

    /// <summary>The payload text of <paramref name="model"/> with <paramref name="state"/>.</summary>
    public static string Write(ForecastModel model, float[] state, long observations)
    {
        var o = model.Network.Options;
        var settings = new ForecastSettings(model.Spec, model.Scaler, model.LowerOffsets, model.UpperOffsets,
            new ForecastNetworkSettings((RecurrentCellType)o.Cell, o.HiddenSize, o.NumLayers, o.Seed), state, observations);
        return ModelPayload.Write(Kind, Version, settings, model.Network.Parameters.Select(p => KeyValuePair.Create(p.Key, p.Value.Value)));
    }

    /// <summary>Reads and checks a forecaster's payload.</summary>
    /// <exception cref="InvalidDataException">Not a forecaster's payload, a newer version, or damaged.</exception>
    public static ParsedForecast Read(ReadOnlySpan<char> text)
    {
        var payload = ModelPayload.Read(text, Kind, Version);
        var s = payload.ReadSettings<ForecastSettings>();
        Check(s.Spec is not null && s.Scaler is not null && s.Network is not null && s.State is not null
            && s.LowerOffsets is not null && s.UpperOffsets is not null, "a section of the forecaster settings is missing");
        var (network0, state, lowerOffsets, upperOffsets, scaler) = (s.Network!, s.State!, s.LowerOffsets!, s.UpperOffsets!, s.Scaler!);
        ForecastSpec spec = s.Spec! with { Covariates = s.Spec!.Covariates ?? [] };
        Check(!string.IsNullOrEmpty(spec.Target) && !string.IsNullOrEmpty(spec.OutputColumn) && spec.Covariates.All(c => !string.IsNullOrEmpty(c)), "a column name is empty");
        Check(spec.WindowSize is > 0 and <= 100_000 && spec.Horizon is > 0 and <= FixedVector.MaxLength && spec.Covariates.Length <= 10_000, "window, horizon or covariates out of range");
        Check(Enum.IsDefined(spec.Strategy) && Enum.IsDefined(network0.Cell), "unknown strategy or cell");
        Check(network0.HiddenSize is > 0 and <= 65536 && network0.NumLayers is > 0 and <= 64, "network size out of range");
        Check(state.Length == spec.WindowSize * spec.Channels, $"the state holds {state.Length} values, expected {spec.WindowSize * spec.Channels}");
        Check(lowerOffsets.Length == spec.Horizon && upperOffsets.Length == spec.Horizon, "the bound offsets do not match the horizon");
        Check(scaler.CovariateMeans?.Length == spec.Covariates.Length && scaler.CovariateStds?.Length == spec.Covariates.Length, "the scaler does not match the covariates");
        Check(scaler.Std > 0 && scaler.DiffStd > 0 && scaler.CovariateStds!.All(v => v > 0), "a scale is not positive");
        Check(s.Observations >= spec.WindowSize, "the observation count is smaller than the window");
        var network = payload.CreateNetwork(ForecastModel.NetworkOptions(spec, network0.Cell, network0.HiddenSize, network0.NumLayers, network0.Seed));
        return new ParsedForecast(new ForecastModel(spec, scaler, network, lowerOffsets, upperOffsets), state, s.Observations);
    }

    private static void Check(bool ok, string problem)
    {
        if (!ok) throw ModelPayload.Invalid(problem);
    }
}

/// <summary>A forecaster read from its payload: the model and the state it was saved with.</summary>
internal sealed record ParsedForecast(ForecastModel Model, float[] State, long Observations);
