using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Rnn.MLNet;
using Rnn.MLNet.Persistence;

namespace Rnn.Pipelines.Windowing;

// W = window size, H = horizon, F = features per step, S = stride, R = sampling rate, Span = (W−1+H)·R + 1.

/// <summary>
/// The saveable form of a sliding window: ML.NET built-ins that map row to row, so <c>ml.Model.Save</c> can write them.
/// Every row gets the window whose last label step is that row (the window ending H·R rows earlier) and its label;
/// rows with no such window (the first Span − 1 rows, and rows whose window start is off the stride) get NaN values,
/// which the recurrent trainers skip as missing labels.
/// <code>
/// CustomMapping (constant key) → ValueMapping (key → payload: W, H, S, R, F)   PayloadCarrier
/// → ConvertType Single __rnnml_sw_in ← series → Concatenate __rnnml_values ← __rnnml_sw_in (a vector of F)
/// → StatefulCustomMapping "Rnn.Pipelines.SlidingWindow.v1" (the last Span rows)
/// → Concatenate window ← window blocks (Vector&lt;Single, W·F&gt;); label ← label blocks (Vector of H·F) or the scalar (H·F = 1)
/// → DropColumns (every __rnnml_ column)
/// </code>
/// </summary>
internal static class SavedWindowing
{
    public const string Kind = "sliding-window";
    public const int Version = 1;
    public const string Contract = "Rnn.Pipelines.SlidingWindow.v1";
    public const string SeriesColumn = StepRow.ValuesColumn;
    public const string ConvertedColumn = PayloadCarrier.Prefix + "sw_in";

    /// <summary>The window's and the label's blocks, and the scalar label (H·F = 1), in the kernel's <see cref="BlockRow"/>.</summary>
    public const string WindowPrefix = BlockRow.APrefix, LabelPrefix = BlockRow.BPrefix, ScalarLabelColumn = BlockRow.ScalarColumn;

    /// <summary>
    /// Most values the saved form keeps of the series (Span · F, the ring the kernel allocates from the payload's
    /// settings): 2²⁰ floats, 4 MB, so a payload of a few hundred bytes cannot make a loading app allocate more.
    /// </summary>
    public const int MaxRingValues = 1 << 20;

    /// <summary>The built-ins for <paramref name="options"/> over a series of <paramref name="features"/> values per step.</summary>
    /// <exception cref="NotSupportedException">Group or time keys, a window or label longer than a fixed vector holds, or a span of more than <see cref="MaxRingValues"/> values.</exception>
    public static IEstimator<ITransformer> Create(MLContext ml, SlidingWindowOptions options, int features)
    {
        if (options.GroupColumnName is not null || options.TimeColumnName is not null)
            throw new NotSupportedException(
                "SlidingWindowTransformer with a group or time column cannot be saved with ml.Model.Save (the saved, row-to-row form keeps no keys); " +
                "recreate it with ml.Transforms.Sequence.SlidingWindow(...) in the loading app.");
        int window = options.WindowSize * features, label = options.Horizon * features;
        if (window > FixedVector.MaxLength || label > FixedVector.MaxLength)
            throw new NotSupportedException($"SlidingWindowTransformer saves windows and labels of up to {FixedVector.MaxLength} values; this one has {window} and {label}.");
        long ring = RingValues(options.WindowSize, options.Horizon, options.SamplingRate, features);
        if (ring > MaxRingValues)
            throw new NotSupportedException($"SlidingWindowTransformer saves spans of up to {MaxRingValues} values ((W−1+H)·R + 1 steps of F values); this one has {ring}.");
        var settings = new Settings(options.WindowSize, options.Horizon, options.Stride, options.SamplingRate, features);
        string payload = ModelPayload.Write(Kind, Version, settings, []);
        IEstimator<ITransformer> chain = PayloadCarrier.Create(ml, payload)
            .Append(ml.Transforms.Conversion.ConvertType(ConvertedColumn, options.InputColumnName, DataKind.Single))
            .Append(ml.Transforms.Concatenate(SeriesColumn, ConvertedColumn))
            .Append(ml.Transforms.StatefulCustomMapping<StepRow, BlockRow, KernelState<Ring>>(Map, KernelState<Ring>.Init, Contract))
            .Append(ml.Transforms.Concatenate(options.OutputColumnName, FixedVector.BlockColumns(WindowPrefix, window)));
        if (label == 1)
            chain = chain.Append(ml.Transforms.CopyColumns(options.LabelColumnName, ScalarLabelColumn));
        else if (label > 1)
            chain = chain.Append(ml.Transforms.Concatenate(options.LabelColumnName, FixedVector.BlockColumns(LabelPrefix, label)));
        string[] internals = [PayloadCarrier.KeyColumn, PayloadCarrier.StateColumn, ConvertedColumn, SeriesColumn, .. BlockRow.AllColumns];
        return chain.Append(ml.Transforms.DropColumns(internals));
    }

