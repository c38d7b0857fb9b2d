using Rnn.Core;
using Rnn.Core.Models;
using Rnn.MLNet;
using Rnn.MLNet.Persistence;

namespace Rnn.Pipelines.Forecasting;

/// <summary>The network's shape as a forecaster's payload records it.</summary>
internal sealed record ForecastNetworkSettings(RecurrentCellType Cell, int HiddenSize, int NumLayers, int Seed);

/// <summary>The autoregressive highway as a forecaster's payload records it: W, outputs O and coefficients [O, W + 1].</summary>
internal sealed record ForecastHighwaySettings(int WindowSize, int Outputs, float[] Coefficients);

/// <summary>
/// Scale-adaptive bounds as a forecaster's payload records them: the half-life, the scaled scores [H] at the confidence
/// level, and for adaptive coverage (version 4) its rate, the sorted scaled calibration scores [H][K] and their kind.
/// </summary>
internal sealed record ForecastAdaptiveSettings(int HalfLife, float[] LowerScores, float[] UpperScores, float CoverageRate = 0f,
    float[][]? SortedScores = null, bool Symmetric = true);

/// <summary>
/// What a forecaster's payload holds besides its weights (kind "recurrent-forecaster", version 4): the spec, the scaler,
/// the calibrated offsets, the network's shape, the highway, the network weight, the ensemble size, the adaptive bounds,
/// and the state (last W observations, oldest first, with σ̂, the pending one-step forecast and the adaptive coverage
/// state) with its count. Version 1 payloads (no highway, weight 1, one network), version 2 payloads (static bounds) and
/// version 3 payloads (fixed quantile level) still load and forecast as before.
/// </summary>
/// <remarks>
/// <code>
/// // Format (version 4; a ModelPayload, see docs/model-format.md):
/// //   settings: { spec: { target, covariates[], windowSize, horizon, strategy, confidenceLevel, outputColumn, lowerColumn?, upperColumn?, logTarget },
/// //               scaler: { mean, std, diffStd, covariateMeans[], covariateStds[] }, lowerOffsets[H], upperOffsets[H],
/// //               network: { cell, hiddenSize, numLayers, seed }, state[W·C] (raw values, oldest first), observations,
/// //               highway: { windowSize, outputs, coefficients[O·(W+1)] } or null, networkWeight, ensembleSize,
/// //               adaptive: { halfLife, lowerScores[H], upperScores[H], coverageRate, sortedScores[H][K] or null, symmetric } or null,
/// //               scale (σ̂), pending (internal units) or null,
/// //               coverage: { alpha[H], origins[H] (−1: empty slot), lower[H·H], upper[H·H] (internal units) } or null }
/// //   tensors: the first network's parameters by PyTorch-style name (rnn.weight_ih_l0, ..., fc.weight, fc.bias), those of
/// //            ensemble member m ≥ 1 as "ensemble{m}.&lt;name&gt;".
/// // Version 3: the same without coverageRate, sortedScores, symmetric and coverage (fixed quantile level).
/// // Version 2: also without adaptive, scale and pending (static bounds).
/// // Version 1: also without highway, networkWeight and ensembleSize (read as none, 1 and 1).
/// </code>
/// JSON writes each float in its shortest round-trip form, so the state and the highway come back bit-identical.
/// </remarks>
internal sealed record ForecastSettings(ForecastSpec Spec, SeriesScaler Scaler, float[] LowerOffsets, float[] UpperOffsets,
    ForecastNetworkSettings Network, float[] State, long Observations,
    ForecastHighwaySettings? Highway = null, float NetworkWeight = 1f, int EnsembleSize = 1,
    ForecastAdaptiveSettings? Adaptive = null, float Scale = 0f, float? Pending = null, CoverageState? Coverage = null)
{
    public const string Kind = "recurrent-forecaster";
    public const int Version = 4;

    /// <summary>The payload text of <paramref name="model"/> with <paramref name="state"/> and <paramref name="bounds"/>.</summary>
    public static string Write(ForecastModel model, float[] state, long observations, BoundsState bounds)
    {
        var adaptive = model.Adaptive is { } b ? new ForecastAdaptiveSettings(b.HalfLife, b.LowerScores, b.UpperScores, b.CoverageRate, b.SortedScores, b.Symmetric) : null;
        var o = model.Networks[0].Options;
        var highway = model.Highway is { } a ? new ForecastHighwaySettings(a.WindowSize, a.Outputs, a.Coefficients) : null;
        var settings = new ForecastSettings(model.Spec, model.Scaler, model.LowerOffsets, model.UpperOffsets,
            new ForecastNetworkSettings((RecurrentCellType)o.Cell, o.HiddenSize, o.NumLayers, o.Seed), state, observations,
            highway, model.NetworkWeight, model.Networks.Count, adaptive, bounds.Scale, bounds.Pending, bounds.Coverage);
        return ModelPayload.Write(Kind, Version, settings, Parameters(model.Networks).Select(p => KeyValuePair.Create(p.Key, p.Value.Value)));
    }

    /// <summary>Every network's parameters under their payload names.</summary>
    private static ParameterCollection Parameters(IReadOnlyList<SequenceModel> networks)
    {
        var all = new ParameterCollection();
        for (int m = 0; m < networks.Count; m++) all.AddRange(m == 0 ? "" : $"ensemble{m}", networks[m].Parameters);
        return all;
    }

    /// <summary>Reads and checks a forecaster's payload (version 1 to 4).</summary>
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
        Check(s.EnsembleSize is > 0 and <= 64 && s.NetworkWeight is >= 0f and <= 1f, "ensemble size or network weight out of range");
        LinearAutoregression? highway = null;
        if (s.Highway is { } a)
        {
            int outputs = spec.Strategy == ForecastStrategy.Direct ? spec.Horizon : 1;
            Check(a.WindowSize == spec.WindowSize && (a.Outputs == 1 || a.Outputs == outputs) && a.Coefficients?.Length == a.Outputs * (a.WindowSize + 1)
                && a.Coefficients.All(float.IsFinite), "the highway does not match the window and horizon");
            highway = new LinearAutoregression(a.WindowSize, a.Outputs, a.Coefficients!);
        }
        AdaptiveBounds? adaptive = null;
        if (s.Adaptive is { } d)
        {
            Check(d.HalfLife is > 0 and <= 1_000_000 && d.LowerScores?.Length == spec.Horizon && d.UpperScores?.Length == spec.Horizon
                && d.LowerScores.Concat(d.UpperScores).All(float.IsFinite), "the adaptive bounds do not match the horizon");
            Check(float.IsFinite(d.CoverageRate) && d.CoverageRate is >= 0f and <= 1f, "the adaptive coverage rate is out of range");
            if (d.CoverageRate > 0f)
                Check(d.SortedScores?.Length == spec.Horizon && d.SortedScores.All(k => k is { Length: > 0 } && k.All(float.IsFinite)
                    && k.Zip(k.Skip(1)).All(p => p.First <= p.Second) && (!d.Symmetric || k[0] >= 0f)), "the adaptive coverage scores do not match the horizon or are not sorted");
            adaptive = new AdaptiveBounds(d.HalfLife, d.LowerScores!, d.UpperScores!, d.CoverageRate, d.CoverageRate > 0f ? d.SortedScores : null, d.Symmetric);
        }
        CoverageState? coverage = null;
        if (adaptive is { AdaptsCoverage: true } && s.Coverage is { } cs)
        {
            Check(cs.Fits(spec.Horizon) && cs.Origins.All(o => o <= s.Observations), "the adaptive coverage state does not match the horizon");
            coverage = cs;
        }
        Check(float.IsFinite(s.Scale) && s.Scale >= 0f && (s.Pending is null || float.IsFinite(s.Pending.Value)), "the bounds state is not finite");
        var options = Enumerable.Range(0, s.EnsembleSize)
            .Select(m => ForecastModel.NetworkOptions(spec, network0.Cell, network0.HiddenSize, network0.NumLayers, network0.Seed + m))
            .ToArray();
        payload.CheckHolds(options);
        var networks = options.Select(o => new SequenceModel(o)).ToArray();
        payload.CopyInto(Parameters(networks));
        return new ParsedForecast(new ForecastModel(spec, scaler, networks, lowerOffsets, upperOffsets, highway, s.NetworkWeight, adaptive), state, s.Observations,
            adaptive is null ? BoundsState.None : new BoundsState(s.Scale, s.Pending, coverage));
    }

    private static void Check(bool ok, string problem)
    {
        if (!ok) throw ModelPayload.Invalid(problem);
    }
}

/// <summary>A forecaster read from its payload (or fitted): the model and the state it was saved with.</summary>
internal sealed record ParsedForecast(ForecastModel Model, float[] State, long Observations, BoundsState Bounds)
{
    public ParsedForecast(ForecastModel model, float[] state, long observations)
        : this(model, state, observations, BoundsState.None)
    {
    }
}
