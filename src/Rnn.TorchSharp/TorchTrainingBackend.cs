using Rnn.Core.Models;
using Rnn.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Rnn.TorchSharp;

/// <summary>
/// The libtorch backend of <see cref="SequenceTrainer"/>: set <see cref="TrainerOptions.Backend"/> to an instance and the
/// trainer's loop (length-bucketed batches, validation, early stopping, schedules, progress) runs its steps on libtorch
/// (<see cref="TorchSequenceModel"/>, libtorch's Adam / AdamW / SGD, <c>clip_grad_norm_</c>); the trained weights end up in
/// the managed <see cref="SequenceModel"/>, which then predicts without libtorch.
/// </summary>
/// <remarks>
/// Training starts from the managed model's weights, so both backends start alike. Dropout draws come from libtorch's
/// generator, seeded from <see cref="TrainerOptions.Seed"/> when a session starts.
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
}