    public static void Map(StepRow input, BlockRow output, KernelState<Ring> state)
    {
        var ring = state.Runner ??= new Ring(PayloadCache<Settings>.Get(input.State, static s => Read(s.Span)));
        ring.Step(in input.Values, output);
    }

    internal static Settings Read(ReadOnlySpan<char> text)
    {
        var payload = ModelPayload.Read(text, Kind, Version);
        var s = payload.ReadSettings<Settings>();
        if (s.WindowSize is < 1 or > 1_000_000 || s.Horizon is < 0 or > 1_000_000 || s.Stride is < 1 or > 1_000_000
            || s.SamplingRate is < 1 or > 1_000_000 || s.Features is < 1 or > FixedVector.MaxLength
            || (long)s.WindowSize * s.Features > FixedVector.MaxLength || (long)s.Horizon * s.Features > FixedVector.MaxLength)
            throw ModelPayload.Invalid("the sliding-window settings are out of range");
        long ring = RingValues(s.WindowSize, s.Horizon, s.SamplingRate, s.Features);
        if (ring > MaxRingValues)
            throw ModelPayload.Invalid($"the sliding-window span holds {ring} values, more than the {MaxRingValues} a saved window keeps");
        return s;
    }

    // Span · F, the ring's length: ((W−1+H)·R + 1) · F, in long (the settings' bounds keep it far from overflowing).
    private static long RingValues(int window, int horizon, int rate, int features) => ((((long)window - 1 + horizon) * rate) + 1) * features;

    /// <summary>What the payload holds (kind "sliding-window", version 1; settings only, no tensors).</summary>
    internal sealed record Settings(int WindowSize, int Horizon, int Stride, int SamplingRate, int Features)
    {
        public WindowPlan Plan => new(WindowSize, Horizon, Stride, SamplingRate);
    }

    [CustomMappingFactoryAttribute(Contract)]
    public sealed class Factory : StatefulCustomMappingFactory<StepRow, BlockRow, KernelState<Ring>>
    {
        public override Action<StepRow, BlockRow, KernelState<Ring>> GetMapping() => Map;

        public override Action<KernelState<Ring>> GetStateInitAction() => KernelState<Ring>.Init;
    }

    /// <summary>The last Span steps [Span, F] as a ring, and the window and label of the current row.</summary>
    internal sealed class Ring
    {
        private readonly Settings _settings;
        private readonly WindowPlan _plan;
        private readonly float[] _steps;
        private readonly float[] _window;
        private readonly float[] _label;
        private long _rows;

        public Ring(Settings settings)
        {
            _settings = settings;
            _plan = settings.Plan;
            _steps = new float[_plan.Span * settings.Features];
            _window = new float[settings.WindowSize * settings.Features];
            _label = new float[settings.Horizon * settings.Features];
        }

        public void Step(in VBuffer<float> step, BlockRow output)
        {
            int f = _settings.Features, span = _plan.Span;
            if (step.Length != f)
                throw new InvalidOperationException($"The sliding window reads {f} values per step, the row has {step.Length}.");
            step.CopyTo(_steps.AsSpan((int)(_rows % span) * f, f));
            _rows++;
            long start = _rows - span; // the window whose last label step is this row
            if (start >= 0 && start % _settings.Stride == 0)
            {
                // Step k of the window (counted from its start) sits at ring slot (start + k) mod Span.
                for (int i = 0; i < _settings.WindowSize; i++) Copy(start, _plan.InputStep(0, i), _window.AsSpan(i * f, f));
                for (int h = 1; h <= _settings.Horizon; h++) Copy(start, _plan.LabelStep(0, h), _label.AsSpan((h - 1) * f, f));
            }
            else
            {
                _window.AsSpan().Fill(float.NaN);
                _label.AsSpan().Fill(float.NaN);
            }
            FixedVector.Scatter(_window, output.A);
            if (_label.Length == 1) output.Scalar = _label[0];
            else if (_label.Length > 1) FixedVector.Scatter(_label, output.B);
        }

        private void Copy(long start, int offset, Span<float> into)
        {
            int f = _settings.Features;
            _steps.AsSpan((int)((start + offset) % _plan.Span) * f, f).CopyTo(into);
        }
    }
}
