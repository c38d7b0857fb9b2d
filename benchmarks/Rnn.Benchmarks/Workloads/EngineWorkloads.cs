using System.Text.Json.Nodes;
using Rnn.Core;
using Rnn.Core.Layers;
using Rnn.Core.Losses;
using Rnn.Core.Models;
using Rnn.Core.Numerics;
using Rnn.Core.Optimizers;

namespace Rnn.Benchmarks.Workloads;

// B = batch, T = steps, I = input features, H = hidden, O = outputs, V = vocabulary.

/// <summary>The models of WORKLOADS.md built from the engine (<see cref="SequenceModel"/>, <see cref="RecurrentLayer"/>).</summary>
internal static class WorkloadModels
{
    /// <summary>Embedding(V, E) + LSTM/GRU(E→H) + Linear(H→O) on the last step, or on every step when <paramref name="perStep"/>.</summary>
    public static SequenceModel TokenModel(CellType cell, int vocab, int embedding, int hidden, int outputs, bool perStep, int seed = 0) =>
        new(new SequenceModelOptions
        {
            Cell = cell,
            VocabularySize = vocab,
            EmbeddingSize = embedding,
            HiddenSize = hidden,
            OutputSize = outputs,
            Pooling = perStep ? null : PoolingKind.Last,
            Seed = seed,
        });

    /// <summary>RNN(I→H, tanh) + Linear(H→O) on the last step (seed_trend, sine).</summary>
    public static SequenceModel FloatRnn(int input, int hidden, int outputs, int seed) =>
        new(new SequenceModelOptions
        {
            Cell = CellType.Rnn,
            InputSize = input,
            HiddenSize = hidden,
            OutputSize = outputs,
            Pooling = PoolingKind.Last,
            Seed = seed,
        });

    /// <summary>A token batch [B, T] of ids drawn uniformly from [0, V).</summary>
    public static SequenceBatch RandomTokens(int batch, int steps, int vocab, Rng rng)
    {
        var b = new SequenceBatch();
        b.ResetTokens(batch, steps);
        Span<int> tokens = b.Tokens;
        for (int i = 0; i < tokens.Length; i++) tokens[i] = rng.NextInt(vocab);
        b.Seal();
        return b;
    }

    /// <summary>Peak and current working set of this process, in MiB (the peak covers everything run so far in it).</summary>
    public static void AddMemory(JsonObject line)
    {
        using var p = System.Diagnostics.Process.GetCurrentProcess();
        line["peak_working_set_mib"] = Math.Round(p.PeakWorkingSet64 / 1048576.0, 1);
        line["working_set_mib"] = Math.Round(p.WorkingSet64 / 1048576.0, 1);
    }
}

/// <summary>A training workload on the engine: records the bytes allocated by the last step and the working set.</summary>
internal abstract class EngineTraining(string name) : TrainingWorkload(name)
{
    private long _allocatedPerStep = -1;

    /// <summary>One training step: zero grads, forward, loss, backward, Adam.</summary>
    protected abstract void TrainStep();

    protected sealed override void Step()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        TrainStep();
        _allocatedPerStep = GC.GetAllocatedBytesForCurrentThread() - before;
    }

    protected override void AddExtras(JsonObject line, int steps, double medianSeconds)
    {
        base.AddExtras(line, steps, medianSeconds);
        line["allocated_bytes_last_step"] = _allocatedPerStep;
        WorkloadModels.AddMemory(line);
    }
}

