using BenchmarkDotNet.Attributes;
using Rnn.Benchmarks.Workloads;
using Rnn.Core;
using Rnn.Core.Layers;
using Rnn.Core.Losses;
using Rnn.Core.Models;
using Rnn.Core.Numerics;
using Rnn.Core.Optimizers;

namespace Rnn.Benchmarks.Bdn;

/// <summary>
/// One full lstm_cls training step (zero grads, forward, CrossEntropy, backward, Adam), batch 64, seq 50: the
/// MemoryDiagnoser column shows the steady-state allocation per step (0 B).
/// Run: <c>dotnet run -c Release --project benchmarks/Rnn.Benchmarks -- bdn --filter '*TrainingStepBench*'</c>.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class TrainingStepBench
{
    private SequenceModel _model = null!;
    private Adam _adam = null!;
    private SequenceBatch _batch = null!;
    private int[] _targets = [];
    private Tensor _dLogits = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.MaxThreads = Threads;
        _model = WorkloadModels.TokenModel(CellType.Lstm, 5000, 64, 128, 2, perStep: false);
        _adam = new Adam(_model.Parameters.Values, 1e-3f);
        var rng = new Rng(1);
        _batch = WorkloadModels.RandomTokens(64, 50, 5000, rng);
        _targets = new int[64];
        for (int i = 0; i < 64; i++) _targets[i] = rng.NextInt(2);
        _dLogits = new Tensor(64, 2);
        LstmClsStep();
    }

    [Benchmark]
    public void LstmClsStep()
    {
        _model.ZeroGrad();
        Tensor logits = _model.Forward(_batch);
        CrossEntropyLoss.Forward(logits.Span, 2, _targets, _dLogits.Span);
        _model.Backward(_dLogits);
        _adam.Step();
    }
}
