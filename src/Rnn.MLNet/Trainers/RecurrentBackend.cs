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
    public static ITrainingBackend? Create(RecurrentTrainerOptions options, IHostEnvironment? environment)
    {
        if (options.Backend == RecurrentBackend.Managed) return null;
        var context = environment as MLContext;
        string device = options.Device ?? (context?.GpuDeviceId is int id ? $"cuda:{id}" : "cpu");
        try
        {
            return Load(device);
        }
        catch (InvalidOperationException) when (context?.FallbackToCpu == true && !device.Equals("cpu", StringComparison.OrdinalIgnoreCase))
        {
            return Load("cpu"); // MLContext.FallbackToCpu: no usable GPU, train on the CPU instead
        }
    }

    private static ITrainingBackend Load(string device)
    {
        const string Reference = "Add a reference to the Rnn.TorchSharp package and to TorchSharp-cpu (or TorchSharp-cuda-linux / TorchSharp-cuda-windows for a GPU) in the application, or use RecurrentBackend.Managed.";
        Type? type;
        try
        {
            type = Type.GetType(TorchBackendType, throwOnError: false);
        }
        catch (Exception e) when (e is FileLoadException or BadImageFormatException)
        {
            throw new InvalidOperationException($"RecurrentTrainerOptions.Backend = TorchSharp: the Rnn.TorchSharp assembly cannot be loaded ({e.Message}). {Reference}", e);
        }
        if (type is null)
            throw new InvalidOperationException($"RecurrentTrainerOptions.Backend = TorchSharp needs the Rnn.TorchSharp assembly, which this application does not have. {Reference}");
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
            throw new InvalidOperationException($"RecurrentTrainerOptions.Backend = TorchSharp: TorchSharp or libtorch cannot be loaded ({(e.InnerException ?? e).Message}). {Reference}", e);
        }
    }
}
