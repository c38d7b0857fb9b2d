using System.Text.Json.Nodes;

namespace Rnn.Benchmarks.Workloads;

/// <summary>Runs the workloads on the managed engine, on libtorch, or on both (each workload on one, then the other).</summary>
internal static class EngineSelection
{
    /// <summary>Result lines in run order; <paramref name="engine"/> is "managed", "torchsharp" or "both".</summary>
    public static IEnumerable<(string Name, JsonObject Line)> Run(IReadOnlyList<string> names, string engine, BenchSettings settings)
    {
        foreach (string name in names)
        {
            if (engine != "torchsharp") yield return (name, WorkloadRunner.Run(name, settings));
            if (engine != "managed" && TorchWorkloads.IsImplemented(name)) yield return ($"{name} [torchsharp]", TorchWorkloads.Run(name, settings));
        }
    }
}
