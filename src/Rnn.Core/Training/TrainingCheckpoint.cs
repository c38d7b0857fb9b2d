using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Rnn.Core.Models;
using Rnn.Core.Numerics;
using Rnn.Core.Optimizers;
using Rnn.Core.Serialization;

namespace Rnn.Core.Training;

/// <summary>
/// A training checkpoint: everything a trainer needs to continue a run exactly where it stopped, so the resumed run ends
/// with the same weights, bit for bit, as a run never interrupted.
/// </summary>
/// <remarks>
/// <para>Format: one safetensors file (float32 tensors, string metadata), written atomically (<see cref="AtomicFile"/>).</para>
/// <code>
/// tensors   model.{name}              every parameter of the model, by its state_dict name (whatever the model has)
///           optimizer.state.{i}.{b}   the optimiser's moments (Optimizer.SaveState's format, prefixed)
///           best.{name}               weights of the best validation epoch, when kept
///           last_good.{name}          weights of the last completed epoch (what a diverging run falls back to), when kept
///           (a trainer may add more: the language model's carried state.h / state.c)
/// metadata  format = rnnml.training-checkpoint, version = 1, trainer = SequenceTrainer | LanguageModelTrainer
///           run.{key}                 what the run is: model options, parameter shapes, trainer options, data hash —
///                                     all must match to resume (a mismatch names every key that differs)
///           optimizer.{...}           optimiser type, learning rate, per-parameter step counts
///           rng.{stream}              generator states: the trainer's shuffling stream and the model's dropout streams
///           state.{key}               the trainer's position and bookkeeping (epoch, batch, loss sums, early stopping,
///                                     history as JSON)
/// </code>
/// </remarks>
internal sealed class TrainingCheckpoint
{
    private const string FormatName = "rnnml.training-checkpoint";
    private const int Version = 1;
    private static readonly JsonSerializerOptions s_json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);
    private readonly string _source;

    /// <summary>A new, empty checkpoint of <paramref name="trainer"/> for the run described by <paramref name="run"/>.</summary>
    public TrainingCheckpoint(string trainer, IReadOnlyDictionary<string, string> run)
    {
        _source = trainer;
        _metadata["format"] = FormatName;
        _metadata["version"] = Version.ToString(CultureInfo.InvariantCulture);
        _metadata["trainer"] = trainer;
        foreach (var (key, value) in run) _metadata["run." + key] = value;
    }

    private TrainingCheckpoint(string source, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        _source = source;
        foreach (var (k, v) in tensors) _tensors[k] = v;
        foreach (var (k, v) in metadata) _metadata[k] = v;
    }

    // ---------------------------------------------------------------- file

    /// <summary>Writes the checkpoint to <paramref name="path"/> atomically (the previous file stays whole until the new one is).</summary>
    public void Save(string path) => AtomicFile.Write(path, stream => SafeTensors.Save(stream, _tensors, _metadata));

    /// <summary>
    /// Reads the checkpoint at <paramref name="path"/> and checks that it was written by <paramref name="trainer"/> for the
    /// run <paramref name="run"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a checkpoint of this trainer, or of another run: the message names every difference.</exception>
    public static TrainingCheckpoint Load(string path, string trainer, IReadOnlyDictionary<string, string> run)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"There is no checkpoint to resume from at '{path}'.", path);
        var tensors = SafeTensors.Load(path, out var metadata);
        var checkpoint = new TrainingCheckpoint(path, tensors, metadata);
        if (checkpoint.Text("format") != FormatName)
            throw checkpoint.Invalid($"it is not a training checkpoint (format '{checkpoint.Text("format")}', expected '{FormatName}')");
        if (checkpoint.Int("version") != Version)
            throw checkpoint.Invalid($"checkpoint version {checkpoint.Text("version")} is not supported (this build reads version {Version})");
        if (checkpoint.Text("trainer") != trainer)
            throw checkpoint.Invalid($"it was written by {checkpoint.Text("trainer")}, this is {trainer}");
        var differences = new List<string>();
        foreach (var (key, now) in run)
        {
            if (!metadata.TryGetValue("run." + key, out var then)) differences.Add($"{key} is missing from the checkpoint (now {now})");
            else if (then != now) differences.Add($"{key} is {then} in the checkpoint, {now} now");
        }
        foreach (var key in metadata.Keys.Where(k => k.StartsWith("run.", StringComparison.Ordinal)).Select(k => k[4..]))
            if (!run.ContainsKey(key)) differences.Add($"{key} is {metadata["run." + key]} in the checkpoint, absent now");
        // Many parameters change shape with one option: name the first two and count the rest.
        var shapes = differences.Where(d => d.StartsWith("parameter.", StringComparison.Ordinal)).ToList();
        if (shapes.Count > 2)
        {
            differences.RemoveAll(d => d.StartsWith("parameter.", StringComparison.Ordinal));
            differences.Add($"{string.Join("; ", shapes.Take(2))}; and {shapes.Count - 2} more parameters differ");
        }
        if (differences.Count > 0)
            throw checkpoint.Invalid($"it was written for a different training run: {string.Join("; ", differences)}");
        return checkpoint;
    }

    // ---------------------------------------------------------------- what the run is

    /// <summary>Adds the model's description to <paramref name="run"/>: every option, every parameter's name and shape, every random stream's name.</summary>
    public static void DescribeModel(Dictionary<string, string> run, SequenceModel model)
    {
        foreach (var property in typeof(SequenceModelOptions).GetProperties())
            run["model." + property.Name] = Format(property.GetValue(model.Options));
        foreach (var (name, p) in model.Parameters) run["parameter." + name] = p.Value.ShapeString + (p.RequiresGrad ? "" : " frozen");
        run["random_streams"] = string.Join(",", model.RandomStreams().Select(s => s.Key));
    }

    /// <summary>"R" text for floats and doubles, invariant text for the rest, "null" for null, comma-joined arrays.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float[] a => "[" + string.Join(",", a.Select(f => f.ToString("R", CultureInfo.InvariantCulture))) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null",
    };

    /// <summary>The learning rate of each of <paramref name="epochs"/> epochs under <paramref name="schedule"/> (or "constant").</summary>
    public static string DescribeSchedule(ILearningRateSchedule? schedule, int epochs) =>
        schedule is null ? "constant" : string.Join(",", Enumerable.Range(0, epochs).Select(e => Format(schedule.GetLearningRate(e))));

    /// <summary>A SHA-256 of the examples, targets and shape of <paramref name="data"/> (hex, with the example count in front).</summary>
    public static string Hash(SequenceDataset? data)
    {
        if (data is null) return "none";
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<int> header = [data.Count, data.Features, data.TargetWidth];
        hash.AppendData(MemoryMarshal.AsBytes(header));
        for (int i = 0; i < data.Count; i++)
        {
            int length = data.LengthOf(i);
            hash.AppendData(MemoryMarshal.AsBytes(new ReadOnlySpan<int>(ref length)));
            if (data.Tokens is not null) hash.AppendData(MemoryMarshal.AsBytes(data.Tokens[i].AsSpan()));
            else hash.AppendData(MemoryMarshal.AsBytes(data.Values![i].AsSpan()));
        }
        if (data.ClassTargets is not null) hash.AppendData(MemoryMarshal.AsBytes(data.ClassTargets.AsSpan()));
        if (data.ValueTargets is not null) hash.AppendData(MemoryMarshal.AsBytes(data.ValueTargets.AsSpan()));
        return $"{data.Count} examples, sha256 {Convert.ToHexStringLower(hash.GetHashAndReset())}";
    }

    /// <summary>A SHA-256 of a token stream (hex, with its length in front).</summary>
    public static string Hash(ReadOnlySpan<int> tokens) =>
        $"{tokens.Length} tokens, sha256 {Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(tokens)))}";

    // ---------------------------------------------------------------- writing

    /// <summary>Adds the model's parameters (<c>model.{name}</c>) and its random streams (<c>rng.model.{stream}</c>).</summary>
    public void AddModel(SequenceModel model)
    {
        foreach (var (name, p) in model.Parameters) _tensors["model." + name] = Copy(p.Value);
        foreach (var (name, rng) in model.RandomStreams()) SetRng("model." + name, rng.State);
    }

    /// <summary>Adds weights kept by the trainer (a snapshot in parameter order) as <c>{prefix}.{name}</c>.</summary>
    public void AddWeights(string prefix, SequenceModel model, float[][] weights)
    {
        for (int i = 0; i < model.Parameters.Count; i++)
            _tensors[$"{prefix}.{model.Parameters.NameAt(i)}"] = Tensor.FromArray((float[])weights[i].Clone(), model.Parameters[i].Value.Shape.ToArray());
    }

    /// <summary>Adds a tensor under <paramref name="name"/> (copied).</summary>
    public void AddTensor(string name, Tensor value) => _tensors[name] = Copy(value);

    /// <summary>Adds the optimiser's state under <c>optimizer.</c>.</summary>
    public void AddOptimizer(Optimizer optimizer)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        optimizer.ExportState("optimizer.", tensors, _metadata);
        foreach (var (k, v) in tensors) _tensors[k] = Copy(v);
    }

    /// <summary>Sets the state of the generator <paramref name="name"/>.</summary>
    public void SetRng(string name, RngState state) =>
        _metadata["rng." + name] = string.Join(",", state.S0, state.S1, state.S2, state.S3, state.HasSpare ? 1 : 0,
            BitConverter.SingleToUInt32Bits(state.Spare));

    /// <summary>Sets the state value <paramref name="key"/> (<c>state.{key}</c>).</summary>
    public void Set(string key, object? value) => _metadata["state." + key] = Format(value);

    /// <summary>Sets the state value <paramref name="key"/> to the JSON of <paramref name="value"/>.</summary>
    public void SetJson<T>(string key, T value) => _metadata["state." + key] = JsonSerializer.Serialize(value, s_json);

    // ---------------------------------------------------------------- reading

    /// <summary>Copies the saved parameters and random streams into <paramref name="model"/> (the run check made sure they match).</summary>
    public void RestoreModel(SequenceModel model)
    {
        foreach (var (name, p) in model.Parameters) Values("model." + name, p.Value.Span.Length).CopyTo(p.Value.Span);
        foreach (var (name, rng) in model.RandomStreams()) rng.State = Rng("model." + name);
    }

    /// <summary>The weights saved under <paramref name="prefix"/> in parameter order, or null when there are none.</summary>
    public float[][]? Weights(string prefix, SequenceModel model)
    {
        if (!_tensors.ContainsKey($"{prefix}.{model.Parameters.NameAt(0)}")) return null;
        return Enumerable.Range(0, model.Parameters.Count)
            .Select(i => Values($"{prefix}.{model.Parameters.NameAt(i)}", model.Parameters[i].Value.Length).ToArray()).ToArray();
    }

    /// <summary>The values of tensor <paramref name="name"/>, which must hold <paramref name="length"/> values.</summary>
    public ReadOnlySpan<float> Values(string name, int length)
    {
        if (!_tensors.TryGetValue(name, out var t)) throw Invalid($"tensor '{name}' is missing");
        if (t.Length != length) throw Invalid($"tensor '{name}' holds {t.Length} values, {length} expected");
        return t.Span;
    }

    /// <summary>Restores the optimiser's state.</summary>
    public void RestoreOptimizer(Optimizer optimizer) => optimizer.ImportState("optimizer.", _tensors, _metadata, _source);

    /// <summary>The state of generator <paramref name="name"/>.</summary>
    public RngState Rng(string name)
    {
        var parts = Text("rng." + name).Split(',');
        if (parts.Length != 6) throw Invalid($"generator state 'rng.{name}' is malformed");
        uint U(int i) => uint.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out uint v) ? v : throw Invalid($"generator state 'rng.{name}' is malformed");
        return new RngState(U(0), U(1), U(2), U(3), U(4) != 0, BitConverter.UInt32BitsToSingle(U(5)));
    }

    /// <summary>State value <paramref name="key"/> as an integer.</summary>
    public int Int(string key) => (int)Long(key);

    /// <summary>State value <paramref name="key"/> as a long.</summary>
    public long Long(string key) =>
        long.TryParse(Text(Key(key)), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : throw Invalid($"'{Key(key)}' is not an integer");

    /// <summary>State value <paramref name="key"/> as a double.</summary>
    public double Double(string key) =>
        double.TryParse(Text(Key(key)), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : throw Invalid($"'{Key(key)}' is not a number");

    /// <summary>State value <paramref name="key"/> as a bool.</summary>
    public bool Bool(string key) => bool.TryParse(Text(Key(key)), out bool v) ? v : throw Invalid($"'{Key(key)}' is not true or false");

    /// <summary>State value <paramref name="key"/> read from JSON.</summary>
    public T Json<T>(string key) => JsonSerializer.Deserialize<T>(Text(Key(key)), s_json) ?? throw Invalid($"'{Key(key)}' is null");

    // version, format and trainer sit at the top level; everything else a trainer reads is under state.
    private static string Key(string key) => key == "version" ? key : "state." + key;

    private string Text(string key) => _metadata.TryGetValue(key, out var v) ? v : throw Invalid($"metadata '{key}' is missing");

    private InvalidDataException Invalid(string problem) => new($"Cannot resume from checkpoint '{_source}': {problem}.");

    private static Tensor Copy(Tensor t) => Tensor.FromArray(t.Span.ToArray(), t.Shape.ToArray());
}
