using System.Globalization;
using Rnn.Benchmarks.Measurement;
using Rnn.Core.Layers;
using Rnn.Core.Numerics;
using Rnn.Core.Training;
using Rnn.TorchSharp;
using TorchSharp;

namespace Rnn.Benchmarks.Workloads;

/// <summary>
/// charlm through the whole trainer: <see cref="LanguageModelTrainer.Fit"/> with the charlm network (Embedding(65, 64) +
/// LSTM(64→256) + Linear(256→65) at every step), B = 32 streams, T = 100, Adam lr 2e-3, clipping at 5, state carried
/// between chunks, on a synthetic 65-symbol corpus, with a time budget and no validation; the metric is the trainer's own
/// training throughput (<see cref="LanguageModelResult.TokensPerSecond"/>). Engines alternate round by round, so both see
/// the same background load.
/// </summary>
internal static class CharLmFit
{
    public static int Run(string engine, double seconds, int rounds, int threads)
    {
        if (engine is not ("managed" or "torchsharp" or "both"))
        {
            Console.Error.WriteLine($"unknown engine '{engine}'; choose managed, torchsharp or both");
            return 2;
        }
        Parallelism.MaxThreads = threads;
        if (engine != "managed")
        {
            TorchRuntime.EnsureLoaded();
            torch.set_num_threads(threads);
        }
        int[] corpus = Corpus(400_000);
        var results = new Dictionary<string, List<double>>();
        for (int round = 0; round < rounds; round++)
        {
            foreach (string name in engine == "both" ? ["managed", "torchsharp"] : new[] { engine })
            {
                var before = CpuSnapshot.Take();
                var model = WorkloadModels.TokenModel(CellType.Lstm, 65, 64, 256, 65, perStep: true, seed: 1);
                var result = LanguageModelTrainer.Fit(model, corpus, new LanguageModelOptions
                {
                    SequenceLength = 100, BatchSize = 32, Epochs = 1, ValidationFraction = 0f, TimeBudget = TimeSpan.FromSeconds(seconds),
                    Backend = name == "torchsharp" ? new TorchTrainingBackend("cpu") : null,
                });
                var after = CpuSnapshot.Take();
                (results.TryGetValue(name, out var list) ? list : results[name] = []).Add(result.TokensPerSecond);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"charlm-fit round {round + 1} {name}: {result.TokensPerSecond:F0} tokens/s ({result.Epochs[^1].Tokens} tokens, loss {result.TrainingLoss:F3}, foreign CPU {Math.Max(0, after.BusySeconds - before.BusySeconds - (after.OwnSeconds - before.OwnSeconds)):F1} s)"));
            }
        }
        foreach (var (name, values) in results)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"charlm-fit {name}: median {SampleStats.Of(values).Median:F0} tokens/s over {values.Count} round(s), {threads} thread(s)"));
        return 0;
    }

    // 65 symbols with some structure: mostly the next symbol after the previous one, sometimes a random one.
    private static int[] Corpus(int length)
    {
        var rng = new Rng(7);
        var tokens = new int[length];
        for (int i = 1; i < length; i++) tokens[i] = rng.NextInt(4) == 0 ? rng.NextInt(65) : (tokens[i - 1] + 1) % 65;
        return tokens;
    }
}
