using Rnn.Core.Models;
using Rnn.Core.Training;
using TorchSharp;
using static TorchSharp.torch;
using ManagedTensor = Rnn.Core.Tensor;
using Tensor = TorchSharp.torch.Tensor;
using TorchParameter = TorchSharp.Modules.Parameter;

namespace Rnn.TorchSharp;

// B = batch, T = longest length in the batch, F = features per step, O = outputs.

/// <summary>One training run on libtorch: a <see cref="TorchSequenceModel"/> holding the managed model's weights, and its optimiser.</summary>
internal sealed class TorchTrainingSession : ITrainingSession
{
    private readonly SequenceModel _model;
    private readonly TrainerOptions _options;
    private readonly TorchSequenceModel _net;
    private readonly TorchParameter[] _byManagedOrder;   // the torch parameter of each managed parameter, in the managed order
    private readonly TorchParameter[] _trainable;
    private readonly optim.Optimizer _optimizer;
    private readonly Tensor? _classWeights;               // [C]

    public TorchTrainingSession(SequenceModel model, TrainerOptions options, Device device)
    {
        _model = model;
        _options = options;
        torch.random.manual_seed(options.Seed);
        _net = TorchSequenceModel.FromManaged(model, device);
        _net.train();
        var byName = _net.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        _byManagedOrder = model.Parameters.Keys.Select(name => byName[name]).ToArray();
        _trainable = _byManagedOrder.Where(p => p.requires_grad).ToArray();
        _optimizer = CreateOptimizer(_trainable, options.Optimizer, options.LearningRate, options.WeightDecay);
        if (options.ClassWeights is { } weights) _classWeights = tensor(weights, dtype: ScalarType.Float32, device: device);
    }

    public float LearningRate
    {
        get => (float)_optimizer.ParamGroups.First().LearningRate;
        set
        {
            foreach (var group in _optimizer.ParamGroups) group.LearningRate = value;
        }
    }

    public double Step(SequenceBatch batch, ReadOnlySpan<int> classTargets, ReadOnlySpan<float> valueTargets, out float gradientNorm)
    {
        _net.train();
        _optimizer.zero_grad();
        using var scope = NewDisposeScope();
        var (input, lengths) = ToTorch(batch, _net.Device);
        var logits = _net.Forward(input, lengths);                                                 // [B, O]
        Tensor loss;
        if (_options.Loss == LossKind.CrossEntropy)
        {
            var targets = tensor(ToLong(classTargets), dtype: ScalarType.Int64, device: _net.Device); // [B]
            loss = nn.functional.cross_entropy(logits, targets, _classWeights);
        }
        else
        {
            var targets = tensor(valueTargets.ToArray(), logits.shape, dtype: ScalarType.Float32, device: _net.Device); // [B, O]
            loss = _options.Loss == LossKind.Mse
                ? nn.functional.mse_loss(logits, targets)
                : nn.functional.huber_loss(logits, targets, _options.HuberDelta);
        }
        loss.backward();
        gradientNorm = (float)(_options.GradientClipNorm > 0f
            ? nn.utils.clip_grad_norm_(_trainable, _options.GradientClipNorm)
            : GlobalNorm(_trainable));
        _optimizer.step();
        return loss.item<float>();
    }

    public ManagedTensor Predict(SequenceBatch batch)
    {
        _net.eval();
        // Not under no_grad: see TorchLanguageModelSession.Loss (libtorch's CPU LSTM inference path gives other outputs).
        using var scope = NewDisposeScope();
        var (input, lengths) = ToTorch(batch, _net.Device);
        var logits = _net.Forward(input, lengths);
        var result = new ManagedTensor(logits.shape.Select(d => (int)d).ToArray());
        TorchParameters.ToManaged(logits, result.Span);
        return result;
    }

    public float[][] Snapshot(float[][]? into) => Snapshot(_byManagedOrder, into);

    public void Restore(float[][] saved) => Restore(_byManagedOrder, saved);

    public void Complete() => _net.CopyTo(_model);

    public void Dispose()
    {
        _optimizer.Dispose();
        _classWeights?.Dispose();
        _net.Dispose();
    }

    /// <summary>The batch as libtorch tensors: token ids [B, T] (int64) or float steps [B, T, F], and the lengths (null when full).</summary>
    internal static (Tensor Input, long[]? Lengths) ToTorch(SequenceBatch batch, Device device)
    {
        Tensor input = batch.Features == 0
            ? tensor(ToLong(batch.Tokens), new long[] { batch.Batch, batch.Steps }, dtype: ScalarType.Int64, device: device)
            : tensor(batch.Values.ToArray(), new long[] { batch.Batch, batch.Steps, batch.Features }, dtype: ScalarType.Float32, device: device);
        return (input, batch.IsFullLength ? null : ToLong(batch.Lengths));
    }

    private static long[] ToLong(ReadOnlySpan<int> values)
    {
        var result = new long[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }

    /// <summary>libtorch's optimiser of <paramref name="kind"/> over <paramref name="parameters"/>, configured as the managed one (SGD with momentum 0.9).</summary>
    internal static optim.Optimizer CreateOptimizer(TorchParameter[] parameters, OptimizerKind kind, float learningRate, float weightDecay) => kind switch
    {
        OptimizerKind.Adam => optim.Adam(parameters, learningRate, weight_decay: weightDecay),
        OptimizerKind.AdamW => optim.AdamW(parameters, learningRate, weight_decay: weightDecay),
        _ => optim.SGD(parameters, learningRate, momentum: 0.9, weight_decay: weightDecay),
    };

    /// <summary>Copies the values of <paramref name="parameters"/> into <paramref name="into"/> (allocated when null).</summary>
    internal static float[][] Snapshot(TorchParameter[] parameters, float[][]? into)
    {
        into ??= parameters.Select(p => new float[p.numel()]).ToArray();
        for (int i = 0; i < parameters.Length; i++) TorchParameters.ToManaged(parameters[i], into[i]);
        return into;
    }

    /// <summary>Sets <paramref name="parameters"/> from a <see cref="Snapshot(TorchParameter[], float[][])"/>.</summary>
    internal static void Restore(TorchParameter[] parameters, float[][] saved)
    {
        using var noGrad = no_grad();
        for (int i = 0; i < parameters.Length; i++)
        {
            using var values = tensor(saved[i], parameters[i].shape, dtype: ScalarType.Float32);
            parameters[i].copy_(values);
        }
    }

    /// <summary>The global L2 norm of the gradients of <paramref name="parameters"/>.</summary>
    internal static double GlobalNorm(TorchParameter[] parameters)
    {
        using var noGrad = no_grad();
        double sum = 0;
        foreach (var p in parameters)
        {
            if (p.grad is { } g) sum += g.square().sum().item<float>();
        }
        return Math.Sqrt(sum);
    }
}
