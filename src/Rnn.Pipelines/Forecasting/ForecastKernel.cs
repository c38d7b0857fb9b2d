using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Rnn.MLNet.Persistence;
using Rnn.Pipelines.Windowing;

namespace Rnn.Pipelines.Forecasting;

// W = window size, C = channels per step (target + covariates), H = horizon.

/// <summary>
/// The forecaster as an ML.NET StatefulCustomMapping kernel: each row is the next observation [C]; the state (the last W
/// observations) starts from the payload's stored state (parsed once per payload, see <see cref="PayloadCache{T}"/>),
/// takes the observation, and the row gets the forecast of the H steps after it with its bounds, each written into
/// power-of-two blocks (<see cref="FixedVector"/>) that the chain concatenates into known-size vectors. The state lives
/// as long as one cursor, or one PredictionEngine. ML.NET rebuilds the kernel on load from its contract name.
/// </summary>
internal static class ForecastKernel
{
    public const string Contract = "Rnn.Pipelines.Forecast.v1";
    public const string ObservationColumn = StepRow.ValuesColumn;

    /// <summary>The block sets of the forecast, lower and upper bound in the kernel's <see cref="BlockRow"/>.</summary>
    public const string ForecastPrefix = BlockRow.APrefix, LowerPrefix = BlockRow.BPrefix, UpperPrefix = BlockRow.CPrefix;

    public static void Map(StepRow input, BlockRow output, KernelState<Runner> state)
    {
        var runner = state.Runner ??= new Runner(PayloadCache<ParsedForecast>.Get(input.State, static s => ForecastSettings.Read(s.Span)));
        runner.Step(in input.Values, output);
    }

    [CustomMappingFactoryAttribute(Contract)]
    public sealed class Factory : StatefulCustomMappingFactory<StepRow, BlockRow, KernelState<Runner>>
    {
        public override Action<StepRow, BlockRow, KernelState<Runner>> GetMapping() => Map;

        public override Action<KernelState<Runner>> GetStateInitAction() => KernelState<Runner>.Init;
    }

    /// <summary>One cursor's state (window and bounds state) and network copy.</summary>
    internal sealed class Runner
    {
        private readonly ForecastState _state;
        private readonly Forecaster _forecaster;
        private readonly float[] _step;
        private readonly float[] _forecast;
        private readonly float[] _lower;
        private readonly float[] _upper;

        public Runner(ParsedForecast parsed)
        {
            ForecastSpec spec = parsed.Model.Spec;
            _state = new ForecastState(parsed.State, parsed.Model, parsed.Observations, parsed.Bounds);
            _forecaster = parsed.Model.CreateForecaster();
            _step = new float[spec.Channels];
            _forecast = new float[spec.Horizon];
            _lower = new float[spec.Horizon];
            _upper = new float[spec.Horizon];
        }

        public void Step(in VBuffer<float> observation, BlockRow output)
        {
            if (observation.Length != _step.Length)
                throw new InvalidOperationException($"The forecaster reads {_step.Length} values per step, the row has {observation.Length}.");
            observation.CopyTo(_step);
            _state.Push(_step);
            _state.Forecast(_forecaster, _forecast, _lower, _upper);
            FixedVector.Scatter(_forecast, output.A);
            FixedVector.Scatter(_lower, output.B);
            FixedVector.Scatter(_upper, output.C);
        }
    }
}
