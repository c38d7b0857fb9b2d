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

    /// <summary>
    /// Starts training <paramref name="model"/> as a language model for <see cref="LanguageModelTrainer"/>: the session
    /// starts from the model's current weights, and its <see cref="ILanguageModelSession.Complete"/> writes the trained
    /// weights back into the model.
    /// </summary>
    /// <param name="model">A per-step token model (see <see cref="LanguageModelTrainer.Fit"/>); its options define the network and its <see cref="SequenceModelOptions.Seed"/> seeds dropout.</param>
    /// <param name="options">The optimiser, learning rate, weight decay and clipping to use.</param>
    ILanguageModelSession CreateLanguageModelSession(SequenceModel model, LanguageModelOptions options);
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

// N = B·T predicted positions, L = layers, H = hidden.

/// <summary>
/// One language-model run on a backend (<see cref="LanguageModelTrainer"/>): a network, its optimiser state and the
/// recurrent state carried from one chunk to the next. <see cref="LanguageModelTrainer"/> keeps the loop (streams, chunks,
/// epochs, validation, best weights, time budget, progress). Not thread-safe.
/// </summary>
public interface ILanguageModelSession : IDisposable
{
    /// <summary>
    /// One optimisation step on a chunk in training mode: zero the gradients; forward from the carried state
    /// (<paramref name="fromCarriedState"/>) or from zero; keep the final state (h, and c for an LSTM, [L, B, H]) as the new
    /// carried state, detached; mean next-token cross-entropy; backward through the chunk; clip the global gradient norm
    /// to <see cref="LanguageModelOptions.GradientClipNorm"/> (0: no clipping); update.
    /// </summary>
    /// <param name="batch">Token ids [B, T], full length.</param>
    /// <param name="targets">The next token of every position [N], row-major as the inputs.</param>
    /// <param name="fromCarriedState">Start from the state the previous call left; false starts from zero.</param>
    /// <param name="gradientNorm">The global gradient norm before clipping.</param>
    /// <returns>The mean cross-entropy over the N positions (nats per token).</returns>
    double Step(SequenceBatch batch, ReadOnlySpan<int> targets, bool fromCarriedState, out float gradientNorm);

    /// <summary>
    /// The mean next-token cross-entropy of a chunk in evaluation mode, no gradient; the final state becomes the carried
    /// state, as in <see cref="Step"/>.
    /// </summary>
    /// <param name="batch">Token ids [B, T], full length.</param>
    /// <param name="targets">The next token of every position [N].</param>
    /// <param name="fromCarriedState">Start from the state the previous call left; false starts from zero.</param>
    /// <returns>The mean cross-entropy over the N positions (nats per token).</returns>
    double Loss(SequenceBatch batch, ReadOnlySpan<int> targets, bool fromCarriedState);

    /// <summary>Copies the current weights (frozen ones included), in the order of the model's <see cref="Module.Parameters"/>, into <paramref name="into"/> (allocated when null).</summary>
    float[][] Snapshot(float[][]? into);

    /// <summary>Sets the weights from a <see cref="Snapshot"/>.</summary>
    void Restore(float[][] saved);

    /// <summary>Writes the current weights into the managed model (a no-op for the managed engine, which trains it in place); may be called more than once.</summary>
    void Complete();
}
