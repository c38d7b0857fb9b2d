using System.Text.Json.Nodes;
using Rnn.Benchmarks.Measurement;
using Rnn.Core.Layers;
using Rnn.Core.Models;
using Rnn.Core.Numerics;
using Rnn.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace Rnn.Benchmarks.Workloads;

// B = batch, T = steps, I = input features, H = hidden, O = outputs, V = vocabulary.

/// <summary>
/// The workloads of WORKLOADS.md on libtorch through TorchSharp (Rnn.TorchSharp's <see cref="TorchSequenceModel"/> and
/// <see cref="TorchRecurrentLayer"/>, libtorch's Adam), with the same sizes, data, warm-up and repeats as the managed
/// ones, measured by the same patterns, so both engines print the same fields side by side (<c>impl</c> = "TorchSharp").
/// Each model starts from the managed model's weights.
/// </summary>
internal static class TorchWorkloads
{
    private static readonly Dictionary<string, Func<Workload>> s_factories = new()
    {
        ["seed_trend"] = () => new TorchSeedTrend(),
        ["sine"] = () => new TorchSine(),
        ["lstm_cls"] = () => new TorchTokenTraining("lstm_cls", CellType.Lstm, 5000, 64, 128, 2, 64, 50, false),
        ["gru_cls"] = () => new TorchTokenTraining("gru_cls", CellType.Gru, 5000, 64, 128, 2, 64, 50, false),
        ["charlm"] = () => new TorchTokenTraining("charlm", CellType.Lstm, 65, 64, 256, 65, 32, 100, true),
        ["rnn_big"] = () => new TorchRnnBig(),
        ["infer_latency"] = () => new TorchInferLatency(),
        ["infer_batch256"] = () => new TorchInferBatch256(),
        ["matmul_ref"] = () => new TorchMatmulRef(),
    };

    public static bool IsImplemented(string name) => s_factories.ContainsKey(name);

    /// <summary>Runs one workload on libtorch with <see cref="BenchSettings.Threads"/> intra-op threads.</summary>
    public static JsonObject Run(string name, BenchSettings settings)
    {
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(settings.Threads);
        Workload workload = s_factories[name]();
        var before = CpuSnapshot.Take();
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        JsonObject line = workload.Measure(settings);
        (workload as IDisposable)?.Dispose();
        double wall = System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds;
        ResultLine.AddContention(line, wall, before, CpuSnapshot.Take());
        line["impl"] = "TorchSharp";
        line["torchsharp"] = typeof(torch).Assembly.GetName().Version?.ToString();
        line["torch_num_threads"] = torch.get_num_threads();
        line["omp_wait_policy"] = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "library default";
        return line;
    }

    /// <summary>A token batch [B, T] as int64 ids (the same ids as the managed workload's, from the same seed).</summary>
    public static Tensor Tokens(int batch, int steps, int vocab, int seed) =>
        TokenTensor(WorkloadModels.RandomTokens(batch, steps, vocab, new Rng(seed)));

    /// <summary>The lstm_cls model in evaluation mode and a [B, 50] batch of token ids (the managed workload's, from the same seed).</summary>
    public static (TorchSequenceModel Model, Tensor Input) LstmClsForInference(int batch, int seed)
    {
        var model = TorchSequenceModel.FromManaged(WorkloadModels.TokenModel(CellType.Lstm, 5000, 64, 128, 2, false));
        model.eval();
        return (model, Tokens(batch, 50, 5000, seed));
    }

    /// <summary>One inference call under no_grad; the logits are released at once.</summary>
    public static void Infer(TorchSequenceModel model, Tensor input)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        model.Forward(input);
    }

    private static Tensor TokenTensor(SequenceBatch batch)
    {
        var ids = new long[batch.Tokens.Length];
        for (int i = 0; i < ids.Length; i++) ids[i] = batch.Tokens[i];
        return torch.tensor(ids, new long[] { batch.Batch, batch.Steps }, dtype: ScalarType.Int64);
    }
}

