using TorchSharp;
using static TorchSharp.torch;

namespace Rnn.TorchSharp;

/// <summary>Loads libtorch and resolves device names, turning native load failures into exceptions that say what to install.</summary>
public static class TorchRuntime
{
    /// <summary>Loads libtorch for <paramref name="device"/> and returns that device.</summary>
    /// <param name="device">"cpu", "cuda" or "cuda:N" (case-insensitive).</param>
    /// <exception cref="InvalidOperationException">libtorch cannot be loaded, or CUDA is asked for without a CUDA build of TorchSharp or a GPU.</exception>
    /// <exception cref="ArgumentException">The device name is not one of the forms above.</exception>
    public static Device Resolve(string device)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(device);
        string name = device.Trim().ToLowerInvariant();
        int index = -1;
        bool cuda = name.StartsWith("cuda", StringComparison.Ordinal);
        if (cuda && name.Length > 4)
        {
            if (name[4] != ':' || !int.TryParse(name.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index))
                throw new ArgumentException($"device '{device}' is not \"cpu\", \"cuda\" or \"cuda:N\"", nameof(device));
        }
        else if (!cuda && name != "cpu")
        {
            throw new ArgumentException($"device '{device}' is not \"cpu\", \"cuda\" or \"cuda:N\"", nameof(device));
        }

        EnsureLoaded(DeviceType.CPU);
        if (!cuda) return CPU;
        if (!torch.cuda.is_available())
            throw new InvalidOperationException($"device '{device}' asks for CUDA, but the libtorch loaded here has no CUDA support or finds no GPU: reference TorchSharp-cuda-linux (or TorchSharp-cuda-windows) instead of TorchSharp-cpu, on a machine with an NVIDIA GPU and driver, or train on \"cpu\".");
        int count = torch.cuda.device_count();
        if (index >= count)
            throw new InvalidOperationException($"device '{device}' does not exist: libtorch sees {count} CUDA device(s) (cuda:0..cuda:{count - 1}).");
        return index < 0 ? CUDA : torch.device(DeviceType.CUDA, index);
    }

    /// <summary>Loads libtorch's native libraries for <paramref name="deviceType"/> (idempotent).</summary>
    /// <exception cref="InvalidOperationException">They cannot be loaded; the message names the cause and the package to reference.</exception>
    public static void EnsureLoaded(DeviceType deviceType = DeviceType.CPU)
    {
        try
        {
            torch.InitializeDeviceType(deviceType);
        }
        catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException or InvalidOperationException)
        {
            string first = e.Message.Split('\n', 2)[0];
            throw new InvalidOperationException(
                $"libtorch could not be loaded for {deviceType}: {first} Reference TorchSharp-cpu (or TorchSharp-cuda-linux / TorchSharp-cuda-windows for a GPU) " +
                "beside Rnn.TorchSharp in the application. On Linux with a libstdc++ older than GCC 13's (e.g. Debian 12), the build must patch " +
                "libLibTorchSharp.so (eng/torchsharp/TorchSharpNativePatch.targets, needs patchelf); see docs/torchsharp.md.", e);
        }
    }
}