/// <summary>
/// lstm_cls, gru_cls (Embedding(5000, 64) + LSTM/GRU(64→128) + Linear(128→2) on the last step, batch 64, seq 50,
/// CrossEntropy) and charlm (Embedding(65, 64) + LSTM(64→256) + Linear(256→65) at every step, batch 32, seq 100,
/// CrossEntropy over all positions); Adam lr 1e-3.
/// </summary>
internal sealed class TokenTraining : EngineTraining
{
    private readonly CellType _cell;
    private readonly int _vocab, _embedding, _hidden, _classes, _batchSize, _steps;
    private readonly bool _perStep;
    private SequenceModel _model = null!;
    private Adam _adam = null!;
    private SequenceBatch _batch = null!;
    private int[] _targets = [];
    private Tensor _dLogits = null!;
    private TokenTraining(string name, CellType cell, int vocab, int embedding, int hidden, int classes, int batch, int steps, bool perStep)
        : base(name)
    {
        (_cell, _vocab, _embedding, _hidden, _classes, _batchSize, _steps, _perStep) = (cell, vocab, embedding, hidden, classes, batch, steps, perStep);
    }

    public static TokenTraining LstmCls() => new("lstm_cls", CellType.Lstm, 5000, 64, 128, 2, 64, 50, false);

    public static TokenTraining GruCls() => new("gru_cls", CellType.Gru, 5000, 64, 128, 2, 64, 50, false);

    public static TokenTraining CharLm() => new("charlm", CellType.Lstm, 65, 64, 256, 65, 32, 100, true);

    public override string Metric => _perStep ? "train_tokens_per_s" : "train_seq_per_s";

    public override string Unit => _perStep ? "tokens/s" : "seq/s";

    protected override int ItemsPerStep => _perStep ? _batchSize * _steps : _batchSize;

    protected override long Parameters => _model.Parameters.ElementCount;

    protected override JsonObject Config => new()
    {
        ["cell"] = _cell.ToString().ToUpperInvariant(), ["vocab"] = _vocab, ["emb"] = _embedding, ["hidden"] = _hidden,
        ["out"] = _classes, ["batch"] = _batchSize, ["seq"] = _steps, ["optimizer"] = "Adam(lr=1e-3)",
        ["loss"] = _perStep ? "CrossEntropy(every step, mean over B*T)" : "CrossEntropy(last step)",
    };

    protected override void Setup()
    {
        _model = WorkloadModels.TokenModel(_cell, _vocab, _embedding, _hidden, _classes, _perStep);
        _adam = new Adam(_model.Parameters.Values, 1e-3f);
        var rng = new Rng(_perStep ? 2 : 1);
        _batch = WorkloadModels.RandomTokens(_batchSize, _steps, _vocab, rng);
        _targets = new int[_perStep ? _batchSize * _steps : _batchSize];
        for (int i = 0; i < _targets.Length; i++) _targets[i] = rng.NextInt(_classes);
        _dLogits = _perStep ? new Tensor(_batchSize, _steps, _classes) : new Tensor(_batchSize, _classes);
    }

    /// <summary>One training step: zero grads, forward, loss, backward, Adam.</summary>
    protected override void TrainStep()
    {
        _model.ZeroGrad();
        Tensor logits = _model.Forward(_batch);
        CrossEntropyLoss.Forward(logits.Span, _classes, _targets, _dLogits.Span);
        _model.Backward(_dLogits);
        _adam.Step();
    }
}

/// <summary>rnn_big: RNN(128→512, tanh), no head; MSE between the last step's output and a random target [64, 512]; no input gradient.</summary>
internal sealed class RnnBig() : EngineTraining("rnn_big")
{
    private const int B = 64, T = 64, I = 128, H = 512;
    private RecurrentLayer _rnn = null!;
    private Adam _adam = null!;
    private Tensor _x = null!, _out = null!, _hN = null!, _dHN = null!;
    private float[] _target = [];

    protected override int ItemsPerStep => B;

    protected override long Parameters => _rnn.Parameters.ElementCount;

    protected override JsonObject Config => new()
    {
        ["cell"] = "RNN_TANH", ["input"] = I, ["hidden"] = H, ["batch"] = B, ["seq"] = T,
        ["optimizer"] = "Adam(lr=1e-3)", ["loss"] = "MSE(output at last step, random target)",
    };