/// <summary>lstm_cls, gru_cls, charlm on libtorch: zero_grad, forward, cross-entropy, backward, Adam.</summary>
internal sealed class TorchTokenTraining : TrainingWorkload
{
    private readonly CellType _cell;
    private readonly int _vocab, _embedding, _hidden, _classes, _batchSize, _steps;
    private readonly bool _perStep;
    private TorchSequenceModel _model = null!;
    private optim.Optimizer _adam = null!;
    private Tensor _input = null!, _targets = null!;

    public TorchTokenTraining(string name, CellType cell, int vocab, int embedding, int hidden, int classes, int batch, int steps, bool perStep)
        : base(name)
    {
        (_cell, _vocab, _embedding, _hidden, _classes, _batchSize, _steps, _perStep) = (cell, vocab, embedding, hidden, classes, batch, steps, perStep);
    }

    public override string Metric => _perStep ? "train_tokens_per_s" : "train_seq_per_s";

    public override string Unit => _perStep ? "tokens/s" : "seq/s";

    protected override int ItemsPerStep => _perStep ? _batchSize * _steps : _batchSize;

    protected override long Parameters => _model.parameters().Sum(p => p.numel());

    protected override JsonObject Config => new()
    {
        ["cell"] = _cell.ToString().ToUpperInvariant(), ["vocab"] = _vocab, ["emb"] = _embedding, ["hidden"] = _hidden,
        ["out"] = _classes, ["batch"] = _batchSize, ["seq"] = _steps, ["optimizer"] = "Adam(lr=1e-3)",
        ["loss"] = _perStep ? "CrossEntropy(every step, mean over B*T)" : "CrossEntropy(last step)",
    };

    protected override void Setup()
    {
        _model = TorchSequenceModel.FromManaged(WorkloadModels.TokenModel(_cell, _vocab, _embedding, _hidden, _classes, _perStep));
        _model.train();
        _adam = optim.Adam(_model.parameters(), 1e-3);
        int seed = _perStep ? 2 : 1;
        _input = TorchWorkloads.Tokens(_batchSize, _steps, _vocab, seed);
        var rng = new Rng(seed);
        _ = WorkloadModels.RandomTokens(_batchSize, _steps, _vocab, rng);   // the managed workload draws its targets after the ids
        var targets = new long[_perStep ? _batchSize * _steps : _batchSize];
        for (int i = 0; i < targets.Length; i++) targets[i] = rng.NextInt(_classes);
        _targets = torch.tensor(targets, dtype: ScalarType.Int64);
    }

    protected override void Step()
    {
        using var scope = NewDisposeScope();
        _adam.zero_grad();
        var logits = _model.Forward(_input);                                    // [B, O] or [B, T, O]
        var loss = nn.functional.cross_entropy(logits.reshape(-1, _classes), _targets);
        loss.backward();
        _adam.step();
    }
}

/// <summary>rnn_big on libtorch: RNN(128→512, tanh), MSE between the last step's output and a random target, Adam.</summary>
internal sealed class TorchRnnBig() : TrainingWorkload("rnn_big"), IDisposable
{
    private const int B = 64, T = 64, I = 128, H = 512;
    private TorchRecurrentLayer _rnn = null!;
    private optim.Optimizer _adam = null!;
    private Tensor _x = null!, _target = null!;

    protected override int ItemsPerStep => B;

    protected override long Parameters => _rnn.Module.parameters().Sum(p => p.numel());

    protected override JsonObject Config => new()
    {
        ["cell"] = "RNN_TANH", ["input"] = I, ["hidden"] = H, ["batch"] = B, ["seq"] = T,
        ["optimizer"] = "Adam(lr=1e-3)", ["loss"] = "MSE(output at last step, random target)",
    };

    protected override void Setup()
    {
        var managed = new RecurrentLayer(CellType.Rnn, I, H, seed: 0);
        _rnn = new TorchRecurrentLayer(CellType.Rnn, I, H);
        TorchParameters.LoadFrom(_rnn.Module, managed.Parameters);
        _rnn.Module.train();
        _adam = optim.Adam(_rnn.Module.parameters(), 1e-3);
        var rng = new Rng(3);
        var x = new float[B * T * I];
        rng.FillNormal(x);
        var target = new float[B * H];
        rng.FillNormal(target);
        _x = torch.tensor(x, new long[] { B, T, I });
        _target = torch.tensor(target, new long[] { B, H });
    }

