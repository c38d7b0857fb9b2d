using Rnn.Core.Models;
using Rnn.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Rnn.TorchSharp;

/// <summary>
/// The libtorch backend of <see cref="SequenceTrainer"/> and <see cref="LanguageModelTrainer"/>: set
/// <see cref="TrainerOptions.Backend"/> (or <see cref="LanguageModelOptions.Backend"/>) to an instance and the
/// trainer's loop (batches or chunks, validation, early stopping or best weights, schedules, time budget, progress) runs its
/// steps on libtorch
/// (<see cref="TorchSequenceModel"/>, libtorch's Adam / AdamW / SGD, <c>clip_grad_norm_</c>); the trained weights end up in
/// the managed <see cref="SequenceModel"/>, which then predicts without libtorch.
/// </summary>
/// <remarks>
/// Training starts from the managed model's weights, so both backends start alike. Dropout draws come from libtorch's
/// generator, seeded when a session starts from <see cref="TrainerOptions.Seed"/> (<see cref="SequenceTrainer"/>) or from the
/// model's <see cref="SequenceModelOptions.Seed"/> (<see cref="LanguageModelTrainer"/>).
/// </remarks>
public sealed class TorchTrainingBackend : ITrainingBackend
{
    /// <summary>Selects a libtorch device, loading libtorch first.</summary>
    /// <param name="device">"cpu", "cuda" or "cuda:N". Default "cpu".</param>
    /// <exception cref="InvalidOperationException">libtorch cannot be loaded, or the device is not available; the message says which package or setup is missing.</exception>
    /// <exception cref="ArgumentException">The device name is not one of the forms above.</exception>
    public TorchTrainingBackend(string device = "cpu")
    {
        Device = TorchRuntime.Resolve(device);
    }

    /// <summary>The libtorch device the steps run on.</summary>
    public Device Device { get; }

    /// <inheritdoc />
    public string Name => $"torchsharp ({Device})";

    /// <inheritdoc />
    public ITrainingSession CreateSession(SequenceModel model, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        return new TorchTrainingSession(model, options, Device);
    }

    /// <inheritdoc />
    /// <remarks>
    /// libtorch's Adam / AdamW / SGD and <c>clip_grad_norm_</c>, cross-entropy over every position of a chunk; dropout draws
    /// come from libtorch's generator, seeded from the model's <see cref="SequenceModelOptions.Seed"/> when the session
    /// starts (on the CPU, the same seed gives the same run).
    /// </remarks>
    public ILanguageModelSession CreateLanguageModelSession(SequenceModel model, LanguageModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        return new TorchLanguageModelSession(model, options, Device);
    }
}
