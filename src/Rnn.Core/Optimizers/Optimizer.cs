using System.Globalization;
using Rnn.Core.Internals;
using Rnn.Core.Serialization;

namespace Rnn.Core.Optimizers;

/// <summary>
/// Base of the optimisers: the parameters to update, the learning rate, and per-parameter state
/// (PyTorch's <c>optimizer.state</c>) that can be saved and restored to resume training.
/// </summary>
/// <remarks>
/// <para>Parameters whose <see cref="Parameter.RequiresGrad"/> is false are skipped by <see cref="Step"/> (PyTorch skips
/// parameters whose grad is None). Gradients are read, never cleared: call <see cref="ZeroGrad"/> before the next backward pass.</para>
/// <para>State format (<see cref="SaveState(Stream)"/>): a safetensors file holding one F32 tensor per state buffer named
/// <c>state.{i}.{buffer}</c> (i = the parameter's position, buffer = PyTorch's name: <c>momentum_buffer</c>,
/// <c>exp_avg</c>, <c>exp_avg_sq</c>), with <c>__metadata__</c> {<c>optimizer</c>: type name, <c>lr</c>,
/// <c>parameter_count</c>, <c>state.{i}.step</c>: the parameter's step count}.</para>
/// </remarks>
public abstract class Optimizer
{
    private readonly Parameter[] _parameters;
    private readonly Dictionary<string, float[]>[] _buffers; // per parameter: buffer name → values, shaped as the parameter
    private readonly long[] _steps;                          // per parameter: updates applied
    private float _learningRate;