    protected override void Step()
    {
        using var scope = NewDisposeScope();
        _adam.zero_grad();
        var r = _rnn.Forward(_x);
        var loss = nn.functional.mse_loss(r.Output[.., -1, ..], _target);
        loss.backward();
        _adam.step();
    }

    public void Dispose() => _rnn?.Dispose();
}

/// <summary>seed_trend on libtorch: RNN(1→8) + Linear(8→2), the 4×5×1 trend set, CrossEntropy, Adam lr 0.05, 100 epochs.</summary>
internal sealed class TorchSeedTrend() : FullRunWorkload("seed_trend")
{
    public override string TimedUnit => "100 epochs (1 full-batch step each)";

    protected override JsonObject Config => new()
    {
        ["cell"] = "RNN_TANH", ["input"] = 1, ["hidden"] = 8, ["out"] = 2, ["batch"] = 4, ["seq"] = 5, ["epochs"] = 100,
        ["optimizer"] = "Adam(lr=0.05)", ["loss"] = "CrossEntropy(last step)",
    };

    protected override (double Seconds, JsonObject Extras) RunOnce()
    {
        using var x = torch.tensor(SeedTrend.Inputs, new long[] { 4, 5, 1 });
        using var y = torch.tensor(SeedTrend.Labels.Select(l => (long)l).ToArray());
        return TorchFullBatch.Train(TimeBlock, WorkloadModels.FloatRnn(1, 8, 2, 42), 0.05, x, y, 100, (p, t) => nn.functional.cross_entropy(p, t));
    }
}

/// <summary>seed_trend and sine on libtorch: a fresh model trained by full-batch Adam steps, timed.</summary>
internal static class TorchFullBatch
{
    /// <summary>Copies <paramref name="managed"/> to libtorch, then times <paramref name="epochs"/> steps; returns the seconds and the last loss.</summary>
    public static (double Seconds, JsonObject Extras) Train(Func<Action, double> time, Rnn.Core.Models.SequenceModel managed, double lr,
        Tensor x, Tensor y, int epochs, Func<Tensor, Tensor, Tensor> lossOf)
    {
        using var model = TorchSequenceModel.FromManaged(managed);
        model.train();
        using var adam = optim.Adam(model.parameters(), lr);
        float loss = 0;
        double seconds = time(() =>
        {
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                using var scope = NewDisposeScope();
                adam.zero_grad();
                var l = lossOf(model.Forward(x), y);
                l.backward();
                adam.step();
                if (epoch == epochs - 1) loss = l.item<float>();
            }
        });
        return (seconds, new JsonObject { ["final_loss"] = loss });
    }
}

/// <summary>sine on libtorch: RNN(1→32) + Linear(32→1), 480 windows, MSE, Adam lr 0.01, 10 full-batch epochs.</summary>
internal sealed class TorchSine() : FullRunWorkload("sine")
{
    private const int Points = 500, Window = 20, N = Points - Window;

    public override string TimedUnit => "10 epochs (1 full-batch step each)";

    protected override JsonObject Config => new()
    {
        ["cell"] = "RNN_TANH", ["input"] = 1, ["hidden"] = 32, ["out"] = 1, ["batch"] = N, ["seq"] = Window, ["epochs"] = 10,
        ["optimizer"] = "Adam(lr=0.01)", ["loss"] = "MSE(last step)",
    };

