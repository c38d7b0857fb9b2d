using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Rnn.MLNet.Persistence;
using Rnn.Pipelines.Windowing;

namespace Rnn.Pipelines.Forecasting;

/// <summary>
/// The chain of ML.NET built-ins a recurrent forecaster is made of, and saved as:
/// <code>
/// CustomMapping (constant key) → ValueMapping (key → payload)                     PayloadCarrier
/// → ConvertType Single: __rnnml_channel0 ← target, __rnnml_channel1.. ← covariates
/// → Concatenate __rnnml_values ← __rnnml_channel0, __rnnml_channel1, ...
/// → StatefulCustomMapping "Rnn.Pipelines.Forecast.v1"                              ForecastKernel
/// → Concatenate forecast (and lower, upper) ← their power-of-two blocks (Vector&lt;Single, H&gt;)
/// → DropColumns (every __rnnml_ column)
/// </code>
/// </summary>
internal static class ForecastChain
{
    private const string ChannelPrefix = PayloadCarrier.Prefix + "channel";

    public static IEstimator<ITransformer> Create(MLContext ml, ForecastSpec spec, string payload)
    {
        string[] channels = spec.InputColumns.Select((_, j) => ChannelPrefix + j.ToString(CultureInfo.InvariantCulture)).ToArray();
        IEstimator<ITransformer> chain = PayloadCarrier.Create(ml, payload)
            .Append(ml.Transforms.Conversion.ConvertType(
                channels.Zip(spec.InputColumns, (to, from) => new InputOutputColumnPair(to, from)).ToArray(), DataKind.Single))
            .Append(ml.Transforms.Concatenate(ForecastKernel.ObservationColumn, channels))
            .Append(ml.Transforms.StatefulCustomMapping<StepRow, BlockRow, KernelState<ForecastKernel.Runner>>(
                ForecastKernel.Map, KernelState<ForecastKernel.Runner>.Init, ForecastKernel.Contract))
            .Append(ml.Transforms.Concatenate(spec.OutputColumn, FixedVector.BlockColumns(ForecastKernel.ForecastPrefix, spec.Horizon)));
        if (spec.LowerColumn is not null)
            chain = chain.Append(ml.Transforms.Concatenate(spec.LowerColumn, FixedVector.BlockColumns(ForecastKernel.LowerPrefix, spec.Horizon)));
        if (spec.UpperColumn is not null)
            chain = chain.Append(ml.Transforms.Concatenate(spec.UpperColumn, FixedVector.BlockColumns(ForecastKernel.UpperPrefix, spec.Horizon)));
        string[] internals = [PayloadCarrier.KeyColumn, PayloadCarrier.StateColumn, .. channels, ForecastKernel.ObservationColumn, .. BlockRow.AllColumns];
        return chain.Append(ml.Transforms.DropColumns(internals));
    }
}