    /// <summary>Creates an optimiser over <paramref name="parameters"/> (e.g. <c>model.Parameters</c>).</summary>
    /// <param name="parameters">Parameters to update; each at most once.</param>
    /// <param name="learningRate">Initial learning rate, finite and non-negative.</param>
    /// <exception cref="ArgumentException">A parameter is null or appears twice.</exception>
    protected Optimizer(IEnumerable<Parameter> parameters, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters.ToArray();
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var p in _parameters)
        {
            if (p is null) ThrowHelper.ThrowArgument(nameof(parameters), "parameters contains null");
            if (!seen.Add(p)) ThrowHelper.ThrowArgument(nameof(parameters), $"parameter '{p.Name}' appears more than once");
        }
        _buffers = new Dictionary<string, float[]>[_parameters.Length];
        for (int i = 0; i < _buffers.Length; i++) _buffers[i] = new(StringComparer.Ordinal);
        _steps = new long[_parameters.Length];
        LearningRate = learningRate;
    }

    /// <summary>The parameters this optimiser updates, in order (state is indexed by this order).</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The learning rate used by the next <see cref="Step"/>; finite and non-negative. Set it from a schedule between steps.</summary>
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            OptimizerChecks.NonNegative(value, nameof(LearningRate));
            _learningRate = value;
        }
    }

    /// <summary>Applies one update to every parameter with <see cref="Parameter.RequiresGrad"/> from its accumulated gradient.</summary>
    public void Step()
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            if (!_parameters[i].RequiresGrad) continue;
            _steps[i]++;
            Update(i, _parameters[i].Value.Span, _parameters[i].Grad.Span, _steps[i]);
        }
    }

    /// <summary>Zeroes the gradient of every parameter.</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters) p.ZeroGrad();
    }

    /// <summary>Updates one parameter in place.</summary>
    /// <param name="index">The parameter's position, for <see cref="TryGetBuffer"/> and <see cref="GetBuffer"/>.</param>
    /// <param name="value">The parameter's values, updated in place.</param>
    /// <param name="grad">Its accumulated gradient.</param>
    /// <param name="step">How many updates this parameter has had, including this one (1 on the first).</param>
    protected abstract void Update(int index, Span<float> value, ReadOnlySpan<float> grad, long step);

    /// <summary>The state buffer names this optimiser keeps per parameter (PyTorch's names), for loading.</summary>
    protected abstract IReadOnlyList<string> StateNames { get; }

    /// <summary>The parameter's buffer <paramref name="name"/>, or false when it does not exist yet.</summary>
    protected bool TryGetBuffer(int index, string name, out Span<float> buffer)
    {
        bool found = _buffers[index].TryGetValue(name, out var array);
        buffer = array;
        return found;
    }

    /// <summary>The parameter's buffer <paramref name="name"/>, created zero-filled on first use.</summary>
    protected Span<float> GetBuffer(int index, string name)
    {
        if (!_buffers[index].TryGetValue(name, out var array))
        {
            array = new float[_parameters[index].Value.Length];
            _buffers[index].Add(name, array);
        }
        return array;
    }

    // ---------------------------------------------------------------- state

    /// <summary>Writes the state (buffers, step counts, learning rate) as safetensors to <paramref name="stream"/> (left open).</summary>
    public void SaveState(Stream stream)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        ExportState("", tensors, metadata);
        SafeTensors.Save(stream, tensors, metadata);
    }

    /// <summary>Adds the state (the <see cref="SaveState(Stream)"/> format) to <paramref name="tensors"/> and <paramref name="metadata"/>, every key prefixed with <paramref name="prefix"/>.</summary>
    internal void ExportState(string prefix, List<KeyValuePair<string, Tensor>> tensors, Dictionary<string, string> metadata)
    {
        metadata[prefix + "optimizer"] = GetType().Name;
        metadata[prefix + "lr"] = LearningRate.ToString("R", CultureInfo.InvariantCulture);
        metadata[prefix + "parameter_count"] = _parameters.Length.ToString(CultureInfo.InvariantCulture);
        for (int i = 0; i < _parameters.Length; i++)
        {
            if (_steps[i] > 0) metadata[$"{prefix}state.{i}.step"] = _steps[i].ToString(CultureInfo.InvariantCulture);
            foreach (var (name, buffer) in _buffers[i])
                tensors.Add(new($"{prefix}state.{i}.{name}", Tensor.FromArray(buffer, _parameters[i].Value.Shape.ToArray())));
        }
    }

    /// <summary>
    /// Writes the state to a file (see <see cref="SaveState(Stream)"/>), atomically: a failed or killed save leaves the
    /// previous file intact.
    /// </summary>
    public void SaveState(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, SaveState);
    }

    /// <summary>
    /// Restores state written by <see cref="SaveState(Stream)"/> of the same optimiser type over parameters of the same
    /// count and shapes; replaces all current state and the learning rate. Nothing changes when a check fails.
    /// </summary>
    /// <param name="stream">Source, read to its end.</param>
    /// <param name="sourceName">Name for error messages. Default "stream".</param>
    /// <exception cref="InvalidDataException">The content is not valid or does not match this optimiser; the message names the problem.</exception>
    public void LoadState(Stream stream, string? sourceName = null)
    {
        sourceName ??= "stream";
        var tensors = SafeTensors.Load(stream, out var metadata, sourceName);
        ImportState("", tensors, metadata, sourceName);
    }

    /// <summary>
    /// Restores state added by <see cref="ExportState"/> with the same <paramref name="prefix"/> (tensors and metadata without
    /// it are ignored); the checks of <see cref="LoadState(Stream, string)"/>.
    /// </summary>
    internal void ImportState(string prefix, IReadOnlyDictionary<string, Tensor> allTensors, IReadOnlyDictionary<string, string> metadata, string sourceName)
    {
        var tensors = allTensors.Where(t => t.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(t => KeyValuePair.Create(t.Key[prefix.Length..], t.Value));
        string Meta(string key) => metadata.TryGetValue(prefix + key, out var v) ? v : throw InvalidState(sourceName, $"metadata '{prefix}{key}' is missing");

        if (Meta("optimizer") != GetType().Name)
            throw InvalidState(sourceName, $"it holds {Meta("optimizer")} state, this optimiser is {GetType().Name}");
        if (!int.TryParse(Meta("parameter_count"), NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count != _parameters.Length)
            throw InvalidState(sourceName, $"it holds state for {Meta("parameter_count")} parameters, this optimiser has {_parameters.Length}");
        if (!float.TryParse(Meta("lr"), NumberStyles.Float, CultureInfo.InvariantCulture, out float lr) || !(lr >= 0) || float.IsInfinity(lr))
            throw InvalidState(sourceName, $"learning rate '{Meta("lr")}' is not a finite non-negative number");

        var steps = new long[_parameters.Length];
        var buffers = new Dictionary<string, float[]>[_parameters.Length];
        for (int i = 0; i < buffers.Length; i++)
        {
            buffers[i] = new(StringComparer.Ordinal);
            if (metadata.TryGetValue($"{prefix}state.{i}.step", out var s) && (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out steps[i]) || steps[i] <= 0))
                throw InvalidState(sourceName, $"step count '{s}' of parameter {i} is not a positive integer");
        }
        foreach (var (key, tensor) in tensors)
        {
            var parts = key.Split('.');
            if (parts.Length != 3 || parts[0] != "state" || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
                || i >= _parameters.Length || !StateNames.Contains(parts[2]))
                throw InvalidState(sourceName, $"unexpected tensor '{key}' (expected state.{{0..{_parameters.Length - 1}}}.{{{string.Join("|", StateNames)}}})");
            if (!tensor.SameShape(_parameters[i].Value))
                throw InvalidState(sourceName, $"'{key}' has shape {tensor.ShapeString}, parameter {i} ('{_parameters[i].Name}') has {_parameters[i].Value.ShapeString}");
            buffers[i][parts[2]] = tensor.Span.ToArray();
        }

        Array.Copy(steps, _steps, steps.Length);
        Array.Copy(buffers, _buffers, buffers.Length);
        LearningRate = lr;
    }

    /// <summary>Restores state from a file (see <see cref="LoadState(Stream, string)"/>).</summary>
    public void LoadState(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        LoadState(file, path);
    }

    private static InvalidDataException InvalidState(string source, string problem) =>
        new($"{source}: cannot restore optimiser state: {problem}");
}