    protected override (double Seconds, JsonObject Extras) RunOnce()
    {
        var values = new float[N * Window];
        var target = new float[N];
        for (int i = 0; i < N; i++)
        {
            for (int j = 0; j < Window; j++) values[i * Window + j] = (float)Math.Sin(4.0 * Math.PI * (i + j) / (Points - 1));
            target[i] = (float)Math.Sin(4.0 * Math.PI * (i + Window) / (Points - 1));
        }
        using var x = torch.tensor(values, new long[] { N, Window, 1 });
        using var y = torch.tensor(target, new long[] { N, 1 });
        return TorchFullBatch.Train(TimeBlock, WorkloadModels.FloatRnn(1, 32, 1, 42), 0.01, x, y, 10, (p, t) => nn.functional.mse_loss(p, t));
    }
}

/// <summary>infer_latency on libtorch: the lstm_cls model in eval mode under no_grad, one sequence [1, 50] per call.</summary>
internal sealed class TorchInferLatency() : LatencyWorkload("infer_latency")
{
    private TorchSequenceModel _model = null!;
    private Tensor _input = null!;

    protected override JsonObject Config => new()
    {
        ["model"] = "lstm_cls (Embedding(5000,64)+LSTM(64->128)+Linear(128->2))", ["batch"] = 1, ["seq"] = 50, ["mode"] = "eval(), no_grad",
    };

    protected override void Setup() => (_model, _input) = TorchWorkloads.LstmClsForInference(1, 4);

    protected override void Call() => TorchWorkloads.Infer(_model, _input);
}

/// <summary>infer_batch256 on libtorch: the lstm_cls model in eval mode under no_grad, [256, 50] per call.</summary>
internal sealed class TorchInferBatch256() : BatchInferenceWorkload("infer_batch256")
{
    private TorchSequenceModel _model = null!;
    private Tensor _input = null!;

    protected override int ItemsPerStep => 256;

    protected override JsonObject Config => new()
    {
        ["model"] = "lstm_cls (Embedding(5000,64)+LSTM(64->128)+Linear(128->2))", ["batch"] = 256, ["seq"] = 50, ["mode"] = "eval(), no_grad",
    };

    protected override void Setup() => (_model, _input) = TorchWorkloads.LstmClsForInference(256, 5);

    protected override void Step() => TorchWorkloads.Infer(_model, _input);
}

/// <summary>matmul_ref on libtorch: the product of two 1024×1024 matrices into a preallocated output (<c>addmm_</c>, beta 0); then with 1 thread.</summary>
internal sealed class TorchMatmulRef() : Workload("matmul_ref")
{
    private const int Size = 1024;

    public override string Metric => "gflops";
    public override string Unit => "GFLOP/s";
    public override string TimedUnit => "one 1024x1024x1024 product (addmm_ with beta 0)";
    public override bool HigherIsBetter => true;

    public override JsonObject Measure(BenchSettings settings)
    {
        using var a = torch.randn(Size, Size);
        using var b = torch.randn(Size, Size);
        using var c = torch.empty(Size, Size);
        int repeats = settings.Repeats ?? 50;
        long flops = Flops.PerRepeat;

        List<double> MeasureProducts(int threads)
        {
            int saved = torch.get_num_threads();
            torch.set_num_threads(threads);
            try
            {
                for (int i = 0; i < 10; i++) c.addmm_(a, b, beta: 0f);
                var samples = new List<double>(repeats);
                for (int r = 0; r < repeats; r++)
                {
                    long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                    c.addmm_(a, b, beta: 0f);
                    samples.Add(System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds);
                }
                return samples;
            }
            finally
            {
                torch.set_num_threads(saved);
            }
        }

        var samplesN = MeasureProducts(settings.Threads);
        var samples1 = MeasureProducts(1);
        var stN = SampleStats.Of(samplesN);
        var st1 = SampleStats.Of(samples1);
        var config = new JsonObject { ["op"] = "addmm_(beta=0) float32", ["m"] = Size, ["n"] = Size, ["k"] = Size };
        var line = ResultLine.Create(this, flops / stN.Median / 1e9, samplesN, "10 calls", flops, settings.Threads, config);
        line["gflops_1thread"] = flops / st1.Median / 1e9;
        line["gflops_best"] = flops / stN.Min / 1e9;
        line["gflops_1thread_best"] = flops / st1.Min / 1e9;
        return line;
    }
}