    protected override void Setup()
    {
        _rnn = new RecurrentLayer(CellType.Rnn, I, H, seed: 0);
        _adam = new Adam(_rnn.Parameters.Values, 1e-3f);
        var rng = new Rng(3);
        _x = new Tensor(B, T, I);
        rng.FillNormal(_x.Span);
        _target = new float[B * H];
        rng.FillNormal(_target);
        _out = new Tensor(B, T, H);
        _hN = new Tensor(1, B, H);
        _dHN = new Tensor(1, B, H);
    }

    /// <summary>One training step; the last step's output is h_n, so the loss gradient enters through dL/dh_n.</summary>
    protected override void TrainStep()
    {
        _rnn.ZeroGrad();
        _rnn.Forward(_x, null, default, _out, _hN, null);
        MseLoss.Forward(_hN.Span, _target, _dHN.Span);
        _rnn.Backward(null, _dHN, null, null, null, null);
        _adam.Step();
    }
}

/// <summary>seed_trend: RNN(1→8) + Linear(8→2), the 4×5×1 trend set, CrossEntropy, Adam lr 0.05, 100 full-batch epochs.</summary>
internal sealed class SeedTrend() : FullRunWorkload("seed_trend")
{
    /// <summary>The 4×5×1 trend set [B, T] (shared with the libtorch workload).</summary>
    internal static readonly float[] Inputs =
    [
        1.0f, 1.2f, 1.3f, 1.1f, 1.0f,
        -1.0f, -1.1f, -1.3f, -0.9f, -1.2f,
        0.8f, 0.7f, 1.0f, 0.9f, 1.1f,
        -0.6f, -0.7f, -0.9f, -1.0f, -0.8f,
    ];

    /// <summary>Its labels [B].</summary>
    internal static readonly int[] Labels = [1, 0, 1, 0];

    public override string TimedUnit => "100 epochs (1 full-batch step each)";

    protected override JsonObject Config => new()
    {
        ["cell"] = "RNN_TANH", ["input"] = 1, ["hidden"] = 8, ["out"] = 2, ["batch"] = 4, ["seq"] = 5, ["epochs"] = 100,
        ["optimizer"] = "Adam(lr=0.05)", ["loss"] = "CrossEntropy(last step)",
    };

    protected override (double Seconds, JsonObject Extras) RunOnce()
    {
        var model = WorkloadModels.FloatRnn(1, 8, 2, 42);
        var adam = new Adam(model.Parameters.Values, 0.05f);
        var batch = new SequenceBatch();
        batch.ResetValues(4, 5, 1);
        Inputs.CopyTo(batch.Values);
        batch.Seal();
        var dLogits = new Tensor(4, 2);
        float loss = 0;
        Tensor logits = dLogits;
        double seconds = TimeBlock(() =>
        {
            for (int epoch = 0; epoch < 100; epoch++)
            {
                model.ZeroGrad();
                logits = model.Forward(batch);
                loss = CrossEntropyLoss.Forward(logits.Span, 2, Labels, dLogits.Span);
                model.Backward(dLogits);
                adam.Step();
            }
        });
        int correct = 0;
        for (int i = 0; i < 4; i++) correct += (logits[i, 1] > logits[i, 0] ? 1 : 0) == Labels[i] ? 1 : 0;
        return (seconds, new JsonObject { ["final_loss"] = loss, ["final_acc"] = correct / 4.0 });
    }
}

/// <summary>sine: RNN(1→32) + Linear(32→1), 480 windows of sin(linspace(0, 4π, 500)), MSE, Adam lr 0.01, 10 full-batch epochs.</summary>
internal sealed class Sine() : FullRunWorkload("sine")
{
    private const int Points = 500, Window = 20, N = Points - Window;

    public override string TimedUnit => "10 epochs (1 full-batch step each)";

