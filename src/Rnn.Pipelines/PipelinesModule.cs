using System.Runtime.CompilerServices;
using Rnn.MLNet;

namespace Rnn.Pipelines;

/// <summary>Registers this assembly's model-zip loaders when it loads (ModelRegistry lists it as a companion assembly).</summary>
internal static class PipelinesModule
{
#pragma warning disable CA2255 // a library module initializer is the point: ml.Model.Load must find these ids
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        ModelRegistry.Register(SlidingWindowTransformer.TypeId, SlidingWindowTransformer.FormatVersion, SlidingWindowTransformer.Load);
        ModelRegistry.Register(RecurrentForecastingTransformer.TypeId, RecurrentForecastingTransformer.FormatVersion, RecurrentForecastingTransformer.Load);
    }
}
