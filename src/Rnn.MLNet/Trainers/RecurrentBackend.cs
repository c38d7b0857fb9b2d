using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using Rnn.Core.Training;

namespace Rnn.MLNet;

/// <summary>The engine a recurrent trainer trains on. The fitted transformer and its saved zip are the same for both.</summary>
public enum RecurrentBackend
{
    /// <summary>RnnMl's managed engine (no native dependency).</summary>
    Managed,

    /// <summary>
    /// libtorch through TorchSharp: the application references the Rnn.TorchSharp package and a TorchSharp build
    /// (TorchSharp-cpu, or TorchSharp-cuda-linux / TorchSharp-cuda-windows for a GPU). The trained weights are copied into
    /// the managed model, so scoring needs no libtorch.
    /// </summary>
    TorchSharp,
}

/// <summary>
/// Finds the libtorch backend at Fit time, by name, so Rnn.MLNet does not reference Rnn.TorchSharp and an application that
/// never selects <see cref="RecurrentBackend.TorchSharp"/> never loads libtorch.
/// </summary>
internal static class TrainingBackendLoader
{
    private const string TorchBackendType = "Rnn.TorchSharp.TorchTrainingBackend, Rnn.TorchSharp";

    /// <summary>The backend the options ask for: null for the managed engine.</summary>
    /// <exception cref="InvalidOperationException">TorchSharp is asked for but Rnn.TorchSharp, TorchSharp or libtorch cannot be loaded, or the device is unavailable.</exception>
    public static ITrainingBackend? Create(RecurrentTrainerOptions options, IHostEnvironment? environment) =>
        Create(options.Backend, options.Device, environment, nameof(RecurrentTrainerOptions));

    /// <summary>The backend <paramref name="backend"/> and <paramref name="device"/> ask for: null for the managed engine.</summary>
    /// <param name="backend">The engine.</param>
    /// <param name="device">"cpu", "cuda", "cuda:N", or null for MLContext's GPU settings (see <see cref="RecurrentTrainerOptions.Device"/>).</param>
    /// <param name="environment">The MLContext, whose GpuDeviceId and FallbackToCpu apply when <paramref name="device"/> is null.</param>
    /// <param name="optionsName">The options class, named in messages.</param>
    /// <exception cref="InvalidOperationException">TorchSharp is asked for but Rnn.TorchSharp, TorchSharp or libtorch cannot be loaded, or the device is unavailable.</exception>
    /// <exception cref="ArgumentException">The device name is not "cpu", "cuda" or "cuda:N".</exception>
    public static ITrainingBackend? Create(RecurrentBackend backend, string? device, IHostEnvironment? environment, string optionsName)
    {
        if (backend == RecurrentBackend.Managed) return null;
        var context = environment as MLContext;
        device ??= context?.GpuDeviceId is int id ? $"cuda:{id}" : "cpu";
        try
        {
            return Load(device, optionsName);
        }
        catch (InvalidOperationException) when (context?.FallbackToCpu == true && !device.Equals("cpu", StringComparison.OrdinalIgnoreCase))
        {
            return Load("cpu", optionsName); // MLContext.FallbackToCpu: no usable GPU, train on the CPU instead
        }
    }

    private static ITrainingBackend Load(string device, string optionsName)
    {
        const string Reference = "Add a reference to the Rnn.TorchSharp package and to TorchSharp-cpu (or TorchSharp-cuda-linux / TorchSharp-cuda-windows for a GPU) in the application, or use RecurrentBackend.Managed.";
        Type? type;
        try
        {
            type = Type.GetType(TorchBackendType, throwOnError: false);
        }
        catch (Exception e) when (e is FileLoadException or BadImageFormatException)
        {
            throw new InvalidOperationException($"{optionsName}.Backend = TorchSharp: the Rnn.TorchSharp assembly cannot be loaded ({e.Message}). {Reference}", e);
        }
        if (type is null)
            throw new InvalidOperationException($"{optionsName}.Backend = TorchSharp needs the Rnn.TorchSharp assembly, which this application does not have. {Reference}");
        try
        {
            return (ITrainingBackend)Activator.CreateInstance(type, device)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is InvalidOperationException or ArgumentException)
        {
            ExceptionDispatchInfo.Capture(e.InnerException!).Throw();
            throw; // not reached
        }
        catch (Exception e) when (e is TargetInvocationException or FileNotFoundException or FileLoadException or TypeLoadException or TypeInitializationException)
        {
            throw new InvalidOperationException($"{optionsName}.Backend = TorchSharp: TorchSharp or libtorch cannot be loaded ({(e.InnerException ?? e).Message}). {Reference}", e);
        }
    }
}
