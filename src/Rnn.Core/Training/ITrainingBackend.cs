using Rnn.Core.Models;

namespace Rnn.Core.Training;

// B = batch, T = longest length in a batch, O = outputs of the model.

/// <summary>
/// The engine that runs the forward and backward passes and the optimiser for <see cref="SequenceTrainer"/>. The trainer
/// keeps the loop (batching by length, validation, early stopping, schedules, progress); a backend only computes steps.
/// Null in <see cref="TrainerOptions.Backend"/> is the managed engine of this library; <c>Rnn.TorchSharp</c> supplies libtorch.
/// </summary>
public interface ITrainingBackend
{
    /// <summary>A short name for messages, e.g. "managed" or "torchsharp (cpu)".</summary>
    string Name { get; }

    /// <summary>
    /// Starts training <paramref name="model"/>: the session starts from the model's current weights, and its
    /// <see cref="ITrainingSession.Complete"/> writes the trained weights back into the model.
    /// </summary>
    /// <param name="model">The managed model, whose options define the network and whose weights are the starting point.</param>
    /// <param name="options">The optimiser, learning rate, weight decay, clipping and loss to use.</param>
    ITrainingSession CreateSession(SequenceModel model, TrainerOptions options);
}

/// <summary>One training run on a backend: a network with its optimiser state. Not thread-safe.</summary>
public interface ITrainingSession : IDisposable
{
    /// <summary>The optimiser's learning rate (set by the trainer when a schedule is in use).</summary>
    float LearningRate { get; set; }

    /// <summary>
    /// One optimisation step on a filled batch in training mode: zero the gradients, forward, loss, backward, clip the
    /// global gradient norm to <see cref="TrainerOptions.GradientClipNorm"/> (0: no clipping), update.
    /// </summary>
    /// <param name="batch">The inputs [B, T] or [B, T, F] with lengths.</param>
    /// <param name="classTargets">Class index per example [B] (cross-entropy), or empty.</param>
    /// <param name="valueTargets">Targets [B, O] (MSE, Huber), or empty.</param>
    /// <param name="gradientNorm">The global gradient norm before clipping.</param>
    /// <returns>The mean loss of the batch.</returns>
    double Step(SequenceBatch batch, ReadOnlySpan<int> classTargets, ReadOnlySpan<float> valueTargets, out float gradientNorm);

    /// <summary>Outputs of the network in evaluation mode [B, O] (owned by the session, overwritten by the next call).</summary>
    Tensor Predict(SequenceBatch batch);

    /// <summary>Copies the current weights, in the order of the model's <see cref="Module.Parameters"/>, into <paramref name="into"/> (allocated when null).</summary>
    float[][] Snapshot(float[][]? into);

    /// <summary>Sets the weights from a <see cref="Snapshot"/>.</summary>
    void Restore(float[][] saved);

    /// <summary>Writes the trained weights into the managed model (a no-op for the managed engine, which trains it in place).</summary>
    void Complete();
}