    protected override JsonObject Config => new()
    {
        ["cell"] = "RNN_TANH", ["input"] = 1, ["hidden"] = 32, ["out"] = 1, ["batch"] = N, ["seq"] = Window, ["epochs"] = 10,
        ["optimizer"] = "Adam(lr=0.01)", ["loss"] = "MSE(last step)",
        ["data"] = "sin(linspace(0,4pi,500)), windows of 20 -> next value (480 windows)",
    };

    protected override (double Seconds, JsonObject Extras) RunOnce()
    {
        var s = new double[Points];
        for (int i = 0; i < Points; i++) s[i] = Math.Sin(4.0 * Math.PI * i / (Points - 1));
        var batch = new SequenceBatch();
        batch.ResetValues(N, Window, 1);
        Span<float> values = batch.Values;
        var target = new float[N];
        for (int i = 0; i < N; i++)
        {
            for (int j = 0; j < Window; j++) values[i * Window + j] = (float)s[i + j];
            target[i] = (float)s[i + Window];
        }
        batch.Seal();
        var model = WorkloadModels.FloatRnn(1, 32, 1, 42);
        var adam = new Adam(model.Parameters.Values, 0.01f);
        var dPred = new Tensor(N, 1);
        var losses = new float[10];
        double seconds = TimeBlock(() =>
        {
            for (int epoch = 0; epoch < 10; epoch++)
            {
                model.ZeroGrad();
                Tensor pred = model.Forward(batch);
                losses[epoch] = MseLoss.Forward(pred.Span, target, dPred.Span);
                model.Backward(dPred);
                adam.Step();
            }
        });
        return (seconds, new JsonObject
        {
            ["final_loss"] = losses[^1],
            ["loss_per_epoch"] = new JsonArray([.. losses.Select(l => (JsonNode?)l)]),
        });
    }
}

/// <summary>infer_latency: the lstm_cls model in eval mode, one sequence [1, 50] per call.</summary>
internal sealed class InferLatency() : LatencyWorkload("infer_latency")
{
    private SequenceModel _model = null!;
    private SequenceBatch _batch = null!;

    protected override JsonObject Config => new()
    {
        ["model"] = "lstm_cls (Embedding(5000,64)+LSTM(64->128)+Linear(128->2))", ["batch"] = 1, ["seq"] = 50, ["mode"] = "Eval()",
    };

    protected override void Setup()
    {
        _model = WorkloadModels.TokenModel(CellType.Lstm, 5000, 64, 128, 2, false);
        _model.Eval();
        _batch = WorkloadModels.RandomTokens(1, 50, 5000, new Rng(4));
    }

    protected override void Call() => _model.Forward(_batch);

    public override JsonObject Measure(BenchSettings settings)
    {
        var line = base.Measure(settings);
        WorkloadModels.AddMemory(line);
        return line;
    }
}

/// <summary>infer_batch256: the lstm_cls model in eval mode, [256, 50] token ids per call.</summary>
internal sealed class InferBatch256() : BatchInferenceWorkload("infer_batch256")
{
    private SequenceModel _model = null!;
    private SequenceBatch _batch = null!;

    protected override int ItemsPerStep => 256;

    protected override JsonObject Config => new()
    {
        ["model"] = "lstm_cls (Embedding(5000,64)+LSTM(64->128)+Linear(128->2))", ["batch"] = 256, ["seq"] = 50, ["mode"] = "Eval()",
    };

    protected override void Setup()
    {
        _model = WorkloadModels.TokenModel(CellType.Lstm, 5000, 64, 128, 2, false);
        _model.Eval();
        _batch = WorkloadModels.RandomTokens(256, 50, 5000, new Rng(5));
    }

    protected override void Step() => _model.Forward(_batch);

    protected override void AddExtras(JsonObject line, int steps, double medianSeconds)
    {
        base.AddExtras(line, steps, medianSeconds);
        WorkloadModels.AddMemory(line);
    }
}
