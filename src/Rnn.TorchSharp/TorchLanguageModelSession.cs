using Rnn.Core.Models;
using Rnn.Core.Training;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;
using TorchParameter = TorchSharp.Modules.Parameter;

namespace Rnn.TorchSharp;

// B = streams (batch), T = steps per chunk, N = B·T positions, V = vocabulary, L = layers, H = hidden.

/// <summary>
/// One language-model run on libtorch for <see cref="LanguageModelTrainer"/>: a <see cref="TorchSequenceModel"/> holding
/// the managed model's weights, its optimiser, and the state carried from chunk to chunk (detached, as PyTorch's
/// <c>repackage_hidden</c>).
/// </summary>
internal sealed class TorchLanguageModelSession : ILanguageModelSession
{
    private readonly SequenceModel _model;
    private readonly TorchSequenceModel _net;
    private readonly TorchParameter[] _byManagedOrder;  // the torch parameter of each managed parameter, in the managed order
    private readonly TorchParameter[] _trainable;
    private readonly optim.Optimizer _optimizer;
    private readonly float _clipNorm;
    private Tensor? _h;                                 // carried h [L, B, H]
    private Tensor? _c;                                 // carried c [L, B, H] (LSTM)

    public TorchLanguageModelSession(SequenceModel model, LanguageModelOptions options, Device device)
    {
        _model = model;
        _clipNorm = options.GradientClipNorm;
        torch.random.manual_seed(model.Options.Seed);     // dropout draws: libtorch's generator, seeded as the managed model's
        _net = TorchSequenceModel.FromManaged(model, device);
        _net.train();
        var byName = _net.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        _byManagedOrder = model.Parameters.Keys.Select(name => byName[name]).ToArray();
        _trainable = model.Parameters.Where(p => p.Value.RequiresGrad).Select(p => byName[p.Key]).ToArray();
        _optimizer = TorchTrainingSession.CreateOptimizer(_trainable, options.Optimizer, options.LearningRate, options.WeightDecay);
    }

    public double Step(SequenceBatch batch, ReadOnlySpan<int> targets, bool fromCarriedState, out float gradientNorm)
    {
        if (!_net.training) _net.train();
        _optimizer.zero_grad();
        using var scope = NewDisposeScope();
        var (logits, hN, cN) = _net.ForwardWithState(Tokens(batch), null, fromCarriedState ? _h : null, fromCarriedState ? _c : null); // [B, T, V]
        var loss = CrossEntropy(logits, targets);
        loss.backward();
        gradientNorm = (float)(_clipNorm > 0f
            ? nn.utils.clip_grad_norm_(_trainable, _clipNorm)
            : TorchTrainingSession.GlobalNorm(_trainable));
        _optimizer.step();
        Carry(hN, cN);
        return loss.item<float>();
    }

    public double Loss(SequenceBatch batch, ReadOnlySpan<int> targets, bool fromCarriedState)
    {
        if (_net.training) _net.eval();
        // Not under no_grad: libtorch 2.10's CPU LSTM without autograd (its oneDNN inference path) returns outputs that
        // differ from the autograd path and from the managed engine by up to 0.5 on full-length batches (seen on this
        // build; the packed path is unaffected). The graph built here is freed with the scope.
        using var scope = NewDisposeScope();
        var (logits, hN, cN) = _net.ForwardWithState(Tokens(batch), null, fromCarriedState ? _h : null, fromCarriedState ? _c : null);
        var loss = CrossEntropy(logits, targets);
        Carry(hN, cN);
        return loss.item<float>();
    }

    public float[][] Snapshot(float[][]? into) => TorchTrainingSession.Snapshot(_byManagedOrder, into);

    public void Restore(float[][] saved) => TorchTrainingSession.Restore(_byManagedOrder, saved);

    public void Complete() => _net.CopyTo(_model);

    public void Dispose()
    {
        _h?.Dispose();
        _c?.Dispose();
        _optimizer.Dispose();
        _net.Dispose();
    }

    /// <summary>Keeps the chunk's final state as the next chunk's initial state: values only, outside the graph.</summary>
    private void Carry(Tensor hN, Tensor? cN)
    {
        _h?.Dispose();
        _c?.Dispose();
        _h = hN.detach().MoveToOuterDisposeScope();
        _c = cN?.detach().MoveToOuterDisposeScope();
    }

    // logits [B, T, V], targets [N] → mean over the N positions of −log softmax(logits)[target]
    private Tensor CrossEntropy(Tensor logits, ReadOnlySpan<int> targets)
    {
        var expected = tensor(targets.ToArray(), dtype: ScalarType.Int32, device: _net.Device).to(ScalarType.Int64);
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]), expected);
    }

    // token ids [B, T], int64
    private Tensor Tokens(SequenceBatch batch) =>
        tensor(batch.Tokens.ToArray(), new long[] { batch.Batch, batch.Steps }, dtype: ScalarType.Int32, device: _net.Device).to(ScalarType.Int64);
}
