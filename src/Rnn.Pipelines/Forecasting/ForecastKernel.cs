using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Rnn.MLNet.Persistence;

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
    public const string ObservationColumn = PayloadCarrier.Prefix + "observation";
    public const string ForecastPrefix = PayloadCarrier.Prefix + "f";
    public const string LowerPrefix = PayloadCarrier.Prefix + "lo";
    public const string UpperPrefix = PayloadCarrier.Prefix + "up";

    /// <summary>Every column the kernel adds.</summary>
    public static IEnumerable<string> OutputColumns =>
        FixedVector.AllBlockColumns(ForecastPrefix).Concat(FixedVector.AllBlockColumns(LowerPrefix)).Concat(FixedVector.AllBlockColumns(UpperPrefix));

    public static void Map(ObservationRow input, ForecastRow output, KernelState state)
    {
        var runner = state.Runner ??= new Runner(PayloadCache<ParsedForecast>.Get(input.State, static s => ForecastSettings.Read(s.Span)));
        runner.Step(in input.Observation, output);
    }

    public static void Init(KernelState state) => state.Runner = null;

    /// <summary>A row of the chain: the payload and the observation [C] as Single.</summary>
    public sealed class ObservationRow
    {
        [ColumnName(PayloadCarrier.StateColumn)]
        public ReadOnlyMemory<char> State;

        [ColumnName(ObservationColumn)]
        public VBuffer<float> Observation;
    }

    /// <summary>The state of one cursor or engine: the moving window, made from the payload on the first row.</summary>
    public sealed class KernelState
    {
        internal Runner? Runner { get; set; }
    }

    /// <summary>Forecast, lower and upper bound blocks; the chain concatenates the blocks of H.</summary>
    public sealed class ForecastRow
    {
        [ColumnName(ForecastPrefix + "1"), VectorType(1)] public float[] F1 = [];
        [ColumnName(ForecastPrefix + "2"), VectorType(2)] public float[] F2 = [];
        [ColumnName(ForecastPrefix + "4"), VectorType(4)] public float[] F4 = [];
        [ColumnName(ForecastPrefix + "8"), VectorType(8)] public float[] F8 = [];
        [ColumnName(ForecastPrefix + "16"), VectorType(16)] public float[] F16 = [];
        [ColumnName(ForecastPrefix + "32"), VectorType(32)] public float[] F32 = [];
        [ColumnName(ForecastPrefix + "64"), VectorType(64)] public float[] F64 = [];
        [ColumnName(ForecastPrefix + "128"), VectorType(128)] public float[] F128 = [];
        [ColumnName(ForecastPrefix + "256"), VectorType(256)] public float[] F256 = [];
        [ColumnName(ForecastPrefix + "512"), VectorType(512)] public float[] F512 = [];
        [ColumnName(ForecastPrefix + "1024"), VectorType(1024)] public float[] F1024 = [];
        [ColumnName(ForecastPrefix + "2048"), VectorType(2048)] public float[] F2048 = [];
        [ColumnName(ForecastPrefix + "4096"), VectorType(4096)] public float[] F4096 = [];
        [ColumnName(ForecastPrefix + "8192"), VectorType(8192)] public float[] F8192 = [];
        [ColumnName(ForecastPrefix + "16384"), VectorType(16384)] public float[] F16384 = [];
        [ColumnName(ForecastPrefix + "32768"), VectorType(32768)] public float[] F32768 = [];
        [ColumnName(LowerPrefix + "1"), VectorType(1)] public float[] L1 = [];
        [ColumnName(LowerPrefix + "2"), VectorType(2)] public float[] L2 = [];
        [ColumnName(LowerPrefix + "4"), VectorType(4)] public float[] L4 = [];
        [ColumnName(LowerPrefix + "8"), VectorType(8)] public float[] L8 = [];
        [ColumnName(LowerPrefix + "16"), VectorType(16)] public float[] L16 = [];
        [ColumnName(LowerPrefix + "32"), VectorType(32)] public float[] L32 = [];
        [ColumnName(LowerPrefix + "64"), VectorType(64)] public float[] L64 = [];
        [ColumnName(LowerPrefix + "128"), VectorType(128)] public float[] L128 = [];
        [ColumnName(LowerPrefix + "256"), VectorType(256)] public float[] L256 = [];
        [ColumnName(LowerPrefix + "512"), VectorType(512)] public float[] L512 = [];
        [ColumnName(LowerPrefix + "1024"), VectorType(1024)] public float[] L1024 = [];
        [ColumnName(LowerPrefix + "2048"), VectorType(2048)] public float[] L2048 = [];
        [ColumnName(LowerPrefix + "4096"), VectorType(4096)] public float[] L4096 = [];
        [ColumnName(LowerPrefix + "8192"), VectorType(8192)] public float[] L8192 = [];
        [ColumnName(LowerPrefix + "16384"), VectorType(16384)] public float[] L16384 = [];
        [ColumnName(LowerPrefix + "32768"), VectorType(32768)] public float[] L32768 = [];
        [ColumnName(UpperPrefix + "1"), VectorType(1)] public float[] U1 = [];
        [ColumnName(UpperPrefix + "2"), VectorType(2)] public float[] U2 = [];
        [ColumnName(UpperPrefix + "4"), VectorType(4)] public float[] U4 = [];
        [ColumnName(UpperPrefix + "8"), VectorType(8)] public float[] U8 = [];
        [ColumnName(UpperPrefix + "16"), VectorType(16)] public float[] U16 = [];
        [ColumnName(UpperPrefix + "32"), VectorType(32)] public float[] U32 = [];
        [ColumnName(UpperPrefix + "64"), VectorType(64)] public float[] U64 = [];
        [ColumnName(UpperPrefix + "128"), VectorType(128)] public float[] U128 = [];
        [ColumnName(UpperPrefix + "256"), VectorType(256)] public float[] U256 = [];
        [ColumnName(UpperPrefix + "512"), VectorType(512)] public float[] U512 = [];
        [ColumnName(UpperPrefix + "1024"), VectorType(1024)] public float[] U1024 = [];
        [ColumnName(UpperPrefix + "2048"), VectorType(2048)] public float[] U2048 = [];
        [ColumnName(UpperPrefix + "4096"), VectorType(4096)] public float[] U4096 = [];
        [ColumnName(UpperPrefix + "8192"), VectorType(8192)] public float[] U8192 = [];
        [ColumnName(UpperPrefix + "16384"), VectorType(16384)] public float[] U16384 = [];
        [ColumnName(UpperPrefix + "32768"), VectorType(32768)] public float[] U32768 = [];

        /// <summary>The forecast block of <paramref name="size"/> values, allocated on first use.</summary>
        public float[] ForecastBlock(int size) => Block(0, size);

        /// <summary>The lower-bound block of <paramref name="size"/> values, allocated on first use.</summary>
        public float[] LowerBlock(int size) => Block(1, size);

        /// <summary>The upper-bound block of <paramref name="size"/> values, allocated on first use.</summary>
        public float[] UpperBlock(int size) => Block(2, size);

        private float[] Block(int set, int size)
        {
            ref float[] block = ref F1;
            switch (set, size)
            {
                case (0, 1): block = ref F1; break;
                case (0, 2): block = ref F2; break;
                case (0, 4): block = ref F4; break;
                case (0, 8): block = ref F8; break;
                case (0, 16): block = ref F16; break;
                case (0, 32): block = ref F32; break;
                case (0, 64): block = ref F64; break;
                case (0, 128): block = ref F128; break;
                case (0, 256): block = ref F256; break;
                case (0, 512): block = ref F512; break;
                case (0, 1024): block = ref F1024; break;
                case (0, 2048): block = ref F2048; break;
                case (0, 4096): block = ref F4096; break;
                case (0, 8192): block = ref F8192; break;
                case (0, 16384): block = ref F16384; break;
                case (0, 32768): block = ref F32768; break;
                case (1, 1): block = ref L1; break;
                case (1, 2): block = ref L2; break;
                case (1, 4): block = ref L4; break;
                case (1, 8): block = ref L8; break;
                case (1, 16): block = ref L16; break;
                case (1, 32): block = ref L32; break;
                case (1, 64): block = ref L64; break;
                case (1, 128): block = ref L128; break;
                case (1, 256): block = ref L256; break;
                case (1, 512): block = ref L512; break;
                case (1, 1024): block = ref L1024; break;
                case (1, 2048): block = ref L2048; break;
                case (1, 4096): block = ref L4096; break;
                case (1, 8192): block = ref L8192; break;
                case (1, 16384): block = ref L16384; break;
                case (1, 32768): block = ref L32768; break;
                case (2, 1): block = ref U1; break;
                case (2, 2): block = ref U2; break;
                case (2, 4): block = ref U4; break;
                case (2, 8): block = ref U8; break;
                case (2, 16): block = ref U16; break;
                case (2, 32): block = ref U32; break;
                case (2, 64): block = ref U64; break;
                case (2, 128): block = ref U128; break;
                case (2, 256): block = ref U256; break;
                case (2, 512): block = ref U512; break;
                case (2, 1024): block = ref U1024; break;
                case (2, 2048): block = ref U2048; break;
                case (2, 4096): block = ref U4096; break;
                case (2, 8192): block = ref U8192; break;
                case (2, 16384): block = ref U16384; break;
                case (2, 32768): block = ref U32768; break;
                default: throw new ArgumentOutOfRangeException(nameof(size), size, "A block size is a power of two up to 32768.");
            }
            if (block.Length != size) block = new float[size];
            return block;
        }
    }

    [CustomMappingFactoryAttribute(Contract)]
    public sealed class Factory : StatefulCustomMappingFactory<ObservationRow, ForecastRow, KernelState>
    {
        public override Action<ObservationRow, ForecastRow, KernelState> GetMapping() => Map;

        public override Action<KernelState> GetStateInitAction() => Init;
    }

    /// <summary>One cursor's window and network copy.</summary>
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
            _state = new ForecastState(parsed.State, spec, parsed.Observations);
            _forecaster = parsed.Model.CreateForecaster();
            _step = new float[spec.Channels];
            _forecast = new float[spec.Horizon];
            _lower = new float[spec.Horizon];
            _upper = new float[spec.Horizon];
        }

        public void Step(in VBuffer<float> observation, ForecastRow output)
        {
            if (observation.Length != _step.Length)
                throw new InvalidOperationException($"The forecaster reads {_step.Length} values per step, the row has {observation.Length}.");
            observation.CopyTo(_step);
            _state.Push(_step);
            _forecaster.Forecast(_state.Window, _forecast);
            _forecaster.Bounds(_lower, _upper);
            FixedVector.Scatter(_forecast, output.ForecastBlock);
            FixedVector.Scatter(_lower, output.LowerBlock);
            FixedVector.Scatter(_upper, output.UpperBlock);
        }
    }
}
