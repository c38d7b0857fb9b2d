using Rnn.Core;
using Tensor = TorchSharp.torch.Tensor;
using TorchParameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace Rnn.TorchSharp;

/// <summary>
/// Copies weights between a libtorch module and a Rnn.Core <see cref="ParameterCollection"/> that name them alike
/// (PyTorch's <c>state_dict</c> names, e.g. <c>rnn.weight_ih_l0</c>): both sides must hold exactly the same names with the
/// same shapes, else the exception names the parameter. Values are copied bit for bit.
/// </summary>
public static class TorchParameters
{
    /// <summary>Sets every parameter of <paramref name="module"/> from <paramref name="source"/> (and its <c>requires_grad</c> from <see cref="Parameter.RequiresGrad"/>).</summary>
    /// <param name="module">The libtorch module to overwrite.</param>
    /// <param name="source">The managed parameters, one per parameter of the module.</param>
    /// <exception cref="ArgumentException">A name is missing on either side, or a shape differs; the message names the parameter.</exception>
    public static void LoadFrom(nn.Module module, ParameterCollection source)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(source);
        using var noGrad = no_grad();
        foreach (var (name, target, managed) in Pairs(module, source, nameof(source)))
        {
            using var values = tensor(managed.Value.Span.ToArray(), Dimensions(managed.Value), dtype: ScalarType.Float32);
            target.copy_(values);
            target.requires_grad = managed.RequiresGrad;
        }
    }

    /// <summary>Copies every parameter of <paramref name="module"/> into <paramref name="target"/>.</summary>
    /// <param name="module">The libtorch module to read.</param>
    /// <param name="target">The managed parameters to overwrite, one per parameter of the module.</param>
    /// <exception cref="ArgumentException">A name is missing on either side, or a shape differs; the message names the parameter.</exception>
    public static void CopyTo(nn.Module module, ParameterCollection target)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(target);
        foreach (var (_, source, managed) in Pairs(module, target, nameof(target)))
            ToManaged(source, managed.Value.Span);
    }

    /// <summary>Copies a float32 tensor of any device into <paramref name="destination"/> (same element count).</summary>
    /// <param name="source">The tensor to read.</param>
    /// <param name="destination">Receives the elements, row-major.</param>
    public static void ToManaged(Tensor source, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.numel() != destination.Length)
            throw new ArgumentException($"the tensor has {source.numel()} elements, the destination {destination.Length}", nameof(destination));
        using var cpu = source.detach().to(ScalarType.Float32, CPU).contiguous();
        cpu.data<float>().CopyTo(destination);
    }

    /// <summary>A float32 tensor holding a copy of a managed tensor (same shape).</summary>
    /// <param name="source">The managed tensor.</param>
    /// <param name="device">Where to put the copy. Default the CPU.</param>
    public static Tensor FromManaged(Rnn.Core.Tensor source, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return tensor(source.Span.ToArray(), Dimensions(source), dtype: ScalarType.Float32, device: device);
    }

    private static long[] Dimensions(Rnn.Core.Tensor t)
    {
        var shape = new long[t.Rank];
        for (int i = 0; i < shape.Length; i++) shape[i] = t.Size(i);
        return shape;
    }

    /// <summary>Pairs each module parameter with the managed one of the same name, checking names and shapes both ways.</summary>
    private static List<(string Name, TorchParameter Torch, Parameter Managed)> Pairs(nn.Module module, ParameterCollection managed, string argument)
    {
        var pairs = new List<(string, TorchParameter, Parameter)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (!managed.TryGetValue(name, out var p))
                throw new ArgumentException($"parameter '{name}' of the libtorch model has no counterpart in the managed parameters (known: {string.Join(", ", managed.Keys)})", argument);
            var shape = parameter.shape;
            if (shape.Length != p.Value.Rank || !shape.Select(d => (int)d).SequenceEqual(p.Value.Shape.ToArray()))
                throw new ArgumentException($"parameter '{name}' has shape ({string.Join(", ", shape)}) in the libtorch model and {p.Value.ShapeString} in the managed one", argument);
            pairs.Add((name, parameter, p));
            seen.Add(name);
        }
        foreach (var name in managed.Keys)
        {
            if (!seen.Contains(name))
                throw new ArgumentException($"parameter '{name}' of the managed model has no counterpart in the libtorch model", argument);
        }
        return pairs;
    }
}
